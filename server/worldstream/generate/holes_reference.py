"""Depth completion in holes, the readable reference: walk from each hole pixel to the first known
pixel in each of eight directions, keep the background sides, extend their surfaces into the hole.

Definition (shared with the fast path in `holes.py`, which must give the same numbers):

* For a hole pixel p and each direction δ of the eight neighbours, walk q_k = p + kδ, k = 1, 2, …
  until a known pixel (depth > 0) or the image border. A hit gives the inverse depth w_k of q_k,
  the step count k, and the surface's slope s along δ there: s = w(q_k) − w(q_k + δ) when
  q_k + δ is known and on the same surface (relative inverse-depth difference ≤ SAME_SURFACE),
  else 0. Inverse depth is linear in pixel coordinates on a plane, so extending w_k by s·k is exact
  for planar surfaces.
* Each hit's estimate at p is e_k = w_k + s·k, clamped to [w_k / 2, 2 w_k] so a steep slope
  cannot run away. The background is the farthest estimate, e_bg = min e_k; hits with
  e_k ≤ e_bg · (1 + tolerance) are background sides (one slanted plane seen on all sides gives
  equal estimates, so all its sides count); the others are occluders (foreground).
* Background estimates are averaged with weights 1 / k².
* Never in front of the occluder: when foreground sides exist, the result's inverse depth is at
  most w_fg_min / (1 + tolerance), where w_fg_min is the smallest inverse depth of an occluder
  at its edge.
* A hole pixel with no hit in any direction stays 0 (unknown): there is nothing to continue.
"""

from __future__ import annotations

import numpy as np

DIRECTIONS = ((0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1))
SAME_SURFACE = 0.05


def _slope(inv: np.ndarray, known: np.ndarray, y: int, x: int, dy: int, dx: int) -> float:
    h, w = inv.shape
    y2, x2 = y + dy, x + dx
    if 0 <= y2 < h and 0 <= x2 < w and known[y2, x2]:
        diff = inv[y, x] - inv[y2, x2]
        if abs(diff) <= SAME_SURFACE * inv[y, x]:
            return float(diff)
    return 0.0


def complete_depth_reference(
    depth: np.ndarray, hole: np.ndarray, tolerance: float = 0.1
) -> np.ndarray:
    """[H, W] float32 depth with hole pixels filled from the background side (0 where no side)."""
    depth = np.asarray(depth, dtype=np.float32)
    known = (depth > 0) & ~hole
    inv = np.zeros(depth.shape, np.float64)
    inv[known] = 1.0 / depth[known].astype(np.float64)
    h, w = depth.shape
    out = np.where(known, depth, 0.0).astype(np.float32)
    for y in range(h):
        for x in range(w):
            if known[y, x]:
                continue
            hits: list[tuple[float, int, float]] = []  # (inverse depth, steps, slope)
            for dy, dx in DIRECTIONS:
                k, qy, qx = 1, y + dy, x + dx
                while 0 <= qy < h and 0 <= qx < w and not known[qy, qx]:
                    k, qy, qx = k + 1, qy + dy, qx + dx
                if 0 <= qy < h and 0 <= qx < w:
                    hits.append((float(inv[qy, qx]), k, _slope(inv, known, qy, qx, dy, dx)))
            if not hits:
                continue
            estimates = [min(max(w_k + s * k, 0.5 * w_k), 2.0 * w_k) for w_k, k, s in hits]
            limit = min(estimates) * (1.0 + tolerance)
            total, weights, w_fg_min = 0.0, 0.0, np.inf
            for (w_k, k, _), estimate in zip(hits, estimates, strict=True):
                if estimate <= limit:
                    total += estimate / (k * k)
                    weights += 1.0 / (k * k)
                else:
                    w_fg_min = min(w_fg_min, w_k)
            value = total / weights
            if np.isfinite(w_fg_min):
                value = min(value, w_fg_min / (1.0 + tolerance))
            out[y, x] = np.float32(1.0 / value)
    return out
