"""Time LOD pyramid building per tile (numba fast path vs the plain-loop reference) on realistic
worlds, and check the geometric error by rendering levels from where it is 16, 4 and 1 px.

Run: python bench/bench_lod.py [--runs 5] [--size 256 192]

Worlds: skimage's coffee photo (600x400) seeded by the `prior` generator and lifted with
`lift_new` (240,000 splats), and the two-room scene lifted from its exact 512x384 "spawn" frame;
both cut into 4 m tiles by `build_tiles`. Timed: `build_lod` (all levels, default options) on
every tile, median of --runs after one warm-up call (JIT or cache load, reported apart); the
reference once per tile. Levels: count, geometric error, cell edge and the fraction of level 0's
opacity-weighted mass kept, under both saturation modes. Renders: for the largest tile of each
world, levels 1 and 2 against level 0 (numba CPU renderer, black background) from a camera on
the line from the tile's central splat towards the seed camera, at the distance where the
level's screen-space error (geometric error x focal / distance) is 16, 4 and 1 px.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from machine import cpu_name  # bench/ is on sys.path when a bench runs as a script
from skimage import data

from worldstream.generate import get_generator
from worldstream.geometry.camera import Camera, look_at
from worldstream.geometry.gaussians import Gaussians
from worldstream.reconstruct.lift import lift_new
from worldstream.render import render
from worldstream.testing.rooms import two_room_scene
from worldstream.tiles.grid import Tile, build_tiles
from worldstream.tiles.lod import LodLevel, build_lod, opacity_mass
from worldstream.tiles.lod_reference import build_lod_reference

TILE_M = 4.0


def coffee_world() -> tuple[Gaussians, Camera]:
    frame, _ = get_generator("prior").seed(data.coffee(), 60.0)
    return lift_new(frame, Gaussians.empty()), frame.camera


def rooms_world() -> tuple[Gaussians, Camera]:
    scene = two_room_scene()
    frame = scene.frame(scene.camera("spawn", 512, 384))
    return lift_new(frame, Gaussians.empty()), frame.camera


def tile_arrays(world: dict[str, np.ndarray], tile: Tile) -> dict[str, np.ndarray]:
    arrays = {name: values[tile.indices] for name, values in world.items()}
    return {**arrays, "box_min": tile.box_min, "box_max": tile.box_max}


def median_s(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def to_gaussians(level: LodLevel) -> Gaussians:
    names = ("means", "quats", "log_scales", "opacity_logits", "sh")
    return Gaussians.from_numpy({name: getattr(level, name) for name in names})


def mass(level: LodLevel) -> float:
    return float(opacity_mass(level.opacity_logits, level.log_scales).sum())


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    return float(10.0 * np.log10(1.0 / max(float(np.mean((a - b) ** 2)), 1e-12)))


COVERED = 0.05  # alpha above which a pixel counts as showing the tile


def view_at_error(levels, k, sse_px, seed_camera, size) -> tuple[Camera, float]:
    """A camera from which level k's geometric error spans `sse_px` pixels at its target."""
    means = levels[0].means.astype(np.float64)
    target = means[np.argmin(np.linalg.norm(means - means.mean(axis=0), axis=1))]
    towards = seed_camera.position - target
    towards /= np.linalg.norm(towards)
    camera = Camera.from_fov(60.0, size[0], size[1], np.eye(4))
    distance = levels[k].geometric_error * camera.K[1, 1] / sse_px
    return camera.with_pose(look_at(target + distance * towards, target)), distance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, nargs=2, default=[256, 192])
    args = parser.parse_args()

    print("# LOD pyramid building")
    print(f"machine: {cpu_name()}, os.cpu_count()={os.cpu_count()}, numba single thread")
    print(f"date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}")
    t0 = time.perf_counter()
    tiny = np.zeros((2, 3)), np.tile([1.0, 0, 0, 0], (2, 1)), np.zeros((2, 3))
    build_lod(*tiny, np.zeros(2), np.zeros((2, 1, 3)), np.full(3, -1.0), np.ones(3), min_splats=1)
    print(
        f"first call (JIT compile or cache load, excluded below): {time.perf_counter() - t0:.2f} s"
    )

    worlds = {}
    for name, make in (("coffee", coffee_world), ("rooms", rooms_world)):
        gaussians, seed_camera = make()
        tiles = build_tiles(gaussians, TILE_M, 1)
        arrays = gaussians.to_numpy()
        ordered = sorted(tiles.values(), key=lambda t: -t.splat_count)
        worlds[name] = ([tile_arrays(arrays, t) for t in ordered], seed_camera)

    print("\n## Speed: all levels of every tile")
    print(
        "| world | tiles | splats | fast ms | fast splats/s | reference ms | ref splats/s | ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, (tiles, _) in worlds.items():
        splats = sum(len(t["means"]) for t in tiles)
        fast = sum(median_s(lambda t=t: build_lod(**t), args.runs) for t in tiles)
        slow = sum(median_s(lambda t=t: build_lod_reference(**t), 1) for t in tiles)
        print(
            f"| {name} | {len(tiles)} | {splats:,} | {fast * 1e3:.1f} | {splats / fast:,.0f} "
            f"| {slow * 1e3:,.0f} | {splats / slow:,.0f} | {slow / fast:.0f}x |"
        )
    largest = worlds["coffee"][0][0]
    cut = {k: (v[:50_000] if k not in ("box_min", "box_max") else v) for k, v in largest.items()}
    ms = 1e3 * median_s(lambda: build_lod(**cut), args.runs)
    print(f"\nOne 50,000-splat tile (the first 50k splats of coffee's largest): {ms:.1f} ms")

    print("\n## Levels of the largest tile of each world")
    print(
        "| world | splats | level | count | ratio | geometric error m | cell m | mass kept "
        "spread | mass kept clamp |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, (tiles, _) in worlds.items():
        for t in tiles[:1]:
            spread, clamp = build_lod(**t), build_lod(**t, saturation="clamp")
            m0 = mass(spread[0])
            for k, (a, b) in enumerate(zip(spread, clamp, strict=True)):
                ratio = f"{len(a) / len(spread[k - 1]):.3f}" if k else ""
                print(
                    f"| {name} | {len(spread[0]):,} | {k} | {len(a):,} | {ratio} "
                    f"| {a.geometric_error:.4f} | {a.cell_edge:.4f} | {mass(a) / m0:.3f} "
                    f"| {mass(b) / m0:.3f} |"
                )

    print(f"\n## PSNR of a level against level 0, largest tile, {args.size[0]}x{args.size[1]}")
    print(f"(PSNR covered: over pixels where either render has alpha > {COVERED})")
    print(
        "| world | saturation | level | SSE px | distance m | PSNR dB | PSNR covered dB "
        "| covered | alpha lvl 0 | alpha lvl |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, (tiles, seed_camera) in worlds.items():
        for saturation in ("spread", "clamp"):
            levels = build_lod(**tiles[0], saturation=saturation)
            fine = to_gaussians(levels[0])
            for k in (1, 2):
                coarse = to_gaussians(levels[k])
                for sse in (16.0, 4.0, 1.0):
                    camera, distance = view_at_error(levels, k, sse, seed_camera, args.size)
                    a = render(fine, camera, backend="cpu")
                    b = render(coarse, camera, backend="cpu")
                    covered = (a.alpha > COVERED) | (b.alpha > COVERED)
                    print(
                        f"| {name} | {saturation} | {k} | {sse:.0f} | {distance:.2f} "
                        f"| {psnr(a.rgb, b.rgb):.1f} | {psnr(a.rgb[covered], b.rgb[covered]):.1f} "
                        f"| {covered.mean():.2f} | {a.alpha.mean():.3f} | {b.alpha.mean():.3f} |"
                    )


if __name__ == "__main__":
    main()
