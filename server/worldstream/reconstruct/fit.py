"""Fitting the colours of pixel-aligned splats so that the world renders the views it came from.

Neighbouring splats overlap (they must, or moving the camera opens gaps), so a splat that simply
takes its pixel's colour renders blurred. With the geometry fixed, the rendered image is close to
linear in the splats' DC colours, so a few damped fixed-point steps, each adding to a splat's
colour the remaining error at the pixel where the splat lands, deconvolve the blur: the same
photometric objective that 3DGS optimisation minimises, restricted to colours and solved without
gradients. Fitting one view alone overfits that view's exact pixel grid and depth order; fitting
several (the photo and its warps to nearby poses) keeps what holds across them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from worldstream.geometry.camera import Camera
from worldstream.geometry.frame import Frame
from worldstream.geometry.gaussians import SH_C0, Gaussians
from worldstream.render import render

# A splat takes a view's error only where it is not hidden: no farther than this fraction behind
# the rendered depth at its pixel. One-sided, because at a silhouette the rendered depth blends
# the two sides and the splats in front must still count.
VISIBLE_TOLERANCE = 0.01


@dataclass(frozen=True)
class ColourFit:
    iterations: int = 10
    """Render-and-correct steps; each costs one render of the world per view."""
    step: float = 0.85
    """Damping: 1.0 can oscillate because alpha compositing is not symmetric between neighbours."""


@dataclass(frozen=True)
class FitView:
    camera: Camera
    rgb: np.ndarray  # [H, W, 3] float32 in [0, 1]
    valid: np.ndarray  # [H, W] bool: pixels whose colour is known
    hidden_tolerance: float = VISIBLE_TOLERANCE
    """Splats farther than this fraction behind the rendered surface take no error. A view the
    splats were lifted from needs no test (inf): each lands on its own pixel, and the ones half
    covered at a silhouette must still be fitted."""


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB of two images in [0, 1]."""
    mse = float(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2))
    return float("inf") if mse == 0.0 else 10.0 * np.log10(1.0 / mse)


def fit_views(
    new: Gaussians,
    views: Sequence[FitView],
    world: Gaussians | None = None,
    fit: ColourFit = ColourFit(),
) -> Gaussians:
    """Return `new` with DC colours fitted so world + new renders every view.

    Only the new splats change: what the world already holds is what earlier visits saw. Each
    step averages, per splat, the error over the views where the splat is visible.
    """
    if len(new) == 0 or fit.iterations <= 0 or not views:
        return new
    sh = new.sh.clone()
    fitted = Gaussians(new.means, new.quats, new.log_scales, new.opacity_logits, sh)
    means = new.means.numpy().astype(np.float64)
    landing = [_landing(means, view) for view in views]
    for _ in range(fit.iterations):
        scene = fitted if world is None or len(world) == 0 else Gaussians.concat([world, fitted])
        total = np.zeros((len(new), 3), np.float64)
        count = np.zeros(len(new), np.int64)
        for view, (rows, cols, index, z) in zip(views, landing, strict=True):
            seen = render(scene, view.camera)
            if math.isinf(view.hidden_tolerance):
                visible = np.ones(len(index), bool)
            else:
                visible = z <= seen.depth[rows, cols] * (1.0 + view.hidden_tolerance)
            hit = index[visible]
            total[hit] += view.rgb[rows[visible], cols[visible]] - seen.rgb[rows, cols][visible]
            count[hit] += 1
        update = total / np.maximum(count, 1)[:, None]
        sh[:, 0, :] += torch.from_numpy((fit.step * update / SH_C0).astype(np.float32))
        # Renderers clamp colour at 0, so an unclamped fit keeps pushing dark splats further
        # below it for nothing; and other tools expect colours in [0, 1].
        sh[:, 0, :].clamp_(-0.5 / SH_C0, 0.5 / SH_C0)
    return fitted


def _landing(
    means: np.ndarray, view: FitView
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Where each splat lands in a view: (row, col, splat index, depth) for those on a valid
    pixel."""
    uv, z = view.camera.project(means)
    cols = np.floor(uv[:, 0])
    rows = np.floor(uv[:, 1])
    h, w = view.valid.shape
    inside = (z > 1e-6) & (cols >= 0) & (cols < w) & (rows >= 0) & (rows < h)
    index = np.flatnonzero(inside)
    rows = rows[index].astype(np.int64)
    cols = cols[index].astype(np.int64)
    on_valid = view.valid[rows, cols]
    return rows[on_valid], cols[on_valid], index[on_valid], z[index][on_valid]


def fit_colours(
    new: Gaussians,
    pixels: np.ndarray,  # [H, W] bool: the pixels the new splats came from
    frame: Frame,
    world: Gaussians | None = None,
    fit: ColourFit = ColourFit(),
) -> Gaussians:
    """Return `new` with DC colours fitted so world + new renders `frame` at its camera."""
    view = FitView(frame.camera, frame.rgb.astype(np.float32) / 255.0, pixels, math.inf)
    return fit_views(new, [view], world, fit)
