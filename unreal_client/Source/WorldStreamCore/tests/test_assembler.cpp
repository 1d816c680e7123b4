// Chunk reassembly: in order makes the payload; every way the order can break is detected.
#include <algorithm>
#include <optional>

#include "harness.h"
#include "vectors.h"
#include "worldstream/chunk_assembler.h"

using namespace worldstream;
using namespace wstest;

namespace {

const TileKey A{0, 0, 0, 0};
const TileKey B{1, 0, 0, 0};

TileChunkInfo chunk(TileKey key, int index, int count, int64_t payload_bytes, int64_t version = 1) {
    TileChunkInfo c;
    c.key = key;
    c.version = version;
    c.encoding = TileEncoding::QuantizedV1;
    c.chunk_index = index;
    c.chunk_count = count;
    c.payload_bytes = payload_bytes;
    return c;
}

const std::vector<uint8_t> kTen(10, 1);

ChunkOrderError refused(ChunkAssembler& a, const TileChunkInfo& c, std::size_t size, const std::string& what) {
    const std::vector<uint8_t> data(size, 2);
    auto added = a.add(c, data.data(), size);
    check(!added.ok(), what + " is refused");
    return added.error();
}

void accepted(ChunkAssembler& a, const TileChunkInfo& c, std::size_t size) {
    const std::vector<uint8_t> data(size, 3);
    check(a.add(c, data.data(), size).ok(), "chunk " + std::to_string(c.chunk_index) + " is accepted");
}

}  // namespace

WS_TEST(chunks_in_order_make_the_payload_which_decodes) {
    const GoldenVector* largest = nullptr;
    for (const auto& v : golden_vectors()) {
        if (largest == nullptr || v.payload.size() > largest->payload.size()) largest = &v;
    }
    const auto& payload = largest->payload;
    ChunkAssembler assembler;
    const std::size_t size = (payload.size() + 2) / 3;
    std::optional<AssembledPayload> done;
    for (int i = 0; i < 3; ++i) {
        const std::size_t start = i * size;
        const std::size_t count = std::min(size, payload.size() - start);
        check(!done, "finished early");
        auto added = assembler.add(chunk(A, i, 3, static_cast<int64_t>(payload.size())), payload.data() + start, count);
        check(added.ok(), "chunk " + std::to_string(i));
        done = std::move(added.value());
        check_eq(i < 2, assembler.in_progress(), "in progress after chunk " + std::to_string(i));
    }
    check(done.has_value(), "the last chunk completes the tile");
    check(done->payload == payload, "the bytes are the payload's");
    auto tile = decode_payload(done->info.encoding, done->payload.data(), done->payload.size());
    check(tile.ok(), "the assembled payload decodes");
    check_eq(largest->count, static_cast<long long>(tile->splat_count), "decoded splats");
}

WS_TEST(a_tile_of_one_empty_chunk_is_an_empty_payload) {
    ChunkAssembler assembler;
    auto added = assembler.add(chunk(A, 0, 1, 0), nullptr, 0);
    check(added.ok() && added.value().has_value(), "complete");
    check(added.value()->payload.empty(), "empty payload");
}

WS_TEST(a_skipped_chunk_is_out_of_order_and_drops_the_tile) {
    ChunkAssembler assembler;
    accepted(assembler, chunk(A, 0, 3, 30), 10);
    const auto e = refused(assembler, chunk(A, 2, 3, 30), 10, "0 then 2");
    check(e.problem == ChunkOrderProblem::OutOfOrder, "problem");
    check_eq(int64_t{20}, e.dropped_bytes, "bytes to acknowledge anyway");
    check(!assembler.in_progress(), "the tile is dropped");
}

WS_TEST(a_chunk_of_another_tile_mid_tile_is_interleaving) {
    ChunkAssembler assembler;
    accepted(assembler, chunk(A, 0, 2, 20), 10);
    check(refused(assembler, chunk(B, 1, 2, 20), 10, "B mid A").problem == ChunkOrderProblem::Interleaved, "problem");
    accepted(assembler, chunk(A, 0, 2, 20), 10);
    const auto restart = refused(assembler, chunk(B, 0, 1, 5), 5, "B starts mid A");
    check(restart.problem == ChunkOrderProblem::Interleaved, "problem");
    check_eq(int64_t{15}, restart.dropped_bytes, "dropped bytes");
}

WS_TEST(a_continuation_without_a_start_is_refused) {
    ChunkAssembler assembler;
    check(refused(assembler, chunk(A, 1, 2, 20), 10, "chunk 1 first").problem == ChunkOrderProblem::NoTileInProgress, "problem");
}

WS_TEST(a_tile_that_changes_its_counts_or_version_midway_is_refused) {
    ChunkAssembler assembler;
    accepted(assembler, chunk(A, 0, 3, 30), 10);
    check(refused(assembler, chunk(A, 1, 4, 30), 10, "count 3 then 4").problem == ChunkOrderProblem::InconsistentTile, "count");
    accepted(assembler, chunk(A, 0, 2, 20), 10);
    check(refused(assembler, chunk(A, 1, 2, 20, 2), 10, "version 1 then 2").problem == ChunkOrderProblem::InconsistentTile, "version");
}

WS_TEST(chunks_holding_more_or_fewer_bytes_than_declared_are_refused) {
    ChunkAssembler assembler;
    check(refused(assembler, chunk(A, 0, 1, 5), 6, "6 bytes of 5").problem == ChunkOrderProblem::SizeMismatch, "too many");
    accepted(assembler, chunk(A, 0, 2, 20), 10);
    const auto under = refused(assembler, chunk(A, 1, 2, 20), 9, "19 bytes of 20");
    check(under.problem == ChunkOrderProblem::SizeMismatch, "too few");
    check_eq(int64_t{19}, under.dropped_bytes, "dropped bytes");
}

WS_TEST(impossible_counts_and_oversized_payloads_are_refused_before_allocating) {
    ChunkAssembler assembler(1024);
    check(refused(assembler, chunk(A, 0, 1, int64_t{1} << 40), 1, "a terabyte tile").problem ==
              ChunkOrderProblem::PayloadTooLarge, "problem");
    for (const auto& bad : {chunk(A, 0, 0, 1), chunk(A, 2, 2, 1), chunk(A, -1, 2, 1), chunk(A, 0, 1, -5)}) {
        check(refused(assembler, bad, 1, "chunk " + std::to_string(bad.chunk_index) + "/" + std::to_string(bad.chunk_count))
                      .problem == ChunkOrderProblem::InvalidCounts, "problem");
    }
}

WS_TEST(after_a_broken_tile_the_next_tile_assembles_normally) {
    ChunkAssembler assembler;
    accepted(assembler, chunk(A, 0, 2, 20), 10);
    refused(assembler, chunk(B, 1, 2, 20), 10, "broken");
    const uint8_t first[] = {1, 2};
    const uint8_t second[] = {9, 3};
    auto half = assembler.add(chunk(B, 0, 2, 3), first, 2);
    check(half.ok() && !half.value().has_value(), "first half");
    auto done = assembler.add(chunk(B, 1, 2, 3), second + 1, 1);
    check(done.ok() && done.value().has_value(), "complete");
    check_eq(std::size_t{3}, done.value()->payload.size(), "length");
    check_eq(3, static_cast<int>(done.value()->payload[2]), "the slice of the second chunk");
    check_eq(int64_t{0}, assembler.abandon(), "nothing pending");
}

WS_TEST(abandoning_a_tile_mid_way_returns_its_bytes) {
    ChunkAssembler assembler;
    accepted(assembler, chunk(A, 0, 3, 30), 10);
    accepted(assembler, chunk(A, 1, 3, 30), 10);
    check_eq(int64_t{20}, assembler.pending_bytes(), "pending");
    check_eq(int64_t{20}, assembler.abandon(), "abandoned");
    check(!assembler.in_progress(), "nothing in progress");
}
