// The proto's messages as plain structs, for code that must not see protobuf types (the public
// headers and the Unreal module). The client converts at its boundary (src/proto_convert.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "worldstream/types.h"

namespace worldstream {

struct WorldInfo {
    std::string name;  // worlds/{world}
    std::string display_name;
    WorldState state = WorldState::Unspecified;
    int64_t create_time_unix_ms = 0;
    int64_t update_time_unix_ms = 0;
    int64_t splat_count = 0;
    int64_t frame_count = 0;
    double tile_size_m = 0;
    int32_t sh_degree = 0;
    Vec3 bounds_min, bounds_max;  // world frame (glTF axes), metres
    std::string depth_source;
    bool metric_scale = false;
    double median_depth_m = 0;
    std::string generator;
    std::string failure_message;
    Vec3 spawn_position;  // world frame, metres
    Quat spawn_rotation;  // a glTF camera's rotation in the world frame
    double spawn_vertical_fov_degrees = 0;
    // This instance of the world, minted when it was created: a world deleted and created again
    // under the same name has another. Empty for worlds made before instances had uids.
    std::string uid;
};

struct Progress {
    std::string stage;
    double fraction = 0;
    std::string message;
};

// The first Explore response: what the server granted.
struct ExploreHeaderInfo {
    WorldInfo world;
    EngineFrame engine_frame = EngineFrame::Unspecified;
    TileEncoding encoding = TileEncoding::Unspecified;
    int64_t splat_budget = 0;
    int64_t credit_bytes = 0;
    int32_t max_chunk_bytes = 0;
    // Tiles of the resume manifest that are current and will not be sent again.
    int32_t resumed_tiles = 0;
    // World.spawn_* in the session's engine frame, units and camera-local axes.
    Vec3 spawn_position;
    Quat spawn_rotation;
};

struct ViewStatusInfo {
    int64_t sequence = 0;
    bool complete = false;
    int32_t pending_tiles = 0;
    int64_t resident_splats = 0;
    int32_t pending_generation = 0;
    // The world version the status was taken at: when `complete`, everything the view needs is
    // held at its chosen level of detail and at this version.
    int64_t world_version = 0;
};

struct GenerationProgressInfo {
    std::string job;
    Progress progress;
};

// A recoverable problem: the server's StreamWarning or one this client found.
struct WarningInfo {
    std::string reason;  // UPPER_SNAKE, error_reasons.h
    std::string message;
    std::map<std::string, std::string> metadata;
};

}  // namespace worldstream
