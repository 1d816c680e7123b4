// Puts a tile's payload back together from its TileChunk messages. The Explore stream sends
// chunks 0..count-1 of one tile in order before any chunk of another tile; anything else is a
// ChunkOrderError. One instance per stream, used by one thread (the Explore worker).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "worldstream/expected.h"
#include "worldstream/types.h"

namespace worldstream {

// The fields of one TileChunk apart from its data.
struct TileChunkInfo {
    TileKey key;
    int64_t version = 0;
    TileEncoding encoding = TileEncoding::Unspecified;
    int32_t chunk_index = 0;
    int32_t chunk_count = 0;
    int64_t splat_count = 0;    // splats in the whole tile
    int64_t payload_bytes = 0;  // bytes of the whole payload
    double geometric_error = 0; // engine units; 0 at level 0
};

// A whole payload: the last chunk's fields (key, version, encoding, sizes are the tile's).
struct AssembledPayload {
    TileChunkInfo info;
    std::vector<uint8_t> payload;
};

enum class ChunkOrderProblem {
    NoTileInProgress,  // a chunk other than 0 with no tile in progress
    Interleaved,       // another tile's chunk (or a new chunk 0) before the tile in progress ended
    OutOfOrder,        // not the next index
    InconsistentTile,  // chunk_count, payload_bytes, version or encoding changed within a tile
    InvalidCounts,     // chunk_count < 1, index outside 0..count-1, or negative payload_bytes
    PayloadTooLarge,   // payload_bytes above the assembler's limit
    SizeMismatch,      // the chunks hold more or fewer bytes than payload_bytes
};

const char* chunk_order_problem_name(ChunkOrderProblem problem);

// The tile in progress is dropped; dropped_bytes (its received bytes and the offending chunk's)
// still go back to the server's credit window in a TileAck.
struct ChunkOrderError {
    ChunkOrderProblem problem = ChunkOrderProblem::InvalidCounts;
    std::string message;
    int64_t dropped_bytes = 0;
};

class ChunkAssembler {
public:
    // Far above any real tile (the server cuts 1 MiB chunks of tiles of a few MB), far below a
    // harmful allocation.
    static constexpr int64_t kDefaultMaxPayloadBytes = int64_t{256} * 1024 * 1024;

    explicit ChunkAssembler(int64_t max_payload_bytes = kDefaultMaxPayloadBytes);

    // Adds one chunk's data. The whole payload when this chunk completes its tile, nullopt
    // otherwise, or the error (after which the next tile assembles normally).
    Expected<std::optional<AssembledPayload>, ChunkOrderError> add(const TileChunkInfo& chunk,
                                                                   const uint8_t* data,
                                                                   std::size_t size);

    bool in_progress() const { return in_progress_; }
    // Bytes received for the tile in progress.
    int64_t pending_bytes() const { return in_progress_ ? static_cast<int64_t>(buffer_.size()) : 0; }
    // Drops the tile in progress (a stream that ended mid-tile); returns its bytes.
    int64_t abandon();

private:
    Unexpected<ChunkOrderError> fail(ChunkOrderProblem problem, std::size_t size, std::string message);
    void reset();

    int64_t max_payload_bytes_;
    bool in_progress_ = false;
    TileChunkInfo current_;
    std::vector<uint8_t> buffer_;
    int32_t next_index_ = 0;
};

}  // namespace worldstream
