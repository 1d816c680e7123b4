"""Lifting a Frame into pixel-aligned Gaussians: one splat per pixel with known depth, and only
where the world does not already explain the frame.

Each splat sits at its pixel's back-projected point, is isotropic with a standard deviation of
`footprint` pixels at that depth (so neighbours overlap and the seed view has no gaps), takes
the pixel's colour as its SH DC term and a high opacity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from worldstream.geometry.frame import Frame
from worldstream.geometry.gaussians import Gaussians, rgb_to_sh_dc
from worldstream.reconstruct.fit import ColourFit, fit_colours
from worldstream.render import render

# Small enough that colour fitting can undo the overlap (see fit.py), large enough that moving
# the camera does not open gaps between neighbours.
DEFAULT_FOOTPRINT_PX = 0.4
DEFAULT_OPACITY = 0.95


def lift_frame(
    frame: Frame,
    mask: np.ndarray | None = None,  # [H, W] bool: pixels to lift; None = all with depth
    footprint_px: float = DEFAULT_FOOTPRINT_PX,
    opacity: float = DEFAULT_OPACITY,
) -> Gaussians:
    valid = np.isfinite(frame.depth) & (frame.depth > 0)
    if mask is not None:
        valid &= mask
    points = frame.camera.unproject(np.where(valid, frame.depth, 0.0))[valid]  # [N, 3]
    depth = frame.depth[valid].astype(np.float64)  # [N]
    focal = float(np.sqrt(frame.camera.K[0, 0] * frame.camera.K[1, 1]))
    sigma = footprint_px * depth / focal  # [N] metres
    n = points.shape[0]
    log_scales = np.repeat(np.log(sigma)[:, None], 3, axis=1)
    quats = np.zeros((n, 4), dtype=np.float32)
    quats[:, 0] = 1.0
    rgb = frame.rgb[valid].astype(np.float32) / 255.0
    sh = rgb_to_sh_dc(rgb)[:, None, :]  # [N, 1, 3]
    logit = float(np.log(opacity / (1.0 - opacity)))
    return Gaussians.from_numpy(
        {
            "means": points,
            "quats": quats,
            "log_scales": log_scales,
            "opacity_logits": np.full(n, logit, dtype=np.float32),
            "sh": sh,
        }
    )


@dataclass(frozen=True)
class Coverage:
    """When the world already explains a pixel of a frame."""

    alpha_min: float = 0.5
    """The world, rendered at the frame's camera, must be at least this opaque there."""
    depth_tolerance: float = 0.05
    """...and its surface no farther than this fraction behind the frame's depth. A world
    surface in front of the frame's is left alone: new splats behind it would never be seen."""


def unexplained(frame: Frame, world: Gaussians, coverage: Coverage = Coverage()) -> np.ndarray:
    """[H, W] bool: pixels with depth that the world, rendered at the frame's camera, lacks."""
    valid = np.isfinite(frame.depth) & (frame.depth > 0)
    if len(world) == 0:
        return valid
    seen = render(world, frame.camera)
    behind = seen.depth > frame.depth * (1.0 + coverage.depth_tolerance)
    return valid & ((seen.alpha < coverage.alpha_min) | behind)


def lift_new(
    frame: Frame,
    world: Gaussians,
    coverage: Coverage = Coverage(),
    fit: ColourFit = ColourFit(),
    footprint_px: float = DEFAULT_FOOTPRINT_PX,
    opacity: float = DEFAULT_OPACITY,
) -> Gaussians:
    """Gaussians for only the pixels of `frame` that `world` does not explain yet, with colours
    fitted so that the world plus them renders the frame."""
    mask = unexplained(frame, world, coverage)
    new = lift_frame(frame, mask, footprint_px, opacity)
    return fit_colours(new, mask, frame, world, fit)
