#include "worldstream/camera.h"

#include <algorithm>
#include <cmath>

namespace worldstream {

namespace {

constexpr double kPi = 3.14159265358979323846;

double norm(const Quat& q) { return std::sqrt(q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w); }

}  // namespace

std::optional<std::string> CameraPose::problem() const {
    const double all[] = {position.x, position.y, position.z, rotation.x, rotation.y, rotation.z,
                          rotation.w, vertical_fov_degrees, velocity.x, velocity.y, velocity.z};
    for (double v : all) {
        if (!std::isfinite(v)) return std::string("the pose has a non-finite value");
    }
    // The server's tolerance (docs/engine-frames.md § Quaternions).
    const double n = norm(rotation);
    if (std::fabs(n - 1.0) > 0.01) {
        return "the rotation is not a unit quaternion (norm " + std::to_string(n) + ")";
    }
    if (vertical_fov_degrees <= 0 || vertical_fov_degrees >= 180) {
        return "the vertical field of view " + std::to_string(vertical_fov_degrees) +
               " is outside (0, 180) degrees";
    }
    if (viewport_width <= 0 || viewport_height <= 0) return std::string("the viewport is empty");
    return std::nullopt;
}

bool CameraPose::same_view(const CameraPose& o) const {
    return position.x == o.position.x && position.y == o.position.y && position.z == o.position.z &&
           rotation.x == o.rotation.x && rotation.y == o.rotation.y && rotation.z == o.rotation.z &&
           rotation.w == o.rotation.w && vertical_fov_degrees == o.vertical_fov_degrees &&
           viewport_width == o.viewport_width && viewport_height == o.viewport_height;
}

double pose_distance(const CameraPose& a, const CameraPose& b) {
    const double dx = a.position.x - b.position.x, dy = a.position.y - b.position.y,
                 dz = a.position.z - b.position.z;
    return std::sqrt(dx * dx + dy * dy + dz * dz);
}

double pose_angle_degrees(const CameraPose& a, const CameraPose& b) {
    const Quat& p = a.rotation;
    const Quat& q = b.rotation;
    const double dot = p.x * q.x + p.y * q.y + p.z * q.z + p.w * q.w;
    // q and -q are one rotation, hence the absolute value.
    const double c = std::min(1.0, std::fabs(dot) / (norm(p) * norm(q)));
    return 2.0 * std::acos(c) * 180.0 / kPi;
}

double vertical_fov_from_horizontal(double horizontal_degrees, int32_t width, int32_t height) {
    const double half = horizontal_degrees * kPi / 360.0;
    return 2.0 * std::atan(std::tan(half) * height / width) * 180.0 / kPi;
}

std::optional<ViewToSend> ViewThrottle::offer(const CameraPose& pose, double now_seconds) {
    if (pose.problem()) return std::nullopt;
    if (sent_any_) {
        const double elapsed = now_seconds - last_sent_at_;
        if (elapsed < settings_.min_interval_seconds || pose.same_view(last_sent_)) return std::nullopt;
        const bool significant = pose_distance(pose, last_sent_) >= settings_.min_move ||
                                 pose_angle_degrees(pose, last_sent_) >= settings_.min_rotation_degrees ||
                                 pose.vertical_fov_degrees != last_sent_.vertical_fov_degrees ||
                                 pose.viewport_width != last_sent_.viewport_width ||
                                 pose.viewport_height != last_sent_.viewport_height;
        if (!significant && elapsed < settings_.settle_seconds) return std::nullopt;
    }
    sent_any_ = true;
    last_sent_ = pose;
    last_sent_at_ = now_seconds;
    return ViewToSend{next_sequence_++, pose};
}

}  // namespace worldstream
