"""Spatial memory: the fast indexed retrieval against the brute-force reference, on ray-cast scenes.

Scenes are axis-aligned boxes ray cast in numpy: a room box that encloses the cameras (seen from
inside, its far walls) plus solid boxes inside it. The fast path must match the reference
exactly, frames and gains: its culling is conservative, so there is no case where they may differ.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from worldstream.geometry.camera import Camera, look_at
from worldstream.geometry.frame import Frame
from worldstream.world.memory import MemoryConfig, SpatialMemory

WIDTH, HEIGHT = 48, 36
# Two samples per coarse pixel per axis (stride 1 at 48 px, counted at 24 px) keeps holes
# between samples from letting far points through nearer surfaces.
CONFIG = MemoryConfig(target_long_side=24)


def ray_cast(camera: Camera, boxes: np.ndarray) -> np.ndarray:
    """Z-depth [H, W] float32 of the nearest box surface (0 where nothing is hit).

    boxes: [B, 2, 3] (min corner, max corner). A camera inside a box sees its inner walls.
    """
    rays = camera.pixel_rays().reshape(-1, 1, 3)  # [R, 1, 3] camera space, z = 1
    directions = rays @ camera.camera_to_world[:3, :3].T  # [R, 1, 3]: t along it is z-depth
    origin = camera.position
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = (boxes[None, :, 0] - origin) / directions  # [R, B, 3]
        t2 = (boxes[None, :, 1] - origin) / directions
    t_enter = np.nanmax(np.minimum(t1, t2), axis=-1)  # [R, B]
    t_exit = np.nanmin(np.maximum(t1, t2), axis=-1)
    hit = (t_exit >= np.maximum(t_enter, 0.0)) & (t_exit > 0.0)
    t = np.where(t_enter > 0.0, t_enter, t_exit)
    t = np.where(hit, t, np.inf).min(axis=1)  # [R]
    return np.where(np.isfinite(t), t, 0.0).reshape(camera.height, camera.width).astype(np.float32)


def make_frame(camera: Camera, boxes: np.ndarray) -> Frame:
    h, w = camera.height, camera.width
    rgb = np.zeros((h, w, 3), np.uint8)
    return Frame(rgb, ray_cast(camera, boxes), camera, np.ones((h, w), np.float32))


def camera_at(eye, target, width: int = WIDTH, height: int = HEIGHT) -> Camera:
    return Camera.from_fov(60.0, width, height, look_at(eye, target))


ROOM = np.array([[-10.0, 0.0, -10.0], [10.0, 4.0, 10.0]])


def random_boxes(rng: np.random.Generator, count: int) -> np.ndarray:
    """The room plus `count` boxes standing on its floor: [count + 1, 2, 3]."""
    lo = np.stack([rng.uniform(-8, 6, count), np.zeros(count), rng.uniform(-8, 6, count)], axis=1)
    size = rng.uniform(0.3, 2.0, (count, 3))
    return np.concatenate([ROOM[None], np.stack([lo, lo + size], axis=1)])


def random_camera(rng: np.random.Generator) -> Camera:
    eye = np.array([rng.uniform(-9, 9), rng.uniform(0.5, 3.5), rng.uniform(-9, 9)])
    direction = np.array([rng.normal(), rng.normal() * 0.3, rng.normal()])
    return camera_at(eye, eye + direction)


def random_scene(seed: int, frames: int, config: MemoryConfig = CONFIG):
    rng = np.random.default_rng(seed)
    boxes = random_boxes(rng, 6)
    memory = SpatialMemory(config)
    for _ in range(frames):
        memory.add(make_frame(random_camera(rng), boxes))
    targets = [random_camera(rng) for _ in range(8)]
    return memory, targets


def corridor_walk(seed: int, frames: int, config: MemoryConfig = CONFIG):
    """A 60 m corridor with pillars; cameras walk along it, looking ahead, back and sideways."""
    rng = np.random.default_rng(seed)
    corridor = np.array([[[-2.0, 0.0, -1.0], [2.0, 3.0, 60.0]]])
    pillars = [[[x, 0.0, z], [x + 0.4, 3.0, z + 0.4]] for z in range(4, 56, 6) for x in (-1.5, 1.1)]
    boxes = np.concatenate([corridor, np.array(pillars)])
    memory = SpatialMemory(config)
    cameras = []
    for i in range(frames):
        eye = np.array([rng.uniform(-0.8, 0.8), 1.6, 0.5 + 0.5 * i])
        yaw = rng.choice([0.0, np.pi, np.pi / 2, -np.pi / 2]) + rng.normal(0.0, 0.3)
        ahead = eye + np.array([np.sin(yaw), rng.normal(0, 0.1), np.cos(yaw)])
        cameras.append(camera_at(eye, ahead))
        memory.add(make_frame(cameras[-1], boxes))
    targets = [
        camera_at(c.position + rng.normal(0, 0.3, 3), c.position + c.forward)
        for c in cameras[:: max(1, frames // 8)]
    ]
    return memory, targets


def assert_fast_matches_reference(memory: SpatialMemory, targets: list[Camera], k: int = 5):
    for target in targets:
        assert memory.retrieve(target, k) == memory.retrieve_reference(target, k)


@pytest.mark.parametrize("seed", range(5))
def test_fast_retrieval_returns_the_same_frames_and_gains_as_the_reference_on_random_scenes(
    seed: int,
):
    memory, targets = random_scene(seed, frames=40)
    assert_fast_matches_reference(memory, targets)
    # The scenes must exercise retrieval, not agree on empty answers.
    assert sum(len(memory.retrieve(t)) for t in targets) >= len(targets)


@pytest.mark.parametrize(
    "config",
    [
        MemoryConfig(target_long_side=24, voxel_size=0.2, block_voxels=3),
        MemoryConfig(target_long_side=16, voxel_size=2.0, block_voxels=1),
        MemoryConfig(target_long_side=24, stride=3, depth_tolerance=0.0, min_gain_fraction=0.0),
        MemoryConfig(target_long_side=24, max_depth=6.0),
        MemoryConfig(target_long_side=24, repack_fraction=0.0),
        MemoryConfig(target_long_side=24, repack_fraction=1e9),
    ],
    ids=[
        "small-voxels",
        "large-voxels",
        "strided-zero-tolerance",
        "fixed-far",
        "packed-often",
        "never-packed",
    ],
)
def test_fast_retrieval_matches_the_reference_for_other_index_and_coverage_settings(config):
    memory, targets = random_scene(7, frames=30, config=config)
    assert_fast_matches_reference(memory, targets)


def test_fast_retrieval_matches_the_reference_for_targets_of_other_sizes_and_intrinsics():
    memory, targets = random_scene(8, frames=30)
    others = []
    for i, target in enumerate(targets):
        width, height = [(640, 480), (20, 30), (48, 36), (100, 10)][i % 4]
        K = target.resized(width, height).K.copy()
        K[0, 2] += (i - 4) * 0.1 * width  # principal point off centre, even outside the image
        K[1, 1] *= 1.0 + 0.2 * (i % 3)
        others.append(Camera(K, target.world_to_camera, width, height))
    assert_fast_matches_reference(memory, others)
    assert sum(len(memory.retrieve(t)) for t in others) >= 4


def test_fast_retrieval_matches_the_reference_on_a_random_walk_along_a_corridor():
    memory, targets = corridor_walk(3, frames=100)
    assert_fast_matches_reference(memory, targets)
    for target in targets:
        _, stats = memory.retrieve_with_stats(target)
        # The index keeps the far end of the corridor and the frames behind the target out.
        assert stats.candidates < len(memory)


def test_fast_retrieval_touches_only_the_part_of_a_long_walk_in_view():
    memory, _ = corridor_walk(4, frames=200)  # 100 m of corridor
    total_points = sum(len(memory.points(i)) for i in range(len(memory)))
    target = camera_at((0, 1.6, 50), (1, 1.6, 50))  # looking at the side wall half way along
    picks, stats = memory.retrieve_with_stats(target)
    assert picks == memory.retrieve_reference(target) and picks
    assert stats.frames == 200
    assert stats.candidates <= 30
    assert stats.points_projected < total_points // 10
    beyond = camera_at((0, 1.6, 150), (0, 1.6, 151))  # past the far end, looking away
    nothing, stats = memory.retrieve_with_stats(beyond)
    assert nothing == [] and stats.blocks_visible == 0 and stats.points_projected == 0


def test_a_frame_identical_to_the_target_is_retrieved_first_with_near_full_coverage():
    rng = np.random.default_rng(11)
    boxes = random_boxes(rng, 6)
    memory = SpatialMemory(CONFIG)
    cameras = [random_camera(rng) for _ in range(12)]
    for camera in cameras:
        memory.add(make_frame(camera, boxes))
    for target_id in (0, 5, 11):
        first = memory.retrieve(cameras[target_id])[0]
        assert first.frame_id == target_id
        assert first.fraction > 0.9  # misses only slivers at silhouettes and grazing floors


def test_a_frame_looking_the_opposite_way_is_never_retrieved():
    memory = SpatialMemory(CONFIG)
    memory.add(make_frame(camera_at((0, 1.6, 0), (0, 1.6, 1)), ROOM[None]))
    memory.add(make_frame(camera_at((0, 1.6, 0), (0, 1.6, -1)), ROOM[None]))
    target = camera_at((0, 1.6, -1), (0, 1.6, 1))
    picks = memory.retrieve(target)
    assert [p.frame_id for p in picks] == [0]
    assert picks == memory.retrieve_reference(target)
    assert [p.frame_id for p in memory.retrieve(camera_at((0, 1.6, 1), (0, 1.6, -1)))] == [1]


def test_a_frame_behind_a_wall_is_not_credited_where_a_nearer_frame_sees_the_wall():
    wall = np.array([[[-10.0, 0.0, 5.0], [10.0, 4.0, 5.2]]])
    boxes = np.concatenate([ROOM[None], wall])
    in_front = camera_at((0, 1.6, 0), (0, 1.6, 1))
    behind = camera_at((0, 1.6, 6), (0, 1.6, 7))  # beyond the wall, looking the same way
    # The room's far wall is 4 m from `behind` but 10 m from the target: past the default far
    # limit (twice the deepest stored depth), so this test sets its own.
    config = MemoryConfig(target_long_side=24, max_depth=50.0)
    alone = SpatialMemory(config)
    alone.add(make_frame(behind, boxes))
    # Alone, its points (the room's far wall) land in the target and nothing hides them ...
    assert [p.frame_id for p in alone.retrieve(in_front)] == [0]

    memory = SpatialMemory(config)
    memory.add(make_frame(behind, boxes))
    memory.add(make_frame(in_front, boxes))
    # ... but once a frame has seen the wall, the z-buffer puts them behind it.
    picks = memory.retrieve(in_front)
    assert [p.frame_id for p in picks] == [1]
    assert picks == memory.retrieve_reference(in_front)


def test_points_beyond_the_far_limit_are_ignored_by_both_paths():
    behind = camera_at((0, 1.6, 6), (0, 1.6, 7))  # sees the far wall 4 m away
    target = camera_at((0, 1.6, -4), (0, 1.6, 1))  # the same wall is 14 m away from here
    memory = SpatialMemory(CONFIG)
    memory.add(make_frame(behind, ROOM[None]))
    assert memory.retrieve(target) == [] == memory.retrieve_reference(target)
    near_target = camera_at((0, 1.6, 4), (0, 1.6, 5))
    assert [p.frame_id for p in memory.retrieve(near_target)] == [0]


def test_k_is_respected_and_k_above_five_is_rejected():
    memory, targets = random_scene(2, frames=40)
    config = MemoryConfig(target_long_side=24, min_gain_fraction=0.0)
    loose = SpatialMemory(config)
    for i in range(len(memory)):
        loose.add(memory.frame(i))
    for k in range(1, 6):
        assert len(loose.retrieve(targets[0], k)) <= k
    assert len(loose.retrieve(targets[0], 5)) == 5
    assert loose.retrieve(targets[0], 2) == loose.retrieve(targets[0], 5)[:2]
    for bad in (6, 0, -1):
        with pytest.raises(ValueError):
            memory.retrieve(targets[0], bad)
        with pytest.raises(ValueError):
            memory.retrieve_reference(targets[0], bad)
    with pytest.raises(TypeError):
        memory.retrieve(targets[0], 2.0)


def test_empty_memory_returns_nothing():
    memory = SpatialMemory(CONFIG)
    target = camera_at((0, 1, 0), (0, 1, 1))
    assert len(memory) == 0
    assert memory.retrieve(target) == []
    assert memory.retrieve_reference(target) == []


def test_frames_without_known_depth_are_kept_but_never_retrieved():
    memory = SpatialMemory(CONFIG)
    camera = camera_at((0, 1, 0), (0, 1, 1))
    blank = make_frame(camera, ROOM[None])
    blank = Frame(blank.rgb, np.zeros_like(blank.depth), camera, blank.confidence)
    assert memory.add(blank) == 0
    assert memory.frame(0) is blank
    assert memory.points(0).shape == (0, 3)
    assert memory.retrieve(camera) == [] == memory.retrieve_reference(camera)


def test_non_finite_negative_and_enormous_depths_are_skipped_and_retrieval_still_agrees():
    rng = np.random.default_rng(21)
    boxes = random_boxes(rng, 6)
    memory = SpatialMemory(CONFIG)
    cameras = [random_camera(rng) for _ in range(8)]
    for camera in cameras:
        frame = make_frame(camera, boxes)
        depth = frame.depth.copy()
        bad = rng.random(depth.shape) < 0.2
        depth[bad] = rng.choice([np.nan, np.inf, -np.inf, -1.0, 0.0, 1e30, 1e12], bad.sum())
        memory.add(Frame(frame.rgb, depth, camera, frame.confidence))
        points = memory.points(len(memory) - 1)
        # Only the good samples survive: 1e12 and 1e30 m lie beyond the index's key range.
        assert np.all(np.isfinite(points)) and len(points) == (~bad).sum()
    for target in cameras:
        assert memory.retrieve(target) == memory.retrieve_reference(target)
    assert memory.retrieve(cameras[0])[0].frame_id == 0


def test_retrieval_is_deterministic():
    first, targets = random_scene(5, frames=30)
    second, _ = random_scene(5, frames=30)
    for target in targets:
        picks = first.retrieve(target)
        assert picks == first.retrieve(target) == second.retrieve(target)


def test_adding_frames_after_a_retrieval_updates_the_index():
    rng = np.random.default_rng(9)
    boxes = random_boxes(rng, 6)
    memory = SpatialMemory(CONFIG)
    for _ in range(10):
        memory.add(make_frame(random_camera(rng), boxes))
    target = random_camera(rng)
    memory.retrieve(target)
    new_id = memory.add(make_frame(target, boxes))
    assert new_id == 10 and len(memory) == 11
    picks = memory.retrieve(target)
    assert picks[0].frame_id == new_id
    assert picks == memory.retrieve_reference(target)
    # Many more frames, so the index's buffers grow past their first capacity.
    for _ in range(40):
        memory.add(make_frame(random_camera(rng), boxes))
    assert_fast_matches_reference(memory, [target, *[random_camera(rng) for _ in range(4)]])


def test_retrievals_running_beside_adds_see_a_consistent_memory():
    rng = np.random.default_rng(13)
    boxes = random_boxes(rng, 6)
    frames = [make_frame(random_camera(rng), boxes) for _ in range(40)]
    targets = [random_camera(rng) for _ in range(4)]
    memory = SpatialMemory(CONFIG)
    errors: list[BaseException] = []

    def keep_retrieving() -> None:
        try:
            while len(memory) < len(frames):
                for target in targets:
                    memory.retrieve(target)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    reader = threading.Thread(target=keep_retrieving)
    reader.start()
    for frame in frames:
        memory.add(frame)
    reader.join()
    assert not errors
    assert_fast_matches_reference(memory, targets)


def test_stored_points_are_float32_samples_of_the_depth():
    camera = camera_at((0, 1.6, 0), (0, 1.6, 1))
    frame = make_frame(camera, ROOM[None])
    memory = SpatialMemory(MemoryConfig(stride=4))
    memory.add(frame)
    points = memory.points(0)
    assert points.dtype == np.float32
    assert points.shape == (len(range(2, HEIGHT, 4)) * len(range(2, WIDTH, 4)), 3)
    full = camera.unproject(frame.depth)[2::4, 2::4].reshape(-1, 3)
    np.testing.assert_allclose(np.sort(points, axis=0), np.sort(full, axis=0), atol=1e-4)


def test_bad_inputs_are_rejected():
    memory = SpatialMemory()
    with pytest.raises(TypeError):
        memory.add("not a frame")
    with pytest.raises(TypeError):
        memory.retrieve("not a camera")
    with pytest.raises(IndexError):
        memory.frame(0)
    for bad in (
        {"voxel_size": 0.0},
        {"voxel_size": float("nan")},
        {"depth_tolerance": -0.1},
        {"target_long_side": 0},
        {"stride": 0},
        {"max_depth": 0.0},
    ):
        with pytest.raises(ValueError):
            MemoryConfig(**bad)
