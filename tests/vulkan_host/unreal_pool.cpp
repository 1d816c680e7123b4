// The Unreal renderer's splat pool for a set of tiles, built with the plugin's own engine-free
// core (unreal_client/Source/WorldStreamCore): each payload decoded by decode_payload, given a
// range by worldstream::SplatPool and a slot in the order FWorldStreamRenderState::AddTile gives
// them (a fresh state: slots 0, 1, 2...), and packed by pack_gpu_splats into the records the
// pool buffer holds. tests/test_unreal_splat_draw_gpu.py builds the tile table from what this
// writes, as FWorldStreamRenderState::Render does, and draws the pool.
//
//   unreal_pool OUT_DIR CAPACITY PAYLOAD...
//
// Writes OUT_DIR/pool.bin (the pool's records up to its extent, 64 bytes each) and
// OUT_DIR/tiles.txt (one line per tile: slot, pool offset, splat count, origin x y z with every
// digit of the double).
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

#include "worldstream/gpu_splat.h"
#include "worldstream/payload.h"
#include "worldstream/splat_pool.h"

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: unreal_pool OUT_DIR CAPACITY PAYLOAD...\n");
        return 2;
    }
    const std::string out = argv[1];
    worldstream::SplatPool pool(static_cast<uint32_t>(std::stoul(argv[2])));
    std::vector<worldstream::GpuSplat> records(pool.capacity());
    std::FILE* table = std::fopen((out + "/tiles.txt").c_str(), "w");
    if (table == nullptr) return 1;
    for (int i = 3; i < argc; ++i) {
        std::ifstream file(argv[i], std::ios::binary);
        const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        auto decoded = worldstream::decode_payload(worldstream::TileEncoding::QuantizedV1, bytes.data(), bytes.size());
        if (!decoded) {
            std::fprintf(stderr, "%s: %s\n", argv[i], decoded.error().message.c_str());
            return 1;
        }
        const worldstream::DecodedTile& tile = *decoded;
        const auto offset = pool.allocate(tile.splat_count);
        if (!offset) {
            std::fprintf(stderr, "the pool is full\n");
            return 1;
        }
        const uint32_t slot = static_cast<uint32_t>(i - 3);
        worldstream::pack_gpu_splats(tile, slot, records.data() + *offset);
        std::fprintf(table, "%u %u %u %.17g %.17g %.17g\n", slot, *offset, tile.splat_count, tile.origin[0],
                     tile.origin[1], tile.origin[2]);
    }
    std::fclose(table);
    std::ofstream pool_file(out + "/pool.bin", std::ios::binary);
    pool_file.write(reinterpret_cast<const char*>(records.data()),
                    static_cast<std::streamsize>(pool.extent() * sizeof(worldstream::GpuSplat)));
    return pool_file ? 0 : 1;
}
