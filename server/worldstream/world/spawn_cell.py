"""A new world's spawn stands well inside one cell of the tile grid, never on a cell face.

The seed camera stands at x = z = 0 (generate/seed_pose.py) and the grid cuts cells at multiples
of the tile size (tiles/grid.py), so the spawn used to sit on the faces four cells share. Which of
them the camera was "in" was then decided by float noise: Unity's negated x turns 1e-18 into
-1e-18, a quaternion round trip moves a zero by 1e-16. The cell the camera is in is first in the
plan and gets level 0, and refinement follows the plan's order, so under a budget the same physical
pose sent in the glTF, Unity and Unreal frames was planned differently (different cells refined,
different tiles sent).

The fix moves the world, not the grid: a new world is translated at creation so the seed camera
stands well inside its cell. Every tile key, box, pyramid, collider, payload origin, client and
export keeps meaning cell = key x tile size, and worlds made before keep their frame. y keeps the
floor at y = 0 (the promise to game engines, generate/seed_pose.py) unless the eye height puts the
camera within `MIN_FACE_FRACTION` of a tile of a y face (the assumed 1.6 m eye over tiles of 0.4,
0.8 or 1.6 m): then the world is lifted too, and the floor sits above y = 0 by less than a tile.

Not at the cell's centre: a camera at a centre looking along an axis (the seed camera looks along
-Z exactly) sees mirror images of cells left and right, which the plan's priority scores alike, and
float noise then orders them (on the garage photo at +-1 um, 30 of 350 budgets planned differently
with the spawn at the centre). `SPAWN_IN_CELL` puts it off every symmetry of the grid about it: no
coordinate at a half or a face (mirrors), x and z not equal or complementary (the diagonals, a
turn of 45 degrees), y apart from both. From there noise up to a millimetre plans alike (0 of 350).

The translation is found once, on the server, from the seed camera, so float noise cannot make
two answers of it; after it a pose must move at least `MIN_FACE_FRACTION` of a tile to change the
cell it is in.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from worldstream.generate.base import SeedInfo, WorldPlane
from worldstream.geometry.frame import Frame

MIN_FACE_FRACTION = 0.1
"""The least distance from the spawn to any face of its cell, as a fraction of the tile size: y
moves only when the eye is closer than this to a face."""
SPAWN_IN_CELL = (0.375, 0.45, 0.3)
"""Where the spawn stands in its cell, as fractions of the tile from the cell's low faces (x, y, z;
y only when it moves). 1/8, 1/20 and 1/5 of a tile from a cell's centre: no two alike, none each
other's complement, so no mirror or diagonal of the grid passes through the spawn."""


def _to_fraction(coordinate: float, tile_size: float, fraction: float) -> float:
    """The shift that puts `coordinate` at `fraction` of a cell beside the nearest face: taken
    from the nearest face, not from floor(), so a coordinate of +-1e-18 moves the same way."""
    face = round(coordinate / tile_size) * tile_size
    return face + fraction * tile_size - coordinate


def spawn_offset(position: np.ndarray, tile_size: float) -> np.ndarray:
    """[3] the translation (metres, world frame) to add to a new world so that its spawn at
    `position` stands well inside one cell of `tile_size`."""
    if not (math.isfinite(tile_size) and tile_size > 0):
        raise ValueError(f"tile_size must be finite and positive, got {tile_size}")
    x, y, z = (float(v) for v in position)
    in_cell = y / tile_size - math.floor(y / tile_size)  # 0..1 up its cell
    near_face = min(in_cell, 1.0 - in_cell) < MIN_FACE_FRACTION
    fx, fy, fz = SPAWN_IN_CELL
    dy = _to_fraction(y, tile_size, fy) if near_face else 0.0
    return np.array([_to_fraction(x, tile_size, fx), dy, _to_fraction(z, tile_size, fz)])


def translated_frame(frame: Frame, offset: np.ndarray) -> Frame:
    """The same view of a world moved by `offset`: depth and pixels unchanged, the camera moved."""
    w2c = np.array(frame.camera.world_to_camera, dtype=np.float64)
    w2c[:3, 3] -= w2c[:3, :3] @ np.asarray(offset, np.float64)
    return Frame(frame.rgb, frame.depth, frame.camera.with_pose(w2c), frame.confidence)


def translated_planes(planes: list[WorldPlane], offset: np.ndarray) -> list[WorldPlane]:
    """Planes n.X + d = 0 of a world moved by `offset`: n.(X' - offset) + d = 0."""
    t = np.asarray(offset, np.float64)
    return [
        (np.asarray(n, np.float64), float(d - np.asarray(n, np.float64) @ t)) for n, d in planes
    ]


def place_spawn(frame: Frame, info: SeedInfo, tile_size: float) -> tuple[Frame, SeedInfo]:
    """The seed frame and its layout, translated so the spawn stands well inside one cell."""
    offset = spawn_offset(frame.camera.position, tile_size)
    if not np.any(offset):
        return frame, info
    moved = translated_frame(frame, offset)
    layout = translated_planes(list(info.layout), offset)
    note = "spawn placed inside its cell: world moved by ({:.3f}, {:.3f}, {:.3f}) m".format(*offset)
    return moved, replace(info, layout=layout, notes=[*info.notes, note])
