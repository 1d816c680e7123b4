#include "worldstream/residency.h"

#include <algorithm>

namespace worldstream {

TileResidency::TileResidency(int64_t splat_budget) : splat_budget_(std::max<int64_t>(1, splat_budget)) {}

void TileResidency::set_splat_budget(int64_t budget) {
    if (budget > 0) splat_budget_ = budget;
}

int64_t TileResidency::over_budget_by() const {
    return std::max<int64_t>(0, resident_splats_ - splat_budget_);
}

ResidencyChange TileResidency::commit(const TileKey& key, int64_t version, int64_t splat_count) {
    splat_count = std::max<int64_t>(0, splat_count);
    ResidencyChange change;
    change.added = ResidentTile{key, version, splat_count};
    auto [it, inserted] = tiles_.try_emplace(key.cell(), change.added);
    if (!inserted) {
        change.replaced = it->second;
        resident_splats_ -= it->second.splat_count;
        it->second = change.added;
    }
    resident_splats_ += splat_count;
    change.over_budget_by = over_budget_by();
    return change;
}

std::optional<ResidentTile> TileResidency::remove(const TileKey& key) {
    auto it = tiles_.find(key.cell());
    if (it == tiles_.end()) return std::nullopt;
    ResidentTile held = it->second;
    tiles_.erase(it);
    resident_splats_ -= held.splat_count;
    return held;
}

std::optional<ResidentTile> TileResidency::get(const CellKey& cell) const {
    auto it = tiles_.find(cell);
    if (it == tiles_.end()) return std::nullopt;
    return it->second;
}

bool TileResidency::holds(const TileKey& key, int64_t version) const {
    auto held = get(key.cell());
    return held && held->key == key && held->version == version;
}

std::vector<HeldTile> TileResidency::held_tiles() const {
    std::vector<HeldTile> held;
    held.reserve(tiles_.size());
    for (const auto& [cell, tile] : tiles_) held.push_back({tile.key, tile.version, tile.splat_count});
    std::sort(held.begin(), held.end(), [](const HeldTile& a, const HeldTile& b) { return a.key < b.key; });
    return held;
}

Expected<HeldTileManifest, ManifestError> TileResidency::manifest(const std::string& world) const {
    return HeldTileManifest::make(world, world_uid_, held_tiles());
}

void TileResidency::clear() {
    tiles_.clear();
    resident_splats_ = 0;
    world_uid_.clear();
}

}  // namespace worldstream
