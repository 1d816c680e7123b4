"""testing/rooms: the ground-truth two-room scene renders exact depth, colour and geometry."""

from __future__ import annotations

import numpy as np
import pytest

from worldstream.geometry.camera import Camera, look_at
from worldstream.geometry.frame import Frame
from worldstream.testing import Scene, two_room_scene
from worldstream.testing.rooms import ROOM_A, ROOM_B

W, H = 160, 120


@pytest.fixture(scope="module")
def scene() -> Scene:
    return two_room_scene()


def camera(eye, target, width: int = W, height: int = H, fov: float = 60.0) -> Camera:
    return Camera.from_fov(fov, width, height, look_at(eye, target))


def triangle_distances(points: np.ndarray, vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """[N, F]: distance from each point to each triangle it projects inside, else inf."""
    a, b, c = (vertices[faces[:, k]][None] for k in range(3))
    p = points[:, None, :]
    ab, ac, ap = b - a, c - a, p - a
    n = np.cross(ab, ac)
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    height = np.sum(ap * n, axis=-1)
    q = ap - height[..., None] * n  # projection onto the plane, relative to a
    d00 = np.sum(ab * ab, -1)
    d01 = np.sum(ab * ac, -1)
    d11 = np.sum(ac * ac, -1)
    d20 = np.sum(q * ab, -1)
    d21 = np.sum(q * ac, -1)
    den = d00 * d11 - d01 * d01
    s = (d11 * d20 - d01 * d21) / den
    t = (d00 * d21 - d01 * d20) / den
    inside = (s >= -1e-9) & (t >= -1e-9) & (s + t <= 1 + 1e-9)
    return np.where(inside, np.abs(height), np.inf)


def test_depth_at_the_image_centre_of_a_camera_facing_a_wall_is_the_analytic_distance(scene):
    # Room A's doorway wall is the plane z = 0; the camera stands 3 m in front of it.
    view = scene.render(camera((1.5, 1.4, 3.0), (1.5, 1.4, -1.0)))
    centre = view.depth[H // 2 - 1 : H // 2 + 1, W // 2 - 1 : W // 2 + 1]
    np.testing.assert_allclose(centre, 3.0, atol=1e-6)
    assert np.all(view.face_id[H // 2, W // 2] == scene.face_index("room_a/-z"))


def test_depth_of_an_oblique_wall_matches_the_plane_intersection_at_every_pixel(scene):
    cam = camera((2.0, 1.5, 3.0), (5.0, 1.0, 1.0))
    view = scene.render(cam)
    wall = view.face_id == scene.face_index("room_a/+x")  # the plane x = 5
    assert wall.sum() > 1000
    dirs = cam.pixel_rays() @ cam.camera_to_world[:3, :3].T
    expected = (5.0 - cam.position[0]) / dirs[..., 0]
    np.testing.assert_allclose(view.depth[wall], expected[wall], rtol=1e-6)


def test_points_back_projected_from_depth_lie_on_a_box_face(scene):
    for name in ("spawn", "room_b", "room_a_back", "doorway_from_b"):
        view = scene.render(scene.camera(name, W, H))
        assert view.hit.all()
        points = view.points()[view.hit]
        assert scene.distance_to_surface(points).max() < 1e-5
        # And on the very face the ray reports, within its bounds.
        ids = view.face_id[view.hit]
        for fid in np.unique(ids):
            face = scene.faces[fid]
            p = points[ids == fid]
            ua, va = face.uv_axes
            u0, v0, u1, v1 = face.bounds
            assert np.abs(p[:, face.axis] - face.coord).max() < 1e-5
            assert np.all((p[:, ua] > u0 - 1e-5) & (p[:, ua] < u1 + 1e-5))
            assert np.all((p[:, va] > v0 - 1e-5) & (p[:, va] < v1 + 1e-5))


def test_normals_are_unit_axis_vectors_facing_the_camera(scene):
    cam = scene.camera("spawn", W, H)
    view = scene.render(cam)
    dirs = cam.pixel_rays() @ cam.camera_to_world[:3, :3].T
    np.testing.assert_allclose(np.linalg.norm(view.normal[view.hit], axis=-1), 1.0)
    assert np.all(np.sum(view.normal * dirs, axis=-1)[view.hit] < 0)


def test_the_doorway_lets_a_camera_in_room_a_see_room_b(scene):
    cam = scene.camera("spawn", W, H)
    assert np.all((cam.position > ROOM_A[0]) & (cam.position < ROOM_A[1]))
    view = scene.render(cam)
    far_wall = view.face_id == scene.face_index("room_b/-z")
    assert far_wall.sum() > 50
    room_a_size = float(np.linalg.norm(np.subtract(ROOM_A[1], ROOM_A[0])))
    assert view.depth[far_wall].min() > room_a_size
    points = view.points()[far_wall]
    np.testing.assert_allclose(points[:, 2], ROOM_B[0][2], atol=1e-5)


def test_the_wall_between_the_rooms_blocks_the_view_away_from_the_doorway(scene):
    # Looking at the shared wall left of the doorway shows only room A's wall.
    view = scene.render(camera((1.5, 1.5, 3.0), (1.5, 1.5, -1.0), fov=20.0))
    assert np.all(view.face_id == scene.face_index("room_a/-z"))


def test_furniture_occludes_the_wall_behind_it(scene):
    empty = two_room_scene(furniture=False)
    cam = camera((2.5, 1.2, 1.5), (4.9, 1.0, 1.5))  # facing the cabinet on the +x wall
    full, bare = scene.render(cam), empty.render(cam)
    cabinet = full.face_id == scene.face_index("cabinet/-x")
    assert cabinet.sum() > 2000
    behind = {empty.face_index("room_a/+x"), empty.face_index("room_a/-y")}  # wall and floor
    assert set(np.unique(bare.face_id[cabinet]).tolist()) == behind
    assert np.all(full.depth[cabinet] < bare.depth[cabinet])
    wall = cabinet & (bare.face_id == empty.face_index("room_a/+x"))
    assert np.all(full.depth[wall] < bare.depth[wall] - 0.4)  # the cabinet is 0.52 m deep
    assert np.all(full.depth[~cabinet] <= bare.depth[~cabinet] + 1e-6)


def test_rendering_is_deterministic_and_the_seed_changes_only_texture():
    cam = two_room_scene().camera("spawn", W, H)
    a = two_room_scene(seed=0).render(cam)
    b = two_room_scene(seed=0).render(cam)
    c = two_room_scene(seed=1).render(cam)
    np.testing.assert_array_equal(a.rgb, b.rgb)
    np.testing.assert_array_equal(a.depth, b.depth)
    np.testing.assert_array_equal(a.depth, c.depth)
    assert np.abs(a.rgb.astype(int) - c.rgb.astype(int)).mean() > 1.0


def test_textures_vary_and_have_strong_edges(scene):
    view = scene.render(scene.camera("spawn", 256, 192))
    grey = view.rgb.astype(np.float64).mean(axis=-1)
    assert grey.std() > 25.0
    gx = np.abs(np.diff(grey, axis=1))
    gy = np.abs(np.diff(grey, axis=0))
    assert (gx > 40).mean() > 0.01 and (gy > 40).mean() > 0.01
    # Texture within single faces, not just between them.
    floor = view.face_id == scene.face_index("room_a/-y")
    assert grey[floor].std() > 15.0


def test_supersampling_keeps_depth_and_only_smooths_colour(scene):
    cam = scene.camera("spawn", W, H)
    one, three = scene.render(cam), scene.render(cam, samples_per_axis=3)
    np.testing.assert_array_equal(one.depth, three.depth)
    np.testing.assert_array_equal(one.face_id, three.face_id)
    diff = np.abs(one.rgb_float - three.rgb_float)
    assert 0 < diff.mean() < 0.05
    assert three.rgb.dtype == np.uint8 and three.rgb_float.dtype == np.float32
    np.testing.assert_array_equal(three.rgb, np.rint(three.rgb_float * 255).astype(np.uint8))
    with pytest.raises(ValueError):
        scene.render(cam, samples_per_axis=0)


def test_frame_returns_a_valid_frame(scene):
    cam = scene.camera("room_b", W, H)
    frame = scene.frame(cam)
    assert isinstance(frame, Frame)
    assert frame.rgb.shape == (H, W, 3) and frame.rgb.dtype == np.uint8
    assert frame.depth.dtype == np.float32 and frame.confidence.dtype == np.float32
    assert np.all(frame.confidence == 1.0) and np.all(frame.depth > 0)
    restored = Frame.from_arrays(frame.to_arrays())
    np.testing.assert_array_equal(restored.depth, frame.depth)


@pytest.mark.parametrize(
    ("eye", "target"),
    [
        ((-3.0, 1.5, 3.0), (2.5, 1.2, 3.0)),  # outside room A, looking in through its wall
        ((-3.0, 1.5, 3.0), (-9.0, 1.5, 3.0)),  # outside, looking away at nothing
        ((1.5, 1.5, -0.06), (1.5, 1.5, 3.0)),  # inside the wall between the rooms
        ((2.5, 4.0, 3.0), (2.6, 0.0, 3.0)),  # above the ceiling looking down
        ((2.5, 1.5, 3.0), (2.5, 1.5, 3.0 + 1e-6)),  # ordinary, tiny baseline target
    ],
)
def test_cameras_outside_or_behind_walls_do_not_crash(scene, eye, target):
    cam = camera(eye, target, 64, 48)
    view = scene.render(cam)
    frame = scene.frame(cam)
    assert np.all(np.isfinite(view.depth)) and np.all(np.isfinite(view.rgb_float))
    assert np.all(view.depth[~view.hit] == 0) and np.all(view.depth[view.hit] > 0)
    assert np.all(view.face_id[~view.hit] == -1)
    np.testing.assert_array_equal(frame.confidence > 0, view.hit)


def test_a_camera_looking_out_of_the_house_sees_nothing(scene):
    view = scene.render(camera((-3.0, 1.5, 3.0), (-9.0, 1.5, 3.0), 64, 48))
    assert not view.hit.any()
    assert np.all(view.rgb == 0)


def test_surface_triangles_contain_back_projected_points(scene):
    mesh = scene.surfaces()
    assert mesh.vertices.shape[1] == 3 and mesh.faces.shape[1] == 3
    assert mesh.faces.max() < len(mesh.vertices)
    np.testing.assert_allclose(mesh.areas().sum(), scene.surface_area())
    rng = np.random.default_rng(0)
    for name in ("spawn", "room_b"):
        view = scene.render(scene.camera(name, W, H))
        points = view.points()[view.hit]
        points = points[rng.choice(len(points), 400, replace=False)]
        assert triangle_distances(points, mesh.vertices, mesh.faces).min(axis=1).max() < 1e-5


def test_surface_triangles_face_the_side_they_are_seen_from(scene):
    mesh = scene.surfaces()
    view = scene.render(scene.camera("spawn", W, H))
    points = view.points()[view.hit]
    seen_normals = view.normal[view.hit]
    pick = np.random.default_rng(1).choice(len(points), 300, replace=False)
    nearest = triangle_distances(points[pick], mesh.vertices, mesh.faces).argmin(axis=1)
    np.testing.assert_allclose(mesh.face_normals()[nearest], seen_normals[pick], atol=1e-6)


def test_floor_under_furniture_is_cut_out_of_the_surfaces(scene):
    # The cabinet stands on the floor: its bottom face is gone, and the floor has a hole there.
    names = {f.name for f in scene.faces}
    assert "cabinet/-y" not in names and "table_leg_0/+y" not in names
    under_cabinet = np.array([[4.7, 0.0, 1.5]])
    assert scene.distance_to_surface(under_cabinet)[0] == pytest.approx(0.25, abs=1e-9)


def test_sampled_surface_points_are_on_the_surfaces_and_reproducible(scene):
    points, normals = scene.sample_surface_points(3000, seed=3, return_normals=True)
    assert points.shape == (3000, 3) and normals.shape == (3000, 3)
    assert scene.distance_to_surface(points).max() < 1e-9
    np.testing.assert_array_equal(points, scene.sample_surface_points(3000, seed=3))
    assert not np.array_equal(points, scene.sample_surface_points(3000, seed=4))
    # Both rooms are sampled about in proportion to their area.
    in_b = points[:, 2] < ROOM_B[1][2]
    assert 0.3 < in_b.mean() < 0.6
