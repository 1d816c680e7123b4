using System;
using System.Collections.Generic;

namespace WorldStream.Core
{
    /// <summary>
    /// The tiles a client holds, keyed by cell: at most one level per cell (x, y, z). A tile is
    /// committed when its last chunk has arrived and decoded, and then replaces whatever the cell
    /// held (another level, an older version), so a cell never goes empty while it is refined.
    /// Splats are counted against the budget the session declared; the server keeps the client
    /// inside it with TileRemovals, so going over is reported, never fixed by dropping tiles
    /// here (that would open holes the server does not know about). Main thread only.
    /// </summary>
    public sealed class TileResidency
    {
        readonly Dictionary<CellKey, ResidentTile> tiles = new Dictionary<CellKey, ResidentTile>();
        long splatBudget;
        string worldUid = "";

        public TileResidency(long splatBudget)
        {
            SplatBudget = splatBudget;
        }

        /// <summary>Most splats held at once (ExploreHeader.splat_budget once the server has answered).</summary>
        public long SplatBudget
        {
            get { return splatBudget; }
            set
            {
                if (value <= 0) throw new ArgumentOutOfRangeException(nameof(value), "the splat budget must be positive");
                splatBudget = value;
            }
        }

        /// <summary>
        /// World.uid of the instance the held tiles came from (header.world.uid of their stream);
        /// empty until a header names one, or when the world has none. The manifest carries it, so
        /// that the server never takes these tiles for another instance's.
        /// </summary>
        public string WorldUid
        {
            get { return worldUid; }
            set { worldUid = value ?? ""; }
        }

        public long ResidentSplats { get; private set; }

        public int Count => tiles.Count;

        public long OverBudgetBy => Math.Max(0, ResidentSplats - splatBudget);

        public IEnumerable<ResidentTile> Tiles => tiles.Values;

        /// <summary>Holds the completed tile, replacing what its cell held.</summary>
        public ResidencyChange Commit(TileKey key, long version, long splatCount)
        {
            if (splatCount < 0) throw new ArgumentOutOfRangeException(nameof(splatCount));
            var cell = key.Cell;
            ResidentTile replaced;
            if (tiles.TryGetValue(cell, out replaced)) ResidentSplats -= replaced.SplatCount;
            var added = new ResidentTile(key, version, splatCount);
            tiles[cell] = added;
            ResidentSplats += splatCount;
            return new ResidencyChange(added, replaced, OverBudgetBy);
        }

        /// <summary>
        /// Drops the tile of the key's cell (a TileRemoval names the cell's held level; the cell is
        /// what counts). Returns the dropped tile, or null when the cell held nothing.
        /// </summary>
        public ResidentTile Remove(TileKey key)
        {
            ResidentTile held;
            if (!tiles.TryGetValue(key.Cell, out held)) return null;
            tiles.Remove(key.Cell);
            ResidentSplats -= held.SplatCount;
            return held;
        }

        public ResidentTile Get(CellKey cell)
        {
            ResidentTile held;
            return tiles.TryGetValue(cell, out held) ? held : null;
        }

        /// <summary>True when exactly this level and version is held.</summary>
        public bool Holds(TileKey key, long version)
        {
            var held = Get(key.Cell);
            return held != null && held.Key == key && held.Version == version;
        }

        /// <summary>
        /// What to send as ExploreStart.held_tiles (sorted by key) and world_uid on reconnect,
        /// each tile with the splat count it was committed with.
        /// </summary>
        public HeldTileManifest Manifest(string world)
        {
            var entries = new List<HeldTileEntry>(tiles.Count);
            foreach (var tile in tiles.Values) entries.Add(new HeldTileEntry(tile.Key, tile.Version, tile.SplatCount));
            return new HeldTileManifest(world, worldUid, entries);
        }

        /// <summary>Drops every tile; nothing held belongs to any instance any more.</summary>
        public void Clear()
        {
            tiles.Clear();
            ResidentSplats = 0;
            worldUid = "";
        }
    }
}
