// "WSQT" v1 (docs/tile-format.md). Every value is computed in double and rounded once to float,
// as the spec prescribes, so the result equals the golden vectors bit for bit. This file is
// compiled with floating-point contraction off (CMakeLists.txt): a fused multiply-add would
// round differently.
#include <algorithm>
#include <cmath>

#include "payload_header.h"

namespace worldstream {

namespace {

using detail::le_f32;
using detail::le_u40;
using detail::le_u64;

constexpr int kChunkHeaderFloats = 16;
constexpr int kShBandBits[3] = {6, 5, 5};
constexpr double kSqrt1_2 = 0.7071067811865476;
constexpr double kRotationHalf = 127.0;

// Chunk header fields, for error messages: name, float count, must be >= 0.
struct HeaderField {
    const char* name;
    int size;
    bool non_negative;
};
constexpr HeaderField kHeaderFields[] = {
    {"position min", 3, false},  {"position extent", 3, true}, {"log-scale min", 1, false},
    {"log-scale extent", 1, true}, {"opacity min", 1, false},  {"opacity extent", 1, true},
    {"colour min", 3, false},    {"colour extent", 3, true},
};

inline int field(uint64_t word, int shift, int bits) {
    return static_cast<int>((word >> shift) & ((uint64_t{1} << bits) - 1));
}

// min + extent * code / (2^bits - 1), in double, rounded once to float.
inline float unsigned_value(int code, double min, double extent, int bits) {
    return static_cast<float>(min + extent * code / ((1 << bits) - 1));
}

PayloadError bad_chunk(int chunk, const char* name, const double* h, int start, int size,
                       const char* what) {
    std::string values;
    for (int j = 0; j < size; ++j) {
        if (j > 0) values += ", ";
        values += detail::format_double(h[start + j]);
    }
    return PayloadError{PayloadProblem::BadChunkHeader, "chunk " + std::to_string(chunk) + ": " +
                                                            name + " [" + values + "] " + what};
}

std::optional<PayloadError> check_chunk_header(const double* h, int floats, int chunk) {
    int start = 0;
    constexpr int kFields = sizeof kHeaderFields / sizeof kHeaderFields[0];
    for (int f = 0; f <= kFields; ++f) {
        const bool bands = f == kFields;
        const char* name = bands ? "SH band magnitudes" : kHeaderFields[f].name;
        const int size = bands ? floats - kChunkHeaderFloats : kHeaderFields[f].size;
        const bool non_negative = bands || kHeaderFields[f].non_negative;
        for (int j = start; j < start + size; ++j) {
            if (!std::isfinite(h[j])) return bad_chunk(chunk, name, h, start, size, "is not finite");
            if (non_negative && h[j] < 0) return bad_chunk(chunk, name, h, start, size, "is negative");
        }
        start += size;
    }
    return std::nullopt;
}

// Smallest three: the omitted largest component is rebuilt from the other three; the kept ones
// fill the other slots of (w, x, y, z) in increasing order.
inline void decode_rotation(uint64_t lo, float* q) {
    const int omitted = field(lo, 32, 2);
    const double a = (field(lo, 34, 8) - kRotationHalf) * (kSqrt1_2 / kRotationHalf);
    const double b = (field(lo, 42, 8) - kRotationHalf) * (kSqrt1_2 / kRotationHalf);
    const double c = (field(lo, 50, 8) - kRotationHalf) * (kSqrt1_2 / kRotationHalf);
    const float largest = static_cast<float>(std::sqrt(std::max(0.0, 1.0 - (a * a + b * b + c * c))));
    const float kept[3] = {static_cast<float>(a), static_cast<float>(b), static_cast<float>(c)};
    for (int slot = 0, next = 0; slot < 4; ++slot) q[slot] = slot == omitted ? largest : kept[next++];
}

// The chunk's LSB-first bit stream of band 1..degree codes (§ SH bit stream). The stream's
// bytes [stream, stream_end) are inside the payload: the length check guaranteed it.
void decode_sh_bands(const uint8_t* stream, const uint8_t* stream_end, uint32_t first, int splats,
                     const double* h, DecodedTile& tile) {
    const int k = tile.sh_coefficients();
    // A band has at most 64 codes: dequantize each once per chunk (the same double formula, so
    // the same floats) and look them up per value.
    float table[3][64];
    for (int band = 1; band <= tile.sh_degree; ++band) {
        const int bits = kShBandBits[band - 1];
        const int half = (1 << (bits - 1)) - 1;
        const double magnitude = h[kChunkHeaderFloats + band - 1];
        for (int code = 0; code < (1 << bits); ++code) {
            table[band - 1][code] = static_cast<float>((code - static_cast<double>(half)) * magnitude / half);
        }
    }
    const uint8_t* next = stream;
    uint64_t window = 0;
    int held = 0;
    float* sh = tile.sh.data();
    for (int s = 0; s < splats; ++s) {
        const std::size_t base = 3 * static_cast<std::size_t>(k) * (first + s);
        for (int coefficient = 1; coefficient < k; ++coefficient) {
            const int band = coefficient < 4 ? 0 : coefficient < 9 ? 1 : 2;
            const int bits = kShBandBits[band];
            for (int channel = 0; channel < 3; ++channel) {
                // Refill byte by byte, never past the stream's own bytes.
                while (held < bits && next < stream_end) {
                    window |= static_cast<uint64_t>(*next++) << held;
                    held += 8;
                }
                sh[base + 3 * coefficient + channel] = table[band][window & ((uint64_t{1} << bits) - 1)];
                window >>= bits;
                held -= bits;
            }
        }
    }
}

std::optional<PayloadError> decode_chunk(const uint8_t* at, int chunk, uint32_t first, int splats,
                                         DecodedTile& tile) {
    const int degree = tile.sh_degree;
    const int floats = kChunkHeaderFloats + degree;
    double h[kChunkHeaderFloats + 3];
    for (int i = 0; i < floats; ++i) h[i] = le_f32(at + 4 * i);
    if (auto problem = check_chunk_header(h, floats, chunk)) return problem;

    const uint8_t* records = at + 4 * floats;
    float* positions = tile.positions.data();
    float* rotations = tile.rotations.data();
    float* scales = tile.log_scales.data();
    float* opacity = tile.opacity_logits.data();
    float* sh = tile.sh.data();
    const std::size_t sh_stride = 3 * static_cast<std::size_t>(tile.sh_coefficients());
    for (int s = 0; s < splats; ++s) {
        const uint8_t* r = records + kQuantizedRecordBytes * s;
        const uint64_t lo = le_u64(r);
        const uint64_t hi = le_u40(r + 8);
        const std::size_t i = first + static_cast<uint32_t>(s);
        positions[3 * i] = unsigned_value(field(lo, 0, 11), h[0], h[3], 11);
        positions[3 * i + 1] = unsigned_value(field(lo, 11, 10), h[1], h[4], 10);
        positions[3 * i + 2] = unsigned_value(field(lo, 21, 11), h[2], h[5], 11);
        decode_rotation(lo, rotations + 4 * i);
        scales[3 * i] = unsigned_value(field(lo, 58, 6), h[6], h[7], 6);
        scales[3 * i + 1] = unsigned_value(field(hi, 0, 6), h[6], h[7], 6);
        scales[3 * i + 2] = unsigned_value(field(hi, 6, 6), h[6], h[7], 6);
        opacity[i] = unsigned_value(field(hi, 12, 7), h[8], h[9], 7);
        float* dc = sh + sh_stride * i;
        dc[0] = unsigned_value(field(hi, 19, 7), h[10], h[13], 7);
        dc[1] = unsigned_value(field(hi, 26, 7), h[11], h[14], 7);
        dc[2] = unsigned_value(field(hi, 33, 7), h[12], h[15], 7);
    }
    if (degree > 0) {
        const uint8_t* stream = records + kQuantizedRecordBytes * splats;
        const uint64_t stream_bytes =
            (static_cast<uint64_t>(splats) * quantized_sh_bits_per_splat(degree) + 7) / 8;
        decode_sh_bands(stream, stream + stream_bytes, first, splats, h, tile);
    }
    return std::nullopt;
}

}  // namespace

int quantized_sh_bits_per_splat(int sh_degree) {
    int bits = 0;
    for (int band = 1; band <= sh_degree && band <= 3; ++band) bits += 3 * (2 * band + 1) * kShBandBits[band - 1];
    return bits;
}

uint64_t quantized_chunk_bytes(int splats, int sh_degree) {
    const uint64_t m = static_cast<uint64_t>(splats);
    return 4u * static_cast<uint64_t>(kChunkHeaderFloats + sh_degree) + kQuantizedRecordBytes * m +
           (m * static_cast<uint64_t>(quantized_sh_bits_per_splat(sh_degree)) + 7) / 8;
}

uint64_t quantized_payload_bytes(uint64_t count, int sh_degree) {
    const uint64_t full = count / kQuantizedChunkSplats;
    const int rest = static_cast<int>(count % kQuantizedChunkSplats);
    const uint64_t size = kPayloadHeaderBytes + full * quantized_chunk_bytes(kQuantizedChunkSplats, sh_degree);
    return rest > 0 ? size + quantized_chunk_bytes(rest, sh_degree) : size;
}

DecodeResult decode_quantized(const uint8_t* data, std::size_t size) {
    if (data == nullptr && size > 0) {
        return unexpected(PayloadError{PayloadProblem::TooShort, "no payload buffer"});
    }
    static const char kMagic[4] = {'W', 'S', 'Q', 'T'};
    auto header = detail::read_header(data, size, kMagic, "quantized tile");
    if (!header) return unexpected(header.error());
    const detail::PayloadHeader& h = *header;
    if (h.engine_frame < 1 || h.engine_frame > 3) {
        return unexpected(PayloadError{PayloadProblem::UnknownEngineFrame,
                                       "engine frame byte " + std::to_string(h.engine_frame) +
                                           " is not one of (1, 2, 3)"});
    }
    if (h.reserved != 0) {
        return unexpected(PayloadError{PayloadProblem::ReservedWordSet,
                                       "reserved header word is " + std::to_string(h.reserved) +
                                           ", must be 0 in version 1"});
    }
    if (!std::isfinite(h.origin[0]) || !std::isfinite(h.origin[1]) || !std::isfinite(h.origin[2])) {
        return unexpected(PayloadError{
            PayloadProblem::OriginNotFinite,
            "tile origin [" + detail::format_double(h.origin[0]) + ", " +
                detail::format_double(h.origin[1]) + ", " + detail::format_double(h.origin[2]) +
                "] is not finite"});
    }
    // Before any chunk is read or any array allocated: the length bounds every offset below
    // and bounds the count by size / 13.
    if (auto problem = detail::require_length(h, size, quantized_payload_bytes(h.count, h.sh_degree))) {
        return unexpected(std::move(*problem));
    }
    DecodedTile tile = detail::allocate_tile(h);
    const uint64_t full_chunk = quantized_chunk_bytes(kQuantizedChunkSplats, h.sh_degree);
    uint32_t start = 0;
    for (int c = 0; start < h.count; ++c, start += kQuantizedChunkSplats) {
        const uint8_t* at = data + kPayloadHeaderBytes + static_cast<uint64_t>(c) * full_chunk;
        const int splats = static_cast<int>(std::min<uint32_t>(kQuantizedChunkSplats, h.count - start));
        if (auto problem = decode_chunk(at, c, start, splats, tile)) return unexpected(std::move(*problem));
        if (h.count - start <= kQuantizedChunkSplats) break;  // no uint32 wrap past the last chunk
    }
    return tile;
}

}  // namespace worldstream
