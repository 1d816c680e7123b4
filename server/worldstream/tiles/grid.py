"""The world grid: cubic tiles of edge `tile_size` metres, keyed by integer cell (x, y, z, lod)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from worldstream.geometry.cells import unique_cells
from worldstream.geometry.gaussians import Gaussians


class TileKey(NamedTuple):
    """A cell (x, y, z) of the world grid and a level of detail. A named tuple rather than a
    frozen dataclass: keys are hashed in every lookup of every stream's scheduler, and a tuple's
    hash is computed in C. Ordered by x, y, z, then lod."""

    x: int
    y: int
    z: int
    lod: int = 0


@dataclass(frozen=True)
class Tile:
    key: TileKey
    version: int
    indices: np.ndarray  # [M] int64 rows of the world's Gaussians in this tile
    box_min: np.ndarray  # [3] world frame, metres: the cell, not the splats' extent
    box_max: np.ndarray  # [3]

    @property
    def splat_count(self) -> int:
        return int(self.indices.shape[0])

    @property
    def center(self) -> np.ndarray:
        return 0.5 * (self.box_min + self.box_max)


def build_tiles(
    gaussians: Gaussians, tile_size: float, version: int | np.ndarray
) -> dict[TileKey, Tile]:
    """Assign every Gaussian to the cell holding its mean. One LOD (0) until LOD building lands.

    `version` is the world version, or [N] the version that added each Gaussian: a tile's version
    is the newest of its Gaussians', so it changes exactly when the tile's content does.
    """
    if tile_size <= 0:
        raise ValueError("tile_size must be positive")
    means = gaussians.means.detach().cpu().numpy().astype(np.float64)
    if len(means) == 0:
        return {}
    cells = np.floor(means / tile_size).astype(np.int64)  # [N, 3]
    unique, inverse = unique_cells(cells)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(unique) + 1))
    tiles: dict[TileKey, Tile] = {}
    for i, cell in enumerate(unique):
        key = TileKey(int(cell[0]), int(cell[1]), int(cell[2]), 0)
        lo = cell.astype(np.float64) * tile_size
        rows = order[bounds[i] : bounds[i + 1]]
        tile_version = int(version) if np.isscalar(version) else int(np.max(version[rows]))
        tiles[key] = Tile(key, tile_version, rows, lo, lo + tile_size)
    return tiles
