"""When a view is complete, and that a view that is not never stalls silently
(session/explore.py): complete means every visible cell held at its planned level at the world's
current version; a resumed client's holdings are kept against the budget by their real counts."""

from __future__ import annotations

import numpy as np

from test_session import AHEAD, ROW, Client, camera, drain, key, pyramids, session
from worldstream.session.explore import ExploreSession, SessionLimits
from worldstream.tiles.grid import TileKey

# Cells ahead of the camera with coarser levels (more than 64 splats each).
LAYERED = {(0, 0, z): 1500 for z in range(1, 5)}


def test_a_view_the_budget_cannot_hold_at_its_coarsest_is_never_complete_and_says_why():
    s = session(pyramids(ROW), splat_budget=25)  # four visible cells of 10 splats
    s.set_view(AHEAD, 0)
    drain(s)
    status = s.status_if_changed()
    assert status is not None and not status.complete
    assert status.pending_tiles == 2  # the two cells left out
    stall = s.stall()
    assert stall is not None
    assert (stall.sequence, stall.need, stall.budget, stall.left_out) == (0, 40, 25, 2)


def test_a_view_that_fits_has_no_stall_to_report_once_complete():
    s = session(pyramids(ROW), splat_budget=40)
    s.set_view(AHEAD, 0)
    drain(s)
    assert s.status_if_changed().complete
    assert s.stall() is None


def test_every_status_names_the_world_version_and_a_grown_world_is_news():
    cells = pyramids(ROW, version=3)
    s = ExploreSession(cells, SessionLimits(1000, 1 << 20), 0.0, world_version=3)
    s.set_view(AHEAD, 0)
    assert s.status_if_changed().world_version == 3  # loading
    drain(s)
    done = s.status_if_changed()
    assert done.complete and done.world_version == 3
    # The world grows elsewhere (no cell of the view changes): the view is still complete,
    # now at version 4, which the client needs to know to compare against the right world.
    s.set_cells(cells, 4)
    again = s.status_if_changed()
    assert again is not None and again.complete and again.world_version == 4
    # It grows where the view looks: not complete until the changed cells are resent.
    grown = pyramids(ROW, version=5)
    s.set_cells(grown, 5)
    loading = s.status_if_changed()
    assert loading is not None and not loading.complete and loading.world_version == 5
    drain(s)
    final = s.status_if_changed()
    assert final.complete and final.world_version == 5
    assert all(s.held[k].version == 5 for k in grown)


def test_a_cell_held_at_an_older_version_does_not_complete_the_view():
    cells = pyramids(LAYERED, version=2)
    manifest = {c.key_at(c.coarsest): 1 for c in cells.values()}  # shown, but stale
    s, current, _ = ExploreSession.resume(cells, SessionLimits(10**6, 1 << 20), 0.0, manifest)
    s.set_view(AHEAD, 0)
    assert current == 0
    assert not s.status_if_changed().complete
    drain(s)
    assert s.status_if_changed().complete
    assert all(held.version == 2 for held in s.held.values())


def test_a_complete_view_holds_every_planned_level_on_a_random_walk_under_tight_budgets():
    rng = np.random.default_rng(11)
    layout = {(x, 0, z): int(rng.integers(100, 3000)) for x in range(-2, 3) for z in range(-2, 4)}
    cells = pyramids(layout)
    for budget in (800, 3000, 20_000):
        s = session(cells, splat_budget=budget, max_sse_px=2.0)
        for step in range(10):
            eye = np.array([2.0, 2.0, 2.0]) + rng.uniform(-6, 6, 3) * [1, 0, 1]
            view = camera(tuple(eye), tuple(eye + np.array([np.sin(step), 0.0, np.cos(step)])))
            s.set_view(view, step)
            drain(s)
            status = s.status()
            plan = s._plan
            left_out = s._view.left_out
            held_ok = all(
                cell.key in s.held
                and s.held[cell.key].lod <= lod
                and s.held[cell.key].version == cell.version
                for cell, lod in plan
            )
            assert status.complete == (held_ok and left_out == 0), (budget, step)
            assert status.complete or s.stall() is not None


# --- resume by real counts -------------------------------------------------------------------


def stale_resume(counts: bool):
    """A client that held every cell ahead at full detail of version 1 resumes on version 2,
    whose cells hold more splats, under a budget that holds what it has but not version 2 at
    full detail: the reported stall (the server assumed 113,674 splats held, 99,949 were)."""
    old = pyramids({k: 1000 for k in LAYERED}, version=1)
    new = pyramids({k: 1400 for k in LAYERED}, version=2)
    held = sum(c.counts[0] for c in old.values())
    budget = held + 200
    assert sum(c.counts[0] for c in new.values()) > budget
    manifest = {c.key_at(0): (1, c.counts[0]) if counts else 1 for c in old.values()}
    s, _, _ = ExploreSession.resume(new, SessionLimits(budget, 1 << 30, 16.0), 0.0, manifest)
    client = Client()
    for c in old.values():
        client.cells[(c.key.x, c.key.y, c.key.z)] = (0, 1, c.counts[0])
    return s, client, budget, held


def test_a_resumed_client_is_accounted_by_the_splat_counts_it_sends():
    s, client, _, held = stale_resume(counts=True)
    assert s.resident_splats == held == client.splats


def test_resuming_older_versions_under_a_tight_budget_completes_the_view_within_the_budget():
    s, client, budget, _ = stale_resume(counts=True)
    s.set_view(AHEAD, 0)
    sends = drain(s, client)
    assert sends
    assert s.resident_splats == client.splats <= budget
    status = s.status_if_changed()
    assert status.complete, s.pending()
    assert all(v == 2 for _, v, _ in client.cells.values())


def test_a_resumed_client_over_its_budget_is_brought_under_it_not_stalled():
    # Without counts the server assumes version 2's counts (more than the client holds, more
    # than the budget): it must still make progress, by replacements that add nothing.
    s, client, budget, _ = stale_resume(counts=False)
    assert s.resident_splats > budget
    s.set_view(AHEAD, 0)
    drain(s, client)
    status = s.status_if_changed()
    assert status.complete or s.stall() is not None
    assert status.complete
    assert s.resident_splats <= budget


def test_a_manifest_entry_without_a_count_assumes_the_current_versions_count():
    cells = pyramids(LAYERED, version=2)
    c = cells[key(0, 0, 1)]
    manifest = {c.key_at(1): (1, 0), TileKey(0, 0, 2, 0): (2, 0)}
    s, _, _ = ExploreSession.resume(cells, SessionLimits(10**6, 1 << 20), 0.0, manifest)
    assert s.resident_splats == c.counts[1] + cells[key(0, 0, 2)].counts[0]
