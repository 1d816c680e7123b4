"""The real-time walk: a trajectory at walking speed, a view every frame, frames measured after."""

from __future__ import annotations

import json
import math
from itertools import pairwise

import numpy as np
import pytest
from PIL import Image

from worldstream.cli.commands import spawn_camera
from worldstream.cli.main import build_parser
from worldstream.cli.realtime import parse_path
from worldstream.client import Client
from worldstream.client.regions import HeldChange, existing_in_view, summarise, visits
from worldstream.client.trajectory import rotation_angle_degrees, trajectory
from worldstream.geometry.camera import look_at
from worldstream.geometry.paths import forward, orbit

START = look_at(eye=(0.0, 1.6, 0.0), target=(0.0, 1.6, -1.0))


def _centre(w2c: np.ndarray) -> np.ndarray:
    return -w2c[:3, :3].T @ w2c[:3, 3]


def _worst_rates(path, dt: float = 1e-3) -> tuple[float, float]:
    """The fastest the camera moves (m/s) and turns (deg/s) between samples dt apart."""
    times = np.arange(0.0, path.duration_s + dt, dt)
    poses = [path.pose_at(t) for t in times]
    speed = max(np.linalg.norm(_centre(b) - _centre(a)) / dt for a, b in pairwise(poses))
    turn = max(rotation_angle_degrees(a, b) / dt for a, b in pairwise(poses))
    return float(speed), float(turn)


def test_a_trajectory_walks_at_its_speed_and_turns_at_its_turn_rate_never_faster():
    poses = parse_path("forward:1:0.5+orbit:90:30", START)
    path = trajectory(poses, speed_mps=1.4, turn_rate_dps=45.0)
    # 1 m at 1.4 m/s, then 90 degrees at 45 degrees/s.
    assert path.duration_s == pytest.approx(1.0 / 1.4 + 2.0)
    speed, turn = _worst_rates(path)
    assert speed == pytest.approx(1.4, rel=1e-3)
    assert turn == pytest.approx(45.0, rel=1e-3)
    # Every path pose is reached at its time, exactly.
    for pose, t in zip(poses, path.times, strict=True):
        np.testing.assert_allclose(path.pose_at(t), pose, atol=1e-9)


def test_a_segment_that_moves_and_turns_takes_the_longer_time_and_finishes_both_together():
    turned = orbit(forward(START, 1.0, 1.0)[-1], 90.0, 90.0)[-1]  # 1 m ahead, 90 degrees left
    path = trajectory([START, turned], speed_mps=1.4, turn_rate_dps=45.0)
    assert path.duration_s == pytest.approx(2.0)  # the turn is the longer: 2 s against 0.71 s
    speed, turn = _worst_rates(path)
    assert speed == pytest.approx(0.5, rel=1e-3)  # 1 m spread over the 2 s the turn takes
    assert turn == pytest.approx(45.0, rel=1e-3)
    half = path.pose_at(1.0)
    np.testing.assert_allclose(
        _centre(half), _centre(START) + np.array([0.0, 0.0, -0.5]), atol=1e-9
    )
    assert rotation_angle_degrees(START, half) == pytest.approx(45.0)
    # The velocity sent with each view is the camera's true one; standing still at the end.
    np.testing.assert_allclose(path.velocity_at(1.0), [0.0, 0.0, -0.5], atol=1e-9)
    np.testing.assert_allclose(path.velocity_at(2.5), [0.0, 0.0, 0.0])
    # Plain floats, which a report's JSON takes (numpy's bool is not JSON's).
    assert type(path.turn_rate_at(1.0)) is float and type(path.duration_s) is float


def test_a_trajectory_refuses_a_speed_or_turn_rate_that_is_not_positive():
    for speed, turn in [(0.0, 45.0), (1.4, -1.0), (math.nan, 45.0), (1.4, math.inf)]:
        with pytest.raises(ValueError):
            trajectory([START], speed, turn)


def test_joined_presets_go_on_from_where_the_previous_one_ended():
    poses = parse_path("forward:1:0.5+orbit:30:15", START)
    assert len(poses) == 3 + 2  # the orbit's first pose is the forward's last, kept once
    np.testing.assert_allclose(
        _centre(poses[-1]), _centre(START) + np.array([0.0, 0.0, -1.0]), atol=1e-9
    )
    assert rotation_angle_degrees(START, poses[-1]) == pytest.approx(30.0)


def test_time_to_final_level_is_measured_per_visit_from_entering_the_view():
    a, b, c = (0, 0, 0), (1, 0, 0), (2, 0, 0)
    times = [0.1 * i for i in range(10)]  # frames at 0.0 .. 0.9 s
    in_view = [set() for _ in times]
    for f in range(2, 8):  # a: in view from 0.2 s; the frame at 0.8 s no longer shows it
        in_view[f].add(a)
    for f in (0, 1, 5, 6, 7, 8, 9):  # b: two visits, held at level 0 all along
        in_view[f].add(b)
    for f in (8, 9):  # c: comes into view at the end and never arrives
        in_view[f].add(c)
    changes = [
        HeldChange(0.25, a, 3),
        HeldChange(0.5, a, 1),
        HeldChange(0.6, a, 2),  # coarser again: the final level stays 1
        HeldChange(0.85, a, 0),  # after a left the view: not part of the visit
    ]
    found = visits(times, in_view, changes, initial={b: 0})
    by_cell = {}
    for v in found:
        by_cell.setdefault(v.cell, []).append(v)
    (visit_a,) = by_cell[a]
    assert visit_a.final_lod == 1
    assert visit_a.time_to_final_s == pytest.approx(0.3)  # entered at 0.2 s, level 1 at 0.5 s
    assert [v.time_to_final_s for v in by_cell[b]] == [0.0, 0.0]
    (visit_c,) = by_cell[c]
    assert visit_c.final_lod is None and visit_c.open_at_end
    summary = summarise(found)
    assert (summary.visits, summary.finished, summary.never_finished) == (4, 3, 1)
    assert summary.never_finished_open_at_end == 1
    assert summary.max_s == pytest.approx(0.3)
    assert summary.p50_s == pytest.approx(0.0)
    assert summary.p95_s == pytest.approx(np.percentile([0.3, 0.0, 0.0], 95))


def test_a_region_held_only_before_it_came_into_view_and_dropped_is_never_finished():
    a = (0, 0, 0)
    found = visits([0.0, 0.1, 0.2], [set(), {a}, {a}], [HeldChange(0.05, a, None)], {a: 2})
    assert [v.final_lod for v in found] == [None]


def test_the_walk_command_takes_the_realtime_flags():
    walk = ["walk", "worlds/w", "--path", "forward:1+orbit:45", "--out", "o", "--realtime"]
    speeds = ["--hz", "15", "--speed", "2", "--turn-rate", "30", "--settle", "0", "--no-video"]
    args = build_parser().parse_args([*walk, *speeds])
    assert args.realtime and args.no_video
    assert (args.hz, args.speed, args.turn_rate, args.settle) == (15.0, 2.0, 30.0, 0.0)
    defaults = build_parser().parse_args(["walk", "worlds/w", "--path", "forward:1", "--out", "o"])
    assert not defaults.realtime
    assert (defaults.hz, defaults.speed, defaults.turn_rate) == (30.0, 1.4, 45.0)
    for bad in (["--hz", "0"], ["--speed", "nan"], ["--turn-rate", "-5"], ["--settle", "-1"]):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["walk", "w", "--path", "forward:1", "--out", "o", *bad])


HZ = 10.0


@pytest.fixture(scope="module")
def realtime_walk(shared_server, world, tmp_path_factory):
    from worldstream.client.realtime import walk_realtime

    out = tmp_path_factory.mktemp("realtime")
    camera = spawn_camera(world, 96, 72)
    poses = parse_path("forward:0.7:0.35+orbit:20:10", camera.world_to_camera)
    with Client(shared_server.address, timeout=60) as client:
        report = walk_realtime(
            client, world.name, poses, out, camera, hz=HZ, settle_s=0.5, fidelity=True
        )
    return report, out


def test_a_realtime_walk_sends_a_view_every_frame_without_waiting_for_tiles(realtime_walk):
    report, _ = realtime_walk
    duration = report.path_duration_s + report.settle_s
    assert duration == pytest.approx(0.7 / 1.4 + 20 / 45 + 0.5)
    # One frame per slot of 1/hz before the end (slots missed while busy are counted, not sent
    # late), and one at the end ...
    slots = math.ceil(duration * HZ - 1e-9)
    assert len(report.frames) + report.frames_skipped == slots + 1
    assert report.views_sent == len(report.frames) - 1  # the last frame ends the walk
    if report.frames_skipped == 0:
        for frame in report.frames[:-1]:
            assert frame.time_s == pytest.approx(frame.index / HZ + frame.late_s, abs=1e-9)
    assert report.frames[-1].time_s == pytest.approx(duration)
    # ... and the next view went out while the previous one was still loading.
    assert report.views_sent_while_loading >= 1
    times = [f.time_s for f in report.frames]
    assert times == sorted(times)


def test_every_frame_of_a_realtime_walk_is_rendered_and_measured(realtime_walk):
    report, out = realtime_walk
    data = json.loads((out / "report.json").read_text())
    names = {"position", "tiles_resident", "splats_resident", "hole_fraction", "image"}
    assert names | {"fidelity_db", "world_version", "time_s"} <= set(data["frames"][0])
    for frame in report.frames:
        assert 0.0 <= frame.hole_fraction <= 1.0
        assert Image.open(out / frame.image).size == (96, 72)
        assert frame.fidelity_db is not None  # the reference of its world version was fetched
        # Holes the stream makes are holes of the picture, not the world's own.
        assert 0.0 <= frame.missing_fraction <= frame.hole_fraction
        assert frame.hole_fraction <= frame.missing_fraction + frame.reference_hole_fraction
    last = report.frames[-1]
    assert last.splats_resident > 0 and last.hole_fraction < 0.5 and not last.moving
    assert report.frames[1].moving
    assert report.fidelity_db_median is not None and report.fidelity_db_median_moving is not None
    assert report.frames_within_hole_target is not None
    assert report.frames_within_missing_target is not None
    assert report.frames[0].missing_fraction > 0.5  # nothing has arrived at the first instant
    regions = data["time_to_final_level"]
    assert regions["visits"] >= 1 and regions["finished"] >= 1
    assert regions["p95_s"] is not None and regions["p95_s"] <= duration_of(report)


def duration_of(report) -> float:
    return report.path_duration_s + report.settle_s


def test_a_realtime_walk_writes_an_mp4_that_decodes_to_its_frames(realtime_walk):
    pytest.importorskip("av")
    from worldstream.client.video import read_mp4

    report, out = realtime_walk
    frames, codec, fps = read_mp4(out / report.video)
    assert codec == "h264" and fps == pytest.approx(HZ)
    assert len(frames) == len(report.frames)
    assert frames[0].shape == (72, 96, 3)
    # The video shows the rendered frames (lossy, so close rather than equal).
    png = np.asarray(Image.open(out / report.frames[-1].image), np.float64)
    err = np.mean((frames[-1].astype(np.float64) - png) ** 2)
    assert 10 * np.log10(255.0**2 / max(err, 1e-9)) > 30.0


def test_an_mp4_of_an_odd_size_is_padded_to_even_and_keeps_every_frame(tmp_path):
    pytest.importorskip("av")
    from worldstream.client.video import read_mp4, write_mp4

    frames = [np.full((35, 47, 3), 10 * i, np.uint8) for i in range(12)]
    assert write_mp4(tmp_path / "odd.mp4", frames, 24.0) == (12, 48, 36)
    decoded, codec, fps = read_mp4(tmp_path / "odd.mp4")
    assert (len(decoded), decoded[0].shape, codec, fps) == (12, (36, 48, 3), "h264", 24.0)
    assert abs(int(decoded[5][10, 10, 0]) - 50) <= 3
    with pytest.raises(ValueError):
        write_mp4(tmp_path / "none.mp4", [], 24.0)


def test_the_tile_decoder_is_ready_before_the_walk_starts():
    """Its compiled kernel loads at the first decode (a third of a second of CPU, over a second
    on a busy machine): before the walk, not at its first tile, which stalled the frames."""
    import subprocess
    import sys

    check = (
        "from worldstream.tiles import codec\n"
        "from worldstream.client import realtime\n"
        "assert not codec._decode_kernel.signatures\n"
        "realtime._warm_decoder()\n"
        "assert codec._decode_kernel.signatures\n"
        "import inspect\n"
        "source = inspect.getsource(realtime._live_walk)\n"
        "assert source.index('_warm_decoder()') < source.index('client.explore(')\n"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_region_that_generation_adds_later_is_not_in_view_before_it_exists():
    old, grown = (0, 0, 0), (1, 0, 0)
    times = [0.0, 0.1, 0.2, 0.3]
    seen = [{old, grown}] * 4  # the camera looks at both places all along
    versions = [1, 1, 2, 2]
    cells = {1: {old}, 2: {old, grown}}
    # Without the filter, `grown` would enter the view at 0.0 s and take 0.25 s to arrive.
    kept = existing_in_view(times, seen, versions, cells, [HeldChange(0.25, grown, 0)], [old])
    assert kept == [{old}, {old}, {old, grown}, {old, grown}]
    (visit,) = [
        v for v in visits(times, kept, [HeldChange(0.25, grown, 0)], {old: 0}) if v.cell == grown
    ]
    assert visit.start_s == 0.2 and visit.time_to_final_s == pytest.approx(0.05)
    # A frame of a version whose cells are unknown keeps what it sees.
    assert existing_in_view([0.0], [{grown}], [7], cells, [], []) == [{grown}]
