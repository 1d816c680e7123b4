"""Time spatial-memory retrieval: the voxel-indexed `retrieve` against the full-scan reference.

Run: python bench/bench_memory.py [--sizes 100 1000 10000] [--targets 40] [--frame 64 48]

The world is a 40 x 40 grid of 6 m rooms (3 m high); every inner wall has a 1.2 x 2.2 m doorway
at a hashed place along it (so doorways do not line up into endless vistas); depth is ray cast
analytically. A walker goes from room to room through the doorways, preferring rooms it has not
been in, taking a 64x48 frame (60 degree vertical field of view) every 0.5 m, looking along the
way with +-57 degrees of yaw noise, one frame in four looking anywhere. The memories are the
first 100, 1,000 and 10,000 frames of one walk (5 km at 10,000). Targets are random poses near
random points of the part of the walk in memory.

What is timed: one `retrieve_with_stats(target, k=5)` call (fast) and one `retrieve_reference`
call per target, after one untimed warm-up call; ray casting and `add` are not timed (the build
time is printed apart). The fast path is timed on every target (median and 90th percentile);
the reference, which scans every frame, on fewer targets at large sizes (the count is in the
table). Every target timed on both paths is checked for identical frames and gains.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from worldstream.geometry.camera import Camera, look_at
from worldstream.geometry.frame import Frame
from worldstream.world.memory import MemoryConfig, SpatialMemory

ROOM = 6.0  # room edge, metres
HEIGHT = 3.0  # ceiling height, metres
DOOR_HALF_WIDTH, DOOR_HEIGHT = 0.6, 2.2
EYE = 1.6  # eye height, metres
STEP = 0.5  # walk distance between frames, metres


def _door_offset(wall: np.ndarray, segment: np.ndarray, axis: int) -> np.ndarray:
    """Where along its wall segment each doorway sits, in rooms from the middle (+-0.3).

    A fixed hash of the wall, so that doorways do not line up into endless vistas.
    """
    h = np.sin(wall * 12.9898 + segment * 78.233 + axis * 37.719) * 43758.5453
    return 0.6 * (h - np.floor(h) - 0.5)


def _walls(origin: np.ndarray, direction: np.ndarray, axis: int, rooms: int) -> np.ndarray:
    """Ray parameter [R] of the first wall hit among the walls normal to `axis` (inf: none)."""
    other = 2 - axis  # the horizontal axis along these walls
    o, d = origin[:, axis], direction[:, axis]
    step = np.sign(d)
    wall = np.floor(o / ROOM) + (step > 0)  # index of the first wall ahead
    t_hit = np.full(len(o), np.inf)
    live = step != 0
    for _ in range(rooms + 1):
        if not live.any():
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (wall * ROOM - o) / d
        y = origin[:, 1] + t * direction[:, 1]
        s = origin[:, other] + t * direction[:, other]
        inner = (wall > 0) & (wall < rooms)
        segment = np.floor(s / ROOM)
        middle = (segment + 0.5 + _door_offset(wall, segment, axis)) * ROOM
        door = inner & (np.abs(s - middle) < DOOR_HALF_WIDTH)
        door &= y < DOOR_HEIGHT
        stop = live & ~door
        t_hit[stop] = t[stop]
        live &= door
        wall = wall + step
    return t_hit


def ray_cast(camera: Camera, rooms: int) -> np.ndarray:
    """Z-depth [H, W] float32 of the room grid seen by `camera`."""
    rays = camera.pixel_rays().reshape(-1, 3)  # [R, 3] camera space, z = 1
    direction = rays @ camera.camera_to_world[:3, :3].T  # [R, 3]: the ray parameter is z-depth
    origin = np.broadcast_to(camera.position, direction.shape)
    with np.errstate(divide="ignore"):
        t_floor = np.where(direction[:, 1] < 0, -origin[:, 1] / direction[:, 1], np.inf)
        t_ceiling = np.where(direction[:, 1] > 0, (HEIGHT - origin[:, 1]) / direction[:, 1], np.inf)
    t = np.minimum(np.minimum(t_floor, t_ceiling), _walls(origin, direction, 0, rooms))
    t = np.minimum(t, _walls(origin, direction, 2, rooms))
    return t.reshape(camera.height, camera.width).astype(np.float32)


def _door(cell: np.ndarray, move: np.ndarray) -> np.ndarray:
    """Centre (x, z) of the doorway from `cell` to its neighbour `cell + move`."""
    axis = 0 if move[0] else 1  # the wall is normal to x when moving along x
    wall = cell[axis] + (move[axis] > 0)
    segment = cell[1 - axis]
    along = (segment + 0.5 + _door_offset(np.array(wall), np.array(segment), 2 * axis)) * ROOM
    door = np.empty(2)
    door[axis], door[1 - axis] = wall * ROOM, along
    return door


def walk(count: int, rooms: int, seed: int, width: int = 64, height: int = 48) -> list[Camera]:
    """Cameras every STEP metres of a walk through the doorways of the room grid.

    The walker explores: it prefers a neighbouring room it has not been in, so the density of
    frames per visited room stays about the same as the walk grows.
    """
    rng = np.random.default_rng(seed)
    cell = np.array([rooms // 2, rooms // 2])
    here = (cell + 0.5) * ROOM
    visited = {tuple(cell)}
    cameras: list[Camera] = []
    while len(cameras) < count:
        moves = [np.array(m) for m in ((1, 0), (-1, 0), (0, 1), (0, -1))]
        moves = [m for m in moves if (cell + m).min() >= 0 and (cell + m).max() < rooms]
        fresh = [m for m in moves if tuple(cell + m) not in visited]
        options = fresh or moves
        move = options[rng.integers(len(options))]
        door = _door(cell, move)
        cell = cell + move
        visited.add(tuple(cell))
        inside = (cell + 0.5) * ROOM + rng.uniform(-1.5, 1.5, 2)
        for a, b in ((here, door), (door, inside)):
            length = float(np.linalg.norm(b - a))
            heading = math.atan2(b[0] - a[0], b[1] - a[1])
            for s in np.arange(0.0, length, STEP):
                xz = a + (b - a) * (s / length)
                yaw = (
                    rng.uniform(-math.pi, math.pi)
                    if rng.random() < 0.25
                    else (heading + rng.uniform(-1.0, 1.0))
                )
                eye = np.array([xz[0], EYE, xz[1]])
                ahead = eye + np.array([math.sin(yaw), rng.normal(0.0, 0.15), math.cos(yaw)])
                cameras.append(Camera.from_fov(60.0, width, height, look_at(eye, ahead)))
        here = inside
    return cameras[:count]


def targets_near(cameras: list[Camera], count: int, seed: int) -> list[Camera]:
    """Random poses within 0.5 m of random walk positions, looking in random horizontal ways."""
    rng = np.random.default_rng(seed)
    out = []
    for i in rng.integers(len(cameras), size=count):
        eye = cameras[i].position + rng.uniform(-1.0, 1.0, 3) * [0.5, 0.3, 0.5]
        yaw = rng.uniform(-math.pi, math.pi)
        ahead = eye + np.array([math.sin(yaw), rng.normal(0.0, 0.15), math.cos(yaw)])
        out.append(cameras[i].with_pose(look_at(eye, ahead)))
    return out


def timed(fn, targets: list[Camera]) -> tuple[list[float], list]:
    """Milliseconds of fn(target) for each target after one warm-up call, and the results."""
    fn(targets[0])
    times, results = [], []
    for target in targets:
        t0 = time.perf_counter()
        results.append(fn(target))
        times.append(1000.0 * (time.perf_counter() - t0))
    return times, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000])
    parser.add_argument("--targets", type=int, default=40, help="fast-path targets per size")
    parser.add_argument("--rooms", type=int, default=40, help="rooms per side of the grid")
    parser.add_argument("--frame", type=int, nargs=2, default=[64, 48], metavar=("W", "H"))
    parser.add_argument("--target-long-side", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    width, height = args.frame
    config = MemoryConfig(target_long_side=args.target_long_side)
    cameras = walk(max(args.sizes), args.rooms, args.seed, width, height)
    memory = SpatialMemory(config)
    rgb = np.broadcast_to(np.zeros(3, np.uint8), (height, width, 3))  # unused by retrieval
    confidence = np.broadcast_to(np.float32(1.0), (height, width))
    rows = []
    build_s = 0.0
    memory.add(Frame(rgb, ray_cast(cameras[0], args.rooms), cameras[0], confidence))
    t0 = time.perf_counter()
    memory.retrieve(cameras[0])  # compiles (or loads from numba's cache) the kernels
    jit_s = time.perf_counter() - t0
    for size in sorted(args.sizes):
        t0 = time.perf_counter()
        for camera in cameras[len(memory) : size]:
            memory.add(Frame(rgb, ray_cast(camera, args.rooms), camera, confidence))
        build_s += time.perf_counter() - t0
        near = targets_near(cameras[:size], args.targets, args.seed + size)
        fast_ms, fast = timed(memory.retrieve_with_stats, near)
        # The reference scans every frame: a few seconds' worth of targets per size.
        reference_targets = near[: max(8, min(len(near), 30_000 // size))]
        reference_ms, reference = timed(memory.retrieve_reference, reference_targets)
        same = sum(f[0] == r for f, r in zip(fast, reference, strict=False))
        stats = [s for _, s in fast]
        rows.append(
            (size, statistics.median(fast_ms), float(np.percentile(fast_ms, 90)),
             statistics.median(reference_ms), len(reference_targets), same,
             statistics.median(s.candidates for s in stats),
             statistics.median(s.points_projected for s in stats),
             statistics.mean(len(f) for f, _ in fast))
        )  # fmt: skip
        print(f"built {size} frames ({build_s:.1f} s, ray casting included)", file=sys.stderr)

    print("# Spatial memory retrieval: indexed `retrieve` vs full-scan `retrieve_reference`\n")
    print(f"- date: {datetime.date.today().isoformat()}")
    print(
        f"- machine: {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, numpy {np.__version__}"
    )
    print(
        f"- walk: {args.rooms}x{args.rooms} rooms of {ROOM:g} m, a {width}x{height} frame "
        f"every {STEP:g} m; coverage counted at {args.target_long_side} px (long side), "
        f"stride {config.stride_for(width, height)}, voxel {config.voxel_size:g} m, "
        f"block {config.block_voxels} voxels, k = 5"
    )
    print(
        f"- build: {build_s:.1f} s for {max(args.sizes):,} frames (ray casting included); "
        f"numba compile or cache load before the first retrieval: {jit_s:.1f} s (not timed)"
    )
    print(
        f"- fast: median and 90th percentile over {args.targets} targets; reference: median over "
        "the targets in brackets (fewer at large sizes: it scans every frame); same result: "
        "identical frames and gains on every target timed on both paths\n"
    )
    print(
        "| frames | fast median ms | fast p90 ms | reference median ms (targets) | speed-up "
        "| same result | median candidates | median points projected | mean frames retrieved |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, fast, p90, ref, n_ref, same, cand, pts, picks in rows:
        print(
            f"| {size:,} | {fast:.2f} | {p90:.2f} | {ref:.1f} ({n_ref}) | {ref / fast:.0f}x "
            f"| {same}/{n_ref} | {cand:g} | {pts:,.0f} | {picks:.1f} |"
        )


if __name__ == "__main__":
    main()
