// Plain values shared by the whole core: grid keys, the proto's enum numbers, vectors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace worldstream {

// The proto's EngineFrame numbers (proto/worldstream/v1/worldstream.proto); also the engine
// frame byte of a tile payload. tests/test_unreal_core.py checks them against the proto.
enum class EngineFrame : int {
    Unspecified = 0,
    Gltf = 1,   // right-handed, +Y up, metres
    Unity = 2,  // left-handed, +Y up, metres
    Unreal = 3, // left-handed, +Z up, +X forward, centimetres
};

// The proto's TileEncoding numbers.
enum class TileEncoding : int {
    Unspecified = 0,
    RawF32 = 1,       // "WSRF", docs/tile-raw-format.md
    QuantizedV1 = 2,  // "WSQT" v1, docs/tile-format.md
};

// The proto's TileRemovalReason numbers.
enum class TileRemovalReason : int {
    Unspecified = 0,
    Budget = 1,
    Deleted = 2,
};

// The proto's WorldState numbers.
enum class WorldState : int {
    Unspecified = 0,
    Creating = 1,
    Ready = 2,
    Failed = 3,
};

struct Vec3 {
    double x = 0, y = 0, z = 0;
};

// Component order x, y, z, w: the wire's and FQuat's storage order.
struct Quat {
    double x = 0, y = 0, z = 0, w = 1;
};

// A cell of the world grid: the tile spans [x, x+1) * tile size on each axis (world frame).
struct CellKey {
    int32_t x = 0, y = 0, z = 0;

    friend bool operator==(const CellKey& a, const CellKey& b) {
        return a.x == b.x && a.y == b.y && a.z == b.z;
    }
    friend bool operator!=(const CellKey& a, const CellKey& b) { return !(a == b); }
    std::string to_string() const;
};

// A tile: a cell at one level of detail (0 is the finest). A client holds one level per cell.
struct TileKey {
    int32_t x = 0, y = 0, z = 0, lod = 0;

    CellKey cell() const { return {x, y, z}; }
    friend bool operator==(const TileKey& a, const TileKey& b) {
        return a.x == b.x && a.y == b.y && a.z == b.z && a.lod == b.lod;
    }
    friend bool operator!=(const TileKey& a, const TileKey& b) { return !(a == b); }
    // Ordered by x, y, z, then lod: the manifest's order.
    friend bool operator<(const TileKey& a, const TileKey& b) {
        if (a.x != b.x) return a.x < b.x;
        if (a.y != b.y) return a.y < b.y;
        if (a.z != b.z) return a.z < b.z;
        return a.lod < b.lod;
    }
    std::string to_string() const;
};

// A tile at a version: what ExploreStart.held_tiles carries.
struct HeldTile {
    TileKey key;
    int64_t version = 0;
    // Splats held of the tile (the count of the tile decoded), sent as HeldTile.splat_count: the
    // server counts a resumed client's holdings against the splat budget with it, and a tile of an
    // older version may hold another count than the current one. 0: unknown.
    int64_t splat_count = 0;

    friend bool operator==(const HeldTile& a, const HeldTile& b) {
        return a.key == b.key && a.version == b.version && a.splat_count == b.splat_count;
    }
    friend bool operator!=(const HeldTile& a, const HeldTile& b) { return !(a == b); }
};

struct CellKeyHash {
    std::size_t operator()(const CellKey& c) const {
        // The spatial-hash primes of Teschner et al.; cells are small integers.
        return static_cast<std::size_t>((static_cast<uint32_t>(c.x) * 73856093u) ^
                                        (static_cast<uint32_t>(c.y) * 19349663u) ^
                                        (static_cast<uint32_t>(c.z) * 83492791u));
    }
};

struct TileKeyHash {
    std::size_t operator()(const TileKey& k) const {
        return CellKeyHash{}(k.cell()) * 31u + static_cast<uint32_t>(k.lod);
    }
};

}  // namespace worldstream
