"""Where the seed camera stands in the world: gravity-aligned, floor at y = 0 when one is known.

The world frame is +Y up (DESIGN.md). When the depth estimator found the up direction (a vertical
vanishing point, a floor), the seed camera is turned so that direction becomes +Y and lifted to its
height above the floor, so game engines get a level floor at y = 0; the camera keeps looking along
-Z (glTF's forward). Without an up direction the camera is assumed level.
"""

from __future__ import annotations

import numpy as np

from worldstream.generate.base import WorldPlane
from worldstream.generate.depth.base import ASSUMED_EYE_HEIGHT_M, Plane

LEVEL_UP = np.array([0.0, -1.0, 0.0])  # camera y points down: a level camera sees up as -y


def seed_world_to_camera(up: np.ndarray | None, height: float) -> np.ndarray:
    """[4, 4] world-to-camera for a camera `height` m above y = 0 whose up is `up` (camera axes)."""
    up_c = LEVEL_UP if up is None else np.asarray(up, np.float64) / np.linalg.norm(up)
    forward = np.array([0.0, 0.0, 1.0]) - up_c[2] * up_c  # the optical axis made horizontal
    if np.linalg.norm(forward) < 1e-6:  # looking straight up or down: any horizontal will do
        forward = np.array([1.0, 0.0, 0.0]) - up_c[0] * up_c
    forward /= np.linalg.norm(forward)
    # Columns are the world axes in camera coordinates: +Y -> up, -Z -> forward, X = Y x Z.
    y_axis, z_axis = up_c, -forward
    rotation = np.stack([np.cross(y_axis, z_axis), y_axis, z_axis], axis=1)
    w2c = np.eye(4)
    w2c[:3, :3] = rotation
    w2c[:3, 3] = -rotation @ np.array([0.0, height, 0.0])
    return w2c


def floor_height(planes: list[Plane], up: np.ndarray | None) -> float:
    """The camera's height above the floor plane, or the assumed eye height without one."""
    for plane in planes:
        level = up is None or float(np.dot(plane.normal, up)) > 0.95
        if plane.kind == "floor" and plane.offset > 0 and level:
            return float(plane.offset)
    return ASSUMED_EYE_HEIGHT_M


def planes_to_world(planes: list[Plane], world_to_camera: np.ndarray) -> list[WorldPlane]:
    """Layout planes (camera frame) in the world frame; objects stay out, being bounded."""
    rotation, t = world_to_camera[:3, :3], world_to_camera[:3, 3]
    out: list[WorldPlane] = []
    for plane in planes:
        if plane.kind == "object":
            continue
        n_c = np.asarray(plane.normal, np.float64)
        out.append((rotation.T @ n_c, float(plane.offset + n_c @ t)))
    return out
