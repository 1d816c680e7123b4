// The tiles a client holds in one world, for resume: sent as ExploreStart.held_tiles so that
// nothing held is sent again. Its text form keeps it beside a tile cache across runs, the same
// as the Unity client's:
//
//   worldstream-held-tiles 1
//   world worlds/lobby
//   tile 0 0 -1 2 7        (x y z lod version)
//
// At most one entry per cell, as the stream's rule allows. A plain value: no shared state.
#pragma once

#include <string>
#include <vector>

#include "worldstream/expected.h"
#include "worldstream/types.h"

namespace worldstream {

// A manifest that cannot be built or read; `line` is 1-based (0 when no text is involved).
struct ManifestError {
    int line = 0;
    std::string message;
};

class HeldTileManifest {
public:
    static constexpr const char* kFirstLine = "worldstream-held-tiles 1";

    // Sorted by key; refuses an empty world name, whitespace in it, or two levels of one cell.
    static Expected<HeldTileManifest, ManifestError> make(std::string world, std::vector<HeldTile> tiles);
    static Expected<HeldTileManifest, ManifestError> parse(const std::string& text);

    const std::string& world() const { return world_; }
    const std::vector<HeldTile>& tiles() const { return tiles_; }
    std::string to_text() const;

private:
    HeldTileManifest(std::string world, std::vector<HeldTile> tiles)
        : world_(std::move(world)), tiles_(std::move(tiles)) {}

    std::string world_;
    std::vector<HeldTile> tiles_;
};

}  // namespace worldstream
