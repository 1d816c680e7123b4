#include "worldstream/backoff.h"

#include <algorithm>
#include <cmath>

namespace worldstream {

ReconnectBackoff::ReconnectBackoff(double initial_seconds, double max_seconds, uint64_t seed)
    : initial_(std::isfinite(initial_seconds) && initial_seconds > 0 ? initial_seconds : 0.5),
      max_(std::isfinite(max_seconds) ? std::max(max_seconds, initial_) : initial_),
      random_(seed) {}

double ReconnectBackoff::ceiling() const {
    return std::min(max_, initial_ * std::pow(2.0, std::min(attempt_, 30)));
}

double ReconnectBackoff::next_delay_seconds() {
    const double delay = std::uniform_real_distribution<double>(0.0, ceiling())(random_);
    ++attempt_;
    return delay;
}

}  // namespace worldstream
