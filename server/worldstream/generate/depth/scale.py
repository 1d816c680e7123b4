"""From a depth model's raw output to depth in metres: kinds, caps, median scale, confidence.

A monocular depth model gives one of three things per pixel:

- ``metric``: depth in metres along the camera's +z. Used as is; values <= 0 mean unknown.
- ``relative``: depth up to an unknown scale and shift (affine-invariant depth). The shift is
  assumed to be 0, so the prediction is taken as depth up to scale.
- ``inverse``: disparity up to an unknown scale and shift, larger = nearer (what Depth Anything
  V2's relative models and MiDaS output). The shift is again assumed to be 0, so depth = 1 /
  disparity up to scale.

Assuming a zero shift is the only choice that needs nothing but the photo; its cost is that the
far field of a disparity map (values near 0) would go to infinity. So both non-metric kinds are
clamped to [m / FAR_CAP_MULTIPLE, m * FAR_CAP_MULTIPLE], m the median depth of the pixels the
model places at a finite positive distance, and the clamped pixels are reported so their
confidence can be set low. `normalise_median` then fixes the scale: the median depth becomes the
assumed one (DESIGN.md § Conventions).

`edge_confidence` is high where depth is smooth and falls to 0 across depth discontinuities,
where a monocular model blends foreground and background and an unprojected point would float
between them. `edge_confidence_reference` is the same measure one pixel at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

DepthKind = Literal["metric", "relative", "inverse"]
DEPTH_KINDS: tuple[str, ...] = ("metric", "relative", "inverse")

# Non-metric depth stays within this factor of its median, either way. 20x the assumed 3 m median
# is 60 m: beyond any interior and far enough for an outdoor backdrop.
FAR_CAP_MULTIPLE = 20.0
# A neighbour this much nearer or farther (relative to the nearer of the two) is a discontinuity:
# confidence falls linearly from 1 at no change to 0 at this relative jump.
EDGE_RELATIVE_JUMP = 0.1
# Confidence given to depth that was clamped to the caps: it is a placeholder, not a measurement.
CLAMPED_CONFIDENCE = 0.05


@dataclass(frozen=True)
class ConvertedDepth:
    depth: np.ndarray  # [H, W] float32, > 0 where known, 0 = unknown; scale not yet fixed
    clamped: np.ndarray  # [H, W] bool: set to a cap (the prediction said nearer or farther)


def _positive_median(values: np.ndarray) -> float:
    positive = values[values > 0]
    if positive.size == 0:
        raise ValueError("the prediction has no positive value")
    return float(np.median(positive))


def to_depth(prediction: np.ndarray, kind: DepthKind) -> ConvertedDepth:
    """Depth [H, W] from a finite prediction [H, W] of the given kind (module docstring)."""
    if kind not in DEPTH_KINDS:
        raise ValueError(f"unknown depth kind {kind!r}; expected one of {DEPTH_KINDS}")
    values = np.asarray(prediction, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"prediction must be [H, W], got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError("the prediction has non-finite values")

    if kind == "metric":
        depth = np.where(values > 0, values, 0.0)
        if not np.any(depth > 0):
            raise ValueError("the prediction has no positive value")
        return ConvertedDepth(depth.astype(np.float32), np.zeros(values.shape, dtype=bool))

    if kind == "inverse":
        median_disparity = _positive_median(values)
        # Disparity at or below the floor (including 0 and negative: "at infinity" under a zero
        # shift) becomes depth FAR_CAP_MULTIPLE times the median depth, 1 / median_disparity.
        floor = median_disparity / FAR_CAP_MULTIPLE
        ceiling = median_disparity * FAR_CAP_MULTIPLE
        clamped = (values < floor) | (values > ceiling)
        depth = 1.0 / np.clip(values, floor, ceiling)
        return ConvertedDepth(depth.astype(np.float32), clamped)

    median_depth = _positive_median(values)
    near, far = median_depth / FAR_CAP_MULTIPLE, median_depth * FAR_CAP_MULTIPLE
    clamped = (values < near) | (values > far)
    return ConvertedDepth(np.clip(values, near, far).astype(np.float32), clamped)


def normalise_median(depth: np.ndarray, target: float) -> np.ndarray:
    """`depth` scaled so the median of its known (> 0) pixels is `target`; 0 stays unknown."""
    if not (np.isfinite(target) and target > 0):
        raise ValueError(f"target median depth must be finite and > 0, got {target}")
    values = np.asarray(depth, dtype=np.float64)
    median = _positive_median(values)
    return (values * (target / median)).astype(np.float32)


def _relative_jump(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a - b| / min(a, b) where both are known (> 0), else 0."""
    known = (a > 0) & (b > 0)
    nearer = np.where(known, np.minimum(a, b), 1.0)
    return np.where(known, np.abs(a - b) / nearer, 0.0)


def edge_confidence(depth: np.ndarray) -> np.ndarray:
    """Confidence [H, W] float32: 1 - (largest relative jump to a 4-neighbour) / EDGE_RELATIVE_JUMP.

    Clipped to [0, 1]; unknown pixels (depth <= 0) get 0. Scale-invariant, so it can be computed
    before the median scale is fixed.
    """
    d = np.asarray(depth, dtype=np.float64)
    jump = np.zeros(d.shape, dtype=np.float64)
    vertical = _relative_jump(d[1:, :], d[:-1, :])
    horizontal = _relative_jump(d[:, 1:], d[:, :-1])
    # Each jump between two pixels counts against both of them.
    jump[1:, :] = np.maximum(jump[1:, :], vertical)
    jump[:-1, :] = np.maximum(jump[:-1, :], vertical)
    jump[:, 1:] = np.maximum(jump[:, 1:], horizontal)
    jump[:, :-1] = np.maximum(jump[:, :-1], horizontal)
    confidence = np.clip(1.0 - jump / EDGE_RELATIVE_JUMP, 0.0, 1.0)
    return np.where(d > 0, confidence, 0.0).astype(np.float32)


def edge_confidence_reference(depth: np.ndarray) -> np.ndarray:
    """`edge_confidence` one pixel at a time: the readable definition it is tested against."""
    d = np.asarray(depth, dtype=np.float64)
    height, width = d.shape
    out = np.zeros((height, width), dtype=np.float32)
    for y in range(height):
        for x in range(width):
            if d[y, x] <= 0:
                continue
            largest = 0.0
            for ny, nx in ((y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)):
                if 0 <= ny < height and 0 <= nx < width and d[ny, nx] > 0:
                    a, b = d[y, x], d[ny, nx]
                    largest = max(largest, abs(a - b) / min(a, b))
            out[y, x] = min(1.0, max(0.0, 1.0 - largest / EDGE_RELATIVE_JUMP))
    return out
