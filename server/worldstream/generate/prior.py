"""The `prior` depth: a floor 1.6 m below a level camera and a backdrop 6 m ahead.

The simplest honest depth: it knows nothing of the photo. The `prior` backend is the classic
generator with this estimator instead of the layout prior; it is kept as a fast, predictable
baseline (tests, benchmarks) and as what the layout prior's gains are measured against. The
world's scale is an assumption, recorded as non-metric.
"""

from __future__ import annotations

import numpy as np

from worldstream.generate.depth.base import ASSUMED_EYE_HEIGHT_M, DepthEstimate, Plane
from worldstream.geometry.camera import Camera

EYE_HEIGHT_M = ASSUMED_EYE_HEIGHT_M
BACKDROP_M = 6.0
SOURCE = "prior:floor-and-backdrop"


def floor_and_backdrop_depth(camera: Camera) -> np.ndarray:
    """Depth [H, W] where each pixel's ray meets the floor or the backdrop, whichever is nearer,
    for a level camera (camera y points straight down)."""
    rays = camera.pixel_rays()  # [H, W, 3], z = 1, so depth equals the ray parameter
    down = rays[..., 1]
    with np.errstate(divide="ignore"):
        floor = np.where(down > 1e-6, EYE_HEIGHT_M / down, np.inf)
    return np.minimum(floor, BACKDROP_M).astype(np.float32)


class FloorBackdropDepth:
    name = "prior"

    def estimate(self, rgb: np.ndarray, camera: Camera) -> DepthEstimate:
        depth = floor_and_backdrop_depth(camera)
        floor = Plane(np.array([0.0, -1.0, 0.0]), EYE_HEIGHT_M, "floor")
        backdrop = Plane(np.array([0.0, 0.0, -1.0]), BACKDROP_M, "backdrop")
        labels = np.where(depth < BACKDROP_M, 0, 1).astype(np.int16)
        return DepthEstimate(
            depth=depth,
            metric=False,
            source=SOURCE,
            # A prior knows nothing of the photo: confidence is uniformly low.
            confidence=np.full(depth.shape, 0.25, dtype=np.float32),
            planes=[floor, backdrop],
            labels=labels,
            up=np.array([0.0, -1.0, 0.0]),
            notes=[f"level camera {EYE_HEIGHT_M} m above a floor, backdrop at {BACKDROP_M} m"],
        )
