"""The fast view planner (session/view_plan.py, session/priority.py) against its readable
references, on random worlds, cameras, holdings and budgets."""

from __future__ import annotations

import numpy as np
import pytest

from test_session import TILE, camera, pyramids, world
from worldstream.geometry.camera import Camera, intrinsics_from_fov, look_at
from worldstream.session.priority import (
    TileBoxes,
    visible_indices,
    visible_indices_numpy,
    visible_tiles_reference,
)
from worldstream.session.view_plan import (
    ahead_camera,
    band_side,
    box_distance,
    cell_table,
    choose_lod,
    plan_view,
    plan_view_reference,
)


def random_camera(rng: np.random.Generator, spread: float) -> Camera:
    eye = rng.uniform(-spread, spread, 3)
    target = eye + rng.normal(size=3)
    width, height = int(rng.integers(32, 400)), int(rng.integers(32, 300))
    fov = float(rng.uniform(20.0, 120.0))
    return Camera(intrinsics_from_fov(fov, width, height), look_at(eye, target), width, height)


def test_the_compiled_cull_its_array_twin_and_the_corner_test_agree_in_random_worlds():
    rng = np.random.default_rng(3)
    layout = {(int(x), int(y), int(z)): 3 for x, y, z in rng.integers(-6, 7, size=(300, 3))}
    tiles = list(world(layout).values())
    boxes = TileBoxes(tiles)
    for _ in range(200):
        view = random_camera(rng, 20.0)
        margin = float(rng.choice([0.0, 0.5, 1.0]))
        fast = [boxes.tiles[i].key for i in visible_indices(view, boxes, margin)]
        arrays = [boxes.tiles[i].key for i in visible_indices_numpy(view, boxes, margin)]
        slow = [t.key for t in visible_tiles_reference(view, tiles, margin)]
        assert fast == arrays == slow


def test_a_camera_exactly_on_a_box_face_is_culled_the_same_way_by_both():
    tiles = list(world({(0, 0, 1): 3, (1, 0, 1): 3, (0, 0, 2): 3}).values())
    boxes = TileBoxes(tiles)
    # The eye on the shared face of two cells, looking along it: ties for the sphere test.
    view = camera((TILE, 2.0, TILE), (TILE, 2.0, 10 * TILE))
    fast = [boxes.tiles[i].key for i in visible_indices(view, boxes, 0.0)]
    arrays = [boxes.tiles[i].key for i in visible_indices_numpy(view, boxes, 0.0)]
    assert fast == arrays == [t.key for t in visible_tiles_reference(view, tiles, 0.0)]


@pytest.mark.parametrize("budget", [150, 1500, 6000, 100_000])
def test_the_fast_plan_equals_the_reference_plan_on_random_walks(budget):
    rng = np.random.default_rng(budget)
    layout = {(x, 0, z): int(rng.integers(10, 2500)) for x in range(-3, 4) for z in range(-3, 4)}
    cells = pyramids(layout)
    table = cell_table(cells)
    for step in range(40):
        view = random_camera(rng, 12.0)
        held: dict = {}
        for cell in cells.values():
            if rng.random() < 0.4:
                version = cell.version if rng.random() < 0.8 else cell.version - 1
                held[cell.key] = (int(rng.integers(0, cell.coarsest + 1)), version)
        held_lod = np.full(len(table), -1, np.int64)
        held_version = np.zeros(len(table), np.int64)
        for key, (lod, version) in held.items():
            held_lod[table.index[key]], held_version[table.index[key]] = lod, version
        velocity = rng.normal(size=3) * (step % 3)  # standing, walking, running
        sse = float(rng.choice([1.0, 16.0, 64.0]))
        margin = float(rng.choice([0.0, 1.0]))
        ahead = ahead_camera(view, velocity)
        order = None if ahead is None else visible_indices(ahead, table.boxes, margin)
        fast = plan_view(table, held_lod, held_version, view, order, budget, sse, margin)
        plan, prefetch = plan_view_reference(cells, held, view, velocity, budget, sse, margin)
        assert [
            (table.cells[i].key, int(lod)) for i, lod in zip(fast.cells, fast.lods, strict=True)
        ] == [(c.key, lod) for c, lod in plan]
        assert [table.cells[i].key for i in fast.prefetch] == [c.key for c in prefetch]


def test_a_world_version_shares_one_cell_table_and_a_grown_world_gets_its_own():
    cells = pyramids({(0, 0, 1): 100, (0, 0, 2): 10})
    assert cell_table(cells) is cell_table(cells)
    grown = dict(cells)
    assert cell_table(grown) is not cell_table(cells)
    assert len(cell_table(grown)) == len(cell_table(cells)) == 2


@pytest.mark.parametrize("budget", [3000, 12_000, 60_000])
def test_the_fast_plan_equals_the_reference_where_held_levels_sit_at_the_band_edges(budget):
    # Held levels one either side of each cell's target, and cameras at distances where levels
    # switch: the hysteresis band (rule 3a) decides, and both plans must decide alike.
    rng = np.random.default_rng(budget + 1)
    layout = {(x, 0, z): int(rng.integers(300, 3000)) for x in range(-3, 4) for z in range(-3, 4)}
    cells = pyramids(layout)
    table = cell_table(cells)
    sides = {-1: 0, 0: 0, 1: 0}
    for _ in range(40):
        view = random_camera(rng, 12.0)
        focal = float(view.K[1, 1])
        sse = float(rng.choice([1.0, 4.0, 16.0]))
        held: dict = {}
        for cell in cells.values():
            distance = float(box_distance(view.position, cell.box_min, cell.box_max))
            target = choose_lod(cell, distance, focal, sse)
            lod = int(np.clip(target + rng.integers(-1, 2), 0, cell.coarsest))
            held[cell.key] = (lod, cell.version)
            sides[band_side(cell, lod, distance, focal, sse)] += 1
        held_lod = np.full(len(table), -1, np.int64)
        held_version = np.zeros(len(table), np.int64)
        for key, (lod, version) in held.items():
            held_lod[table.index[key]], held_version[table.index[key]] = lod, version
        fast = plan_view(table, held_lod, held_version, view, None, budget, sse, 0.0)
        plan, _ = plan_view_reference(cells, held, view, None, budget, sse, 0.0)
        assert [
            (table.cells[i].key, int(lod)) for i, lod in zip(fast.cells, fast.lods, strict=True)
        ] == [(c.key, lod) for c, lod in plan]
    assert min(sides.values()) > 20, sides  # every side of the band was exercised
