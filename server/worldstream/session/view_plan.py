"""What one view needs: which cells, at which level of detail, within the splat budget.

`plan_view` is the fast path: a world's cells as arrays (`CellTable`, built once per world
version and shared by every session streaming it), so a plan costs a few array operations
whatever the number of cells; 32 clients at 30 Hz ask for about a thousand plans a second.
`plan_view_reference` is the readable version, one cell at a time; tests hold the two equal.

The rules (session/explore.py tells why):
1. cull to the frustum and order by (1 - cos angle) x distance (`priority.py`);
2. every visible cell at its coarsest level, in order, while the budget allows (the first cell
   that does not fit ends the plan);
3. each planned cell's level: the coarsest whose geometric error spans at most `max_sse_px`
   pixels at its distance, or the level the client already holds if finer;
   a. hysteresis: a level the client holds at the current version whose error stays within a band
      around the threshold (`HYSTERESIS`: not more than `max_sse_px` x HYSTERESIS on screen, and
      its next coarser level not under `max_sse_px` / HYSTERESIS) is kept as it is, and kept
      first, in order, before any cell is refined: a held level is never given up for another
      cell's refinement, so small moves that reorder cells do not trade levels back and forth;
   b. then refined in order, a cell taking the finest level towards its target that still fits;
4. prefetch: cells visible from where the velocity takes the camera in `PREFETCH_S`, not planned,
   at their coarsest level, each one that fits.

A plan also says how many visible cells it left out (the budget ended it: the view cannot be
complete) and the splats the whole view needs at its coarsest levels.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numba import njit

from worldstream.geometry.camera import Camera
from worldstream.session.priority import TileBoxes, visible_indices, visible_tiles
from worldstream.tiles.grid import TileKey
from worldstream.tiles.pyramid import Cell

# Screen-space error, in pixels, above which a cell is refined. Chosen by measurement
# (bench/bench_fidelity.py, bench/RESULTS.md): a splat level's error is blur the player sees, so
# the 16 px that mesh tiles use left a blocky mosaic (20-27 dB against the whole world); at 2 px
# every complete pose of the benchmark worlds measured >= 39 dB, holding 350-500 k splats.
DEFAULT_MAX_SSE_PX = 2.0
PREFETCH_S = 1.0  # seconds of the camera's velocity to look ahead
MIN_PREFETCH_SPEED = 0.05  # m/s; slower is standing still
# The band around max_sse_px within which a held level is kept (rule 3a). Levels are about twice
# as coarse as the next finer one, so 1.25 keeps a level for a few percent of distance either
# side of its switch without showing much more than the threshold's blur.
HYSTERESIS = 1.25


class CellTable:
    """A world's cells as arrays, index order = key order."""

    def __init__(self, cells: Mapping[TileKey, Cell]) -> None:
        self.cells: list[Cell] = [cells[k] for k in sorted(cells)]
        self.index: dict[TileKey, int] = {c.key: i for i, c in enumerate(self.cells)}
        count = len(self.cells)
        depth = max((len(c.levels) for c in self.cells), default=1)
        self.boxes = TileBoxes(self.cells)  # type: ignore[arg-type]
        self.coarsest = np.array([c.coarsest for c in self.cells], np.int64).reshape(count)
        self.version = np.array([c.version for c in self.cells], np.int64).reshape(count)
        # [M, depth]: levels a cell does not have count as infinitely coarse, never chosen.
        self.counts = np.zeros((count, depth), np.int64)
        self.errors = np.full((count, depth), np.inf)
        for i, cell in enumerate(self.cells):
            self.counts[i, : len(cell.levels)] = cell.counts
            self.errors[i, : len(cell.levels)] = cell.errors
        self.coarse_count = self.counts[np.arange(count), self.coarsest]

    def __len__(self) -> int:
        return len(self.cells)


_TABLES: OrderedDict[int, tuple[Mapping, CellTable]] = OrderedDict()
_TABLES_LOCK = threading.Lock()
_TABLES_KEPT = 16


def cell_table(cells: Mapping[TileKey, Cell]) -> CellTable:
    """The table of a world version's cells, built once and shared by every session.

    Keyed by the mapping's identity (a world version's cells are never mutated; a grown world
    has a new mapping); the entry keeps the mapping alive so the identity cannot be reused."""
    with _TABLES_LOCK:
        entry = _TABLES.get(id(cells))
        if entry is not None and entry[0] is cells:
            _TABLES.move_to_end(id(cells))
            return entry[1]
    table = CellTable(cells)
    with _TABLES_LOCK:
        _TABLES[id(cells)] = (cells, table)
        while len(_TABLES) > _TABLES_KEPT:
            _TABLES.popitem(last=False)
    return table


@dataclass(frozen=True)
class ViewPlan:
    cells: np.ndarray  # [K] table indices, in priority order
    lods: np.ndarray  # [K] the level planned for each
    prefetch: np.ndarray  # [P] table indices, at their coarsest level
    left_out: int = 0  # visible cells the budget left out of the plan (not even coarsest)
    coarse_need: int = 0  # splats of every visible cell at its coarsest level

    def __len__(self) -> int:
        return len(self.cells)


EMPTY_PLAN = ViewPlan(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))


def ahead_camera(camera: Camera, velocity: np.ndarray | None) -> Camera | None:
    """Where the velocity takes the camera in PREFETCH_S; None when it stands still."""
    if velocity is None:
        return None
    if float(np.linalg.norm(velocity)) < MIN_PREFETCH_SPEED:
        return None
    moved = np.array(camera.world_to_camera, dtype=np.float64)
    moved[:3, 3] -= moved[:3, :3] @ (np.asarray(velocity, np.float64) * PREFETCH_S)
    return camera.with_pose(moved)


def plan_view(
    table: CellTable,
    held_lod: np.ndarray,
    held_version: np.ndarray,
    camera: Camera,
    ahead_order: np.ndarray | None,
    splat_budget: int,
    max_sse_px: float,
    margin: float,
) -> ViewPlan:
    """The fast path. held_lod [M] (-1 where the client holds nothing), held_version [M];
    ahead_order: `visible_indices` of the ahead camera (None: no prefetch), which a session may
    keep for a few updates, since it looks a second ahead anyway."""
    if not len(table):
        return EMPTY_PLAN
    order = visible_indices(camera, table.boxes, margin)
    base, lods, prefetch = _plan_kernel(
        order,
        table.coarse_count,
        table.coarsest,
        table.version,
        table.counts,
        table.errors,
        table.boxes.box_min,
        table.boxes.box_max,
        np.ascontiguousarray(camera.position),
        float(camera.K[1, 1]),
        float(max_sse_px),
        int(splat_budget),
        held_lod,
        held_version,
        np.zeros(0, np.int64) if ahead_order is None else ahead_order,
        HYSTERESIS,
    )
    coarse = table.coarse_count[order]
    return ViewPlan(base, lods, prefetch, len(order) - len(base), int(coarse.sum()))


@njit(cache=True, nogil=True)
def _too_coarse(errors_i, h, distance, focal, max_sse_px, band):  # pragma: no cover
    """Rule 3a: level h's error on screen is more than the band above the threshold."""
    if distance <= 0.0:
        return h > 0  # inside the cell: only full detail
    return h > 0 and errors_i[h] * focal > max_sse_px * band * distance


@njit(cache=True, nogil=True)
def _too_fine(errors_i, h, coarsest_i, distance, focal, max_sse_px, band):  # pragma: no cover
    """Rule 3a: level h's next coarser level is within the band below the threshold."""
    if distance <= 0.0:
        return False
    return h < coarsest_i and errors_i[h + 1] * focal * band <= max_sse_px * distance


@njit(cache=True, nogil=True)
def _plan_kernel(
    order,
    coarse_count,
    coarsest,
    version,
    counts,
    errors,
    box_min,
    box_max,
    position,
    focal,
    max_sse_px,
    budget,
    held_lod,
    held_version,
    ahead_order,
    band,
):  # pragma: no cover - compiled; tested through plan_view against plan_view_reference
    # Rules 2-4 of the module docstring, in one pass each, as plan_view_reference reads.
    k, total = 0, 0
    while k < len(order) and total + coarse_count[order[k]] <= budget:
        total += coarse_count[order[k]]
        k += 1
    base = order[:k].copy()
    lods = np.empty(k, np.int64)
    targets = np.empty(k, np.int64)
    planned = np.zeros(len(coarse_count), np.bool_)
    for j in range(k):  # rule 3a
        i = base[j]
        planned[i] = True
        squared = 0.0
        for a in range(3):
            nearest = min(max(position[a], box_min[i, a]), box_max[i, a])
            squared += (nearest - position[a]) ** 2
        distance = np.sqrt(squared)
        target = 0
        if distance > 0.0:
            for lod in range(coarsest[i] + 1):
                if errors[i, lod] * focal <= max_sse_px * distance:
                    target = lod
        lods[j] = coarsest[i]
        held = held_lod[i]
        if held >= 0 and held_version[i] == version[i]:
            if not _too_fine(errors[i], held, coarsest[i], distance, focal, max_sse_px, band):
                if not _too_coarse(errors[i], held, distance, focal, max_sse_px, band):
                    target = held
                extra = counts[i, held] - counts[i, coarsest[i]]
                if total + extra <= budget:
                    lods[j] = held
                    total += extra
            elif held < target:
                target = held
        targets[j] = target
    for j in range(k):  # rule 3b
        i = base[j]
        start = lods[j]
        for lod in range(targets[j], start):
            extra = counts[i, lod] - counts[i, start]
            if total + extra <= budget:
                lods[j] = lod
                total += extra
                break
    prefetch = np.empty(len(ahead_order), np.int64)
    p = 0
    for i in ahead_order:
        if not planned[i] and total + coarse_count[i] <= budget:
            prefetch[p] = i
            p += 1
            total += coarse_count[i]
    return base, lods, prefetch[:p]


def choose_lod(cell: Cell, distance: float, focal_px: float, max_sse_px: float) -> int:
    """The coarsest level whose geometric error spans at most max_sse_px on screen at
    `distance` (metres from the camera to the cell); level 0 inside the cell."""
    if distance <= 0.0:
        return 0
    chosen = 0
    for lod, error in enumerate(cell.errors):
        if error * focal_px <= max_sse_px * distance:
            chosen = lod
    return chosen


def box_distance(position: np.ndarray, box_min: np.ndarray, box_max: np.ndarray) -> np.ndarray:
    """[M] distance from a point to each box (0 inside); boxes [M, 3]."""
    nearest = np.clip(position, box_min, box_max)
    return np.linalg.norm(nearest - position, axis=-1)


def band_side(cell: Cell, lod: int, distance: float, focal_px: float, max_sse_px: float) -> int:
    """Rule 3a, readably: -1 when `lod` of `cell` is so fine at `distance` that its next coarser
    level is HYSTERESIS times within the threshold, 1 when its own error is more than HYSTERESIS
    times the threshold, 0 within the band."""
    if distance <= 0.0:
        return 1 if lod > 0 else 0  # inside the cell: only full detail
    errors = cell.errors
    # In pixels, as choose_lod compares (and in the kernel's operation order, so the two agree
    # to the bit at the band's edges).
    if lod < cell.coarsest and errors[lod + 1] * focal_px * HYSTERESIS <= max_sse_px * distance:
        return -1
    if lod > 0 and errors[lod] * focal_px > max_sse_px * HYSTERESIS * distance:
        return 1
    return 0


def plan_view_reference(
    cells: Mapping[TileKey, Cell],
    held: Mapping[TileKey, tuple[int, int]],
    camera: Camera,
    velocity: np.ndarray | None,
    splat_budget: int,
    max_sse_px: float,
    margin: float,
) -> tuple[list[tuple[Cell, int]], list[Cell]]:
    """The readable version: held maps a cell's key to the (lod, version) the client holds.
    Returns the plan's (cell, level) in order and the prefetched cells."""
    boxes = TileBoxes(list(cells.values()))  # type: ignore[arg-type]
    base, total = [], 0
    for cell in visible_tiles(camera, boxes, margin):
        count = cell.levels[cell.coarsest].count  # type: ignore[attr-defined]
        if total + count > splat_budget:
            break
        base.append(cell)
        total += count
    focal = float(camera.K[1, 1])
    chosen, targets = [], []
    for cell in base:  # rule 3a: held levels not far finer than needed are kept first
        distance = float(box_distance(camera.position, cell.box_min, cell.box_max))
        target = choose_lod(cell, distance, focal, max_sse_px)
        level = cell.coarsest
        lod_version = held.get(cell.key)
        if lod_version is not None and lod_version[1] == cell.version:
            lod = lod_version[0]
            side = band_side(cell, lod, distance, focal, max_sse_px)
            if side >= 0:
                if side == 0:
                    target = lod  # within the band: neither refined nor coarsened
                extra = cell.levels[lod].count - cell.levels[cell.coarsest].count
                if total + extra <= splat_budget:
                    level, total = lod, total + extra
            elif lod < target:
                target = lod  # already there: keep it if the budget allows
        chosen.append(level)
        targets.append(target)
    plan = []
    for cell, level, target in zip(base, chosen, targets, strict=True):  # rule 3b
        for lod in range(target, level):
            extra = cell.levels[lod].count - cell.levels[level].count
            if total + extra <= splat_budget:
                level, total = lod, total + extra
                break
        plan.append((cell, level))
    prefetch = []
    ahead = ahead_camera(camera, velocity)
    if ahead is not None:
        planned = {c.key for c in base}
        for cell in visible_tiles(ahead, boxes, margin):
            count = cell.levels[cell.coarsest].count  # type: ignore[attr-defined]
            if cell.key in planned or total + count > splat_budget:
                continue
            prefetch.append(cell)
            total += count
    return plan, prefetch  # type: ignore[return-value]
