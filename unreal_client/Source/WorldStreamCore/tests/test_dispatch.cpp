// The pool sizing and the ProjectCS dispatch: every pool extent that a budget up to the settings'
// clamp can reach must give a dispatch that every RHI takes (at most 65,535 groups a dimension)
// and that reaches every splat exactly once when ProjectCS unwraps its thread index.
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "harness.h"
#include "worldstream/dispatch.h"

using namespace worldstream;
using namespace wstest;

namespace {

using CountFn = std::function<GroupCount(int32_t thread_count, int32_t group_size)>;

const CountFn kWrapped = [](int32_t threads, int32_t size) { return group_count_wrapped(threads, size); };
const CountFn kLinear = [](int32_t threads, int32_t size) { return group_count_linear(threads, size); };

std::string describe(uint32_t extent, GroupCount c) {
    return std::to_string(extent) + " splats -> (" + std::to_string(c.x) + ", " + std::to_string(c.y) + ", " +
           std::to_string(c.z) + ")";
}

// Runs every thread of the dispatch, unwraps its index as ProjectCS does and marks the splat it
// reaches; fails unless each splat below `extent` is reached exactly once (threads past the
// extent return early in the shader and reach nothing).
void check_every_splat_reached_once(uint32_t extent, GroupCount c) {
    check(dispatch_fits(c), "dispatch fits: " + describe(extent, c));
    std::vector<uint8_t> reached(extent, 0);
    for (int32_t gz = 0; gz < c.z; ++gz) {
        for (int32_t gy = 0; gy < c.y; ++gy) {
            for (int32_t gx = 0; gx < c.x; ++gx) {
                for (uint32_t i = 0; i < kProjectGroupSize; ++i) {
                    const uint64_t index = unwrapped_thread_index({gx, gy, gz}, i, kProjectGroupSize);
                    if (index >= extent) continue;
                    if (reached[index]++ != 0) fail("splat " + std::to_string(index) + " reached twice: " + describe(extent, c));
                }
            }
        }
    }
    for (uint32_t s = 0; s < extent; ++s) {
        if (reached[s] != 1) fail("splat " + std::to_string(s) + " never reached: " + describe(extent, c));
    }
}

// The shapes the brute-force check above proves for whole families: one row of groups, or rows of
// exactly the wrap stride (and, when Z is used, planes of exactly stride x stride). Any such
// grid unwraps one-to-one onto [0, groups * group size).
bool unwraps_one_to_one(GroupCount c) {
    if (c.y == 1 && c.z == 1) return true;
    return c.x == kWrappedGroupStride && (c.z == 1 || c.y == kWrappedGroupStride);
}

// The first extent in [1, last] whose dispatch does not fit, is not one-to-one or does not cover
// the extent; 0 when every extent passes.
uint32_t first_failing_extent(const CountFn& count, uint32_t last) {
    for (uint32_t extent = 1; extent <= last; ++extent) {
        const GroupCount c = count(static_cast<int32_t>(extent), kProjectGroupSize);
        const uint64_t threads = static_cast<uint64_t>(c.x) * static_cast<uint64_t>(c.y) *
                                 static_cast<uint64_t>(c.z) * kProjectGroupSize;
        if (!dispatch_fits(c) || !unwraps_one_to_one(c) || threads < extent) return extent;
    }
    return 0;
}

}  // namespace

WS_TEST(every_pool_extent_up_to_the_clamp_dispatches_validly_and_reaches_each_splat_once) {
    // Every budget the settings allow, at every headroom they allow, gives a pool no larger than
    // kMaxPoolSplats; the pass walks the pool's extent, which is anything from 1 to that.
    check_eq(kMaxPoolSplats, pool_capacity(kMaxSplatBudget, kMaxPoolHeadroom), "the largest budget at the largest headroom");
    check_eq(0u, first_failing_extent(kWrapped, kMaxPoolSplats), "first extent whose wrapped dispatch fails");
    // Whole grids run for the edges of each shape and the sizes that budgets give.
    const std::vector<uint32_t> extents = {
        1, 63, 64, 65, 4'194'240, 4'194'241, 4'194'303, 4'194'304, 4'194'305, 8'388'608,
        pool_capacity(2'000'000, 1.5),  // the default budget and headroom
        pool_capacity(2'796'161, 1.5),  // the first default-headroom pool past 65,535 groups
        pool_capacity(kMaxSplatBudget, 1.5), kMaxPoolSplats};
    for (const uint32_t extent : extents) {
        check_every_splat_reached_once(extent, group_count_wrapped(static_cast<int32_t>(extent), kProjectGroupSize));
    }
    std::mt19937 random(18);
    for (int trial = 0; trial < 4; ++trial) {
        const uint32_t extent = 1 + random() % kMaxPoolSplats;
        check_every_splat_reached_once(extent, group_count_wrapped(static_cast<int32_t>(extent), kProjectGroupSize));
    }
}

WS_TEST(the_unwrapped_group_count_the_renderer_used_breaks_past_4194240_splats) {
    // The check above, run on FComputeShaderUtils::GetGroupCount's maths, finds the defect: the
    // pool of a 2,796,161-splat budget at the default headroom already needs 65,536 groups.
    check_eq(4'194'241u, first_failing_extent(kLinear, kMaxPoolSplats), "first extent the linear dispatch fails");
    check(dispatch_fits(group_count_linear(4'194'240, kProjectGroupSize)), "65,535 groups fit");
    check(!dispatch_fits(group_count_linear(4'194'241, kProjectGroupSize)), "65,536 groups do not");
    check_eq(4'194'241u, pool_capacity(2'796'161, 1.5), "the default headroom's first pool past the limit");
    check(!dispatch_fits(group_count_linear(static_cast<int32_t>(pool_capacity(2'796'161, 1.5)), kProjectGroupSize)),
          "that pool's linear dispatch is invalid");
}

WS_TEST(the_wrapped_group_count_mirrors_unreal_into_y_and_z) {
    // Unreal's own values: below the limit one row; above it rows of 128 groups.
    check(group_count_wrapped(4'194'240, 64) == GroupCount{65'535, 1, 1}, "65,535 groups stay in X");
    check(group_count_wrapped(4'194'241, 64) == GroupCount{128, 512, 1}, "65,536 groups wrap into 512 rows of 128");
    check(group_count_wrapped(static_cast<int32_t>(kMaxPoolSplats), 64) == GroupCount{128, 4'096, 1}, "the largest pool");
    check(group_count_wrapped(0, 64) == GroupCount{0, 1, 1}, "nothing to do is no groups, as in Unreal");
    // A small per-dimension limit (as an RHI could report) drives the Z wrap, which the real limit
    // only reaches past 536 M threads: rows of 128, planes of 128 x 128.
    const GroupCount small_limit{200, 200, kMaxGroupsPerDimension};
    const int32_t threads = (200 * 128 + 1) * 64;  // 25,601 groups: 201 rows, more than 200
    const GroupCount c = group_count_wrapped(threads, 64, small_limit);
    check(c == GroupCount{128, 128, 2}, "201 rows fold into 2 planes of 128 rows");
    check(dispatch_fits(c, small_limit) && unwraps_one_to_one(c), "fits and unwraps one to one");
    check_every_splat_reached_once(static_cast<uint32_t>(threads), c);
}

WS_TEST(budgets_and_headrooms_clamp_to_a_pool_the_buffers_can_hold) {
    check_eq(int64_t{1000}, clamp_splat_budget(1), "budget below the minimum");
    check_eq(kMaxSplatBudget, clamp_splat_budget(int64_t{1} << 40), "budget above the maximum");
    check_eq(3'000'000u, pool_capacity(2'000'000, 1.5), "the default budget and headroom");
    check_eq(1500u, pool_capacity(10, 1.5), "a budget below the minimum");
    check_eq(2'000'000u, pool_capacity(2'000'000, 0.5), "a headroom below 1");
    check_eq(2'000'000u, pool_capacity(2'000'000, std::numeric_limits<double>::quiet_NaN()), "a NaN headroom");
    check_eq(kMaxPoolSplats, pool_capacity(int64_t{1} << 40, 100.0), "everything too large");
    // 64-byte splats: the pool's size in bytes stays a uint32.
    check(uint64_t{kMaxPoolSplats} * 64 <= UINT32_MAX, "pool bytes fit 32 bits");
    for (int64_t budget = kMinSplatBudget; budget <= kMaxSplatBudget; budget += 997) {
        for (double headroom = kMinPoolHeadroom; headroom <= kMaxPoolHeadroom; headroom += 0.25) {
            const uint32_t pool = pool_capacity(budget, headroom);
            if (pool > kMaxPoolSplats || pool < budget) {
                fail("budget " + std::to_string(budget) + " at " + std::to_string(headroom) + " -> " + std::to_string(pool));
            }
        }
    }
}
