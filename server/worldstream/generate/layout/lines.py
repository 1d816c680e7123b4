"""Straight line segments of a photo (OpenCV's LSD), with what the Manhattan fit needs of them.

LSD (von Gioi et al. 2012) finds segments without parameters to tune and with a false-detection
control, which makes it a good front end for vanishing points. It runs on a grey image scaled so
that its long side is at most `max_side` pixels: finer resolution only adds short texture
segments that carry no layout. Segments shorter than `min_length_frac` of the image diagonal are
dropped for the same reason. Endpoints are returned in the caller's pixel coordinates.

Each segment also gets its *interpretation plane* normal: the plane through the camera centre and
the segment, n = K^-1 p0 x K^-1 p1. A 3D direction d can be the segment's direction only if
n . d = 0, which is how a segment votes for a vanishing direction without ever forming the
(possibly infinite) vanishing point in the image.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Segments:
    """N line segments in pixel coordinates (pixel centres at +0.5, like `Camera`)."""

    p0: np.ndarray  # [N, 2] float64 (u, v)
    p1: np.ndarray  # [N, 2] float64 (u, v)

    def __len__(self) -> int:
        return len(self.p0)

    @property
    def length(self) -> np.ndarray:  # [N]
        return np.linalg.norm(self.p1 - self.p0, axis=1)

    @property
    def midpoint(self) -> np.ndarray:  # [N, 2]
        return 0.5 * (self.p0 + self.p1)

    @property
    def direction(self) -> np.ndarray:  # [N, 2] unit
        d = self.p1 - self.p0
        return d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-12)

    def normals(self, K: np.ndarray) -> np.ndarray:
        """Unit interpretation-plane normals [N, 3] in camera axes."""
        K_inv = np.linalg.inv(K)
        a = np.c_[self.p0, np.ones(len(self))] @ K_inv.T
        b = np.c_[self.p1, np.ones(len(self))] @ K_inv.T
        n = np.cross(a, b)
        return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)

    def select(self, keep: np.ndarray) -> Segments:
        return Segments(self.p0[keep], self.p1[keep])


def detect_segments(
    rgb: np.ndarray, max_side: int = 640, min_length_frac: float = 0.025
) -> Segments:
    """LSD segments of `rgb` ([H, W, 3] uint8), longest first."""
    h, w = rgb.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    if scale < 1.0:
        grey = cv2.resize(grey, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    lines = cv2.createLineSegmentDetector().detect(grey)[0]
    if lines is None:
        return Segments(np.zeros((0, 2)), np.zeros((0, 2)))
    lines = lines.reshape(-1, 4).astype(np.float64)
    # LSD's coordinates put pixel centres at integers; ours put them at +0.5.
    p0 = (lines[:, 0:2] + 0.5) / scale
    p1 = (lines[:, 2:4] + 0.5) / scale
    length = np.linalg.norm(p1 - p0, axis=1)
    keep = length >= min_length_frac * np.hypot(w, h)
    order = np.argsort(-length[keep], kind="stable")
    return Segments(p0[keep][order], p1[keep][order])
