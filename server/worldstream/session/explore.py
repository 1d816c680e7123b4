"""An Explore session's state: what the client holds, what its view needs, what to send next.

Synchronous and free of I/O so it can be tested directly; api/explore.py drives it.

The client holds at most one level of detail per cell, and a level it receives replaces the one
it held only once complete, so a cell is never empty while a finer level loads. For each view
the scheduler (3D Tiles practice, DESIGN.md § Tiles):

1. culls cells to the frustum and orders them by (1 - cos angle) x distance (`priority.py`);
2. picks each cell's level by screen-space error: the coarsest level whose geometric error
   projects to at most `max_sse_px` pixels (16, as Cesium refines);
3. fits the plan to the splat budget: every visible cell at its coarsest level first, in order,
   then refinements in order as far as the budget allows;
4. sends coarse before fine: first the coarsest level of every cell the client lacks, then the
   refinements, then cells the camera's velocity will bring into view (prefetch).

Sending never takes the client over its budget: held cells the plan does not need are dropped
first (farthest first); a cell held finer than the plan wants is sent coarser to make room.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from worldstream.geometry.camera import Camera
from worldstream.session.priority import TileBoxes, visible_tiles
from worldstream.tiles.grid import TileKey
from worldstream.tiles.pyramid import Cell

PREFETCH_S = 1.0  # seconds of the camera's velocity to look ahead
MIN_PREFETCH_SPEED = 0.05  # m/s; slower is standing still


@dataclass(frozen=True)
class SessionLimits:
    splat_budget: int
    credit_bytes: int
    max_sse_px: float = 16.0


@dataclass(frozen=True)
class Held:
    lod: int
    version: int
    count: int


@dataclass(frozen=True)
class Send:
    cell: Cell
    lod: int
    evict: tuple[TileKey, ...]  # held tiles (their own lod) to remove before this one is sent

    @property
    def key(self) -> TileKey:
        return self.cell.key_at(self.lod)

    @property
    def splat_count(self) -> int:
        return self.cell.levels[self.lod].count


@dataclass
class ViewStatusEvent:
    sequence: int
    complete: bool
    pending_tiles: int
    resident_splats: int
    pending_generation: int


def _cell(key: TileKey) -> TileKey:
    return TileKey(key.x, key.y, key.z, 0)


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


@dataclass
class ExploreSession:
    cells: dict[TileKey, Cell]
    limits: SessionLimits
    frustum_margin: float
    held: dict[TileKey, Held] = field(default_factory=dict)  # by cell (lod 0 key)
    in_flight_bytes: int = 0
    sequence: int = -1
    pending_generation: int = 0
    resident_splats: int = 0
    _plan: list[tuple[Cell, int]] = field(default_factory=list)  # the view's (cell, level)
    _prefetch: list[Cell] = field(default_factory=list)
    _send_order: list[tuple[Cell, int, bool]] | None = None
    _cursor: int = 0
    _reported: tuple | None = None
    _boxes: TileBoxes | None = None
    _camera: Camera | None = None
    _velocity: np.ndarray | None = None

    @classmethod
    def resume(
        cls,
        cells: dict[TileKey, Cell],
        limits: SessionLimits,
        frustum_margin: float,
        manifest: dict[TileKey, int],
    ) -> tuple[ExploreSession, int, list[TileKey]]:
        """A session that will not resend what the manifest holds at the current version.

        Returns the session, how many held tiles are current, and the held tiles the client
        should drop: cells or levels that no longer exist, and extra levels of one cell (the
        finest current one is kept).
        """
        session = cls(cells, limits, frustum_margin)
        current, gone = 0, []
        for key, version in sorted(manifest.items(), key=lambda item: item[0]):
            cell = cells.get(_cell(key))
            if cell is None or not 0 <= key.lod <= cell.coarsest:
                gone.append(key)
                continue
            old = session.held.get(cell.key)
            is_current = version == cell.version
            if old is not None:
                # Two levels of one cell: keep a current one over a stale one, then the finer.
                if (old.version == cell.version, -old.lod) >= (is_current, -key.lod):
                    gone.append(key)
                    continue
                gone.append(cell.key_at(old.lod))
                current -= old.version == cell.version
            # A stale version stays held (the client shows it) until the current one replaces it.
            session._hold(cell.key, Held(key.lod, version, cell.levels[key.lod].count))
            current += is_current
        return session, current, gone

    # -- the client's holdings --------------------------------------------------------------

    def _hold(self, cell_key: TileKey, held: Held | None) -> None:
        old = self.held.pop(cell_key, None)
        if old is not None:
            self.resident_splats -= old.count
        if held is not None:
            self.held[cell_key] = held
            self.resident_splats += held.count

    def _is_current(self, cell: Cell, lod: int) -> bool:
        held = self.held.get(cell.key)
        return held is not None and held.version == cell.version and held.lod <= lod

    # -- the view ---------------------------------------------------------------------------

    def set_view(self, camera: Camera, sequence: int, velocity: np.ndarray | None = None) -> None:
        self.sequence = sequence
        self._camera = camera
        self._velocity = None if velocity is None else np.asarray(velocity, np.float64)
        self._replan()

    def set_cells(self, cells: dict[TileKey, Cell]) -> list[TileKey]:
        """The world changed: plan against its new cells. Returns held tiles that no longer
        exist (the client should drop them); changed cells are resent by the plan."""
        self.cells = cells
        self._boxes = None
        gone = []
        for cell_key, held in list(self.held.items()):
            cell = cells.get(cell_key)
            if cell is None or held.lod > cell.coarsest:
                gone.append(TileKey(cell_key.x, cell_key.y, cell_key.z, held.lod))
                self._hold(cell_key, None)
        self._replan()
        return gone

    def _visible(self, camera: Camera) -> list[Cell]:
        if self._boxes is None:
            self._boxes = TileBoxes(list(self.cells.values()))
        return visible_tiles(camera, self._boxes, self.frustum_margin)  # type: ignore[return-value]

    def _replan(self) -> None:
        self._reported = None
        self._send_order = None
        camera = self._camera
        if camera is None:
            return
        budget = self.limits.splat_budget
        ordered = self._visible(camera)
        base, total = [], 0
        for cell in ordered:
            count = cell.levels[cell.coarsest].count
            if total + count > budget and base:
                break
            if total + count > budget:
                break  # not even one coarse cell fits: nothing can be shown
            base.append(cell)
            total += count
        if base:
            boxes_min = np.array([c.box_min for c in base])
            boxes_max = np.array([c.box_max for c in base])
            distances = box_distance(camera.position, boxes_min, boxes_max)
        focal = float(camera.K[1, 1])
        plan = []
        for cell, distance in zip(base, distances if base else [], strict=True):
            chosen = cell.coarsest
            target = choose_lod(cell, float(distance), focal, self.limits.max_sse_px)
            held = self.held.get(cell.key)
            if held is not None and held.version == cell.version and held.lod < target:
                target = held.lod  # already there: keep it if the budget allows
            for lod in range(target, cell.coarsest):
                extra = cell.levels[lod].count - cell.levels[chosen].count
                if total + extra <= budget:
                    chosen, total = lod, total + extra
                    break
            plan.append((cell, chosen))
        self._plan = plan
        self._prefetch = []
        speed = 0.0 if self._velocity is None else float(np.linalg.norm(self._velocity))
        if speed >= MIN_PREFETCH_SPEED:
            ahead = camera.with_pose(_moved(camera.world_to_camera, self._velocity * PREFETCH_S))
            planned = {c.key for c in base}
            for cell in self._visible(ahead):
                count = cell.levels[cell.coarsest].count
                if cell.key in planned or total + count > budget:
                    continue
                self._prefetch.append(cell)
                total += count

    # -- what to send -----------------------------------------------------------------------

    def _order(self) -> list[tuple[Cell, int, bool]]:
        """The view's (cell, level) in send order: the coarsest level of every cell the client
        lacks first, then refinements. Built once per plan; `_cursor` skips the satisfied head,
        so a session costs O(1) per tile sent rather than O(plan)."""
        if self._send_order is None:
            # (cell, level, show): a "show" entry asks only that the cell be held at all.
            missing = [(c, c.coarsest, True) for c, _ in self._plan if c.key not in self.held]
            lacking = {c.key for c, _, _ in missing}
            refine = [
                (c, lod, False)
                for c, lod in self._plan
                if not self._is_current(c, lod) and (c.key not in lacking or lod != c.coarsest)
            ]
            self._send_order, self._cursor = missing + refine, 0
        return self._send_order

    def _satisfied(self, cell: Cell, lod: int, show: bool) -> bool:
        return cell.key in self.held if show else self._is_current(cell, lod)

    def _head(self) -> int:
        order = self._order()
        while self._cursor < len(order) and self._satisfied(*order[self._cursor]):
            self._cursor += 1
        return self._cursor

    def pending(self) -> list[tuple[Cell, int]]:
        """The view's (cell, level) the client does not hold yet, in send order."""
        order = self._order()
        return [
            (c, lod) for c, lod, show in order[self._head() :] if not self._satisfied(c, lod, show)
        ]

    def can_send(self) -> bool:
        # One payload may overshoot the window, or a tile larger than it could never be sent.
        return self.in_flight_bytes < self.limits.credit_bytes

    def next_send(self) -> Send | None:
        """The next tile to send and the held tiles to remove first, or None (nothing to send,
        or no credit)."""
        if not self.can_send():
            return None
        order = self._order()
        for cell, lod, show in order[self._head() :]:
            if self._satisfied(cell, lod, show):
                continue
            evict = self._room_for(cell, lod)
            if evict is not None:
                return Send(cell, lod, tuple(evict))
        for cell in self._prefetch:
            if cell.key not in self.held:
                evict = self._room_for(cell, cell.coarsest)
                if evict is not None:
                    return Send(cell, cell.coarsest, tuple(evict))
        # Nothing fits: make room by sending a cell held finer than the plan wants, coarser.
        for cell, lod in self._plan + [(c, c.coarsest) for c in self._prefetch]:
            held = self.held.get(cell.key)
            if held is not None and held.version == cell.version and held.lod < lod:
                return Send(cell, lod, ())
        return None

    def _room_for(self, cell: Cell, lod: int) -> list[TileKey] | None:
        """Held tiles to drop so that `cell` at `lod` fits the budget (farthest from it first,
        never one the view or the prefetch wants); None when it cannot fit."""
        old = self.held.get(cell.key)
        over = (
            self.resident_splats
            - (old.count if old else 0)
            + cell.levels[lod].count
            - self.limits.splat_budget
        )
        if over <= 0:
            return []
        wanted = {c.key for c, _ in self._plan} | {c.key for c in self._prefetch}
        c = cell.key
        candidates = sorted(
            (k for k in self.held if k not in wanted and k != c),
            key=lambda k: (-((k.x - c.x) ** 2 + (k.y - c.y) ** 2 + (k.z - c.z) ** 2), k),
        )
        drops = []
        for key in candidates:
            if over <= 0:
                break
            over -= self.held[key].count
            drops.append(key)
        if over > 0:
            return None
        return [TileKey(k.x, k.y, k.z, self.held[k].lod) for k in drops]

    def on_sent(self, send: Send, payload_bytes: int) -> None:
        for key in send.evict:
            self._hold(_cell(key), None)
        self._hold(send.cell.key, Held(send.lod, send.cell.version, send.splat_count))
        self.in_flight_bytes += payload_bytes

    def on_ack(self, acked_bytes: int) -> bool:
        """Returns False when the ack claims more than was in flight (it is clamped)."""
        ok = 0 <= acked_bytes <= self.in_flight_bytes
        self.in_flight_bytes = max(0, self.in_flight_bytes - max(0, acked_bytes))
        return ok

    def status_if_changed(self) -> ViewStatusEvent | None:
        """A ViewStatus for the latest view when it changed since last reported."""
        if self.sequence < 0:
            return None
        waiting = self._head() < len(self._order())
        complete = not waiting and self.pending_generation == 0
        state = (self.sequence, complete, self.pending_generation)
        if self._reported == state:
            return None
        self._reported = state
        pending = len(self.pending())
        return ViewStatusEvent(
            self.sequence, complete, pending, self.resident_splats, self.pending_generation
        )


def _moved(world_to_camera: np.ndarray, step: np.ndarray) -> np.ndarray:
    """The same camera translated by `step` (world frame)."""
    out = np.array(world_to_camera, dtype=np.float64)
    out[:3, 3] -= out[:3, :3] @ step
    return out
