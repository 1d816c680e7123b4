// The WSQT and WSRF decoders against the golden vectors and the server's encoder.
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "harness.h"
#include "vectors.h"
#include "worldstream/payload.h"

using namespace worldstream;
using namespace wstest;

namespace {

const char* const kDocumentedCases[] = {
    "empty", "tiny_sh0", "tiny_sh3", "chunk_and_partial_sh0", "chunk_and_partial_sh1",
    "chunk_and_partial_sh3", "degenerate_sh1", "extremes_sh1",
};

DecodedTile decode_ok(const std::vector<uint8_t>& payload, const std::string& what) {
    auto result = decode_quantized(payload.data(), payload.size());
    if (!result) fail(what + ": " + result.error().message);
    return std::move(result.value());
}

void check_header(const GoldenVector& v, const DecodedTile& tile) {
    check_eq(v.count, static_cast<long long>(tile.splat_count), v.name + " count");
    check_eq(v.sh_degree, tile.sh_degree, v.name + " SH degree");
    check_eq(v.engine_frame, tile.engine_frame, v.name + " engine frame");
    for (int a = 0; a < 3; ++a) check_eq(v.origin[a], tile.origin[a], v.name + " origin " + std::to_string(a));
}

// Compares every decoded value; returns how many are equal to the last bit.
std::size_t compare_values(const GoldenVector& v, const DecodedTile& tile, bool bit_exact) {
    std::size_t exact = 0;
    const auto arrays = arrays_of(tile);
    for (const char* field : kDecodedFields) {
        const auto& want = v.decoded.at(field);
        const auto& got = *arrays.at(field);
        check_eq(want.size(), got.size(), v.name + " " + field + " length");
        for (std::size_t i = 0; i < want.size(); ++i) {
            const std::string what = v.name + " " + field + "[" + std::to_string(i) + "]";
            if (bit_exact) check_same_bits(want[i], got[i], what);
            else check_close(want[i], got[i], v.atol, v.rtol, what);
            if (want[i] == got[i]) ++exact;
        }
    }
    return exact;
}

std::size_t total_values(const GoldenVector& v) {
    std::size_t total = 0;
    for (const char* field : kDecodedFields) total += v.decoded.at(field).size();
    return total;
}

void check_same_arrays(const DecodedTile& a, const DecodedTile& b, const std::string& what) {
    check_eq(a.splat_count, b.splat_count, what + " count");
    check_eq(a.sh_degree, b.sh_degree, what + " degree");
    check_eq(a.engine_frame, b.engine_frame, what + " frame");
    for (int i = 0; i < 3; ++i) check_eq(a.origin[i], b.origin[i], what + " origin");
    const auto left = arrays_of(a), right = arrays_of(b);
    for (const char* field : kDecodedFields) {
        const auto& x = *left.at(field);
        const auto& y = *right.at(field);
        check_eq(x.size(), y.size(), what + " " + field + " length");
        for (std::size_t i = 0; i < x.size(); ++i) check_same_bits(x[i], y[i], what + " " + field);
    }
}

}  // namespace

WS_TEST(the_vector_directory_holds_every_documented_case) {
    std::set<std::string> names;
    for (const auto& v : golden_vectors()) names.insert(v.name);
    for (const char* name : kDocumentedCases) {
        check(names.count(std::string("tile_v1_") + name) == 1, std::string("tests/vectors lacks tile_v1_") + name);
    }
}

WS_TEST(every_golden_vector_decodes_to_the_values_in_its_json) {
    for (const auto& v : golden_vectors()) {
        check_eq(v.payload_bytes, static_cast<long long>(v.payload.size()), v.name + " payload length");
        check_eq(std::string("WSQT"), v.magic, v.name + " magic");
        const DecodedTile tile = decode_ok(v.payload, v.name);
        check_header(v, tile);
        compare_values(v, tile, false);
    }
}

WS_TEST(the_decoder_reproduces_the_vectors_bit_for_bit) {
    // The spec's float64 formulas rounded once give the vectors exactly; the tolerance is for
    // decoders that compute in float32. This one computes in double.
    for (const auto& v : golden_vectors()) {
        const std::size_t exact = compare_values(v, decode_ok(v.payload, v.name), true);
        check_eq(total_values(v), exact, v.name + " values equal to the last bit");
    }
}

WS_TEST(the_payload_length_formula_matches_every_vector) {
    for (const auto& v : golden_vectors()) {
        check_eq(static_cast<uint64_t>(v.payload_bytes),
                 quantized_payload_bytes(static_cast<uint64_t>(v.count), v.sh_degree), v.name);
    }
    // docs/tile-format.md: a full chunk at degree 0 is 3392 bytes; 4096 splats take 54,312.
    check_eq(uint64_t{3392}, quantized_chunk_bytes(256, 0), "full chunk at degree 0");
    check_eq(uint64_t{54312}, quantized_payload_bytes(4096, 0), "4096 splats at degree 0");
    const int bits[] = {0, 54, 129, 234};
    for (int d = 0; d <= 3; ++d) check_eq(bits[d], quantized_sh_bits_per_splat(d), "SH bits at degree " + std::to_string(d));
}

WS_TEST(the_worked_example_of_the_spec_decodes_as_documented) {
    // docs/tile-format.md § Worked example: tile_v1_tiny_sh0.bin.
    const DecodedTile t = decode_ok(golden("tiny_sh0").payload, "tiny_sh0");
    check_eq(-8.0, t.origin[0], "origin x");
    check_eq(16.0, t.origin[2], "origin z");
    check_close(6.6216207, t.positions[0], 1e-7, 0, "x");
    check_close(-0.30622736, t.rotations[0], 1e-7, 0, "w");
    check_close(0.7634954, t.rotations[3], 1e-7, 0, "z, the omitted component");
    check_close(-4.1710505, t.log_scales[2], 1e-6, 0, "log scale z");
    check_close(0.44637457, t.sh[2], 1e-7, 0, "DC blue");
}

WS_TEST(a_payload_inside_a_larger_buffer_decodes_the_same_as_alone) {
    for (const auto& v : golden_vectors()) {
        std::vector<uint8_t> padded(v.payload.size() + 29, 0xA5);
        std::copy(v.payload.begin(), v.payload.end(), padded.begin() + 17);
        auto inside = decode_quantized(padded.data() + 17, v.payload.size());
        check(inside.ok(), v.name + " inside a larger buffer");
        check_same_arrays(decode_ok(v.payload, v.name), inside.value(), v.name);
    }
}

WS_TEST(decoded_quaternions_are_unit) {
    for (const auto& v : golden_vectors()) {
        const auto q = decode_ok(v.payload, v.name).rotations;
        for (std::size_t i = 0; i < q.size(); i += 4) {
            const double norm = std::sqrt(double(q[i]) * q[i] + double(q[i + 1]) * q[i + 1] +
                                          double(q[i + 2]) * q[i + 2] + double(q[i + 3]) * q[i + 3]);
            check_close(1.0, norm, 2e-6, 0, v.name + " quaternion " + std::to_string(i / 4) + " norm");
        }
    }
}

WS_TEST(raw_payloads_from_the_server_encoder_decode_to_the_same_values) {
    const char* dir = std::getenv("WORLDSTREAM_RAW_VECTORS");
    if (dir == nullptr || *dir == '\0' || !std::filesystem::is_directory(dir)) {
        skip("no WSRF payloads: tests/test_unreal_core.py writes them (WORLDSTREAM_RAW_VECTORS)");
    }
    const auto vectors = load_vectors(dir);
    for (const auto& v : vectors) {
        check_eq(std::string("WSRF"), v.magic, v.name + " magic");
        auto tile = decode_raw(v.payload.data(), v.payload.size());
        if (!tile) fail(v.name + ": " + tile.error().message);
        check_header(v, tile.value());
        compare_values(v, tile.value(), true);
    }
}

WS_TEST(the_encoding_dispatch_reads_both_formats_and_refuses_others) {
    const GoldenVector& wsqt = golden("chunk_and_partial_sh1");
    auto tile = decode_payload(TileEncoding::QuantizedV1, wsqt.payload.data(), wsqt.payload.size());
    check(tile.ok(), "WSQT through the dispatch");
    const auto raw = write_raw(tile.value());
    auto back = decode_payload(TileEncoding::RawF32, raw.data(), raw.size());
    check(back.ok(), "WSRF through the dispatch");
    check_eq(tile->splat_count, back->splat_count, "splats");
    auto unknown = decode_payload(TileEncoding::Unspecified, wsqt.payload.data(), wsqt.payload.size());
    check(!unknown.ok() && unknown.error().problem == PayloadProblem::UnknownEncoding, "encoding 0 is refused");
    auto future = decode_payload(static_cast<TileEncoding>(9), wsqt.payload.data(), wsqt.payload.size());
    check(!future.ok() && future.error().problem == PayloadProblem::UnknownEncoding, "encoding 9 is refused");
    // A WSQT payload declared as RAW_F32 is refused by its magic, not misread.
    auto wrong = decode_payload(TileEncoding::RawF32, wsqt.payload.data(), wsqt.payload.size());
    check(!wrong.ok() && wrong.error().problem == PayloadProblem::BadMagic, "WSQT as RAW_F32");
}

WS_TEST(the_client_offers_quantized_first_then_raw) {
    const auto offered = supported_encodings();
    check_eq(std::size_t{2}, offered.size(), "encodings offered");
    check(offered[0] == TileEncoding::QuantizedV1, "preferred encoding");
    check(offered[1] == TileEncoding::RawF32, "fallback encoding");
}

WS_TEST(a_raw_payload_round_trips_through_the_spec_layout) {
    for (const auto& v : golden_vectors()) {
        const DecodedTile tile = decode_ok(v.payload, v.name);
        const auto raw = write_raw(tile);
        check_eq(raw_payload_bytes(tile.splat_count, tile.sh_degree), static_cast<uint64_t>(raw.size()), v.name + " WSRF size");
        auto back = decode_raw(raw.data(), raw.size());
        check(back.ok(), v.name + " WSRF decodes");
        check_same_arrays(tile, back.value(), v.name);
    }
}

WS_TEST(colour_and_opacity_follow_the_3dgs_conventions) {
    check_eq(0.5f, dc_to_colour(0.0f), "dc 0");
    check_eq(0.0f, dc_to_colour(-10.0f), "clamped at 0");
    check_close(0.5 + 0.28209479177387814, dc_to_colour(1.0f), 1e-7, 0, "dc 1");
    check_eq(0.5f, sigmoid(0.0f), "logit 0");
    check_close(0.99966464986953363, sigmoid(8.0f), 1e-7, 0, "logit 8, the encoder's clamp");
}
