// A camera view as ViewUpdate carries it, and the throttle that decides which per-frame poses
// become ViewUpdates. Plain values; ViewThrottle is used by one thread (the game thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "worldstream/types.h"

namespace worldstream {

// Position in the engine's frame and units, rotation in the engine frame about the engine's
// camera-local axes (docs/engine-frames.md; Unreal: looks along local +X, up +Z).
struct CameraPose {
    Vec3 position;
    Quat rotation;
    double vertical_fov_degrees = 60;
    int32_t viewport_width = 0;
    int32_t viewport_height = 0;
    // Engine units per second, for the server's prefetch; zero when unknown.
    Vec3 velocity;

    // Why the server would refuse this view (INVALID_VIEW), or nullopt when it is fine.
    std::optional<std::string> problem() const;
    // True when every field the server sees is the same (velocity aside).
    bool same_view(const CameraPose& other) const;
};

// Distance between the positions, engine units.
double pose_distance(const CameraPose& a, const CameraPose& b);
// The angle of the rotation taking one orientation to the other, degrees.
double pose_angle_degrees(const CameraPose& a, const CameraPose& b);

// Unreal's camera field of view is horizontal; the wire's is vertical.
double vertical_fov_from_horizontal(double horizontal_degrees, int32_t width, int32_t height);

// A view to send, with its ViewUpdate.sequence.
struct ViewToSend {
    int64_t sequence = 0;
    CameraPose pose;
};

struct ViewThrottleSettings {
    double min_interval_seconds = 0.1;  // at most one update per this long
    double min_move = 5.0;              // engine units (Unreal: 5 cm) worth an update
    double min_rotation_degrees = 1.0;  // a turn worth an update
    // A smaller change is sent once this long has passed since the last update, so the resting
    // pose always reaches the server.
    double settle_seconds = 0.5;
};

// Sends at most every min_interval, when the camera moved or turned enough (a field-of-view or
// viewport change always counts), and a smaller change after settle_seconds. Sequences start at
// 0 and increase by one per update. Call offer() every frame.
class ViewThrottle {
public:
    explicit ViewThrottle(ViewThrottleSettings settings = {}) : settings_(settings) {}

    // The update to send now, or nullopt. A pose with a problem() is never sent.
    std::optional<ViewToSend> offer(const CameraPose& pose, double now_seconds);
    // The sequence of the latest update handed out, or -1 before the first.
    int64_t last_sequence() const { return next_sequence_ - 1; }
    // A new stream: the next offer is sent at once.
    void reset() { sent_any_ = false; }

private:
    ViewThrottleSettings settings_;
    bool sent_any_ = false;
    CameraPose last_sent_;
    double last_sent_at_ = 0;
    int64_t next_sequence_ = 0;
};

}  // namespace worldstream
