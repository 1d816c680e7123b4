"""The `prior` backend: the photo's pixels placed at a fixed geometric depth prior.

This is the simplest honest seed, standing in until the `classic` backend (layout estimation,
inpainting of unseen views) lands: no learned depth, no new content. The prior is a camera
1.6 m above a floor plane, looking level, with a backdrop plane 6 m ahead; every pixel takes
the nearer of the two. The world's scale is therefore an assumption, recorded as non-metric.
"""

from __future__ import annotations

import numpy as np

from worldstream.generate.base import SeedInfo
from worldstream.geometry.camera import Camera, intrinsics_from_fov
from worldstream.geometry.frame import Frame

EYE_HEIGHT_M = 1.6
BACKDROP_M = 6.0

# Camera at (0, EYE_HEIGHT_M, 0) looking along world -Z (glTF's forward), +Y up. Rows are the
# OpenCV camera axes in world coordinates: x right = +X, y down = -Y, z forward = -Z.
SEED_WORLD_TO_CAMERA = np.array(
    [
        [1.0, 0.0, 0.0, 0.0],
        [0.0, -1.0, 0.0, EYE_HEIGHT_M],
        [0.0, 0.0, -1.0, 0.0],
        [0.0, 0.0, 0.0, 1.0],
    ]
)


def seed_camera(width: int, height: int, horizontal_fov_degrees: float) -> Camera:
    fov_y = np.degrees(
        2 * np.arctan(np.tan(np.radians(horizontal_fov_degrees) / 2) * height / width)
    )
    return Camera(
        intrinsics_from_fov(float(fov_y), width, height), SEED_WORLD_TO_CAMERA, width, height
    )


def floor_and_backdrop_depth(camera: Camera) -> np.ndarray:
    """Depth [H, W] where each pixel's ray meets the floor or the backdrop, whichever is nearer."""
    rays = camera.pixel_rays()  # [H, W, 3], z = 1, so depth equals the ray parameter
    down = rays[..., 1]
    with np.errstate(divide="ignore"):
        floor = np.where(down > 1e-6, EYE_HEIGHT_M / down, np.inf)
    return np.minimum(floor, BACKDROP_M).astype(np.float32)


class PriorGenerator:
    name = "prior"

    def seed(self, image: np.ndarray, horizontal_fov_degrees: float) -> tuple[Frame, SeedInfo]:
        height, width = image.shape[:2]
        camera = seed_camera(width, height, horizontal_fov_degrees)
        depth = floor_and_backdrop_depth(camera)
        # A prior knows nothing of the photo: confidence is uniformly low.
        confidence = np.full(depth.shape, 0.25, dtype=np.float32)
        frame = Frame(np.ascontiguousarray(image, dtype=np.uint8), depth, camera, confidence)
        info = SeedInfo("prior:floor-and-backdrop", False, float(np.median(depth)))
        return frame, info
