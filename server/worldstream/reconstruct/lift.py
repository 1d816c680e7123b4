"""Lifting a Frame into pixel-aligned Gaussians: one splat per pixel with known depth.

Each splat sits at its pixel's back-projected point, is isotropic with a standard deviation of
`footprint` pixels at that depth (so neighbours overlap and the seed view has no gaps), takes
the pixel's colour as its SH DC term and a high opacity.
"""

from __future__ import annotations

import numpy as np

from worldstream.geometry.frame import Frame
from worldstream.geometry.gaussians import Gaussians, rgb_to_sh_dc

DEFAULT_FOOTPRINT_PX = 0.7
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
