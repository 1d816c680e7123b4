"""The classic generator on the ground-truth rooms: hole-free new views, faithful seen pixels, and
a world that looks the same when you walk back."""

from __future__ import annotations

import numpy as np
import pytest

from worldstream.generate.classic import ClassicGenerator
from worldstream.generate.depth.given import GivenDepth
from worldstream.geometry.camera import Camera, intrinsics_from_fov
from worldstream.reconstruct.fit import psnr
from worldstream.render import render
from worldstream.testing.rooms import two_room_scene
from worldstream.testing.walks import moved, out_and_back, seen_by
from worldstream.world.grow import GrowingWorld

WIDTH, HEIGHT = 320, 240


@pytest.fixture(scope="module")
def scene():
    return two_room_scene()


def seeded_world(scene, width: int = WIDTH, height: int = HEIGHT):
    camera = Camera(
        intrinsics_from_fov(60.0, width, height), scene.viewpoints["spawn"], width, height
    )
    truth = scene.frame(camera, 3)
    generator = ClassicGenerator(GivenDepth(truth.depth))
    frame, info = generator.seed(truth.rgb, 0.0, camera=camera)
    return generator, GrowingWorld.seeded(frame, info.layout), camera


@pytest.mark.parametrize("yaw", [20.0, -20.0])
def test_a_view_half_a_metre_and_twenty_degrees_away_has_no_holes_and_30_db_where_seen(scene, yaw):
    # The resolution: a smaller photo packs more texture per pixel and scores lower
    # (so does an ideal warp: 30.8 dB at 320x240 against 32.1 at 512x384).
    generator, world, seed = seeded_world(scene, 512, 384)
    target = moved(seed, 0.5, yaw)
    assert (render(world.gaussians, target).alpha < 0.99).mean() > 0.05  # there was work to do
    generator.extend(world, [target])
    seen = render(world.gaussians, target)
    assert seen.alpha.min() >= 0.99

    truth = scene.render(target, 3)
    seed_truth = scene.render(seed)
    mask = seen_by(truth.depth, target, seed_truth.depth, seed)
    assert mask.mean() > 0.5
    assert psnr(seen.rgb[mask], truth.rgb[mask] / 255.0) >= 30.0


def test_generated_content_only_fills_the_hole_and_leaves_seen_splats_alone(scene):
    generator, world, seed = seeded_world(scene, 160, 120)
    before = len(world.gaussians)
    snapshot = world.gaussians.means[:before].clone()
    generator.extend(world, [moved(seed, 0.5, 20.0)])
    assert len(world.gaussians) > before
    assert bool((world.gaussians.means[:before] == snapshot).all())


def test_walking_out_three_metres_and_back_renders_the_same_world(scene):
    generator, world, seed = seeded_world(scene, 160, 120)
    path = out_and_back(seed, 3.0, 6)
    renders = []
    for camera in path:
        generator.extend(world, [camera])
        renders.append(render(world.gaussians, camera).rgb)
    half = len(path) // 2
    for i in range(half):
        back = len(path) - 1 - i
        assert np.allclose(path[i].world_to_camera, path[back].world_to_camera)
        assert psnr(renders[i], renders[back]) >= 35.0, f"pose {i}"


def test_revisiting_a_pose_adds_nothing(scene):
    generator, world, seed = seeded_world(scene, 160, 120)
    target = moved(seed, 0.5, 20.0)
    generator.extend(world, [target])
    count = len(world.gaussians)
    generator.extend(world, [target])
    assert len(world.gaussians) == count


def test_extension_is_deterministic(scene):
    results = []
    for _ in range(2):
        generator, world, seed = seeded_world(scene, 160, 120)
        (frame,) = generator.extend(world, [moved(seed, 0.5, -20.0)])
        results.append(frame)
    assert np.array_equal(results[0].rgb, results[1].rgb)
    assert np.array_equal(results[0].depth, results[1].depth)


def test_a_real_photo_seeds_a_world_that_stays_hole_free_through_a_walk_and_a_turn():
    from PIL import Image
    from skimage import data

    from worldstream.generate.layout import LayoutDepth  # noqa: F401 (the default estimator)
    from worldstream.testing.walks import walk_and_turn

    photo = Image.fromarray(data.stereo_motorcycle()[0]).resize((192, 130))
    generator = ClassicGenerator()
    frame, info = generator.seed(np.asarray(photo), 60.0)
    assert info.depth_source == "layout:manhattan-room"
    # Gravity-aligned: the floor the layout found is at world y = 0, the camera above it.
    assert frame.camera.world_to_camera[:3, :3].T[1] @ np.array([0, 1, 0]) < 0
    world = GrowingWorld.seeded(frame, info.layout)
    for camera in walk_and_turn(frame.camera, 2.0, 90.0, 4):
        generator.extend(world, [camera])
        assert render(world.gaussians, camera).alpha.min() >= 0.99
