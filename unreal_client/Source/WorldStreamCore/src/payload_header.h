// The 40-byte header WSQT and WSRF share (docs/tile-format.md § Header) and little-endian reads
// that do not depend on the host's byte order. Internal to the core.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "worldstream/payload.h"

namespace worldstream::detail {

// These only assemble bytes: callers have checked that [at, at + width) is inside the buffer.
inline uint16_t le_u16(const uint8_t* b) { return static_cast<uint16_t>(b[0] | (b[1] << 8)); }
inline uint32_t le_u32(const uint8_t* b) {
    return static_cast<uint32_t>(b[0]) | (static_cast<uint32_t>(b[1]) << 8) |
           (static_cast<uint32_t>(b[2]) << 16) | (static_cast<uint32_t>(b[3]) << 24);
}
inline uint64_t le_u64(const uint8_t* b) {
    return static_cast<uint64_t>(le_u32(b)) | (static_cast<uint64_t>(le_u32(b + 4)) << 32);
}
// Bytes b[0..4] as a 40-bit integer.
inline uint64_t le_u40(const uint8_t* b) {
    return static_cast<uint64_t>(le_u32(b)) | (static_cast<uint64_t>(b[4]) << 32);
}
inline float le_f32(const uint8_t* b) {
    uint32_t bits = le_u32(b);
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}
inline double le_f64(const uint8_t* b) {
    uint64_t bits = le_u64(b);
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

struct PayloadHeader {
    int sh_degree = 0;
    int engine_frame = 0;
    uint32_t count = 0;
    uint32_t reserved = 0;
    double origin[3] = {0, 0, 0};
};

// Reads and checks what both formats require: size, magic, version, degree. `format` names the
// format in messages ("quantized tile", "raw tile").
Expected<PayloadHeader, PayloadError> read_header(const uint8_t* data, std::size_t size,
                                                  const char magic[4], const char* format);

// LengthMismatch unless size == expected.
std::optional<PayloadError> require_length(const PayloadHeader& header, std::size_t size,
                                           uint64_t expected);

// Shortest text that reads back as the same double (for messages naming bad values).
std::string format_double(double value);

// An empty tile of the header's shape with its arrays sized for `count` splats.
DecodedTile allocate_tile(const PayloadHeader& header);

}  // namespace worldstream::detail
