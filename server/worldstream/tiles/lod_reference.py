"""The readable LOD builder: the same levels as `tiles.lod.build_lod`, one Gaussian at a time.

Cells are dictionaries from integer cell coordinates to member lists, the depth is found by
counting distinct cells with a set, covariances come from the render reference's quaternion
maths, and the eigendecomposition is numpy's `eigh`. The rules (cells, weights, moments, clamps,
geometric error) are documented once, in `tiles.lod`; this file follows them line by line.
"""

from __future__ import annotations

import math

import numpy as np

from worldstream.render.reference import covariance_3d, sigmoid
from worldstream.tiles.lod import (
    ALPHA_CLAMP,
    ALPHA_FLOOR,
    FILL_SIGMA,
    MORTON_BITS,
    VARIANCE_FLOOR_M2,
    VARIANCE_FLOOR_RELATIVE,
    LodLevel,
    Saturation,
    check_options,
    validated_inputs,
)


def interleave(cell: tuple[int, int, int]) -> int:
    """Morton code of a cell: bit b of x, y, z goes to bits 3b, 3b + 1, 3b + 2."""
    code = 0
    for bit in range(MORTON_BITS):
        for axis in range(3):
            code |= ((cell[axis] >> bit) & 1) << (3 * bit + axis)
    return code


def weight(quat: np.ndarray, log_scale: np.ndarray, logit: float) -> float:
    """Opacity x the area pi s_a s_b of the 1-sigma ellipse of the two largest axes."""
    s = sorted(math.exp(float(v)) for v in log_scale)
    return sigmoid(float(logit)) * math.pi * s[1] * s[2]


def rotation_to_quat(r: np.ndarray) -> np.ndarray:
    """Rotation [3, 3] -> unit (w, x, y, z), w >= 0, from the axis-angle form."""
    skew = np.array([r[2, 1] - r[1, 2], r[0, 2] - r[2, 0], r[1, 0] - r[0, 1]])  # 2 sin(a) axis
    angle = math.atan2(float(np.linalg.norm(skew)) / 2.0, (float(np.trace(r)) - 1.0) / 2.0)
    if angle < 1e-6:
        return np.array([1.0, 0.0, 0.0, 0.0])
    if math.pi - angle < 1e-3:  # near a half turn the skew part vanishes: use n n^T instead
        outer = ((r + r.T) / 2.0 - math.cos(angle) * np.eye(3)) / (1.0 - math.cos(angle))
        axis = outer[int(np.argmax(np.diag(outer)))]
        axis = axis / np.linalg.norm(axis)
        # The sign of the axis is fixed by the (small) skew part, when there is one.
        if skew @ axis < 0.0:
            axis = -axis
    else:
        axis = skew / np.linalg.norm(skew)
    return np.concatenate([[math.cos(angle / 2.0)], math.sin(angle / 2.0) * axis])


def merge(members: list[int], means, quats, log_scales, logits, sh, spread: bool, fill: float):
    """One cluster -> (mean, quat, log_scales, logit, sh) by moment matching; `fill` is the
    least in-surface sigma of a saturated cluster, in metres."""
    if len(members) == 1:
        i = members[0]
        return means[i], quats[i], log_scales[i], logits[i], sh[i]
    weights = [weight(quats[i], log_scales[i], logits[i]) for i in members]
    total = sum(weights)
    if total <= 0.0:  # every opacity underflowed: equal weights, transparent result
        weights = [1.0] * len(members)
    norm = sum(weights)
    mean = (
        sum(w * means[i].astype(np.float64) for w, i in zip(weights, members, strict=True)) / norm
    )
    colour = sum(w * sh[i].astype(np.float64) for w, i in zip(weights, members, strict=True)) / norm
    cov = np.zeros((3, 3))
    for w, i in zip(weights, members, strict=True):
        offset = means[i].astype(np.float64) - mean
        cov += w * (
            covariance_3d(quats[i].astype(np.float64), log_scales[i]) + np.outer(offset, offset)
        )
    cov /= norm
    lam, vec = np.linalg.eigh(cov)
    lam = np.maximum(lam, max(VARIANCE_FLOOR_RELATIVE * lam.max(), VARIANCE_FLOOR_M2))
    if np.linalg.det(vec) < 0.0:
        vec[:, 0] = -vec[:, 0]
    surface = [j for j in range(3) if j != int(np.argmin(lam))]  # the two widest axes
    area = math.pi * math.sqrt(lam[surface[0]] * lam[surface[1]])
    alpha = total / area if total > 0.0 else 0.0
    if spread and alpha > ALPHA_CLAMP:
        lam[surface] = np.maximum(lam[surface] * alpha / ALPHA_CLAMP, fill**2)
    alpha = min(max(alpha, ALPHA_FLOOR), ALPHA_CLAMP)
    logit = math.log(alpha) - math.log1p(-alpha)
    return mean, rotation_to_quat(vec), 0.5 * np.log(lam), logit, colour


def build_lod_reference(
    means,
    quats,
    log_scales,
    opacity_logits,
    sh,
    box_min,
    box_max,
    min_splats: int = 64,
    max_levels: int = 8,
    max_ratio: float = 0.25,
    saturation: Saturation = "spread",
    fill_sigma: float = FILL_SIGMA,
) -> list[LodLevel]:
    """Same arguments, same levels, same order as `tiles.lod.build_lod`."""
    check_options(min_splats, max_levels, max_ratio, saturation, fill_sigma)
    x = validated_inputs(means, quats, log_scales, opacity_logits, sh, box_min, box_max)
    n = len(x.means)
    level = (
        x.means.copy(),
        x.quats.copy(),
        x.log_scales.copy(),
        x.opacity_logits.copy(),
        x.sh.copy(),
    )
    levels = [LodLevel(*level, 0.0, 0.0, np.full(n, -1, np.int32))]
    if n <= max(min_splats, 1) or max_levels == 1:
        return levels

    # Each Gaussian's cell at full depth; a merged one inherits its cell's lowest corner.
    full = 1 << MORTON_BITS
    cells = []
    for i in range(n):
        cell = []
        for axis in range(3):
            u = (float(x.means[i, axis]) - x.box_min[axis]) / (x.box_max[axis] - x.box_min[axis])
            cell.append(min(max(math.floor(u * full), 0), full - 1))
        cells.append(tuple(cell))
    ancestor = list(range(n))  # each level-0 Gaussian's stand-in in the newest level
    depth, error = MORTON_BITS, 0.0
    edge = float(np.max(x.box_max - x.box_min))
    while True:
        count = len(cells)
        d = 0
        for candidate in range(depth - 1, -1, -1):
            shift = MORTON_BITS - candidate
            occupied = {(c[0] >> shift, c[1] >> shift, c[2] >> shift) for c in cells}
            if len(occupied) <= max_ratio * count:
                d = candidate
                break
        shift = MORTON_BITS - d
        groups: dict[tuple[int, int, int], list[int]] = {}
        for i, c in enumerate(cells):
            groups.setdefault((c[0] >> shift, c[1] >> shift, c[2] >> shift), []).append(i)
        keys = sorted(groups, key=interleave)
        parent = np.empty(count, np.int32)
        merged = []
        for index, key in enumerate(keys):
            for i in groups[key]:
                parent[i] = index
            fill = fill_sigma * edge / (1 << d)
            merged.append(merge(groups[key], *level, saturation == "spread", fill))
        levels[-1].parent = parent
        ancestor = [int(parent[a]) for a in ancestor]

        level = tuple(np.array([m[field] for m in merged], dtype=np.float32) for field in range(5))
        worst = 0.0
        for source, a in enumerate(ancestor):
            moved = float(np.linalg.norm(x.means[source].astype(np.float64) - level[0][a]))
            sigma_source = math.exp(float(np.max(x.log_scales[source])))
            sigma_merged = math.exp(float(np.max(level[2][a])))
            worst = max(worst, moved + max(0.0, sigma_merged - sigma_source))
        error = max(error, worst)
        levels.append(LodLevel(*level, error, edge / (1 << d), np.full(len(keys), -1, np.int32)))
        cells = [(k[0] << shift, k[1] << shift, k[2] << shift) for k in keys]
        depth = d
        if len(cells) <= max(min_splats, 1) or len(levels) == max_levels or depth == 0:
            return levels
