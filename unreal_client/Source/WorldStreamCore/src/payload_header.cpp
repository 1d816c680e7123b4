#include "payload_header.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace worldstream::detail {

namespace {

std::string printable(const uint8_t* b, std::size_t count) {
    std::string text = "'";
    for (std::size_t i = 0; i < count; ++i) {
        text += (b[i] >= 32 && b[i] < 127) ? static_cast<char>(b[i]) : '?';
    }
    return text + "'";
}

PayloadError fail(PayloadProblem problem, std::string message) {
    return PayloadError{problem, std::move(message)};
}

}  // namespace

std::string format_double(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
    char text[40];
    // The shortest %g precision that round-trips, as C#'s "R" and Python's repr print.
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(text, sizeof text, "%.*g", precision, value);
        if (std::strtod(text, nullptr) == value) break;
    }
    return text;
}

Expected<PayloadHeader, PayloadError> read_header(const uint8_t* data, std::size_t size,
                                                  const char magic[4], const char* format) {
    if (size < kPayloadHeaderBytes) {
        return unexpected(fail(PayloadProblem::TooShort,
                               "payload is " + std::to_string(size) +
                                   " bytes, shorter than the 40-byte header"));
    }
    if (std::memcmp(data, magic, 4) != 0) {
        return unexpected(fail(PayloadProblem::BadMagic, "bad magic " + printable(data, 4) +
                                                             ", expected " +
                                                             std::string(magic, 4)));
    }
    const unsigned version = le_u16(data + 4);
    if (version != 1) {
        return unexpected(fail(PayloadProblem::UnsupportedVersion,
                               "unsupported " + std::string(format) + " version " +
                                   std::to_string(version) + ", this decoder reads 1"));
    }
    PayloadHeader header;
    header.sh_degree = data[6];
    header.engine_frame = data[7];
    header.count = le_u32(data + 8);
    header.reserved = le_u32(data + 12);
    for (int a = 0; a < 3; ++a) header.origin[a] = le_f64(data + 16 + 8 * a);
    if (header.sh_degree > 3) {
        return unexpected(fail(PayloadProblem::ShDegreeTooHigh,
                               "SH degree " + std::to_string(header.sh_degree) + " is above 3"));
    }
    return header;
}

std::optional<PayloadError> require_length(const PayloadHeader& header, std::size_t size,
                                           uint64_t expected) {
    if (size == expected) return std::nullopt;
    return fail(PayloadProblem::LengthMismatch,
                "payload is " + std::to_string(size) + " bytes; " + std::to_string(header.count) +
                    " splats at SH degree " + std::to_string(header.sh_degree) + " need " +
                    std::to_string(expected));
}

DecodedTile allocate_tile(const PayloadHeader& header) {
    DecodedTile tile;
    tile.sh_degree = header.sh_degree;
    tile.engine_frame = header.engine_frame;
    for (int a = 0; a < 3; ++a) tile.origin[a] = header.origin[a];
    tile.splat_count = header.count;
    const std::size_t n = header.count;
    tile.positions.resize(3 * n);
    tile.rotations.resize(4 * n);
    tile.log_scales.resize(3 * n);
    tile.opacity_logits.resize(n);
    tile.sh.resize(3 * static_cast<std::size_t>(tile.sh_coefficients()) * n);
    return tile;
}

}  // namespace worldstream::detail
