// What the renderer is handed: the splat pool's ranges and the packed GPU records.
#include <cmath>
#include <random>
#include <vector>

#include "harness.h"
#include "vectors.h"
#include "worldstream/gpu_splat.h"
#include "worldstream/splat_pool.h"

using namespace worldstream;
using namespace wstest;

WS_TEST(the_pool_hands_out_disjoint_ranges_and_merges_what_is_released) {
    SplatPool pool(1000);
    const auto a = pool.allocate(300), b = pool.allocate(300), c = pool.allocate(300);
    check(a && b && c, "three ranges fit");
    check(*a == 0 && *b == 300 && *c == 600, "first fit, in order");
    check(!pool.allocate(200), "no room for 200 more");
    check_eq(uint32_t{900}, pool.extent(), "extent");
    check(pool.release(*b), "release the middle");
    check(!pool.release(*b), "a second release of it changes nothing");
    check(!pool.release(5), "an unknown offset is refused");
    check_eq(uint32_t{300}, pool.largest_free(), "the middle hole");
    check(pool.release(*a), "release the first");
    check_eq(uint32_t{600}, pool.largest_free(), "merged with its neighbour");
    const auto big = pool.allocate(550);
    check(big && *big == 0, "a large tile fits the merged hole");
    check(pool.release(*c) && pool.release(*big), "release all");
    check_eq(uint32_t{0}, pool.used(), "empty");
    check_eq(uint32_t{1000}, pool.largest_free(), "one free range again");
    check_eq(uint32_t{0}, pool.extent(), "no extent");
}

WS_TEST(random_allocation_and_release_never_overlap_or_leak) {
    SplatPool pool(100000);
    std::mt19937 random(21);
    std::vector<std::pair<uint32_t, uint32_t>> held;  // offset, count
    for (int step = 0; step < 20000; ++step) {
        if (!held.empty() && random() % 2 == 0) {
            const std::size_t pick = random() % held.size();
            check(pool.release(held[pick].first), "release");
            held.erase(held.begin() + static_cast<std::ptrdiff_t>(pick));
        } else {
            const uint32_t count = 1 + random() % 4000;
            if (auto offset = pool.allocate(count)) held.emplace_back(*offset, count);
        }
        if (step % 500 == 0) {
            std::vector<char> mark(pool.capacity(), 0);
            uint32_t used = 0;
            for (const auto& [offset, count] : held) {
                check(offset + count <= pool.capacity(), "inside the pool");
                for (uint32_t i = offset; i < offset + count; ++i) {
                    check(mark[i] == 0, "ranges never overlap");
                    mark[i] = 1;
                }
                used += count;
            }
            check_eq(used, pool.used(), "the pool counts what is held");
            check(pool.largest_free() <= pool.capacity() - pool.used(), "free space adds up");
        }
    }
}

WS_TEST(packed_gpu_splats_carry_activated_values_of_the_decoded_tile) {
    const GoldenVector& v = golden("chunk_and_partial_sh1");
    auto tile = decode_quantized(v.payload.data(), v.payload.size());
    check(tile.ok(), "decodes");
    std::vector<GpuSplat> packed(tile->splat_count);
    pack_gpu_splats(tile.value(), 17, packed.data());
    const std::size_t stride = 3 * static_cast<std::size_t>(tile->sh_coefficients());
    for (std::size_t i = 0; i < packed.size(); ++i) {
        const GpuSplat& s = packed[i];
        check_eq(17u, s.tile, "tile slot");
        for (int a = 0; a < 3; ++a) {
            check_eq(tile->positions[3 * i + a], s.position[a], "position");
            check_close(std::exp(double(tile->log_scales[3 * i + a])), s.scale[a], 0, 1e-6, "scale");
            check_close(std::max(0.0, 0.5 + kShC0 * tile->sh[stride * i + a]), s.colour[a], 1e-6, 0, "colour");
        }
        check_close(1.0 / (1.0 + std::exp(-double(tile->opacity_logits[i]))), s.opacity, 1e-6, 0, "opacity");
        const double norm = std::sqrt(double(s.rotation[0]) * s.rotation[0] + double(s.rotation[1]) * s.rotation[1] +
                                      double(s.rotation[2]) * s.rotation[2] + double(s.rotation[3]) * s.rotation[3]);
        check_close(1.0, norm, 1e-6, 0, "unit rotation");
    }
    DecodedTile zero;
    zero.splat_count = 1;
    zero.positions = {1, 2, 3};
    zero.rotations = {0, 0, 0, 0};
    zero.log_scales = {0, 0, 0};
    zero.opacity_logits = {0};
    zero.sh = {0, 0, 0};
    GpuSplat one;
    pack_gpu_splats(zero, 0, &one);
    check(one.rotation[0] == 1 && one.rotation[1] == 0, "a zero quaternion is the identity");
}
