using System;
using System.Collections.Generic;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>The splat pool's ranges: first fit, merging, resizing in place, growth.</summary>
    public static class SplatPoolCases
    {
        public static void The_pool_hands_out_disjoint_ranges_first_fit_and_merges_what_is_released()
        {
            var pool = new SplatPool(1000);
            int a, b, c, none;
            Check.True(pool.TryAllocate(300, out a), "first range");
            Check.True(pool.TryAllocate(300, out b), "second range");
            Check.True(pool.TryAllocate(300, out c), "third range");
            Check.Equal("0,300,600", a + "," + b + "," + c, "first fit from the start");
            Check.True(!pool.TryAllocate(200, out none), "no room for 200 more");
            Check.Equal(900, pool.Extent, "extent");
            Check.True(pool.Release(b), "release the middle");
            Check.True(!pool.Release(b), "a second release of it changes nothing");
            Check.True(!pool.Release(5), "an unknown offset is refused");
            Check.Equal(300, pool.LargestFree, "the middle hole");
            Check.Equal(2, pool.FreeRanges, "fragmented: the hole and the tail");
            Check.Equal(900, pool.Extent, "a hole does not shorten the extent");
            Check.True(pool.Release(a), "release the first");
            Check.Equal(600, pool.LargestFree, "merged with its neighbour");
            Check.Equal(2, pool.FreeRanges, "one hole of 600 and the tail");
            int big;
            Check.True(pool.TryAllocate(550, out big) && big == 0, "a large tile fits the merged hole");
            Check.True(pool.Release(c) && pool.Release(big), "release all");
            Check.Equal(0, pool.Used, "empty");
            Check.Equal(1000, pool.LargestFree, "one free range again");
            Check.Equal(1, pool.FreeRanges, "merged on both sides");
            Check.Equal(0, pool.Extent, "no extent");
        }

        public static void A_tile_of_no_splats_takes_no_range()
        {
            var pool = new SplatPool(10);
            int offset;
            Check.True(pool.TryAllocate(0, out offset) && offset == 0, "count 0 gives offset 0");
            Check.Equal(0, pool.Ranges, "and takes nothing");
            Check.Throws<ArgumentOutOfRangeException>(() => pool.TryAllocate(-1, out offset), "a negative count");
        }

        public static void A_range_resizes_in_place_shrinking_into_a_hole_and_growing_into_the_next_one()
        {
            var pool = new SplatPool(1000);
            int a, b;
            pool.TryAllocate(400, out a);
            pool.TryAllocate(200, out b);
            Check.True(pool.TryResizeInPlace(a, 100), "shrink");
            Check.Equal(100, pool.CountAt(a), "smaller, same offset");
            Check.Equal("100:300,600:400", Show(pool.FreeList()), "the tail became a hole");
            Check.True(pool.TryResizeInPlace(a, 400), "grow back into the hole after it");
            Check.Equal("600:400", Show(pool.FreeList()), "the hole is taken whole");
            Check.True(!pool.TryResizeInPlace(a, 401), "no room right after it: refused");
            Check.Equal(400, pool.CountAt(a), "and nothing changed");
            Check.True(pool.TryResizeInPlace(b, 500), "the last range grows into the tail");
            Check.Equal(900, pool.Extent, "extent follows");
            Check.Equal(900, pool.Used, "used follows");
            Check.True(!pool.TryResizeInPlace(7, 10), "an unknown offset is refused");
            Check.True(pool.TryResizeInPlace(b, 50), "shrink the last range");
            Check.Equal("450:550", Show(pool.FreeList()), "its tail merged with the free tail");
            Check.Equal(450, pool.Extent, "extent shrinks with it");
        }

        public static void Growth_keeps_every_range_and_joins_the_new_room_to_the_free_tail()
        {
            var pool = new SplatPool(100);
            int a, b;
            pool.TryAllocate(60, out a);
            pool.TryAllocate(30, out b);
            pool.Grow(250);
            Check.Equal(250, pool.Capacity, "capacity");
            Check.Equal("0:60,60:30", Show(pool.TakenRanges()), "ranges kept their offsets");
            Check.Equal("90:160", Show(pool.FreeList()), "one free tail: the old 10 and the new 150");
            int c;
            Check.True(pool.TryAllocate(160, out c) && c == 90, "a tile larger than the old capacity fits the tail");
            pool.Release(c);
            pool.Release(b);
            pool.Grow(250);
            Check.Equal("60:190", Show(pool.FreeList()), "growing to the same size changes nothing");
            Check.Throws<ArgumentOutOfRangeException>(() => pool.Grow(10), "shrinking is refused");
            Check.Throws<ArgumentOutOfRangeException>(() => pool.Grow(SplatPool.MaxCapacity + 1), "past the dispatch limit");
        }

        public static void The_pool_stays_consistent_through_random_allocations_releases_resizes_and_growth()
        {
            var random = new Random(18);
            var pool = new SplatPool(4000);
            var held = new Dictionary<int, int>();
            for (int step = 0; step < 4000; step++)
            {
                int action = random.Next(10);
                if (action < 4 && held.Count > 0)
                {
                    int offset = Pick(random, held);
                    Check.True(pool.Release(offset), "release a held range");
                    held.Remove(offset);
                }
                else if (action < 6 && held.Count > 0)
                {
                    int offset = Pick(random, held);
                    int size = 1 + random.Next(400);
                    if (pool.TryResizeInPlace(offset, size)) held[offset] = size;
                }
                else if (action < 7 && pool.Capacity < 40000)
                {
                    pool.Grow(pool.Capacity + random.Next(500));
                }
                else
                {
                    int count = 1 + random.Next(400), offset;
                    if (pool.TryAllocate(count, out offset)) held.Add(offset, count);
                    else Check.True(pool.LargestFree < count, "refused only when no free range is large enough");
                }
                if (step % 50 == 0) CheckTiling(pool, held);
            }
            CheckTiling(pool, held);
        }

        // Taken and free ranges tile [0, Capacity) exactly, no two free ranges touch, and the
        // counters agree with what the test holds.
        static void CheckTiling(SplatPool pool, Dictionary<int, int> held)
        {
            var all = new List<KeyValuePair<int, int>>(pool.TakenRanges());
            Check.Equal(held.Count, all.Count, "ranges held");
            int used = 0;
            foreach (var range in all)
            {
                Check.Equal(held[range.Key], range.Value, "range size at " + range.Key);
                used += range.Value;
            }
            Check.Equal(used, pool.Used, "used");
            var free = pool.FreeList();
            for (int i = 1; i < free.Count; i++)
            {
                Check.True(free[i - 1].Key + free[i - 1].Value < free[i].Key, "free ranges are merged");
            }
            all.AddRange(free);
            all.Sort((a, b) => a.Key.CompareTo(b.Key));
            int end = 0, extent = 0;
            foreach (var range in all)
            {
                Check.Equal(end, range.Key, "ranges tile the pool without gap or overlap");
                end += range.Value;
                if (held.ContainsKey(range.Key)) extent = end;
            }
            Check.Equal(pool.Capacity, end, "up to the capacity");
            Check.Equal(extent, pool.Extent, "extent: one past the last taken splat");
        }

        static int Pick(Random random, Dictionary<int, int> held)
        {
            int n = random.Next(held.Count);
            foreach (var offset in held.Keys)
            {
                if (n-- == 0) return offset;
            }
            throw new InvalidOperationException();
        }

        static string Show(List<KeyValuePair<int, int>> ranges)
        {
            var parts = new List<string>();
            foreach (var range in ranges) parts.Add(range.Key + ":" + range.Value);
            return string.Join(",", parts);
        }
    }
}
