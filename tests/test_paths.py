"""Camera path builders, presets and JSON paths (geometry/paths.py, docs/paths.md)."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest

from worldstream.geometry.camera import look_at
from worldstream.geometry.engine import EngineFrame, camera_from_engine
from worldstream.geometry.paths import (
    MAX_POSES,
    forward,
    interpolate,
    load_json_path,
    orbit,
    out_and_back,
    parse_preset,
    read_json_path,
)

START = look_at([1.0, 1.6, 2.0], [0.0, 1.2, -3.0])


def centre(w2c: np.ndarray) -> np.ndarray:
    return -w2c[:3, :3].T @ w2c[:3, 3]


def view(w2c: np.ndarray) -> np.ndarray:
    return w2c[2, :3]


def yaw_degrees(w2c: np.ndarray) -> float:
    d = view(w2c)
    return math.degrees(math.atan2(d[0], d[2]))


def is_rigid(w2c: np.ndarray) -> bool:
    r = w2c[:3, :3]
    return (
        np.allclose(r @ r.T, np.eye(3))
        and np.isclose(np.linalg.det(r), 1.0)
        and np.array_equal(w2c[3], [0, 0, 0, 1])
    )


def angle_between_degrees(a: np.ndarray, b: np.ndarray) -> float:
    relative = a[:3, :3] @ b[:3, :3].T
    return math.degrees(math.acos(np.clip((np.trace(relative) - 1) / 2, -1.0, 1.0)))


# --- forward ------------------------------------------------------------------------------------


def test_forward_moves_the_asked_distance_along_the_view_in_even_steps():
    poses = forward(START, 3.0, 0.25)
    assert len(poses) == 13
    assert np.allclose(poses[0], START)
    assert all(is_rigid(p) for p in poses)
    assert all(np.allclose(p[:3, :3], START[:3, :3]) for p in poses)
    travelled = centre(poses[-1]) - centre(START)
    assert np.linalg.norm(travelled) == pytest.approx(3.0)
    assert np.allclose(travelled / 3.0, view(START))
    steps = np.linalg.norm(np.diff([centre(p) for p in poses], axis=0), axis=1)
    assert np.allclose(steps, 0.25)


def test_forward_ends_exactly_at_the_distance_when_the_step_does_not_divide_it():
    poses = forward(START, 1.0, 0.3)
    assert len(poses) == 5  # 4 steps of 0.25, none longer than 0.3
    assert np.linalg.norm(centre(poses[-1]) - centre(START)) == pytest.approx(1.0)


def test_forward_zero_is_just_the_start():
    poses = forward(START, 0.0)
    assert len(poses) == 1 and np.allclose(poses[0], START)


# --- orbit --------------------------------------------------------------------------------------


def test_orbit_without_a_radius_pans_in_place():
    poses = orbit(START, 90.0, 10.0)
    assert len(poses) == 10
    assert all(is_rigid(p) for p in poses)
    assert all(np.allclose(centre(p), centre(START)) for p in poses)
    turned = yaw_degrees(poses[-1]) - yaw_degrees(START)
    assert (turned + 180) % 360 - 180 == pytest.approx(90.0)
    # The pitch is kept: the view's height component does not change.
    assert all(np.isclose(view(p)[1], view(START)[1]) for p in poses)


def test_positive_orbit_turns_left_and_negative_turns_right():
    camera = look_at([0.0, 0.0, 0.0], [0.0, 0.0, -1.0])  # looking down -z, +x on the right
    left = orbit(camera, 90.0)[-1]
    right = orbit(camera, -90.0)[-1]
    assert np.allclose(view(left), [-1.0, 0.0, 0.0], atol=1e-12)
    assert np.allclose(view(right), [1.0, 0.0, 0.0], atol=1e-12)


def test_orbit_steps_are_even_and_continuous():
    poses = orbit(START, 95.0, 10.0)
    assert len(poses) == 11
    gaps = [angle_between_degrees(a, b) for a, b in itertools.pairwise(poses)]
    assert np.allclose(gaps, 9.5)


def test_orbit_with_a_radius_circles_the_point_ahead_and_keeps_looking_at_it():
    radius = 2.0
    pivot = centre(START) + radius * view(START)
    poses = orbit(START, 180.0, 15.0, radius=radius)
    for pose in poses:
        to_pivot = pivot - centre(pose)
        assert np.linalg.norm(to_pivot) == pytest.approx(radius)
        assert np.allclose(to_pivot / radius, view(pose))


# --- out and back -------------------------------------------------------------------------------


def test_out_and_back_ends_where_it_started():
    poses = out_and_back(START, 3.0, 0.5)
    assert len(poses) == 13
    assert np.allclose(poses[-1], START)
    assert all(np.allclose(p[:3, :3], START[:3, :3]) for p in poses)


def test_out_and_back_retraces_the_outbound_poses_in_reverse():
    out = forward(START, 2.0, 0.5)
    poses = out_and_back(START, 2.0, 0.5)
    assert all(np.array_equal(a, b) for a, b in zip(poses[: len(out)], out, strict=True))
    back = poses[len(out) - 1 :]
    assert all(np.array_equal(a, b) for a, b in zip(back, out[::-1], strict=True))


# --- interpolate --------------------------------------------------------------------------------


def test_interpolation_starts_at_a_ends_at_b_and_halves_the_way_between():
    a = START
    b = orbit(forward(START, 2.0)[-1], 60.0)[-1]
    assert np.allclose(interpolate(a, b, 0.0), a)
    assert np.allclose(interpolate(a, b, 1.0), b)
    middle = interpolate(a, b, 0.5)
    assert is_rigid(middle)
    assert np.allclose(centre(middle), (centre(a) + centre(b)) / 2)
    assert angle_between_degrees(a, middle) == pytest.approx(30.0)
    assert angle_between_degrees(middle, b) == pytest.approx(30.0)


def test_interpolation_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        interpolate(START, START, 1.5)


# --- presets ------------------------------------------------------------------------------------


def test_presets_build_the_paths_they_name():
    assert len(parse_preset("forward:3", START)) == 13
    assert len(parse_preset("orbit:90", START)) == 10
    outback = parse_preset("outback:3", START)
    assert len(outback) == 25 and np.allclose(outback[-1], START)
    assert len(parse_preset(" Forward : 3 : 0.5 ", START)) == 7


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "forward",
        "forward:",
        "fly:3",
        "forward:abc",
        "forward:-1",
        "forward:nan",
        "orbit:inf",
        "forward:3:0",
        "forward:3:-0.5",
        "forward:1:2:3",
        "forward:1e9",
        "orbit:90:1e-300",
    ],
)
def test_bad_presets_raise_value_error(spec):
    with pytest.raises(ValueError, match="preset"):
        parse_preset(spec, START)


def test_paths_longer_than_the_limit_are_refused():
    with pytest.raises(ValueError, match=str(MAX_POSES)):
        forward(START, MAX_POSES, 1.0)


def test_a_non_rigid_start_pose_is_refused():
    bad = START.copy()
    bad[:3, :3] *= 2.0
    with pytest.raises(ValueError, match="rotation"):
        forward(bad, 1.0)
    with pytest.raises(ValueError, match="non-finite"):
        orbit(np.full((4, 4), np.nan), 10.0)


# --- JSON paths ---------------------------------------------------------------------------------


def write(tmp_path, document) -> str:
    path = tmp_path / "path.json"
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return str(path)


def test_json_paths_are_converted_from_their_engine_frame(tmp_path):
    half = math.sqrt(0.5)
    document = {
        "frame": "unreal",
        "vertical_fov_degrees": 70,
        "poses": [
            {"position": [0, 0, 170], "rotation": [0, 0, 0, 1]},
            {"position": [100, 0, 170], "rotation": [0, 0, half, half]},
        ],
    }
    loaded = read_json_path(write(tmp_path, document))
    assert loaded.vertical_fov_degrees == 70.0
    assert len(loaded.poses) == 2
    for pose, entry in zip(loaded.poses, document["poses"], strict=True):
        expected = camera_from_engine(
            entry["position"], entry["rotation"], 70, 4, 4, EngineFrame.UNREAL
        )
        assert np.allclose(pose, expected.world_to_camera)
    assert np.allclose(centre(loaded.poses[0]), [0.0, 1.7, 0.0])  # cm -> m, Z up -> Y up
    poses = load_json_path(write(tmp_path, document))
    assert all(np.array_equal(a, b) for a, b in zip(poses, loaded.poses, strict=True))


def test_json_paths_without_a_fov_leave_it_unset(tmp_path):
    document = {"frame": "GLTF", "poses": [{"position": [0, 1, 0], "rotation": [0, 0, 0, 1]}]}
    loaded = read_json_path(write(tmp_path, document))
    assert loaded.vertical_fov_degrees is None
    assert np.allclose(view(loaded.poses[0]), [0.0, 0.0, -1.0])


GOOD_POSE = {"position": [0, 0, 0], "rotation": [0, 0, 0, 1]}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "not valid JSON"),
        ([GOOD_POSE], "must be an object"),
        ({"poses": [GOOD_POSE]}, "frame"),
        ({"frame": "godot", "poses": [GOOD_POSE]}, "unknown engine frame"),
        ({"frame": "unity"}, "poses"),
        ({"frame": "unity", "poses": []}, "poses"),
        ({"frame": "unity", "poses": [GOOD_POSE], "fov": 60}, "unknown keys"),
        ({"frame": "unity", "poses": [GOOD_POSE], "vertical_fov_degrees": 0}, "vertical_fov"),
        ({"frame": "unity", "poses": [GOOD_POSE], "vertical_fov_degrees": "60"}, "vertical_fov"),
        ({"frame": "unity", "poses": [{"position": [0, 0, 0]}]}, r"poses\[0\]"),
        (
            {
                "frame": "unity",
                "poses": [GOOD_POSE, {"position": [0, 0], "rotation": [0, 0, 0, 1]}],
            },
            r"poses\[1\]\.position",
        ),
        (
            {"frame": "unity", "poses": [{"position": [0, 0, 0], "rotation": [0, 0, 0, 0]}]},
            "zero",
        ),
        (
            {"frame": "unity", "poses": [{"position": [0, 0, 0], "rotation": [0, 0, 0, True]}]},
            "rotation",
        ),
        (
            {"frame": "unity", "poses": [{"position": [10**400, 0, 0], "rotation": [0, 0, 0, 1]}]},
            "out of range",
        ),
    ],
)
def test_bad_json_paths_raise_value_error_naming_the_problem(tmp_path, document, message):
    with pytest.raises(ValueError, match=message):
        load_json_path(write(tmp_path, document))
