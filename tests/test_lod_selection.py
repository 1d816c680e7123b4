"""LOD levels seen where the scheduler picks them: a coarse level blurs level 0, it does not break
it up. The tile is a wall as the seed lift makes one (reconstruct/seed_lift.py), the structure
that left real worlds' coarse levels a see-through mosaic; bench/bench_lod_selection.py measures
the same on real worlds."""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

from worldstream.geometry.camera import Camera, look_at
from worldstream.geometry.gaussians import Gaussians, rgb_to_sh_dc
from worldstream.render import render
from worldstream.testing.rooms import fbm
from worldstream.tiles.lod import LodLevel, build_lod

BOX_MIN = np.zeros(3)
BOX_MAX = np.full(3, 4.0)
SIZE = (96, 72)
FOV = 50.0


def lifted_wall(side: int = 128, tilt_degrees: float = 20.0) -> dict:
    """A textured wall, turned about the vertical, in the seed lift's two layers: a front layer of
    one 0.6-opacity splat per pixel, every other one (a checkerboard) stepped forward, over an
    opaque back layer at half the resolution, behind it. Offsets in pixel spacings, as the lift
    makes them for a wall about 6 m away."""
    spacing = 3.2 / side
    u, v = np.meshgrid(np.arange(side) + 0.5, np.arange(side) + 0.5)
    checker = ((np.arange(side)[None, :] + np.arange(side)[:, None]) % 2).ravel()
    half = side // 2
    bu, bv = np.meshgrid(2 * np.arange(half) + 1.0, 2 * np.arange(half) + 1.0)
    x = np.concatenate([u.ravel(), bu.ravel()]) * spacing
    y = np.concatenate([v.ravel(), bv.ravel()]) * spacing
    depth = np.concatenate([-2.4 * checker, np.full(half * half, 7.0)]) * spacing
    front = side * side
    t = math.radians(tilt_degrees)
    means = np.stack(
        [
            0.4 + x * math.cos(t) + depth * math.sin(t),
            0.4 + y,
            2.6 - x * math.sin(t) + depth * math.cos(t),
        ],
        axis=1,
    )
    sigma = np.concatenate([np.full(front, 0.45), np.full(half * half, 1.0)]) * spacing
    opacity = np.concatenate([np.full(front, 0.6), np.full(half * half, 0.999)])
    rgb = np.stack([0.5 + 0.45 * fbm(8.0 * x, 8.0 * y, seed, octaves=4) for seed in (1, 2, 3)], 1)
    return {
        "means": means,
        "quats": np.tile([1.0, 0.0, 0.0, 0.0], (len(x), 1)),
        "log_scales": np.log(np.repeat(sigma[:, None], 3, axis=1)),
        "opacity_logits": np.log(opacity / (1.0 - opacity)),
        "sh": rgb_to_sh_dc(np.clip(rgb, 0.02, 0.98))[:, None, :],
    }


def levels_of(tile: dict) -> list[LodLevel]:
    return build_lod(**tile, box_min=BOX_MIN, box_max=BOX_MAX, min_splats=16)


def gaussians(level: LodLevel) -> Gaussians:
    names = ("means", "quats", "log_scales", "opacity_logits", "sh")
    return Gaussians.from_numpy({name: getattr(level, name) for name in names})


def at_selection(levels: list[LodLevel], k: int, tau: float):
    """Level 0 and level k rendered from where level k's error spans tau px (where a scheduler
    with max_sse_px = tau first picks it): (rgb 0, alpha 0, rgb k, alpha k)."""
    camera = Camera.from_fov(FOV, SIZE[0], SIZE[1], np.eye(4))
    distance = levels[k].geometric_error * camera.K[1, 1] / tau
    target = np.median(levels[0].means.astype(np.float64), axis=0)
    camera = camera.with_pose(look_at(target + np.array([0.0, 0.0, distance]), target))
    fine = render(gaussians(levels[0]), camera, backend="cpu")
    coarse = render(gaussians(levels[k]), camera, backend="cpu")
    shape = (camera.height, camera.width)
    return fine.rgb, fine.alpha.reshape(shape), coarse.rgb, coarse.alpha.reshape(shape)


# Where the wall still fills much of a view: coarser levels are chosen where it is a few pixels.
LEVELS_AND_THRESHOLDS = [(k, tau) for k in (1, 2) for tau in (16.0, 4.0)]


def test_a_coarse_level_at_its_selection_distance_keeps_the_coverage_of_level_0_within_1_percent():
    levels = levels_of(lifted_wall())
    assert len(levels[2]) < len(levels[0]) / 25
    for k, tau in LEVELS_AND_THRESHOLDS:
        _, alpha0, _, alphak = at_selection(levels, k, tau)
        footprint = ndimage.binary_erosion(alpha0 > 0.5, iterations=2)
        assert footprint.sum() > 800  # the wall fills much of the view
        assert alphak[footprint].mean() >= alpha0[footprint].mean() - 0.01, (k, tau)


def test_a_coarse_level_at_its_selection_distance_has_no_seams_or_holes_inside_the_surface():
    levels = levels_of(lifted_wall())
    for k, tau in LEVELS_AND_THRESHOLDS:
        _, alpha0, _, alphak = at_selection(levels, k, tau)
        # Nearer than tau px to the wall's edge, blur is what the threshold allows.
        inside = ndimage.binary_erosion(alpha0 > 0.5, iterations=math.ceil(tau) + 2)
        assert inside.sum() > 100
        assert alphak[inside].min() >= 0.97, (k, tau)
