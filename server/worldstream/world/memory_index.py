"""The voxel index behind `SpatialMemory.retrieve`, and the target view both retrieval paths share.

Every stored frame contributes a subsampled point cloud (float32, world coordinates), kept once
in one global buffer, sorted by voxel within the frame. The index files it by voxel: one
(frame, voxel) pair names the contiguous run of that frame's points in that voxel. Voxels belong
to blocks (cubes of `block_voxels`^3 voxels). Pairs and voxels are held in a packed form (CSR
arrays sorted by block, voxel and frame, read in order by a query) plus, for what was added
since the last packing, append-only linked lists in flat arrays; `add` touches only the new
frame's voxels, and a query's inner loops run compiled (numba) over plain arrays.

A query culls the occupied blocks against the target frustum, then walks the survivors front to
back in batches of doubling size. Each batch is culled against the z-buffer of the points of the
batches before it: a block or voxel is skipped when its nearest possible depth is beyond the
tolerance of the farthest depth already seen over every pixel it could land in. The points of
the voxels that pass are projected into the z-buffer. Every test is conservative (see
`_box_counts`), so a skipped point could neither have lowered a pixel's nearest depth nor
explained a pixel: the fast path sees every point that matters to the reference's answer.

Cost of a query: O(B) compiled box tests over all occupied blocks (2 m at the defaults; a few
ns each), plus O(voxels + pairs + points) of the visible, unoccluded blocks, plus O(log B)
batches of fixed overhead (tens of microseconds each). Frames outside the frustum, beyond its
far depth, or behind surfaces already seen cost nothing but their share of the block test. What
remains grows with how many frames saw the surfaces in view (revisits), not with the size of the
memory. Adding a frame costs O(n log n) in its own n points plus a dict look-up per voxel it
touches, and an amortised share of repacking (O(Q log Q) over all Q pairs each time the
unpacked pairs exceed a fraction of the packed ones). Memory: 12 bytes per point, 64 per pair
(both forms), about 200 per voxel (dict entry included).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from worldstream.geometry.camera import Camera

_KEY_OFFSET = 1 << 20  # voxel indices in [-2^20, 2^20) pack into 21 bits per axis
# Inflates box sizes so that float rounding in a point's voxel key or in its projection can never
# make a conservative test drop a point that the exact projection would keep.
_SLACK = 1e-4
_FIRST_BATCH = 4  # blocks in the first front-to-back batch; each next batch doubles
_NO_TABLE = np.zeros((0, 0, 0, 0))  # "no occluders yet" for the compiled box test
_NO_LOG2 = np.zeros(1, np.int64)


class Growable:
    """An append-only numpy array: amortised O(1) appends by doubling its capacity."""

    def __init__(self, dtype: type, *tail: int) -> None:
        self._buf = np.empty((16, *tail), dtype=dtype)  # [capacity, *tail]
        self._n = 0

    def __len__(self) -> int:
        return self._n

    @property
    def data(self) -> np.ndarray:
        """The filled rows; a writable view that a later `extend` may leave stale."""
        return self._buf[: self._n]

    def extend(self, rows: np.ndarray) -> int:
        """Appends rows [m, *tail]; returns the index of the first."""
        start, end = self._n, self._n + len(rows)
        if end > len(self._buf):
            grown = np.empty((max(end, 2 * len(self._buf)), *self._buf.shape[1:]), self._buf.dtype)
            grown[:start] = self._buf[:start]
            self._buf = grown
        self._buf[start:end] = rows
        self._n = end
        return start


def pack_keys(ijk: np.ndarray) -> np.ndarray:
    """Integer cell indices [N, 3] (each in [-2^20, 2^20)) -> one int64 key each [N]."""
    shifted = ijk.astype(np.int64) + _KEY_OFFSET
    return (shifted[:, 0] << 42) | (shifted[:, 1] << 21) | shifted[:, 2]


def max_table(grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A 2-D sparse table of grid [H, W]: the maximum over any rectangle in four look-ups.

    Returns table [log H + 1, log W + 1, H, W] with table[i, j, r, c] = max of
    grid[r : r + 2^i, c : c + 2^j] (entries running past the edge stay +inf and are never read),
    and log2 [max(H, W) + 1] with log2[n] = floor(log2(n)).
    """
    height, width = grid.shape
    table = np.full((height.bit_length(), width.bit_length(), height, width), np.inf)
    table[0, 0] = grid
    for j in range(1, width.bit_length()):
        n, half = width - (1 << j) + 1, 1 << (j - 1)
        table[0, j, :, :n] = np.maximum(table[0, j - 1, :, :n], table[0, j - 1, :, half:][:, :n])
    for i in range(1, height.bit_length()):
        n, half = height - (1 << i) + 1, 1 << (i - 1)
        table[i, :, :n] = np.maximum(table[i - 1, :, :n], table[i - 1, :, half:][:, :n])
    log2 = np.zeros(max(height, width) + 1, np.int64)
    for n in range(2, len(log2)):
        log2[n] = log2[n // 2] + 1
    return table, log2


@dataclass(frozen=True)
class TargetView:
    """A target camera at the coarse resolution where coverage is counted, with its depth range."""

    rotation: np.ndarray  # [3, 3] world-to-camera rotation
    translation: np.ndarray  # [3] world-to-camera translation
    fx: float = 1.0
    """Focal length along x, in coarse pixels."""
    fy: float = 1.0
    """Focal length along y, in coarse pixels."""
    cx: float = 0.5
    """Principal point x, in coarse pixels."""
    cy: float = 0.5
    """Principal point y, in coarse pixels."""
    width: int = 1
    """Coarse image width in pixels."""
    height: int = 1
    """Coarse image height in pixels."""
    near: float = 0.01
    """Points at or nearer than this depth (metres) are not in front of the camera."""
    far: float = math.inf
    """Points deeper than this (metres) are ignored."""

    @classmethod
    def of(cls, camera: Camera, long_side: int, near: float, far: float) -> TargetView:
        """The view of `camera` downsampled so its longer side is at most `long_side` pixels."""
        scale = min(1.0, long_side / max(camera.width, camera.height))
        width = max(1, round(camera.width * scale))
        height = max(1, round(camera.height * scale))
        coarse = camera.resized(width, height)
        w2c = coarse.world_to_camera
        return cls(
            rotation=w2c[:3, :3],
            translation=w2c[:3, 3],
            fx=float(coarse.K[0, 0]),
            fy=float(coarse.K[1, 1]),
            cx=float(coarse.K[0, 2]),
            cy=float(coarse.K[1, 2]),
            width=width,
            height=height,
            near=near,
            far=far,
        )

    @property
    def pixel_count(self) -> int:
        return self.width * self.height

    def intrinsics(self) -> np.ndarray:
        """(fx, fy, cx, cy, width, height, near, far) as float64 [8], for compiled kernels."""
        return np.array(
            [self.fx, self.fy, self.cx, self.cy, self.width, self.height, self.near, self.far]
        )

    def depth_of(self, points: np.ndarray) -> np.ndarray:
        """Depth along the target's +z of world points [N, 3]: [N]."""
        p = np.asarray(points, dtype=np.float64)  # [N, 3]
        r, t = self.rotation, self.translation
        return r[2, 0] * p[:, 0] + r[2, 1] * p[:, 1] + r[2, 2] * p[:, 2] + t[2]

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """World points [N, 3] -> (landed [N] bool, pixel index [M] int64, depth [M] float64).

        A point lands when it is deeper than `near`, no deeper than `far`, and inside the coarse
        image; pixel index and depth are given for the landed points only, in input order.
        """
        # Elementwise rather than a matmul: BLAS may sum in another order for another batch
        # size, and `_project_voxel` must reproduce these depths bit for bit.
        p = np.asarray(points, dtype=np.float64)  # [N, 3]
        px, py, pz = p[:, 0], p[:, 1], p[:, 2]
        r, t = self.rotation, self.translation
        x = r[0, 0] * px + r[0, 1] * py + r[0, 2] * pz + t[0]
        y = r[1, 0] * px + r[1, 1] * py + r[1, 2] * pz + t[1]
        z = r[2, 0] * px + r[2, 1] * py + r[2, 2] * pz + t[2]
        with np.errstate(divide="ignore", invalid="ignore"):
            u = self.fx * x / z + self.cx
            v = self.fy * y / z + self.cy
        landed = (z > self.near) & (z <= self.far)
        landed &= (u >= 0.0) & (u < self.width) & (v >= 0.0) & (v < self.height)
        # The minimum guards against u just below width rounding up to width in floor.
        cols = np.minimum(np.floor(u[landed]).astype(np.int64), self.width - 1)
        rows = np.minimum(np.floor(v[landed]).astype(np.int64), self.height - 1)
        return landed, rows * self.width + cols, z[landed]

    def box_extent(self, half: float) -> np.ndarray:
        """Half extents [3] in camera axes of the box bounding a world cube of half edge `half`,
        inflated by a slack far above float rounding."""
        return (half * (1.0 + _SLACK) + _SLACK) * np.abs(self.rotation).sum(axis=1)


@njit(cache=True, inline="always")
def _box_counts(px, py, pz, extent, rotation, translation, intrinsics, table, log2, factor):
    """Whether a world cube (centre px, py, pz; camera-space half extents [3]) may hold a point
    that counts.

    False when none of its points can land (wholly before near, beyond far, or imaged outside
    the coarse image), or, given a z-buffer max table (non-empty `table`), when its nearest
    depth exceeds `factor` (1 + tolerance) times the largest z-buffer depth over every pixel it
    could land in: then none of its points can lower a pixel's nearest depth or explain a pixel.
    Conservative: the cube lies inside its camera-space bounding box, and over a box wholly in
    front of the camera x/z and y/z take their extremes at the box's corners.
    """
    r, t = rotation, translation
    x = r[0, 0] * px + r[0, 1] * py + r[0, 2] * pz + t[0]
    y = r[1, 0] * px + r[1, 1] * py + r[1, 2] * pz + t[1]
    z = r[2, 0] * px + r[2, 1] * py + r[2, 2] * pz + t[2]
    fx, fy, cx, cy = intrinsics[0], intrinsics[1], intrinsics[2], intrinsics[3]
    width, height, near, far = intrinsics[4], intrinsics[5], intrinsics[6], intrinsics[7]
    z_lo, z_hi = z - extent[2], z + extent[2]
    if z_hi <= near or z_lo > far:
        return False
    if z_lo <= near:
        # Reaches behind the near plane, so its image is unbounded; it can still miss the four
        # half-spaces through the camera centre that bound the view (u >= 0 is fx*x + cx*z >= 0
        # where z > 0, and so on): test each at the box's most favourable corner.
        ex, ey, ez = extent[0], extent[1], extent[2]
        return (
            fx * x + cx * z + fx * ex + abs(cx) * ez >= 0.0
            and (width - cx) * z - fx * x + abs(width - cx) * ez + fx * ex >= 0.0
            and fy * y + cy * z + fy * ey + abs(cy) * ez >= 0.0
            and (height - cy) * z - fy * y + abs(height - cy) * ez + fy * ey >= 0.0
        )
    x_lo, x_hi, y_lo, y_hi = x - extent[0], x + extent[0], y - extent[1], y + extent[1]
    u_lo = fx * min(x_lo / z_lo, x_lo / z_hi) + cx
    u_hi = fx * max(x_hi / z_lo, x_hi / z_hi) + cx
    v_lo = fy * min(y_lo / z_lo, y_lo / z_hi) + cy
    v_hi = fy * max(y_hi / z_lo, y_hi / z_hi) + cy
    if u_hi < 0.0 or u_lo >= width or v_hi < 0.0 or v_lo >= height:
        return False
    if table.shape[0] == 0:
        return True
    # Clamped as floats first: a bound can be huge or infinite near the near plane, and a float
    # out of int64 range has no defined integer value.
    c0, c1 = math.floor(max(u_lo, 0.0)), math.floor(min(u_hi, width - 1.0))
    r0, r1 = math.floor(max(v_lo, 0.0)), math.floor(min(v_hi, height - 1.0))
    i, j = log2[r1 - r0 + 1], log2[c1 - c0 + 1]
    r2, c2 = r1 - (1 << i) + 1, c1 - (1 << j) + 1
    farthest = max(
        max(table[i, j, r0, c0], table[i, j, r2, c0]), max(table[i, j, r0, c2], table[i, j, r2, c2])
    )
    return not (z_lo > farthest * factor)


@njit(cache=True, nogil=True)
def _cull_blocks(rows, centres, extent, rotation, translation, intrinsics, table, log2, factor):
    """The entries of `rows` (into centres [B, 3]) whose block may hold a point that counts."""
    keep = np.zeros(rows.shape[0], np.bool_)
    for n in range(rows.shape[0]):
        c = centres[rows[n]]
        keep[n] = _box_counts(
            c[0], c[1], c[2], extent, rotation, translation, intrinsics, table, log2, factor
        )
    return rows[keep]


@njit(cache=True, inline="always")
def _project_pair(points, frame, start, count, rotation, translation, intrinsics, zmin,
                  out_frame, out_pix, out_z, m):  # fmt: skip
    """Projects points[start : start + count] of `frame` like `TargetView.project`, operation for
    operation (so depths are bit-identical to the reference's); appends each landed point's
    (frame, pixel, depth) at row m of the out arrays, lowers zmin; returns the new m."""
    fx, fy, cx, cy = intrinsics[0], intrinsics[1], intrinsics[2], intrinsics[3]
    width, height, near, far = intrinsics[4], intrinsics[5], intrinsics[6], intrinsics[7]
    w, h = int(width), int(height)
    r, t = rotation, translation
    for k in range(start, start + count):
        px, py, pz = np.float64(points[k, 0]), np.float64(points[k, 1]), np.float64(points[k, 2])
        z = r[2, 0] * px + r[2, 1] * py + r[2, 2] * pz + t[2]
        if not (z > near and z <= far):
            continue
        x = r[0, 0] * px + r[0, 1] * py + r[0, 2] * pz + t[0]
        y = r[1, 0] * px + r[1, 1] * py + r[1, 2] * pz + t[1]
        u = fx * x / z + cx
        v = fy * y / z + cy
        if not (u >= 0.0 and u < width and v >= 0.0 and v < height):
            continue
        pixel = min(math.floor(v), h - 1) * w + min(math.floor(u), w - 1)
        out_frame[m] = frame
        out_pix[m] = pixel
        out_z[m] = z
        m += 1
        if z < zmin[pixel]:
            zmin[pixel] = z
    return m


@njit(cache=True, nogil=True)
def _gather_batch(blocks, packed, tail, points, extent, rotation, translation, intrinsics, table,
                  log2, factor, zmin, out_frame, out_pix, out_z, m):  # fmt: skip
    """Projects the points of every voxel of `blocks` that may count (`_box_counts`).

    packed = (block_start [Bp+1], voxel_centres [Vp, 3], voxel_ids [Vp], pair_start [Vp+1],
    pairs [Qp, 3]): the voxels of each packed block and the (frame, first point, count) pairs
    of each voxel, contiguous. tail = (block_heads [B], voxel_centres [V, 3], voxel_links [V, 2],
    pairs [Q, 4]): what came since packing, as linked lists (-1 ends one): block_heads[b] is the
    first new voxel of b, voxel_links[v] = (next new voxel of the block, first new pair of v),
    pairs[q] = (frame, first point, count, next new pair of the voxel). Landed points go to the
    out arrays from row m on (the caller sizes them for every point of the blocks). Returns
    (new m, voxels tested, pairs kept, points projected).
    """
    block_start, packed_centres, voxel_ids, pair_start, packed_pairs = packed
    block_heads, voxel_centres, voxel_links, pairs = tail
    tested = kept = projected = 0
    for b in blocks:
        # Packed voxels of the block, then those new since packing (which have only new pairs).
        first = block_start[b] if b + 1 < block_start.shape[0] else 0
        last = block_start[b + 1] if b + 1 < block_start.shape[0] else 0
        v = block_heads[b]
        position = first
        while position < last or v >= 0:
            if position < last:
                c = packed_centres[position]
                voxel = voxel_ids[position]
            else:
                c = voxel_centres[v]
                voxel = v
            tested += 1
            if _box_counts(
                c[0], c[1], c[2], extent, rotation, translation, intrinsics, table, log2, factor
            ):
                if position < last:
                    for q in range(pair_start[position], pair_start[position + 1]):
                        count = packed_pairs[q, 2]
                        kept += 1
                        projected += count
                        m = _project_pair(
                            points, packed_pairs[q, 0], packed_pairs[q, 1], count, rotation,
                            translation, intrinsics, zmin, out_frame, out_pix, out_z, m,
                        )  # fmt: skip
                q = voxel_links[voxel, 1]
                while q >= 0:
                    count = pairs[q, 2]
                    kept += 1
                    projected += count
                    m = _project_pair(
                        points, pairs[q, 0], pairs[q, 1], count, rotation, translation,
                        intrinsics, zmin, out_frame, out_pix, out_z, m,
                    )  # fmt: skip
                    q = pairs[q, 3]
            if position < last:
                position += 1
            else:
                v = voxel_links[v, 0]
    return m, tested, kept, projected


@njit(cache=True, nogil=True)
def mark_explained(labels, pixels, depths, zmin, factor, covers):  # fmt: skip
    """covers[label, pixel] = True for each point with depth <= zmin[pixel] * factor."""
    for i in range(labels.shape[0]):
        if depths[i] <= zmin[pixels[i]] * factor:
            covers[labels[i], pixels[i]] = True


@dataclass(frozen=True)
class Gathered:
    """The landed points that can matter to a query, and the z-buffer they make."""

    frame_ids: np.ndarray  # [C] int64, ascending: frames with at least one landed point
    labels: np.ndarray  # [M] int64: row in frame_ids of each landed point
    pixels: np.ndarray  # [M] int64: coarse pixel index of each landed point
    depths: np.ndarray  # [M] float64: depth in the target of each landed point
    zmin: np.ndarray  # [H * W] float64: nearest landed depth per pixel (inf: none)
    blocks_visible: int = 0
    """Occupied blocks in the frustum."""
    blocks_occluded: int = 0
    """Blocks in the frustum skipped as hidden behind points of earlier batches."""
    voxels_tested: int = 0
    """Voxels of the remaining blocks, tested one by one."""
    pairs_kept: int = 0
    """(frame, voxel) pairs whose voxel is in the frustum and not hidden."""
    points_projected: int = 0
    """Points in the kept pairs, projected into the target."""


def _grown(array: np.ndarray, used: int, capacity: int) -> np.ndarray:
    """A new array of `capacity` rows holding array[:used]; the rest is left untouched (and so,
    for large sizes, never paged in)."""
    grown = np.empty(capacity, array.dtype)
    grown[:used] = array[:used]
    return grown


class VoxelIndex:
    """Append-only store of per-frame point clouds, filed by voxel and block for frustum queries.

    Packing again once the linked lists hold more than 1024 pairs plus `repack_fraction` of the
    packed ones keeps the lists short; it sorts all pairs, amortised over the pairs added
    between packings. Not thread-safe: `SpatialMemory` holds a lock around it.
    """

    def __init__(self, voxel_size: float, block_voxels: int, repack_fraction: float = 0.25):
        self.voxel_size = float(voxel_size)
        self.block_voxels = int(block_voxels)
        self.repack_fraction = float(repack_fraction)
        self._points = Growable(np.float32, 3)  # every frame's points, by frame then voxel
        self._ranges: list[tuple[int, int]] = []  # [start, end) of each frame in _points
        self._pairs = Growable(np.int64, 4)  # (frame, first point, count, next new pair)
        self._pair_voxels = Growable(np.int64)  # voxel of each pair
        self._voxel_rows: dict[int, int] = {}  # packed voxel key -> voxel row
        self._voxel_centres = Growable(np.float64, 3)
        self._voxel_blocks = Growable(np.int64)  # block of each voxel
        self._voxel_links = Growable(np.int64, 2)  # (next new voxel of the block, first new pair)
        self._block_rows: dict[int, int] = {}  # packed block key -> block row
        self._block_centres = Growable(np.float64, 3)
        self._block_heads = Growable(np.int64)  # first new voxel of each block
        self._block_points = Growable(np.int64)  # points filed under each block
        self._packed_pairs = 0  # pairs [0, _packed_pairs) are in the packed form
        self._packed: tuple[np.ndarray, ...] = (
            np.zeros(1, np.int64), np.zeros((0, 3)), np.zeros(0, np.int64),
            np.zeros(1, np.int64), np.zeros((0, 3), np.int64),
        )  # fmt: skip

    def __len__(self) -> int:
        return len(self._ranges)

    def points(self, frame_id: int) -> np.ndarray:
        """The stored points of one frame [N, 3] float32 (ordered by voxel)."""
        start, end = self._ranges[frame_id]
        return self._points.data[start:end]

    def add(self, points: np.ndarray) -> int:
        """Files the next frame's finite world points [N, 3]; returns its frame id.

        Points whose voxel index does not fit the packed key (over a million voxels from the
        origin) are dropped: no retrieval path ever sees them.
        """
        frame_id = len(self._ranges)
        pts = np.asarray(points, dtype=np.float32).reshape(-1, 3)  # [N, 3]
        ijk = np.floor(pts.astype(np.float64) / self.voxel_size)  # [N, 3]
        fits = np.all(np.abs(ijk) < _KEY_OFFSET, axis=1)
        pts, ijk = pts[fits], ijk[fits].astype(np.int64)
        keys = pack_keys(ijk)
        order = np.argsort(keys, kind="stable")
        pts, ijk, keys = pts[order], ijk[order], keys[order]
        start = self._points.extend(pts)
        self._ranges.append((start, start + len(pts)))
        if len(pts) == 0:
            return frame_id

        first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])  # [V] first point of a voxel
        counts = np.diff(np.r_[first, len(keys)])  # [V]
        voxels = self._voxel_rows_of(keys[first], ijk[first])  # [V]
        links = self._voxel_links.data
        # Prepend this frame's pair to each voxel's list: one pair per voxel, so no clashes.
        pairs = np.stack(
            [np.full(len(first), frame_id), start + first, counts, links[voxels, 1]], axis=1
        )
        links[voxels, 1] = self._pairs.extend(pairs) + np.arange(len(first))
        self._pair_voxels.extend(voxels)
        np.add.at(self._block_points.data, self._voxel_blocks.data[voxels], counts)
        if len(self._pairs) - self._packed_pairs > 1024 + self.repack_fraction * self._packed_pairs:
            self._repack()
        return frame_id

    def _voxel_rows_of(self, keys: np.ndarray, voxels: np.ndarray) -> np.ndarray:
        """Rows of these voxels (keys [V], indices [V, 3]), creating voxels and blocks as needed."""
        rows = np.empty(len(keys), np.int64)
        new_centres: list[np.ndarray] = []
        new_blocks: list[int] = []
        new_links: list[tuple[int, int]] = []
        block_ijk = np.floor_divide(voxels, self.block_voxels)  # [V, 3]
        block_keys = pack_keys(block_ijk).tolist()
        for n, key in enumerate(keys.tolist()):
            row = self._voxel_rows.get(key)
            if row is None:
                block = self._block_rows.get(block_keys[n])
                if block is None:
                    block = self._block_rows[block_keys[n]] = len(self._block_heads)
                    edge = self.block_voxels * self.voxel_size
                    self._block_centres.extend(((block_ijk[n] + 0.5) * edge)[None])
                    self._block_heads.extend(np.array([-1]))
                    self._block_points.extend(np.array([0]))
                row = self._voxel_rows[key] = len(self._voxel_centres) + len(new_centres)
                heads = self._block_heads.data
                new_links.append((int(heads[block]), -1))
                heads[block] = row
                new_centres.append((voxels[n] + 0.5) * self.voxel_size)
                new_blocks.append(block)
            rows[n] = row
        if new_centres:
            self._voxel_centres.extend(np.array(new_centres))
            self._voxel_blocks.extend(np.array(new_blocks, np.int64))
            self._voxel_links.extend(np.array(new_links, np.int64))
        return rows

    def _repack(self) -> None:
        """Moves every voxel and pair into the packed form and empties the linked lists."""
        voxel_blocks = self._voxel_blocks.data  # [V]
        pair_voxels = self._pair_voxels.data  # [Q]
        voxel_order = np.argsort(voxel_blocks, kind="stable")  # [V] by block, then voxel row
        rank = np.empty_like(voxel_order)
        rank[voxel_order] = np.arange(len(voxel_order))
        # Stable: pairs of one voxel keep their order of arrival, which is frame order.
        pair_order = np.argsort(rank[pair_voxels], kind="stable")  # [Q]
        block_counts = np.bincount(voxel_blocks, minlength=len(self._block_heads))
        pair_counts = np.bincount(pair_voxels, minlength=len(voxel_blocks))[voxel_order]
        self._packed = (
            np.r_[0, np.cumsum(block_counts)],
            np.ascontiguousarray(self._voxel_centres.data[voxel_order]),
            voxel_order,
            np.r_[0, np.cumsum(pair_counts)],
            np.ascontiguousarray(self._pairs.data[pair_order, :3]),
        )
        self._packed_pairs = len(self._pairs)
        self._block_heads.data[:] = -1
        self._voxel_links.data[:] = -1
        self._pairs.data[:, 3] = -1

    def gather(self, view: TargetView, tolerance: float) -> Gathered:
        """The landed points of every voxel that can matter to `view`, front to back."""
        zmin = np.full(view.pixel_count, np.inf)  # [H * W]
        factor = 1.0 + tolerance
        rotation = np.ascontiguousarray(view.rotation)
        translation = np.ascontiguousarray(view.translation)
        intrinsics = view.intrinsics()
        block_extent = view.box_extent(0.5 * self.voxel_size * self.block_voxels)
        voxel_extent = view.box_extent(0.5 * self.voxel_size)
        centres = self._block_centres.data
        rows = _cull_blocks(
            np.arange(len(centres)), centres, block_extent, rotation, translation, intrinsics,
            _NO_TABLE, _NO_LOG2, factor,
        )  # fmt: skip
        # Front to back, so near surfaces hide what lies behind. Equal cubes share the offset from
        # centre depth to nearest depth, so sorting by centre sorts by nearest depth.
        rows = rows[np.argsort(view.depth_of(centres[rows]), kind="stable")]
        tail = (
            self._block_heads.data, self._voxel_centres.data, self._voxel_links.data,
            self._pairs.data,
        )  # fmt: skip
        block_points = self._block_points.data

        out_frame, out_pix = np.empty(0, np.int64), np.empty(0, np.int64)
        out_z = np.empty(0, np.float64)
        landed, tested, kept, projected = 0, 0, 0, 0
        table, log2 = _NO_TABLE, _NO_LOG2
        occluded, begin, size = 0, 0, _FIRST_BATCH
        while begin < len(rows):
            batch = rows[begin : begin + size]
            begin, size = begin + size, 2 * size
            if table.shape[0]:
                kept_blocks = _cull_blocks(
                    batch, centres, block_extent, rotation, translation, intrinsics, table, log2,
                    factor,
                )  # fmt: skip
                occluded += len(batch) - len(kept_blocks)
                batch = kept_blocks
            needed = landed + int(block_points[batch].sum())
            if needed > len(out_frame):
                # Room for every point of the batch, so the compiled loop never has to grow.
                capacity = max(needed, 2 * len(out_frame))
                out_frame, out_pix, out_z = (
                    _grown(out_frame, landed, capacity),
                    _grown(out_pix, landed, capacity),
                    _grown(out_z, landed, capacity),
                )
            landed, t, k, p = _gather_batch(
                batch, self._packed, tail, self._points.data, voxel_extent, rotation,
                translation, intrinsics, table, log2, factor, zmin, out_frame, out_pix, out_z,
                landed,
            )  # fmt: skip
            tested, kept, projected = tested + t, kept + k, projected + p
            if begin < len(rows):
                table, log2 = max_table(zmin.reshape(view.height, view.width))

        frame_of_point = out_frame[:landed]  # [M]
        present = np.zeros(len(self._ranges), bool)
        present[frame_of_point] = True
        frame_ids = np.flatnonzero(present)  # [C] ascending
        label_of = np.cumsum(present) - 1  # frame id -> row in frame_ids
        return Gathered(
            frame_ids=frame_ids,
            labels=label_of[frame_of_point],
            pixels=out_pix[:landed],
            depths=out_z[:landed],
            zmin=zmin,
            blocks_visible=len(rows),
            blocks_occluded=occluded,
            voxels_tested=tested,
            pairs_kept=kept,
            points_projected=projected,
        )
