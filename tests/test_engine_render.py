"""A scene rendered in the world frame equals the same scene converted to an engine frame and
rendered there with the converted camera, by an engine-side camera built from the engine's own
conventions (written out here, independently of geometry/engine.py)."""

from __future__ import annotations

import numpy as np
import pytest

from worldstream.geometry.camera import Camera, intrinsics_from_fov, look_at
from worldstream.geometry.engine import (
    EngineFrame,
    camera_to_engine,
    gaussians_from_engine,
    gaussians_to_engine,
    quat_wxyz_to_matrix,
)
from worldstream.render import render_cpu_view

# OpenCV camera axes (x right, y down, z forward) from each engine's camera-local axes, as the
# engines document them: glTF looks down -Z with +Y up; Unity looks down +Z with +Y up; Unreal
# looks down +X with +Z up and +Y right.
CV_FROM_LOCAL = {
    EngineFrame.GLTF: np.diag([1.0, -1.0, -1.0]),
    EngineFrame.UNITY: np.diag([1.0, -1.0, 1.0]),
    EngineFrame.UNREAL: np.array([[0.0, 1.0, 0.0], [0.0, 0.0, -1.0], [1.0, 0.0, 0.0]]),
}


def random_scene(rng: np.random.Generator, n: int = 800, degree: int = 3) -> dict[str, np.ndarray]:
    """Anisotropic, rotated, view-dependent splats 2-6 m in front of a camera at the origin
    looking down -Z (the world frame)."""
    means = np.stack(
        [rng.uniform(-1.5, 1.5, n), rng.uniform(0.2, 2.4, n), rng.uniform(-6.0, -2.0, n)], axis=1
    )
    quats = rng.normal(size=(n, 4))
    quats /= np.linalg.norm(quats, axis=1, keepdims=True)
    return {
        "means": means.astype(np.float32),
        "quats": quats.astype(np.float32),
        "log_scales": np.log(rng.uniform(0.02, 0.25, (n, 3))).astype(np.float32),
        "opacity_logits": rng.normal(1.0, 1.0, n).astype(np.float32),
        "sh": rng.normal(0.0, 0.4, (n, (degree + 1) ** 2, 3)).astype(np.float32),
    }


def engine_view(position: np.ndarray, rotation_xyzw: np.ndarray, frame: EngineFrame) -> np.ndarray:
    """The engine-frame view matrix: engine world -> camera-local -> OpenCV axes."""
    x, y, z, w = rotation_xyzw
    local_to_world = quat_wxyz_to_matrix(np.array([w, x, y, z]))[0]
    view = np.eye(4)
    view[:3, :3] = CV_FROM_LOCAL[frame] @ local_to_world.T
    view[:3, 3] = -view[:3, :3] @ position
    return view


@pytest.mark.parametrize("frame", [EngineFrame.GLTF, EngineFrame.UNITY, EngineFrame.UNREAL])
def test_a_scene_converted_to_an_engine_frame_renders_the_same_image(frame):
    rng = np.random.default_rng(7)
    world = random_scene(rng)
    w2c = look_at((0.4, 1.5, 0.5), (0.0, 1.2, -4.0))
    camera = Camera(intrinsics_from_fov(55.0, 96, 72), w2c, 96, 72)
    reference = render_cpu_view(world, camera.world_to_camera, camera.K, 96, 72)
    assert reference.alpha.mean() > 0.4  # the scene fills much of the view

    engine = gaussians_to_engine(world, frame)
    position, rotation = camera_to_engine(camera, frame)
    converted = render_cpu_view(engine, engine_view(position, rotation, frame), camera.K, 96, 72)

    units = frame.unit_scale
    np.testing.assert_allclose(converted.rgb, reference.rgb, atol=2e-3)
    np.testing.assert_allclose(converted.alpha, reference.alpha, atol=2e-3)
    np.testing.assert_allclose(converted.depth / units, reference.depth, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("frame", [EngineFrame.UNITY, EngineFrame.UNREAL])
def test_dropping_the_sh_sign_change_of_a_mirror_changes_the_image(frame):
    # The check above can fail: with odd bands left unconverted, the colours differ.
    rng = np.random.default_rng(8)
    world = random_scene(rng, degree=1)
    camera = Camera(
        intrinsics_from_fov(55.0, 64, 48), look_at((0.5, 1.5, 0.5), (0, 1.2, -4)), 64, 48
    )
    reference = render_cpu_view(world, camera.world_to_camera, camera.K, 64, 48)
    engine = gaussians_to_engine(world, frame)
    engine["sh"] = world["sh"]  # the mistake
    position, rotation = camera_to_engine(camera, frame)
    wrong = render_cpu_view(engine, engine_view(position, rotation, frame), camera.K, 64, 48)
    assert np.abs(wrong.rgb - reference.rgb).max() > 0.05


@pytest.mark.parametrize("frame", [EngineFrame.GLTF, EngineFrame.UNITY, EngineFrame.UNREAL])
def test_gaussians_round_trip_through_an_engine_frame(frame):
    world = random_scene(np.random.default_rng(9), n=50)
    back = gaussians_from_engine(gaussians_to_engine(world, frame), frame)
    for key in ("means", "log_scales", "opacity_logits", "sh"):
        np.testing.assert_allclose(back[key], world[key], atol=2e-5)
    # A quaternion and its negation are the same rotation.
    dots = np.abs(np.sum(back["quats"] * world["quats"], axis=1))
    np.testing.assert_allclose(dots, 1.0, atol=1e-5)
