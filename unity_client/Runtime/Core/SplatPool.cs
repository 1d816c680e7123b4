using System;
using System.Collections.Generic;

namespace WorldStream.Core
{
    /// <summary>
    /// Where the pooled renderer keeps every resident tile's splats: one GPU buffer of
    /// <see cref="Capacity"/> splats handed out as contiguous ranges, first fit, freed ranges
    /// merged with their free neighbours, so that one pass can sort every tile's splats together.
    /// The same semantics as the Unreal plugin's worldstream::SplatPool
    /// (unreal_client/Source/WorldStreamCore/src/splat_pool.cpp), plus what the Unity renderer
    /// needs on top: growth of the capacity (the GPU buffer is reallocated and copied) and
    /// resizing a range in place. Main thread only.
    /// </summary>
    public sealed class SplatPool
    {
        /// <summary>
        /// The most splats one pool may hold: the keying kernel runs one thread per splat in
        /// groups of <see cref="SortDispatch.KeyThreads"/>, and a dispatch holds at most 65,535
        /// groups per dimension.
        /// </summary>
        public const int MaxCapacity = SortDispatch.MaxGroups * SortDispatch.KeyThreads;

        struct Range
        {
            public int Offset;
            public int Count;
        }

        // Free ranges by offset, never two adjacent; with the taken ranges they tile [0, Capacity).
        readonly List<Range> free = new List<Range>();
        readonly Dictionary<int, int> taken = new Dictionary<int, int>();

        public SplatPool(int capacity)
        {
            if (capacity < 0 || capacity > MaxCapacity) throw new ArgumentOutOfRangeException(nameof(capacity));
            Capacity = capacity;
            if (capacity > 0) free.Add(new Range { Offset = 0, Count = capacity });
        }

        public int Capacity { get; private set; }

        /// <summary>Splats in taken ranges.</summary>
        public int Used { get; private set; }

        /// <summary>Ranges handed out and not yet released.</summary>
        public int Ranges => taken.Count;

        /// <summary>Free ranges: more than one means the free space is fragmented.</summary>
        public int FreeRanges => free.Count;

        /// <summary>
        /// One past the highest splat in use: the range a pass over the pool must cover. The free
        /// and taken ranges tile the pool, so it is where the free range that ends the pool starts.
        /// </summary>
        public int Extent
        {
            get
            {
                if (free.Count == 0) return Capacity;
                var last = free[free.Count - 1];
                return last.Offset + last.Count == Capacity ? last.Offset : Capacity;
            }
        }

        /// <summary>The largest range <see cref="TryAllocate"/> could return now.</summary>
        public int LargestFree
        {
            get
            {
                int largest = 0;
                foreach (var range in free) largest = Math.Max(largest, range.Count);
                return largest;
            }
        }

        /// <summary>The size of the taken range at <paramref name="offset"/>, or -1.</summary>
        public int CountAt(int offset)
        {
            int count;
            return taken.TryGetValue(offset, out count) ? count : -1;
        }

        /// <summary>
        /// The first free range of <paramref name="count"/> splats. Count 0 takes nothing and
        /// gives offset 0, as the Unreal pool does. False when no free range is large enough.
        /// </summary>
        public bool TryAllocate(int count, out int offset)
        {
            if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
            offset = 0;
            if (count == 0) return true;
            for (int i = 0; i < free.Count; i++)
            {
                var range = free[i];
                if (range.Count < count) continue;
                offset = range.Offset;
                if (range.Count == count) free.RemoveAt(i);
                else free[i] = new Range { Offset = range.Offset + count, Count = range.Count - count };
                taken.Add(offset, count);
                Used += count;
                return true;
            }
            return false;
        }

        /// <summary>Returns a range <see cref="TryAllocate"/> gave; false (nothing changes) for an unknown offset.</summary>
        public bool Release(int offset)
        {
            int count;
            if (!taken.TryGetValue(offset, out count)) return false;
            taken.Remove(offset);
            Used -= count;
            AddFree(offset, count);
            return true;
        }

        /// <summary>
        /// Gives the taken range at <paramref name="offset"/> a new size without moving it: a
        /// smaller size frees its tail, a larger one takes the free range right after it. False
        /// (nothing changes) for an unknown offset or when the room after it is too small.
        /// </summary>
        public bool TryResizeInPlace(int offset, int newCount)
        {
            if (newCount <= 0) throw new ArgumentOutOfRangeException(nameof(newCount));
            int count;
            if (!taken.TryGetValue(offset, out count)) return false;
            if (newCount == count) return true;
            if (newCount < count)
            {
                taken[offset] = newCount;
                Used -= count - newCount;
                AddFree(offset + newCount, count - newCount);
                return true;
            }
            int end = offset + count, need = newCount - count;
            int next = FirstFreeAtOrAfter(end);
            if (next >= free.Count || free[next].Offset != end || free[next].Count < need) return false;
            var after = free[next];
            if (after.Count == need) free.RemoveAt(next);
            else free[next] = new Range { Offset = end + need, Count = after.Count - need };
            taken[offset] = newCount;
            Used += need;
            return true;
        }

        /// <summary>
        /// Makes the pool <paramref name="newCapacity"/> splats long; what is taken keeps its
        /// offset (the GPU buffer is copied into a larger one), the new room joins the free range
        /// that ends the pool.
        /// </summary>
        public void Grow(int newCapacity)
        {
            if (newCapacity < Capacity || newCapacity > MaxCapacity) throw new ArgumentOutOfRangeException(nameof(newCapacity));
            if (newCapacity == Capacity) return;
            int old = Capacity;
            Capacity = newCapacity;
            AddFree(old, newCapacity - old);
        }

        /// <summary>The taken ranges as (offset, count), by offset: for checks and diagnostics.</summary>
        public List<KeyValuePair<int, int>> TakenRanges()
        {
            var list = new List<KeyValuePair<int, int>>(taken);
            list.Sort((a, b) => a.Key.CompareTo(b.Key));
            return list;
        }

        /// <summary>The free ranges as (offset, count), by offset.</summary>
        public List<KeyValuePair<int, int>> FreeList()
        {
            var list = new List<KeyValuePair<int, int>>(free.Count);
            foreach (var range in free) list.Add(new KeyValuePair<int, int>(range.Offset, range.Count));
            return list;
        }

        // Index of the first free range whose offset is at or after the given one.
        int FirstFreeAtOrAfter(int offset)
        {
            int lo = 0, hi = free.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >> 1;
                if (free[mid].Offset < offset) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }

        // Inserts [offset, offset + count) into the free list, merged with its free neighbours so
        // that large tiles keep finding room.
        void AddFree(int offset, int count)
        {
            int next = FirstFreeAtOrAfter(offset);
            int start = offset, length = count;
            if (next < free.Count && free[next].Offset == start + length)
            {
                length += free[next].Count;
                free.RemoveAt(next);
            }
            if (next > 0 && free[next - 1].Offset + free[next - 1].Count == start)
            {
                next--;
                start = free[next].Offset;
                length += free[next].Count;
                free.RemoveAt(next);
            }
            free.Insert(next, new Range { Offset = start, Count = length });
        }
    }
}
