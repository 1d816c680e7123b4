"""An Explore session's decisions (session/priority.py, session/explore.py): culling, order,
budgets, resume, credits, evictions and view status."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from worldstream.geometry.camera import Camera, intrinsics_from_fov, look_at
from worldstream.geometry.gaussians import Gaussians
from worldstream.session.explore import ExploreSession, Send, SessionLimits, choose_lod
from worldstream.session.priority import (
    TileBoxes,
    box_in_frustum,
    visible_tiles_reference,
)
from worldstream.session.priority import visible_tiles as visible_tiles_fast
from worldstream.tiles.grid import Tile, TileKey, build_tiles
from worldstream.tiles.pyramid import Cell, LodOptions, build_pyramids


def visible_tiles(camera, tiles, margin):
    """The fast path, checked against the reference on every call these tests make."""
    fast = visible_tiles_fast(camera, TileBoxes(tiles), margin)
    assert [t.key for t in fast] == [t.key for t in visible_tiles_reference(camera, tiles, margin)]
    return fast


TILE = 4.0
WIDTH, HEIGHT = 64, 48


def world(cells: dict[tuple[int, int, int], int], version: int = 1) -> dict[TileKey, Tile]:
    """Tiles of TILE metres with the given number of splats near the centre of each cell."""
    tiles = build_tiles(splats(cells), TILE, version)
    assert {(k.x, k.y, k.z) for k in tiles} == set(cells)
    return tiles


def splats(cells: dict[tuple[int, int, int], int]) -> Gaussians:
    rng = np.random.default_rng(0)
    means = []
    for (x, y, z), count in cells.items():
        centre = (np.array([x, y, z], dtype=np.float64) + 0.5) * TILE
        means.append(centre + rng.uniform(-1.0, 1.0, (count, 3)))
    means = np.concatenate(means).astype(np.float32)
    n = len(means)
    return Gaussians.from_numpy(
        {
            "means": means,
            "quats": np.tile(np.array([1.0, 0.0, 0.0, 0.0], np.float32), (n, 1)),
            "log_scales": np.full((n, 3), -3.0, np.float32),
            "opacity_logits": np.zeros(n, np.float32),
            "sh": np.zeros((n, 1, 3), np.float32),
        }
    )


def camera(eye, target, fov_y: float = 60.0) -> Camera:
    return Camera(intrinsics_from_fov(fov_y, WIDTH, HEIGHT), look_at(eye, target), WIDTH, HEIGHT)


def key(x: int, y: int, z: int) -> TileKey:
    return TileKey(x, y, z, 0)


# The camera stands at the centre of cell (0, 0, 0) and looks down +Z.
EYE = (2.0, 2.0, 2.0)
AHEAD = camera(EYE, (2.0, 2.0, 100.0))


def keys(tiles: list[Tile]) -> list[TileKey]:
    return [t.key for t in tiles]


# --- priority ----------------------------------------------------------------------------------


def test_a_tile_behind_the_camera_is_culled_and_one_ahead_is_kept():
    tiles = world({(0, 0, 3): 5, (0, 0, -3): 5})
    order = keys(visible_tiles(AHEAD, list(tiles.values()), margin=0.0))
    assert order == [key(0, 0, 3)]


def test_tiles_far_to_the_side_or_above_are_culled():
    tiles = world({(0, 0, 3): 5, (20, 0, 3): 5, (0, 20, 3): 5, (-20, 0, 3): 5})
    order = keys(visible_tiles(AHEAD, list(tiles.values()), margin=0.0))
    assert order == [key(0, 0, 3)]


def test_the_frustum_margin_keeps_a_tile_just_outside_the_view():
    # Cell (0,0,-1) lies entirely behind the camera's near plane (z <= -2 m in camera space).
    box_min, box_max = np.array([0.0, 0.0, -4.0]), np.array([4.0, 4.0, 0.0])
    assert not box_in_frustum(AHEAD, box_min, box_max, margin=0.0)
    assert box_in_frustum(AHEAD, box_min, box_max, margin=2.5)


def test_the_tile_containing_the_camera_comes_first():
    tiles = world({(0, 0, 0): 5, (0, 0, 1): 5, (0, 0, 2): 5, (1, 0, 1): 5})
    order = keys(visible_tiles(AHEAD, list(tiles.values()), margin=0.0))
    assert order[0] == key(0, 0, 0)
    assert set(order) == set(tiles)


def test_the_tile_containing_the_camera_is_kept_even_when_the_camera_looks_out_of_it():
    # At a corner of its cell, looking away: every corner of the cell is behind the near plane.
    eye = (3.99, 3.99, 3.99)
    outward = camera(eye, (10.0, 10.0, 10.0))
    tiles = world({(0, 0, 0): 5, (2, 2, 2): 5})
    assert not box_in_frustum(outward, np.zeros(3), np.full(3, TILE), margin=0.0)

    order = keys(visible_tiles(outward, list(tiles.values()), margin=0.0))
    assert order == [key(0, 0, 0), key(2, 2, 2)]


def test_a_tile_straight_ahead_comes_before_one_at_the_edge_at_the_same_distance():
    wide = camera(EYE, (2.0, 2.0, 100.0), fov_y=90.0)
    tiles = world({(0, 0, 5): 5, (3, 0, 4): 5})
    ahead, edge = tiles[key(0, 0, 5)], tiles[key(3, 0, 4)]
    # Centres (2,2,22) and (14,2,18): both 20 m from the eye, the second 37 degrees off-axis.
    assert np.linalg.norm(ahead.center - EYE) == pytest.approx(20.0)
    assert np.linalg.norm(edge.center - EYE) == pytest.approx(20.0)

    order = keys(visible_tiles(wide, [edge, ahead], margin=0.0))
    assert order == [ahead.key, edge.key]


def test_straight_ahead_the_nearer_tile_comes_first():
    tiles = world({(0, 0, 6): 5, (0, 0, 2): 5, (0, 0, 4): 5})
    order = keys(visible_tiles(AHEAD, list(tiles.values()), margin=0.0))
    assert order == [key(0, 0, 2), key(0, 0, 4), key(0, 0, 6)]


# --- sessions over LOD pyramids ------------------------------------------------------------------


def pyramids(counts: dict[tuple[int, int, int], int], version: int = 1) -> dict[TileKey, Cell]:
    """Cells of TILE metres; a cell of more than 64 splats gets coarser levels."""
    gaussians = splats(counts)
    tiles = build_tiles(gaussians, TILE, version)
    return build_pyramids(gaussians, tiles, LodOptions(min_splats=64, max_levels=4))


def session(cells, splat_budget=1000, credit_bytes=1 << 20, max_sse_px=16.0) -> ExploreSession:
    return ExploreSession(
        cells, SessionLimits(splat_budget, credit_bytes, max_sse_px), frustum_margin=0.0
    )


def planned(s: ExploreSession) -> list[tuple[TileKey, int]]:
    return [(c.key, lod) for c, lod in s.pending()]


class Client:
    """What a client holds, applying the session's sends as the proto says: removals first,
    then the tile, which replaces its cell's level."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int, int], tuple[int, int, int]] = {}

    def apply(self, send) -> None:
        for key in send.evict:
            assert self.cells.pop((key.x, key.y, key.z))[0] == key.lod
        k = send.cell.key
        self.cells[(k.x, k.y, k.z)] = (send.lod, send.cell.version, send.splat_count)

    @property
    def splats(self) -> int:
        return sum(n for _, _, n in self.cells.values())


def drain(s: ExploreSession, client: Client | None = None, payload_bytes: int = 1) -> list:
    """Send until the session has nothing more to send; returns the sends."""
    sends = []
    while (send := s.next_send()) is not None:
        if client is not None:
            client.apply(send)
        s.on_sent(send, payload_bytes)
        sends.append(send)
        assert len(sends) < 1000, "the session never stops sending"
    return sends


ROW = {(0, 0, 0): 10, (0, 0, 1): 10, (0, 0, 2): 10, (0, 0, 3): 10}  # straight down the view


def test_the_splat_budget_limits_the_cells_the_view_needs():
    s = session(pyramids(ROW), splat_budget=25)
    s.set_view(AHEAD, 0)
    assert planned(s) == [(key(0, 0, 0), 0), (key(0, 0, 1), 0)]

    s = session(pyramids(ROW), splat_budget=40)
    s.set_view(AHEAD, 0)
    assert [k for k, _ in planned(s)] == [key(0, 0, z) for z in range(4)]


def test_a_cell_too_big_for_the_budget_is_sent_at_a_coarser_level_never_over_budget():
    cells = pyramids({(0, 0, 0): 3000, (0, 0, 1): 10})
    big = cells[key(0, 0, 0)]
    assert big.counts[0] == 3000 and big.counts[-1] <= 64
    budget = big.counts[1] + 5
    s = session(cells, splat_budget=budget)
    s.set_view(AHEAD, 0)
    client = Client()
    sends = drain(s, client)
    assert client.cells[(0, 0, 0)][0] >= 1  # not level 0: it does not fit
    assert client.splats <= budget and s.resident_splats == client.splats
    assert sends[0].key == big.key_at(big.coarsest)


def test_choose_lod_refines_where_the_geometric_error_spans_more_than_the_threshold():
    cells = pyramids({(0, 0, 3): 3000})
    cell = cells[key(0, 0, 3)]
    errors = cell.errors
    assert errors[0] == 0 and all(a < b for a, b in itertools.pairwise(errors))
    focal = 500.0
    # At the distance where level 1's error is exactly 16 px, level 1 is allowed; nearer, not.
    at = errors[1] * focal / 16.0
    assert choose_lod(cell, at * 1.01, focal, 16.0) >= 1
    assert choose_lod(cell, at * 0.99, focal, 16.0) == 0
    assert choose_lod(cell, 0.0, focal, 16.0) == 0  # inside the cell: full detail
    assert choose_lod(cell, 1e6, focal, 16.0) == cell.coarsest


def test_coarse_levels_of_every_cell_go_before_any_refinement():
    cells = pyramids({(0, 0, 1): 3000, (0, 0, 2): 3000, (0, 0, 3): 3000})
    s = session(cells, splat_budget=100_000, max_sse_px=0.5)  # a strict threshold: refine all
    s.set_view(AHEAD, 0)
    sends = drain(s, Client())
    first = [(x.cell.key, x.lod) for x in sends[:3]]
    assert first == [(cells[key(0, 0, z)].key, cells[key(0, 0, z)].coarsest) for z in (1, 2, 3)]
    assert all(x.lod < x.cell.coarsest for x in sends[3:])
    assert [x.cell.key for x in sends[3:]] == [key(0, 0, z) for z in (1, 2, 3)]


def test_a_far_cell_gets_a_coarser_level_than_a_near_one():
    cells = pyramids({(0, 0, 1): 3000, (0, 0, 12): 3000})
    s = session(cells, splat_budget=100_000, max_sse_px=1.0)
    s.set_view(AHEAD, 0)
    client = Client()
    drain(s, client)
    assert client.cells[(0, 0, 1)][0] < client.cells[(0, 0, 12)][0]


def test_refining_never_empties_a_cell_and_the_budget_holds_on_a_random_walk():
    rng = np.random.default_rng(7)
    layout = {(x, 0, z): int(rng.integers(10, 2500)) for x in range(-2, 3) for z in range(-2, 4)}
    cells = pyramids(layout)
    for budget in (300, 2000, 8000):
        s = session(cells, splat_budget=budget, credit_bytes=1 << 30)
        client = Client()
        for step in range(12):
            eye = np.array([2.0, 2.0, 2.0]) + rng.uniform(-6, 6, 3) * [1, 0, 1]
            target = eye + np.array([np.sin(step), 0.0, np.cos(step)])
            view = camera(tuple(eye), tuple(target))
            s.set_view(view, step, velocity=rng.normal(size=3))
            needed = {(c.key.x, c.key.y, c.key.z) for c, _ in s._plan}
            shown = set(client.cells) & needed
            while (send := s.next_send()) is not None:
                client.apply(send)
                s.on_sent(send, 1)
                assert client.splats <= budget
                # A cell of the view that was shown stays shown, whatever is refined or evicted.
                assert shown <= set(client.cells)
            assert s.resident_splats == client.splats <= budget
            assert needed <= set(client.cells), (budget, step, s.pending())  # view complete


def test_resume_skips_current_tiles_resends_stale_ones_and_reports_gone_ones():
    cells = pyramids(ROW, version=3)
    manifest = {
        key(0, 0, 0): 3,  # current
        key(0, 0, 1): 2,  # stale: an older version
        key(9, 9, 9): 3,  # no longer exists
        TileKey(0, 0, 2, 5): 3,  # a level the cell does not have
    }
    s, current, gone = ExploreSession.resume(cells, SessionLimits(1000, 1 << 20), 0.0, manifest)
    s.set_view(AHEAD, 0)

    assert current == 1
    assert gone == [TileKey(0, 0, 2, 5), key(9, 9, 9)]
    assert planned(s) == [(key(0, 0, 2), 0), (key(0, 0, 3), 0), (key(0, 0, 1), 0)]
    assert s.resident_splats == 20  # the stale tile is still shown until it is replaced


def test_resume_with_two_levels_of_one_cell_keeps_the_finer_current_one():
    cells = pyramids({(0, 0, 1): 3000}, version=2)
    manifest = {TileKey(0, 0, 1, 0): 2, TileKey(0, 0, 1, 1): 2, TileKey(0, 0, 1, 2): 1}
    s, current, gone = ExploreSession.resume(cells, SessionLimits(10**6, 1 << 20), 0.0, manifest)
    assert current == 1
    assert sorted(gone) == [TileKey(0, 0, 1, 1), TileKey(0, 0, 1, 2)]
    assert s.held[key(0, 0, 1)].lod == 0


# --- credits -----------------------------------------------------------------------------------


def test_sending_stops_when_the_credit_window_is_full_and_resumes_after_an_ack():
    s = session(pyramids(ROW), credit_bytes=100)
    s.set_view(AHEAD, 0)

    first = s.next_send()
    assert first is not None and first.key == key(0, 0, 0)
    s.on_sent(first, 60)
    second = s.next_send()  # 60 < 100: one more may go
    assert second is not None and second.key == key(0, 0, 1)
    s.on_sent(second, 40)

    assert s.in_flight_bytes == 100
    assert s.next_send() is None  # window full at exactly credit_bytes

    assert s.on_ack(60) is True
    assert s.in_flight_bytes == 40
    third = s.next_send()
    assert third is not None and third.key == key(0, 0, 2)


def test_one_payload_may_overshoot_the_window_so_a_large_tile_can_be_sent():
    s = session(pyramids(ROW), credit_bytes=100)
    s.set_view(AHEAD, 0)
    s.on_sent(s.next_send(), 10_000)
    assert s.next_send() is None
    s.on_ack(10_000)
    assert s.next_send() is not None


def test_an_ack_of_more_than_is_in_flight_is_flagged_and_clamped_to_zero():
    s = session(pyramids(ROW), credit_bytes=100)
    s.set_view(AHEAD, 0)
    s.on_sent(s.next_send(), 30)
    assert s.on_ack(50) is False
    assert s.in_flight_bytes == 0


def test_a_negative_ack_is_flagged_and_changes_nothing():
    s = session(pyramids(ROW), credit_bytes=100)
    s.set_view(AHEAD, 0)
    s.on_sent(s.next_send(), 30)
    assert s.on_ack(-5) is False
    assert s.in_flight_bytes == 30


def test_when_the_view_is_complete_there_is_nothing_to_send():
    s = session(pyramids(ROW))
    s.set_view(AHEAD, 0)
    drain(s)
    assert s.pending() == []
    assert s.resident_splats == 40


# --- evictions and prefetch --------------------------------------------------------------------

# A row ahead (needed) and, behind the camera, one cell near and one far from the row.
EVICT = {(0, 0, 0): 10, (0, 0, 1): 10, (0, 0, -2): 10, (0, 0, -8): 10}


def held_behind(s: ExploreSession, cells) -> Client:
    """The client holds (0,0,0) and the two cells behind the camera."""
    client = Client()
    for k in (key(0, 0, 0), key(0, 0, -2), key(0, 0, -8)):
        send = Send(cells[k], 0, ())
        client.apply(send)
        s.on_sent(send, 1)
    return client


def test_evictions_drop_the_held_cell_farthest_from_the_incoming_one_to_fit_the_budget():
    cells = pyramids(EVICT)
    s = session(cells, splat_budget=30)
    client = held_behind(s, cells)
    s.set_view(AHEAD, 0)
    send = s.next_send()
    assert send.key == key(0, 0, 1)
    # 30 held + 10 incoming is 10 over: one goes, the one farthest from the incoming.
    assert send.evict == (key(0, 0, -8),)
    client.apply(send)
    assert client.splats <= 30


def test_evictions_drop_several_cells_when_one_is_not_enough():
    cells = pyramids(EVICT)
    s = session(cells, splat_budget=20)
    held_behind(s, cells)
    s.set_view(AHEAD, 0)
    send = s.next_send()
    assert send.key == key(0, 0, 1)
    assert send.evict == (key(0, 0, -8), key(0, 0, -2))


def test_evictions_never_drop_a_cell_the_view_needs():
    cells = pyramids(EVICT)
    s = session(cells, splat_budget=15)
    s.set_view(AHEAD, 0)
    # The budget covers one cell, so the view needs just the nearest one.
    assert planned(s) == [(key(0, 0, 0), 0)]
    s.on_sent(s.next_send(), 1)
    assert s.next_send() is None


def test_a_new_version_of_a_held_cell_is_not_counted_twice():
    cells = pyramids(EVICT)
    s = session(cells, splat_budget=30)
    for k in (key(0, 0, 0), key(0, 0, 1), key(0, 0, -8)):
        s.on_sent(Send(cells[k], 0, ()), 1)
    s.set_view(AHEAD, 0)
    newer = pyramids(EVICT, version=2)
    assert s.set_cells(newer) == []
    send = s.next_send()
    # Resending (0,0,0) replaces its 10 splats: 30 - 10 + 10 is within the budget.
    assert send.key == key(0, 0, 0) and send.cell.version == 2 and send.evict == ()


def test_a_cell_that_no_longer_exists_is_reported_gone_when_the_world_changes():
    cells = pyramids(ROW)
    s = session(cells)
    s.set_view(AHEAD, 0)
    drain(s)
    smaller = pyramids({k: v for k, v in ROW.items() if k != (0, 0, 3)}, version=2)
    assert s.set_cells(smaller) == [key(0, 0, 3)]
    assert key(0, 0, 3) not in s.held


def test_the_camera_velocity_prefetches_cells_about_to_come_into_view_after_the_view():
    cells = pyramids({(0, 0, 1): 10, (3, 0, 0): 10})  # ahead; and off to the side (+x)
    s = session(cells)
    s.set_view(AHEAD, 0)
    assert [x.cell.key for x in drain(s)] == [key(0, 0, 1)]

    s = session(cells)
    s.set_view(AHEAD, 1, velocity=np.array([12.0, 0.0, 0.0]))  # moving sideways fast
    status = s.status_if_changed()
    assert status.pending_tiles == 1  # the prefetched cell is not part of the view
    sends = drain(s)
    assert [x.cell.key for x in sends] == [key(0, 0, 1), key(3, 0, 0)]
    assert s.status_if_changed().complete


# --- view status -------------------------------------------------------------------------------


def test_view_status_is_reported_once_per_change_of_sequence_completeness_or_generation():
    cells = pyramids({(0, 0, 0): 10, (0, 0, 1): 10})
    s = session(cells)
    assert s.status_if_changed() is None  # no view yet

    s.set_view(AHEAD, 1)
    event = s.status_if_changed()
    assert (event.sequence, event.complete, event.pending_tiles, event.resident_splats) == (
        1,
        False,
        2,
        0,
    )
    assert s.status_if_changed() is None

    s.on_sent(s.next_send(), 1)
    assert s.status_if_changed() is None  # still incomplete: nothing new to say
    s.on_sent(s.next_send(), 1)
    event = s.status_if_changed()
    assert (event.sequence, event.complete, event.pending_tiles, event.resident_splats) == (
        1,
        True,
        0,
        20,
    )
    assert s.status_if_changed() is None

    s.pending_generation = 1  # a job the view waits for: not complete, whatever it holds
    event = s.status_if_changed()
    assert (event.complete, event.pending_generation) == (False, 1)

    s.pending_generation = 0
    s.set_view(AHEAD, 2)  # a new view the client already holds: complete at once
    event = s.status_if_changed()
    assert event is not None and (event.sequence, event.complete) == (2, True)
    assert s.status_if_changed() is None


def test_vectorised_tile_priority_matches_the_reference_on_random_grids_and_cameras():
    from worldstream.geometry.camera import Camera, intrinsics_from_fov, look_at
    from worldstream.tiles.grid import Tile, TileKey

    rng = np.random.default_rng(3)
    seen = 0
    for _ in range(25):
        size = float(rng.uniform(0.5, 4.0))
        cells = {tuple(c) for c in rng.integers(-4, 5, (60, 3)).tolist()}
        tiles = [
            Tile(TileKey(*c), 1, np.arange(1), np.array(c) * size, (np.array(c) + 1) * size)
            for c in cells
        ]
        eye = rng.uniform(-3 * size, 3 * size, 3)
        camera = Camera(
            intrinsics_from_fov(float(rng.uniform(30, 100)), 64, 48),
            look_at(eye, eye + rng.normal(size=3)),
            64,
            48,
        )
        # visible_tiles above asserts the agreement.
        seen += len(visible_tiles(camera, tiles, margin=float(rng.uniform(0, size)))) > 1
    assert seen >= 10  # the cases are not all trivially empty
