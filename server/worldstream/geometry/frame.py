"""A Frame: one view of the world (colour, depth, camera, confidence): the unit of memory."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from worldstream.geometry.camera import Camera


@dataclass(frozen=True)
class Frame:
    rgb: np.ndarray  # [H, W, 3] uint8, sRGB
    depth: np.ndarray  # [H, W] float32, metres along the camera's +z; 0 = unknown
    camera: Camera
    confidence: np.ndarray  # [H, W] float32 in [0, 1]

    def __post_init__(self) -> None:
        h, w = self.camera.height, self.camera.width
        if self.rgb.shape != (h, w, 3) or self.rgb.dtype != np.uint8:
            raise ValueError(
                f"rgb must be uint8 [{h}, {w}, 3], got {self.rgb.dtype} {self.rgb.shape}"
            )
        if self.depth.shape != (h, w) or self.confidence.shape != (h, w):
            raise ValueError(f"depth and confidence must be [{h}, {w}]")

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "rgb": self.rgb,
            "depth": self.depth.astype(np.float32),
            "confidence": self.confidence.astype(np.float32),
            "K": self.camera.K,
            "world_to_camera": self.camera.world_to_camera,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Frame:
        h, w = arrays["depth"].shape
        camera = Camera(arrays["K"], arrays["world_to_camera"], int(w), int(h))
        return cls(arrays["rgb"], arrays["depth"], camera, arrays["confidence"])
