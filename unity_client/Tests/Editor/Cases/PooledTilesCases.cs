using System;
using System.Collections.Generic;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>
    /// The pooled renderer's bookkeeping: ranges and slots per tile, uploads bounded per frame,
    /// tiles drawn only once uploaded, removals that wait for what was added before them.
    /// </summary>
    public static class PooledTilesCases
    {
        public static void Uploads_stay_within_the_budget_of_each_frame_and_land_where_the_pool_put_each_tile()
        {
            var scene = new SplatScene(20000);
            var sizes = new[] { 5000, 3000, 7000, 1 };
            for (int i = 0; i < sizes.Length; i++) scene.Add(i + 1, SplatScenes.Cube(i, sizes[i], i, 0, 10, 1, -3), 1f);
            var covered = new int[scene.Tiles.Pool.Capacity];
            int frames = 0, total = 0;
            while (scene.Tiles.PendingUploads > 0)
            {
                var ranges = scene.Upload(4000);
                frames++;
                int frame = 0;
                foreach (var range in ranges)
                {
                    frame += range.Count;
                    for (int i = 0; i < range.Count; i++) covered[range.Destination + i]++;
                }
                Check.True(frame <= 4000, "frame " + frames + " uploaded " + frame + " splats, over the budget of 4000");
                total += frame;
                Check.True(frames < 10, "uploads finish");
            }
            Check.Equal(15001, total, "every splat uploaded");
            Check.Equal(4, frames, "15,001 splats at 4,000 a frame");
            for (int id = 1; id <= sizes.Length; id++)
            {
                int offset = scene.Tiles.OffsetOf(id);
                var expected = SplatPacking.Pack(SplatScenes.Cube(id - 1, sizes[id - 1], id - 1, 0, 10, 1, -3), (uint)scene.Tiles.SlotOf(id));
                for (int i = 0; i < expected.Length; i++)
                {
                    Check.Equal(1, covered[offset + i], "splat uploaded exactly once");
                    Check.True(expected[i].Equals(scene.Gpu[offset + i]), "tile " + id + " splat " + i + " is in its range");
                }
            }
            Check.Equal(0, scene.Upload(4000).Count, "nothing left to upload");
        }

        public static void A_tile_is_drawn_only_once_its_last_range_is_uploaded()
        {
            var scene = new SplatScene(10000);
            scene.Add(1, SplatScenes.Cube(1, 2500, 0, 0, 10, 1, -3), 0.5f);
            scene.Upload(1000);
            Check.True(!scene.Tiles.IsDrawn(1), "a third of it is up");
            Check.Equal(0f, scene.Table[scene.Tiles.SlotOf(1)].Alpha, "its table entry hides it");
            scene.Upload(1000);
            Check.True(!scene.Tiles.IsDrawn(1), "two thirds");
            scene.Upload(1000);
            Check.True(scene.Tiles.IsDrawn(1), "all of it");
            var entry = scene.Table[scene.Tiles.SlotOf(1)];
            Check.Equal(0.5f, entry.Alpha, "now drawn at its fade");
            Check.Equal((uint)scene.Tiles.OffsetOf(1), entry.Start, "range start");
            Check.Equal((uint)(scene.Tiles.OffsetOf(1) + 2500), entry.End, "range end");
            Check.Equal(0f, entry.OriginX, "origin x");
            Check.Equal(10f, entry.OriginZ, "origin z");
        }

        public static void A_tile_not_packed_yet_lets_later_ones_upload_past_it()
        {
            var scene = new SplatScene(10000);
            scene.Add(1, SplatScenes.Cube(1, 100, 0, 0, 10, 1, -3), 1f);
            scene.Add(2, SplatScenes.Cube(2, 100, 0, 0, 10, 1, -3), 1f);
            // Only tile 2's packing has finished.
            var request = scene.Tiles.Add(3, SplatScenes.Cube(3, 50, 0, 0, 10, 1, -3), 1f);
            scene.Tiles.Packed(new PackedTile(request.Handle, SplatPacking.Pack(SplatScenes.Cube(3, 50, 0, 0, 10, 1, -3), request.Slot), 0, null));
            var ranges = scene.Upload(1000, pack: false);
            Check.Equal(1, ranges.Count, "only the packed tile goes");
            Check.True(scene.Tiles.IsDrawn(3) && !scene.Tiles.IsDrawn(1) && !scene.Tiles.IsDrawn(2), "tile 3 drawn, 1 and 2 wait");
        }

        public static void A_removal_waits_until_the_tiles_added_before_it_are_drawn()
        {
            // The level fade: the coarse tile 1 is drawn, the fine tile 2 of the same cell comes
            // in; the streamer removes 1 when 2's fade ends, which can be before 2 is uploaded.
            var scene = new SplatScene(10000);
            scene.Add(1, SplatScenes.Cube(1, 500, 0, 0, 10, 2, -2), 1f);
            scene.Upload(100000);
            scene.Add(2, SplatScenes.Cube(2, 3000, 0, 0, 10, 2, -3), 0f);
            scene.Upload(1000);
            scene.Tiles.SetAlpha(2, 1f);
            scene.Tiles.Remove(1);
            scene.RefreshTable();
            Check.Equal(1, scene.Tiles.DeferredRemovals, "tile 1 waits");
            Check.Equal(-1, scene.Tiles.OffsetOf(1), "its id is gone");
            int drawnSlots = 0;
            for (int s = 0; s < scene.TableCount; s++) if (scene.Table[s].Alpha > 0) drawnSlots++;
            Check.Equal(1, drawnSlots, "tile 1 is still drawn (tile 2 is not yet): no hole");
            scene.Upload(1000);
            Check.Equal(1, scene.Tiles.DeferredRemovals, "tile 2 is not up yet");
            scene.Upload(1000);
            Check.Equal(0, scene.Tiles.DeferredRemovals, "tile 2 drawn, tile 1 gone in the same frame");
            Check.Equal(3000, scene.Tiles.Pool.Used, "only tile 2's range is held");
            drawnSlots = 0;
            for (int s = 0; s < scene.TableCount; s++) if (scene.Table[s].Alpha > 0) drawnSlots++;
            Check.Equal(1, drawnSlots, "tile 2 alone is drawn");
        }

        public static void A_removal_with_nothing_waiting_frees_its_range_and_slot_at_once_and_they_are_reused()
        {
            var scene = new SplatScene(10000);
            scene.Add(1, SplatScenes.Cube(1, 400, 0, 0, 10, 1, -3), 1f);
            scene.Add(2, SplatScenes.Cube(2, 400, 3, 0, 10, 1, -3), 1f);
            scene.Add(3, SplatScenes.Cube(3, 400, 6, 0, 10, 1, -3), 1f);
            scene.Upload(100000);
            int offset2 = scene.Tiles.OffsetOf(2), slot2 = scene.Tiles.SlotOf(2), offset3 = scene.Tiles.OffsetOf(3);
            var before = (GpuSplat[])scene.Gpu.Clone();
            scene.Tiles.Remove(2);
            Check.Equal(800, scene.Tiles.Pool.Used, "range freed");
            Check.Equal(0, scene.Tiles.DeferredRemovals, "nothing to wait for");
            scene.Add(4, SplatScenes.Cube(4, 300, 9, 0, 10, 1, -3), 1f);
            Check.Equal(offset2, scene.Tiles.OffsetOf(4), "the hole is reused, first fit");
            Check.Equal(slot2, scene.Tiles.SlotOf(4), "the slot too");
            var ranges = scene.Upload(100000);
            Check.Equal(1, ranges.Count, "only the new tile is uploaded");
            Check.Equal(offset3, scene.Tiles.OffsetOf(3), "tile 3 did not move");
            for (int i = 0; i < scene.Gpu.Length; i++)
            {
                if (i >= offset2 && i < offset2 + 300) continue;
                Check.True(before[i].Equals(scene.Gpu[i]), "pool splat " + i + " outside the new tile is untouched");
            }
            // The hole's last 100 splats still hold tile 2's records: its range excludes them.
            var entry = scene.Table[slot2];
            Check.Equal((uint)(offset2 + 300), entry.End, "the slot's range ends before the stale splats");
        }

        public static void Removing_a_tile_that_is_not_uploaded_yet_cancels_it_at_once()
        {
            var scene = new SplatScene(10000);
            scene.Add(1, SplatScenes.Cube(1, 400, 0, 0, 10, 1, -3), 1f);
            scene.Upload(100000);
            scene.Add(2, SplatScenes.Cube(2, 4000, 0, 0, 10, 1, -3), 1f);
            scene.Upload(1000);
            scene.Tiles.Remove(2);
            Check.Equal(0, scene.Tiles.PendingUploads, "nothing left to upload");
            Check.Equal(400, scene.Tiles.Pool.Used, "its range went at once");
            Check.Equal(0, scene.Upload(100000).Count, "and its remaining records are never uploaded");
            scene.Tiles.Remove(1);
            Check.Equal(0, scene.Tiles.DeferredRemovals, "a later removal has nothing to wait for");
        }

        public static void Adding_under_a_drawn_id_replaces_it_once_the_new_tile_is_drawn()
        {
            var scene = new SplatScene(10000);
            scene.Add(7, SplatScenes.Cube(1, 600, 0, 0, 10, 1, -3), 1f);
            scene.Upload(100000);
            scene.Add(7, SplatScenes.Cube(2, 900, 0, 0, 10, 1, -3), 1f);
            scene.Upload(500);
            Check.Equal(1500, scene.Tiles.Pool.Used, "both versions held while the new one uploads");
            Check.Equal(1, scene.Tiles.DeferredRemovals, "the old version waits");
            scene.Upload(500);
            Check.Equal(900, scene.Tiles.Pool.Used, "the old version went when the new one was drawn");
            Check.Equal(1, scene.Tiles.Tiles, "one tile");
        }

        public static void The_pool_grows_when_no_free_range_holds_a_tile_and_keeps_every_offset()
        {
            var scene = new SplatScene(1000, 5000);
            scene.Add(1, SplatScenes.Cube(1, 600, 0, 0, 10, 1, -3), 1f);
            scene.Add(2, SplatScenes.Cube(2, 300, 0, 0, 10, 1, -3), 1f);
            scene.Upload(100000);
            scene.Tiles.Remove(1);
            scene.Add(3, SplatScenes.Cube(3, 700, 0, 0, 10, 1, -3), 1f);
            Check.Equal(1600, scene.Tiles.Pool.Capacity, "grown so that the tail holds it: 600 + 300 + 700");
            Check.Equal(600, scene.Tiles.OffsetOf(2), "tile 2 kept its range");
            Check.Equal(900, scene.Tiles.OffsetOf(3), "the new tile went to the end");
            scene.Add(4, SplatScenes.Cube(4, 100, 0, 0, 10, 1, -3), 1f);
            Check.Equal(0, scene.Tiles.OffsetOf(4), "a small one fills the hole");
            scene.Add(5, SplatScenes.Cube(5, 600, 0, 0, 10, 1, -3), 1f);
            Check.Equal(2400, scene.Tiles.Pool.Capacity, "grown by half at least");
            scene.Add(6, SplatScenes.Cube(6, 4000, 0, 0, 10, 1, -3), 1f);
            Check.Equal(-1, scene.Tiles.OffsetOf(6), "past the maximum: not drawn");
            Check.Equal(1, scene.Tiles.Dropped, "and counted");
            Check.True(scene.Tiles.Pool.Capacity <= 5000, "never past the maximum");
            scene.Upload(100000);
            Check.True(scene.Tiles.IsDrawn(2) && scene.Tiles.IsDrawn(3) && scene.Tiles.IsDrawn(4) && scene.Tiles.IsDrawn(5), "the rest are drawn");
        }

        public static void A_failed_packing_drops_the_tile_without_blocking_removals()
        {
            var tiles = new PooledTiles(1000, 1000);
            tiles.Add(1, SplatScenes.Cube(1, 10, 0, 0, 10, 1, -3), 1f);
            var ranges = new List<UploadRange>();
            var first = tiles.Add(2, SplatScenes.Cube(2, 10, 0, 0, 10, 1, -3), 1f);
            Check.True(first != null, "packing requested");
            var request = tiles.Add(3, SplatScenes.Cube(3, 10, 0, 0, 10, 1, -3), 1f);
            tiles.Packed(new PackedTile(first.Handle, SplatPacking.Pack(first.Tile, first.Slot), 0, null));
            Check.True(!tiles.Packed(new PackedTile(request.Handle, null, 0, new InvalidOperationException("bad"))), "a failure is refused");
            Check.Equal(1, tiles.FailedPacks, "counted");
            Check.Equal(-1, tiles.OffsetOf(3), "not held");
            tiles.SetAlpha(3, 0.5f);
            tiles.Remove(3);
            Check.True(!tiles.Packed(new PackedTile(first.Handle, SplatPacking.Pack(first.Tile, first.Slot), 0, null)), "a second hand-in is refused");
            tiles.PlanUploads(1000, ranges);
            Check.Equal(1, ranges.Count, "tile 2 goes; tile 1 was never packed");
        }

        public static void The_tile_table_hides_free_slots()
        {
            var scene = new SplatScene(1000);
            scene.Add(1, SplatScenes.Cube(1, 10, 1, 2, 3, 1, -3), 0.25f);
            scene.Add(2, SplatScenes.Cube(2, 10, 4, 5, 6, 1, -3), 1f);
            scene.Upload(1000);
            Check.True(!scene.Tiles.TableDirty, "filled");
            scene.Tiles.Remove(1);
            Check.True(scene.Tiles.TableDirty, "a removal dirties the table");
            scene.RefreshTable();
            Check.Equal(2, scene.TableCount, "slots keep their numbers");
            Check.Equal(0f, scene.Table[0].Alpha, "slot 0 is free");
            Check.Equal(0u, scene.Table[0].End, "with an empty range");
            Check.Equal(4f, scene.Table[1].OriginX, "slot 1 is tile 2");
            Check.Throws<ArgumentException>(() => scene.Tiles.FillTileTable(new TileGpu[1]), "a short table is refused");
        }
    }
}
