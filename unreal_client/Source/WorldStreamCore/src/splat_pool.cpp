#include "worldstream/splat_pool.h"

#include <algorithm>

namespace worldstream {

SplatPool::SplatPool(uint32_t capacity) : capacity_(capacity) {
    if (capacity_ > 0) free_.emplace(0, capacity_);
}

uint32_t SplatPool::extent() const {
    if (taken_.empty()) return 0;
    const auto& last = *taken_.rbegin();
    return last.first + last.second;
}

uint32_t SplatPool::largest_free() const {
    uint32_t largest = 0;
    for (const auto& [offset, count] : free_) largest = std::max(largest, count);
    return largest;
}

std::optional<uint32_t> SplatPool::allocate(uint32_t count) {
    if (count == 0) return 0u;
    for (auto it = free_.begin(); it != free_.end(); ++it) {
        if (it->second < count) continue;
        const uint32_t offset = it->first;
        const uint32_t rest = it->second - count;
        free_.erase(it);
        if (rest > 0) free_.emplace(offset + count, rest);
        taken_.emplace(offset, count);
        used_ += count;
        return offset;
    }
    return std::nullopt;
}

bool SplatPool::release(uint32_t offset) {
    auto it = taken_.find(offset);
    if (it == taken_.end()) return false;
    uint32_t start = offset;
    uint32_t count = it->second;
    used_ -= count;
    taken_.erase(it);
    // Merge with the free neighbours so that large tiles keep finding room.
    auto next = free_.lower_bound(start);
    if (next != free_.end() && next->first == start + count) {
        count += next->second;
        next = free_.erase(next);
    }
    if (next != free_.begin()) {
        auto previous = std::prev(next);
        if (previous->first + previous->second == start) {
            start = previous->first;
            count += previous->second;
            free_.erase(previous);
        }
    }
    free_.emplace(start, count);
    return true;
}

}  // namespace worldstream
