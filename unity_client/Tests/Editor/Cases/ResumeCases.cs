using System;
using System.Collections.Generic;
using System.Linq;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>
    /// The resume manifest at a reconnect: what the main thread reported holding, plus what the
    /// receive thread has queued for it since (ResumeLog, used by the transport's ExploreStream).
    /// </summary>
    public static class ResumeCases
    {
        const string World = "worlds/lobby";

        static TileKey Key(int x, int y, int z, int lod) => new TileKey(x, y, z, lod);

        static string Describe(HeldTileManifest manifest) =>
            manifest.WorldUid + ": " + string.Join(" ", manifest.Tiles.Select(t => t.Key + "@" + t.Version));

        static HeldTileManifest Held(string uid, params HeldTileEntry[] tiles) => new HeldTileManifest(World, uid, tiles);

        public static void A_tile_decoded_but_not_yet_applied_at_a_reconnect_is_resumed()
        {
            var log = new ResumeLog(World, null);
            long first = log.Header("u1");
            long a = log.Tile(Key(0, 0, 0, 1), 3, 10);
            log.Tile(Key(1, 0, 0, 1), 4, 10);
            // The main thread applied the header and the first tile; the second is still queued.
            log.Applied(Held("u1", new HeldTileEntry(Key(0, 0, 0, 1), 3)), a);
            Check.Equal(1L, first, "deliveries are numbered from 1");
            Check.Equal(
                "u1: " + Key(0, 0, 0, 1) + "@3 " + Key(1, 0, 0, 1) + "@4",
                Describe(log.Manifest()),
                "the queued tile is resumed with the applied one");
        }

        public static void A_queued_finer_level_replaces_the_held_level_of_its_cell()
        {
            var log = new ResumeLog(World, Held("u1", new HeldTileEntry(Key(2, 0, -1, 2), 1)));
            log.Tile(Key(2, 0, -1, 0), 5, 10);
            Check.Equal("u1: " + Key(2, 0, -1, 0) + "@5", Describe(log.Manifest()), "one level per cell");
        }

        /// <summary>
        /// The server counts a resumed client's holdings against the splat budget with the counts
        /// the manifest sends: a tile of an older version can hold another count than the
        /// current one, and assuming the current one stalled a resume under a tight budget.
        /// </summary>
        public static void A_resumed_tile_carries_the_splat_count_it_was_decoded_with()
        {
            var log = new ResumeLog(World, Held("u1",
                new HeldTileEntry(Key(0, 0, 0, 1), 2, 700), new HeldTileEntry(Key(4, 0, 0, 0), 1, 0)));
            log.Tile(Key(1, 0, 0, 2), 3, 1234);
            // A finer level of a held cell replaces its count with its own.
            log.Tile(Key(0, 0, 0, 0), 3, 5000);
            var tiles = log.Manifest().Tiles;
            Check.Equal(3, tiles.Count, "entries");
            Check.Equal(new HeldTileEntry(Key(0, 0, 0, 0), 3, 5000), tiles[0], "the replaced cell, with the new level's count");
            Check.Equal(new HeldTileEntry(Key(1, 0, 0, 2), 3, 1234), tiles[1], "the queued tile, with its decoded count");
            Check.Equal(new HeldTileEntry(Key(4, 0, 0, 0), 1, 0), tiles[2], "a reported tile of unknown count stays unknown");
            Check.Throws<ArgumentOutOfRangeException>(() => log.Tile(Key(9, 0, 0, 0), 1, -1), "a negative count");
        }

        public static void A_queued_removal_drops_the_held_cell_whatever_level_it_names()
        {
            var log = new ResumeLog(World, Held("u1", new HeldTileEntry(Key(0, 1, 0, 1), 2), new HeldTileEntry(Key(3, 0, 0, 0), 1)));
            log.Removal(Key(0, 1, 0, 0));
            Check.Equal("u1: " + Key(3, 0, 0, 0) + "@1", Describe(log.Manifest()), "the cell is gone");
        }

        public static void A_queued_header_of_another_world_instance_drops_everything_held_before_it()
        {
            var log = new ResumeLog(World, Held("u1", new HeldTileEntry(Key(0, 0, 0, 0), 1)));
            log.Header("u2");
            log.Tile(Key(5, 0, 0, 1), 1, 10);
            Check.Equal("u2: " + Key(5, 0, 0, 1) + "@1", Describe(log.Manifest()), "only the new instance's tile");
            var same = new ResumeLog(World, Held("u1", new HeldTileEntry(Key(0, 0, 0, 0), 1)));
            same.Header("u1");
            Check.Equal("u1: " + Key(0, 0, 0, 0) + "@1", Describe(same.Manifest()), "a header of the same instance keeps them");
        }

        public static void Deliveries_reported_applied_are_not_replayed_again()
        {
            var log = new ResumeLog(World, null);
            log.Header("u1");
            log.Tile(Key(0, 0, 0, 0), 1, 10);
            long removal = log.Removal(Key(0, 0, 0, 0));
            long later = log.Tile(Key(0, 0, 0, 0), 2, 10);
            // Applied through the removal: the report (empty) stands, only the later tile is replayed.
            log.Applied(Held("u1"), removal);
            Check.Equal(1, log.Pending, "one delivery still queued");
            Check.Equal("u1: " + Key(0, 0, 0, 0) + "@2", Describe(log.Manifest()), "the later tile only");
            log.Applied(Held("u1", new HeldTileEntry(Key(0, 0, 0, 0), 2)), later);
            Check.Equal(0, log.Pending, "nothing queued");
            Check.Throws<ArgumentException>(() => log.Applied(Held("u1"), removal), "reports go forward");
        }

        public static void A_manifest_of_another_world_is_not_resumed()
        {
            var log = new ResumeLog(World, new HeldTileManifest("worlds/other", "u9", new[] { new HeldTileEntry(Key(0, 0, 0, 0), 1) }));
            Check.Equal(": ", Describe(log.Manifest()), "nothing held of this world");
        }

        /// <summary>
        /// Random streams of headers, tiles and removals, the main thread applying part of the
        /// queue and reporting now and then: at every reconnect the manifest equals what the main
        /// thread holds once it has applied everything queued, so nothing it will hold is sent
        /// again and nothing it will not hold is claimed.
        /// </summary>
        public static void The_manifest_is_what_the_main_thread_holds_once_the_queue_is_applied()
        {
            for (int seed = 1; seed <= 200; seed++)
            {
                var random = new Random(seed);
                var log = new ResumeLog(World, null);
                var streamer = new TileStreamer(new TileResidency(1000000), new RecordingRenderer(), 0.2);
                var queue = new Queue<Action>();
                long appliedThrough = 0;
                for (int step = 0; step < 60; step++)
                {
                    int roll = random.Next(20);
                    var key = Key(random.Next(4), 0, random.Next(3), random.Next(3));
                    double now = step;
                    if (roll == 0)
                    {
                        string uid = random.Next(2) == 0 ? "u1" : "u2";
                        log.Header(uid);
                        queue.Enqueue(() => streamer.BeginWorld(uid));
                    }
                    else if (roll < 5)
                    {
                        log.Removal(key);
                        queue.Enqueue(() => streamer.Remove(key));
                    }
                    else
                    {
                        long version = random.Next(1, 5);
                        int splats = random.Next(1, 40);
                        log.Tile(key, version, splats);
                        queue.Enqueue(() => streamer.Apply(key, version, new DecodedTile(0, 2, 0, 0, 0, splats), now));
                    }
                    for (int i = random.Next(3); i > 0 && queue.Count > 0; i--)
                    {
                        queue.Dequeue()();
                        appliedThrough++;
                    }
                    if (random.Next(3) == 0) log.Applied(streamer.Residency.Manifest(World), appliedThrough);
                    if (random.Next(4) != 0) continue;
                    // A reconnect: the manifest now, against what the main thread holds once it
                    // has applied the rest of the queue.
                    var resumed = log.Manifest();
                    while (queue.Count > 0)
                    {
                        queue.Dequeue()();
                        appliedThrough++;
                    }
                    var held = streamer.Residency.Manifest(World);
                    Check.Equal(Describe(held), Describe(resumed), "seed " + seed + " step " + step);
                    Check.True(held.Tiles.SequenceEqual(resumed.Tiles),
                        "the same splat counts, seed " + seed + " step " + step);
                }
            }
        }
    }
}
