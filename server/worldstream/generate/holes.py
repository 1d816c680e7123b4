"""Depth completion in holes (fast path): the definition of `holes_reference`, computed with one
sweep per direction instead of a walk per pixel, then optionally snapped to layout planes.

A sweep in direction δ visits pixels so that p + δ is done before p; the first known pixel seen
walking from p along δ is then either p + δ itself or the one recorded for p + δ, one step further.
Eight sweeps cost O(H·W) together, where the reference walks O(H·W·hole width). Arithmetic follows
the reference step for step (float64, same order), so the two agree exactly.
"""

from __future__ import annotations

import numba
import numpy as np

from worldstream.generate.holes_reference import DIRECTIONS, SAME_SURFACE
from worldstream.geometry.camera import Camera

_DIRS = np.array(DIRECTIONS, dtype=np.int64)


@numba.njit(cache=True, nogil=True)
def _sweep(inv, known, dy, dx, hit_inv, hit_k, hit_slope):
    h, w = inv.shape
    y_start, y_stop, y_step = (h - 1, -1, -1) if dy > 0 else (0, h, 1)
    x_start, x_stop, x_step = (w - 1, -1, -1) if dx > 0 else (0, w, 1)
    for y in range(y_start, y_stop, y_step):
        for x in range(x_start, x_stop, x_step):
            qy, qx = y + dy, x + dx
            if qy < 0 or qy >= h or qx < 0 or qx >= w:
                hit_k[y, x] = 0
                continue
            if known[qy, qx]:
                hit_inv[y, x] = inv[qy, qx]
                hit_k[y, x] = 1
                slope = 0.0
                ry, rx = qy + dy, qx + dx
                if 0 <= ry < h and 0 <= rx < w and known[ry, rx]:
                    diff = inv[qy, qx] - inv[ry, rx]
                    if abs(diff) <= SAME_SURFACE * inv[qy, qx]:
                        slope = diff
                hit_slope[y, x] = slope
            elif hit_k[qy, qx] > 0:
                hit_inv[y, x] = hit_inv[qy, qx]
                hit_k[y, x] = hit_k[qy, qx] + 1
                hit_slope[y, x] = hit_slope[qy, qx]
            else:
                hit_k[y, x] = 0


@numba.njit(cache=True, nogil=True)
def _combine(known, depth, hit_inv, hit_k, hit_slope, tolerance, out):
    n_dir, h, w = hit_k.shape
    estimates = np.zeros(n_dir, np.float64)
    for y in range(h):
        for x in range(w):
            if known[y, x]:
                out[y, x] = depth[y, x]
                continue
            e_bg = np.inf
            any_hit = False
            for d in range(n_dir):
                k = hit_k[d, y, x]
                if k > 0:
                    any_hit = True
                    w_k = hit_inv[d, y, x]
                    estimates[d] = min(max(w_k + hit_slope[d, y, x] * k, 0.5 * w_k), 2.0 * w_k)
                    e_bg = min(e_bg, estimates[d])
            if not any_hit:
                out[y, x] = 0.0
                continue
            limit = e_bg * (1.0 + tolerance)
            total = 0.0
            weights = 0.0
            w_fg_min = np.inf
            for d in range(n_dir):
                k = hit_k[d, y, x]
                if k == 0:
                    continue
                w_k = hit_inv[d, y, x]
                estimate = estimates[d]
                if estimate <= limit:
                    total += estimate / (k * k)
                    weights += 1.0 / (k * k)
                else:
                    w_fg_min = min(w_fg_min, w_k)
            value = total / weights
            if np.isfinite(w_fg_min):
                value = min(value, w_fg_min / (1.0 + tolerance))
            out[y, x] = np.float32(1.0 / value)


def complete_depth(depth: np.ndarray, hole: np.ndarray, tolerance: float = 0.1) -> np.ndarray:
    """[H, W] float32: `depth` with its hole pixels filled from the background side of each
    occluding edge, never in front of it (see holes_reference for the exact definition)."""
    depth = np.ascontiguousarray(depth, dtype=np.float32)
    known = np.ascontiguousarray((depth > 0) & ~hole)
    inv = np.zeros(depth.shape, np.float64)
    inv[known] = 1.0 / depth[known].astype(np.float64)
    h, w = depth.shape
    n = len(DIRECTIONS)
    hit_inv = np.zeros((n, h, w), np.float64)
    hit_k = np.zeros((n, h, w), np.int64)
    hit_slope = np.zeros((n, h, w), np.float64)
    for i in range(n):
        _sweep(inv, known, int(_DIRS[i, 0]), int(_DIRS[i, 1]), hit_inv[i], hit_k[i], hit_slope[i])
    out = np.zeros((h, w), np.float32)
    _combine(known, depth, hit_inv, hit_k, hit_slope, float(tolerance), out)
    return out


def plane_depths(camera: Camera, planes: list[tuple[np.ndarray, float]]) -> np.ndarray:
    """[P, H, W] z-depth where each pixel's ray meets each world plane n·X + d = 0 from the
    plane's front (the side its normal faces); inf where it does not."""
    rays = camera.pixel_rays()  # [H, W, 3], z = 1: a point at depth z is z * ray
    R = camera.world_to_camera[:3, :3]
    t = camera.world_to_camera[:3, 3]
    out = np.full((len(planes), camera.height, camera.width), np.inf, np.float32)
    for i, (normal, offset) in enumerate(planes):
        n_c = R @ np.asarray(normal, np.float64)
        d_c = float(offset) - float(n_c @ t)
        if d_c <= 0.0:  # the camera is behind the plane: it cannot see its front
            continue
        facing = rays @ n_c  # [H, W]
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(facing < -1e-9, -d_c / facing, np.inf)
        out[i] = z
    return out


def snap_to_planes(
    filled: np.ndarray,
    hole: np.ndarray,
    camera: Camera,
    planes: list[tuple[np.ndarray, float]],
    tolerance: float = 0.1,
    fallback_depth: float = 3.0,
) -> np.ndarray:
    """Hole depth taken from the layout where the layout agrees with the background side.

    In a room, the nearest plane a ray meets from inside is the surface it sees, so a hole pixel
    takes the nearest plane that is not in front of the background estimate (a plane in front of it
    would be an occluder the photo shows no sign of). Pixels with no background estimate (nothing
    known in any direction) take the nearest plane, else `fallback_depth`.
    """
    out = filled.copy()
    if not np.any(hole):
        return out
    if planes:
        hits = plane_depths(camera, planes)  # [P, H, W]
        floor = np.where(filled > 0, filled * (1.0 - tolerance), 0.0)[None]
        allowed = np.where(hits >= floor, hits, np.inf).min(axis=0)
        take = hole & np.isfinite(allowed) & (allowed < 1e4)
        out[take] = allowed[take]
    missing = hole & ~(out > 0)
    out[missing] = fallback_depth
    return out
