"""Fast CPU splatting with numba, tiled like gsplat; the maths is term for term the reference's.

Pipeline: project every Gaussian in parallel (conic, radius, colour, tile rectangle) -> sort the
visible ones by depth once and gather them in that order -> bin them into 16x16 pixel tiles (count,
prefix sum, fill; each tile's list is then already front to back) -> composite tiles in parallel,
each splat of a tile visiting its footprint's pixels until they run out of transmittance. Tile
lists are filled in batches of tiles so that the index buffer never holds more than
`max_entries` entries (int32 ids, int64 offsets), however large the splats are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numba
import numpy as np
from numba import njit, prange

from worldstream.geometry.camera import Camera
from worldstream.geometry.gaussians import SH_C0, Gaussians, sh_degree_for
from worldstream.render.types import (
    ALPHA_MAX,
    ALPHA_MIN,
    FOV_GUARD,
    LOWPASS,
    MAX_SH_DEGREE,
    NEAR_Z,
    SH_C1,
    SH_C2,
    SH_C3,
    SIGMA_EXTENT,
    T_MIN,
    TILE,
    RenderResult,
    background_rgb,
    empty_result,
)

DEFAULT_MAX_ENTRIES = 1 << 24  # tile-list entries held at once: 64 MiB of int32 ids

# Columns of the per-Gaussian splat table. POWER_MIN: below this exponent alpha is surely under
# ALPHA_MIN (a 1e-6 margin keeps the exact test for the borderline), so exp() can be skipped.
U, V, CA, CB, CC, OPACITY, R, G, B, DEPTH, RADIUS, POWER_MIN = range(12)
NCOL = 12


@njit(cache=True, inline="always")
def _sigmoid(x: float) -> float:
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@njit(cache=True, nogil=True)
def _sh_channel(sh, i, ch, degree, x, y, z):  # sh [N, K, 3] -> colour channel before clamping
    c = SH_C0 * sh[i, 0, ch]
    if degree >= 1:
        c = c - SH_C1 * y * sh[i, 1, ch] + SH_C1 * z * sh[i, 2, ch] - SH_C1 * x * sh[i, 3, ch]
    if degree >= 2:
        xx, yy, zz, xy, yz, xz = x * x, y * y, z * z, x * y, y * z, x * z
        c = (
            c
            + SH_C2[0] * xy * sh[i, 4, ch]
            + SH_C2[1] * yz * sh[i, 5, ch]
            + SH_C2[2] * (2 * zz - xx - yy) * sh[i, 6, ch]
            + SH_C2[3] * xz * sh[i, 7, ch]
            + SH_C2[4] * (xx - yy) * sh[i, 8, ch]
        )
        if degree >= 3:
            c = (
                c
                + SH_C3[0] * y * (3 * xx - yy) * sh[i, 9, ch]
                + SH_C3[1] * xy * z * sh[i, 10, ch]
                + SH_C3[2] * y * (4 * zz - xx - yy) * sh[i, 11, ch]
                + SH_C3[3] * z * (2 * zz - 3 * xx - 3 * yy) * sh[i, 12, ch]
                + SH_C3[4] * x * (4 * zz - xx - yy) * sh[i, 13, ch]
                + SH_C3[5] * z * (xx - yy) * sh[i, 14, ch]
                + SH_C3[6] * x * (xx - 3 * yy) * sh[i, 15, ch]
            )
    return max(c + 0.5, 0.0)


@njit(cache=True, inline="always")
def _jw_column(w2c, j00, j02, j11, j12, m0, m1, m2):
    """One column of J W M: camera rotation, then the two rows of the projection Jacobian."""
    w0 = w2c[0, 0] * m0 + w2c[0, 1] * m1 + w2c[0, 2] * m2
    w1 = w2c[1, 0] * m0 + w2c[1, 1] * m1 + w2c[1, 2] * m2
    w2 = w2c[2, 0] * m0 + w2c[2, 1] * m1 + w2c[2, 2] * m2
    return j00 * w0 + j02 * w2, j11 * w1 + j12 * w2


@njit(cache=True, parallel=True, fastmath=False, nogil=True)
def _project(means, quats, log_scales, opacity_logits, sh, degree, w2c, intr, campos, size):
    """Per Gaussian: splat row [N, 11] and tile rectangle [N, 4] (x0, y0, x1, y1; empty = culled).

    intr = (fx, fy, cx, cy); size = (width, height).
    """
    n = means.shape[0]
    fx, fy, cx, cy = intr[0], intr[1], intr[2], intr[3]
    width, height = size[0], size[1]
    tiles_x = (width + TILE - 1) // TILE
    tiles_y = (height + TILE - 1) // TILE
    tan_x, tan_y = 0.5 * width / fx, 0.5 * height / fy
    lim_x_pos, lim_x_neg = (width - cx) / fx + FOV_GUARD * tan_x, cx / fx + FOV_GUARD * tan_x
    lim_y_pos, lim_y_neg = (height - cy) / fy + FOV_GUARD * tan_y, cy / fy + FOV_GUARD * tan_y
    splats = np.zeros((n, NCOL), np.float64)
    rects = np.zeros((n, 4), np.int32)
    for i in prange(n):
        mx, my, mz = np.float64(means[i, 0]), np.float64(means[i, 1]), np.float64(means[i, 2])
        x = w2c[0, 0] * mx + w2c[0, 1] * my + w2c[0, 2] * mz + w2c[0, 3]
        y = w2c[1, 0] * mx + w2c[1, 1] * my + w2c[1, 2] * mz + w2c[1, 3]
        z = w2c[2, 0] * mx + w2c[2, 1] * my + w2c[2, 2] * mz + w2c[2, 3]
        if not z > NEAR_Z:
            continue
        opacity = _sigmoid(np.float64(opacity_logits[i]))
        if not opacity >= ALPHA_MIN:  # alpha <= opacity, so it could never reach a pixel
            continue

        # Rotation from the quaternion (any norm; zero gives the identity), M = R S.
        qw, qx = np.float64(quats[i, 0]), np.float64(quats[i, 1])
        qy, qz = np.float64(quats[i, 2]), np.float64(quats[i, 3])
        qn = max(math.sqrt(qw * qw + qx * qx + qy * qy + qz * qz), 1e-30)
        qw, qx, qy, qz = qw / qn, qx / qn, qy / qn, qz / qn
        sx = math.exp(np.float64(log_scales[i, 0]))
        sy = math.exp(np.float64(log_scales[i, 1]))
        sz = math.exp(np.float64(log_scales[i, 2]))
        xx, yy, zz = qx * qx, qy * qy, qz * qz
        xy, xz, yz, wx, wy, wz = qx * qy, qx * qz, qy * qz, qw * qx, qw * qy, qw * qz
        r00, r01, r02 = 1 - 2 * (yy + zz), 2 * (xy - wz), 2 * (xz + wy)
        r10, r11, r12 = 2 * (xy + wz), 1 - 2 * (xx + zz), 2 * (yz - wx)
        r20, r21, r22 = 2 * (xz - wy), 2 * (yz + wx), 1 - 2 * (xx + yy)

        # The 2D covariance J W Sigma W^T J^T is P P^T with P = J W R S, one column of R S at a
        # time in scalars: an array allocated per Gaussian would dominate the cost.
        tx = z * min(lim_x_pos, max(-lim_x_neg, x / z))
        ty = z * min(lim_y_pos, max(-lim_y_neg, y / z))
        j00, j02 = fx / z, -fx * tx / (z * z)
        j11, j12 = fy / z, -fy * ty / (z * z)
        p0, q0 = _jw_column(w2c, j00, j02, j11, j12, r00 * sx, r10 * sx, r20 * sx)
        p1, q1 = _jw_column(w2c, j00, j02, j11, j12, r01 * sy, r11 * sy, r21 * sy)
        p2, q2 = _jw_column(w2c, j00, j02, j11, j12, r02 * sz, r12 * sz, r22 * sz)
        a = (p0 * p0 + p1 * p1 + p2 * p2) + LOWPASS
        b = p0 * q0 + p1 * q1 + p2 * q2
        c = (q0 * q0 + q1 * q1 + q2 * q2) + LOWPASS
        det = a * c - b * b
        if not det > 0.0:
            continue
        mid = 0.5 * (a + c)
        radius = math.ceil(SIGMA_EXTENT * math.sqrt(mid + math.sqrt(max(0.1, mid * mid - det))))
        u = fx * x / z + cx
        v = fy * y / z + cy
        # Clamp in float before the int cast: u can be astronomically far off-screen.
        x0 = int(min(max(math.floor((u - radius) / TILE), 0.0), tiles_x))
        x1 = int(min(max(math.floor((u + radius) / TILE) + 1.0, 0.0), tiles_x))
        y0 = int(min(max(math.floor((v - radius) / TILE), 0.0), tiles_y))
        y1 = int(min(max(math.floor((v + radius) / TILE) + 1.0, 0.0), tiles_y))
        if x0 >= x1 or y0 >= y1:
            continue

        dx, dy, dz = mx - campos[0], my - campos[1], mz - campos[2]
        norm = math.sqrt(dx * dx + dy * dy + dz * dz)
        dx, dy, dz = dx / norm, dy / norm, dz / norm
        row = splats[i]
        row[U], row[V], row[DEPTH], row[RADIUS] = u, v, z, radius
        row[CA], row[CB], row[CC] = c / det, -b / det, a / det
        row[OPACITY] = opacity
        row[POWER_MIN] = math.log(ALPHA_MIN / opacity) - 1e-6
        for ch in range(3):
            row[R + ch] = _sh_channel(sh, i, ch, degree, dx, dy, dz)
        rects[i, 0], rects[i, 1], rects[i, 2], rects[i, 3] = x0, y0, x1, y1
    return splats, rects


@njit(cache=True, parallel=True, nogil=True)
def _gather(splats, rects, order):
    """Rows `order` of both tables ([M, 11], [M, 4]); numpy's fancy indexing is ~10x slower."""
    out_s = np.empty((order.size, NCOL))
    out_r = np.empty((order.size, 4), np.int32)
    for k in prange(order.size):
        i = order[k]
        for c in range(NCOL):
            out_s[k, c] = splats[i, c]
        for c in range(4):
            out_r[k, c] = rects[i, c]
    return out_s, out_r


@njit(cache=True, nogil=True)
def _count_per_tile(rects, n_tiles, tiles_x):
    counts = np.zeros(n_tiles, np.int64)
    for i in range(rects.shape[0]):
        for ty in range(rects[i, 1], rects[i, 3]):
            for tx in range(rects[i, 0], rects[i, 2]):
                counts[ty * tiles_x + tx] += 1
    return counts


@njit(cache=True, nogil=True)
def _fill_tiles(rects, offsets, tile_lo, tile_hi, tiles_x):
    """Row ids of `rects` in tiles [tile_lo, tile_hi), ascending (so front to back) per tile."""
    base = offsets[tile_lo]
    ids = np.empty(offsets[tile_hi] - base, np.int32)
    cursor = offsets[tile_lo:tile_hi] - base  # [tiles in batch]
    row_lo, row_hi = tile_lo // tiles_x, (tile_hi - 1) // tiles_x + 1
    for i in range(rects.shape[0]):
        for ty in range(max(rects[i, 1], row_lo), min(rects[i, 3], row_hi)):
            for tx in range(rects[i, 0], rects[i, 2]):
                tile = ty * tiles_x + tx
                if tile_lo <= tile < tile_hi:
                    k = tile - tile_lo
                    ids[cursor[k]] = i
                    cursor[k] += 1
    return ids


@njit(cache=True, inline="always")
def _footprint(centre, radius, lo, hi):
    """Pixels p in [lo, hi) with |centre - (p + 0.5)| <= radius, as a range [first, last).

    The ends are found with the very test the reference applies, so ties agree exactly.
    """
    # One candidate spare at each end in case rounding put floor() on the wrong side.
    first = int(min(max(math.floor(centre - radius - 0.5), lo), hi))
    last = int(min(max(math.floor(centre + radius - 0.5) + 2.0, lo), hi))
    while first < last and abs(centre - (first + 0.5)) > radius:
        first += 1
    while first < last and abs(centre - (last - 0.5)) > radius:
        last -= 1
    return first, last


@njit(cache=True, parallel=True, fastmath=False, nogil=True)
def _composite(splats, ids, offsets, tiles, tile_lo, bg, out_rgb, out_depth, out_alpha):
    """Front-to-back compositing of the tiles listed in `tiles` (a permutation, for balance).

    Splat-major within a tile: each splat visits only the pixels of its footprint, and a
    per-pixel `done` flag reproduces the per-pixel early stop exactly. This avoids testing
    every pixel against every splat of its tile (the cost of the pixel-major loop on CPUs).
    """
    height, width = out_alpha.shape
    tiles_x = (width + TILE - 1) // TILE
    base = offsets[tile_lo]
    for k in prange(tiles.shape[0]):
        tile = tiles[k]
        px0, py0 = (tile % tiles_x) * TILE, (tile // tiles_x) * TILE
        px1, py1 = min(px0 + TILE, width), min(py0 + TILE, height)
        t = np.ones((TILE, TILE))
        acc = np.zeros((TILE, TILE, 4))  # r, g, b, depth
        done = np.zeros((TILE, TILE), np.bool_)
        n_live = (px1 - px0) * (py1 - py0)
        for e in range(offsets[tile] - base, offsets[tile + 1] - base):
            s = splats[ids[e]]
            u, v, radius = s[U], s[V], s[RADIUS]
            x_first, x_last = _footprint(u, radius, px0, px1)
            y_first, y_last = _footprint(v, radius, py0, py1)
            ca, cb, cc, opacity, power_min = s[CA], s[CB], s[CC], s[OPACITY], s[POWER_MIN]
            for py in range(y_first, y_last):
                dy = v - (py + 0.5)
                ly = py - py0
                for px in range(x_first, x_last):
                    lx = px - px0
                    if done[ly, lx]:
                        continue
                    dx = u - (px + 0.5)
                    power = -0.5 * (ca * dx * dx + cc * dy * dy) - cb * dx * dy
                    if power > 0.0 or power < power_min:
                        continue
                    alpha = min(ALPHA_MAX, opacity * math.exp(power))
                    if alpha < ALPHA_MIN:
                        continue
                    t_old = t[ly, lx]
                    next_t = t_old * (1.0 - alpha)
                    if next_t <= T_MIN:
                        done[ly, lx] = True
                        n_live -= 1
                        continue
                    w = alpha * t_old
                    acc[ly, lx, 0] += w * s[R]
                    acc[ly, lx, 1] += w * s[G]
                    acc[ly, lx, 2] += w * s[B]
                    acc[ly, lx, 3] += w * s[DEPTH]
                    t[ly, lx] = next_t
            if n_live == 0:
                break
        # As types.finish does it, written here to save full-image float64 temporaries.
        for py in range(py0, py1):
            for px in range(px0, px1):
                ly, lx = py - py0, px - px0
                t_end = t[ly, lx]
                for ch in range(3):
                    out_rgb[py, px, ch] = min(max(acc[ly, lx, ch] + t_end * bg[ch], 0.0), 1.0)
                a = 1.0 - t_end
                out_depth[py, px] = acc[ly, lx, 3] / a if a > 0.0 else 0.0
                out_alpha[py, px] = min(max(a, 0.0), 1.0)


def _batches(counts: np.ndarray, max_entries: int) -> list[tuple[int, int]]:
    """Contiguous tile ranges [lo, hi) whose lists total <= max_entries (one tile at least)."""
    out, lo, total = [], 0, 0
    for tile, c in enumerate(counts.tolist()):
        if tile > lo and total + c > max_entries:
            out.append((lo, tile))
            lo, total = tile, 0
        total += c
    out.append((lo, len(counts)))
    return out


def render_cpu(
    gaussians: Gaussians,
    camera: Camera,
    background: Sequence[float] = (0.0, 0.0, 0.0),
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> RenderResult:
    return render_cpu_view(
        gaussians.to_numpy(),
        camera.world_to_camera,
        camera.K,
        camera.width,
        camera.height,
        background,
        max_entries,
    )


def render_cpu_view(
    arrays: dict[str, np.ndarray],
    view: np.ndarray,  # [4, 4] affine: the Gaussians' frame -> OpenCV camera axes
    K: np.ndarray,  # [3, 3] pixels
    width: int,
    height: int,
    background: Sequence[float] = (0.0, 0.0, 0.0),
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> RenderResult:
    """Render Gaussian arrays (`Gaussians.to_numpy` keys) in any frame with any invertible view.

    The view may mirror and scale (an engine frame's view of engine-frame Gaussians): the
    projection of means and covariances and the SH view directions are all linear in it, so the
    image is the one the world-frame camera sees. `render_cpu` is this with a rigid view.
    """
    bg = background_rgb(background)
    n = arrays["means"].shape[0]
    if n == 0:
        return empty_result(width, height, bg)
    if n >= 1 << 31:  # ids are int32, and share an int64 sort key with the depth
        raise ValueError(f"{n} Gaussians is more than the CPU renderer takes")
    arrays = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in arrays.items()}
    degree = min(sh_degree_for(arrays["sh"].shape[1]), MAX_SH_DEGREE)
    view = np.ascontiguousarray(view, dtype=np.float64)
    campos = np.linalg.inv(view)[:3, 3]  # the camera centre in the Gaussians' frame
    intr = np.array([K[0, 0], K[1, 1], K[0, 2], K[1, 2]], dtype=np.float64)
    splats, rects = _project(
        arrays["means"],
        arrays["quats"],
        arrays["log_scales"],
        arrays["opacity_logits"],
        arrays["sh"],
        degree,
        view,
        intr,
        np.ascontiguousarray(campos),
        np.array([width, height], np.int64),
    )  # [N, 11], [N, 4]
    visible = np.flatnonzero(rects[:, 2] > rects[:, 0])  # culled rows keep an empty rectangle
    if visible.size == 0:
        return empty_result(width, height, bg)
    # Order: camera z rounded to float32, ties by input index (as the reference). Packed in one
    # int64 (positive float bits sort as integers), which numpy sorts far faster than a stable
    # argsort of floats.
    z32 = splats[visible, DEPTH].astype(np.float32).view(np.uint32).astype(np.int64)
    order = np.sort((z32 << 32) | visible) & 0xFFFFFFFF
    # Gathered into depth order, so tile lists and compositing read memory front to back.
    splats, rects = _gather(splats, rects, order)

    tiles_x, tiles_y = -(-width // TILE), -(-height // TILE)
    counts = _count_per_tile(rects, tiles_x * tiles_y, tiles_x)  # [tiles]
    offsets = np.zeros(counts.size + 1, np.int64)
    np.cumsum(counts, out=offsets[1:])

    # Every pixel belongs to exactly one tile, and every tile is composited once: no init needed.
    rgb = np.empty((height, width, 3), np.float32)
    depth = np.empty((height, width), np.float32)
    alpha = np.empty((height, width), np.float32)
    # Neighbouring tiles cost alike; a fixed shuffle spreads the dense ones over the threads.
    shuffle = np.random.default_rng(0).permutation(counts.size)
    for lo, hi in _batches(counts, max_entries):
        ids = _fill_tiles(rects, offsets, lo, hi, tiles_x)
        tiles = shuffle[(shuffle >= lo) & (shuffle < hi)]
        _composite(splats, ids, offsets, tiles, lo, bg, rgb, depth, alpha)
    return RenderResult(rgb=rgb, depth=depth, alpha=alpha)


class CpuRenderer:
    name = "cpu"

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self.max_entries = max_entries

    def render(
        self, gaussians: Gaussians, camera: Camera, background: Sequence[float] = (0.0, 0.0, 0.0)
    ) -> RenderResult:
        return render_cpu(gaussians, camera, background, self.max_entries)


def threads() -> int:
    return int(numba.get_num_threads())
