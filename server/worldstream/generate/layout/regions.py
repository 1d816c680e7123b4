"""Superpixels of the photo and which of them look like the floor.

Superpixels are Felzenszwalb-Huttenlocher graph segments (skimage) of a small copy of the photo:
regions of uniform colour whose borders follow image edges, the units that Hoiem et al.'s
"Automatic Photo Pop-up" labels as ground, vertical or sky. Without a trained classifier we use the
one cue that is nearly always right in a photo taken standing up: the floor is what the bottom edge
of the picture shows. Superpixels spanning a good part of the bottom row seed the floor; it grows
into neighbours across borders that are faint where they meet (the mean colour step along the
border is small) although their means may differ: that carries it across the shading bands that
split an evenly lit floor, but not across the crisp edge where a floor meets a wall or an object.
Floor-like pixels above the horizon are then discarded. Conversely a region that is not floor-like
and lies mostly above the horizon is evidence against floor where it reaches below the horizon.
Everything else is left undecided (walls, objects), for the line segments and the pop-up step.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from skimage.color import rgb2lab
from skimage.segmentation import felzenszwalb

WORK_WIDTH = 192  # superpixels are computed at this width
MIN_BOTTOM_SHARE = 0.08  # of the bottom row a superpixel must span to seed the floor
GROW_LAB = 20.0  # largest mean-colour distance (CIELAB) across which the floor grows
GROW_CONTRAST = 3.0  # largest mean colour step along the shared border (CIELAB)
MIN_BORDER = 8  # pixels of shared border (at WORK_WIDTH) for two regions to be joined


@dataclass(frozen=True)
class Regions:
    """Superpixel ids at the photo's size and the floor-like ones among them."""

    ids: np.ndarray  # [H, W] int32, 0..count-1
    count: int
    floor_ids: np.ndarray  # [F] ids of floor-like superpixels

    def floor_like(self, below_horizon: np.ndarray) -> np.ndarray:
        """[H, W] bool: floor-like superpixels, restricted to pixels below the horizon."""
        return np.isin(self.ids, self.floor_ids) & below_horizon

    def floor_evidence(self, below_horizon: np.ndarray) -> np.ndarray:
        """[H, W] float32: +1 floor-like, -1 in a region that is not floor-like and lies mostly
        above the horizon (a wall, or something standing, reaching down past the horizon),
        0 undecided."""
        area = np.bincount(self.ids.ravel(), minlength=self.count)
        below = np.bincount(self.ids.ravel(), weights=below_horizon.ravel(), minlength=self.count)
        per_region = np.where(below < 0.5 * area, -1.0, 0.0)
        per_region[self.floor_ids] = 1.0
        out = per_region[self.ids].astype(np.float32)
        out[~below_horizon & (out > 0)] = 0.0
        return out


def superpixels(rgb: np.ndarray) -> Regions:
    h, w = rgb.shape[:2]
    scale = min(1.0, WORK_WIDTH / w)
    small = cv2.resize(
        rgb, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA
    )
    sw = small.shape[1]
    ids_small = felzenszwalb(small, scale=100, sigma=0.8, min_size=max(8, sw * sw // 800))
    ids = cv2.resize(ids_small.astype(np.int32), (w, h), interpolation=cv2.INTER_NEAREST)
    count = int(ids_small.max()) + 1
    bottom = np.bincount(ids_small[-1], minlength=count) / sw
    seeds = np.nonzero(bottom >= MIN_BOTTOM_SHARE)[0]
    floor_ids = grow(ids_small, rgb2lab(cv2.GaussianBlur(small, (3, 3), 0)), seeds)
    return Regions(ids=ids, count=count, floor_ids=floor_ids)


def grow(ids: np.ndarray, lab: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Seeds plus every superpixel reachable across boundaries that are faint (mean CIELAB step
    across the shared border below GROW_CONTRAST) between regions of similar mean colour (below
    GROW_LAB apart). Sorted ids."""
    count = int(ids.max()) + 1
    flat = ids.ravel()
    area = np.bincount(flat, minlength=count).astype(np.float64)
    mean = (
        np.stack(
            [np.bincount(flat, weights=lab[..., c].ravel(), minlength=count) for c in range(3)],
            axis=1,
        )
        / np.maximum(area, 1)[:, None]
    )
    keys, steps = [], []
    for a, b, la, lb in (
        (ids[:, :-1], ids[:, 1:], lab[:, :-1], lab[:, 1:]),
        (ids[:-1, :], ids[1:, :], lab[:-1, :], lab[1:, :]),
    ):
        border = a != b
        lo, hi = np.minimum(a[border], b[border]), np.maximum(a[border], b[border])
        keys.append(lo.astype(np.int64) * count + hi)
        steps.append(np.linalg.norm(la[border] - lb[border], axis=1))
    key, step = np.concatenate(keys), np.concatenate(steps)
    pair_keys, inverse = np.unique(key, return_inverse=True)
    border_length = np.bincount(inverse)
    contrast = np.bincount(inverse, weights=step) / border_length
    pa, pb = pair_keys // count, pair_keys % count
    similar = np.linalg.norm(mean[pa] - mean[pb], axis=1) < GROW_LAB
    # Regions that touch at a corner or two say nothing about how their border looks.
    joined = similar & (contrast < GROW_CONTRAST) & (border_length >= MIN_BORDER)
    neighbours: list[list[int]] = [[] for _ in range(count)]
    for a, b in zip(pa[joined], pb[joined], strict=True):
        neighbours[a].append(int(b))
        neighbours[b].append(int(a))
    reached = np.zeros(count, dtype=bool)
    reached[seeds] = True
    stack = [int(s) for s in seeds]
    while stack:
        for n in neighbours[stack.pop()]:
            if not reached[n]:
                reached[n] = True
                stack.append(n)
    return np.nonzero(reached)[0]
