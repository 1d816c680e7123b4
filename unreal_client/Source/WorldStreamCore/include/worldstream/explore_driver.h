// The game-thread half of an Explore session: once a frame it takes events from the session's
// queue within an upload budget, applies tiles to the residency and the renderer (through a
// TileStreamer), acknowledges them once applied (so the server's credit window follows what
// the client actually consumes), keeps the session's resume manifest current and reports the
// rest through callbacks. The Unreal subsystem and the integration test both run this class.
// Not thread-safe: the game thread owns it; callbacks run inside tick().
#pragma once

#include <functional>
#include <optional>

#include "worldstream/client.h"
#include "worldstream/tile_streamer.h"

namespace worldstream {

struct DriverCallbacks {
    std::function<void(const ExploreHeaderInfo&)> connected;
    std::function<void(const TileDecodedEvent&, const ResidencyChange&)> tile_applied;
    std::function<void(const TileRemovedEvent&)> tile_removed;
    std::function<void(const ViewStatusInfo&)> view_status;
    std::function<void(const WarningInfo&)> warning;
    std::function<void(const GenerationProgressInfo&)> generation;
    std::function<void(const Error&, bool will_reconnect)> disconnected;
};

class ExploreDriver {
public:
    // `session` and `sink` must outlive the driver.
    ExploreDriver(ExploreSession& session, SplatSink& sink, int64_t splat_budget, double fade_seconds,
                  DriverCallbacks callbacks = {});

    // Applies queued events in order while their splats fit `upload_budget_splats` (one tile
    // always goes, so a tile larger than the budget is not stuck), then advances the fades.
    // Returns the splats applied.
    int64_t tick(double now_seconds, int64_t upload_budget_splats);

    const TileResidency& residency() const { return residency_; }
    // The latest connection's header, once one has arrived.
    const std::optional<ExploreHeaderInfo>& header() const { return header_; }
    std::size_t sink_tiles() const { return streamer_.sink_tiles(); }
    // The world version (ViewStatus.world_version) the latest complete view was taken at: all
    // that view needs is held at its chosen level and at this version. 0 until a view completes;
    // it stays while later views are on their way.
    int64_t complete_world_version() const { return complete_world_version_; }
    // Drops every tile (the sink's too) and forgets the manifest.
    void clear();

private:
    void apply(StreamEvent& event, double now);

    ExploreSession& session_;
    TileResidency residency_;
    TileStreamer streamer_;
    DriverCallbacks callbacks_;
    std::optional<ExploreHeaderInfo> header_;
    bool held_dirty_ = false;
    uint64_t applied_through_ = 0;
    int64_t complete_world_version_ = 0;
};

}  // namespace worldstream
