"""What a depth estimator gives the classic generator: depth, its scale, and the layout it found.

Estimators are pluggable (`DepthEstimator`): an ONNX monocular depth model the user points to, a
geometric layout prior that needs no weights, or depth that is simply given (ground truth in
tests). All work in the seed camera's OpenCV axes (x right, y down, z forward), metres.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np

from worldstream.geometry.camera import Camera

PlaneKind = Literal["floor", "ceiling", "wall", "object", "backdrop"]


@dataclass(frozen=True)
class Plane:
    """A plane n·x + offset = 0 in the camera frame, its normal facing the camera's side."""

    normal: np.ndarray  # [3] unit
    offset: float  # metres; the camera is at distance |offset| from the plane
    kind: PlaneKind


@dataclass(frozen=True)
class DepthEstimate:
    depth: np.ndarray  # [H, W] float32, metres along +z, finite and > 0 wherever known
    metric: bool  # True only when the source gives true metres (a metric model, given depth)
    source: str  # what made it, recorded in the world's manifest, e.g. "layout:manhattan"
    confidence: np.ndarray  # [H, W] float32 in [0, 1]
    planes: list[Plane] = field(default_factory=list)  # layout planes, may be empty
    labels: np.ndarray | None = None  # [H, W] int16: index into `planes` per pixel, -1 none
    up: np.ndarray | None = None  # [3] unit world-up direction in camera axes, when estimated
    notes: list[str] = field(default_factory=list)  # what was assumed, for docs and logs


class DepthEstimator(Protocol):
    name: str

    def estimate(self, rgb: np.ndarray, camera: Camera) -> DepthEstimate:
        """Depth for `rgb` ([H, W, 3] uint8) seen by `camera` (intrinsics used; pose ignored)."""
        ...


# A monocular depth without a metric scale is scaled so that the photo's median depth is this
# (DESIGN.md § Conventions: the seed fixes the world's scale and records the assumption).
ASSUMED_MEDIAN_DEPTH_M = 3.0
# Height of the camera above the floor when a layout gives the scale instead (standing eye height).
ASSUMED_EYE_HEIGHT_M = 1.6
