"""Which tiles a camera needs, most useful first (3D Tiles practice, DESIGN.md § Tiles).

Frustum first; then (1 - dot(direction to tile, view direction)) x distance, so tiles straight
ahead and near come before tiles at the edge of the view. Screen-space error joins the order with
the LOD pyramid.
"""

from __future__ import annotations

import numpy as np
from numba import njit

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
    """A world's tiles as arrays, built once per world version, so a view costs a few array
    operations however many tiles the world has."""

    def __init__(self, tiles: list[Tile]) -> None:
        self.tiles = sorted(tiles, key=lambda t: t.key)  # index order is key order
        count = len(self.tiles)
        self.box_min = np.array([t.box_min for t in self.tiles], np.float64).reshape(count, 3)
        self.box_max = np.array([t.box_max for t in self.tiles], np.float64).reshape(count, 3)
        self.centers = 0.5 * (self.box_min + self.box_max)
        self._corners: dict[float, np.ndarray] = {}
        self._radius: dict[float, np.ndarray] = {}

    def radius(self, margin: float) -> np.ndarray:
        """[M] the radius of each box's bounding sphere, the box grown by margin."""
        radius = self._radius.get(margin)
        if radius is None:
            half = 0.5 * (self.box_max - self.box_min) + margin
            radius = self._radius[margin] = np.linalg.norm(half, axis=1)
        return radius

    def corners(self, margin: float) -> np.ndarray:
        """[M * 8, 3] the corners of every box grown by margin (kept: sessions share a margin)."""
        corners = self._corners.get(margin)
        if corners is None:
            lo, hi = self.box_min - margin, self.box_max + margin
            bits = np.array([[i >> 2 & 1, i >> 1 & 1, i & 1] for i in range(8)], dtype=bool)
            corners = np.where(bits[None], hi[:, None, :], lo[:, None, :]).reshape(-1, 3)
            self._corners[margin] = corners
        return corners


def _planes(camera: Camera) -> np.ndarray:
    """[5, 4] the frustum's planes in camera space as (normal, offset): a point p is on the
    inner side of a plane when normal . p + offset >= 0 (near, left, right, top, bottom)."""
    K = camera.K
    left, right = -K[0, 2] / K[0, 0], (camera.width - K[0, 2]) / K[0, 0]
    top, bottom = -K[1, 2] / K[1, 1], (camera.height - K[1, 2]) / K[1, 1]
    return np.array(
        [
            [0.0, 0.0, 1.0, -NEAR_M],
            [1.0, 0.0, -left, 0.0],
            [-1.0, 0.0, right, 0.0],
            [0.0, 1.0, -top, 0.0],
            [0.0, -1.0, bottom, 0.0],
        ]
    )


def _outside_by_corners(camera: Camera, corners: np.ndarray) -> np.ndarray:
    """[M] True where all 8 corners ([M, 8, 3] world) lie outside one frustum plane: the
    test box_in_frustum makes, batched."""
    cam = camera.to_camera(corners.reshape(-1, 3)).reshape(-1, 8, 3)
    x, y, z = cam[..., 0], cam[..., 1], cam[..., 2]
    K = camera.K
    left, right = -K[0, 2] / K[0, 0], (camera.width - K[0, 2]) / K[0, 0]
    top, bottom = -K[1, 2] / K[1, 1], (camera.height - K[1, 2]) / K[1, 1]
    return (
        np.all(z < NEAR_M, axis=1)
        | np.all(x < left * z, axis=1)
        | np.all(x > right * z, axis=1)
        | np.all(y < top * z, axis=1)
        | np.all(y > bottom * z, axis=1)
    )


def visible_indices(camera: Camera, boxes: TileBoxes, margin: float) -> np.ndarray:
    """Indices of the tiles in the view frustum, ordered by (1 - cos angle) x distance, then by
    key: one compiled pass over the boxes (`_visible_kernel`), since every camera update of
    every stream culls the whole world; `visible_indices_numpy` is the same in array operations
    and `visible_tiles_reference` the readable version."""
    if not boxes.tiles:
        return np.zeros(0, np.int64)
    planes = _planes(camera)
    w2c = camera.world_to_camera
    normals = planes[:, :3] @ w2c[:3, :3]  # [5, 3] world-space normals
    offsets = planes[:, :3] @ w2c[:3, 3] + planes[:, 3]
    K = camera.K
    bounds = np.array(
        [
            -K[0, 2] / K[0, 0],
            (camera.width - K[0, 2]) / K[0, 0],
            -K[1, 2] / K[1, 1],
            (camera.height - K[1, 2]) / K[1, 1],
        ]
    )
    return _visible_kernel(
        boxes.box_min,
        boxes.box_max,
        boxes.centers,
        boxes.radius(margin),
        boxes.corners(margin),
        np.ascontiguousarray(w2c),
        bounds,
        normals,
        offsets,
        np.ascontiguousarray(camera.position),
        np.ascontiguousarray(camera.forward),
    )


@njit(cache=True, nogil=True)
def _visible_kernel(
    box_min, box_max, centers, radius, corners, w2c, bounds, normals, offsets, position, forward
):  # pragma: no cover - compiled; tested through visible_indices against the reference
    left, right, top, bottom = bounds[0], bounds[1], bounds[2], bounds[3]
    count = box_min.shape[0]
    keep = np.empty(count, np.int64)
    scores = np.empty(count, np.float64)
    kept = 0
    for i in range(count):
        inside = True
        for a in range(3):
            if not (position[a] >= box_min[i, a] and position[a] < box_max[i, a]):
                inside = False
        if not inside:
            # The bounding sphere first (see visible_indices_numpy), the corners when unsure.
            culled, sure = False, True
            for p in range(5):
                nx, ny, nz = normals[p, 0], normals[p, 1], normals[p, 2]
                signed = centers[i, 0] * nx + centers[i, 1] * ny + centers[i, 2] * nz + offsets[p]
                reach = radius[i] * np.sqrt(nx * nx + ny * ny + nz * nz)
                slack = 1e-9 * (1.0 + abs(signed) + reach)
                if signed + reach < -slack:
                    culled = True
                    break
                if not signed > slack:
                    sure = False
            if culled:
                continue
            if not sure:
                near = xl = xr = yt = yb = True  # "all corners outside" per plane
                for c in range(8):
                    px, py, pz = corners[8 * i + c, 0], corners[8 * i + c, 1], corners[8 * i + c, 2]
                    x = px * w2c[0, 0] + py * w2c[0, 1] + pz * w2c[0, 2] + w2c[0, 3]
                    y = px * w2c[1, 0] + py * w2c[1, 1] + pz * w2c[1, 2] + w2c[1, 3]
                    z = px * w2c[2, 0] + py * w2c[2, 1] + pz * w2c[2, 2] + w2c[2, 3]
                    near = near and z < NEAR_M
                    xl = xl and x < left * z
                    xr = xr and x > right * z
                    yt = yt and y < top * z
                    yb = yb and y > bottom * z
                if near or xl or xr or yt or yb:
                    continue
        dx = centers[i, 0] - position[0]
        dy = centers[i, 1] - position[1]
        dz = centers[i, 2] - position[2]
        distance = np.sqrt(dx * dx + dy * dy + dz * dz)
        cosine = (
            (dx * forward[0] + dy * forward[1] + dz * forward[2]) / distance
            if distance > 0
            else 1.0
        )
        score = 0.0 if inside else (1.0 - cosine) * distance + 1e-3 * distance
        keep[kept] = i
        scores[kept] = np.rint(score * 1e9) / 1e9  # as np.round(score, 9)
        kept += 1
    # A stable sort keeps index (= key) order between equal scores.
    order = np.argsort(scores[:kept], kind="mergesort")
    return keep[:kept][order]


def visible_indices_numpy(camera: Camera, boxes: TileBoxes, margin: float) -> np.ndarray:
    """visible_indices in array operations: the kernel's twin, kept to test it against."""
    if not boxes.tiles:
        return np.zeros(0, np.int64)
    position, forward = camera.position, camera.forward
    inside = np.all((position >= boxes.box_min) & (position < boxes.box_max), axis=1)  # [M]
    # Bounding spheres settle most boxes with one dot product per plane: a sphere wholly
    # outside a plane puts every corner outside it; a centre inside every plane keeps a corner
    # inside each (the centre is the corners' mean), so the box is not culled. Only the rest
    # take the 8-corner test; a small slack leaves float ties to it, so the result is exactly
    # the corner test's.
    planes = _planes(camera)
    normals = planes[:, :3] @ camera.world_to_camera[:3, :3]  # [5, 3] world-space normals
    offsets = planes[:, :3] @ camera.world_to_camera[:3, 3] + planes[:, 3]
    signed = boxes.centers @ normals.T + offsets  # [M, 5]
    reach = boxes.radius(margin)[:, None] * np.linalg.norm(normals, axis=1)[None, :]
    slack = 1e-9 * (1.0 + np.abs(signed) + reach)
    culled = np.any(signed + reach < -slack, axis=1)
    kept = np.all(signed > slack, axis=1)
    unsure = np.flatnonzero(~culled & ~kept & ~inside)
    outside = culled.copy()
    if len(unsure):
        corners = boxes.corners(margin).reshape(-1, 8, 3)[unsure]
        outside[unsure] = _outside_by_corners(camera, corners)
    keep = np.flatnonzero(inside | ~outside)
    offsets_to = boxes.centers[keep] - position  # [K, 3]
    distance = np.linalg.norm(offsets_to, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = np.where(distance > 0, offsets_to @ forward / distance, 1.0)
    score = _score(distance, cosine, inside[keep])
    return keep[np.lexsort((keep, score))]  # score first, then index = key order


def visible_tiles(camera: Camera, boxes: TileBoxes, margin: float) -> list[Tile]:
    """Tiles in the view frustum, ordered by (1 - cos angle) x distance, then by key."""
    return [boxes.tiles[i] for i in visible_indices(camera, boxes, margin)]
