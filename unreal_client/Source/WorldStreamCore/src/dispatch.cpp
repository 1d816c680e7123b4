#include "worldstream/dispatch.h"

#include <algorithm>
#include <cmath>

namespace worldstream {

namespace {

// FMath::DivideAndRoundUp, in 64 bits so that no int32 count overflows on the way.
int32_t divide_and_round_up(int64_t dividend, int64_t divisor) {
    return static_cast<int32_t>((dividend + divisor - 1) / divisor);
}

}  // namespace

GroupCount group_count_linear(int32_t thread_count, int32_t group_size) {
    return {divide_and_round_up(thread_count, group_size), 1, 1};
}

GroupCount group_count_wrapped(int32_t thread_count, int32_t group_size, GroupCount max_per_dimension) {
    GroupCount count{divide_and_round_up(thread_count, group_size), 1, 1};
    if (count.x > max_per_dimension.x) {
        count.y = divide_and_round_up(count.x, kWrappedGroupStride);
        count.x = kWrappedGroupStride;
    }
    if (count.y > max_per_dimension.y) {
        count.z = divide_and_round_up(count.y, kWrappedGroupStride);
        count.y = kWrappedGroupStride;
    }
    return count;
}

bool dispatch_fits(GroupCount count, GroupCount max_per_dimension) {
    return count.x >= 1 && count.y >= 1 && count.z >= 1 && count.x <= max_per_dimension.x &&
           count.y <= max_per_dimension.y && count.z <= max_per_dimension.z;
}

uint64_t unwrapped_thread_index(GroupCount group_id, uint32_t group_index, uint32_t group_size) {
    const uint64_t stride = kWrappedGroupStride;
    const uint64_t group = static_cast<uint64_t>(group_id.x) +
                           (static_cast<uint64_t>(group_id.z) * stride + static_cast<uint64_t>(group_id.y)) * stride;
    return group * group_size + group_index;
}

int64_t clamp_splat_budget(int64_t budget) { return std::clamp(budget, kMinSplatBudget, kMaxSplatBudget); }

uint32_t pool_capacity(int64_t budget, double headroom) {
    const double factor = std::isnan(headroom) ? kMinPoolHeadroom : std::clamp(headroom, kMinPoolHeadroom, kMaxPoolHeadroom);
    const double splats = std::floor(static_cast<double>(clamp_splat_budget(budget)) * factor);
    return static_cast<uint32_t>(std::min(splats, static_cast<double>(kMaxPoolSplats)));
}

}  // namespace worldstream
