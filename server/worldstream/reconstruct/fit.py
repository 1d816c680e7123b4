"""Fitting the colours of pixel-aligned splats so that the world renders the frame it came from.

Neighbouring splats overlap (they must, or moving the camera opens gaps), so a splat that simply
takes its pixel's colour renders blurred. With the geometry fixed, the rendered image is close to
linear in the splats' DC colours, so a few damped fixed-point steps, each adding the remaining
error at a splat's own pixel to its colour, deconvolve the blur: the same photometric objective
that 3DGS optimisation minimises, restricted to colours and solved without gradients.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from worldstream.geometry.frame import Frame
from worldstream.geometry.gaussians import SH_C0, Gaussians
from worldstream.render import render


@dataclass(frozen=True)
class ColourFit:
    iterations: int = 10
    """Render-and-correct steps; each costs one render of the world at the frame's camera."""
    step: float = 0.85
    """Damping: 1.0 can oscillate because alpha compositing is not symmetric between neighbours."""


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB of two images in [0, 1]."""
    mse = float(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2))
    return float("inf") if mse == 0.0 else 10.0 * np.log10(1.0 / mse)


def fit_colours(
    new: Gaussians,
    pixels: np.ndarray,  # [H, W] bool: the pixel each new splat came from, in row-major order
    frame: Frame,
    world: Gaussians | None = None,
    fit: ColourFit = ColourFit(),
) -> Gaussians:
    """Return `new` with DC colours fitted so world + new renders `frame` at its camera.

    Only the new splats change: what the world already holds is what earlier visits saw.
    """
    if len(new) == 0 or fit.iterations <= 0:
        return new
    target = frame.rgb.astype(np.float32) / 255.0
    sh = new.sh.clone()
    fitted = Gaussians(new.means, new.quats, new.log_scales, new.opacity_logits, sh)
    for _ in range(fit.iterations):
        scene = fitted if world is None or len(world) == 0 else Gaussians.concat([world, fitted])
        seen = render(scene, frame.camera)
        error = (target - seen.rgb)[pixels]  # [N, 3]
        sh[:, 0, :] += torch.from_numpy((fit.step * error / SH_C0).astype(np.float32))
        # Renderers clamp colour at 0, so an unclamped fit keeps pushing dark splats further
        # below it for nothing; and other tools expect colours in [0, 1].
        sh[:, 0, :].clamp_(-0.5 / SH_C0, 0.5 / SH_C0)
    return fitted
