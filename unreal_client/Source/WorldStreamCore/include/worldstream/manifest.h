// The tiles a client holds in one world instance, for resume: sent as ExploreStart.held_tiles
// with ExploreStart.world_uid, so that nothing held is sent again and nothing held of another
// instance (a world deleted and created again under its name) is taken for this one's. Its text
// form keeps it beside a tile cache across runs, the same as the Unity client's:
//
//   worldstream-held-tiles 3
//   world worlds/lobby
//   uid 5f0c9e2a...        (World.uid; no such line when the world has none)
//   tile 0 0 -1 2 7 4096   (x y z lod version splats; splats 0 = unknown)
//
// Version 1 and 2 text (tiles without splat counts) still reads, with every count 0: the server
// then assumes the current version's count of each tile. Version 1 (no uid line) reads with an
// empty uid: the server then resumes none of its tiles in a world that has a uid, and removes
// them. At most one entry per cell, as the stream's rule allows. A plain value: no shared state.
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
    static constexpr const char* kFirstLine = "worldstream-held-tiles 3";
    // The first line of manifests written before held tiles had splat counts.
    static constexpr const char* kFirstLineVersion2 = "worldstream-held-tiles 2";
    // The first line of manifests written before worlds had uids.
    static constexpr const char* kFirstLineVersion1 = "worldstream-held-tiles 1";

    // Sorted by key; refuses an empty world name, whitespace in it or in the uid, a negative
    // splat count, or two levels of one cell. `world_uid`: World.uid of the instance the tiles came from (the header's
    // world.uid of their stream); empty when unknown or when the world has none.
    static Expected<HeldTileManifest, ManifestError> make(std::string world, std::string world_uid,
                                                          std::vector<HeldTile> tiles);
    // A manifest of a world without a uid.
    static Expected<HeldTileManifest, ManifestError> make(std::string world, std::vector<HeldTile> tiles);
    static Expected<HeldTileManifest, ManifestError> parse(const std::string& text);

    const std::string& world() const { return world_; }
    const std::string& world_uid() const { return world_uid_; }
    const std::vector<HeldTile>& tiles() const { return tiles_; }
    std::string to_text() const;

private:
    HeldTileManifest(std::string world, std::string world_uid, std::vector<HeldTile> tiles)
        : world_(std::move(world)), world_uid_(std::move(world_uid)), tiles_(std::move(tiles)) {}

    std::string world_;
    std::string world_uid_;
    std::vector<HeldTile> tiles_;
};

}  // namespace worldstream
