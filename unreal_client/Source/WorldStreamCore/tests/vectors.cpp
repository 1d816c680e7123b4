#include "vectors.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "harness.h"
#include "mini_json.h"

namespace wstest {

namespace fs = std::filesystem;

std::string vector_directory() {
    if (const char* dir = std::getenv("WORLDSTREAM_VECTORS"); dir != nullptr && *dir != '\0') return dir;
    return WORLDSTREAM_DEFAULT_VECTORS;
}

std::vector<uint8_t> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

namespace {

GoldenVector load(const fs::path& json_path) {
    std::ifstream in(json_path);
    std::stringstream text;
    text << in.rdbuf();
    const Json doc = Json::parse(text.str());
    GoldenVector v;
    v.name = json_path.stem().string();
    v.payload = read_file((json_path.parent_path() / doc["payload"].text).string());
    v.payload_bytes = doc["payload_bytes"].integer();
    v.magic = doc["magic"].text;
    v.version = static_cast<int>(doc["version"].integer());
    v.engine_frame = static_cast<int>(doc["engine_frame"].integer());
    v.sh_degree = static_cast<int>(doc["sh_degree"].integer());
    v.count = doc["count"].integer();
    for (int a = 0; a < 3; ++a) v.origin[a] = doc["origin"].items.at(a).number();
    v.atol = doc["tolerance"]["atol"].number();
    v.rtol = doc["tolerance"]["rtol"].number();
    for (const char* field : kDecodedFields) {
        std::vector<float> values;
        for (const std::string& number : doc["decoded"][field].flat_numbers()) {
            values.push_back(std::strtof(number.c_str(), nullptr));
        }
        v.decoded[field] = std::move(values);
    }
    return v;
}

}  // namespace

std::vector<GoldenVector> load_vectors(const std::string& directory) {
    std::vector<fs::path> documents;
    std::error_code ignored;
    if (fs::is_directory(directory, ignored)) {
        for (const auto& entry : fs::directory_iterator(directory)) {
            if (entry.path().extension() == ".json") documents.push_back(entry.path());
        }
    }
    if (documents.empty()) skip("no vector documents in " + directory);
    std::sort(documents.begin(), documents.end());
    std::vector<GoldenVector> vectors;
    for (const auto& path : documents) vectors.push_back(load(path));
    return vectors;
}

const std::vector<GoldenVector>& golden_vectors() {
    static const std::vector<GoldenVector> vectors = load_vectors(vector_directory());
    return vectors;
}

const GoldenVector& golden(const std::string& name) {
    for (const auto& v : golden_vectors()) {
        if (v.name == "tile_v1_" + name) return v;
    }
    skip("tests/vectors has no tile_v1_" + name);
}

std::vector<uint8_t> write_raw(const worldstream::DecodedTile& tile) {
    std::vector<uint8_t> bytes(worldstream::raw_payload_bytes(tile.splat_count, tile.sh_degree));
    std::memcpy(bytes.data(), "WSRF", 4);
    bytes[4] = 1;
    bytes[6] = static_cast<uint8_t>(tile.sh_degree);
    bytes[7] = static_cast<uint8_t>(tile.engine_frame);
    auto put = [&](std::size_t at, const void* value, std::size_t size) {
        // Little-endian hosts only, as every platform the tests run on.
        std::memcpy(bytes.data() + at, value, size);
    };
    put(8, &tile.splat_count, 4);
    for (int a = 0; a < 3; ++a) put(16 + 8 * a, &tile.origin[a], 8);
    std::size_t at = 40;
    for (const auto* array : {&tile.positions, &tile.rotations, &tile.log_scales, &tile.opacity_logits, &tile.sh}) {
        if (!array->empty()) put(at, array->data(), 4 * array->size());
        at += 4 * array->size();
    }
    return bytes;
}

std::map<std::string, const std::vector<float>*> arrays_of(const worldstream::DecodedTile& tile) {
    return {{"positions", &tile.positions},
            {"quats", &tile.rotations},
            {"log_scales", &tile.log_scales},
            {"opacity_logits", &tile.opacity_logits},
            {"sh", &tile.sh}};
}

}  // namespace wstest
