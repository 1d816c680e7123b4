// Delays between reconnect attempts: exponential with full jitter (a random delay up to the
// current ceiling), so that many clients dropped at once do not return at once. Used by one
// thread (the Explore worker).
#pragma once

#include <cstdint>
#include <random>

namespace worldstream {

class ReconnectBackoff {
public:
    // initial and max are clamped so that 0 < initial <= max.
    ReconnectBackoff(double initial_seconds = 0.5, double max_seconds = 15.0, uint64_t seed = std::random_device{}());

    int attempt() const { return attempt_; }
    // The ceiling of the next delay: initial * 2^attempt, at most max.
    double ceiling() const;
    // The delay before the next attempt, seconds, in [0, ceiling()).
    double next_delay_seconds();
    // A stream that got its header: start again from the shortest delay.
    void succeeded() { attempt_ = 0; }

private:
    double initial_;
    double max_;
    std::mt19937_64 random_;
    int attempt_ = 0;
};

}  // namespace worldstream
