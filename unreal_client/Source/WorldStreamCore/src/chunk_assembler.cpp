#include "worldstream/chunk_assembler.h"

#include <utility>

namespace worldstream {

namespace {

std::string describe(const TileChunkInfo& c) {
    return "chunk " + std::to_string(c.chunk_index) + " of " + c.key.to_string();
}

}  // namespace

const char* chunk_order_problem_name(ChunkOrderProblem problem) {
    switch (problem) {
        case ChunkOrderProblem::NoTileInProgress: return "NoTileInProgress";
        case ChunkOrderProblem::Interleaved: return "Interleaved";
        case ChunkOrderProblem::OutOfOrder: return "OutOfOrder";
        case ChunkOrderProblem::InconsistentTile: return "InconsistentTile";
        case ChunkOrderProblem::InvalidCounts: return "InvalidCounts";
        case ChunkOrderProblem::PayloadTooLarge: return "PayloadTooLarge";
        case ChunkOrderProblem::SizeMismatch: return "SizeMismatch";
    }
    return "?";
}

ChunkAssembler::ChunkAssembler(int64_t max_payload_bytes)
    : max_payload_bytes_(max_payload_bytes > 0 ? max_payload_bytes : kDefaultMaxPayloadBytes) {}

Expected<std::optional<AssembledPayload>, ChunkOrderError> ChunkAssembler::add(
    const TileChunkInfo& chunk, const uint8_t* data, std::size_t size) {
    if (data == nullptr && size > 0) size = 0;
    if (chunk.chunk_count < 1 || chunk.chunk_index < 0 || chunk.chunk_index >= chunk.chunk_count ||
        chunk.payload_bytes < 0) {
        return fail(ChunkOrderProblem::InvalidCounts, size,
                    "chunk " + std::to_string(chunk.chunk_index) + "/" +
                        std::to_string(chunk.chunk_count) + " of " + chunk.key.to_string() +
                        " with payload_bytes " + std::to_string(chunk.payload_bytes) +
                        " is not a valid chunk");
    }
    if (chunk.chunk_index == 0) {
        if (in_progress_) {
            return fail(ChunkOrderProblem::Interleaved, size,
                        "chunk 0 of " + chunk.key.to_string() + " arrived while " +
                            current_.key.to_string() + " had " + std::to_string(next_index_) +
                            " of " + std::to_string(current_.chunk_count) + " chunks");
        }
        if (chunk.payload_bytes > max_payload_bytes_) {
            return fail(ChunkOrderProblem::PayloadTooLarge, size,
                        "tile " + chunk.key.to_string() + " declares " +
                            std::to_string(chunk.payload_bytes) + " payload bytes; the limit is " +
                            std::to_string(max_payload_bytes_));
        }
        in_progress_ = true;
        current_ = chunk;
        buffer_.clear();
        // Bounded by the limit checked above; chunks then fill it without reallocating.
        buffer_.reserve(static_cast<std::size_t>(chunk.payload_bytes));
        next_index_ = 0;
    } else if (!in_progress_) {
        return fail(ChunkOrderProblem::NoTileInProgress, size, describe(chunk) + " arrived with no tile in progress");
    } else if (chunk.key != current_.key) {
        return fail(ChunkOrderProblem::Interleaved, size,
                    describe(chunk) + " arrived while " + current_.key.to_string() + " had " +
                        std::to_string(next_index_) + " of " + std::to_string(current_.chunk_count) +
                        " chunks");
    } else if (chunk.chunk_index != next_index_) {
        return fail(ChunkOrderProblem::OutOfOrder, size,
                    describe(chunk) + " arrived out of order; expected " + std::to_string(next_index_));
    } else if (chunk.chunk_count != current_.chunk_count || chunk.payload_bytes != current_.payload_bytes ||
               chunk.version != current_.version || chunk.encoding != current_.encoding) {
        return fail(ChunkOrderProblem::InconsistentTile, size,
                    describe(chunk) + " disagrees with chunk 0 on count, size, version or encoding");
    }
    if (static_cast<int64_t>(buffer_.size()) + static_cast<int64_t>(size) > current_.payload_bytes) {
        return fail(ChunkOrderProblem::SizeMismatch, size,
                    "chunks of " + chunk.key.to_string() + " hold more than its " +
                        std::to_string(current_.payload_bytes) + " payload bytes");
    }
    buffer_.insert(buffer_.end(), data, data + size);
    ++next_index_;
    if (next_index_ < current_.chunk_count) return std::optional<AssembledPayload>{};
    if (static_cast<int64_t>(buffer_.size()) != current_.payload_bytes) {
        return fail(ChunkOrderProblem::SizeMismatch, 0,
                    "the chunks of " + chunk.key.to_string() + " hold " + std::to_string(buffer_.size()) +
                        " bytes, payload_bytes says " + std::to_string(current_.payload_bytes));
    }
    AssembledPayload done{chunk, std::move(buffer_)};
    reset();
    return std::optional<AssembledPayload>(std::move(done));
}

int64_t ChunkAssembler::abandon() {
    const int64_t bytes = pending_bytes();
    reset();
    return bytes;
}

Unexpected<ChunkOrderError> ChunkAssembler::fail(ChunkOrderProblem problem, std::size_t size,
                                                 std::string message) {
    const int64_t dropped = pending_bytes() + static_cast<int64_t>(size);
    reset();
    return unexpected(ChunkOrderError{problem, std::move(message), dropped});
}

void ChunkAssembler::reset() {
    in_progress_ = false;
    buffer_ = std::vector<uint8_t>();
    next_index_ = 0;
    current_ = TileChunkInfo{};
}

}  // namespace worldstream
