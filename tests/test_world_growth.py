"""Worlds that grow: extension persists across restarts, bumps only the tiles it touched, and
generation jobs for one region are shared; camera planning looks ahead of the client."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest

from conftest import jpeg_bytes
from worldstream.geometry.camera import Camera
from worldstream.store.store import Store
from worldstream.testing.walks import moved
from worldstream.world.jobs import GenerationJobs
from worldstream.world.planning import PlanSettings, TimedPose, centre_of, plan, predict
from worldstream.world.worlds import CreateOptions, Worlds, WorldSettings


@pytest.fixture()
def worlds(tmp_path):
    from PIL import Image
    from skimage import data

    small = np.asarray(Image.fromarray(data.coffee()).resize((120, 80)))
    w = Worlds(Store(tmp_path), WorldSettings())
    w.create(jpeg_bytes(small), CreateOptions(generator="prior"), world_id="grow")
    return w


def spawn(worlds: Worlds) -> Camera:
    loaded = worlds.load("grow")
    return loaded.memory.frame(0).camera


def test_extension_survives_a_restart_with_every_splat_and_frame(worlds, tmp_path):
    camera = moved(spawn(worlds), 0.5, 30.0)
    result = worlds.extend("grow", [camera])
    assert result.frames == 1 and result.splats > 0
    worlds.store.close()  # a restart: the data dir has one owner at a time
    reopened = Worlds(Store(tmp_path), WorldSettings()).load("grow")
    assert reopened.version == result.world.version == 2
    assert len(reopened.gaussians) == len(result.world.gaussians)
    assert np.array_equal(reopened.gaussians.means.numpy(), result.world.gaussians.means.numpy())
    assert len(reopened.memory) == 2
    assert reopened.record.splat_count == len(reopened.gaussians)


def test_only_tiles_with_new_splats_get_a_new_version(worlds):
    before = worlds.load("grow").tiles
    after = worlds.extend("grow", [moved(spawn(worlds), 0.0, 60.0)]).world.tiles
    changed = {k for k, t in after.items() if k not in before or t.version != before[k].version}
    unchanged = {k for k, t in after.items() if k in before and t.version == before[k].version}
    assert changed and all(after[k].version == 2 for k in changed)
    for key in unchanged:
        assert np.array_equal(after[key].indices, before[key].indices)


def test_two_requests_for_one_region_start_one_job(worlds):
    jobs = GenerationJobs(worlds)
    gate = threading.Event()
    # Hold the worker on a first job so both requests for the region find it queued.
    blocker, _ = jobs.submit("grow", "blocker", [])
    blocker.listen(lambda job: gate.wait(10) if job.state == "running" else None)
    camera = moved(spawn(worlds), 0.5, 30.0)
    first, created_first = jobs.submit("grow", (1, 0, 0, 2), [camera])
    second, created_second = jobs.submit("grow", (1, 0, 0, 2), [camera])
    gate.set()
    assert created_first and not created_second and first is second
    assert first.done.wait(60) and first.state == "done", first.error
    assert jobs.started == 2  # the blocker and the shared job
    jobs.shutdown()


def test_a_failed_job_reports_its_error_and_the_worker_goes_on(worlds):
    jobs = GenerationJobs(worlds)
    bad, _ = jobs.submit("missing-world", "r", [spawn(worlds)])
    assert bad.done.wait(30) and bad.state == "failed" and bad.error is not None
    good, _ = jobs.submit("grow", "r2", [moved(spawn(worlds), 0.3, 10.0)])
    assert good.done.wait(60) and good.state == "done", good.error
    jobs.shutdown()


def test_prediction_extrapolates_walking_and_turning():
    camera = Camera(
        np.diag([100.0, 100.0, 1.0]) + np.array([[0, 0, 50], [0, 0, 40], [0, 0, 0]]),
        np.eye(4),
        100,
        80,
    )
    start = moved(camera, 0.0, 0.0)
    later = moved(moved(camera, 1.0, 0.0), 0.0, 10.0)  # 1 m forward and 10 degrees left in 1 s
    poses = [TimedPose(0.0, start), TimedPose(1.0, later)]
    ahead = predict(poses, 1.0, max_step_m=5.0)
    step = centre_of(ahead) - centre_of(later)
    assert np.linalg.norm(step) == pytest.approx(1.0, abs=1e-6)
    forward = ahead.world_to_camera[2, :3]
    later_forward = later.world_to_camera[2, :3]
    angle = math.degrees(math.acos(np.clip(forward @ later_forward, -1, 1)))
    assert angle == pytest.approx(10.0, abs=1e-6)
    capped = predict(poses, 10.0, max_step_m=2.0)
    assert np.linalg.norm(centre_of(capped) - centre_of(later)) == pytest.approx(2.0)


def test_planning_skips_covered_views_and_keys_one_job_per_region():
    camera = Camera(np.array([[100.0, 0, 50], [0, 100.0, 40], [0, 0, 1]]), np.eye(4), 100, 80)
    poses = [TimedPose(0.0, camera), TimedPose(0.5, moved(camera, 0.5))]
    everything_covered = plan(poses, lambda cam: 0.0)
    assert everything_covered == []
    proposals = plan(poses, lambda cam: 0.3, PlanSettings(lookahead_s=(0.5, 1.0, 1.01)))
    regions = [p.region for p in proposals]
    assert len(regions) == len(set(regions)) and len(proposals) >= 2
    # Nearest first: the proposals move along the walk.
    depths = [centre_of(p.camera)[2] for p in proposals]  # this camera looks along +Z
    assert depths == sorted(depths)
