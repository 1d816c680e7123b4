"""Which tiles a camera needs, most useful first (3D Tiles practice, DESIGN.md § Tiles).

Frustum first; then (1 - dot(direction to tile, view direction)) x distance, so tiles straight
ahead and near come before tiles at the edge of the view. Screen-space error joins the order with
the LOD pyramid.
"""

from __future__ import annotations

import numpy as np

from worldstream.geometry.camera import Camera
from worldstream.tiles.grid import Tile

NEAR_M = 0.05


def box_in_frustum(camera: Camera, box_min: np.ndarray, box_max: np.ndarray, margin: float) -> bool:
    """Conservative test: False only when all 8 corners are outside one frustum plane."""
    lo, hi = box_min - margin, box_max + margin
    corners = np.array(
        [[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])]
    )
    cam = camera.to_camera(corners)  # [8, 3]
    x, y, z = cam[:, 0], cam[:, 1], cam[:, 2]
    K = camera.K
    # Planes through the camera centre: x/z within [-cx/fx, (w-cx)/fx], same for y.
    left, right = -K[0, 2] / K[0, 0], (camera.width - K[0, 2]) / K[0, 0]
    top, bottom = -K[1, 2] / K[1, 1], (camera.height - K[1, 2]) / K[1, 1]
    outside = (
        np.all(z < NEAR_M)
        or np.all(x < left * z)
        or np.all(x > right * z)
        or np.all(y < top * z)
        or np.all(y > bottom * z)
    )
    return not outside


def visible_tiles(camera: Camera, tiles: list[Tile], margin: float) -> list[Tile]:
    """Tiles in the view frustum, ordered by (1 - cos angle) x distance, then by key."""
    position, forward = camera.position, camera.forward
    scored = []
    for tile in tiles:
        inside = bool(np.all(position >= tile.box_min) and np.all(position < tile.box_max))
        if not inside and not box_in_frustum(camera, tile.box_min, tile.box_max, margin):
            continue
        offset = tile.center - position
        distance = float(np.linalg.norm(offset))
        cosine = float(offset @ forward / distance) if distance > 0 else 1.0
        # The tile around the camera scores 0; the + distance term breaks ties between tiles
        # straight ahead in favour of the nearer one.
        score = 0.0 if inside else (1.0 - cosine) * distance + 1e-3 * distance
        scored.append((score, tile.key, tile))
    scored.sort(key=lambda s: (s[0], s[1]))
    return [s[2] for s in scored]
