#include "worldstream/tile_streamer.h"

#include <limits>

namespace worldstream {

TileStreamer::TileStreamer(TileResidency& residency, SplatSink& sink, double fade_seconds)
    : residency_(residency), sink_(sink), fades_(fade_seconds) {}

std::size_t TileStreamer::begin_world(const std::string& world_uid) {
    std::size_t dropped = 0;
    if (residency_.size() > 0 && world_uid != residency_.world_uid()) {
        dropped = residency_.size();
        clear();
    }
    residency_.set_world_uid(world_uid);
    return dropped;
}

ResidencyChange TileStreamer::apply(const TileKey& key, int64_t version,
                                    std::shared_ptr<const DecodedTile> tile, double now) {
    const int64_t splats = tile ? static_cast<int64_t>(tile->splat_count) : 0;
    ResidencyChange change = residency_.commit(key, version, splats);
    const int id = next_id_++;
    std::optional<int> previous;
    if (auto it = shown_.find(key.cell()); it != shown_.end()) previous = it->second;
    remove_now_.clear();
    fades_.begin(id, previous, now, remove_now_);
    sink_.add_tile(id, std::move(tile), fades_.alpha(id, now));
    live_.insert(id);
    shown_[key.cell()] = id;
    remove_all(remove_now_);
    return change;
}

std::optional<ResidentTile> TileStreamer::remove(const TileKey& key) {
    auto removed = residency_.remove(key);
    auto it = shown_.find(key.cell());
    if (it != shown_.end()) {
        const int id = it->second;
        shown_.erase(it);
        remove_now_.clear();
        fades_.cancel(id, remove_now_);
        remove_now_.push_back(id);
        remove_all(remove_now_);
    }
    return removed;
}

void TileStreamer::update(double now) {
    const std::vector<int> fading = fades_.fading_tiles();
    remove_now_.clear();
    fades_.advance(now, remove_now_);
    remove_all(remove_now_);
    for (int id : fading) {
        if (live_.count(id) != 0) sink_.set_tile_alpha(id, fades_.alpha(id, now));
    }
}

void TileStreamer::clear() {
    for (int id : live_) sink_.remove_tile(id);
    live_.clear();
    shown_.clear();
    residency_.clear();
    std::vector<int> covered;
    fades_.advance(std::numeric_limits<double>::infinity(), covered);
}

void TileStreamer::remove_all(const std::vector<int>& ids) {
    for (int id : ids) {
        if (live_.erase(id) != 0) sink_.remove_tile(id);
    }
}

}  // namespace worldstream
