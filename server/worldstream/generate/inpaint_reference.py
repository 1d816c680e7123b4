"""Slow, readable reference for exemplar inpainting (`inpaint.py`): one scale, exhaustive search.

The same completion as the fast path (Wexler et al. 2007) without its two accelerations: no image
pyramid, and the nearest-neighbour field is found by comparing every target patch that overlaps
the hole with every fully valid patch of every source, so each match is the exact minimum of the
patch distance (ties go to the first source, then the first centre in scan order). Steps:
onion-peel fill of the hole, then `iterations` times: exhaustive NNF on the current image, vote
with the fast path's weights (`vote_weights`: similarity times confidence by depth into the
hole). Meant for images of a few dozen pixels a side; the fast path is tested against these
functions.
"""

from __future__ import annotations

import numpy as np

from worldstream.generate.inpaint import (
    NO_MATCH,
    InpaintConfig,
    InpaintResult,
    Source,
    hole_depth,
    source_list,
    target_patches,
    vote_weights,
)


def _features(rgb: np.ndarray, guide: np.ndarray | None, guide_weight: float) -> np.ndarray:
    """[h, w, 3 + C] per-pixel features whose squared distance is the patch distance's term."""
    if guide is None:
        return rgb.astype(np.float64)
    return np.concatenate([rgb, np.sqrt(guide_weight) * guide], axis=2).astype(np.float64)


def _patch(features: np.ndarray, y: int, x: int, r: int) -> np.ndarray:
    return features[y - r : y + r + 1, x - r : x + r + 1].ravel()


def admissible_centres(valid: np.ndarray, r: int) -> list[tuple[int, int]]:
    """Centres whose whole (2r+1)^2 patch lies inside the image and on valid pixels."""
    h, w = valid.shape
    return [
        (y, x)
        for y in range(r, h - r)
        for x in range(r, w - r)
        if valid[y - r : y + r + 1, x - r : x + r + 1].all()
    ]


def onion_fill_reference(rgb: np.ndarray, hole: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Each ring of the hole (unknown pixels touching known ones) takes the mean of its known
    8-neighbours, ring after ring; `fallback` everywhere when no pixel is known."""
    out = rgb.astype(np.float64).copy()
    known = ~hole
    if not known.any():
        out[:] = fallback
        return out.astype(np.float32)
    while not known.all():
        ring = []
        for y, x in zip(*np.nonzero(~known), strict=True):
            ys, xs = slice(max(y - 1, 0), y + 2), slice(max(x - 1, 0), x + 2)
            neighbours = known[ys, xs]
            if neighbours.any():
                ring.append((y, x, out[ys, xs][neighbours].mean(axis=0)))
        for y, x, colour in ring:
            out[y, x] = colour
            known[y, x] = True
    return out.astype(np.float32)


def exhaustive_nnf(
    image: np.ndarray,
    hole: np.ndarray,
    sources: list[Source],
    *,
    patch: int = 7,
    guide_weight: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact nearest source patch of every target patch of `image` that overlaps the hole.

    `sources` as `source_list` returns them (the target's known region first; its rgb is taken
    from `image`). Returns nnf [H, W, 3] int32 (source, y, x; -1 where no target patch) and
    distance [H, W] float32 (NaN where none).
    """
    r = patch // 2
    target = _features(image, sources[0].guide, guide_weight)
    candidates = []  # (source, y, x, patch vector) for every admissible patch
    for s, source in enumerate(sources):
        rgb = image if s == 0 else source.rgb
        features = _features(rgb, source.guide, guide_weight)
        valid = ~hole if s == 0 else source.valid
        for y, x in admissible_centres(valid, r):
            candidates.append((s, y, x, _patch(features, y, x, r)))
    nnf = np.full((*hole.shape, 3), NO_MATCH, np.int32)
    distance = np.full(hole.shape, np.nan, np.float32)
    if not candidates:
        return nnf, distance
    vectors = np.stack([c[3] for c in candidates])  # [M, patch * patch * (3 + C)]
    for y, x in zip(*np.nonzero(target_patches(hole, r)), strict=True):
        d = ((vectors - _patch(target, y, x, r)) ** 2).sum(axis=1)
        best = int(np.argmin(d))  # the first of equal minima
        nnf[y, x] = candidates[best][:3]
        distance[y, x] = d[best]
    return nnf, distance


def patch_distances_reference(
    image: np.ndarray,
    hole: np.ndarray,
    sources: list[Source],
    nnf: np.ndarray,
    *,
    patch: int = 7,
    guide_weight: float = 1.0,
) -> np.ndarray:
    """Distance [H, W] of each target patch of `image` to the source patch nnf names (NaN: none)."""
    r = patch // 2
    target = _features(image, sources[0].guide, guide_weight)
    out = np.full(hole.shape, np.nan, np.float32)
    for y, x in zip(*np.nonzero(target_patches(hole, r)), strict=True):
        s, sy, sx = nnf[y, x]
        rgb = image if s == 0 else sources[s].rgb
        source = _features(rgb, sources[s].guide, guide_weight)
        out[y, x] = ((_patch(target, y, x, r) - _patch(source, sy, sx, r)) ** 2).sum()
    return out


def vote_reference(
    image: np.ndarray,
    hole: np.ndarray,
    sources: list[Source],
    nnf: np.ndarray,
    weight: np.ndarray,
    *,
    patch: int = 7,
) -> np.ndarray:
    """Each hole pixel := the weight-averaged colour that the target patches covering it copy
    there from their matches; known pixels stay."""
    r = patch // 2
    total = np.zeros(hole.shape)
    acc = np.zeros((*hole.shape, 3))
    for y, x in zip(*np.nonzero(target_patches(hole, r)), strict=True):
        s, sy, sx = nnf[y, x]
        rgb = image if s == 0 else sources[s].rgb
        for dy in range(-r, r + 1):
            for dx in range(-r, r + 1):
                if hole[y + dy, x + dx]:
                    acc[y + dy, x + dx] += weight[y, x] * rgb[sy + dy, sx + dx]
                    total[y + dy, x + dx] += weight[y, x]
    out = image.astype(np.float32).copy()
    filled = hole & (total > 0)
    out[filled] = (acc[filled] / total[filled][:, None]).astype(np.float32)
    return out


def inpaint_reference(
    target: np.ndarray,
    hole: np.ndarray,
    sources: list[Source],
    *,
    guide: np.ndarray | None = None,
    patch: int = 7,
    guide_weight: float = 1.0,
    iterations: int = 5,
    falloff: float = InpaintConfig.falloff,
) -> InpaintResult:
    """The completion at one scale with exhaustive search; same inputs and result as `inpaint`."""
    everything = source_list(target, hole, sources, guide)
    r = patch // 2
    known = [~hole] + [s.valid for s in everything[1:]]
    rgbs = [target] + [s.rgb for s in everything[1:]]
    valid_pixels = np.concatenate([rgb[v] for rgb, v in zip(rgbs, known, strict=True)])
    fallback = valid_pixels.mean(axis=0) if len(valid_pixels) else np.full(3, 0.5)
    image = onion_fill_reference(np.where(hole[..., None], 0.0, target), hole, fallback)
    nnf = np.full((*hole.shape, 3), NO_MATCH, np.int32)
    depth = hole_depth(hole)
    if hole.any():
        for _ in range(iterations):
            nnf, distance = exhaustive_nnf(
                image, hole, everything, patch=patch, guide_weight=guide_weight
            )
            if (nnf[target_patches(hole, r)] < 0).any():
                raise ValueError(f"no source has a fully valid {patch}x{patch} patch")
            weight = np.zeros(hole.shape)
            active = np.isfinite(distance)
            weight[active] = vote_weights(distance[active], depth[active], falloff)
            image = vote_reference(image, hole, everything, nnf, weight, patch=patch)
    distance = patch_distances_reference(
        image, hole, everything, nnf, patch=patch, guide_weight=guide_weight
    )
    rgb = np.array(target, np.float32, copy=True)
    rgb[hole] = image[hole]
    ys = np.clip(np.arange(hole.shape[0]), r, hole.shape[0] - 1 - r)
    xs = np.clip(np.arange(hole.shape[1]), r, hole.shape[1] - 1 - r)
    source_of = nnf[ys[:, None], xs[None, :], 0].astype(np.int16)
    source_of[~hole] = NO_MATCH
    return InpaintResult(rgb, source_of, nnf, distance, 1)
