#include "worldstream/fade.h"

#include <algorithm>
#include <cmath>

namespace worldstream {

FadeSchedule::FadeSchedule(double duration_seconds)
    : duration_(std::isfinite(duration_seconds) && duration_seconds > 0 ? duration_seconds : 0) {}

std::vector<int> FadeSchedule::fading_tiles() const {
    std::vector<int> tiles;
    tiles.reserve(fading_.size());
    for (const auto& [tile, fade] : fading_) tiles.push_back(tile);
    return tiles;
}

void FadeSchedule::begin(int incoming, std::optional<int> outgoing, double now, std::vector<int>& remove_now) {
    if (outgoing) {
        auto previous = fading_.find(*outgoing);
        if (previous != fading_.end()) {
            if (previous->second.outgoing) remove_now.push_back(*previous->second.outgoing);
            fading_.erase(previous);
        }
    }
    fading_[incoming] = Fade{now, outgoing};
}

void FadeSchedule::cancel(int tile, std::vector<int>& remove_now) {
    auto it = fading_.find(tile);
    if (it == fading_.end()) return;
    if (it->second.outgoing) remove_now.push_back(*it->second.outgoing);
    fading_.erase(it);
}

float FadeSchedule::alpha(int tile, double now) const {
    auto it = fading_.find(tile);
    if (it == fading_.end() || duration_ <= 0) return 1.0f;
    const double t = std::clamp((now - it->second.start) / duration_, 0.0, 1.0);
    return static_cast<float>(t * t * (3.0 - 2.0 * t));
}

void FadeSchedule::advance(double now, std::vector<int>& remove_now) {
    for (auto it = fading_.begin(); it != fading_.end();) {
        if (now - it->second.start >= duration_) {
            if (it->second.outgoing) remove_now.push_back(*it->second.outgoing);
            it = fading_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace worldstream
