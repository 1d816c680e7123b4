#include "worldstream/types.h"

namespace worldstream {

std::string CellKey::to_string() const {
    return "(" + std::to_string(x) + ", " + std::to_string(y) + ", " + std::to_string(z) + ")";
}

std::string TileKey::to_string() const {
    return "(" + std::to_string(x) + ", " + std::to_string(y) + ", " + std::to_string(z) + " @ lod " +
           std::to_string(lod) + ")";
}

}  // namespace worldstream
