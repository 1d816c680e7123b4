// Tile payload decoders: "WSQT" v1 (docs/tile-format.md) and "WSRF" v1
// (docs/tile-raw-format.md) into flat float arrays. Every read is bounds-checked: the whole
// length is checked against the header's count before any chunk is read or any array allocated,
// so a truncated, padded or corrupt payload ends in a PayloadError, never an out-of-bounds read.
// The functions are pure and thread-safe; the Explore worker thread calls them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "worldstream/expected.h"
#include "worldstream/types.h"

namespace worldstream {

// A decoded tile, already in the engine frame the session declared (the server converts; the
// client applies nothing). N = splat_count, K = (sh_degree + 1)^2.
struct DecodedTile {
    int sh_degree = 0;
    // The payload's engine frame byte: 1 glTF, 2 Unity, 3 Unreal (proto EngineFrame numbers).
    int engine_frame = 0;
    // Tile origin in the engine frame and units; positions are relative to it.
    double origin[3] = {0, 0, 0};
    uint32_t splat_count = 0;

    std::vector<float> positions;       // [N * 3], relative to the origin
    std::vector<float> rotations;       // [N * 4], unit quaternions w, x, y, z
    std::vector<float> log_scales;      // [N * 3], natural logs of the per-axis scales
    std::vector<float> opacity_logits;  // [N], opacity = 1 / (1 + exp(-v))
    std::vector<float> sh;              // [N * K * 3], splat-major, DC first, then R, G, B

    int sh_coefficients() const { return (sh_degree + 1) * (sh_degree + 1); }
    // Bytes the arrays take.
    std::size_t memory_bytes() const;
};

// What is wrong with a payload (docs/tile-format.md § Errors).
enum class PayloadProblem {
    TooShort,            // shorter than the 40-byte header
    BadMagic,
    UnsupportedVersion,
    ShDegreeTooHigh,     // above 3
    UnknownEngineFrame,  // frame byte other than 1..3
    ReservedWordSet,     // reserved header word not 0
    OriginNotFinite,
    LengthMismatch,      // length is not what the count and degree need
    BadChunkHeader,      // a non-finite float or a negative extent or band magnitude
    UnknownEncoding,     // not an encoding this decoder reads
};

const char* payload_problem_name(PayloadProblem problem);

struct PayloadError {
    PayloadProblem problem = PayloadProblem::TooShort;
    std::string message;
};

using DecodeResult = Expected<DecodedTile, PayloadError>;

inline constexpr std::size_t kPayloadHeaderBytes = 40;
inline constexpr int kQuantizedChunkSplats = 256;
inline constexpr int kQuantizedRecordBytes = 13;

// Bits of one splat's higher SH bands in WSQT: 0, 54, 129, 234 for degree 0..3.
int quantized_sh_bits_per_splat(int sh_degree);
// Bytes of one WSQT chunk of `splats` (1..256) splats.
uint64_t quantized_chunk_bytes(int splats, int sh_degree);
// The exact WSQT payload length for a count and degree.
uint64_t quantized_payload_bytes(uint64_t count, int sh_degree);
// The exact WSRF payload length: 40 + N (56 + 12 (K - 1)).
uint64_t raw_payload_bytes(uint64_t count, int sh_degree);

DecodeResult decode_quantized(const uint8_t* data, std::size_t size);
DecodeResult decode_raw(const uint8_t* data, std::size_t size);
// The decoder for a chunk's declared encoding; UnknownEncoding for any other.
DecodeResult decode_payload(TileEncoding encoding, const uint8_t* data, std::size_t size);

// The encodings this client decodes, preferred first: what ExploreStart.encodings lists.
std::vector<TileEncoding> supported_encodings();

// The 3DGS conventions of the payload (docs/tile-format.md § Units and conventions).
inline constexpr double kShC0 = 0.28209479177387814;
// A channel's base colour from its SH DC coefficient, clamped at 0 as 3DGS does.
float dc_to_colour(float dc);
float sigmoid(float logit);

}  // namespace worldstream
