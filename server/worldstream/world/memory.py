"""Spatial memory: every Frame ever made, and the retrieval of the few that best cover a new view.

The retrieval is NVIDIA Lyra 2.0's: project each frame's depth points into the target camera,
count the target pixels each frame explains within a depth tolerance of the nearest surface,
then pick frames by greedy set cover, up to five. Two implementations share one definition:

- `retrieve_reference`: a readable scan of every frame (the definition).
- `retrieve`: the same computation over the points that a voxel index (`memory_index`) finds
  in the target frustum, front to back, skipping blocks and voxels hidden behind surfaces it has
  already projected; it never touches frames outside the frustum, beyond the far depth, or
  wholly behind nearer surfaces. Complexity: see `memory_index`.

Definition (both paths):
  * Each frame is reduced, once, at `add`, to world points from its depth sampled on a fixed grid
    (every `stride`-th pixel, at the centre of each stride x stride cell; unknown depth skipped),
    stored as float32.
  * The target is counted at a coarse resolution (`target_long_side`). A point lands in a coarse
    pixel when its depth in the target is in (near, far] and it projects inside the image. far
    is `max_depth`, by default twice the deepest depth any stored frame saw.
  * zmin(pixel) is the smallest depth of any landed point of any frame. A frame explains a pixel
    when one of its points landed there with depth <= zmin * (1 + depth_tolerance): points that
    lie behind a nearer surface (seen through a wall from behind) explain nothing.
  * Greedy: repeatedly take the frame explaining the most not-yet-covered pixels (ties: lower
    frame id) until k frames or until the best gain is below max(1, min_gain_fraction * pixels).

Why the two paths agree exactly (frames and gains): the index drops a voxel only when none of
its points can land in the target, or when its nearest possible depth is beyond the tolerance
of the farthest depth already seen in every pixel it could land in; such points neither lower a
pixel's nearest depth nor explain a pixel (`memory_index._box_counts`). So the fast path gets
the same zmin and the same explained pixels from the points it keeps, and both paths project a
point with bit-identical arithmetic (same operations in the same order, float64, no fused
multiply-add). There is no top-M candidate cut that could make them differ: occlusion and the
far depth bound the fast path's work instead. Tests and the benchmark check the equality.

Sampling density: a frame should give about two samples per coarse target pixel per axis (the
default stride does this); sparser samples leave holes between them in a closer target view,
through which points behind a surface land and get credit.

"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np

from worldstream.geometry.camera import Camera
from worldstream.geometry.frame import Frame
from worldstream.world.memory_index import TargetView, VoxelIndex, mark_explained

MAX_RETRIEVED = 5  # Lyra 2.0 conditions each generation step on at most five retrieved frames


@dataclass(frozen=True)
class MemoryConfig:
    """How frames are sampled, how coverage is counted, and how the index is shaped."""

    stride: int | None = None
    """Sample every stride-th pixel of each frame's depth; None: the largest stride that still
    gives at least two samples per coarse target pixel per axis at equal field of view."""
    target_long_side: int = 64
    """Longer side, in pixels, of the coarse target image where coverage is counted."""
    depth_tolerance: float = 0.05
    """A point explains a pixel if its depth is within this fraction of the pixel's nearest."""
    min_gain_fraction: float = 0.01
    """Greedy stops when the best frame newly explains fewer than this fraction of pixels."""
    near: float = 0.01
    """Points at or nearer than this depth in the target (metres) are not in front of it."""
    max_depth: float | None = None
    """Points deeper than this in the target (metres) are ignored; None: max_depth_factor times
    the deepest depth any stored frame saw (no geometry was ever observed from farther away)."""
    max_depth_factor: float = 2.0
    """Scales the deepest stored depth into the far limit when max_depth is None."""
    voxel_size: float = 0.5
    """Edge of an index voxel in metres: smaller culls tighter but stores more (frame, voxel)
    pairs."""
    block_voxels: int = 4
    """Edge of an index block in voxels (2 m at the defaults): blocks are culled first, then
    their voxels."""
    repack_fraction: float = 0.25
    """Re-sort the index into its packed form once the pairs added since the last packing exceed
    1024 plus this fraction of the packed ones (smaller: faster queries, more sorting)."""

    def __post_init__(self) -> None:
        checks = {
            "stride must be None or >= 1": self.stride is None or self.stride >= 1,
            "target_long_side must be >= 1": self.target_long_side >= 1,
            "depth_tolerance must be finite and >= 0": 0.0 <= self.depth_tolerance < math.inf,
            "min_gain_fraction must be in [0, 1]": 0.0 <= self.min_gain_fraction <= 1.0,
            "near must be finite and > 0": 0.0 < self.near < math.inf,
            "max_depth must be None or > near": self.max_depth is None
            or self.max_depth > self.near,
            "max_depth_factor must be finite and >= 1": 1.0 <= self.max_depth_factor < math.inf,
            "voxel_size must be finite and > 0": 0.0 < self.voxel_size < math.inf,
            "block_voxels must be >= 1": self.block_voxels >= 1,
            "repack_fraction must be >= 0": self.repack_fraction >= 0.0,
        }
        for message, ok in checks.items():
            if not ok:
                raise ValueError(message)

    def stride_for(self, width: int, height: int) -> int:
        """The sampling stride for a frame of this size."""
        if self.stride is not None:
            return self.stride
        return max(1, max(width, height) // (2 * self.target_long_side))


@dataclass(frozen=True)
class Retrieved:
    """One retrieved frame, in greedy order."""

    frame_id: int = 0
    """Id given by `SpatialMemory.add`."""
    gain: int = 0
    """Coarse target pixels this frame explains that earlier picks did not."""
    fraction: float = 0.0
    """gain as a fraction of the coarse target's pixels."""


@dataclass(frozen=True)
class RetrievalStats:
    """What one fast retrieval looked at: evidence that it did not scan the memory."""

    frames: int = 0
    """Frames in memory at the time."""
    blocks_visible: int = 0
    """Index blocks in the target frustum."""
    blocks_occluded: int = 0
    """Of those, blocks skipped as hidden behind points already projected."""
    voxels_tested: int = 0
    """Distinct voxels of the remaining blocks, tested one by one."""
    pairs_kept: int = 0
    """(frame, voxel) pairs whose voxel is in the frustum and not hidden."""
    points_projected: int = 0
    """Points of the kept pairs, projected into the target."""
    candidates: int = 0
    """Frames with at least one projected point landing in the target."""


def sample_points(frame: Frame, stride: int) -> np.ndarray:
    """A frame's depth sampled every `stride` pixels -> world points [N, 3] float32.

    Samples sit at pixel centres, at the middle pixel of each stride x stride cell; pixels with
    unknown (0), negative or non-finite depth are skipped.
    """
    camera = frame.camera
    rows = np.arange(stride // 2, camera.height, stride)  # [h]
    cols = np.arange(stride // 2, camera.width, stride)  # [w]
    depth = np.asarray(frame.depth, dtype=np.float64)[np.ix_(rows, cols)]  # [h, w]
    valid = np.isfinite(depth) & (depth > 0.0)
    x = (cols + 0.5 - camera.K[0, 2]) / camera.K[0, 0]  # [w]
    y = (rows + 0.5 - camera.K[1, 2]) / camera.K[1, 1]  # [h]
    xx, yy = np.meshgrid(x, y)  # [h, w]
    d = depth[valid]  # [N]
    local = np.stack([xx[valid] * d, yy[valid] * d, d], axis=1)  # [N, 3] camera space
    c2w = camera.camera_to_world
    world = (local @ c2w[:3, :3].T + c2w[:3, 3]).astype(np.float32)  # [N, 3]
    return world[np.all(np.isfinite(world), axis=1)]


def _check_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise TypeError(f"k must be an int, got {type(k).__name__}")
    if not 1 <= k <= MAX_RETRIEVED:
        raise ValueError(f"k must be in [1, {MAX_RETRIEVED}], got {k}")
    return int(k)


class SpatialMemory:
    """Append-only memory of Frames with Lyra 2.0 retrieval. Thread-safe (one lock)."""

    def __init__(self, config: MemoryConfig | None = None) -> None:
        self.config = config or MemoryConfig()
        self._frames: list[Frame] = []
        cfg = self.config
        self._index = VoxelIndex(cfg.voxel_size, cfg.block_voxels, cfg.repack_fraction)
        self._deepest = 0.0  # deepest depth any stored frame saw, metres
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._frames)

    def add(self, frame: Frame) -> int:
        """Stores a frame and indexes its sampled points; returns its id (0, 1, 2, ...)."""
        if not isinstance(frame, Frame):
            raise TypeError(f"expected a Frame, got {type(frame).__name__}")
        stride = self.config.stride_for(frame.camera.width, frame.camera.height)
        points = sample_points(frame, stride)
        with self._lock:
            frame_id = self._index.add(points)
            self._frames.append(frame)
            # From the points the index kept: a sample it dropped (absurdly far) must not push
            # the default far limit out and with it every query's work.
            kept = self._index.points(frame_id)  # [N, 3]
            if len(kept):
                depth = frame.camera.to_camera(kept.astype(np.float64))[:, 2]
                self._deepest = max(self._deepest, float(depth.max()))
        return frame_id

    def frame(self, frame_id: int) -> Frame:
        """The frame stored under this id, exactly as given to `add`."""
        if not 0 <= frame_id < len(self._frames):
            raise IndexError(f"no frame {frame_id} in a memory of {len(self._frames)}")
        return self._frames[frame_id]

    def points(self, frame_id: int) -> np.ndarray:
        """The sampled world points of a frame [N, 3] float32 that retrieval uses."""
        self.frame(frame_id)
        with self._lock:
            return self._index.points(frame_id).copy()

    def _view(self, camera: Camera) -> TargetView:
        if not isinstance(camera, Camera):
            raise TypeError(f"expected a Camera, got {type(camera).__name__}")
        cfg = self.config
        far = cfg.max_depth if cfg.max_depth is not None else cfg.max_depth_factor * self._deepest
        return TargetView.of(camera, cfg.target_long_side, cfg.near, far)

    def _min_gain(self, view: TargetView) -> float:
        return max(1.0, self.config.min_gain_fraction * view.pixel_count)

    def retrieve(self, camera: Camera, k: int = MAX_RETRIEVED) -> list[Retrieved]:
        """Up to k (<= 5) frames that best cover `camera`'s view, in greedy order (fast path)."""
        return self.retrieve_with_stats(camera, k)[0]

    def retrieve_with_stats(
        self, camera: Camera, k: int = MAX_RETRIEVED
    ) -> tuple[list[Retrieved], RetrievalStats]:
        """`retrieve`, plus what the index let it look at."""
        k = _check_k(k)
        tolerance = self.config.depth_tolerance
        with self._lock:
            view = self._view(camera)
            got = self._index.gather(view, tolerance)
            frames = len(self._frames)
        npix = view.pixel_count
        covers = np.zeros((len(got.frame_ids), npix), dtype=bool)  # [C, npix]
        mark_explained(got.labels, got.pixels, got.depths, got.zmin, 1.0 + tolerance, covers)
        picks = _greedy(covers, got.frame_ids, k, self._min_gain(view))
        stats = RetrievalStats(
            frames=frames,
            blocks_visible=got.blocks_visible,
            blocks_occluded=got.blocks_occluded,
            voxels_tested=got.voxels_tested,
            pairs_kept=got.pairs_kept,
            points_projected=got.points_projected,
            candidates=len(got.frame_ids),
        )
        return [Retrieved(f, g, g / npix) for f, g in picks], stats

    def coverage(self, camera: Camera) -> float:
        """Fraction of `camera`'s view (at the index's resolution) that some frame explains:
        what camera planning asks before it generates there."""
        tolerance = self.config.depth_tolerance
        with self._lock:
            if not self._frames:
                return 0.0
            view = self._view(camera)
            got = self._index.gather(view, tolerance)
        covers = np.zeros((len(got.frame_ids), view.pixel_count), dtype=bool)
        mark_explained(got.labels, got.pixels, got.depths, got.zmin, 1.0 + tolerance, covers)
        return float(covers.any(axis=0).mean()) if len(got.frame_ids) else 0.0

    def retrieve_reference(self, camera: Camera, k: int = MAX_RETRIEVED) -> list[Retrieved]:
        """The definition of retrieval, scanning every frame: slow, for tests and benchmarks."""
        k = _check_k(k)
        with self._lock:
            view = self._view(camera)
            clouds = [self._index.points(i) for i in range(len(self._frames))]
        tolerance = 1.0 + self.config.depth_tolerance

        # Pass 1: the nearest surface in each target pixel, over every point of every frame.
        zmin = np.full(view.pixel_count, np.inf)
        projected = []
        for cloud in clouds:
            _, pix, z = view.project(cloud)
            np.minimum.at(zmin, pix, z)
            projected.append((pix, z))

        # Pass 2: the pixels each frame explains.
        explained: list[set[int]] = []
        for pix, z in projected:
            explained.append(set(pix[z <= zmin[pix] * tolerance].tolist()))

        # Greedy set cover; the strict ">" keeps the lowest frame id on ties.
        covered: set[int] = set()
        picks: list[Retrieved] = []
        while len(picks) < k:
            best_id, best_gain = -1, 0
            for frame_id, pixels in enumerate(explained):
                gain = len(pixels - covered)
                if gain > best_gain:
                    best_id, best_gain = frame_id, gain
            if best_id < 0 or best_gain < self._min_gain(view):
                break
            covered |= explained[best_id]
            picks.append(Retrieved(best_id, best_gain, best_gain / view.pixel_count))
        return picks


def _greedy(
    covers: np.ndarray, frame_ids: np.ndarray, k: int, min_gain: float
) -> list[tuple[int, int]]:
    """Greedy set cover over rows of covers [C, npix] (rows in ascending frame id order)."""
    gains = np.count_nonzero(covers, axis=1)  # [C]
    # A frame's gain only shrinks as pixels get covered: rows below the bar now never pass it.
    alive = gains >= min_gain
    covers, frame_ids = covers[alive], frame_ids[alive]
    uncovered = np.ones(covers.shape[1], dtype=bool)
    picks: list[tuple[int, int]] = []
    while len(picks) < k and len(frame_ids):
        gains = np.count_nonzero(covers & uncovered, axis=1)
        best = int(np.argmax(gains))  # the first maximum: the lowest frame id on ties
        if gains[best] < min_gain:
            break
        picks.append((int(frame_ids[best]), int(gains[best])))
        uncovered &= ~covers[best]
    return picks
