"""Exemplar inpainting: multi-scale PatchMatch image completion over several source images.

The classic generator renders the world at a new camera and must colour the pixels the world does
not cover (the hole). New content should continue what is nearby, so every filled patch is copied
from somewhere real: the known part of the target itself (source 0) or one of the frames that
spatial memory retrieved for that camera (sources 1..n, any size).

Method: the completion of Wexler, Shechtman and Irani (2007, "Space-Time Completion of Video"),
with the nearest-neighbour search of Barnes et al. (2009, "PatchMatch"). The completed image is
the one whose every patch overlapping the hole is close to some fully valid source patch. It is
found coarse to fine on image pyramids (2x per level). At each level, alternate
  (a) search: the nearest-neighbour field (NNF), one source patch per target patch centre, by
      PatchMatch: scan-order propagation of the neighbours' shifted matches, random search in
      halving windows around the current match, and a random admissible patch of every source
      (coarsest level) or of one random source (finer levels) per pass: how a match crosses
      from one source image to another. At finer levels the first round also tries the 8
      neighbours of each match, since a 2x upsampled NNF holds only even offsets;
  (b) voting: every hole pixel becomes the weighted mean of what the patches covering it copy
      there. A patch's weight is its similarity exp(-d / 2 sigma^2) (d its distance, sigma^2
      the 75th percentile of the distances, as in Newson et al. 2014) times its confidence
      falloff^-depth (depth: how far its centre lies inside the hole, as in Wexler et al.), so
      poor matches count less and the structure at the hole's edge leads the way inward.
The coarsest level starts from an onion-peel fill (each ring of the hole takes the mean of its
known neighbours) and a random NNF; each finer level starts from the coarser NNF, upsampled, and
one uniform vote through it. Most rounds are spent at the coarse and middle levels, where they
are cheap and decide the structure; the finest level gets one (`InpaintConfig`). Patch distance
is the sum of squared colour differences over the patch plus `guide_weight` times that of the
optional guide channels (a surface label, a normal, scaled depth: known over the whole target,
hole included), so floor continues floor and wall continues wall. A source patch is admissible
only when every one of its pixels is valid; known target pixels never change.

Cost: per level, O(patches overlapping the hole x (log2 size + sources) x patch area) for each
search pass (early exit once a candidate is worse than the current match) and O(hole x patch
area) per vote. Single-threaded and deterministic for a seed. The slow reference, with an
exhaustive search at one scale, is `inpaint_reference.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy.ndimage import distance_transform_edt

NO_MATCH = -1  # nnf entry and source_of value where there is no target patch / the pixel is known


@dataclass(frozen=True)
class Source:
    """An image patches may be copied from."""

    rgb: np.ndarray  # [h, w, 3] float32 in [0, 1]
    valid: np.ndarray  # [h, w] bool: pixels a patch may include
    guide: np.ndarray | None = None  # [h, w, C] float32; required when the target has a guide


@dataclass(frozen=True)
class InpaintConfig:
    """How hard to search; the defaults keep a 512x384 view with a 30 % hole within 0.5 s."""

    min_size: int = 24
    """Shorter side of the coarsest pyramid level is at least this (and at least `patch`)."""
    coarse_iterations: int = 20
    """Search-and-vote rounds at the coarsest level (cheap: a few hundred patches)."""
    middle_iterations: int = 6
    """Search-and-vote rounds at the levels between the coarsest and the finest."""
    fine_iterations: int = 1
    """Search-and-vote rounds at the finest level (the costly one: 4x the level below)."""
    coarse_passes: int = 4
    """PatchMatch passes per round at the coarsest level."""
    fine_passes: int = 1
    """PatchMatch passes per round at finer levels (their start, the upsampled NNF, is good)."""
    fine_radius: int = 16
    """Largest random-search window at finer levels, in pixels; the coarsest searches everywhere."""
    falloff: float = 1.3
    """Vote confidence of a patch is falloff^-(its centre's distance into the hole, in pixels at
    that level); 1 weighs all patches by similarity alone."""
    refine: bool = True
    """In the first round of each finer level, also try the 8 neighbours of each match: the
    upsampled NNF holds only even offsets."""


@dataclass(frozen=True)
class InpaintResult:
    rgb: np.ndarray  # [H, W, 3] float32; known pixels are the input's, bit for bit
    source_of: np.ndarray  # [H, W] int16: source of the patch centred nearest each filled pixel
    # (0 the target's known region, i the sources[i - 1]); -1 on known pixels
    nnf: np.ndarray  # [H, W, 3] int32 (source, y, x) matched source patch centre per target patch
    # centre; -1 where the patch centred there overlaps no hole pixel (or leaves the image)
    distance: np.ndarray  # [H, W] float32: each target patch's distance to its match, measured on
    # the returned rgb; NaN where nnf is -1
    levels: int  # pyramid levels used

    @property
    def mean_distance(self) -> float:
        """Mean distance over target patches (the completion's energy per patch); 0 if none."""
        d = self.distance[np.isfinite(self.distance)]
        return float(d.mean()) if d.size else 0.0


# ------------------------------------------------------------------------------------------------
# Inputs


def source_list(
    target: np.ndarray, hole: np.ndarray, sources: list[Source], guide: np.ndarray | None
) -> list[Source]:
    """Checks the inputs and returns every source, the target's known region first (index 0)."""
    if target.ndim != 3 or target.shape[2] != 3:
        raise ValueError(f"target must be [H, W, 3], got {target.shape}")
    # Colours are floats in [0, 1]; uint8 images would silently weigh 65025x more than guides.
    for i, rgb in enumerate([target, *(s.rgb for s in sources)]):
        if not np.issubdtype(rgb.dtype, np.floating):
            raise ValueError(f"source {i}: rgb must be float in [0, 1], got {rgb.dtype}")
    height, width = target.shape[:2]
    if hole.shape != (height, width) or hole.dtype != np.bool_:
        raise ValueError(f"hole must be bool [{height}, {width}], got {hole.dtype} {hole.shape}")
    if guide is not None and (guide.ndim != 3 or guide.shape[:2] != (height, width)):
        raise ValueError(f"guide must be [{height}, {width}, C], got {guide.shape}")
    channels = 0 if guide is None else guide.shape[2]
    out = [Source(target, ~hole, guide)]
    for i, s in enumerate(sources, start=1):
        if s.rgb.ndim != 3 or s.rgb.shape[2] != 3 or s.valid.shape != s.rgb.shape[:2]:
            raise ValueError(f"source {i}: rgb must be [h, w, 3] and valid [h, w]")
        if s.valid.dtype != np.bool_:
            raise ValueError(f"source {i}: valid must be bool, got {s.valid.dtype}")
        if (s.guide is None) != (guide is None):
            raise ValueError(f"source {i}: target and sources must all have a guide or none")
        if s.guide is not None and s.guide.shape != (*s.rgb.shape[:2], channels):
            raise ValueError(f"source {i}: guide must be [h, w, {channels}], got {s.guide.shape}")
        out.append(s)
    for i, s in enumerate(out):
        # Whole-array checks first: cheap, and almost always enough.
        if not np.isfinite(s.rgb).all() and not np.isfinite(s.rgb[s.valid]).all():
            raise ValueError(f"source {i}: rgb has non-finite values at valid pixels")
        if s.guide is not None and not np.isfinite(s.guide).all():
            where = slice(None) if i == 0 else s.valid  # the target's guide is used in the hole
            if not np.isfinite(s.guide[where]).all():
                raise ValueError(f"source {i}: guide has non-finite values")
    return out


def _clean(source: Source) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rgb [h, w, 3], valid [h, w], guide [h, w, C]) in float32, invalid pixels zeroed; C = 0
    when there is no guide."""
    valid = np.ascontiguousarray(source.valid)
    everywhere = bool(valid.all())

    def masked(a: np.ndarray) -> np.ndarray:
        if everywhere:
            return np.ascontiguousarray(a, np.float32)
        return np.where(valid[..., None], a, 0.0).astype(np.float32)

    guide = np.zeros((*valid.shape, 0), np.float32) if source.guide is None else None
    return masked(source.rgb), valid, masked(source.guide) if guide is None else guide


# ------------------------------------------------------------------------------------------------
# Pyramids and patch masks (numpy)


def _pad_even(a: np.ndarray) -> np.ndarray:
    h, w = a.shape[:2]
    if h % 2 == 0 and w % 2 == 0:
        return a
    return np.pad(a, ((0, h % 2), (0, w % 2)) + ((0, 0),) * (a.ndim - 2), mode="edge")


def half_mean(a: np.ndarray) -> np.ndarray:
    """[h, w, ...] -> [ceil(h/2), ceil(w/2), ...]: 2x2 block means (odd edges replicated)."""
    a = _pad_even(a)
    return (a[0::2, 0::2] + a[1::2, 0::2] + a[0::2, 1::2] + a[1::2, 1::2]) * np.float32(0.25)


def half_all(mask: np.ndarray) -> np.ndarray:
    """[h, w] bool -> [ceil(h/2), ceil(w/2)]: true where the whole 2x2 block is true."""
    m = _pad_even(mask)
    return m[0::2, 0::2] & m[1::2, 0::2] & m[0::2, 1::2] & m[1::2, 1::2]


def _window_sums(mask: np.ndarray, r: int) -> np.ndarray:
    """Count of true pixels in the (2r+1)^2 window at each patch centre [h-2r, w-2r]."""
    k = 2 * r + 1
    ii = np.zeros((mask.shape[0] + 1, mask.shape[1] + 1), np.int32)
    ii[1:, 1:] = mask.cumsum(0).cumsum(1)
    return ii[k:, k:] - ii[:-k, k:] - ii[k:, :-k] + ii[:-k, :-k]


def patch_ok(valid: np.ndarray, r: int) -> np.ndarray:
    """[h, w] bool: a patch of radius r centred here lies inside the image and is fully valid."""
    h, w = valid.shape
    ok = np.zeros((h, w), np.bool_)
    if h > 2 * r and w > 2 * r:
        if valid.all():  # the common case for retrieved frames
            ok[r : h - r, r : w - r] = True
        else:
            ok[r : h - r, r : w - r] = _window_sums(valid, r) == (2 * r + 1) ** 2
    return ok


def target_patches(hole: np.ndarray, r: int) -> np.ndarray:
    """[H, W] bool: a patch of radius r centred here lies inside the image and overlaps the hole."""
    h, w = hole.shape
    active = np.zeros((h, w), np.bool_)
    if h > 2 * r and w > 2 * r:
        active[r : h - r, r : w - r] = _window_sums(hole, r) > 0
    return active


@dataclass(frozen=True)
class _Packed:
    """Every source of one level in flat arrays, so that one compiled kernel can read them all."""

    rgb: np.ndarray  # [P, 3] float32, all sources' pixels, row-major one after another
    guide: np.ndarray  # [P, C] float32
    ok: np.ndarray  # [P] bool: patch_ok per pixel
    base: np.ndarray  # [S] int64: first pixel of each source
    h: np.ndarray  # [S] int64
    w: np.ndarray  # [S] int64
    cand: np.ndarray  # [Q] int64: admissible patch centres (y * w + x) of every source in turn
    cand_off: np.ndarray  # [S + 1] int64: source s's centres are cand[cand_off[s]:cand_off[s+1]]

    @property
    def admissible(self) -> int:
        return len(self.cand)


def pack(level: list[tuple[np.ndarray, np.ndarray, np.ndarray]], r: int) -> _Packed:
    """Packs (rgb, valid, guide) of every source at one level."""
    sizes = [v.shape for _, v, _ in level]
    oks = [patch_ok(v, r).ravel() for _, v, _ in level]
    cands = [np.flatnonzero(ok).astype(np.int64) for ok in oks]
    counts = np.array([h * w for h, w in sizes], np.int64)
    return _Packed(
        rgb=np.concatenate([c.reshape(-1, 3) for c, _, _ in level]),
        guide=np.concatenate([g.reshape(g.shape[0] * g.shape[1], g.shape[2]) for _, _, g in level]),
        ok=np.concatenate(oks),
        base=np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64),
        h=np.array([h for h, _ in sizes], np.int64),
        w=np.array([w for _, w in sizes], np.int64),
        cand=np.concatenate(cands),
        cand_off=np.concatenate([[0], np.cumsum([len(c) for c in cands])]).astype(np.int64),
    )


# ------------------------------------------------------------------------------------------------
# Compiled kernels. NNF rows are (source, y, x) of a source patch centre, one per target patch
# centre (cy[i], cx[i]), listed in scan order.


@njit(cache=True, fastmath=True, nogil=True)
def _distance(img, tguide, width, nc, ty, tx, prgb, pguide, base, sw, sy, sx, r, gw, limit):
    """Patch distance, abandoned (returning a value > limit) once it exceeds `limit`.

    All arrays are flat (pixel-major, channels last), so each patch row is one contiguous run
    of (2r + 1) * channels floats in both images: a loop the compiler vectorises."""
    d = 0.0
    k = 2 * r + 1
    for dy in range(-r, r + 1):
        t = (ty + dy) * width + tx - r
        p = base + (sy + dy) * sw + sx - r
        row = np.float32(0.0)
        for j in range(3 * k):
            e = img[3 * t + j] - prgb[3 * p + j]
            row += e * e
        if nc:
            g = np.float32(0.0)
            for j in range(nc * k):
                e = tguide[nc * t + j] - pguide[nc * p + j]
                g += e * e
            row += gw * g
        d += row
        if d > limit:
            return d
    return d


@njit(cache=True, nogil=True)
def _distances(img, tguide, cy, cx, nnf, prgb, pguide, base, w, r, gw):
    width, nc = img.shape[1], tguide.shape[2]
    imgf, tgf, prgbf, pgf = img.ravel(), tguide.ravel(), prgb.ravel(), pguide.ravel()
    out = np.empty(len(cy), np.float32)
    for i in range(len(cy)):
        s = nnf[i, 0]
        out[i] = _distance(
            imgf, tgf, width, nc, cy[i], cx[i], prgbf, pgf, base[s], w[s], nnf[i, 1], nnf[i, 2],
            r, gw, np.inf,
        )  # fmt: skip
    return out


@njit(cache=True, nogil=True)
def _random_patch(cand, cand_off, s):
    """A random admissible centre (source, y, x) of source s, or of any source if s has none."""
    if cand_off[s + 1] == cand_off[s]:
        n = len(cand_off) - 1
        s = np.random.randint(n)
        while cand_off[s + 1] == cand_off[s]:  # the caller guarantees some source has one
            s = (s + 1) % n
    return s, cand[cand_off[s] + np.random.randint(cand_off[s + 1] - cand_off[s])]


@njit(cache=True, nogil=True)
def _random_nnf(cy, cand, cand_off, w, seed):
    np.random.seed(seed)
    nnf = np.empty((len(cy), 3), np.int64)
    n = len(cand_off) - 1
    for i in range(len(cy)):
        s, q = _random_patch(cand, cand_off, np.random.randint(n))
        nnf[i, 0], nnf[i, 1], nnf[i, 2] = s, q // w[s], q % w[s]
    return nnf


@njit(cache=True, nogil=True)
def _upsample_nnf(cy, cx, coarse_index, coarse_nnf, ok, base, h, w, cand, cand_off, r, seed):
    """Fine NNF from the coarse one: the coarse match of the parent centre, scaled by two, plus
    this pixel's offset from twice its parent (a random patch where that is not admissible)."""
    np.random.seed(seed)
    ch, cw = coarse_index.shape
    nnf = np.empty((len(cy), 3), np.int64)
    for i in range(len(cy)):
        y, x = cy[i], cx[i]
        py = min(max(y // 2, r), ch - 1 - r)
        px = min(max(x // 2, r), cw - 1 - r)
        j = coarse_index[py, px] if min(ch, cw) > 2 * r else -1
        s = coarse_nnf[j, 0] if j >= 0 else np.random.randint(len(h))
        placed = False
        if j >= 0:
            sy = min(max(2 * coarse_nnf[j, 1] + y - 2 * py, r), h[s] - 1 - r)
            sx = min(max(2 * coarse_nnf[j, 2] + x - 2 * px, r), w[s] - 1 - r)
            if sy >= r and sx >= r and ok[base[s] + sy * w[s] + sx]:
                nnf[i, 0], nnf[i, 1], nnf[i, 2] = s, sy, sx
                placed = True
        if not placed:
            s, q = _random_patch(cand, cand_off, s)
            nnf[i, 0], nnf[i, 1], nnf[i, 2] = s, q // w[s], q % w[s]
    return nnf


@njit(cache=True, nogil=True)
def _search(img, tguide, cy, cx, index, nnf, dist, prgb, pguide, ok, base, h, w, cand, cand_off,
            r, gw, passes, max_radius, every_source, refine, seed):  # fmt: skip
    """PatchMatch passes, improving nnf and dist in place; even passes scan forward, odd back.

    Each patch also tries a random admissible patch of every source (`every_source`) or of one
    random source: how matches move between images. `refine` adds the 8 neighbours of the best
    match: an upsampled NNF holds only even offsets, and the odd ones are found here."""
    np.random.seed(seed)
    n = len(cy)
    ns = len(h)
    width, nc = img.shape[1], tguide.shape[2]
    imgf, tgf, prgbf, pgf = img.ravel(), tguide.ravel(), prgb.ravel(), pguide.ravel()
    for it in range(passes):
        step = 1 if it % 2 == 0 else -1
        for k in range(n):
            i = k if step == 1 else n - 1 - k
            y, x = cy[i], cx[i]
            bs, by, bx, bd = nnf[i, 0], nnf[i, 1], nnf[i, 2], dist[i]
            # Propagation: the neighbour already visited this pass, its match shifted by one.
            for nb in range(2):
                ny = y - step if nb == 1 else y
                nx = x - step if nb == 0 else x
                j = index[ny, nx]
                if j < 0:
                    continue
                s = nnf[j, 0]
                sy, sx = nnf[j, 1] + y - ny, nnf[j, 2] + x - nx
                if sy < r or sx < r or sy >= h[s] - r or sx >= w[s] - r:
                    continue
                if not ok[base[s] + sy * w[s] + sx] or (s == bs and sy == by and sx == bx):
                    continue
                d = _distance(
                    imgf, tgf, width, nc, y, x, prgbf, pgf, base[s], w[s], sy, sx, r, gw, bd
                )
                if d < bd:
                    bs, by, bx, bd = s, sy, sx, d
            # Random search in halving windows around the current match, in its source.
            radius = min(max(h[bs], w[bs]), max_radius)
            while radius >= 1:
                sy = min(max(by + np.random.randint(-radius, radius + 1), r), h[bs] - 1 - r)
                sx = min(max(bx + np.random.randint(-radius, radius + 1), r), w[bs] - 1 - r)
                if ok[base[bs] + sy * w[bs] + sx]:
                    d = _distance(imgf, tgf, width, nc, y, x, prgbf, pgf, base[bs], w[bs], sy, sx,
                                  r, gw, bd)  # fmt: skip
                    if d < bd:
                        by, bx, bd = sy, sx, d
                radius //= 2
            if refine:
                cs, cy0, cx0 = bs, by, bx
                for ry in range(cy0 - 1, cy0 + 2):
                    for rx in range(cx0 - 1, cx0 + 2):
                        if ry < r or rx < r or ry >= h[cs] - r or rx >= w[cs] - r:
                            continue
                        if (ry == cy0 and rx == cx0) or not ok[base[cs] + ry * w[cs] + rx]:
                            continue
                        d = _distance(imgf, tgf, width, nc, y, x, prgbf, pgf, base[cs], w[cs], ry,
                                      rx, r, gw, bd)  # fmt: skip
                        if d < bd:
                            by, bx, bd = ry, rx, d
            for t in range(ns if every_source else 1):
                s = t if every_source else np.random.randint(ns)
                m = cand_off[s + 1] - cand_off[s]
                if m == 0:
                    continue
                q = cand[cand_off[s] + np.random.randint(m)]
                sy, sx = q // w[s], q % w[s]
                d = _distance(
                    imgf, tgf, width, nc, y, x, prgbf, pgf, base[s], w[s], sy, sx, r, gw, bd
                )
                if d < bd:
                    bs, by, bx, bd = s, sy, sx, d
            nnf[i, 0], nnf[i, 1], nnf[i, 2], dist[i] = bs, by, bx, bd


@njit(cache=True, nogil=True)
def _vote(img, hole, cy, cx, nnf, weight, prgb, base, w, r):
    """Every hole pixel of img := weighted mean of what the patches covering it copy there."""
    height, width = hole.shape
    acc = np.zeros((height, width, 3))
    total = np.zeros((height, width))
    for i in range(len(cy)):
        s, sy, sx, wt = nnf[i, 0], nnf[i, 1], nnf[i, 2], weight[i]
        for dy in range(-r, r + 1):
            ty = cy[i] + dy
            row = base[s] + (sy + dy) * w[s] + sx
            for dx in range(-r, r + 1):
                tx = cx[i] + dx
                if hole[ty, tx]:
                    p = row + dx
                    acc[ty, tx, 0] += wt * prgb[p, 0]
                    acc[ty, tx, 1] += wt * prgb[p, 1]
                    acc[ty, tx, 2] += wt * prgb[p, 2]
                    total[ty, tx] += wt
    for y in range(height):
        for x in range(width):
            if hole[y, x] and total[y, x] > 0.0:
                for c in range(3):
                    img[y, x, c] = acc[y, x, c] / total[y, x]


@njit(cache=True, nogil=True)
def onion_fill(rgb, hole, fallback):
    """Fills the hole ring by ring from its edge, each pixel the mean of its known 8-neighbours
    (those known before its ring); `fallback` [3] everywhere when nothing is known."""
    height, width = hole.shape
    out = rgb.copy()
    known = ~hole
    if not known.any():
        for y in range(height):
            for x in range(width):
                out[y, x, :] = fallback
        return out
    while not known.all():
        ring = np.zeros((height, width), np.bool_)
        for y in range(height):
            for x in range(width):
                if known[y, x]:
                    continue
                acc = np.zeros(3)
                n = 0
                for ny in range(max(y - 1, 0), min(y + 2, height)):
                    for nx in range(max(x - 1, 0), min(x + 2, width)):
                        if known[ny, nx]:
                            for c in range(3):
                                acc[c] += out[ny, nx, c]
                            n += 1
                if n:
                    for c in range(3):
                        out[y, x, c] = acc[c] / n
                    ring[y, x] = True
        known |= ring
    return out


# ------------------------------------------------------------------------------------------------
# Building blocks shared with the reference (single level, plain arrays)


def hole_depth(hole: np.ndarray) -> np.ndarray:
    """[H, W] float: Euclidean distance in pixels from each hole pixel to the nearest known one
    (0 on known pixels; inf when nothing is known)."""
    if hole.all():
        return np.full(hole.shape, np.inf)
    return distance_transform_edt(hole)


def vote_weights(distance: np.ndarray, depth: np.ndarray, falloff: float) -> np.ndarray:
    """Per-patch vote weights [N]: similarity exp(-d / 2 sigma^2) (sigma^2 the 75th percentile of
    the distances d) times confidence falloff^-depth, depth being how far the patch centre lies
    inside the hole (Wexler et al.): what was copied next to known pixels is more certain than
    what was copied deep inside, so the boundary's structure leads."""
    if distance.size == 0:
        return distance.astype(np.float64)
    sigma2 = float(np.percentile(distance, 75))
    similarity = np.exp(-distance.astype(np.float64) / (2.0 * sigma2)) if sigma2 > 0 else 1.0
    depth = np.where(np.isfinite(depth), depth, 0.0)  # nothing known: all equally uncertain
    confidence = np.power(float(falloff), -(depth - depth.min()))
    # The floor keeps a pixel covered only by poor, deep matches from a 0/0.
    return np.maximum(similarity * confidence, 1e-300)


def _centres(active: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scan-order centres (cy, cx) of the active target patches and their index map [H, W]."""
    cy, cx = np.nonzero(active)
    index = np.full(active.shape, -1, np.int64)
    index[cy, cx] = np.arange(len(cy))
    return cy.astype(np.int64), cx.astype(np.int64), index


def _target_arrays(
    image: np.ndarray, hole: np.ndarray, guide: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rgb, valid, guide) of source 0: the image as it stands, its guide over the hole too."""
    g = np.zeros((*hole.shape, 0), np.float32) if guide is None else guide.astype(np.float32)
    return np.ascontiguousarray(image, np.float32), ~hole, g


def _level_inputs(
    image: np.ndarray, hole: np.ndarray, sources: list[Source], patch: int
) -> tuple[list[tuple[np.ndarray, np.ndarray, np.ndarray]], np.ndarray]:
    cleaned = [_target_arrays(image, hole, sources[0].guide)] + [_clean(s) for s in sources[1:]]
    return cleaned, target_patches(hole, patch // 2)


def nnf_to_rows(nnf: np.ndarray, active: np.ndarray) -> np.ndarray:
    return nnf[active].astype(np.int64)


def patch_distances(
    image: np.ndarray,
    hole: np.ndarray,
    sources: list[Source],
    nnf: np.ndarray,
    *,
    patch: int = 7,
    guide_weight: float = 1.0,
) -> np.ndarray:
    """Distance [H, W] of every target patch of `image` to its match in `nnf` [H, W, 3] (NaN where
    nnf is -1). `sources` as returned by `source_list` (the target first, its rgb unused)."""
    level, active = _level_inputs(image, hole, sources, patch)
    p = pack(level, patch // 2)
    cy, cx, _ = _centres(active)
    d = _distances(level[0][0], level[0][2], cy, cx, nnf_to_rows(nnf, active), p.rgb, p.guide,
                   p.base, p.w, patch // 2, guide_weight)  # fmt: skip
    out = np.full(hole.shape, np.nan, np.float32)
    out[cy, cx] = d
    return out


def vote(
    image: np.ndarray,
    hole: np.ndarray,
    sources: list[Source],
    nnf: np.ndarray,
    weight: np.ndarray,
    *,
    patch: int = 7,
) -> np.ndarray:
    """`image` [H, W, 3] with every hole pixel replaced by the weighted mean of what the patches
    covering it copy there through `nnf` [H, W, 3], patch weights `weight` [H, W]."""
    level, active = _level_inputs(image, hole, sources, patch)
    p = pack(level, patch // 2)
    cy, cx, _ = _centres(active)
    out = level[0][0].copy()
    _vote(out, hole, cy, cx, nnf_to_rows(nnf, active), weight[active].astype(np.float64), p.rgb,
          p.base, p.w, patch // 2)  # fmt: skip
    return out


# ------------------------------------------------------------------------------------------------
# Entry point


def _pyramid_depth(height: int, width: int, patch: int, config: InpaintConfig) -> int:
    levels, h, w = 1, height, width
    while min((h + 1) // 2, (w + 1) // 2) >= max(config.min_size, patch):
        h, w, levels = (h + 1) // 2, (w + 1) // 2, levels + 1
    return levels


def _seed(seed: int, level: int, step: int) -> int:
    return (seed * 1_000_003 + level * 7_919 + step * 104_729) % (1 << 32)


def _empty_result(target: np.ndarray) -> InpaintResult:
    h, w = target.shape[:2]
    return InpaintResult(
        rgb=target.astype(np.float32, copy=True),
        source_of=np.full((h, w), NO_MATCH, np.int16),
        nnf=np.full((h, w, 3), NO_MATCH, np.int32),
        distance=np.full((h, w), np.nan, np.float32),
        levels=0,
    )


def inpaint(
    target: np.ndarray,
    hole: np.ndarray,
    sources: list[Source],
    *,
    guide: np.ndarray | None = None,
    patch: int = 7,
    seed: int = 0,
    guide_weight: float = 1.0,
    config: InpaintConfig = InpaintConfig(),
) -> InpaintResult:
    """Fills target [H, W, 3] where `hole` [H, W] is true with patches of the target's known
    region (source 0) and of `sources` (1..n). `guide` [H, W, C], when given, is known everywhere.

    Raises ValueError on malformed inputs, or when the hole is not empty and no source holds a
    single fully valid patch.
    """
    if patch < 3 or patch % 2 == 0:
        raise ValueError(f"patch must be odd and >= 3, got {patch}")
    everything = source_list(target, hole, sources, guide)
    height, width = hole.shape
    if not hole.any():
        return _empty_result(target)
    if min(height, width) < patch:
        raise ValueError(f"target {width}x{height} is smaller than a {patch}x{patch} patch")
    r = patch // 2

    # Pyramids: sources valid where their whole 2x2 block is; the target's hole where any is.
    known = np.where(hole[..., None], 0.0, target).astype(np.float32)
    pyramid = [[_target_arrays(known, hole, guide)] + [_clean(s) for s in everything[1:]]]
    holes = [hole]
    for _ in range(_pyramid_depth(height, width, patch, config) - 1):
        pyramid.append([(half_mean(c), half_all(v), half_mean(g)) for c, v, g in pyramid[-1]])
        holes.append(~half_all(~holes[-1]))
    packs = [pack(level, r) for level in pyramid]
    if packs[0].admissible == 0:
        raise ValueError(f"no source has a fully valid {patch}x{patch} patch")
    while packs[-1].admissible == 0:  # sources too small or too holey to be seen coarse
        del pyramid[-1], holes[-1], packs[-1]
    levels = len(packs)

    img = nnf = coarse_index = None
    for level in range(levels - 1, -1, -1):
        p, (rgb, _, tguide), lhole = packs[level], pyramid[level][0], holes[level]
        cy, cx, index = _centres(target_patches(lhole, r))
        depth = hole_depth(lhole)[cy, cx]
        coarsest = level == levels - 1
        if coarsest:
            fallback = np.mean(p.rgb[p.ok], axis=0) if p.ok.any() else np.full(3, 0.5)
            img = onion_fill(rgb, lhole, fallback.astype(np.float32))
            nnf = _random_nnf(cy, p.cand, p.cand_off, p.w, _seed(seed, level, 0))
        else:
            # Start from the coarse solution: its matches, scaled, voted once without weights.
            nnf = _upsample_nnf(cy, cx, coarse_index, nnf, p.ok, p.base, p.h, p.w, p.cand,
                                p.cand_off, r, _seed(seed, level, 0))  # fmt: skip
            lh, lw = lhole.shape
            up = np.repeat(np.repeat(img, 2, axis=0), 2, axis=1)[:lh, :lw]
            img = np.where(lhole[..., None], up, rgb)
            img = np.ascontiguousarray(img, np.float32)
            _vote(img, lhole, cy, cx, nnf, np.ones(len(cy)), p.rgb, p.base, p.w, r)
        rounds = config.middle_iterations if level else config.fine_iterations
        rounds = config.coarse_iterations if coarsest else rounds
        passes = config.coarse_passes if coarsest else config.fine_passes
        radius = 1 << 30 if coarsest else config.fine_radius
        for step in range(rounds):
            dist = _distances(img, tguide, cy, cx, nnf, p.rgb, p.guide, p.base, p.w, r,
                              guide_weight)  # fmt: skip
            _search(img, tguide, cy, cx, index, nnf, dist, p.rgb, p.guide, p.ok, p.base, p.h, p.w,
                    p.cand, p.cand_off, r, guide_weight, passes, radius, coarsest,
                    config.refine and not coarsest and step == 0,
                    _seed(seed, level, step + 1))  # fmt: skip
            weight = vote_weights(dist, depth, config.falloff)
            _vote(img, lhole, cy, cx, nnf, weight, p.rgb, p.base, p.w, r)
        coarse_index = index

    p, tguide = packs[0], pyramid[0][0][2]
    dist = _distances(img, tguide, cy, cx, nnf, p.rgb, p.guide, p.base, p.w, r, guide_weight)
    rgb_out = np.array(target, np.float32, copy=True)
    rgb_out[hole] = img[hole]
    nnf_out = np.full((height, width, 3), NO_MATCH, np.int32)
    nnf_out[cy, cx] = nnf
    distance = np.full((height, width), np.nan, np.float32)
    distance[cy, cx] = dist
    # Every pixel lies in the patch centred at its position clamped into the centre range.
    ys = np.clip(np.arange(height), r, height - 1 - r)
    xs = np.clip(np.arange(width), r, width - 1 - r)
    source_of = nnf_out[ys[:, None], xs[None, :], 0].astype(np.int16)
    source_of[~hole] = NO_MATCH
    return InpaintResult(rgb_out, source_of, nnf_out, distance, levels)
