using System;
using System.Collections.Generic;
using System.Linq;
using WorldStream.Core;

namespace WorldStream.Tests
{
    /// <summary>Tile residency: one level per cell, replace on complete, budget, removal, manifest.</summary>
    public static class ResidencyCases
    {
        static TileKey Key(int x, int y, int z, int lod) => new TileKey(x, y, z, lod);

        public static void Committed_tiles_count_their_splats_against_the_budget()
        {
            var residency = new TileResidency(1000);
            residency.Commit(Key(0, 0, 0, 1), 1, 300);
            var change = residency.Commit(Key(1, 0, 0, 0), 1, 500);
            Check.Equal(2, residency.Count, "tiles");
            Check.Equal(800L, residency.ResidentSplats, "splats");
            Check.Equal(0L, change.OverBudgetBy, "within budget");
            Check.True(change.Replaced == null, "a new cell replaces nothing");
        }

        public static void A_finer_level_replaces_the_coarser_one_of_its_cell_when_complete()
        {
            var residency = new TileResidency(10000);
            residency.Commit(Key(2, 0, -1, 2), 4, 100);
            var change = residency.Commit(Key(2, 0, -1, 0), 4, 1600);
            Check.Equal(1, residency.Count, "one level per cell");
            Check.Equal(1600L, residency.ResidentSplats, "the coarse level's splats are freed");
            Check.Equal(Key(2, 0, -1, 2), change.Replaced.Key, "replaced tile");
            Check.True(residency.Holds(Key(2, 0, -1, 0), 4), "the fine level is held");
            Check.True(!residency.Holds(Key(2, 0, -1, 2), 4), "the coarse level is not");
        }

        public static void A_newer_version_of_the_same_tile_replaces_the_older()
        {
            var residency = new TileResidency(10000);
            residency.Commit(Key(0, 0, 0, 0), 1, 400);
            var change = residency.Commit(Key(0, 0, 0, 0), 2, 450);
            Check.Equal(1L, change.Replaced.Version, "replaced version");
            Check.Equal(450L, residency.ResidentSplats, "splats");
            Check.True(residency.Holds(Key(0, 0, 0, 0), 2), "version 2 held");
        }

        public static void Going_over_the_budget_is_reported_and_nothing_is_dropped()
        {
            var residency = new TileResidency(1000);
            residency.Commit(Key(0, 0, 0, 0), 1, 700);
            var change = residency.Commit(Key(1, 0, 0, 0), 1, 500);
            Check.Equal(200L, change.OverBudgetBy, "over by");
            Check.Equal(200L, residency.OverBudgetBy, "still over");
            Check.Equal(2, residency.Count, "both tiles held: the server removes, the client does not");
            residency.SplatBudget = 2000;
            Check.Equal(0L, residency.OverBudgetBy, "within the header's larger budget");
        }

        public static void A_removal_drops_the_cell_whatever_level_it_names()
        {
            var residency = new TileResidency(1000);
            residency.Commit(Key(0, 1, 0, 1), 3, 250);
            residency.Commit(Key(5, 5, 5, 0), 1, 100);
            var removed = residency.Remove(Key(0, 1, 0, 1));
            Check.Equal(250L, removed.SplatCount, "removed tile");
            Check.Equal(100L, residency.ResidentSplats, "splats freed");
            var other = residency.Remove(Key(5, 5, 5, 2));
            Check.Equal(Key(5, 5, 5, 0), other.Key, "the cell's tile, at the level it had");
            Check.True(residency.Remove(Key(9, 9, 9, 0)) == null, "removing an empty cell returns null");
            Check.Equal(0, residency.Count, "nothing left");
            Check.Equal(0L, residency.ResidentSplats, "no splats left");
        }

        public static void The_budget_must_be_positive()
        {
            Check.Throws<ArgumentOutOfRangeException>(() => new TileResidency(0), "budget 0");
            Check.Throws<ArgumentOutOfRangeException>(() => new TileResidency(10).Commit(Key(0, 0, 0, 0), 1, -1), "negative splats");
        }

        public static void The_manifest_lists_each_held_tile_once_sorted_by_key()
        {
            var residency = new TileResidency(100000);
            residency.Commit(Key(3, 0, 0, 0), 2, 10);
            residency.Commit(Key(-1, 0, 7, 1), 5, 10);
            residency.Commit(Key(-1, 0, 7, 0), 6, 10);
            residency.Commit(Key(0, 0, 0, 2), 1, 10);
            var manifest = residency.Manifest("worlds/lobby");
            Check.Equal(3, manifest.Tiles.Count, "entries");
            Check.Equal(new HeldTileEntry(Key(-1, 0, 7, 0), 6, 10), manifest.Tiles[0], "first");
            Check.Equal(new HeldTileEntry(Key(0, 0, 0, 2), 1, 10), manifest.Tiles[1], "second");
            Check.Equal(new HeldTileEntry(Key(3, 0, 0, 0), 2, 10), manifest.Tiles[2], "third");
        }

        public static void The_manifest_round_trips_through_its_text_form()
        {
            var residency = new TileResidency(100000);
            var random = new Random(3);
            for (int i = 0; i < 200; i++)
            {
                residency.Commit(Key(random.Next(-50, 50), random.Next(-3, 3), random.Next(-50, 50), random.Next(4)),
                    random.Next(1, 1000) * 1000000007L, random.Next(1, 100));
            }
            var manifest = residency.Manifest("worlds/big-room");
            var text = manifest.ToText();
            var back = HeldTileManifest.Parse(text);
            Check.Equal("worlds/big-room", back.World, "world");
            Check.Equal(manifest.Tiles.Count, back.Tiles.Count, "entries");
            for (int i = 0; i < manifest.Tiles.Count; i++) Check.Equal(manifest.Tiles[i], back.Tiles[i], "entry " + i);
            Check.Equal(text, back.ToText(), "text");
            foreach (var entry in back.Tiles) Check.True(residency.Holds(entry.Key, entry.Version), "held " + entry.Key);
        }

        /// <summary>
        /// A resume sends what is really held: each tile's splat count as decoded, which an older
        /// version's can differ from, kept through the text form a cache stores across runs.
        /// </summary>
        public static void Held_splat_counts_survive_the_manifest_and_its_text_form()
        {
            var residency = new TileResidency(100000);
            residency.WorldUid = "5f0c";
            residency.Commit(Key(0, 0, -1, 2), 7, 4096);
            residency.Commit(Key(4, 1, 0, 0), 3, 99949);
            // A finer level replaces the cell's count.
            residency.Commit(Key(0, 0, -1, 1), 8, 12000);
            var manifest = residency.Manifest("worlds/lobby");
            Check.Equal(new HeldTileEntry(Key(0, 0, -1, 1), 8, 12000), manifest.Tiles[0], "the refined cell's count");
            Check.Equal(new HeldTileEntry(Key(4, 1, 0, 0), 3, 99949), manifest.Tiles[1], "the other cell's count");
            var text = manifest.ToText();
            Check.Equal("worldstream-held-tiles 3\nworld worlds/lobby\nuid 5f0c\n" +
                "tile 0 0 -1 1 8 12000\ntile 4 1 0 0 3 99949\n", text, "text");
            var back = HeldTileManifest.Parse(text);
            Check.Equal(12000L, back.Tiles[0].SplatCount, "first count read back");
            Check.Equal(99949L, back.Tiles[1].SplatCount, "second count read back");
            Check.True(back.Tiles.SequenceEqual(manifest.Tiles), "every entry read back");
            Check.Throws<ArgumentOutOfRangeException>(() => new HeldTileEntry(Key(0, 0, 0, 0), 1, -5), "a negative count");
        }

        public static void A_manifest_written_before_splat_counts_still_reads_with_every_count_zero()
        {
            var old = HeldTileManifest.Parse(
                "worldstream-held-tiles 2\nworld worlds/lobby\nuid 5f0c\ntile 0 0 -1 2 7\ntile 4 1 0 0 3\n");
            Check.Equal("5f0c", old.WorldUid, "uid");
            Check.Equal(new HeldTileEntry(Key(0, 0, -1, 2), 7, 0), old.Tiles[0], "first tile, count unknown");
            Check.Equal(new HeldTileEntry(Key(4, 1, 0, 0), 3, 0), old.Tiles[1], "second tile, count unknown");
            Check.Equal("worldstream-held-tiles 3\nworld worlds/lobby\nuid 5f0c\ntile 0 0 -1 2 7 0\ntile 4 1 0 0 3 0\n",
                old.ToText(), "written again as version 3 with unknown counts");
        }

        public static void A_damaged_manifest_names_its_bad_line()
        {
            string head = HeldTileManifest.FirstLine + "\nworld worlds/a\n";
            var cases = new[]
            {
                Tuple.Create("worldstream-held-tiles 4\nworld worlds/a\n", 1),
                Tuple.Create(head + "uid\ntile 0 0 0 0 1\n", 3),
                Tuple.Create(head + "uid two words\n", 3),
                Tuple.Create(head + "tile 0 0 0 0 1 5\nuid 5f0c\n", 4),
                Tuple.Create(HeldTileManifest.FirstLineVersion1 + "\nworld worlds/a\nuid 5f0c\n", 3),
                Tuple.Create(HeldTileManifest.FirstLine + "\nplanet worlds/a\n", 2),
                Tuple.Create(head + "tile 0 0 0 0 1 5\ntile 0 0 0 1 1 5\n", 4),
                Tuple.Create(head + "tile 0 0 zero 0 1 5\n", 3),
                Tuple.Create(head + "tile 0 0 0 -1 1 5\n", 3),
                Tuple.Create(head + "tile 0 0 0 0 1\n", 3),
                Tuple.Create(head + "tile 0 0 0 0 1 -5\n", 3),
                Tuple.Create(head + "tile 0 0 0 0 1 five\n", 3),
                Tuple.Create(HeldTileManifest.FirstLineVersion2 + "\nworld worlds/a\ntile 0 0 0 0 1 5\n", 3),
                Tuple.Create(head + "tile 0 0 99999999999 0 1 5\n", 3),
            };
            foreach (var c in cases)
            {
                var e = Check.Throws<ManifestFormatException>(() => HeldTileManifest.Parse(c.Item1), c.Item1);
                Check.Equal(c.Item2, e.Line, "line of " + c.Item1.Replace("\n", "|"));
            }
            Check.Throws<ArgumentException>(
                () => new HeldTileManifest("worlds/a", new List<HeldTileEntry>
                {
                    new HeldTileEntry(Key(1, 1, 1, 0), 1), new HeldTileEntry(Key(1, 1, 1, 3), 1),
                }),
                "two levels of one cell");
            Check.Throws<ArgumentException>(() => new HeldTileManifest("worlds/a", "5f 0c", new HeldTileEntry[0]),
                "a blank in the uid");
        }

        public static void The_manifest_keeps_the_world_uid_through_its_text_form()
        {
            var residency = new TileResidency(100000);
            residency.WorldUid = "5f0c9e2a7b3d4c1e8f6a0b2c4d6e8f00";
            residency.Commit(Key(0, 0, -1, 2), 7, 10);
            residency.Commit(Key(4, 1, 0, 0), 3, 10);
            var manifest = residency.Manifest("worlds/lobby");
            Check.Equal("5f0c9e2a7b3d4c1e8f6a0b2c4d6e8f00", manifest.WorldUid, "the residency's uid");
            var text = manifest.ToText();
            Check.Equal(
                "worldstream-held-tiles 3\nworld worlds/lobby\nuid 5f0c9e2a7b3d4c1e8f6a0b2c4d6e8f00\n" +
                "tile 0 0 -1 2 7 10\ntile 4 1 0 0 3 10\n", text, "text");
            var back = HeldTileManifest.Parse(text.Replace("\n", "\r\n"));
            Check.Equal("worlds/lobby", back.World, "world");
            Check.Equal(manifest.WorldUid, back.WorldUid, "uid");
            Check.Equal(2, back.Tiles.Count, "entries");
            Check.Equal(text, back.ToText(), "the same text again");
            var noUid = new HeldTileManifest("worlds/lobby", new[] { new HeldTileEntry(Key(1, 0, 0, 0), 1) });
            Check.Equal("", noUid.WorldUid, "no uid given");
            Check.Equal("worldstream-held-tiles 3\nworld worlds/lobby\ntile 1 0 0 0 1 0\n", noUid.ToText(),
                "a world without a uid has no uid line");
            Check.Equal("", HeldTileManifest.Parse(noUid.ToText()).WorldUid, "and reads back without one");
        }

        public static void A_version_1_manifest_still_reads_with_an_empty_uid()
        {
            var old = HeldTileManifest.Parse("worldstream-held-tiles 1\nworld worlds/lobby\ntile 0 0 -1 2 7\n");
            Check.Equal("worlds/lobby", old.World, "world");
            Check.Equal("", old.WorldUid, "no uid");
            Check.Equal(new HeldTileEntry(Key(0, 0, -1, 2), 7), old.Tiles[0], "its tile");
            Check.Equal("worldstream-held-tiles 3\nworld worlds/lobby\ntile 0 0 -1 2 7 0\n", old.ToText(),
                "written again as version 3");
        }

        public static void Clearing_the_residency_forgets_the_world_uid()
        {
            var residency = new TileResidency(1000);
            residency.WorldUid = "abc";
            residency.Commit(Key(0, 0, 0, 0), 1, 10);
            residency.Clear();
            Check.Equal("", residency.WorldUid, "no instance once nothing is held");
            residency.WorldUid = null;
            Check.Equal("", residency.WorldUid, "null reads as empty");
        }
    }
}
