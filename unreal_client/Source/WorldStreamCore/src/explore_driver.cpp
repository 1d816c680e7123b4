#include "worldstream/explore_driver.h"

#include <type_traits>

#include "worldstream/error_reasons.h"

namespace worldstream {

ExploreDriver::ExploreDriver(ExploreSession& session, SplatSink& sink, int64_t splat_budget,
                             double fade_seconds, DriverCallbacks callbacks)
    : session_(session),
      residency_(splat_budget > 0 ? splat_budget : 2000000),
      streamer_(residency_, sink, fade_seconds),
      callbacks_(std::move(callbacks)) {}

int64_t ExploreDriver::tick(double now_seconds, int64_t upload_budget_splats) {
    const int64_t spent = session_.events().drain(
        upload_budget_splats, [&](StreamEvent& event) { apply(event, now_seconds); });
    streamer_.update(now_seconds);
    if (held_dirty_) {
        // The worker reads this when it reconnects.
        session_.set_held_tiles(residency_.held_tiles(), residency_.world_uid(), applied_through_);
        held_dirty_ = false;
    }
    return spent;
}

void ExploreDriver::clear() {
    streamer_.clear();
    session_.set_held_tiles({}, std::string(), applied_through_);
    held_dirty_ = false;
}

void ExploreDriver::apply(StreamEvent& event, double now) {
    if (event.delivery > applied_through_) applied_through_ = event.delivery;
    std::visit(
        [&](auto& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, ConnectedEvent>) {
                header_ = e.header;
                // Tiles held of another instance of the world (deleted and created again under
                // its name) go before anything of this stream is applied. The session replays
                // the header onto the manifest by itself, so only a drop makes it stale.
                if (streamer_.begin_world(e.header.world.uid) > 0) held_dirty_ = true;
                residency_.set_splat_budget(e.header.splat_budget);
                if (callbacks_.connected) callbacks_.connected(e.header);
            } else if constexpr (std::is_same_v<T, TileDecodedEvent>) {
                const ResidencyChange change = streamer_.apply(e.key, e.version, e.tile, now);
                session_.acknowledge(e.payload_bytes, event.generation);
                held_dirty_ = true;
                if (callbacks_.tile_applied) callbacks_.tile_applied(e, change);
                if (change.over_budget_by > 0 && callbacks_.warning) {
                    callbacks_.warning(WarningInfo{reasons::kOverSplatBudget,
                                                   "holding " + std::to_string(change.over_budget_by) +
                                                       " splats above the budget",
                                                   {}});
                }
            } else if constexpr (std::is_same_v<T, TileRemovedEvent>) {
                streamer_.remove(e.key);
                held_dirty_ = true;
                if (callbacks_.tile_removed) callbacks_.tile_removed(e);
            } else if constexpr (std::is_same_v<T, ViewStatusEvent>) {
                if (e.status.complete) complete_world_version_ = e.status.world_version;
                if (callbacks_.view_status) callbacks_.view_status(e.status);
            } else if constexpr (std::is_same_v<T, WarningEvent>) {
                if (callbacks_.warning) callbacks_.warning(e.warning);
            } else if constexpr (std::is_same_v<T, GenerationEvent>) {
                if (callbacks_.generation) callbacks_.generation(e.progress);
            } else if constexpr (std::is_same_v<T, DisconnectedEvent>) {
                if (callbacks_.disconnected) callbacks_.disconnected(e.error, e.will_reconnect);
            }
        },
        event.body);
}

}  // namespace worldstream
