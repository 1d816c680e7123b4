using System;
using System.Collections.Generic;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>
    /// The one global order: every splat of every tile in the pool, back to front, whatever tile
    /// it belongs to, through overlaps and a level fade.
    /// </summary>
    public static class GlobalOrderCases
    {
        // Tile 1: the coarse level of a cell; tile 2: its neighbour, overlapping it by a metre;
        // tile 3: the cell's finer level, fading in over tile 1.
        static SplatScene OverlapAndFade(int seed, float fineAlpha)
        {
            var scene = new SplatScene(1000);
            scene.Add(1, SplatScenes.Cube(seed, 400, 0, 0, 10, 2, -2), 1f);
            scene.Add(2, SplatScenes.Cube(seed + 1, 500, 3, 0, 10, 2, -2), 1f);
            scene.Add(3, SplatScenes.Cube(seed + 2, 1600, 0, 0, 10, 2, -3), fineAlpha);
            scene.Upload(1 << 20);
            return scene;
        }

        public static void Two_overlapping_tiles_and_a_level_fade_come_out_in_one_back_to_front_order()
        {
            foreach (int seed in new[] { 1, 2, 3 })
            {
                var scene = OverlapAndFade(10 * seed, 0.4f);
                var camera = SplatScenes.FrontCamera();
                int[] order;
                uint[] keys;
                int drawn = scene.Order(camera, out order, out keys);
                Check.Equal(2500, drawn, "every splat is in view");
                int switches = 0;
                for (int i = 1; i < drawn; i++)
                {
                    int a = order[i - 1], b = order[i];
                    double da = SplatScenes.Depth(scene, a, camera), db = SplatScenes.Depth(scene, b, camera);
                    Check.True(da >= db - 1e-5 * Math.Abs(da), "seed " + seed + ": position " + i + " (depth " + db + ") is behind the one before it (" + da + ")");
                    Check.True(keys[a] < keys[b] || (keys[a] == keys[b] && a < b), "keys ascend, ties in pool order");
                    if (SplatScenes.SlotAt(scene, a) != SplatScenes.SlotAt(scene, b)) switches++;
                }
                // The tiles interleave all along the order: no tile is drawn as one block.
                Check.True(switches > drawn / 3, "seed " + seed + ": only " + switches + " switches between tiles");
                var firstTenth = new HashSet<uint>();
                var lastTenth = new HashSet<uint>();
                for (int i = 0; i < drawn / 10; i++)
                {
                    firstTenth.Add(SplatScenes.SlotAt(scene, order[i]));
                    lastTenth.Add(SplatScenes.SlotAt(scene, order[drawn - 1 - i]));
                }
                Check.Equal(3, firstTenth.Count, "all three tiles among the farthest splats");
                Check.Equal(3, lastTenth.Count, "and among the nearest");
            }
        }

        public static void Sorting_each_tile_alone_would_draw_this_scene_out_of_order()
        {
            // What the scene guards against: each tile sorted alone, tiles drawn far to near by
            // their origins (one renderer per tile) breaks the back-to-front order where they overlap.
            var scene = OverlapAndFade(10, 0.4f);
            var camera = SplatScenes.FrontCamera();
            var perTile = new List<int>();
            var tiles = new[] { 2, 1, 3 };
            foreach (int id in tiles)
            {
                int offset = scene.Tiles.OffsetOf(id), count = id == 1 ? 400 : id == 2 ? 500 : 1600;
                var own = new List<int>();
                for (int i = offset; i < offset + count; i++) own.Add(i);
                own.Sort((a, b) => SplatScenes.Depth(scene, b, camera).CompareTo(SplatScenes.Depth(scene, a, camera)));
                perTile.AddRange(own);
            }
            int inversions = 0;
            for (int i = 1; i < perTile.Count; i++)
            {
                if (SplatScenes.Depth(scene, perTile[i - 1], camera) < SplatScenes.Depth(scene, perTile[i], camera)) inversions++;
            }
            Check.True(inversions >= 2, "per-tile order has only " + inversions + " inversions");
            // Far and near splats of one tile are drawn before and after the others: a span of depth.
            int[] order;
            uint[] keys;
            scene.Order(camera, out order, out keys);
            double worst = 0;
            for (int i = 1; i < perTile.Count; i++)
            {
                worst = Math.Max(worst, SplatScenes.Depth(scene, perTile[i], camera) - SplatScenes.Depth(scene, perTile[i - 1], camera));
            }
            Check.True(worst > 3.0, "per-tile order jumps back by " + worst + " m where tiles meet");
        }

        public static void A_fade_changes_no_order_and_a_tile_at_alpha_zero_drops_out_of_it()
        {
            var scene = OverlapAndFade(40, 0.1f);
            var camera = SplatScenes.FrontCamera();
            int[] before, during, hidden;
            uint[] keys;
            int drawn = scene.Order(camera, out before, out keys);
            scene.Tiles.SetAlpha(3, 0.9f);
            scene.RefreshTable();
            Check.Equal(drawn, scene.Order(camera, out during, out keys), "same count");
            Check.Equal(string.Join(",", before), string.Join(",", during), "the fade moved nothing");
            scene.Tiles.SetAlpha(3, 0f);
            scene.RefreshTable();
            int shown = scene.Order(camera, out hidden, out keys);
            Check.Equal(900, shown, "tile 3 at alpha 0 is not drawn");
            uint fineSlot = (uint)scene.Tiles.SlotOf(3);
            var rest = new List<int>();
            for (int i = 0; i < drawn; i++) if (SplatScenes.SlotAt(scene, before[i]) != fineSlot) rest.Add(before[i]);
            var shownList = new List<int>();
            for (int i = 0; i < shown; i++) shownList.Add(hidden[i]);
            Check.Equal(string.Join(",", rest), string.Join(",", shownList), "the others keep their order");
        }

        public static void When_the_fade_ends_the_coarse_tile_leaves_in_place_and_the_rest_keep_their_order()
        {
            var scene = OverlapAndFade(50, 1f);
            var camera = SplatScenes.FrontCamera();
            int[] before, after;
            uint[] keys;
            int drawn = scene.Order(camera, out before, out keys);
            int offset2 = scene.Tiles.OffsetOf(2), offset3 = scene.Tiles.OffsetOf(3);
            uint coarseSlot = (uint)scene.Tiles.SlotOf(1);
            scene.Tiles.Remove(1);
            var ranges = scene.Upload(1 << 20);
            Check.Equal(0, ranges.Count, "nothing is uploaded again");
            Check.Equal(offset2, scene.Tiles.OffsetOf(2), "tile 2 stays where it is");
            Check.Equal(offset3, scene.Tiles.OffsetOf(3), "tile 3 too");
            int shown = scene.Order(camera, out after, out keys);
            Check.Equal(2100, shown, "tile 1's splats are stale: not drawn");
            var rest = new List<int>();
            for (int i = 0; i < drawn; i++) if (SplatScenes.SlotAt(scene, before[i]) != coarseSlot) rest.Add(before[i]);
            var shownList = new List<int>();
            for (int i = 0; i < shown; i++) shownList.Add(after[i]);
            Check.Equal(string.Join(",", rest), string.Join(",", shownList), "one order minus the tile that left");
        }

        public static void Stale_splats_of_a_freed_range_stay_hidden_when_their_slot_is_reused()
        {
            // Tile 1 leaves; tile 3 takes its slot and the first 300 splats of its range. The
            // last 100 splats of the range still hold tile 1's records, slot number included.
            var scene = new SplatScene(1000);
            scene.Add(1, SplatScenes.Cube(1, 400, 0, 0, 10, 2, -2), 1f);
            scene.Add(2, SplatScenes.Cube(2, 400, 3, 0, 10, 2, -2), 1f);
            scene.Upload(1 << 20);
            int slot = scene.Tiles.SlotOf(1);
            scene.Tiles.Remove(1);
            scene.Add(3, SplatScenes.Cube(3, 300, -1, 0, 12, 2, -2), 1f);
            scene.Upload(1 << 20);
            Check.Equal(slot, scene.Tiles.SlotOf(3), "the slot is reused");
            Check.Equal(0, scene.Tiles.OffsetOf(3), "so is the start of the range");
            Check.Equal((uint)slot, scene.Gpu[350].Slot, "a stale record names the reused slot");
            int[] order;
            uint[] keys;
            int drawn = scene.Order(SplatScenes.FrontCamera(), out order, out keys);
            Check.Equal(700, drawn, "tiles 2 and 3, nothing of tile 1");
            for (int i = 300; i < 400; i++) Check.Equal(GlobalSplatOrder.CulledKey, keys[i], "stale splat " + i);
        }

        public static void Splats_behind_the_camera_or_outside_the_frustum_margin_are_culled()
        {
            var scene = new SplatScene(100);
            var tile = new DecodedTile(0, 2, 0, 0, 0, 7);
            float[] positions = { 0, 0, 5, 0, 0, -1, 0, 0, 0.01f, 10, 0, 5, 0, 5.5f, 6, 0, 7, 5, 1, 0, 5 };
            Array.Copy(positions, tile.Positions, positions.Length);
            for (int i = 0; i < 7; i++) tile.Rotations[4 * i] = 1;
            scene.Add(1, tile, 1f);
            scene.Upload(100);
            // 90 degrees vertical, square: the frustum's half width is the depth, the margin
            // takes 1.3 times that; near 0.1.
            var camera = SortCamera.Looking(new[] { 0.0, 0.0, 0.0 }, new[] { 0.0, 0.0, 1.0 }, new[] { 0.0, 1.0, 0.0 }, 0.1f, 90, 1.0);
            int[] order;
            uint[] keys;
            int drawn = scene.Order(camera, out order, out keys);
            Check.Equal(GlobalSplatOrder.DepthKey(5f), keys[0], "in front: keyed by depth");
            Check.Equal(GlobalSplatOrder.CulledKey, keys[1], "behind the camera");
            Check.Equal(GlobalSplatOrder.CulledKey, keys[2], "nearer than the near distance");
            Check.Equal(GlobalSplatOrder.CulledKey, keys[3], "10 m to the side at 5 m: outside the margin");
            Check.Equal(GlobalSplatOrder.DepthKey(6f), keys[4], "5.5 m up at 6 m: outside the frustum, inside the margin");
            Check.Equal(GlobalSplatOrder.CulledKey, keys[5], "7 m up at 5 m: outside the margin");
            Check.Equal(keys[0], keys[6], "splat 6 is as deep as splat 0");
            Check.Equal(3, drawn, "three drawn");
            Check.Equal("4,0,6", order[0] + "," + order[1] + "," + order[2], "farthest first, a tie in pool order");
            Check.Equal("1,2,3,5", order[3] + "," + order[4] + "," + order[5] + "," + order[6], "then the culled ones, in pool order");
        }

        public static void Depth_keys_fall_as_depth_grows_and_culled_splats_sort_last()
        {
            var random = new Random(7);
            float previous = 1e-4f;
            for (int i = 0; i < 2000; i++)
            {
                float next = previous * (float)(1.0 + random.NextDouble() * 0.01) + 1e-6f;
                Check.True(GlobalSplatOrder.DepthKey(next) < GlobalSplatOrder.DepthKey(previous), "farther is smaller at " + next);
                Check.True(GlobalSplatOrder.DepthKey(next) < GlobalSplatOrder.CulledKey, "below the culled key");
                previous = next;
            }
            Check.Equal(0xFFFFFFFEu - 0x40A00000u, GlobalSplatOrder.DepthKey(5f), "the bits of 5.0f");
        }
    }
}
