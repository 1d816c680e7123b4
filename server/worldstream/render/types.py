"""What every renderer returns, the protocol it follows, and the constants of the splat maths.

The constants are the contract between the reference, the numba CPU path and gsplat: they are
the values of the original 3DGS rasteriser (Kerbl et al. 2023) and gsplat's defaults, kept in one
place so the two CPU implementations cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from worldstream.geometry.camera import Camera
from worldstream.geometry.gaussians import Gaussians

# Bands above MAX_SH_DEGREE are ignored by every backend alike; the constants are geometry's.
from worldstream.geometry.sh import MAX_SH_DEGREE, SH_C1, SH_C2, SH_C3  # noqa: F401

NEAR_Z = 0.01  # Gaussians whose camera-space z is <= this are skipped (gsplat's near_plane)
LOWPASS = 0.3  # px^2 added to the 2D covariance diagonal (gsplat's eps2d)
FOV_GUARD = 0.3  # x/z, y/z clipped to the image plus 30% of the half-FOV tangent before J
SIGMA_EXTENT = 3.0  # a splat reaches pixel centres within 3 sigma of its major axis (a square)
ALPHA_MIN = 1.0 / 255.0  # contributions below this are skipped
ALPHA_MAX = 0.99  # one splat never makes a pixel fully opaque
T_MIN = 1e-4  # a pixel stops once its transmittance would fall to this or below
TILE = 16  # pixels per tile side (gsplat's tile_size)


@dataclass
class RenderResult:
    rgb: np.ndarray  # [H, W, 3] float32 in [0, 1], composited over the background
    depth: np.ndarray  # [H, W] float32, expected z along the optical axis; 0 where alpha == 0
    alpha: np.ndarray  # [H, W] float32 in [0, 1], 1 - final transmittance

    @property
    def height(self) -> int:
        return int(self.alpha.shape[0])

    @property
    def width(self) -> int:
        return int(self.alpha.shape[1])


@runtime_checkable
class Renderer(Protocol):
    name: str

    def render(
        self, gaussians: Gaussians, camera: Camera, background: Sequence[float] = (0.0, 0.0, 0.0)
    ) -> RenderResult: ...


def background_rgb(background: Sequence[float]) -> np.ndarray:
    """Validated background colour [3] float64."""
    bg = np.asarray(background, dtype=np.float64).reshape(-1)
    if bg.shape != (3,) or not np.all(np.isfinite(bg)):
        raise ValueError(f"background must be 3 finite floats, got {background!r}")
    return bg


def finish(
    color: np.ndarray, depth_sum: np.ndarray, transmittance: np.ndarray, bg: np.ndarray
) -> RenderResult:
    """Accumulated colour [H,W,3], depth sum [H,W], final T [H,W] -> a RenderResult.

    Shared by the CPU backends so that background, clipping and the depth division agree.
    """
    alpha = 1.0 - transmittance  # [H, W]
    rgb = np.clip(color + transmittance[..., None] * bg, 0.0, 1.0)  # [H, W, 3]
    with np.errstate(divide="ignore", invalid="ignore"):
        depth = np.where(alpha > 0.0, depth_sum / alpha, 0.0)  # [H, W]
    return RenderResult(
        rgb=rgb.astype(np.float32),
        depth=depth.astype(np.float32),
        alpha=np.clip(alpha, 0.0, 1.0).astype(np.float32),
    )


def empty_result(width: int, height: int, bg: np.ndarray) -> RenderResult:
    return RenderResult(
        rgb=np.broadcast_to(np.clip(bg, 0.0, 1.0), (height, width, 3)).astype(np.float32),
        depth=np.zeros((height, width), np.float32),
        alpha=np.zeros((height, width), np.float32),
    )
