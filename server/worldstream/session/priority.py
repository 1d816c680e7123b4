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


def _score(distance, cosine, inside):
    # The tile around the camera scores 0; the 1e-3 x distance term breaks ties between tiles
    # straight ahead in favour of the nearer one. Rounded so that float noise cannot reorder
    # tiles that are symmetric about the view: exact ties fall back to the key order.
    score = np.where(inside, 0.0, (1.0 - cosine) * distance + 1e-3 * distance)
    return np.round(score, 9)


def visible_tiles_reference(camera: Camera, tiles: list[Tile], margin: float) -> list[Tile]:
    """The readable version: one tile at a time. `visible_tiles` must agree with it."""
    position, forward = camera.position, camera.forward
    scored = []
    for tile in tiles:
        inside = bool(np.all(position >= tile.box_min) and np.all(position < tile.box_max))
        if not inside and not box_in_frustum(camera, tile.box_min, tile.box_max, margin):
            continue
        offset = tile.center - position
        distance = float(np.linalg.norm(offset))
        cosine = float(offset @ forward / distance) if distance > 0 else 1.0
        scored.append((float(_score(distance, cosine, inside)), tile.key, tile))
    scored.sort(key=lambda s: (s[0], s[1]))
    return [s[2] for s in scored]


class TileBoxes:
    """A world's tiles as arrays, built once per session, so a view costs a few array operations
    however many tiles the world has."""

    def __init__(self, tiles: list[Tile]) -> None:
        self.tiles = sorted(tiles, key=lambda t: t.key)  # index order is key order
        count = len(self.tiles)
        self.box_min = np.array([t.box_min for t in self.tiles]).reshape(count, 3)  # [M, 3]
        self.box_max = np.array([t.box_max for t in self.tiles]).reshape(count, 3)  # [M, 3]


def visible_tiles(camera: Camera, boxes: TileBoxes, margin: float) -> list[Tile]:
    """Tiles in the view frustum, ordered by (1 - cos angle) x distance, then by key."""
    if not boxes.tiles:
        return []
    position, forward = camera.position, camera.forward
    inside = np.all((position >= boxes.box_min) & (position < boxes.box_max), axis=1)  # [M]
    lo, hi = boxes.box_min - margin, boxes.box_max + margin
    bits = np.array([[i >> 2 & 1, i >> 1 & 1, i & 1] for i in range(8)], dtype=bool)  # [8, 3]
    corners = np.where(bits[None], hi[:, None, :], lo[:, None, :])  # [M, 8, 3]
    cam = camera.to_camera(corners.reshape(-1, 3)).reshape(-1, 8, 3)
    x, y, z = cam[..., 0], cam[..., 1], cam[..., 2]
    K = camera.K
    left, right = -K[0, 2] / K[0, 0], (camera.width - K[0, 2]) / K[0, 0]
    top, bottom = -K[1, 2] / K[1, 1], (camera.height - K[1, 2]) / K[1, 1]
    outside = (
        np.all(z < NEAR_M, axis=1)
        | np.all(x < left * z, axis=1)
        | np.all(x > right * z, axis=1)
        | np.all(y < top * z, axis=1)
        | np.all(y > bottom * z, axis=1)
    )
    keep = np.flatnonzero(inside | ~outside)
    offsets = 0.5 * (boxes.box_min[keep] + boxes.box_max[keep]) - position  # [K, 3]
    distance = np.linalg.norm(offsets, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = np.where(distance > 0, offsets @ forward / distance, 1.0)
    score = _score(distance, cosine, inside[keep])
    order = keep[np.lexsort((keep, score))]  # score first, then index = key order
    return [boxes.tiles[i] for i in order]
