// Where the renderer keeps every resident tile's splats: one GPU buffer of `capacity` splats,
// handed out as contiguous ranges (first fit, freed ranges merged with their neighbours), so that
// one pass can sort all tiles' splats together. Engine-free so that it is tested here; the
// Unreal renderer owns one on its render thread. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

namespace worldstream {

class SplatPool {
public:
    explicit SplatPool(uint32_t capacity);

    uint32_t capacity() const { return capacity_; }
    uint32_t used() const { return used_; }
    // One past the highest splat in use: the range a pass over the pool must cover.
    uint32_t extent() const;
    // The largest range allocate() could return now.
    uint32_t largest_free() const;

    // The first free range of `count` splats (count 0 takes none and returns 0), or nullopt.
    std::optional<uint32_t> allocate(uint32_t count);
    // Returns a range that allocate() gave; false (and nothing changes) for an unknown offset.
    bool release(uint32_t offset);

private:
    uint32_t capacity_;
    uint32_t used_ = 0;
    std::map<uint32_t, uint32_t> free_;   // offset -> count, no two adjacent
    std::map<uint32_t, uint32_t> taken_;  // offset -> count
};

}  // namespace worldstream
