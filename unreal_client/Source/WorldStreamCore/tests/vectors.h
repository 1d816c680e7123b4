// The shared golden vectors (tests/vectors, written by scripts/gen_vectors.py) and the WSRF
// payloads that tests/test_unreal_core.py writes with the server's own encoder.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "worldstream/payload.h"

namespace wstest {

struct GoldenVector {
    std::string name;  // file stem, e.g. tile_v1_tiny_sh0
    std::vector<uint8_t> payload;
    long long payload_bytes = 0;
    std::string magic;
    int version = 0, engine_frame = 0, sh_degree = 0;
    long long count = 0;
    double origin[3] = {0, 0, 0};
    double atol = 0, rtol = 0;
    // positions, quats, log_scales, opacity_logits, sh: flattened, parsed straight to float.
    std::map<std::string, std::vector<float>> decoded;
};

inline const char* const kDecodedFields[] = {"positions", "quats", "log_scales", "opacity_logits", "sh"};

// WORLDSTREAM_VECTORS, else the repository's tests/vectors (known at build time); skips the
// case when the directory has no vectors.
std::string vector_directory();
// Every *.json in `directory` with its payload, sorted by name; skips the case when none.
std::vector<GoldenVector> load_vectors(const std::string& directory);
// All vectors of vector_directory(), loaded once.
const std::vector<GoldenVector>& golden_vectors();
// The vector tile_v1_<name>; skips the case when it is missing.
const GoldenVector& golden(const std::string& name);

std::vector<uint8_t> read_file(const std::string& path);

// A WSRF payload by docs/tile-raw-format.md, for tests.
std::vector<uint8_t> write_raw(const worldstream::DecodedTile& tile);

// The decoded arrays by the vectors' field names.
std::map<std::string, const std::vector<float>*> arrays_of(const worldstream::DecodedTile& tile);

}  // namespace wstest
