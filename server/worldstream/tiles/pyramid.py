"""Every tile's LOD pyramid, built once per tile version and shared by every session.

A cell (x, y, z) of the world grid holds one level-0 tile; its pyramid adds coarser levels merged
by moment matching (`tiles/lod.py`), each with its geometric error. A level's arrays are kept in
the world frame and in the codec's spatial order (`tiles/codec.spatial_order`), so encoding for a
session is one frame conversion and one pass of the codec. When a world grows, only the cells
whose version changed are rebuilt; the others are reused as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from worldstream.geometry.gaussians import Gaussians
from worldstream.tiles.codec import spatial_order
from worldstream.tiles.grid import Tile, TileKey
from worldstream.tiles.lod import build_lod

ATTRIBUTES = ("means", "quats", "log_scales", "opacity_logits", "sh")


@dataclass(frozen=True)
class LodOptions:
    min_splats: int = 64
    """The coarsest level is the first with at most this many Gaussians."""
    max_levels: int = 6
    max_ratio: float = 0.25
    """A level keeps at most this fraction of the previous level's Gaussians."""


@dataclass(frozen=True, eq=False)
class Level:
    arrays: Mapping[str, np.ndarray]  # ATTRIBUTES -> float32, world frame, spatial order
    geometric_error: float  # metres; 0 at level 0

    @property
    def count(self) -> int:
        return int(self.arrays["means"].shape[0])


@dataclass(frozen=True, eq=False)
class Cell:
    key: TileKey  # lod 0
    version: int
    box_min: np.ndarray  # [3] world frame, metres
    box_max: np.ndarray
    levels: tuple[Level, ...]  # finest (0) first

    @property
    def counts(self) -> list[int]:
        return [level.count for level in self.levels]

    @property
    def errors(self) -> list[float]:
        return [level.geometric_error for level in self.levels]

    @property
    def coarsest(self) -> int:
        return len(self.levels) - 1

    def key_at(self, lod: int) -> TileKey:
        return TileKey(self.key.x, self.key.y, self.key.z, lod)


def _ordered(arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    order = spatial_order(arrays["means"])
    return {name: np.ascontiguousarray(arrays[name][order], np.float32) for name in ATTRIBUTES}


def build_cell(world: Mapping[str, np.ndarray], tile: Tile, options: LodOptions) -> Cell:
    """One cell's pyramid from the world's arrays (`Gaussians.to_numpy`) and its level-0 tile."""
    base = _ordered({name: world[name][tile.indices] for name in ATTRIBUTES})
    levels = build_lod(
        base["means"],
        base["quats"],
        base["log_scales"],
        base["opacity_logits"],
        base["sh"],
        tile.box_min,
        tile.box_max,
        min_splats=options.min_splats,
        max_levels=options.max_levels,
        max_ratio=options.max_ratio,
    )
    built = [Level(base, 0.0)]
    for level in levels[1:]:
        arrays = {name: getattr(level, name) for name in ATTRIBUTES}
        built.append(Level(_ordered(arrays), float(level.geometric_error)))
    return Cell(
        TileKey(tile.key.x, tile.key.y, tile.key.z, 0),
        tile.version,
        np.asarray(tile.box_min, np.float64),
        np.asarray(tile.box_max, np.float64),
        tuple(built),
    )


def build_pyramids(
    gaussians: Gaussians,
    tiles: Mapping[TileKey, Tile],
    options: LodOptions | None = None,
    previous: Mapping[TileKey, Cell] | None = None,
) -> dict[TileKey, Cell]:
    """Every tile's pyramid, keyed by the level-0 key; cells of `previous` at the same version
    are reused, since a cell's version changes exactly when its Gaussians do."""
    options = options or LodOptions()
    previous = previous or {}
    world = gaussians.to_numpy()
    cells: dict[TileKey, Cell] = {}
    for key, tile in tiles.items():
        old = previous.get(key)
        if old is not None and old.version == tile.version and old.counts[0] == tile.splat_count:
            cells[key] = old
        else:
            cells[key] = build_cell(world, tile, options)
    return cells
