"""An LOD pyramid per tile, built by merging Gaussians (moment matching), never by dropping them.

Levels. Level 0 is the tile's own Gaussians (finest; geometric error 0). Level k+1 is built from
level k: the tile box is cut into 2^d x 2^d x 2^d cells (an octree depth d), every Gaussian of
level k falls in the cell holding its mean, and each occupied cell's Gaussians merge into one.
Depth d is the finest depth, coarser than level k's, at which at most `max_ratio` (1/4) of level
k's count of cells is occupied; a merged mean stays inside its cell, so the cells of successive
levels nest and the levels form a tree (each Gaussian has exactly one parent). Surfaces lose
about 4x per halving of the cell edge and volumes 8x, so a level holds between 1/32 and 1/4 of
the one below (typically 1/4 to 1/8). Building stops after the first level with at most
`min_splats` Gaussians, after `max_levels` levels (level 0 included), or at depth 0 (one cell).

Cells come from 21-bit integer coordinates in the box (Morton codes: a cell at depth d is a run
of equal `code >> 3 (21 - d)` in code order, so one sort serves every level). Means outside the
box count in the border cells.

Merging (moment matching, as in Kerbl et al. 2024, "A Hierarchical 3D Gaussian Representation for
Real-Time Rendering of Very Large Datasets"). Weight w_i = opacity_i x pi s_a s_b, with s_a, s_b
the two largest scales: these are surface splats, so a splat's visual mass is its opacity times
the area of its 1-sigma ellipse in the surface, not its volume. With W = sum w_i:
  mean         mu    = sum w_i mu_i / W
  covariance   Sigma = sum w_i (Sigma_i + (mu_i - mu)(mu_i - mu)^T) / W
  SH (all K)   sh    = sum w_i sh_i / W        (a convex combination)
  opacity      alpha = W / (pi s'_a s'_b)      (s' from Sigma: keeps the mass W)
alpha is clamped to [ALPHA_FLOOR, ALPHA_CLAMP]. A cell whose splats carry more mass than its
merged ellipse can hold at full opacity (overlapping opaque splats, as lifted surfaces are) would
need alpha > 1, and what happens then is the `saturation` choice:
  "spread" (default) keeps the mass: alpha = ALPHA_CLAMP and the two in-surface eigenvalues of
           Sigma grow by W / (ALPHA_CLAMP pi s'_a s'_b), so the splat covers the area its
           sources covered. Sigma is then wider than the moments, in the surface plane only.
           Then it fills its cell: each in-surface sigma is at least FILL_SIGMA (0.6) x the
           cell edge. Keeping the mass is not keeping the coverage: level 0's splats overlap
           (a lifted photo stacks a 0.6-opacity front layer, half of it stepped forward, over
           an opaque back layer), so a cell often holds one layer only, and one Gaussian per
           cell with a peak opacity below 1 leaves a grid of seams unless neighbours overlap
           (at sigma = 0.6 edges a full grid of them covers >= 98.7 % everywhere). The added
           mass is what overlapping opaque splats need; the wider splat is counted in the
           geometric error below. Translucent (unsaturated) clusters keep their mass: widening
           them too, mass kept or not, measured worse. Measured by bench/bench_lod_selection.py
           at the distance each level is chosen for (bench/RESULTS.md). Not covered: a floor
           seen at a grazing angle. Its isotropic sources overlap on screen only when seen
           low, so its clusters hold less mass than their area (alpha about 0.35) and stay
           translucent, where level 0 looks opaque from the photo's side.
  "clamp"  keeps Sigma and loses the excess mass. Moment-matched Gaussians of a filled cell
           are narrow (sigma about 0.29 x the cell edge for a square) next to the spacing of
           cells, so clamped levels show a grid of dark seams. Measured by bench/bench_lod.py
           on the coffee world's largest tile: level 1 keeps 63% of the mass and renders
           5-6 dB further from level 0 than "spread" at 16 and 4 px of screen-space error.
Sigma goes back to (quat, log scales) by a symmetric eigendecomposition; eigenvalues are floored
at VARIANCE_FLOOR_RELATIVE x the largest (and VARIANCE_FLOOR_M2) so round-off cannot give
log(0). A cell with one Gaussian passes it on unchanged. If every weight of a cell is zero
(opacities underflowed), the moments use equal weights and alpha is ALPHA_FLOOR.

Geometric error (3D Tiles: the error, in metres, of rendering this level instead of full detail).
For level k, over every level-0 Gaussian i with ancestor p at level k:
  e_k = max_i ( |mu_i - mu_p| + max(0, sigma_p - sigma_i) ),  sigma = the largest scale,
i.e. how far a source's content moved plus how much wider than the source its stand-in blurs
it. A Gaussian passed on unchanged contributes 0, level 0 has error 0, and e_k is made
non-decreasing (a coarser level never claims less error than a finer one). A scheduler projects
it to pixels as e_k x focal_px / distance and picks the coarsest level under its threshold.

This module is the fast path: numba kernels (single thread) plus numpy. `lod_reference` builds
the same levels with plain loops and is what the tests compare this against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numba import njit

# In numba, float() of a float32 stays float32: the kernels widen with this before any arithmetic.
f64 = np.float64

MORTON_BITS = 21  # bits per axis: 63-bit codes; a 4 m tile is cut to 2 micrometre cells
ALPHA_CLAMP = 0.999  # a merged splat's opacity never exceeds this (the mass-preservation limit)
ALPHA_FLOOR = 1e-12  # ...nor goes below this, so that its logit stays finite
# A saturated merged splat's in-surface sigma is at least this x its cell edge (module docstring).
FILL_SIGMA = 0.6
VARIANCE_FLOOR_RELATIVE = 1e-12  # eigenvalues >= this x the largest (scale ratio 1e-6)
VARIANCE_FLOOR_M2 = 1e-60  # and >= this (a 1e-30 m scale): only absurdly small splats meet it
MAX_ABS_LOG_SCALE = (
    80.0  # |log scale| beyond this is no real splat; rejected, so moments stay finite
)

Saturation = Literal["spread", "clamp"]


@dataclass
class LodLevel:
    """One level of a tile's pyramid. Arrays are float32 in the world frame (metres)."""

    means: np.ndarray  # [N, 3]
    quats: np.ndarray  # [N, 4] (w, x, y, z), unit
    log_scales: np.ndarray  # [N, 3] natural log of metres
    opacity_logits: np.ndarray  # [N]
    sh: np.ndarray  # [N, K, 3], DC first
    geometric_error: float
    """Metres: the error of rendering this level instead of level 0 (module docstring)."""
    cell_edge: float = 0.0
    """Edge of the cells merged into this level (the largest box axis / 2^d); 0 at level 0."""
    parent: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    """[N] int32: the Gaussian of the next coarser level that this one merged into; -1 on the
    coarsest level."""

    def __len__(self) -> int:
        return int(self.means.shape[0])


@dataclass(frozen=True)
class _Inputs:
    means: np.ndarray
    quats: np.ndarray
    log_scales: np.ndarray
    opacity_logits: np.ndarray
    sh: np.ndarray
    box_min: np.ndarray  # [3] float64
    box_max: np.ndarray  # [3] float64


def validated_inputs(means, quats, log_scales, opacity_logits, sh, box_min, box_max) -> _Inputs:
    """float32 C-contiguous arrays with shapes and values checked; ValueError says what is wrong.

    Shared with `lod_reference` so that both paths accept and refuse the same inputs.
    """

    def f32(name, array, shape_tail):
        array = np.ascontiguousarray(array, dtype=np.float32)
        if array.shape[1:] != shape_tail or (not shape_tail and array.ndim != 1):
            raise ValueError(f"{name} has shape {array.shape}, expected (N, {shape_tail})")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} has non-finite values")
        return array

    means = f32("means", means, (3,))
    n = means.shape[0]
    quats = f32("quats", quats, (4,))
    log_scales = f32("log_scales", log_scales, (3,))
    opacity_logits = f32("opacity_logits", opacity_logits, ())  # message reads (N, ())
    sh = np.ascontiguousarray(sh, dtype=np.float32)
    if sh.ndim != 3 or sh.shape[2] != 3 or round(math.sqrt(sh.shape[1])) ** 2 != sh.shape[1]:
        raise ValueError(f"sh has shape {sh.shape}, expected [N, (degree + 1)^2, 3]")
    if not np.all(np.isfinite(sh)):
        raise ValueError("sh has non-finite values")
    for name, array in (("quats", quats), ("log_scales", log_scales)):
        if array.shape[0] != n:
            raise ValueError(f"{name} has {array.shape[0]} rows, means has {n}")
    if opacity_logits.shape[0] != n or sh.shape[0] != n:
        raise ValueError(f"opacity_logits and sh need {n} rows like means")
    if np.any(np.abs(log_scales) > MAX_ABS_LOG_SCALE):
        raise ValueError(f"log_scales must lie in [-{MAX_ABS_LOG_SCALE}, {MAX_ABS_LOG_SCALE}]")
    lo = np.asarray(box_min, dtype=np.float64).reshape(-1)
    hi = np.asarray(box_max, dtype=np.float64).reshape(-1)
    if lo.shape != (3,) or hi.shape != (3,) or not np.all(np.isfinite(lo) & np.isfinite(hi)):
        raise ValueError("box_min and box_max must be 3 finite floats each")
    if not np.all(hi > lo):
        raise ValueError(f"box_max {hi} must exceed box_min {lo} on every axis")
    return _Inputs(means, quats, log_scales, opacity_logits, sh, lo, hi)


def opacity_mass(opacity_logits: np.ndarray, log_scales: np.ndarray) -> np.ndarray:
    """[N] float64: opacity x pi s_a s_b (the two largest scales), the measure merging keeps."""
    logits = np.asarray(opacity_logits, dtype=np.float64)
    alpha = np.exp(-np.logaddexp(0.0, -logits))  # sigmoid without overflow
    two_largest = np.sort(np.asarray(log_scales, dtype=np.float64), axis=1)[:, 1:].sum(axis=1)
    return alpha * math.pi * np.exp(two_largest)


@njit(cache=True, inline="always")
def _spread_bits(v):
    # 21 bits b20..b0 -> b20 0 0 b19 0 0 ... b0 (the usual magic-number interleave)
    v = v & 0x1FFFFF
    v = (v | (v << 32)) & 0x1F00000000FFFF
    v = (v | (v << 16)) & 0x1F0000FF0000FF
    v = (v | (v << 8)) & 0x100F00F00F00F00F
    v = (v | (v << 4)) & 0x10C30C30C30C30C3
    return (v | (v << 2)) & 0x1249249249249249


@njit(cache=True, nogil=True)
def morton_codes(means, box_min, box_max):
    """[N, 3] means -> [N] int64 Morton codes of their depth-21 cells (x in the lowest bit).

    Cell coordinate per axis: floor((m - min) / (max - min) x 2^21), clipped to the box.
    """
    cells = 1 << MORTON_BITS
    codes = np.empty(means.shape[0], np.int64)
    for i in range(means.shape[0]):
        code = 0
        for axis in range(3):
            u = (f64(means[i, axis]) - box_min[axis]) / (box_max[axis] - box_min[axis]) * cells
            # Clipped as a float: a mean far outside would overflow the integer conversion.
            c = np.int64(math.floor(min(max(u, 0.0), cells - 1.0)))
            code |= _spread_bits(c) << axis
        codes[i] = code
    return codes


@njit(cache=True, nogil=True)
def _cells_per_depth(codes):  # codes [N] int64 sorted -> [MORTON_BITS + 1] occupied cells per d
    counts = np.zeros(MORTON_BITS + 1, np.int64)
    if codes.shape[0] == 0:
        return counts
    counts[:] = 1
    for j in range(codes.shape[0] - 1):
        x = codes[j] ^ codes[j + 1]
        if x == 0:
            continue
        top = 0  # index of the highest differing bit
        while x > 1:
            x >>= 1
            top += 1
        # Cells at depth d compare code >> 3 (BITS - d): they differ from this depth on.
        for d in range(MORTON_BITS - top // 3, MORTON_BITS + 1):
            counts[d] += 1
    return counts


def choose_depth(counts: np.ndarray, depth: int, count: int, max_ratio: float) -> int:
    """The finest depth below `depth` with at most max_ratio x count occupied cells, else 0."""
    for d in range(depth - 1, -1, -1):
        if counts[d] <= max_ratio * count:
            return d
    return 0


@njit(cache=True, inline="always")
def _sigmoid(x):
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@njit(cache=True, nogil=True)
def _weights_and_covariances(quats, log_scales, logits):
    """Per Gaussian: weight = opacity x pi s_a s_b [N], covariance [N, 3, 3] (float64)."""
    n = quats.shape[0]
    weights = np.empty(n)
    covs = np.empty((n, 3, 3))
    rs = np.empty((3, 3))
    for i in range(n):
        w, x, y, z = (
            f64(quats[i, 0]),
            f64(quats[i, 1]),
            f64(quats[i, 2]),
            f64(quats[i, 3]),
        )
        norm = math.sqrt(w * w + x * x + y * y + z * z)
        if norm > 0.0:  # a zero quaternion is the identity, as in the renderers
            w, x, y, z = w / norm, x / norm, y / norm, z / norm
        else:
            w = 1.0
        s0 = math.exp(f64(log_scales[i, 0]))
        s1 = math.exp(f64(log_scales[i, 1]))
        s2 = math.exp(f64(log_scales[i, 2]))
        rs[0, 0], rs[0, 1], rs[0, 2] = (
            (1 - 2 * (y * y + z * z)) * s0,
            2 * (x * y - w * z) * s1,
            2 * (x * z + w * y) * s2,
        )
        rs[1, 0], rs[1, 1], rs[1, 2] = (
            2 * (x * y + w * z) * s0,
            (1 - 2 * (x * x + z * z)) * s1,
            2 * (y * z - w * x) * s2,
        )
        rs[2, 0], rs[2, 1], rs[2, 2] = (
            2 * (x * z - w * y) * s0,
            2 * (y * z + w * x) * s1,
            (1 - 2 * (x * x + y * y)) * s2,
        )
        for a in range(3):
            for b in range(3):
                covs[i, a, b] = rs[a, 0] * rs[b, 0] + rs[a, 1] * rs[b, 1] + rs[a, 2] * rs[b, 2]
        smallest = min(s0, s1, s2)
        weights[i] = _sigmoid(f64(logits[i])) * math.pi * (s0 * s1 * s2 / smallest)
    return weights, covs


@njit(cache=True, nogil=True)
def _eigh3(a, lam, v):
    """Cyclic Jacobi on a symmetric 3x3 `a` (overwritten): eigenvalues lam [3], vectors v cols."""
    for p in range(3):
        for q in range(3):
            v[p, q] = 1.0 if p == q else 0.0
    for _sweep in range(64):
        off = a[0, 1] ** 2 + a[0, 2] ** 2 + a[1, 2] ** 2
        diag = a[0, 0] ** 2 + a[1, 1] ** 2 + a[2, 2] ** 2
        if off <= 1e-36 * diag or off == 0.0:
            break
        for p, q in ((0, 1), (0, 2), (1, 2)):
            apq = a[p, q]
            if apq == 0.0:
                continue
            theta = (a[q, q] - a[p, p]) / (2.0 * apq)
            if abs(theta) > 1e150:  # theta^2 would overflow; the rotation is tiny
                t = 0.5 / theta
            else:
                t = (1.0 if theta >= 0.0 else -1.0) / (abs(theta) + math.sqrt(theta * theta + 1.0))
            c = 1.0 / math.sqrt(t * t + 1.0)
            s = t * c
            for k in range(3):  # a <- a J (columns p, q)
                akp, akq = a[k, p], a[k, q]
                a[k, p] = c * akp - s * akq
                a[k, q] = s * akp + c * akq
            for k in range(3):  # a <- J^T a (rows p, q)
                apk, aqk = a[p, k], a[q, k]
                a[p, k] = c * apk - s * aqk
                a[q, k] = s * apk + c * aqk
            for k in range(3):  # v <- v J
                vkp, vkq = v[k, p], v[k, q]
                v[k, p] = c * vkp - s * vkq
                v[k, q] = s * vkp + c * vkq
    for k in range(3):
        lam[k] = a[k, k]


@njit(cache=True, nogil=True)
def _rotation_to_quat(r, out):
    """Rotation [3, 3] (det +1) -> unit (w, x, y, z) with w >= 0 (Shepperd's branches)."""
    trace = r[0, 0] + r[1, 1] + r[2, 2]
    if trace > 0.0:
        s = 2.0 * math.sqrt(trace + 1.0)
        w, x, y, z = (
            0.25 * s,
            (r[2, 1] - r[1, 2]) / s,
            (r[0, 2] - r[2, 0]) / s,
            (r[1, 0] - r[0, 1]) / s,
        )
    elif r[0, 0] > r[1, 1] and r[0, 0] > r[2, 2]:
        s = 2.0 * math.sqrt(1.0 + r[0, 0] - r[1, 1] - r[2, 2])
        w, x, y, z = (
            (r[2, 1] - r[1, 2]) / s,
            0.25 * s,
            (r[0, 1] + r[1, 0]) / s,
            (r[0, 2] + r[2, 0]) / s,
        )
    elif r[1, 1] > r[2, 2]:
        s = 2.0 * math.sqrt(1.0 + r[1, 1] - r[0, 0] - r[2, 2])
        w, x, y, z = (
            (r[0, 2] - r[2, 0]) / s,
            (r[0, 1] + r[1, 0]) / s,
            0.25 * s,
            (r[1, 2] + r[2, 1]) / s,
        )
    else:
        s = 2.0 * math.sqrt(1.0 + r[2, 2] - r[0, 0] - r[1, 1])
        w, x, y, z = (
            (r[1, 0] - r[0, 1]) / s,
            (r[0, 2] + r[2, 0]) / s,
            (r[1, 2] + r[2, 1]) / s,
            0.25 * s,
        )
    norm = math.sqrt(w * w + x * x + y * y + z * z)
    if w < 0.0:
        norm = -norm
    out[0], out[1], out[2], out[3] = w / norm, x / norm, y / norm, z / norm


@njit(cache=True, nogil=True)
def _merge_clusters(
    starts, index, means, quats, log_scales, logits, sh, weights, covs, spread, fill_sigma
):
    """Moment-match the Gaussians index[starts[c]:starts[c + 1]] of each cluster c into one;
    with `spread`, a saturated cluster is then widened to at least `fill_sigma` in its surface."""
    clusters = starts.shape[0] - 1
    k = sh.shape[1]
    out_means = np.empty((clusters, 3), np.float32)
    out_quats = np.empty((clusters, 4), np.float32)
    out_log_scales = np.empty((clusters, 3), np.float32)
    out_logits = np.empty(clusters, np.float32)
    out_sh = np.empty((clusters, k, 3), np.float32)
    mu = np.empty(3)
    cov = np.empty((3, 3))
    acc_sh = np.empty((k, 3))
    lam = np.empty(3)
    vec = np.empty((3, 3))
    quat = np.empty(4)
    for c in range(clusters):
        a, b = starts[c], starts[c + 1]
        if b - a == 1:  # nothing to merge: pass the Gaussian on bit for bit
            i = index[a]
            out_means[c] = means[i]
            out_quats[c] = quats[i]
            out_log_scales[c] = log_scales[i]
            out_logits[c] = logits[i]
            out_sh[c] = sh[i]
            continue
        total = 0.0
        for r in range(a, b):
            total += weights[index[r]]
        uniform = not total > 0.0
        norm = float(b - a) if uniform else total
        mu[:] = 0.0
        acc_sh[:] = 0.0
        for r in range(a, b):
            i = index[r]
            wi = (1.0 if uniform else weights[i]) / norm
            for j in range(3):
                mu[j] += wi * means[i, j]
            for m in range(k):
                for j in range(3):
                    acc_sh[m, j] += wi * sh[i, m, j]
        cov[:] = 0.0
        for r in range(a, b):
            i = index[r]
            wi = (1.0 if uniform else weights[i]) / norm
            d0, d1, d2 = means[i, 0] - mu[0], means[i, 1] - mu[1], means[i, 2] - mu[2]
            cov[0, 0] += wi * (covs[i, 0, 0] + d0 * d0)
            cov[0, 1] += wi * (covs[i, 0, 1] + d0 * d1)
            cov[0, 2] += wi * (covs[i, 0, 2] + d0 * d2)
            cov[1, 1] += wi * (covs[i, 1, 1] + d1 * d1)
            cov[1, 2] += wi * (covs[i, 1, 2] + d1 * d2)
            cov[2, 2] += wi * (covs[i, 2, 2] + d2 * d2)
        cov[1, 0], cov[2, 0], cov[2, 1] = cov[0, 1], cov[0, 2], cov[1, 2]
        _eigh3(cov, lam, vec)
        floor = max(VARIANCE_FLOOR_RELATIVE * max(lam[0], lam[1], lam[2]), VARIANCE_FLOOR_M2)
        for j in range(3):
            lam[j] = max(lam[j], floor)
        det = (
            vec[0, 0] * (vec[1, 1] * vec[2, 2] - vec[1, 2] * vec[2, 1])
            - vec[0, 1] * (vec[1, 0] * vec[2, 2] - vec[1, 2] * vec[2, 0])
            + vec[0, 2] * (vec[1, 0] * vec[2, 1] - vec[1, 1] * vec[2, 0])
        )
        if det < 0.0:  # an eigenvector's sign is free: flip one to make a rotation
            for j in range(3):
                vec[j, 0] = -vec[j, 0]
        _rotation_to_quat(vec, quat)
        thin = 0  # the axis across the surface: the first smallest eigenvalue
        for j in range(1, 3):
            if lam[j] < lam[thin]:
                thin = j
        area = math.pi * math.sqrt(lam[(thin + 1) % 3] * lam[(thin + 2) % 3])
        alpha = 0.0 if uniform else total / area
        if spread and alpha > ALPHA_CLAMP:  # widen in the surface until the mass fits...
            for j in ((thin + 1) % 3, (thin + 2) % 3):
                # ...and to the cell's fill width, so that neighbouring cells overlap
                lam[j] = max(lam[j] * alpha / ALPHA_CLAMP, fill_sigma * fill_sigma)
        alpha = min(max(alpha, ALPHA_FLOOR), ALPHA_CLAMP)
        for j in range(3):
            out_means[c, j] = mu[j]
            out_log_scales[c, j] = 0.5 * math.log(lam[j])
        for j in range(4):
            out_quats[c, j] = quat[j]
        out_logits[c] = math.log(alpha) - math.log1p(-alpha)
        for m in range(k):
            for j in range(3):
                out_sh[c, m, j] = acc_sh[m, j]
    return out_means, out_quats, out_log_scales, out_logits, out_sh


@njit(cache=True, nogil=True)
def _level_error(source_means, source_sigma, level_means, level_log_scales, ancestor):
    """max_i |mu_i - mu_p| + max(0, sigma_p - sigma_i) over level-0 sources i (docstring)."""
    worst = 0.0
    for i in range(ancestor.shape[0]):
        p = ancestor[i]
        moved = 0.0
        for j in range(3):
            moved += (f64(source_means[i, j]) - f64(level_means[p, j])) ** 2
        sigma = math.exp(
            f64(max(level_log_scales[p, 0], level_log_scales[p, 1], level_log_scales[p, 2]))
        )
        worst = max(worst, math.sqrt(moved) + max(sigma - source_sigma[i], 0.0))
    return worst


def check_options(
    min_splats: int, max_levels: int, max_ratio: float, saturation: str, fill_sigma: float = 0.0
) -> None:
    if min_splats < 0 or max_levels < 1 or not 0.0 < max_ratio < 1.0:
        raise ValueError("need min_splats >= 0, max_levels >= 1 and 0 < max_ratio < 1")
    if not 0.0 <= fill_sigma <= 4.0:
        raise ValueError(f"fill_sigma must be in [0, 4] cell edges, got {fill_sigma}")
    if saturation not in ("spread", "clamp"):
        raise ValueError(f"saturation must be 'spread' or 'clamp', got {saturation!r}")


def build_lod(
    means: np.ndarray,  # [N, 3]
    quats: np.ndarray,  # [N, 4] (w, x, y, z)
    log_scales: np.ndarray,  # [N, 3]
    opacity_logits: np.ndarray,  # [N]
    sh: np.ndarray,  # [N, K, 3]
    box_min: np.ndarray,  # [3] the tile's cell, world frame
    box_max: np.ndarray,  # [3]
    min_splats: int = 64,
    max_levels: int = 8,
    max_ratio: float = 0.25,
    saturation: Saturation = "spread",
    fill_sigma: float = FILL_SIGMA,
) -> list[LodLevel]:
    """A tile's LOD pyramid, level 0 (its own Gaussians, copied) first. See the module docstring.

    min_splats: the last level is the first with at most this many Gaussians.
    max_levels: at most this many levels, level 0 included.
    max_ratio: a level keeps at most this fraction of the previous level's count (unless it is
    down to one Gaussian).
    saturation: what a cluster too dense for opacity ALPHA_CLAMP does: "spread" keeps its mass
    by widening it in its surface, "clamp" keeps its covariance and loses the excess mass.
    fill_sigma: with "spread", a saturated cluster's in-surface sigma is at least this many cell
    edges (FILL_SIGMA); 0 keeps only the mass, as levels were built before.
    """
    check_options(min_splats, max_levels, max_ratio, saturation, fill_sigma)
    x = validated_inputs(means, quats, log_scales, opacity_logits, sh, box_min, box_max)
    n = x.means.shape[0]
    current = (x.means, x.quats, x.log_scales, x.opacity_logits, x.sh)
    levels = [LodLevel(*(a.copy() for a in current), 0.0, 0.0, np.full(n, -1, np.int32))]
    if n <= max(min_splats, 1) or max_levels == 1:
        return levels

    codes = morton_codes(x.means, x.box_min, x.box_max)
    # Level 0 stays in the caller's order and is read through `index`; merged levels are
    # written in code order, so for them `index` is the identity.
    index = np.argsort(codes, kind="stable")
    codes = codes[index]
    source_sigma = np.exp(x.log_scales.astype(np.float64).max(axis=1))  # [N] level 0
    ancestor = np.arange(n)  # [N] each level-0 Gaussian's stand-in in the newest level
    depth, error = MORTON_BITS, 0.0
    edge = float(np.max(x.box_max - x.box_min))
    while True:
        count = len(codes)
        d = choose_depth(_cells_per_depth(codes), depth, count, max_ratio)
        shift = 3 * (MORTON_BITS - d)
        cells = codes >> shift
        first = np.empty(count, bool)  # first member of its cell, in code order
        first[0] = True
        np.not_equal(cells[1:], cells[:-1], out=first[1:])
        starts = np.append(np.flatnonzero(first), count)
        cluster = (np.cumsum(first) - 1).astype(np.int32)  # [count] in code order
        weights, covs = _weights_and_covariances(current[1], current[2], current[3])
        fill = fill_sigma * edge / (1 << d)
        merged = _merge_clusters(
            starts, index, *current, weights, covs, saturation == "spread", fill
        )
        parent = levels[-1].parent
        parent[index] = cluster
        ancestor = parent[ancestor]
        level_error = _level_error(x.means, source_sigma, merged[0], merged[2], ancestor)
        error = max(error, level_error)
        clusters = len(starts) - 1
        levels.append(LodLevel(*merged, error, edge / (1 << d), np.full(clusters, -1, np.int32)))
        current, codes, depth = merged, cells[starts[:-1]] << shift, d
        index = np.arange(clusters)
        if clusters <= max(min_splats, 1) or len(levels) == max_levels or depth == 0:
            return levels
