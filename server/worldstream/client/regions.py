"""How long a region of the world takes to reach its final level of detail once it comes into view.

A region is a cell of the tile grid. A visit is a run of consecutive frames in which the cell's
box meets the view frustum. The visit's final level is the finest level the client holds the
cell at, at any moment of the visit; its time to final level runs from the visit's first frame to
the first moment the client holds the cell at that level (zero when it already did). A visit in
which the client never holds the cell is never finished; one still open when the walk ends is
also counted apart, since the walk, not the stream, cut it short.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from worldstream.geometry.camera import Camera
from worldstream.session.priority import TileBoxes, visible_indices

Cell = tuple[int, int, int]


@dataclass(frozen=True)
class HeldChange:
    """At time_s the client's holding of `cell` became `lod` (None: it dropped the cell)."""

    time_s: float
    cell: Cell
    lod: int | None


@dataclass(frozen=True)
class Visit:
    cell: Cell
    start_s: float  # the visit's first frame
    end_s: float  # the first frame without the cell in view, or the walk's last frame
    open_at_end: bool  # still in view at the last frame
    final_lod: int | None  # None: never held during the visit
    time_to_final_s: float | None


@dataclass
class RegionTimes:
    """Times to final level over every visit: the figures report.json carries."""

    visits: int = 0
    finished: int = 0
    never_finished: int = 0  # visits in which the cell was never held
    never_finished_open_at_end: int = 0  # of those, visits the walk's end cut short
    p50_s: float | None = None
    p95_s: float | None = None
    max_s: float | None = None
    samples_s: list[float] = field(default_factory=list, repr=False)
    # The visits never finished: [x, y, z, start_s, end_s] each, to tell a cell that was in view
    # for a frame at the edge from one the stream never sent.
    unfinished: list[list[float]] = field(default_factory=list)


@dataclass(frozen=True)
class _Box:
    key: Cell
    box_min: np.ndarray
    box_max: np.ndarray


class CellBoxes:
    """Grid cells as boxes [cell, cell + 1) * tile_size, culled by the server's own frustum test
    (session/priority.py) with no margin; built once for a walk's cells."""

    def __init__(self, cells: Iterable[Cell], tile_size_m: float) -> None:
        if not tile_size_m > 0:
            raise ValueError(f"tile size must be > 0 metres, got {tile_size_m!r}")
        self._boxes = TileBoxes(
            [
                _Box(
                    c, np.asarray(c, np.float64) * tile_size_m, (np.asarray(c) + 1.0) * tile_size_m
                )
                for c in sorted(set(cells))
            ]  # type: ignore[arg-type]
        )

    def in_view(self, camera: Camera) -> set[Cell]:
        return {self._boxes.tiles[i].key for i in visible_indices(camera, self._boxes, 0.0)}


def existing_in_view(
    frame_times: Sequence[float],
    in_view: Sequence[set[Cell]],
    frame_versions: Sequence[int],
    cells_by_version: dict[int, set[Cell]],
    changes: Sequence[HeldChange],
    initial: Iterable[Cell] = (),
) -> list[set[Cell]]:
    """Each frame's cells in view, less those not yet in the world: a frame whose world version's
    cells are known keeps only those and the cells the client has held by then (a cell that
    generation adds later is not in view before it exists). Frames of unknown versions keep all."""
    known = set(initial)
    ordered = sorted(changes, key=lambda c: c.time_s)
    following = 0
    kept = []
    for t, seen, version in zip(frame_times, in_view, frame_versions, strict=True):
        while following < len(ordered) and ordered[following].time_s <= t:
            known.add(ordered[following].cell)
            following += 1
        cells = cells_by_version.get(version)
        kept.append(set(seen) if cells is None else set(seen) & (cells | known))
    return kept


def _lod_at(
    initial: dict[Cell, int], changes: Sequence[HeldChange], cell: Cell, t: float
) -> int | None:
    lod = initial.get(cell)
    for change in changes:
        if change.time_s > t:
            break
        if change.cell == cell:
            lod = change.lod
    return lod


def visits(
    frame_times: Sequence[float],
    in_view: Sequence[Iterable[Cell]],
    changes: Sequence[HeldChange],
    initial: dict[Cell, int] | None = None,
) -> list[Visit]:
    """Every visit of every cell, given each frame's time and cells in view, the log of what the
    client held (sorted by time) and what it held before the first change."""
    initial = dict(initial or {})
    changes = sorted(changes, key=lambda c: c.time_s)
    by_cell: dict[Cell, list[HeldChange]] = {}
    for change in changes:
        by_cell.setdefault(change.cell, []).append(change)
    visible = [set(cells) for cells in in_view]
    every = set().union(*visible) if visible else set()
    found: list[Visit] = []
    for cell in sorted(every):
        log = by_cell.get(cell, [])
        f = 0
        while f < len(frame_times):
            if cell not in visible[f]:
                f += 1
                continue
            first = f
            while f < len(frame_times) and cell in visible[f]:
                f += 1
            open_at_end = f == len(frame_times)
            start = frame_times[first]
            end = frame_times[-1] if open_at_end else frame_times[f]
            found.append(_visit(cell, start, end, open_at_end, initial, log))
    return found


def _visit(
    cell: Cell,
    start: float,
    end: float,
    open_at_end: bool,
    initial: dict[Cell, int],
    log: list[HeldChange],
) -> Visit:
    held = _lod_at(initial, log, cell, start)
    # What the client held from the visit's start, then each change while the cell stayed in view
    # (up to the frame that no longer shows it; to the last frame for a visit the walk cut off).
    timeline = [(start, held)] + [
        (c.time_s, c.lod)
        for c in log
        if c.time_s > start and (c.time_s <= end if open_at_end else c.time_s < end)
    ]
    lods = [lod for _, lod in timeline if lod is not None]
    if not lods:
        return Visit(cell, start, end, open_at_end, None, None)
    finest = min(lods)
    reached = next(t for t, lod in timeline if lod == finest)
    return Visit(cell, start, end, open_at_end, finest, reached - start)


def summarise(found: Sequence[Visit]) -> RegionTimes:
    times = [v.time_to_final_s for v in found if v.time_to_final_s is not None]
    never = [v for v in found if v.final_lod is None]
    result = RegionTimes(
        visits=len(found),
        finished=len(times),
        never_finished=len(never),
        never_finished_open_at_end=sum(v.open_at_end for v in never),
        samples_s=[float(t) for t in times],
        unfinished=[[*v.cell, v.start_s, v.end_s] for v in never],
    )
    if times:
        result.p50_s = float(np.percentile(times, 50))
        result.p95_s = float(np.percentile(times, 95))
        result.max_s = float(max(times))
    return result
