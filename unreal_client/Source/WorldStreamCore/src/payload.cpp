// WSRF (docs/tile-raw-format.md), the encoding dispatch and the payload helpers.
#include <cmath>

#include "payload_header.h"

namespace worldstream {

namespace {

// Copies `count` little-endian float32 values; the caller checked the bounds.
const uint8_t* copy_floats(const uint8_t* at, std::vector<float>& target) {
    for (std::size_t i = 0; i < target.size(); ++i) target[i] = detail::le_f32(at + 4 * i);
    return at + 4 * target.size();
}

}  // namespace

std::size_t DecodedTile::memory_bytes() const {
    return sizeof(float) * (positions.size() + rotations.size() + log_scales.size() +
                            opacity_logits.size() + sh.size());
}

const char* payload_problem_name(PayloadProblem problem) {
    switch (problem) {
        case PayloadProblem::TooShort: return "TooShort";
        case PayloadProblem::BadMagic: return "BadMagic";
        case PayloadProblem::UnsupportedVersion: return "UnsupportedVersion";
        case PayloadProblem::ShDegreeTooHigh: return "ShDegreeTooHigh";
        case PayloadProblem::UnknownEngineFrame: return "UnknownEngineFrame";
        case PayloadProblem::ReservedWordSet: return "ReservedWordSet";
        case PayloadProblem::OriginNotFinite: return "OriginNotFinite";
        case PayloadProblem::LengthMismatch: return "LengthMismatch";
        case PayloadProblem::BadChunkHeader: return "BadChunkHeader";
        case PayloadProblem::UnknownEncoding: return "UnknownEncoding";
    }
    return "?";
}

uint64_t raw_payload_bytes(uint64_t count, int sh_degree) {
    const uint64_t k = static_cast<uint64_t>((sh_degree + 1) * (sh_degree + 1));
    return kPayloadHeaderBytes + count * (4u * (3 + 4 + 3 + 1 + 3 * k));
}

DecodeResult decode_raw(const uint8_t* data, std::size_t size) {
    if (data == nullptr && size > 0) {
        return unexpected(PayloadError{PayloadProblem::TooShort, "no payload buffer"});
    }
    static const char kMagic[4] = {'W', 'S', 'R', 'F'};
    auto header = detail::read_header(data, size, kMagic, "raw tile");
    if (!header) return unexpected(header.error());
    if (auto problem = detail::require_length(*header, size, raw_payload_bytes(header->count, header->sh_degree))) {
        return unexpected(std::move(*problem));
    }
    DecodedTile tile = detail::allocate_tile(*header);
    const uint8_t* at = data + kPayloadHeaderBytes;
    at = copy_floats(at, tile.positions);
    at = copy_floats(at, tile.rotations);
    at = copy_floats(at, tile.log_scales);
    at = copy_floats(at, tile.opacity_logits);
    copy_floats(at, tile.sh);
    return tile;
}

DecodeResult decode_payload(TileEncoding encoding, const uint8_t* data, std::size_t size) {
    switch (encoding) {
        case TileEncoding::QuantizedV1: return decode_quantized(data, size);
        case TileEncoding::RawF32: return decode_raw(data, size);
        case TileEncoding::Unspecified: break;
    }
    return unexpected(PayloadError{PayloadProblem::UnknownEncoding,
                                   "tile encoding " + std::to_string(static_cast<int>(encoding)) +
                                       " is not one this client decodes"});
}

std::vector<TileEncoding> supported_encodings() {
    return {TileEncoding::QuantizedV1, TileEncoding::RawF32};
}

float dc_to_colour(float dc) { return static_cast<float>(std::fmax(0.0, 0.5 + kShC0 * dc)); }

float sigmoid(float logit) { return static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(logit)))); }

}  // namespace worldstream
