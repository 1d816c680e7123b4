"""The seed photo's lift, its warps and the multi-view colour fit, against the two-room truth."""

from __future__ import annotations

import numpy as np
import pytest

from worldstream.geometry.camera import moved
from worldstream.geometry.frame import Frame
from worldstream.reconstruct.fit import ColourFit, FitView, fit_views, psnr
from worldstream.reconstruct.lift import lift_frame
from worldstream.reconstruct.seed_lift import SeedLift, _back_frame, lift_seed
from worldstream.reconstruct.warp import warp_frame
from worldstream.render import render
from worldstream.testing.rooms import two_room_scene
from worldstream.testing.walks import seen_by

# Neither is among the poses the seed lift fits to (seed_lift.FIT_POSES).
HELD_OUT = [(0.3, 10.0), (0.0, -20.0), (0.7, 0.0)]


@pytest.fixture(scope="module")
def scene():
    return two_room_scene()


@pytest.fixture(scope="module")
def photo(scene):
    return scene.frame(scene.camera("spawn", 320, 240), samples_per_axis=3)


@pytest.fixture(scope="module")
def seed_splats(photo):
    return lift_seed(photo)


def seen_psnr(scene, photo, splats, camera) -> float:
    truth = scene.render(camera, 3)
    mask = seen_by(truth.depth, camera, scene.render(photo.camera).depth, photo.camera)
    return psnr(render(splats, camera).rgb[mask], truth.rgb[mask] / 255.0)


def test_warping_a_frame_to_its_own_camera_returns_its_photo(photo):
    warped = warp_frame(photo, photo.camera)
    assert np.array_equal(warped.valid, photo.depth > 0)
    difference = np.abs(warped.rgb * 255.0 - photo.rgb)[warped.valid]
    assert difference.max() < 0.51


def test_a_warp_is_valid_only_where_the_frame_saw_the_surface(scene, photo):
    target = moved(photo.camera, 0.3, 25.0)
    warped = warp_frame(photo, target)
    truth = scene.render(target, 3)
    seen = seen_by(truth.depth, target, scene.render(photo.camera).depth, photo.camera)
    assert warped.valid.mean() > 0.5
    assert (~warped.valid).sum() > 1000  # the turn shows what the photo never saw
    assert (warped.valid & ~seen).sum() < 0.01 * warped.valid.sum()
    agree = warped.valid & seen
    assert psnr(warped.rgb[agree], truth.rgb[agree] / 255.0) > 27.0


def test_fitting_colours_to_several_views_lowers_the_error_in_each(photo):
    splats = lift_frame(photo)
    views = [FitView(photo.camera, photo.rgb.astype(np.float32) / 255.0, photo.depth > 0)]
    for forward, yaw in [(0.3, 12.0), (0.3, -12.0)]:
        warped = warp_frame(photo, moved(photo.camera, forward, yaw))
        views.append(FitView(warped.camera, warped.rgb, warped.valid))
    fitted = fit_views(splats, views, fit=ColourFit(iterations=3, step=0.6))
    assert fitted.means is splats.means  # geometry is left alone
    for view in views:
        before = psnr(render(splats, view.camera).rgb[view.valid], view.rgb[view.valid])
        after = psnr(render(fitted, view.camera).rgb[view.valid], view.rgb[view.valid])
        assert after > before + 1.0


@pytest.mark.parametrize("pose", HELD_OUT)
def test_the_seed_lift_renders_unfitted_poses_better_than_one_opaque_splat_per_pixel(
    scene, photo, seed_splats, pose
):
    camera = moved(photo.camera, *pose)
    plain = lift_frame(photo, None, 0.5, 0.999)
    gain = seen_psnr(scene, photo, seed_splats, camera) - seen_psnr(scene, photo, plain, camera)
    assert gain > 1.0


def test_the_seed_lift_covers_the_photo_without_holes(photo, seed_splats):
    alpha = render(seed_splats, photo.camera).alpha
    # A border pixel has neighbours on one side only.
    assert alpha[1:-1, 1:-1][photo.depth[1:-1, 1:-1] > 0].min() >= 0.99
    assert alpha[photo.depth > 0].min() >= 0.98


def test_the_back_layer_never_stands_in_front_of_the_surface_it_backs(photo):
    settings = SeedLift()
    back = _back_frame(photo, settings.back_offset)
    assert back.camera.width == photo.camera.width // 2
    # Every back pixel is at least as far as each photo pixel it covers.
    rows, cols = np.nonzero(back.depth > 0)
    for dr in (0, 1):
        for dc in (0, 1):
            under = photo.depth[2 * rows + dr, 2 * cols + dc]
            assert np.all(back.depth[rows, cols] >= under * (1.0 + settings.back_offset) - 1e-4)


def test_without_fitting_the_seed_lift_keeps_each_pixel_colour(photo):
    splats = lift_seed(photo, SeedLift(fit=ColourFit(iterations=0)))
    count = photo.camera.width * photo.camera.height
    assert len(splats) == count + count // 4
    front = splats.to_numpy()["sh"][:count, 0, :]
    assert np.allclose(front, lift_frame(photo).to_numpy()["sh"][:, 0, :])


def test_at_a_silhouette_the_back_layer_takes_the_far_sides_colour(photo):
    # A near dark pixel in front of a far bright wall, in one 2x2 block.
    rgb = np.full_like(photo.rgb, 200)
    depth = np.full_like(photo.depth, 5.0)
    rgb[0, 0], depth[0, 0] = 0, 1.0
    edge = Frame(rgb, depth, photo.camera, photo.confidence)
    back = _back_frame(edge, SeedLift().back_offset)
    assert back.depth[0, 0] == pytest.approx(5.0 * (1.0 + SeedLift().back_offset))
    assert np.all(back.rgb[0, 0] == 200)
