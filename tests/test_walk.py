"""The reference client's walk (client/walk.py): how it ends a pose."""

from __future__ import annotations

import time

from worldstream.cli.commands import spawn_camera
from worldstream.client import Client
from worldstream.client.walk import walk
from worldstream.geometry.paths import parse_preset


def test_a_pose_the_splat_budget_cannot_hold_ends_on_the_servers_warning_not_its_timeout(
    tmp_path, shared_server, world
):
    # A budget of 10 splats holds no cell of the world at any level: the server says
    # VIEW_OVER_BUDGET for the view, which can never be complete, so waiting is pointless.
    with Client(shared_server.address, timeout=60) as client:
        camera = spawn_camera(world, 96, 72)
        poses = parse_preset("forward:0.25:0.25", camera.world_to_camera)
        started = time.perf_counter()
        report = walk(client, world.name, poses, tmp_path, camera, timeout_s=60, splat_budget=10)
        took = time.perf_counter() - started
    assert [p.complete for p in report.poses] == [False, False]
    assert sum(w.startswith("VIEW_OVER_BUDGET") for w in report.warnings) == 2, report.warnings
    assert took < 30.0, f"the walk waited {took:.0f} s: it timed out instead of ending"
