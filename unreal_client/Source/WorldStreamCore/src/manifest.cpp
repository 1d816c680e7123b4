#include "worldstream/manifest.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <unordered_set>

namespace worldstream {

namespace {

constexpr const char* kBlanks = " \t\r\n";

Unexpected<ManifestError> fail(int line, std::string message) {
    return unexpected(ManifestError{line, std::move(message)});
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) return parts;
        start = end + 1;
    }
}

// A whole-string base-10 integer with an optional leading minus, nothing else.
bool parse_integer(const std::string& text, long long& value) {
    if (text.empty() || text.find_first_not_of("-0123456789") != std::string::npos) return false;
    errno = 0;
    char* end = nullptr;
    value = std::strtoll(text.c_str(), &end, 10);
    return errno == 0 && end == text.c_str() + text.size();
}

}  // namespace

Expected<HeldTileManifest, ManifestError> HeldTileManifest::make(std::string world, std::vector<HeldTile> tiles) {
    return make(std::move(world), std::string(), std::move(tiles));
}

Expected<HeldTileManifest, ManifestError> HeldTileManifest::make(std::string world, std::string world_uid,
                                                                 std::vector<HeldTile> tiles) {
    if (world.empty() || world.find_first_of(kBlanks) != std::string::npos) {
        return fail(0, "world must be a resource name such as worlds/lobby, got '" + world + "'");
    }
    if (world_uid.find_first_of(kBlanks) != std::string::npos) {
        return fail(0, "a world uid has no blanks, got '" + world_uid + "'");
    }
    for (const HeldTile& tile : tiles) {
        if (tile.splat_count < 0) {
            return fail(0, "negative splat count " + std::to_string(tile.splat_count) + " of " + tile.key.to_string());
        }
    }
    std::sort(tiles.begin(), tiles.end(), [](const HeldTile& a, const HeldTile& b) { return a.key < b.key; });
    for (std::size_t i = 1; i < tiles.size(); ++i) {
        if (tiles[i].key.cell() == tiles[i - 1].key.cell()) {
            return fail(0, "two levels of cell " + tiles[i].key.cell().to_string() +
                               ": a client holds one level per cell");
        }
    }
    return HeldTileManifest(std::move(world), std::move(world_uid), std::move(tiles));
}

std::string HeldTileManifest::to_text() const {
    std::string text = std::string(kFirstLine) + "\nworld " + world_ + "\n";
    if (!world_uid_.empty()) text += "uid " + world_uid_ + "\n";
    for (const auto& t : tiles_) {
        text += "tile " + std::to_string(t.key.x) + " " + std::to_string(t.key.y) + " " +
                std::to_string(t.key.z) + " " + std::to_string(t.key.lod) + " " +
                std::to_string(t.version) + " " + std::to_string(t.splat_count) + "\n";
    }
    return text;
}

Expected<HeldTileManifest, ManifestError> HeldTileManifest::parse(const std::string& text) {
    std::string unix_text;
    unix_text.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
        unix_text += text[i];
    }
    const auto lines = split(unix_text, '\n');
    const bool counted = lines[0] == kFirstLine;
    const bool version1 = lines[0] == kFirstLineVersion1;
    if (!counted && !version1 && lines[0] != kFirstLineVersion2) {
        return fail(1, std::string("expected '") + kFirstLine + "'");
    }
    if (lines.size() < 2 || lines[1].rfind("world ", 0) != 0) return fail(2, "expected 'world <name>'");
    const std::string world = lines[1].substr(6);
    std::string uid;
    std::size_t first = 2;
    // Versions 2 and 3 name the instance on the line after the world, when the world has a uid.
    if (!version1 && lines.size() > 2 && lines[2].rfind("uid", 0) == 0) {
        if (lines[2].rfind("uid ", 0) == 0) uid = lines[2].substr(4);
        if (uid.empty() || uid.find_first_of(kBlanks) != std::string::npos) {
            return fail(3, "expected 'uid <World.uid>', got '" + lines[2] + "'");
        }
        first = 3;
    }
    std::vector<HeldTile> tiles;
    std::unordered_set<CellKey, CellKeyHash> cells;
    for (std::size_t i = first; i < lines.size(); ++i) {
        const int number = static_cast<int>(i + 1);
        if (lines[i].empty()) continue;
        const auto parts = split(lines[i], ' ');
        // Version 3 ends each tile with its splat count.
        const std::size_t fields = counted ? 6 : 5;
        if (parts.size() != fields + 1 || parts[0] != "tile") {
            const std::string form = counted ? "tile x y z lod version splats" : "tile x y z lod version";
            return fail(number, "expected '" + form + "', got '" + lines[i] + "'");
        }
        long long values[6] = {0, 0, 0, 0, 0, 0};
        for (std::size_t j = 0; j < fields; ++j) {
            if (!parse_integer(parts[j + 1], values[j])) {
                return fail(number, "'" + parts[j + 1] + "' is not an integer");
            }
            if (j < 4 && (values[j] < INT32_MIN || values[j] > INT32_MAX)) {
                return fail(number, parts[j + 1] + " does not fit a 32-bit key");
            }
        }
        if (values[3] < 0) return fail(number, "negative level " + std::to_string(values[3]));
        if (values[5] < 0) return fail(number, "negative splat count " + std::to_string(values[5]));
        HeldTile tile{{static_cast<int32_t>(values[0]), static_cast<int32_t>(values[1]),
                       static_cast<int32_t>(values[2]), static_cast<int32_t>(values[3])},
                      static_cast<int64_t>(values[4]), static_cast<int64_t>(values[5])};
        if (!cells.insert(tile.key.cell()).second) {
            return fail(number, "a second level of cell " + tile.key.cell().to_string());
        }
        tiles.push_back(tile);
    }
    auto made = make(world, uid, std::move(tiles));
    if (!made) return fail(2, made.error().message);
    return made;
}

}  // namespace worldstream
