"""A frame's photo as another camera would see it, through the frame's own depth.

The target's depth comes from forward-projecting the frame's points (nearest wins); its colour
from a bicubic lookup of the frame's photo at each target pixel's point, so the warp is as sharp
as the photo allows. Only target pixels whose point the frame itself saw are valid: the rest
(disocclusions, the world outside the frame) are unknown, not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from worldstream.geometry.camera import Camera
from worldstream.geometry.frame import Frame

# A target pixel is the frame's surface when its point lies within this fraction of the depth
# the frame measured there; farther off, the frame saw something else in front of it.
SEEN_TOLERANCE = 0.02


@dataclass(frozen=True)
class Warped:
    camera: Camera
    rgb: np.ndarray  # [H, W, 3] float32 in [0, 1]
    depth: np.ndarray  # [H, W] float32, 0 where unknown
    valid: np.ndarray  # [H, W] bool: pixels whose surface the frame saw


def forward_depth(frame: Frame, camera: Camera) -> np.ndarray:
    """[H, W] depth of the frame's points seen from `camera`, 0 where none lands.

    Pinholes (the target magnifies the frame) take the farthest neighbour's depth, the side
    a disocclusion belongs to; what is not the frame's surface is rejected later.
    """
    valid = np.isfinite(frame.depth) & (frame.depth > 0)
    points = frame.camera.unproject(np.where(valid, frame.depth, 0.0))[valid]
    uv, z = camera.project(points)
    u = np.floor(uv[:, 0]).astype(np.int64)
    v = np.floor(uv[:, 1]).astype(np.int64)
    keep = (z > 1e-6) & (u >= 0) & (u < camera.width) & (v >= 0) & (v < camera.height)
    u, v, z = u[keep], v[keep], z[keep]
    depth = np.zeros((camera.height, camera.width), np.float32)
    # Farthest first, so that the nearest point landing on a pixel is the last written.
    order = np.argsort(-z, kind="stable")
    depth[v[order], u[order]] = z[order]
    farthest = cv2.dilate(depth, np.ones((3, 3), np.uint8))
    return np.where(depth > 0, depth, farthest)


def warp_frame(frame: Frame, camera: Camera) -> Warped:
    depth = forward_depth(frame, camera)
    known = depth > 0
    points = camera.unproject(depth).reshape(-1, 3)
    uv, z = frame.camera.project(points)
    # cv2.remap puts pixel centres on integers; the cameras put them at +0.5.
    maps = (uv - 0.5).reshape(camera.height, camera.width, 2).astype(np.float32)
    photo = frame.rgb.astype(np.float32) / 255.0
    rgb = cv2.remap(photo, maps[..., 0], maps[..., 1], cv2.INTER_CUBIC, cv2.BORDER_REPLICATE)
    u = np.floor(uv[:, 0])
    v = np.floor(uv[:, 1])
    inside = (
        known.reshape(-1)
        & (z > 1e-6)
        & (u >= 0)
        & (u < frame.camera.width)
        & (v >= 0)
        & (v < frame.camera.height)
    )
    iu = np.where(inside, u, 0).astype(np.int64)
    iv = np.where(inside, v, 0).astype(np.int64)
    measured = frame.depth[iv, iu]
    seen = inside & (measured > 0) & (np.abs(measured - z) <= SEEN_TOLERANCE * z)
    valid = seen.reshape(camera.height, camera.width)
    return Warped(camera, np.clip(rgb, 0.0, 1.0), np.where(valid, depth, 0.0), valid)
