"""Time the surface mesh and colliders on the two-room scene: TSDF fusion, marching cubes, cleanup.

Run: python bench/bench_mesh.py [--frames 8] [--width 256] [--height 192] [--voxel 0.02]
[--tile-size 4] [--budget 2000] [--runs 3]

Frames are exact renders of `testing.rooms.two_room_scene()` from its four named viewpoints plus
cameras inside both rooms (the same views as tests/test_mesh.py). JIT compilation (or loading it
from numba's cache) is timed separately on a tiny frame and excluded. Each stage is timed over
`--runs` runs from scratch and the median reported; memory is the fused volume's block storage
(`TsdfVolume.nbytes`) and the process's peak RSS after the first run (later runs only add
allocator fragmentation).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from machine import cpu_name  # bench/ is on sys.path when a bench runs as a script

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from worldstream.geometry.camera import Camera, look_at
from worldstream.reconstruct.colliders import colliders
from worldstream.reconstruct.mesh import TsdfConfig, TsdfVolume, clean_mesh
from worldstream.testing.rooms import two_room_scene

EXTRA_VIEWS = (
    ((4.2, 1.5, 5.5), (1.5, 0.5, 2.0)),
    ((1.0, 1.7, 1.0), (3.5, 0.4, 4.5)),
    ((4.5, 1.6, -4.5), (1.5, 0.6, -1.0)),
    ((1.5, 1.6, -1.0), (4.5, 0.5, -4.0)),
    ((2.5, 2.2, 3.0), (2.5, 0.0, 0.5)),
    ((3.0, 2.2, -2.5), (3.0, 0.0, -4.5)),
)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=8)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--height", type=int, default=192)
    parser.add_argument("--voxel", type=float, default=0.02)
    parser.add_argument("--tile-size", type=float, default=4.0)
    parser.add_argument("--budget", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    scene = two_room_scene()
    cameras = [scene.camera(name, args.width, args.height) for name in scene.viewpoints]
    cameras += [
        Camera.from_fov(60.0, args.width, args.height, look_at(eye, target))
        for eye, target in EXTRA_VIEWS
    ]
    frames = [scene.frame(camera) for camera in cameras[: args.frames]]
    config = TsdfConfig(voxel_size=args.voxel)

    warm = TsdfVolume(config)
    jit_s, _ = timed(lambda: warm.integrate(scene.frame(scene.camera("spawn", 32, 24))))
    rss_start = peak_rss_mib()  # imports (torch among them), the scene and its frames
    rss_first = rss_start

    per_frame: list[list[float]] = [[] for _ in frames]
    totals, marching, cleanup, collide = [], [], [], []
    for run in range(args.runs):
        volume = TsdfVolume(config)
        t_start = time.perf_counter()
        for i, frame in enumerate(frames):
            per_frame[i].append(timed(lambda f=frame, v=volume: v.integrate(f))[0])
        totals.append(time.perf_counter() - t_start)
        t, raw = timed(lambda v=volume: v.extract_mesh(clean=False))
        marching.append(t)
        t, mesh = timed(lambda m=raw: clean_mesh(m, config.min_component_area, config.voxel_size))
        cleanup.append(t)
        t, pieces = timed(lambda m=mesh: colliders(m, args.tile_size, args.budget))
        collide.append(t)
        if run == 0:
            rss_first = peak_rss_mib()
        if run + 1 < args.runs:  # one run's data alive at a time
            del volume, raw, mesh, pieces
    med = statistics.median
    frame_ms = [1000.0 * med(times) for times in per_frame]
    tri_per_tile = [len(p.faces) for p in pieces.values()]

    print(f"# Surface mesh and colliders: two-room scene, {len(frames)} frames")
    print(
        f"machine: {platform.platform()}, {cpu_name()}, os.cpu_count()={os.cpu_count()}, "
        f"Python {platform.python_version()}"
    )
    print(f"date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(
        f"frames {args.width}x{args.height}, voxel {100 * args.voxel:g} cm, truncation "
        f"{config.truncation_voxels:g} voxels, tiles {args.tile_size:g} m, budget "
        f"{args.budget} triangles per tile; medians of {args.runs} runs"
    )
    print(f"first call (JIT compile or cache load, excluded below): {jit_s:.2f} s\n")
    print("| stage | median | notes |")
    print("|---|---:|---|")
    print(
        f"| TSDF fusion, per frame | {med(frame_ms):.0f} ms | "
        f"min {min(frame_ms):.0f} / max {max(frame_ms):.0f} ms (first frames allocate most) |"
    )
    print(f"| TSDF fusion, all {len(frames)} frames | {1000 * med(totals):.0f} ms | |")
    print(f"| marching cubes | {1000 * med(marching):.0f} ms | {len(raw.faces):,} raw triangles |")
    print(
        f"| cleanup (merge, degenerate, components) | {1000 * med(cleanup):.0f} ms | "
        f"{len(mesh.faces):,} triangles, {len(mesh.vertices):,} vertices |"
    )
    print(
        f"| colliders | {1000 * med(collide):.0f} ms | {len(pieces)} tiles, "
        f"{min(tri_per_tile)}-{max(tri_per_tile)} triangles per tile |"
    )
    print(
        f"| memory | {volume.nbytes / 2**20:.0f} MiB | {volume.block_count:,} blocks, "
        f"{volume.voxel_count:,} voxels; peak RSS {rss_first:.0f} MiB after one run "
        f"({rss_start:.0f} MiB before it: imports and frames) |"
    )
    seen = np.concatenate([f.camera.unproject(f.depth)[f.depth > 0] for f in frames])
    extent = seen.max(axis=0) - seen.min(axis=0)
    dense = np.prod(np.ceil(extent / args.voxel))
    per_voxel = volume.nbytes / max(1, volume.voxel_count)
    print(
        f"\nobserved extent {extent[0]:.1f} x {extent[1]:.1f} x {extent[2]:.1f} m: a dense grid "
        f"would hold {dense / 1e6:.0f} M voxels ({dense * 16 / 2**20:.0f} MiB at the same 16 "
        f"bytes per voxel); the blocks hold {volume.voxel_count / dense:.0%} of that "
        f"({per_voxel:.1f} bytes per allocated voxel with keys and growth slack)."
    )


if __name__ == "__main__":
    main()
