// Tile residency (one level per cell, replace on complete, budget, removal) and the manifest.
#include <random>
#include <set>

#include "harness.h"
#include "worldstream/manifest.h"
#include "worldstream/residency.h"

using namespace worldstream;
using namespace wstest;

namespace {
TileKey key(int x, int y, int z, int lod) { return TileKey{x, y, z, lod}; }
}  // namespace

WS_TEST(committed_tiles_count_their_splats_against_the_budget) {
    TileResidency residency(1000);
    residency.commit(key(0, 0, 0, 1), 1, 300);
    const auto change = residency.commit(key(1, 0, 0, 0), 1, 500);
    check_eq(std::size_t{2}, residency.size(), "tiles");
    check_eq(int64_t{800}, residency.resident_splats(), "splats");
    check_eq(int64_t{0}, change.over_budget_by, "within budget");
    check(!change.replaced, "a new cell replaces nothing");
}

WS_TEST(a_finer_level_replaces_the_coarser_one_of_its_cell_when_complete) {
    TileResidency residency(10000);
    residency.commit(key(2, 0, -1, 2), 4, 100);
    const auto change = residency.commit(key(2, 0, -1, 0), 4, 1600);
    check_eq(std::size_t{1}, residency.size(), "one level per cell");
    check_eq(int64_t{1600}, residency.resident_splats(), "the coarse level's splats are freed");
    check(change.replaced && change.replaced->key == key(2, 0, -1, 2), "replaced tile");
    check(residency.holds(key(2, 0, -1, 0), 4), "the fine level is held");
    check(!residency.holds(key(2, 0, -1, 2), 4), "the coarse level is not");
}

WS_TEST(a_newer_version_of_the_same_tile_replaces_the_older) {
    TileResidency residency(10000);
    residency.commit(key(0, 0, 0, 0), 1, 400);
    const auto change = residency.commit(key(0, 0, 0, 0), 2, 450);
    check(change.replaced && change.replaced->version == 1, "replaced version");
    check_eq(int64_t{450}, residency.resident_splats(), "splats");
    check(residency.holds(key(0, 0, 0, 0), 2), "version 2 held");
}

WS_TEST(going_over_the_budget_is_reported_and_nothing_is_dropped) {
    TileResidency residency(1000);
    residency.commit(key(0, 0, 0, 0), 1, 700);
    const auto change = residency.commit(key(1, 0, 0, 0), 1, 500);
    check_eq(int64_t{200}, change.over_budget_by, "over by");
    check_eq(int64_t{200}, residency.over_budget_by(), "still over");
    check_eq(std::size_t{2}, residency.size(), "both tiles held: the server removes, the client does not");
    residency.set_splat_budget(2000);
    check_eq(int64_t{0}, residency.over_budget_by(), "within the header's larger budget");
}

WS_TEST(a_removal_drops_the_cell_whatever_level_it_names) {
    TileResidency residency(1000);
    residency.commit(key(0, 1, 0, 1), 3, 250);
    residency.commit(key(5, 5, 5, 0), 1, 100);
    const auto removed = residency.remove(key(0, 1, 0, 1));
    check(removed && removed->splat_count == 250, "removed tile");
    check_eq(int64_t{100}, residency.resident_splats(), "splats freed");
    const auto other = residency.remove(key(5, 5, 5, 2));
    check(other && other->key == key(5, 5, 5, 0), "the cell's tile, at the level it had");
    check(!residency.remove(key(9, 9, 9, 0)), "removing an empty cell returns nothing");
    check_eq(std::size_t{0}, residency.size(), "nothing left");
    check_eq(int64_t{0}, residency.resident_splats(), "no splats left");
}

WS_TEST(the_budget_stays_positive) {
    TileResidency residency(0);
    check_eq(int64_t{1}, residency.splat_budget(), "a budget of 0 reads as 1");
    residency.set_splat_budget(-5);
    check_eq(int64_t{1}, residency.splat_budget(), "a negative header budget is ignored");
    residency.commit(key(0, 0, 0, 0), 1, -3);
    check_eq(int64_t{0}, residency.resident_splats(), "a negative count reads as 0");
}

WS_TEST(the_manifest_lists_each_held_tile_once_sorted_by_key) {
    TileResidency residency(100000);
    residency.commit(key(3, 0, 0, 0), 2, 10);
    residency.commit(key(-1, 0, 7, 1), 5, 10);
    residency.commit(key(-1, 0, 7, 0), 6, 10);
    residency.commit(key(0, 0, 0, 2), 1, 10);
    auto manifest = residency.manifest("worlds/lobby");
    check(manifest.ok(), "manifest");
    const auto& tiles = manifest->tiles();
    check_eq(std::size_t{3}, tiles.size(), "entries");
    check(tiles[0] == HeldTile{key(-1, 0, 7, 0), 6, 10}, "first");
    check(tiles[1] == HeldTile{key(0, 0, 0, 2), 1, 10}, "second");
    check(tiles[2] == HeldTile{key(3, 0, 0, 0), 2, 10}, "third");
}

WS_TEST(the_manifest_round_trips_through_its_text_form) {
    TileResidency residency(100000);
    std::mt19937 random(3);
    for (int i = 0; i < 200; ++i) {
        residency.commit(key(static_cast<int>(random() % 100) - 50, static_cast<int>(random() % 6) - 3,
                             static_cast<int>(random() % 100) - 50, static_cast<int>(random() % 4)),
                         static_cast<int64_t>(1 + random() % 999) * 1000000007LL, 1 + random() % 99);
    }
    auto manifest = residency.manifest("worlds/big-room");
    check(manifest.ok(), "manifest");
    const std::string text = manifest->to_text();
    auto back = HeldTileManifest::parse(text);
    check(back.ok(), "parses");
    check_eq(std::string("worlds/big-room"), back->world(), "world");
    check(back->tiles() == manifest->tiles(), "entries");
    check_eq(text, back->to_text(), "text");
    for (const auto& entry : back->tiles()) check(residency.holds(entry.key, entry.version), "held " + entry.key.to_string());
}

WS_TEST(the_text_form_is_the_unity_clients) {
    // The same texts as the Unity client's ResidencyCases.
    auto manifest = HeldTileManifest::make("worlds/lobby", {{key(0, 0, -1, 2), 7}});
    check(manifest.ok(), "manifest");
    check_eq(std::string("worldstream-held-tiles 3\nworld worlds/lobby\ntile 0 0 -1 2 7 0\n"), manifest->to_text(), "text");
    auto with_uid = HeldTileManifest::make("worlds/lobby", "5f0c9e2a7b3d4c1e8f6a0b2c4d6e8f00",
                                           {{key(4, 1, 0, 0), 3, 10}, {key(0, 0, -1, 2), 7, 10}});
    check(with_uid.ok(), "manifest with a uid");
    check_eq(std::string("worldstream-held-tiles 3\nworld worlds/lobby\nuid 5f0c9e2a7b3d4c1e8f6a0b2c4d6e8f00\n"
                         "tile 0 0 -1 2 7 10\ntile 4 1 0 0 3 10\n"),
             with_uid->to_text(), "text with a uid");
    auto counted = HeldTileManifest::make("worlds/lobby", "5f0c", {{key(0, 0, -1, 1), 8, 12000}, {key(4, 1, 0, 0), 3, 99949}});
    check(counted.ok(), "manifest with splat counts");
    check_eq(std::string("worldstream-held-tiles 3\nworld worlds/lobby\nuid 5f0c\n"
                         "tile 0 0 -1 1 8 12000\ntile 4 1 0 0 3 99949\n"),
             counted->to_text(), "text with splat counts");
    auto crlf = HeldTileManifest::parse("worldstream-held-tiles 2\r\nworld worlds/lobby\r\nuid 5f0c\r\ntile 0 0 -1 2 7\r\n");
    check(crlf.ok() && crlf->tiles().size() == 1 && crlf->world_uid() == "5f0c", "CRLF line ends read the same");
}

WS_TEST(the_manifest_keeps_the_world_uid_through_its_text_form) {
    TileResidency residency(100000);
    residency.set_world_uid("5f0c9e2a7b3d4c1e8f6a0b2c4d6e8f00");
    residency.commit(key(0, 0, -1, 2), 7, 10);
    residency.commit(key(4, 1, 0, 0), 3, 10);
    auto manifest = residency.manifest("worlds/lobby");
    check(manifest.ok(), "manifest");
    check_eq(std::string("5f0c9e2a7b3d4c1e8f6a0b2c4d6e8f00"), manifest->world_uid(), "the residency's uid");
    auto back = HeldTileManifest::parse(manifest->to_text());
    check(back.ok(), "parses");
    check_eq(std::string("worlds/lobby"), back->world(), "world");
    check_eq(manifest->world_uid(), back->world_uid(), "uid");
    check(back->tiles() == manifest->tiles(), "entries");
    check_eq(manifest->to_text(), back->to_text(), "the same text again");
    auto no_uid = HeldTileManifest::parse(HeldTileManifest::make("worlds/lobby", {{key(1, 0, 0, 0), 1}})->to_text());
    check(no_uid.ok() && no_uid->world_uid().empty(), "a world without a uid reads back without one");
    residency.clear();
    check(residency.world_uid().empty(), "clearing the residency forgets the uid");
}

WS_TEST(a_version_1_manifest_still_reads_with_an_empty_uid) {
    auto old = HeldTileManifest::parse("worldstream-held-tiles 1\nworld worlds/lobby\ntile 0 0 -1 2 7\n");
    check(old.ok(), "version 1 reads");
    check_eq(std::string("worlds/lobby"), old->world(), "world");
    check(old->world_uid().empty(), "no uid");
    check(old->tiles() == std::vector<HeldTile>{{key(0, 0, -1, 2), 7, 0}}, "its tile");
    check_eq(std::string("worldstream-held-tiles 3\nworld worlds/lobby\ntile 0 0 -1 2 7 0\n"), old->to_text(),
             "written again as version 3");
}

// A resume sends what is really held: each tile's splat count as decoded, which an older
// version's can differ from, kept through the text form a cache stores across runs.
WS_TEST(held_splat_counts_survive_the_manifest_and_its_text_form) {
    TileResidency residency(1000000);
    residency.set_world_uid("5f0c");
    residency.commit(key(0, 0, -1, 2), 7, 4096);
    residency.commit(key(4, 1, 0, 0), 3, 99949);
    // A finer level replaces the cell's count.
    residency.commit(key(0, 0, -1, 1), 8, 12000);
    auto manifest = residency.manifest("worlds/lobby");
    check(manifest.ok(), "manifest");
    check(manifest->tiles() == std::vector<HeldTile>{{key(0, 0, -1, 1), 8, 12000}, {key(4, 1, 0, 0), 3, 99949}},
          "each held tile with its committed count");
    check_eq(std::string("worldstream-held-tiles 3\nworld worlds/lobby\nuid 5f0c\n"
                         "tile 0 0 -1 1 8 12000\ntile 4 1 0 0 3 99949\n"),
             manifest->to_text(), "text");
    auto back = HeldTileManifest::parse(manifest->to_text());
    check(back.ok(), "parses");
    check_eq(12000LL, static_cast<long long>(back->tiles()[0].splat_count), "first count read back");
    check_eq(99949LL, static_cast<long long>(back->tiles()[1].splat_count), "second count read back");
    check(back->tiles() == manifest->tiles(), "every entry read back");
    check(!HeldTileManifest::make("worlds/a", {{key(0, 0, 0, 0), 1, -5}}).ok(), "a negative count is refused");
}

WS_TEST(a_manifest_written_before_splat_counts_still_reads_with_every_count_zero) {
    auto old = HeldTileManifest::parse(
        "worldstream-held-tiles 2\nworld worlds/lobby\nuid 5f0c\ntile 0 0 -1 2 7\ntile 4 1 0 0 3\n");
    check(old.ok(), "version 2 reads");
    check_eq(std::string("5f0c"), old->world_uid(), "uid");
    check(old->tiles() == std::vector<HeldTile>{{key(0, 0, -1, 2), 7, 0}, {key(4, 1, 0, 0), 3, 0}},
          "its tiles, counts unknown");
    check_eq(std::string("worldstream-held-tiles 3\nworld worlds/lobby\nuid 5f0c\ntile 0 0 -1 2 7 0\ntile 4 1 0 0 3 0\n"),
             old->to_text(), "written again as version 3 with unknown counts");
}

WS_TEST(a_damaged_manifest_names_its_bad_line) {
    const std::string head = std::string(HeldTileManifest::kFirstLine) + "\nworld worlds/a\n";
    const std::pair<std::string, int> cases[] = {
        {"worldstream-held-tiles 4\nworld worlds/a\n", 1},
        {head + "uid\ntile 0 0 0 0 1 5\n", 3},
        {head + "uid two words\n", 3},
        {head + "tile 0 0 0 0 1 5\nuid 5f0c\n", 4},
        {std::string(HeldTileManifest::kFirstLineVersion1) + "\nworld worlds/a\nuid 5f0c\n", 3},
        {std::string(HeldTileManifest::kFirstLine) + "\nplanet worlds/a\n", 2},
        {head + "tile 0 0 0 0 1 5\ntile 0 0 0 1 1 5\n", 4},
        {head + "tile 0 0 zero 0 1 5\n", 3},
        {head + "tile 0 0 0 -1 1 5\n", 3},
        {head + "tile 0 0 0 0 1\n", 3},
        {head + "tile 0 0 0 0 1 -5\n", 3},
        {head + "tile 0 0 0 0 1 five\n", 3},
        {std::string(HeldTileManifest::kFirstLineVersion2) + "\nworld worlds/a\ntile 0 0 0 0 1 5\n", 3},
        {head + "tile 0 0 99999999999 0 1 5\n", 3},
        {head + "tile 0 0 1-2 0 1 5\n", 3},
    };
    for (const auto& [text, line] : cases) {
        auto parsed = HeldTileManifest::parse(text);
        check(!parsed.ok(), "refused: " + text);
        check_eq(line, parsed.error().line, "line of " + text);
    }
    check(!HeldTileManifest::make("worlds/a", {{key(1, 1, 1, 0), 1}, {key(1, 1, 1, 3), 1}}).ok(), "two levels of one cell");
    check(!HeldTileManifest::make("worlds/a b", {}).ok(), "a space in the world name");
    check(!HeldTileManifest::make("", {}).ok(), "no world name");
    check(!HeldTileManifest::make("worlds/a", "5f 0c", {}).ok(), "a blank in the uid");
}
