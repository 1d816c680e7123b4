"""An Explore session's state: what the client holds, what its view needs, what to send next.

Synchronous and free of I/O so it can be tested directly; api/explore.py drives it.

The client holds at most one level of detail per cell, and a level it receives replaces the one
it held only once complete, so a cell is never empty while a finer level loads. For each view
the scheduler (3D Tiles practice, DESIGN.md § Tiles):

1. culls cells to the frustum and orders them by (1 - cos angle) x distance (`priority.py`);
2. picks each cell's level by screen-space error: the coarsest level whose geometric error
   projects to at most `max_sse_px` pixels (2 by default, measured: `DEFAULT_MAX_SSE_PX`);
3. fits the plan to the splat budget: every visible cell at its coarsest level first, in order,
   then refinements in order as far as the budget allows;
4. sends coarse before fine: first the coarsest level of every cell the client lacks, then the
   refinements, then cells the camera's velocity will bring into view (prefetch).

Sending never takes the client over its budget: held cells the plan does not need are dropped
first (farthest first); a cell held finer than the plan wants is sent coarser to make room, the
lowest in priority first. A client that holds more than its budget already (a resumed manifest)
is brought under it: a tile that replaces a held one may go while it adds nothing.

"Complete" is what a player would mean: every visible cell planned (none left out by the budget),
each held at its planned level or finer at the world's current version, and no generation the
view waits on pending (the stream's part). A view the budget cannot hold is never complete; the
stream says why (`stall`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from worldstream.geometry.camera import Camera
from worldstream.session.priority import visible_indices
from worldstream.session.view_plan import (
    DEFAULT_MAX_SSE_PX,
    EMPTY_PLAN,
    CellTable,
    ViewPlan,
    ahead_camera,
    box_distance,
    cell_table,
    choose_lod,
    plan_view,
)
from worldstream.tiles.grid import TileKey
from worldstream.tiles.pyramid import Cell

# How far the camera may move, turn and change velocity before the prefetch cull is redone.
AHEAD_KEEP_M = 0.25
AHEAD_KEEP_COS = float(np.cos(np.radians(5.0)))
AHEAD_KEEP_M_PER_S = 0.25

__all__ = ["ExploreSession", "Held", "Send", "SessionLimits", "box_distance", "choose_lod"]


@dataclass(frozen=True)
class SessionLimits:
    splat_budget: int
    credit_bytes: int
    max_sse_px: float = DEFAULT_MAX_SSE_PX


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
    # A cell the view shows that the client holds nothing of: what a moving camera waits for.
    # Refinements and prefetch are not urgent.
    urgent: bool = False

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
    world_version: int = 0


@dataclass(frozen=True)
class Stall:
    """Why a view that is not complete has nothing to send: the budget cannot hold it."""

    sequence: int
    need: int  # splats of every visible cell at its coarsest level
    budget: int
    left_out: int  # visible cells left out of the plan


def _cell(key: TileKey) -> TileKey:
    return TileKey(key.x, key.y, key.z, 0)


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
    world_version: int = 0  # of `cells`; the stream sets it (statuses are taken at it)
    _view: ViewPlan = EMPTY_PLAN
    _table: CellTable | None = None
    # What the client holds, by table index, for the planner: level (-1: nothing) and version.
    _held_lod: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    _held_version: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    _send_order: tuple[list[int], list[int], list[bool]] | None = None
    _cursor: int = 0
    _prefetch_list: list[int] | None = None
    _prefetch_cursor: int = 0
    _wanted: set[TileKey] | None = None
    _reported: tuple | None = None
    _camera: Camera | None = None
    _velocity: np.ndarray | None = None
    # The prefetch cull and the camera and velocity it was made for.
    _ahead: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    def __post_init__(self) -> None:
        self._index_cells()

    @classmethod
    def resume(
        cls,
        cells: dict[TileKey, Cell],
        limits: SessionLimits,
        frustum_margin: float,
        manifest: Mapping[TileKey, int | tuple[int, int]],
        world_version: int = 0,
    ) -> tuple[ExploreSession, int, list[TileKey]]:
        """A session that will not resend what the manifest holds at the current version.

        `manifest`: held tile -> (version, splat count) or version alone; a count of 0 (or
        none) means unknown: the current version's count at that level is assumed. A tile of
        an older version may hold another count than the current one, and the budget is kept
        against what the client really holds.

        Returns the session, how many held tiles are current, and the held tiles the client
        should drop: cells or levels that no longer exist, and extra levels of one cell (the
        finest current one is kept).
        """
        session = cls(cells, limits, frustum_margin, world_version=world_version)
        current, gone = 0, []
        for key, entry in sorted(manifest.items(), key=lambda item: item[0]):
            version, count = entry if isinstance(entry, tuple) else (entry, 0)
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
            count = count if count > 0 else cell.levels[key.lod].count
            session._hold(cell.key, Held(key.lod, version, count))
            current += is_current
        return session, current, gone

    # -- the client's holdings --------------------------------------------------------------

    def _index_cells(self) -> None:
        self._ahead = None  # indices of the old table
        self._table = table = cell_table(self.cells)
        self._held_lod = np.full(len(table), -1, np.int64)
        self._held_version = np.zeros(len(table), np.int64)
        for cell_key, held in self.held.items():
            index = table.index.get(cell_key)
            if index is not None:
                self._held_lod[index], self._held_version[index] = held.lod, held.version

    def _hold(self, cell_key: TileKey, held: Held | None) -> None:
        old = self.held.pop(cell_key, None)
        if old is not None:
            self.resident_splats -= old.count
        index = self._table.index.get(cell_key) if self._table is not None else None
        if held is not None:
            self.held[cell_key] = held
            self.resident_splats += held.count
        if index is not None:
            self._held_lod[index] = -1 if held is None else held.lod
            self._held_version[index] = 0 if held is None else held.version

    def _is_current(self, cell: Cell, lod: int) -> bool:
        held = self.held.get(cell.key)
        return held is not None and held.version == cell.version and held.lod <= lod

    # -- the view ---------------------------------------------------------------------------

    @property
    def _plan(self) -> list[tuple[Cell, int]]:
        """The view's (cell, level), in priority order."""
        cells = self._table.cells  # type: ignore[union-attr]
        return [
            (cells[i], lod)
            for i, lod in zip(self._view.cells.tolist(), self._view.lods.tolist(), strict=True)
        ]

    @property
    def _prefetch(self) -> list[Cell]:
        cells = self._table.cells  # type: ignore[union-attr]
        return [cells[i] for i in self._view.prefetch.tolist()]

    def set_view(self, camera: Camera, sequence: int, velocity: np.ndarray | None = None) -> None:
        self.sequence = sequence
        self._camera = camera
        self._velocity = None if velocity is None else np.asarray(velocity, np.float64)
        self._replan()

    def set_cells(self, cells: dict[TileKey, Cell], world_version: int = 0) -> list[TileKey]:
        """The world changed: plan against its new cells. Returns held tiles that no longer
        exist (the client should drop them); changed cells are resent by the plan."""
        self.cells = cells
        self.world_version = world_version
        gone = []
        for cell_key, held in list(self.held.items()):
            cell = cells.get(cell_key)
            if cell is None or held.lod > cell.coarsest:
                gone.append(TileKey(cell_key.x, cell_key.y, cell_key.z, held.lod))
                self._hold(cell_key, None)
        self._index_cells()
        self._replan()
        return gone

    def _replan(self) -> None:
        self._send_order = None
        self._prefetch_list = None
        self._wanted = None
        camera = self._camera
        if camera is None:
            return
        self._view = plan_view(
            self._table,  # type: ignore[arg-type]
            self._held_lod,
            self._held_version,
            camera,
            self._ahead_order(camera),
            self.limits.splat_budget,
            self.limits.max_sse_px,
            self.frustum_margin,
        )

    def _ahead_order(self, camera: Camera) -> np.ndarray | None:
        """The cull of where the velocity takes the camera, kept while the camera and velocity
        stay close to what it was made for: it looks a second ahead, so a few centimetres or
        degrees do not change it, and it is half the cost of a plan."""
        velocity = self._velocity
        ahead = ahead_camera(camera, velocity)
        if ahead is None:
            self._ahead = None
            return None
        if self._ahead is not None:
            order, position, forward, was = self._ahead
            if (
                np.linalg.norm(camera.position - position) < AHEAD_KEEP_M
                and forward @ camera.forward > AHEAD_KEEP_COS
                and np.linalg.norm(velocity - was) < AHEAD_KEEP_M_PER_S
            ):
                return order
        order = visible_indices(ahead, self._table.boxes, self.frustum_margin)  # type: ignore[union-attr]
        self._ahead = (order, camera.position.copy(), camera.forward.copy(), velocity.copy())  # type: ignore[union-attr]
        return order

    # -- what to send -----------------------------------------------------------------------

    def _order(self) -> tuple[list[int], list[int], list[bool]]:
        """The view's (cell index, level, show) in send order: the coarsest level of every cell
        the client lacks first, then refinements; a "show" entry asks only that the cell be
        held at all. Built once per plan; `_cursor` skips the satisfied head, so a session costs
        O(1) per tile sent rather than O(plan)."""
        if self._send_order is None:
            table, view = self._table, self._view
            cells, lods = view.cells, view.lods
            coarsest = table.coarsest[cells]  # type: ignore[union-attr]
            held = self._held_lod[cells]
            missing = held < 0
            current = (
                ~missing
                & (self._held_version[cells] == table.version[cells])  # type: ignore[union-attr]
                & (held <= lods)
            )
            refine = ~current & (~missing | (lods != coarsest))
            indices = np.concatenate([cells[missing], cells[refine]])
            levels = np.concatenate([coarsest[missing], lods[refine]])
            shows = [True] * int(missing.sum()) + [False] * int(refine.sum())
            self._send_order, self._cursor = (indices.tolist(), levels.tolist(), shows), 0
        return self._send_order

    def _satisfied(self, index: int, lod: int, show: bool) -> bool:
        held = int(self._held_lod[index])
        if show or held < 0:
            return held >= 0
        return held <= lod and self._held_version[index] == self._table.version[index]  # type: ignore[union-attr]

    def _head(self) -> int:
        indices, levels, shows = self._order()
        while self._cursor < len(indices) and self._satisfied(
            indices[self._cursor], levels[self._cursor], shows[self._cursor]
        ):
            self._cursor += 1
        return self._cursor

    def _unsatisfied(self):
        indices, levels, shows = self._order()
        for j in range(self._head(), len(indices)):
            if not self._satisfied(indices[j], levels[j], shows[j]):
                yield indices[j], levels[j], shows[j]

    def pending(self) -> list[tuple[Cell, int]]:
        """The view's (cell, level) the client does not hold yet, in send order."""
        cells = self._table.cells  # type: ignore[union-attr]
        return [(cells[i], lod) for i, lod, _ in self._unsatisfied()]

    def can_send(self) -> bool:
        # One payload may overshoot the window, or a tile larger than it could never be sent.
        return self.in_flight_bytes < self.limits.credit_bytes

    def next_send(self) -> Send | None:
        """The next tile to send and the held tiles to remove first, or None (nothing to send,
        or no credit)."""
        if not self.can_send():
            return None
        cells = self._table.cells  # type: ignore[union-attr]
        blocked = False  # something wanted does not fit the budget
        for index, lod, show in self._unsatisfied():
            cell = cells[index]
            evict = self._room_for(cell, lod)
            if evict is not None:
                return Send(cell, lod, tuple(evict), urgent=show)
            blocked = True
        prefetch = self._prefetch_order()
        # Evictions never drop a cell the plan wants, so a held prefetch stays held.
        while (
            self._prefetch_cursor < len(prefetch)
            and self._held_lod[prefetch[self._prefetch_cursor]] >= 0
        ):
            self._prefetch_cursor += 1
        for index in prefetch[self._prefetch_cursor :]:
            if self._held_lod[index] < 0:
                cell = cells[index]
                evict = self._room_for(cell, cell.coarsest)
                if evict is not None:
                    return Send(cell, cell.coarsest, tuple(evict))
                blocked = True
        if not blocked:
            return None
        # Nothing fits: make room by sending a cell held finer than the plan wants, coarser (at
        # the current version: a stale one is replaced as well), the prefetch and the lowest in
        # priority first, so a cell gives up detail only to cells ahead of it.
        for cell, lod in [(c, c.coarsest) for c in self._prefetch][::-1] + self._plan[::-1]:
            held = self.held.get(cell.key)
            if held is not None and held.lod < lod and self._room_for(cell, lod) is not None:
                return Send(cell, lod, ())
        return None

    def _prefetch_order(self) -> list[int]:
        if self._prefetch_list is None:
            self._prefetch_list, self._prefetch_cursor = self._view.prefetch.tolist(), 0
        return self._prefetch_list

    def _room_for(self, cell: Cell, lod: int) -> list[TileKey] | None:
        """Held tiles to drop so that `cell` at `lod` fits the budget (farthest from it first,
        never one the view or the prefetch wants); None when it cannot fit."""
        old = self.held.get(cell.key)
        grows = cell.levels[lod].count - (old.count if old else 0)
        over = self.resident_splats + grows - self.limits.splat_budget
        if over <= 0:
            return []
        if self._wanted is None:
            self._wanted = {c.key for c, _ in self._plan} | {c.key for c in self._prefetch}
        wanted = self._wanted
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
        # Still over with a replacement that adds nothing: only a client that came in over its
        # budget (resumed) gets here, and the replacement brings it no further over.
        if over > 0 and grows > 0:
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

    def _tiles_complete(self) -> bool:
        """Every visible cell is planned and held at its planned level or finer, current."""
        return self._view.left_out == 0 and self._head() >= len(self._order()[0])

    def status(self) -> ViewStatusEvent:
        """The latest view as it stands."""
        complete = self._tiles_complete() and self.pending_generation == 0
        return ViewStatusEvent(
            self.sequence,
            complete,
            len(self.pending()) + self._view.left_out,
            self.resident_splats,
            self.pending_generation,
            self.world_version,
        )

    def status_if_changed(self) -> ViewStatusEvent | None:
        """A ViewStatus when there is news: a view completes, loading starts (the last status
        said complete), the generation the view waits for changes, or the world grows (a
        complete view is said again at the new version). A camera moving while tiles load is
        not news: one status per view update would cost a message each, 30 a second per client,
        and say only "still loading"."""
        if self.sequence < 0:
            return None
        complete = self._tiles_complete() and self.pending_generation == 0
        state = (
            self.sequence if complete else None,
            complete,
            self.pending_generation,
            self.world_version,
        )
        if self._reported == state:
            return None
        self._reported = state
        return self.status()

    def stall(self) -> Stall | None:
        """Asked when `next_send` has just said nothing: the view is not complete and neither
        credit nor generation explains it. The budget does when visible cells do not fit even
        at their coarsest level (`left_out`); otherwise `left_out` is 0 and nothing explains
        it (a fault of the scheduler, said rather than left as a silent stall)."""
        if (
            self.sequence < 0
            or not self.can_send()
            or self.pending_generation
            or self._tiles_complete()
        ):
            return None
        view = self._view
        return Stall(self.sequence, view.coarse_need, self.limits.splat_budget, view.left_out)
