"""Lifting frames into Gaussians against ground truth: the two-room scene renders exact frames."""

from __future__ import annotations

import numpy as np
import pytest

from worldstream.geometry.camera import Camera
from worldstream.geometry.gaussians import Gaussians
from worldstream.reconstruct.fit import psnr
from worldstream.reconstruct.lift import lift_frame, lift_new, unexplained
from worldstream.render import render
from worldstream.testing.rooms import two_room_scene


@pytest.fixture(scope="module")
def scene():
    return two_room_scene()


@pytest.fixture(scope="module")
def spawn_frame(scene):
    # Two samples per pixel axis: a ground truth that integrates over the pixel, as a camera does.
    return scene.frame(scene.camera("spawn", 256, 192), samples_per_axis=2)


@pytest.fixture(scope="module")
def seeded(spawn_frame):
    return lift_new(spawn_frame, Gaussians.empty())


def test_a_lifted_ground_truth_frame_renders_back_at_35_db_or_more(spawn_frame, seeded):
    seen = render(seeded, spawn_frame.camera)
    assert psnr(seen.rgb, spawn_frame.rgb / 255.0) >= 35.0
    assert np.mean(seen.alpha >= 0.99) > 0.99  # and it is opaque: no see-through gaps


def test_lifting_the_same_frame_a_second_time_adds_no_gaussians(spawn_frame, seeded):
    assert unexplained(spawn_frame, seeded).sum() == 0
    assert len(lift_new(spawn_frame, seeded)) == 0


def test_lifted_splats_sit_on_the_true_surfaces(scene, spawn_frame, seeded):
    truth = scene.render(spawn_frame.camera)
    points = spawn_frame.camera.unproject(truth.depth)[truth.hit]
    means = seeded.means.numpy()
    assert len(means) == len(points)
    np.testing.assert_allclose(means, points, atol=1e-4)


def test_colour_fitting_is_what_lifts_the_render_above_plain_pixel_colours(spawn_frame, seeded):
    plain = lift_frame(spawn_frame)
    plain_psnr = psnr(render(plain, spawn_frame.camera).rgb, spawn_frame.rgb / 255.0)
    fitted_psnr = psnr(render(seeded, spawn_frame.camera).rgb, spawn_frame.rgb / 255.0)
    assert fitted_psnr > plain_psnr + 3.0


def test_a_second_view_adds_only_what_the_first_did_not_see(scene, spawn_frame, seeded):
    # Step sideways and turn: part of the view is new (beside the table, behind the cabinet).
    moved = spawn_frame.camera.world_to_camera.copy()
    moved[:3, 3] += moved[:3, :3] @ np.array([0.8, 0.0, 0.0]) * -1.0
    turn = np.radians(20.0)
    c, s = np.cos(turn), np.sin(turn)
    yaw = np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    moved[:3, :3] = yaw @ moved[:3, :3]
    moved[:3, 3] = yaw @ moved[:3, 3]
    camera = Camera(spawn_frame.camera.K, moved, 256, 192)
    frame = scene.frame(camera, samples_per_axis=2)
    added = lift_new(frame, seeded)
    pixels = int((frame.depth > 0).sum())
    assert 0 < len(added) < 0.6 * pixels
    world = Gaussians.concat([seeded, added])
    seen = render(world, camera)
    assert np.mean(seen.alpha >= 0.5) > 0.995
    # A new viewpoint of pixel-sized splats: right overall, softer than the lifted view itself.
    assert psnr(seen.rgb, frame.rgb / 255.0) > 22.0
    # What the first frame built is left as it was: a revisit sees the same splats.
    assert len(lift_new(spawn_frame, world)) == 0
