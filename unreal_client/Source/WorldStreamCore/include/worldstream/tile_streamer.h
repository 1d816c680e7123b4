// Applies streamed tiles on the game thread: commits them to the residency (one level per cell,
// replace on complete), hands them to the renderer, fades new tiles in over the ones they
// replace and removes those once covered, and applies TileRemovals. Not thread-safe: the game
// thread owns it and calls the sink from there.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "worldstream/fade.h"
#include "worldstream/payload.h"
#include "worldstream/residency.h"

namespace worldstream {

// Where decoded tiles go to be drawn. An implementation sorts the splats of all its tiles
// together (tiles overlap at their borders and while one fades in over another).
class SplatSink {
public:
    virtual ~SplatSink() = default;
    // Uploads a tile under a new id, drawn with opacity multiplier `alpha`.
    virtual void add_tile(int id, std::shared_ptr<const DecodedTile> tile, float alpha) = 0;
    // Scales the tile's opacity by alpha in [0, 1] (fade-in).
    virtual void set_tile_alpha(int id, float alpha) = 0;
    // Frees the tile.
    virtual void remove_tile(int id) = 0;
};

class TileStreamer {
public:
    // The streamer keeps references: `residency` and `sink` must outlive it.
    TileStreamer(TileResidency& residency, SplatSink& sink, double fade_seconds);

    const TileResidency& residency() const { return residency_; }
    // Tiles the sink holds: the resident ones plus those still under a fade.
    std::size_t sink_tiles() const { return live_.size(); }

    // A stream's header arrived: `world_uid` is its world.uid, the world instance it streams.
    // Tiles held of another instance (the world was deleted and created again under its name,
    // or they came with no uid) are none of this one's: they all go, from the sink too, before
    // anything of the new stream is applied (the server removes them as well and resumes none
    // of them). Returns how many tiles went.
    std::size_t begin_world(const std::string& world_uid);
    // A tile whose last chunk arrived and decoded. The new tile is in the sink before anything
    // of its cell leaves it: no hole.
    ResidencyChange apply(const TileKey& key, int64_t version, std::shared_ptr<const DecodedTile> tile, double now);
    // A TileRemoval: the cell's tile goes, with anything it was fading in over.
    std::optional<ResidentTile> remove(const TileKey& key);
    // Once a frame: advances the fades and removes the tiles they have covered.
    void update(double now);
    // Drops everything (the session ended without resume), the world uid with it.
    void clear();

private:
    void remove_all(const std::vector<int>& ids);

    TileResidency& residency_;
    SplatSink& sink_;
    FadeSchedule fades_;
    std::unordered_map<CellKey, int, CellKeyHash> shown_;
    std::unordered_set<int> live_;
    std::vector<int> remove_now_;
    int next_id_ = 1;
};

}  // namespace worldstream
