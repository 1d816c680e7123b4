// Times the Unreal core's pack_gpu_splats (activation and the 64-byte GPU record) on the tile
// bench/bench_client_packing.py wrote, and writes the records of the last run.
//
//   pack_bench TILE.bin RUNS OUT.bin
//
// Prints one line of JSON: {"runs_ms": [...]}.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

#include "worldstream/gpu_splat.h"

namespace {

void read_floats(std::ifstream& in, std::vector<float>& into, std::size_t count) {
    into.resize(count);
    in.read(reinterpret_cast<char*>(into.data()), static_cast<std::streamsize>(count * sizeof(float)));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: pack_bench TILE.bin RUNS OUT.bin\n");
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    int32_t header[2] = {0, 0};
    in.read(reinterpret_cast<char*>(header), sizeof header);
    worldstream::DecodedTile tile;
    tile.splat_count = static_cast<uint32_t>(header[0]);
    tile.sh_degree = header[1];
    tile.engine_frame = 2;
    const std::size_t n = tile.splat_count;
    read_floats(in, tile.positions, 3 * n);
    read_floats(in, tile.rotations, 4 * n);
    read_floats(in, tile.log_scales, 3 * n);
    read_floats(in, tile.opacity_logits, n);
    read_floats(in, tile.sh, 3 * static_cast<std::size_t>(tile.sh_coefficients()) * n);
    if (!in) {
        std::fprintf(stderr, "short tile file\n");
        return 2;
    }
    const int runs = std::atoi(argv[2]);
    std::vector<worldstream::GpuSplat> out(n);
    worldstream::pack_gpu_splats(tile, 7, out.data());  // page-in outside the timing
    std::printf("{\"runs_ms\": [");
    for (int r = 0; r < runs; ++r) {
        const auto start = std::chrono::steady_clock::now();
        worldstream::pack_gpu_splats(tile, 7, out.data());
        const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
        std::printf("%s%.6f", r ? ", " : "", took.count());
    }
    std::printf("]}\n");
    std::ofstream(argv[3], std::ios::binary)
        .write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(n * sizeof(worldstream::GpuSplat)));
    return 0;
}
