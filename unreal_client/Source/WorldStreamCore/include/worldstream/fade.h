// Fade-in of new tiles. A tile that fills an empty cell fades in from nothing; a tile that
// replaces another (a finer level, a newer version) fades in over the old one, which stays drawn
// underneath until the fade ends, so a refinement never flashes a hole. Handles are the
// renderer's tile ids. Not thread-safe: the game thread owns it.
#pragma once

#include <optional>
#include <unordered_map>
#include <vector>

namespace worldstream {

class FadeSchedule {
public:
    // A negative or NaN duration is taken as 0 (no fade).
    explicit FadeSchedule(double duration_seconds);

    std::size_t fading() const { return fading_.size(); }
    // The tiles now fading in.
    std::vector<int> fading_tiles() const;

    // Starts `incoming`'s fade over `outgoing` (if any). When `outgoing` is itself still fading
    // in, the older tile underneath it is replaced twice over: it is appended to remove_now.
    void begin(int incoming, std::optional<int> outgoing, double now, std::vector<int>& remove_now);
    // The tile was removed while fading: what it was fading in over goes into remove_now.
    void cancel(int tile, std::vector<int>& remove_now);
    // Opacity multiplier in [0, 1]: smoothstep over the duration; 1 when not fading.
    float alpha(int tile, double now) const;
    // Ends the complete fades; the tiles they covered go into remove_now.
    void advance(double now, std::vector<int>& remove_now);

private:
    struct Fade {
        double start = 0;
        std::optional<int> outgoing;
    };

    double duration_;
    std::unordered_map<int, Fade> fading_;
};

}  // namespace worldstream
