"""The world <-> engine frame conversions (geometry/engine.py, docs/engine-frames.md)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from worldstream.geometry.camera import Camera, look_at
from worldstream.geometry.engine import (
    WIRE_QUATERNION_ORDER,
    EngineFrame,
    camera_from_engine,
    camera_to_engine,
    directions_from_engine,
    directions_to_engine,
    gaussians_from_engine,
    gaussians_to_engine,
    log_scales_from_engine,
    log_scales_to_engine,
    points_from_engine,
    points_to_engine,
    pose_from_engine,
    quat_wxyz_to_matrix,
    quats_from_engine,
    quats_to_engine,
    sh_from_engine,
    sh_to_engine,
    vertical_fov_from_horizontal,
)
from worldstream.geometry.gaussians import Gaussians

FRAMES = list(EngineFrame)

# --- an independent 3DGS SH evaluator (deliberately not the one in engine.py) ---------------

C0 = 0.28209479177387814
C1 = 0.4886025119029199
C2 = [
    1.0925484305920792,
    -1.0925484305920792,
    0.31539156525252005,
    -1.0925484305920792,
    0.5462742152960396,
]
C3 = [
    -0.5900435899266435,
    2.890611442640554,
    -0.4570457994644658,
    0.3731763325901154,
    -0.4570457994644658,
    1.445305721320277,
    -0.5900435899266435,
]


def eval_sh_degree3(sh: np.ndarray, dirs: np.ndarray) -> np.ndarray:
    """sh [N,16,3], unit dirs [N,3] -> colour [N,3], written as in the 3DGS reference code."""
    x, y, z = (dirs[:, i : i + 1] for i in range(3))
    xx, yy, zz = x * x, y * y, z * z
    result = C0 * sh[:, 0]
    result = result - C1 * y * sh[:, 1] + C1 * z * sh[:, 2] - C1 * x * sh[:, 3]
    result = (
        result
        + C2[0] * x * y * sh[:, 4]
        + C2[1] * y * z * sh[:, 5]
        + C2[2] * (2 * zz - xx - yy) * sh[:, 6]
        + C2[3] * x * z * sh[:, 7]
        + C2[4] * (xx - yy) * sh[:, 8]
    )
    return (
        result
        + C3[0] * y * (3 * xx - yy) * sh[:, 9]
        + C3[1] * x * y * z * sh[:, 10]
        + C3[2] * y * (4 * zz - xx - yy) * sh[:, 11]
        + C3[3] * z * (2 * zz - 3 * xx - 3 * yy) * sh[:, 12]
        + C3[4] * x * (4 * zz - xx - yy) * sh[:, 13]
        + C3[5] * z * (xx - yy) * sh[:, 14]
        + C3[6] * x * (xx - 3 * yy) * sh[:, 15]
    )


# --- helpers ----------------------------------------------------------------------------------


def basis(frame: EngineFrame) -> np.ndarray:
    return frame.basis


def random_unit_quats(rng: np.random.Generator, n: int) -> np.ndarray:
    q = rng.normal(size=(n, 4))
    return q / np.linalg.norm(q, axis=1, keepdims=True)


def same_rotation(q1: np.ndarray, q2: np.ndarray, atol: float = 1e-9) -> bool:
    """Quaternions [N,4] that are equal up to sign (q and -q are one rotation)."""
    dots = np.abs(np.sum(q1 * q2, axis=1))
    return bool(np.allclose(dots, 1.0, atol=atol))


def covariance(quats_wxyz: np.ndarray, log_scales: np.ndarray) -> np.ndarray:
    r = quat_wxyz_to_matrix(quats_wxyz)
    s2 = np.exp(2.0 * np.asarray(log_scales, dtype=np.float64))
    return r @ (s2[:, :, None] * np.transpose(r, (0, 2, 1)))


def random_camera(rng: np.random.Generator) -> Camera:
    eye = rng.uniform(-5, 5, size=3)
    target = eye + rng.normal(size=3) + np.array([0.0, 0.0, 0.1])
    return Camera.from_fov(55.0, 320, 240, look_at(eye, target))


def engine_projection(points_engine, position, rotation_xyzw, camera: Camera, frame):
    """Project engine points as the engine itself would: into its camera-local axes, then the
    engine's own notion of right/up/forward. Independent of the code under test."""
    x, y, z, w = rotation_xyzw
    r = quat_wxyz_to_matrix(np.array([w, x, y, z]))[0]  # camera-local -> engine
    local = (np.asarray(points_engine) - position) @ r  # engine -> camera-local (Rᵀ p)
    if frame is EngineFrame.GLTF:
        right, up, ahead = local[:, 0], local[:, 1], -local[:, 2]
    elif frame is EngineFrame.UNITY:
        right, up, ahead = local[:, 0], local[:, 1], local[:, 2]
    else:  # Unreal: X forward, Y right, Z up
        right, up, ahead = local[:, 1], local[:, 2], local[:, 0]
    k = camera.K
    u = k[0, 2] + k[0, 0] * right / ahead
    v = k[1, 2] - k[1, 1] * up / ahead  # image rows grow downwards
    return np.stack([u, v], axis=1)


# --- the frames themselves ----------------------------------------------------------------------


def test_each_engine_basis_is_a_signed_permutation():
    for frame in FRAMES:
        a = basis(frame)
        assert np.array_equal(np.abs(a).sum(axis=0), np.ones(3))
        assert np.array_equal(np.abs(a).sum(axis=1), np.ones(3))
        assert np.allclose(a @ a.T, np.eye(3))


def test_gltf_keeps_handedness_and_both_engines_flip_it():
    assert np.linalg.det(basis(EngineFrame.GLTF)) == pytest.approx(1.0)
    assert np.linalg.det(basis(EngineFrame.UNITY)) == pytest.approx(-1.0)
    assert np.linalg.det(basis(EngineFrame.UNREAL)) == pytest.approx(-1.0)


def test_world_up_is_each_engines_up():
    up = np.array([0.0, 1.0, 0.0])
    assert np.allclose(directions_to_engine(up, EngineFrame.GLTF), [0, 1, 0])
    assert np.allclose(directions_to_engine(up, EngineFrame.UNITY), [0, 1, 0])
    assert np.allclose(directions_to_engine(up, EngineFrame.UNREAL), [0, 0, 1])


def test_unity_negates_x_as_its_gltf_importers_do():
    assert np.allclose(points_to_engine([1.0, 2.0, 3.0], EngineFrame.UNITY), [-1.0, 2.0, 3.0])


def test_unreal_swaps_y_and_z_in_centimetres_as_its_gltf_importer_does():
    assert np.allclose(points_to_engine([1.0, 2.0, 3.0], EngineFrame.UNREAL), [100.0, 300.0, 200.0])
    assert EngineFrame.UNREAL.unit_scale == 100.0


def test_frames_parse_from_their_names_in_any_case():
    assert EngineFrame.parse("unity") is EngineFrame.UNITY
    assert EngineFrame.parse(" UNREAL ") is EngineFrame.UNREAL
    assert EngineFrame.parse(EngineFrame.GLTF) is EngineFrame.GLTF
    with pytest.raises(ValueError, match="unknown engine frame"):
        EngineFrame.parse("godot")


def test_wire_quaternions_are_x_y_z_w():
    assert WIRE_QUATERNION_ORDER == "xyzw"


# --- round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("frame", FRAMES, ids=lambda f: f.value)
def test_points_and_directions_round_trip_through_each_engine_frame(frame):
    rng = np.random.default_rng(1)
    points = rng.normal(size=(100, 3)) * 10
    assert np.allclose(points_from_engine(points_to_engine(points, frame), frame), points)
    assert np.allclose(directions_from_engine(directions_to_engine(points, frame), frame), points)
    assert np.allclose(points_to_engine(points_from_engine(points, frame), frame), points)


def test_unity_points_round_trip_through_the_world_frame():
    rng = np.random.default_rng(2)
    unity = rng.normal(size=(50, 3))
    world = points_from_engine(unity, EngineFrame.UNITY)
    assert np.allclose(world[:, 0], -unity[:, 0])
    assert np.allclose(points_to_engine(world, EngineFrame.UNITY), unity)


@pytest.mark.parametrize("frame", FRAMES, ids=lambda f: f.value)
def test_gaussian_rotations_and_scales_round_trip(frame):
    rng = np.random.default_rng(3)
    quats = random_unit_quats(rng, 200)
    log_scales = rng.normal(size=(200, 3))
    back = quats_from_engine(quats_to_engine(quats, frame), frame)
    assert same_rotation(back, quats)
    scales_back = log_scales_from_engine(log_scales_to_engine(log_scales, frame), frame)
    assert np.allclose(scales_back, log_scales)


@pytest.mark.parametrize("frame", FRAMES, ids=lambda f: f.value)
def test_converted_quaternions_are_unit_and_proper(frame):
    rng = np.random.default_rng(4)
    converted = quats_to_engine(random_unit_quats(rng, 100), frame)
    assert np.allclose(np.linalg.norm(converted, axis=1), 1.0)
    assert np.allclose(np.linalg.det(quat_wxyz_to_matrix(converted)), 1.0)


@pytest.mark.parametrize("frame", FRAMES, ids=lambda f: f.value)
def test_quaternion_conversion_matches_the_matrix_reference_a_r_d(frame):
    rng = np.random.default_rng(14)
    quats = random_unit_quats(rng, 100)
    a = basis(frame)
    d = np.diag([np.linalg.det(a), 1.0, 1.0])
    expected = a @ quat_wxyz_to_matrix(quats) @ d
    assert np.allclose(quat_wxyz_to_matrix(quats_to_engine(quats, frame)), expected, atol=1e-12)


def test_unity_gaussian_rotations_match_gltfast_node_rotations():
    # glTFast turns a glTF rotation (x, y, z, w) into Unity's (x, -y, -z, w).
    quats = random_unit_quats(np.random.default_rng(15), 20)
    expected = quats * np.array([1.0, 1.0, -1.0, -1.0])
    assert same_rotation(quats_to_engine(quats, EngineFrame.UNITY), expected)


@pytest.mark.parametrize("frame", FRAMES, ids=lambda f: f.value)
def test_covariance_from_converted_rotation_and_scales_is_the_transformed_covariance(frame):
    rng = np.random.default_rng(5)
    quats = random_unit_quats(rng, 100)
    log_scales = rng.normal(scale=0.7, size=(100, 3))
    a, s = basis(frame), frame.unit_scale
    expected = s * s * (a @ covariance(quats, log_scales) @ a.T)
    got = covariance(quats_to_engine(quats, frame), log_scales_to_engine(log_scales, frame))
    assert np.allclose(got, expected, rtol=1e-9, atol=1e-9 * s * s)


@pytest.mark.parametrize("frame", FRAMES, ids=lambda f: f.value)
def test_sh_round_trips_through_each_engine_frame(frame):
    rng = np.random.default_rng(6)
    for degree in range(4):
        sh = rng.normal(size=(30, (degree + 1) ** 2, 3))
        assert np.allclose(sh_from_engine(sh_to_engine(sh, frame), frame), sh, atol=1e-12)


@pytest.mark.parametrize("frame", FRAMES, ids=lambda f: f.value)
def test_converted_sh_seen_from_the_converted_direction_has_the_original_colour(frame):
    rng = np.random.default_rng(7)
    sh = rng.normal(size=(500, 16, 3))
    dirs = rng.normal(size=(500, 3))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    engine_dirs = directions_to_engine(dirs, frame)
    original = eval_sh_degree3(sh, dirs)
    converted = eval_sh_degree3(sh_to_engine(sh, frame), engine_dirs)
    assert np.allclose(converted, original, atol=1e-10)


def test_unity_flips_the_sign_of_the_band_one_coefficient_along_x():
    # Band 1 is (-y, z, -x) * C1: negating x negates exactly coefficient 3.
    sh = np.random.default_rng(8).normal(size=(5, 4, 3))
    converted = sh_to_engine(sh, EngineFrame.UNITY)
    assert np.allclose(converted[:, :3], sh[:, :3])
    assert np.allclose(converted[:, 3], -sh[:, 3])


def test_sh_beyond_degree_three_or_with_a_bad_count_is_refused():
    with pytest.raises(ValueError):
        sh_to_engine(np.zeros((2, 25, 3)), EngineFrame.UNITY)
    with pytest.raises(ValueError):
        sh_to_engine(np.zeros((2, 5, 3)), EngineFrame.UNITY)


@pytest.mark.parametrize("frame", FRAMES, ids=lambda f: f.value)
def test_whole_gaussian_sets_round_trip_as_float32_arrays(frame):
    rng = np.random.default_rng(9)
    n = 64
    g = Gaussians(
        torch.from_numpy(rng.normal(size=(n, 3)).astype(np.float32)),
        torch.from_numpy(random_unit_quats(rng, n).astype(np.float32)),
        torch.from_numpy(rng.normal(size=(n, 3)).astype(np.float32) - 3),
        torch.from_numpy(rng.normal(size=n).astype(np.float32)),
        torch.from_numpy(rng.normal(size=(n, 16, 3)).astype(np.float32)),
    )
    engine = gaussians_to_engine(g, frame)
    assert all(v.dtype == np.float32 for v in engine.values())
    assert np.allclose(engine["means"], points_to_engine(g.means.numpy(), frame), rtol=1e-6)
    back = gaussians_from_engine(engine, frame)
    original = g.to_numpy()
    assert np.allclose(back["means"], original["means"], atol=1e-5)
    assert np.allclose(back["log_scales"], original["log_scales"], atol=1e-5)
    assert np.array_equal(back["opacity_logits"], original["opacity_logits"])
    assert np.allclose(back["sh"], original["sh"], atol=1e-5)
    assert same_rotation(back["quats"].astype(np.float64), original["quats"], atol=1e-6)
    # A numpy dict is accepted as well as a Gaussians.
    again = gaussians_to_engine(original, frame)
    assert all(np.array_equal(again[k], engine[k]) for k in engine)
    Gaussians.from_numpy(back)  # the inverse's output is a valid Gaussians


# --- camera poses -------------------------------------------------------------------------------


@pytest.mark.parametrize("frame", FRAMES, ids=lambda f: f.value)
def test_world_cameras_round_trip_through_each_engine_frame(frame):
    rng = np.random.default_rng(10)
    for _ in range(20):
        camera = random_camera(rng)
        position, rotation = camera_to_engine(camera, frame)
        assert np.linalg.norm(rotation) == pytest.approx(1.0)
        again = camera_from_engine(position, rotation, camera.fov_y_degrees, 320, 240, frame)
        assert np.allclose(again.world_to_camera, camera.world_to_camera, atol=1e-9)
        assert np.allclose(again.K, camera.K)


@pytest.mark.parametrize("frame", FRAMES, ids=lambda f: f.value)
def test_engine_camera_poses_round_trip_through_the_world_frame(frame):
    rng = np.random.default_rng(11)
    for _ in range(20):
        position = rng.normal(size=3) * 300
        rotation = random_unit_quats(rng, 1)[0]
        camera = camera_from_engine(position, rotation, 60.0, 64, 48, frame)
        position_back, rotation_back = camera_to_engine(camera, frame)
        assert np.allclose(position_back, position, atol=1e-9 * 300)
        assert same_rotation(rotation_back[None], rotation[None])


@pytest.mark.parametrize("frame", FRAMES, ids=lambda f: f.value)
def test_engine_camera_sees_converted_points_at_the_same_pixels(frame):
    rng = np.random.default_rng(12)
    camera = Camera.from_fov(50.0, 640, 480, look_at([1.0, 1.5, 4.0], [0.0, 0.5, 0.0]))
    points = rng.uniform(-1.0, 1.0, size=(200, 3)) + np.array([0.0, 0.5, 0.0])
    pixels, depth = camera.project(points)
    assert np.all(depth > 0)

    position, rotation = camera_to_engine(camera, frame)
    engine_points = points_to_engine(points, frame)
    # As the engine would project them, with its own camera-local axes.
    assert np.allclose(engine_projection(engine_points, position, rotation, camera, frame), pixels)
    # And back through camera_from_engine with the engine-frame points brought home.
    back = camera_from_engine(position, rotation, camera.fov_y_degrees, 640, 480, frame)
    back_pixels, _ = back.project(points_from_engine(engine_points, frame))
    assert np.allclose(back_pixels, pixels, atol=1e-6)


def test_unreal_camera_looking_forward_sees_what_the_world_camera_sees():
    # Identity rotation: the Unreal camera looks along +X, +Y right, +Z up, i.e. world +x, with
    # world +z on its right and world +y up under the importer's mapping.
    camera = camera_from_engine([0, 0, 0], [0, 0, 0, 1], 60.0, 100, 100, EngineFrame.UNREAL)
    assert np.allclose(camera.forward, [1.0, 0.0, 0.0])
    pixels, depth = camera.project(np.array([[5.0, 0.0, 0.0], [5.0, 1.0, 0.0], [5.0, 0.0, 1.0]]))
    assert depth[0] == pytest.approx(5.0)
    assert np.allclose(pixels[0], [50.0, 50.0])
    assert pixels[1, 1] < 50.0  # higher in the world is higher in the image
    assert pixels[2, 0] > 50.0  # world +z is Unreal +Y, the camera's right


def test_unity_camera_looking_forward_sees_what_the_world_camera_sees():
    camera = camera_from_engine([0, 0, 0], [0, 0, 0, 1], 60.0, 100, 100, EngineFrame.UNITY)
    assert np.allclose(camera.forward, [0.0, 0.0, 1.0])
    pixels, _ = camera.project(np.array([[0.0, 0.0, 5.0], [0.0, 1.0, 5.0], [-1.0, 0.0, 5.0]]))
    assert np.allclose(pixels[0], [50.0, 50.0])
    assert pixels[1, 1] < 50.0
    assert pixels[2, 0] > 50.0  # world -x is Unity +x, the camera's right


def test_gltf_camera_looks_down_its_negative_z():
    camera = camera_from_engine([0, 0, 0], [0, 0, 0, 1], 60.0, 100, 100, EngineFrame.GLTF)
    assert np.allclose(camera.forward, [0.0, 0.0, -1.0])


def test_unreal_positions_arrive_in_centimetres():
    camera = camera_from_engine([100, 200, 300], [0, 0, 0, 1], 60.0, 8, 8, EngineFrame.UNREAL)
    assert np.allclose(camera.position, [1.0, 3.0, 2.0])


def test_a_slightly_denormalised_quaternion_is_normalised():
    half = math.sqrt(0.5) * 1.005
    a = camera_from_engine([0, 0, 0], [0, half, 0, half], 60.0, 8, 8, EngineFrame.UNITY)
    b = camera_from_engine([0, 0, 0], [0, math.sqrt(0.5), 0, math.sqrt(0.5)], 60.0, 8, 8, "unity")
    assert np.allclose(a.world_to_camera, b.world_to_camera)


@pytest.mark.parametrize(
    ("position", "rotation", "fov", "width", "height", "message"),
    [
        ([0, float("nan"), 0], [0, 0, 0, 1], 60, 8, 8, "non-finite"),
        ([0, 0, float("inf")], [0, 0, 0, 1], 60, 8, 8, "non-finite"),
        ([0, 0, 0], [0, 0, 0, float("nan")], 60, 8, 8, "non-finite"),
        ([0, 0, 0], [0, 0, 0, 0], 60, 8, 8, "zero"),
        ([0, 0, 0], [0, 0, 0, 1.5], 60, 8, 8, "norm"),
        ([0, 0, 0], [0, 0, 1], 60, 8, 8, "4 numbers"),
        ([0, 0], [0, 0, 0, 1], 60, 8, 8, "3 numbers"),
        ([0, 0, 0], [0, 0, 0, 1], 0, 8, 8, "field of view"),
        ([0, 0, 0], [0, 0, 0, 1], 180, 8, 8, "field of view"),
        ([0, 0, 0], [0, 0, 0, 1], float("nan"), 8, 8, "field of view"),
        ([0, 0, 0], [0, 0, 0, 1], 60, 0, 8, "width"),
        ([0, 0, 0], [0, 0, 0, 1], 60, 8, -1, "height"),
        ([0, 0, 0], [0, 0, 0, 1], 60, 8.5, 8, "width"),
    ],
)
def test_bad_engine_cameras_are_refused_with_a_clear_message(
    position, rotation, fov, width, height, message
):
    with pytest.raises(ValueError, match=message):
        camera_from_engine(position, rotation, fov, width, height, EngineFrame.UNITY)


def test_pose_from_engine_gives_a_rigid_world_to_camera():
    rng = np.random.default_rng(13)
    for frame in FRAMES:
        w2c = pose_from_engine(rng.normal(size=3), random_unit_quats(rng, 1)[0], frame)
        r = w2c[:3, :3]
        assert np.allclose(r @ r.T, np.eye(3)) and np.linalg.det(r) == pytest.approx(1.0)
        assert np.array_equal(w2c[3], [0, 0, 0, 1])


def test_unreal_horizontal_fov_converts_to_the_vertical_one():
    assert vertical_fov_from_horizontal(90.0, 100, 100) == pytest.approx(90.0)
    vertical = vertical_fov_from_horizontal(90.0, 1920, 1080)
    assert math.tan(math.radians(vertical) / 2) == pytest.approx(1080 / 1920)
