// Truncated, padded and corrupted payloads (and status trailers, manifests, chunk sequences) end
// in a typed error or a clean result, never in an out-of-bounds read or a crash
// (docs/tile-format.md § Errors). tests/test_unreal_core.py also runs these cases under
// AddressSanitizer and UBSan, with more random trials (WORLDSTREAM_FUZZ_TRIALS).
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>

#include "harness.h"
#include "vectors.h"
#include "worldstream/chunk_assembler.h"
#include "worldstream/manifest.h"
#include "worldstream/payload.h"
#include "worldstream/status.h"

using namespace worldstream;
using namespace wstest;

namespace {

int trials(int fallback) {
    const char* text = std::getenv("WORLDSTREAM_FUZZ_TRIALS");
    const int n = text != nullptr ? std::atoi(text) : 0;
    return n > 0 ? n : fallback;
}

std::vector<uint8_t> with(std::vector<uint8_t> payload, std::size_t at, const std::vector<uint8_t>& bytes) {
    std::copy(bytes.begin(), bytes.end(), payload.begin() + static_cast<std::ptrdiff_t>(at));
    return payload;
}

template <class T>
std::vector<uint8_t> le(T value) {
    std::vector<uint8_t> bytes(sizeof value);
    std::memcpy(bytes.data(), &value, sizeof value);  // little-endian hosts only
    return bytes;
}

std::vector<uint8_t> prefix(const std::vector<uint8_t>& payload, std::size_t length) {
    return std::vector<uint8_t>(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(length));
}

// A decode that succeeded must have arrays of the header's shape; its values must be finite
// unless a chunk header holds a float so large that min + extent overflows float32.
void check_clean(const DecodedTile& t, const std::vector<uint8_t>& payload, const std::string& what) {
    const std::size_t n = t.splat_count;
    check(t.positions.size() == 3 * n && t.rotations.size() == 4 * n && t.log_scales.size() == 3 * n &&
              t.opacity_logits.size() == n &&
              t.sh.size() == 3 * n * static_cast<std::size_t>(t.sh_coefficients()),
          what + ": arrays of the header's shape");
    const int floats = 16 + t.sh_degree;
    const uint64_t full = quantized_chunk_bytes(256, t.sh_degree);
    for (uint64_t c = 0; 256 * c < n; ++c) {
        for (int i = 0; i < floats; ++i) {
            float f;
            std::memcpy(&f, payload.data() + 40 + c * full + 4 * i, 4);
            if (std::fabs(f) > 1e37f) return;
        }
    }
    for (const auto& [field, array] : arrays_of(t)) {
        for (float x : *array) {
            if (!std::isfinite(x)) fail(what + ": decoded a non-finite " + field);
        }
    }
}

}  // namespace

WS_TEST(each_header_problem_is_refused_with_its_own_reason) {
    // 257 splats at SH degree 1: a full chunk and a chunk of one.
    const auto good = golden("chunk_and_partial_sh1").payload;
    const std::size_t chunk1 = 40 + quantized_chunk_bytes(256, 1);
    struct Case {
        const char* name;
        std::vector<uint8_t> payload;
        PayloadProblem problem;
        const char* message;
    };
    const Case cases[] = {
        {"39 bytes", prefix(good, 39), PayloadProblem::TooShort, "shorter than the 40-byte header"},
        {"magic WSRF", with(good, 0, {'W', 'S', 'R', 'F'}), PayloadProblem::BadMagic, "bad magic 'WSRF'"},
        {"version 2", with(good, 4, {2, 0}), PayloadProblem::UnsupportedVersion, "unsupported quantized tile version 2"},
        {"degree 4", with(good, 6, {4}), PayloadProblem::ShDegreeTooHigh, "SH degree 4 is above 3"},
        {"frame 0", with(good, 7, {0}), PayloadProblem::UnknownEngineFrame, "engine frame byte 0"},
        {"frame 4", with(good, 7, {4}), PayloadProblem::UnknownEngineFrame, "engine frame byte 4"},
        {"one byte short", prefix(good, good.size() - 1), PayloadProblem::LengthMismatch, "257 splats at SH degree 1 need"},
        {"count 258", with(good, 8, {2, 1, 0, 0}), PayloadProblem::LengthMismatch, "258 splats at SH degree 1 need"},
        {"count 2^32 - 1", with(good, 8, {255, 255, 255, 255}), PayloadProblem::LengthMismatch, "4294967295 splats"},
        {"reserved 1", with(good, 12, {1}), PayloadProblem::ReservedWordSet, "reserved header word"},
        {"origin NaN", with(good, 24, le(std::numeric_limits<double>::quiet_NaN())), PayloadProblem::OriginNotFinite, "tile origin"},
        {"position min NaN", with(good, 40, le(std::numeric_limits<float>::quiet_NaN())), PayloadProblem::BadChunkHeader, "chunk 0: position min"},
        {"negative extent", with(good, chunk1 + 28, le(-1.0f)), PayloadProblem::BadChunkHeader, "chunk 1: log-scale extent"},
        {"infinite band", with(good, chunk1 + 64, le(std::numeric_limits<float>::infinity())), PayloadProblem::BadChunkHeader, "chunk 1: SH band magnitudes"},
    };
    for (const Case& c : cases) {
        auto result = decode_quantized(c.payload.data(), c.payload.size());
        check(!result.ok(), std::string(c.name) + " is refused");
        check(result.error().problem == c.problem,
              std::string(c.name) + ": problem " + payload_problem_name(result.error().problem));
        check_contains(c.message, result.error().message, std::string(c.name) + " message");
    }
}

WS_TEST(every_truncation_of_every_vector_is_refused) {
    for (const auto& v : golden_vectors()) {
        for (std::size_t cut = 0; cut < v.payload.size(); ++cut) {
            // An exact-size copy: under AddressSanitizer any read past `cut` is caught.
            const auto shorter = prefix(v.payload, cut);
            auto result = decode_quantized(shorter.data(), shorter.size());
            check(!result.ok(), v.name + " cut at " + std::to_string(cut));
        }
    }
}

WS_TEST(a_byte_too_many_is_refused_before_any_chunk_is_read) {
    for (const auto& v : golden_vectors()) {
        auto longer = v.payload;
        longer.push_back(0);
        auto result = decode_quantized(longer.data(), longer.size());
        check(!result.ok() && result.error().problem == PayloadProblem::LengthMismatch, v.name + " + 1 byte");
    }
}

WS_TEST(random_corruption_decodes_cleanly_or_fails_with_a_payload_error) {
    std::mt19937 random(7);
    const int n = trials(300);
    std::size_t refused = 0, decoded = 0;
    for (const auto& v : golden_vectors()) {
        for (int trial = 0; trial < n; ++trial) {
            auto bad = v.payload;
            const int flips = 1 + static_cast<int>(random() % 4);
            for (int f = 0; f < flips; ++f) bad[random() % bad.size()] ^= static_cast<uint8_t>(1 + random() % 255);
            auto result = decode_quantized(bad.data(), bad.size());
            if (!result) {
                check(!result.error().message.empty(), v.name + " error names its problem");
                ++refused;
                continue;
            }
            check_clean(result.value(), bad, v.name + " trial " + std::to_string(trial));
            ++decoded;
        }
    }
    // Both outcomes happen: the corruption reaches records (decodes) and headers (refused).
    check(refused > 0 && decoded > 0, "both clean decodes and refusals occurred");
}

WS_TEST(random_bytes_behind_a_valid_header_never_read_out_of_bounds) {
    // Headers that pass every check, with random chunk bytes of exactly the right length: the
    // decoder reads all of them, whatever they hold.
    std::mt19937 random(11);
    const int n = trials(300);
    for (int trial = 0; trial < n; ++trial) {
        const uint32_t count = random() % 700;
        const int degree = static_cast<int>(random() % 4);
        std::vector<uint8_t> payload(quantized_payload_bytes(count, degree));
        for (auto& b : payload) b = static_cast<uint8_t>(random());
        std::memcpy(payload.data(), "WSQT", 4);
        payload[4] = 1;
        payload[5] = 0;
        payload[6] = static_cast<uint8_t>(degree);
        payload[7] = static_cast<uint8_t>(1 + random() % 3);
        std::memcpy(payload.data() + 8, &count, 4);
        std::memset(payload.data() + 12, 0, 4);
        for (int a = 0; a < 3; ++a) {
            const double origin = static_cast<double>(random() % 1000);
            std::memcpy(payload.data() + 16 + 8 * a, &origin, 8);
        }
        auto result = decode_quantized(payload.data(), payload.size());
        if (result) check_clean(result.value(), payload, "trial " + std::to_string(trial));
        else check(result.error().problem == PayloadProblem::BadChunkHeader, "only chunk headers can be wrong here");
    }
}

WS_TEST(raw_payloads_refuse_short_long_and_foreign_input) {
    auto tile = decode_quantized(golden("tiny_sh3").payload.data(), golden("tiny_sh3").payload.size());
    check(tile.ok(), "tiny_sh3 decodes");
    const auto raw = write_raw(tile.value());
    for (std::size_t cut = 0; cut < raw.size(); ++cut) {
        const auto shorter = prefix(raw, cut);
        check(!decode_raw(shorter.data(), shorter.size()).ok(), "WSRF cut at " + std::to_string(cut));
    }
    auto longer = raw;
    longer.push_back(0);
    check(!decode_raw(longer.data(), longer.size()).ok(), "WSRF + 1 byte");
    const auto v9 = with(raw, 4, {9});
    auto version = decode_raw(v9.data(), v9.size());
    check(!version.ok(), "version 9");
    check_contains("unsupported raw tile version 9", version.error().message, "message");
    const auto d5 = with(raw, 6, {5});
    check(decode_raw(d5.data(), d5.size()).error().problem == PayloadProblem::ShDegreeTooHigh, "degree 5");
    const auto huge = with(raw, 8, {255, 255, 255, 255});
    check(decode_raw(huge.data(), huge.size()).error().problem == PayloadProblem::LengthMismatch, "count 2^32 - 1");
}

WS_TEST(random_bytes_of_any_length_are_refused_by_both_decoders) {
    std::mt19937 random(5);
    const int n = trials(300);
    for (int trial = 0; trial < n; ++trial) {
        std::vector<uint8_t> bytes(random() % 200);
        for (auto& b : bytes) b = static_cast<uint8_t>(random());
        if (bytes.size() >= 4 && trial % 2 == 0) std::memcpy(bytes.data(), trial % 4 == 0 ? "WSQT" : "WSRF", 4);
        // Random bytes of random length almost never have the exact length the count needs;
        // whatever the outcome, it must be a value or a typed error.
        auto q = decode_quantized(bytes.data(), bytes.size());
        if (q) check_clean(q.value(), bytes, "WSQT trial " + std::to_string(trial));
        auto r = decode_raw(bytes.data(), bytes.size());
        if (!r) check(!r.error().message.empty(), "WSRF error names its problem");
    }
}

WS_TEST(a_null_or_empty_buffer_is_too_short) {
    check(decode_quantized(nullptr, 0).error().problem == PayloadProblem::TooShort, "null, 0");
    check(decode_quantized(nullptr, 100).error().problem == PayloadProblem::TooShort, "null, 100");
    check(decode_raw(nullptr, 0).error().problem == PayloadProblem::TooShort, "raw null");
}

WS_TEST(a_cut_or_corrupt_status_trailer_is_a_format_error_or_a_shorter_status) {
    // The NOT_FOUND status of test_status.cpp; every prefix and random corruption of it.
    const std::string hex =
        "08051220776f726c6420776f726c64732f6e6f706520646f6573206e6f742065786973741a600a287479"
        "70652e676f6f676c65617069732e636f6d2f676f6f676c652e7270632e4572726f72496e666f12340a0f"
        "574f524c445f4e4f545f464f554e44120b776f726c6473747265616d1a140a05776f726c64120b776f72"
        "6c64732f6e6f7065";
    std::string bytes;
    for (std::size_t i = 0; i < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
        auto parsed = parse_status_details(bytes.substr(0, cut));
        if (!parsed) check(!parsed.error().message.empty(), "error names the problem");
    }
    std::mt19937 random(3);
    const int n = trials(300);
    for (int trial = 0; trial < n; ++trial) {
        std::string bad = bytes;
        for (int f = 0; f < 1 + static_cast<int>(random() % 4); ++f) bad[random() % bad.size()] ^= static_cast<char>(1 + random() % 255);
        auto parsed = parse_status_details(bad);
        if (parsed) check(static_cast<int>(parsed->code) >= 0 && static_cast<int>(parsed->code) <= 16, "a known code");
    }
}

WS_TEST(random_chunk_sequences_end_in_payloads_or_order_errors) {
    // Tiles cut into chunks as the server cuts them, half of them then broken one way or another
    // (a chunk dropped, swapped, resized, re-versioned, or another tile's chunk slipped in).
    std::mt19937 random(13);
    ChunkAssembler assembler(1 << 16);
    const std::vector<uint8_t> data(8192, 7);
    const int n = trials(300) * 3;
    int completed = 0, refused = 0;
    for (int trial = 0; trial < n; ++trial) {
        const int64_t length = random() % 5000;
        const int count = 1 + static_cast<int>(random() % 4);
        std::vector<std::pair<TileChunkInfo, std::size_t>> chunks;
        for (int i = 0; i < count; ++i) {
            TileChunkInfo c;
            c.key = TileKey{trial, 0, 0, 0};
            c.chunk_index = i;
            c.chunk_count = count;
            c.payload_bytes = length;
            const int64_t from = length * i / count, to = length * (i + 1) / count;
            chunks.push_back({c, static_cast<std::size_t>(to - from)});
        }
        if (random() % 2 == 0) {
            auto& victim = chunks[random() % chunks.size()];
            switch (random() % 7) {
                case 0: chunks.erase(chunks.begin() + static_cast<std::ptrdiff_t>(random() % chunks.size())); break;
                case 1: std::swap(chunks.front(), chunks.back()); break;
                case 2: victim.second += 1 + random() % 100; break;
                case 3: victim.first.version += 1; break;
                case 4: victim.first.key.x += 1; break;
                case 5: victim.first.chunk_count = -static_cast<int32_t>(random() % 3); break;
                default: victim.first.payload_bytes = -1 - static_cast<int64_t>(random() % 1000); break;
            }
        }
        for (const auto& [info, size] : chunks) {
            auto added = assembler.add(info, data.data(), size);
            if (!added) {
                check(added.error().dropped_bytes >= static_cast<int64_t>(size), "dropped bytes include the chunk");
                check(!assembler.in_progress(), "a broken tile is dropped");
                ++refused;
            } else if (added.value()) {
                check_eq(info.payload_bytes, static_cast<int64_t>(added.value()->payload.size()), "a whole payload");
                ++completed;
            }
        }
        assembler.abandon();  // a stream that ended mid-tile
    }
    check(completed > 0 && refused > 0, "both payloads and refusals occurred");
}

WS_TEST(random_manifest_text_is_read_or_refused_with_its_line) {
    std::mt19937 random(17);
    const std::string good = std::string(HeldTileManifest::kFirstLine) + "\nworld worlds/a\ntile 0 0 0 0 1\ntile 1 -2 3 1 9\n";
    const int n = trials(300);
    for (int trial = 0; trial < n; ++trial) {
        std::string bad = good;
        for (int f = 0; f < 1 + static_cast<int>(random() % 3); ++f) bad[random() % bad.size()] = static_cast<char>(32 + random() % 95);
        auto parsed = HeldTileManifest::parse(bad);
        if (!parsed) check(parsed.error().line >= 1, "the error names a line");
    }
}
