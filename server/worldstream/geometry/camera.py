"""The one camera type: pinhole intrinsics in pixels, world-to-camera extrinsics in OpenCV axes.

OpenCV camera axes are x right, y down, z forward (the convention of gsplat and Lyra 2.0). The
world frame is right-handed, +Y up, metres. Every other convention is converted in
`geometry.engine`, never here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


def intrinsics_from_fov(fov_y_degrees: float, width: int, height: int) -> np.ndarray:
    """Pinhole K [3,3] with square pixels and the principal point at the image centre."""
    if not (0.0 < fov_y_degrees < 180.0):
        raise ValueError(f"vertical field of view must be in (0, 180) degrees, got {fov_y_degrees}")
    fy = 0.5 * height / math.tan(math.radians(fov_y_degrees) / 2.0)
    return np.array(
        [[fy, 0.0, width / 2.0], [0.0, fy, height / 2.0], [0.0, 0.0, 1.0]], dtype=np.float64
    )


def look_at(eye, target, up=(0.0, 1.0, 0.0)) -> np.ndarray:
    """World-to-camera [4,4] for a camera at `eye` looking at `target` (OpenCV axes)."""
    eye = np.asarray(eye, dtype=np.float64)
    forward = np.asarray(target, dtype=np.float64) - eye
    norm = np.linalg.norm(forward)
    if norm == 0.0:
        raise ValueError("eye and target coincide")
    forward /= norm
    right = np.cross(forward, np.asarray(up, dtype=np.float64))
    if np.linalg.norm(right) < 1e-9:
        raise ValueError("view direction is parallel to up")
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    rotation = np.stack([right, down, forward])  # rows: camera axes in world coordinates
    w2c = np.eye(4)
    w2c[:3, :3] = rotation
    w2c[:3, 3] = -rotation @ eye
    return w2c


_EYE3 = np.eye(3)
_ROTATION_TOLERANCE = 1e-5 + 1e-5 * _EYE3  # allclose's atol + rtol * |I|


@dataclass(frozen=True)
class Camera:
    """A pinhole camera. Arrays are float64 and never mutated after construction."""

    K: np.ndarray  # [3, 3] intrinsics in pixels
    world_to_camera: np.ndarray  # [4, 4] rigid transform, OpenCV camera axes
    width: int
    height: int
    _c2w: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        K = np.asarray(self.K, dtype=np.float64).reshape(3, 3)
        w2c = np.asarray(self.world_to_camera, dtype=np.float64).reshape(4, 4)
        if not (np.all(np.isfinite(K)) and np.all(np.isfinite(w2c))):
            raise ValueError("camera has non-finite values")
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"image size must be positive, got {self.width}x{self.height}")
        if K[0, 0] <= 0 or K[1, 1] <= 0:
            raise ValueError("focal lengths must be positive")
        rotation = w2c[:3, :3]
        # np.allclose(R R^T, I, atol=1e-5) and det(R) >= 0, written out: this runs for every
        # camera update of every stream, and the generic calls cost most of it.
        if (
            not np.all(np.abs(rotation @ rotation.T - _EYE3) <= _ROTATION_TOLERANCE)
            or np.linalg.det(rotation) < 0
        ):
            raise ValueError("world_to_camera rotation is not a proper rotation")
        K.setflags(write=False)
        w2c.setflags(write=False)
        object.__setattr__(self, "K", K)
        object.__setattr__(self, "world_to_camera", w2c)
        c2w = np.linalg.inv(w2c)
        c2w.setflags(write=False)
        object.__setattr__(self, "_c2w", c2w)

    @classmethod
    def from_fov(
        cls, fov_y_degrees: float, width: int, height: int, world_to_camera: np.ndarray
    ) -> Camera:
        return cls(
            intrinsics_from_fov(fov_y_degrees, width, height), world_to_camera, width, height
        )

    @property
    def camera_to_world(self) -> np.ndarray:
        return self._c2w

    @property
    def position(self) -> np.ndarray:
        return self._c2w[:3, 3]

    @property
    def forward(self) -> np.ndarray:
        """Viewing direction (+z of the camera) in world coordinates."""
        return self._c2w[:3, 2]

    @property
    def fov_y_degrees(self) -> float:
        return math.degrees(2.0 * math.atan(0.5 * self.height / self.K[1, 1]))

    def with_pose(self, world_to_camera: np.ndarray) -> Camera:
        return Camera(self.K, world_to_camera, self.width, self.height)

    def resized(self, width: int, height: int) -> Camera:
        """The same view at another resolution (intrinsics scaled per axis)."""
        sx, sy = width / self.width, height / self.height
        K = self.K.copy()
        K[0] *= sx
        K[1] *= sy
        return Camera(K, self.world_to_camera, width, height)

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """World points [N,3] -> camera-space points [N,3]."""
        return points @ self.world_to_camera[:3, :3].T + self.world_to_camera[:3, 3]

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World points [N,3] -> pixel coordinates [N,2] and depth along +z [N]."""
        cam = self.to_camera(np.asarray(points, dtype=np.float64))
        z = cam[:, 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            u = self.K[0, 0] * cam[:, 0] / z + self.K[0, 2]
            v = self.K[1, 1] * cam[:, 1] / z + self.K[1, 2]
        return np.stack([u, v], axis=1), z

    def pixel_rays(self) -> np.ndarray:
        """Camera-space rays [H,W,3] through pixel centres, with z = 1."""
        u = np.arange(self.width, dtype=np.float64) + 0.5
        v = np.arange(self.height, dtype=np.float64) + 0.5
        uu, vv = np.meshgrid(u, v)
        x = (uu - self.K[0, 2]) / self.K[0, 0]
        y = (vv - self.K[1, 2]) / self.K[1, 1]
        return np.stack([x, y, np.ones_like(x)], axis=-1)

    def unproject(self, depth: np.ndarray) -> np.ndarray:
        """A depth map [H,W] (z along the optical axis) -> world points [H,W,3]."""
        if depth.shape != (self.height, self.width):
            raise ValueError(f"depth is {depth.shape}, camera is {self.height}x{self.width}")
        cam = self.pixel_rays() * depth[..., None]
        return cam @ self._c2w[:3, :3].T + self._c2w[:3, 3]


def moved(camera: Camera, forward_m: float = 0.0, yaw_degrees: float = 0.0) -> Camera:
    """`camera` stepped `forward_m` along its horizontal view direction, then turned about world
    +Y by `yaw_degrees` (positive turns left, seen from above)."""
    c2w = np.linalg.inv(camera.world_to_camera)
    forward = c2w[:3, 2].copy()
    forward[1] = 0.0
    if np.linalg.norm(forward) > 1e-9:
        forward /= np.linalg.norm(forward)
    angle = np.radians(yaw_degrees)
    c, s = np.cos(angle), np.sin(angle)
    turn = np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])
    c2w[:3, 3] += forward * forward_m
    c2w[:3, :3] = turn @ c2w[:3, :3]
    return camera.with_pose(np.linalg.inv(c2w))
