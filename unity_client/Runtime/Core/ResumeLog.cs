using System;
using System.Collections.Generic;

namespace WorldStream.Core
{
    /// <summary>
    /// What a reconnect resumes. The main thread reports the tiles it holds together with the
    /// number of the last delivery it applied; the receive thread numbers every event it queues
    /// that changes what is held (a decoded tile, a removal, a header) and logs it here. The
    /// resume manifest is the report with the logged deliveries after it replayed in order, as
    /// the main thread will apply them: tiles decoded by the old connection but still queued are
    /// held as far as the server is concerned, so it does not send them again.
    /// Thread-safe: the receive thread logs and reads, the main thread reports.
    /// </summary>
    public sealed class ResumeLog
    {
        enum Kind
        {
            Tile,
            Removal,
            Header,
        }

        struct Delivery
        {
            public Kind Kind;
            public long Number;
            public TileKey Key;
            public long Version;
            public long SplatCount;
            public string WorldUid;
        }

        readonly object gate = new object();
        readonly string world;
        readonly Queue<Delivery> pending = new Queue<Delivery>();
        HeldTileManifest held;
        long heldThrough;
        long delivered;

        /// <param name="world">The world streamed, worlds/{world}.</param>
        /// <param name="held">Tiles held before the first connection (null: none).</param>
        public ResumeLog(string world, HeldTileManifest held)
        {
            if (string.IsNullOrEmpty(world)) throw new ArgumentException("a world such as worlds/lobby", nameof(world));
            this.world = world;
            this.held = held;
        }

        /// <summary>Logged deliveries the main thread has not reported applied.</summary>
        public int Pending
        {
            get
            {
                lock (gate) return pending.Count;
            }
        }

        /// <summary>
        /// A decoded tile of <paramref name="splatCount"/> splats is queued; returns its delivery
        /// number. The count is resumed with it: the server counts the tile against the splat
        /// budget with the count held, which an older version's may not share.
        /// </summary>
        public long Tile(TileKey key, long version, long splatCount)
        {
            if (splatCount < 0) throw new ArgumentOutOfRangeException(nameof(splatCount), "a splat count is not negative");
            return Log(new Delivery { Kind = Kind.Tile, Key = key, Version = version, SplatCount = splatCount });
        }

        /// <summary>A TileRemoval is queued; returns its delivery number.</summary>
        public long Removal(TileKey key) => Log(new Delivery { Kind = Kind.Removal, Key = key });

        /// <summary>A stream header is queued (header.world.uid); returns its delivery number.</summary>
        public long Header(string worldUid) => Log(new Delivery { Kind = Kind.Header, WorldUid = worldUid ?? "" });

        /// <summary>
        /// The main thread holds <paramref name="tiles"/> after applying every delivery up to
        /// <paramref name="appliedThrough"/> (0: none).
        /// </summary>
        public void Applied(HeldTileManifest tiles, long appliedThrough)
        {
            lock (gate)
            {
                if (appliedThrough < heldThrough) throw new ArgumentException("deliveries are applied in order", nameof(appliedThrough));
                held = tiles;
                heldThrough = appliedThrough;
                while (pending.Count > 0 && pending.Peek().Number <= appliedThrough) pending.Dequeue();
            }
        }

        /// <summary>The manifest to resume with: the last report plus what is queued after it.</summary>
        public HeldTileManifest Manifest()
        {
            lock (gate)
            {
                var byCell = new Dictionary<CellKey, HeldTileEntry>();
                string uid = "";
                if (held != null && held.World == world)
                {
                    uid = held.WorldUid;
                    foreach (var entry in held.Tiles) byCell[entry.Key.Cell] = entry;
                }
                foreach (var d in pending)
                {
                    switch (d.Kind)
                    {
                        case Kind.Header:
                            // As TileStreamer.BeginWorld: tiles of another world instance go.
                            if (d.WorldUid != uid) byCell.Clear();
                            uid = d.WorldUid;
                            break;
                        case Kind.Tile:
                            // As TileResidency.Commit: the tile replaces what its cell held.
                            byCell[d.Key.Cell] = new HeldTileEntry(d.Key, d.Version, d.SplatCount);
                            break;
                        case Kind.Removal:
                            // As TileResidency.Remove: the cell goes, whatever level it held.
                            byCell.Remove(d.Key.Cell);
                            break;
                    }
                }
                return new HeldTileManifest(world, uid, byCell.Values);
            }
        }

        long Log(Delivery d)
        {
            lock (gate)
            {
                d.Number = ++delivered;
                pending.Enqueue(d);
                return d.Number;
            }
        }
    }
}
