using System;
using System.Collections.Generic;

namespace WorldStream.Core
{
    /// <summary>
    /// Applies streamed tiles on the main thread: commits them to the residency (one level per
    /// cell, replace on complete), hands them to the renderer, fades new tiles in over the ones
    /// they replace and removes those once covered, and applies TileRemovals.
    /// </summary>
    public sealed class TileStreamer
    {
        readonly TileResidency residency;
        readonly ISplatRenderer renderer;
        readonly FadeSchedule<int> fades;
        readonly Dictionary<CellKey, int> shown = new Dictionary<CellKey, int>();
        readonly List<int> removeNow = new List<int>();
        readonly List<int> fading = new List<int>();
        readonly HashSet<int> live = new HashSet<int>();
        int nextId = 1;

        public TileStreamer(TileResidency residency, ISplatRenderer renderer, double fadeSeconds)
        {
            this.residency = residency ?? throw new ArgumentNullException(nameof(residency));
            this.renderer = renderer ?? throw new ArgumentNullException(nameof(renderer));
            fades = new FadeSchedule<int>(fadeSeconds);
        }

        public TileResidency Residency => residency;

        /// <summary>Tiles the renderer holds: the resident ones plus those still under a fade.</summary>
        public int RendererTiles => live.Count;

        /// <summary>
        /// A stream's header arrived: <paramref name="worldUid"/> is its header.world.uid, the
        /// world instance it streams. Tiles held of another instance (the world was deleted and
        /// made again under its name, or they came with no uid) are none of this one's: they all
        /// go, from the renderer too, before anything of the new stream is applied (the server
        /// removes them as well, and resumes none of them). Returns how many tiles went.
        /// </summary>
        public int BeginWorld(string worldUid)
        {
            worldUid = worldUid ?? "";
            int dropped = 0;
            if (residency.Count > 0 && worldUid != residency.WorldUid)
            {
                dropped = residency.Count;
                Clear();
            }
            residency.WorldUid = worldUid;
            return dropped;
        }

        /// <summary>A tile whose last chunk arrived and decoded.</summary>
        public ResidencyChange Apply(TileKey key, long version, DecodedTile tile, double now)
        {
            if (tile == null) throw new ArgumentNullException(nameof(tile));
            var change = residency.Commit(key, version, tile.SplatCount);
            int id = nextId++;
            int previous;
            bool replaces = shown.TryGetValue(key.Cell, out previous);
            removeNow.Clear();
            fades.Begin(id, replaces, previous, now, removeNow);
            // The new tile is in the renderer before anything of its cell leaves: no hole.
            renderer.AddTile(id, tile, fades.Alpha(id, now));
            live.Add(id);
            shown[key.Cell] = id;
            RemoveAll(removeNow);
            return change;
        }

        /// <summary>A TileRemoval: the cell's tile goes, with anything it was fading in over.</summary>
        public ResidentTile Remove(TileKey key)
        {
            var removed = residency.Remove(key);
            int id;
            if (shown.TryGetValue(key.Cell, out id))
            {
                shown.Remove(key.Cell);
                removeNow.Clear();
                fades.Cancel(id, removeNow);
                removeNow.Add(id);
                RemoveAll(removeNow);
            }
            return removed;
        }

        /// <summary>Once a frame: advances the fades and removes the tiles they have covered.</summary>
        public void Update(double now)
        {
            fading.Clear();
            fades.CopyFading(fading);
            removeNow.Clear();
            fades.Advance(now, removeNow);
            RemoveAll(removeNow);
            foreach (var id in fading)
            {
                if (live.Contains(id)) renderer.SetTileAlpha(id, fades.Alpha(id, now));
            }
        }

        /// <summary>Drops everything (the session ended without resume), and the world uid with it.</summary>
        public void Clear()
        {
            foreach (var id in live) renderer.RemoveTile(id);
            live.Clear();
            shown.Clear();
            residency.Clear();
            removeNow.Clear();
            var all = new List<int>();
            fades.Advance(double.PositiveInfinity, all);
        }

        void RemoveAll(List<int> ids)
        {
            foreach (var id in ids)
            {
                if (live.Remove(id)) renderer.RemoveTile(id);
            }
        }
    }
}
