// How the renderer sizes its splat pool and the compute dispatch that walks it, kept engine-free
// so that every budget the settings allow is tested here. A 1D dispatch of one thread per pool
// splat needs more than 65,535 groups of 64 past 4,194,240 splats, which no API accepts; the
// wrapped form below folds the groups into Y (and Z) the way Unreal does, and ProjectCS
// (Shaders/Private/WorldStreamSplats.usf) recovers the linear index as unwrapped_thread_index
// does.
#pragma once

#include <cstdint>

namespace worldstream {

// A dispatch's group counts per dimension.
struct GroupCount {
    int32_t x = 0;
    int32_t y = 0;
    int32_t z = 0;
};

inline bool operator==(const GroupCount& a, const GroupCount& b) { return a.x == b.x && a.y == b.y && a.z == b.z; }

// FComputeShaderUtils::WrappedGroupStride (RenderCore/Public/RenderGraphUtils.h), which must
// equal WRAPPED_GROUP_STRIDE in Shaders/Private/ComputeShaderUtils.ush; WorldStreamSplats.usf
// defines WORLDSTREAM_WRAPPED_GROUP_STRIDE to the same value.
inline constexpr int32_t kWrappedGroupStride = 128;

// GRHIMaxDispatchThreadGroupsPerDimension as the D3D12 RHI sets it
// (D3D12_CS_DISPATCH_MAX_THREAD_GROUPS_PER_DIMENSION, 65,535) and the Metal and OpenGL RHIs
// (MAX_uint16); the Vulkan RHI takes the device's maxComputeWorkGroupCount.
inline constexpr int32_t kMaxGroupsPerDimension = 65535;

// ProjectCS's [numthreads] (FWorldStreamProjectCS::ThreadGroupSize, THREADGROUP_SIZE).
inline constexpr int32_t kProjectGroupSize = 64;

// The most splats the GPU pool holds: 2^25 splats of 64 bytes is a 2 GiB buffer (its size in
// bytes stays a uint32), and each of the four sort key and value buffers stays at 2^25 typed
// elements, under the 2^27 that D3D12_REQ_BUFFER_RESOURCE_TEXEL_COUNT_2_TO_EXP lets a buffer
// view address.
inline constexpr uint32_t kMaxPoolSplats = 1u << 25;
// UWorldStreamSettings::PoolHeadroom's range (its ClampMin and ClampMax).
inline constexpr double kMinPoolHeadroom = 1.0;
inline constexpr double kMaxPoolHeadroom = 4.0;
// UWorldStreamSettings::SplatBudget's range: the largest budget whose pool at the largest
// headroom still fits kMaxPoolSplats.
inline constexpr int64_t kMinSplatBudget = 1000;
inline constexpr int64_t kMaxSplatBudget = static_cast<int64_t>(kMaxPoolSplats / 4);

// Mirrors FComputeShaderUtils::GetGroupCount(int32 ThreadCount, int32 GroupSize): one dimension,
// never wrapped (what the renderer dispatched before; past max_per_dimension groups it is invalid).
GroupCount group_count_linear(int32_t thread_count, int32_t group_size);

// Mirrors FComputeShaderUtils::GetGroupCountWrapped(int32 ThreadCount, int32 GroupSize)
// (RenderCore/Public/RenderGraphUtils.h, UE 5.3 and 5.4) with GRHIMaxDispatchThreadGroupsPerDimension
// as max_per_dimension: ceil(threads / group size) groups along X; above max.x, X becomes
// kWrappedGroupStride and Y takes ceil(groups / stride); above max.y, Y becomes the stride too and
// Z takes ceil(Y / stride). thread_count >= 0, group_size > 0.
GroupCount group_count_wrapped(int32_t thread_count, int32_t group_size,
                               GroupCount max_per_dimension = {kMaxGroupsPerDimension, kMaxGroupsPerDimension,
                                                               kMaxGroupsPerDimension});

// Whether every dimension is at least 1 and at most the maximum.
bool dispatch_fits(GroupCount count, GroupCount max_per_dimension = {kMaxGroupsPerDimension, kMaxGroupsPerDimension,
                                                                     kMaxGroupsPerDimension});

// The linear index of thread `group_index` in group `group_id` of a wrapped dispatch: Unreal's
// GetUnWrappedDispatchGroupId (GroupId.x + (GroupId.z * stride + GroupId.y) * stride) times the
// group size, plus the thread's index in its group. ProjectCS computes the same in 32 bits.
uint64_t unwrapped_thread_index(GroupCount group_id, uint32_t group_index, uint32_t group_size);

// The budget the settings allow: clamped to [kMinSplatBudget, kMaxSplatBudget].
int64_t clamp_splat_budget(int64_t budget);

// Splats the GPU pool holds for a budget and headroom: the clamped budget times the headroom
// (clamped to [kMinPoolHeadroom, kMaxPoolHeadroom]; NaN counts as the minimum), rounded down,
// never above kMaxPoolSplats.
uint32_t pool_capacity(int64_t budget, double headroom);

}  // namespace worldstream
