// The tiles a client holds, keyed by cell: at most one level per cell (x, y, z). A tile is
// committed when its last chunk has arrived and decoded, and then replaces whatever the cell held
// (another level, an older version), so a cell never goes empty while it is refined. Splats are
// counted against the session's budget; the server keeps the client inside it with TileRemovals,
// so going over is reported, never fixed here by dropping tiles (that would open holes the
// server does not know about). Not thread-safe: the game thread owns it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "worldstream/expected.h"
#include "worldstream/manifest.h"
#include "worldstream/types.h"

namespace worldstream {

struct ResidentTile {
    TileKey key;
    int64_t version = 0;
    int64_t splat_count = 0;
};

// What a commit did.
struct ResidencyChange {
    ResidentTile added;
    // What held the same cell before (another level or version), if anything.
    std::optional<ResidentTile> replaced;
    // Splats above the budget after this commit; 0 when within it.
    int64_t over_budget_by = 0;
};

class TileResidency {
public:
    // A budget below 1 is taken as 1: the budget must be positive.
    explicit TileResidency(int64_t splat_budget);

    int64_t splat_budget() const { return splat_budget_; }
    // ExploreHeader.splat_budget once the server has answered; values below 1 are ignored.
    void set_splat_budget(int64_t budget);

    // World.uid of the instance the held tiles came from (the header's world.uid of their
    // stream); empty until a header names one, or when the world has none. The manifest carries
    // it, so that the server never takes these tiles for another instance's.
    const std::string& world_uid() const { return world_uid_; }
    void set_world_uid(std::string uid) { world_uid_ = std::move(uid); }

    int64_t resident_splats() const { return resident_splats_; }
    std::size_t size() const { return tiles_.size(); }
    int64_t over_budget_by() const;

    // Holds the completed tile, replacing what its cell held. A negative count reads as 0.
    ResidencyChange commit(const TileKey& key, int64_t version, int64_t splat_count);
    // Drops the tile of the key's cell (a TileRemoval names the cell's held level; the cell is
    // what counts). The dropped tile, or nullopt when the cell held nothing.
    std::optional<ResidentTile> remove(const TileKey& key);
    std::optional<ResidentTile> get(const CellKey& cell) const;
    // True when exactly this level and version is held.
    bool holds(const TileKey& key, int64_t version) const;
    // What ExploreStart.held_tiles carries on reconnect, sorted by key.
    std::vector<HeldTile> held_tiles() const;
    // The same, as a manifest of `world` and world_uid() (with its text form for a cache across
    // runs).
    Expected<HeldTileManifest, ManifestError> manifest(const std::string& world) const;
    // Drops every tile; nothing held belongs to any instance any more (the uid empties too).
    void clear();

private:
    std::unordered_map<CellKey, ResidentTile, CellKeyHash> tiles_;
    int64_t splat_budget_ = 1;
    int64_t resident_splats_ = 0;
    std::string world_uid_;
};

}  // namespace worldstream
