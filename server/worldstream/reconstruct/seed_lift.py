"""Lifting the seed photo into splats that stay sharp as the camera walks away from it.

One opaque splat per pixel renders the photo about 2 dB worse than warping it: at a renderer's
0.3 px² low-pass, an opaque splat wins every pixel within ~0.9 px of its centre, so which
neighbour shows depends on the depth order, which changes with the view. Three changes, each
measured on the two-room scene (bench/RESULTS.md):

- a front layer of one splat per pixel at partial opacity, so each splat shows mostly at its own
  pixel and neighbours blend instead of overwriting;
- half of the front layer (a checkerboard) stepped slightly towards the camera, so coplanar
  neighbours keep one depth order from every nearby view instead of a view-dependent one;
- an opaque back layer at half resolution just behind, so the world stays hole-free;

and then colours fitted (fit.py) to the photo and to the photo warped through its depth to a ring
of poses a visitor is likely to take first, so what is fitted holds between them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from worldstream.geometry.camera import Camera, moved
from worldstream.geometry.frame import Frame
from worldstream.geometry.gaussians import Gaussians
from worldstream.reconstruct.fit import ColourFit, FitView, fit_views
from worldstream.reconstruct.lift import lift_frame
from worldstream.reconstruct.warp import warp_frame

# (forward metres, yaw degrees) from the seed camera: the first steps into the photo and turns.
FIT_POSES: tuple[tuple[float, float], ...] = (
    (0.25, 10.0),
    (0.25, -10.0),
    (0.0, 15.0),
    (0.0, -15.0),
    (0.5, 0.0),
    (0.5, 30.0),
    (0.5, -30.0),
)


# Pixels of a 2x2 block within this fraction of its farthest depth are on the far side.
FAR_SIDE = 0.02


@dataclass(frozen=True)
class SeedLift:
    """The seed lift's settings; the back layer is always at half the photo's resolution."""

    footprint_px: float = 0.45
    """Front splats' standard deviation in pixels at their depth."""
    front_opacity: float = 0.6
    stagger: float = 0.004
    """Fraction of its depth by which half of the front layer (a checkerboard) steps forward."""
    back_opacity: float = 0.999
    back_footprint_px: float = 0.5
    """Back splats' standard deviation in the back layer's own pixels."""
    back_offset: float = 0.012
    """Fraction of its depth by which the back layer sits behind the photo's surface."""
    fit: ColourFit = ColourFit(iterations=4, step=0.6)
    fit_poses: tuple[tuple[float, float], ...] = FIT_POSES


def seed_splat_count(width: int, height: int) -> int:
    """Splats a seed photo of this size lifts into when every pixel has depth: one per pixel in
    front, one per 2x2 block behind."""
    return width * height + (width // 2) * (height // 2)


def lift_seed(frame: Frame, settings: SeedLift = SeedLift()) -> Gaussians:
    front = lift_frame(
        _staggered(frame, settings.stagger), None, settings.footprint_px, settings.front_opacity
    )
    back = lift_frame(
        _back_frame(frame, settings.back_offset),
        None,
        settings.back_footprint_px,
        settings.back_opacity,
    )
    splats = Gaussians.concat([front, back])
    if settings.fit.iterations <= 0:
        return splats
    photo = FitView(frame.camera, frame.rgb.astype(np.float32) / 255.0, frame.depth > 0)
    views = [photo]
    for forward, yaw in settings.fit_poses:
        warped = warp_frame(frame, moved(frame.camera, forward, yaw))
        views.append(FitView(warped.camera, warped.rgb, warped.valid))
    return fit_views(splats, views, fit=settings.fit)


def _staggered(frame: Frame, stagger: float) -> Frame:
    rows, cols = np.indices(frame.depth.shape)
    step = np.where((rows + cols) % 2 == 0, 1.0 - stagger, 1.0)
    depth = (frame.depth * step).astype(np.float32)
    return Frame(frame.rgb, depth, frame.camera, frame.confidence)


def _back_frame(frame: Frame, offset: float) -> Frame:
    """The photo at half resolution, each pixel at the farthest depth of the 2x2 block it
    covers, pushed back by `offset`, with the colour of that far surface.

    The farthest, so that at a silhouette the back layer never stands in front of the far side;
    its colour only from the block's pixels on that side, or a foreground colour would fringe
    the background once the camera moves.
    """
    h, w = frame.camera.height // 2, frame.camera.width // 2
    K = frame.camera.K.copy()
    K[:2] *= 0.5  # exact halving keeps block centres on the same rays even for odd sizes
    camera = Camera(K, frame.camera.world_to_camera, w, h)

    def blocks(image: np.ndarray) -> np.ndarray:
        return image[: 2 * h, : 2 * w].reshape(h, 2, w, 2, *image.shape[2:])

    depth = blocks(np.where(np.isfinite(frame.depth), frame.depth, 0.0).astype(np.float32))
    farthest = depth.max(axis=(1, 3))
    back = farthest * (1.0 + offset)
    # A pixel with unknown depth anywhere under a back pixel leaves that back pixel unknown.
    back[(depth <= 0).any(axis=(1, 3))] = 0.0
    far_side = depth >= (farthest * (1.0 - FAR_SIDE))[:, None, :, None]
    weights = far_side.astype(np.float32)[..., None]
    total = (blocks(frame.rgb.astype(np.float32)) * weights).sum(axis=(1, 3))
    rgb = np.round(total / weights.sum(axis=(1, 3))).astype(np.uint8)
    confidence = blocks(frame.confidence).mean(axis=(1, 3)).astype(np.float32)
    return Frame(rgb, back.astype(np.float32), camera, confidence)
