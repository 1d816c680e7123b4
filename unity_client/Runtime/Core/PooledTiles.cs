using System;
using System.Collections.Generic;

namespace WorldStream.Core
{
    /// <summary>A tile to pack off the main thread: its records go to <see cref="PooledTiles.Packed"/>.</summary>
    public sealed class PackRequest
    {
        public PackRequest(int handle, uint slot, DecodedTile tile)
        {
            Handle = handle;
            Slot = slot;
            Tile = tile;
        }

        public int Handle { get; }

        public uint Slot { get; }

        public DecodedTile Tile { get; }
    }

    /// <summary>One partial upload: Source[SourceStart .. + Count) goes to pool splats [Destination .. + Count).</summary>
    public struct UploadRange
    {
        public GpuSplat[] Source;
        public int SourceStart;
        public int Destination;
        public int Count;
    }

    /// <summary>
    /// The pooled renderer's bookkeeping, engine-free: which pool range and tile-table slot each
    /// tile holds, which packed records still have to be uploaded (and how much of them goes
    /// this frame), and when a removed tile may really go. Tiles are added, replaced and removed
    /// in place: each touches only its own range and slot, nothing else in the pool moves or is
    /// uploaded again.
    ///
    /// A tile is drawn only once all of its records are in the GPU pool (its table entry has
    /// alpha 0 until then). A removal waits until every tile added before it is drawn: the
    /// streamer removes a cell's old level when the new level's fade has ended, and with uploads
    /// bounded per frame the new level may not be on the GPU yet; the old one then stays until it
    /// is, so refining a cell never shows a hole. Adding a tile under an id that is already
    /// drawn replaces it the same way. Main thread only.
    /// </summary>
    public sealed class PooledTiles
    {
        sealed class Record
        {
            public int Handle;
            public long Sequence;
            public uint Slot;
            public int Offset;
            public int Count;
            public float OriginX, OriginY, OriginZ;
            public float Alpha;
            public GpuSplat[] Packed;
            public int Uploaded;
            public bool Drawable;
        }

        struct Removal
        {
            public int Handle;
            public long Barrier;
        }

        readonly SplatPool pool;
        readonly int maxCapacity;
        readonly Dictionary<int, Record> records = new Dictionary<int, Record>();
        readonly Dictionary<int, int> handleOfId = new Dictionary<int, int>();
        readonly List<Record> pending = new List<Record>();
        readonly List<Removal> deferred = new List<Removal>();
        readonly Stack<uint> freeSlots = new Stack<uint>();
        uint slotCount;
        int nextHandle = 1;
        long sequence;

        public PooledTiles(int initialCapacity, int maxCapacity)
        {
            if (maxCapacity <= 0 || maxCapacity > SplatPool.MaxCapacity) throw new ArgumentOutOfRangeException(nameof(maxCapacity));
            if (initialCapacity < 0 || initialCapacity > maxCapacity) throw new ArgumentOutOfRangeException(nameof(initialCapacity));
            pool = new SplatPool(initialCapacity);
            this.maxCapacity = maxCapacity;
        }

        public SplatPool Pool => pool;

        /// <summary>Entries the tile table needs: one past the highest slot ever handed out.</summary>
        public int SlotCount => (int)slotCount;

        /// <summary>Tiles holding a range: drawn, waiting for upload, or removed but waiting to go.</summary>
        public int Tiles => records.Count;

        /// <summary>Tiles added whose records are not all on the GPU yet.</summary>
        public int PendingUploads => pending.Count;

        /// <summary>Removed tiles still drawn until the tiles added before their removal are.</summary>
        public int DeferredRemovals => deferred.Count;

        /// <summary>Tiles not drawn because the pool could not grow to hold them.</summary>
        public int Dropped { get; private set; }

        /// <summary>Tiles not drawn because their packing failed.</summary>
        public int FailedPacks { get; private set; }

        /// <summary>Set when the tile table changed; <see cref="FillTileTable"/> clears it.</summary>
        public bool TableDirty { get; private set; }

        /// <summary>
        /// Takes a range and a slot for the tile and returns what to pack (off the main thread),
        /// or null when the pool cannot grow to hold it (it is then not drawn; see
        /// <see cref="Dropped"/>). A tile already held under <paramref name="id"/> stays drawn
        /// until this one is.
        /// </summary>
        public PackRequest Add(int id, DecodedTile tile, float alpha)
        {
            if (tile == null) throw new ArgumentNullException(nameof(tile));
            int previous;
            bool replaces = handleOfId.TryGetValue(id, out previous);
            if (replaces) handleOfId.Remove(id);
            int offset;
            if (!Allocate(tile.SplatCount, out offset))
            {
                Dropped++;
                if (replaces) RemoveHandle(previous, sequence + 1);
                return null;
            }
            var record = new Record
            {
                Handle = nextHandle++,
                Sequence = ++sequence,
                Slot = freeSlots.Count > 0 ? freeSlots.Pop() : slotCount++,
                Offset = offset,
                Count = tile.SplatCount,
                OriginX = (float)tile.OriginX,
                OriginY = (float)tile.OriginY,
                OriginZ = (float)tile.OriginZ,
                Alpha = Clamp01(alpha),
                Drawable = tile.SplatCount == 0,
            };
            records.Add(record.Handle, record);
            handleOfId[id] = record.Handle;
            if (!record.Drawable) pending.Add(record);
            if (replaces) RemoveHandle(previous, sequence + 1);
            TableDirty = true;
            return record.Drawable ? null : new PackRequest(record.Handle, record.Slot, tile);
        }

        /// <summary>The tile's fade multiplier, clamped to [0, 1].</summary>
        public void SetAlpha(int id, float alpha)
        {
            var record = Current(id);
            if (record == null) return;
            record.Alpha = Clamp01(alpha);
            TableDirty = true;
        }

        /// <summary>
        /// Removes the tile: at once when it is not drawn yet or nothing added before it waits
        /// for upload, otherwise once everything added before it is drawn.
        /// </summary>
        public void Remove(int id)
        {
            int handle;
            if (!handleOfId.TryGetValue(id, out handle)) return;
            handleOfId.Remove(id);
            RemoveHandle(handle, sequence + 1);
        }

        /// <summary>
        /// Hands in a tile's packed records. False when they are of no use: the tile was removed
        /// meanwhile (dropped silently) or packing failed (the tile is dropped and counted).
        /// </summary>
        public bool Packed(PackedTile packed)
        {
            if (packed == null) throw new ArgumentNullException(nameof(packed));
            Record record;
            if (!records.TryGetValue(packed.Handle, out record) || record.Drawable || record.Packed != null) return false;
            if (packed.Splats == null || packed.Splats.Length != record.Count)
            {
                FailedPacks++;
                Release(record);
                ReleaseDueRemovals();
                return false;
            }
            record.Packed = packed.Splats;
            return true;
        }

        /// <summary>
        /// The uploads for this frame, at most <paramref name="budgetSplats"/> splats in all,
        /// tiles in the order they were added and a large tile spread over frames. The caller
        /// must copy every range into the GPU pool before drawing: tiles whose last range is in
        /// the list are drawn from now on, and removals waiting for them take effect. Returns the
        /// splats planned.
        /// </summary>
        public int PlanUploads(int budgetSplats, List<UploadRange> into)
        {
            if (into == null) throw new ArgumentNullException(nameof(into));
            into.Clear();
            int left = Math.Max(0, budgetSplats);
            bool completed = false;
            for (int i = 0; i < pending.Count && left > 0; i++)
            {
                var record = pending[i];
                if (record.Packed == null) continue;
                int count = Math.Min(record.Count - record.Uploaded, left);
                into.Add(new UploadRange
                {
                    Source = record.Packed,
                    SourceStart = record.Uploaded,
                    Destination = record.Offset + record.Uploaded,
                    Count = count,
                });
                record.Uploaded += count;
                left -= count;
                if (record.Uploaded == record.Count)
                {
                    record.Drawable = true;
                    record.Packed = null;
                    completed = true;
                }
            }
            if (completed)
            {
                pending.RemoveAll(r => r.Drawable);
                TableDirty = true;
                ReleaseDueRemovals();
            }
            return Math.Max(0, budgetSplats) - left;
        }

        /// <summary>
        /// Writes the tile table: entry s describes the tile in slot s (alpha 0 when the slot is
        /// free or its tile not drawn yet). Returns <see cref="SlotCount"/>; clears <see cref="TableDirty"/>.
        /// </summary>
        public int FillTileTable(TileGpu[] table)
        {
            if (table == null) throw new ArgumentNullException(nameof(table));
            if (table.Length < SlotCount) throw new ArgumentException("the table is shorter than SlotCount", nameof(table));
            Array.Clear(table, 0, SlotCount);
            foreach (var record in records.Values)
            {
                table[record.Slot] = new TileGpu
                {
                    OriginX = record.OriginX,
                    OriginY = record.OriginY,
                    OriginZ = record.OriginZ,
                    Alpha = record.Drawable ? record.Alpha : 0f,
                    Start = (uint)record.Offset,
                    End = (uint)(record.Offset + record.Count),
                };
            }
            TableDirty = false;
            return SlotCount;
        }

        /// <summary>True when the tile under <paramref name="id"/> has all of its records on the GPU.</summary>
        public bool IsDrawn(int id)
        {
            var record = Current(id);
            return record != null && record.Drawable;
        }

        /// <summary>The pool offset of the tile under <paramref name="id"/>, or -1.</summary>
        public int OffsetOf(int id)
        {
            var record = Current(id);
            return record != null ? record.Offset : -1;
        }

        /// <summary>The tile-table slot of the tile under <paramref name="id"/>, or -1.</summary>
        public int SlotOf(int id)
        {
            var record = Current(id);
            return record != null ? (int)record.Slot : -1;
        }

        // The record the id names now; null when it names none or its tile was dropped.
        Record Current(int id)
        {
            int handle;
            Record record;
            if (!handleOfId.TryGetValue(id, out handle)) return null;
            return records.TryGetValue(handle, out record) ? record : null;
        }

        bool Allocate(int count, out int offset)
        {
            if (pool.TryAllocate(count, out offset)) return true;
            // No free range is large enough: grow so that the free room at the end holds the
            // tile, by half the capacity at least so that growth (a GPU copy) stays rare.
            int trailing = pool.Capacity - pool.Extent;
            long needed = (long)pool.Capacity + count - trailing;
            long target = Math.Min(Math.Max(needed, pool.Capacity + (long)pool.Capacity / 2), maxCapacity);
            if (target < needed) return false;
            pool.Grow((int)target);
            return pool.TryAllocate(count, out offset);
        }

        void RemoveHandle(int handle, long barrier)
        {
            Record record;
            if (!records.TryGetValue(handle, out record)) return;
            if (!record.Drawable || !WaitsFor(barrier))
            {
                Release(record);
                return;
            }
            deferred.Add(new Removal { Handle = handle, Barrier = barrier });
        }

        // True while a tile added before the barrier is not drawn yet.
        bool WaitsFor(long barrier)
        {
            foreach (var record in pending)
            {
                if (record.Sequence < barrier) return true;
            }
            return false;
        }

        void ReleaseDueRemovals()
        {
            for (int i = 0; i < deferred.Count;)
            {
                if (WaitsFor(deferred[i].Barrier))
                {
                    i++;
                    continue;
                }
                Record record;
                if (records.TryGetValue(deferred[i].Handle, out record)) Release(record);
                deferred.RemoveAt(i);
            }
        }

        void Release(Record record)
        {
            records.Remove(record.Handle);
            pending.Remove(record);
            // A tile of no splats took no range (offset 0 may be another tile's).
            if (record.Count > 0) pool.Release(record.Offset);
            freeSlots.Push(record.Slot);
            record.Packed = null;
            TableDirty = true;
        }

        static float Clamp01(float value) => value > 0f ? (value < 1f ? value : 1f) : 0f;
    }
}
