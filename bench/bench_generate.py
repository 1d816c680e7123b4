"""Time the classic generator at 512x384 on this machine: the seed, and each extended view.

Run: python bench/bench_generate.py [--width 512] [--runs 3]

Photo: scikit-image's indoor garage ("Motorcycle"), resized to --width. Seed = layout-prior depth
estimation + lifting into splats. Each extended view = generation (render the world, depth
completion, exemplar inpainting from retrieved frames) + reconstruction (lifting the new pixels),
timed apart, along the preview's walk (2 m forward in 4 steps, then a 90-degree turn in 4 steps).
JIT compilation is warmed up on a small run first. Also reports the rooms scene's PSNR on the
pixels the seed saw, 0.5 m and 20 degrees away, against the ideal: the seed photo warped into the
target with the true depth (bicubic).
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from machine import cpu_name  # bench/ is on sys.path when a bench runs as a script

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from PIL import Image
from skimage import data

from worldstream.generate.classic import ClassicGenerator
from worldstream.generate.depth.given import GivenDepth
from worldstream.geometry.camera import Camera, intrinsics_from_fov
from worldstream.reconstruct.fit import psnr
from worldstream.render import render
from worldstream.testing.rooms import two_room_scene
from worldstream.testing.walks import moved, seen_by, walk_and_turn
from worldstream.world.grow import GrowingWorld


def seed_world(generator, rgb, camera=None):
    frame, info = generator.seed(rgb, 60.0, camera=camera)
    return frame, GrowingWorld.seeded(frame, info.layout)


def one_walk(rgb: np.ndarray) -> tuple[float, list[float], list[float]]:
    generator = ClassicGenerator()
    start = time.perf_counter()
    frame, world = seed_world(generator, rgb)
    seed_s = time.perf_counter() - start
    generate, reconstruct = [], []
    for camera in walk_and_turn(frame.camera, 2.0, 90.0, 4):
        t0 = time.perf_counter()
        new = generator.extend_one(world, camera)
        t1 = time.perf_counter()
        world.add(new)
        t2 = time.perf_counter()
        generate.append(t1 - t0)
        reconstruct.append(t2 - t1)
    return seed_s, generate, reconstruct


def rooms_psnr(width: int, height: int) -> list[tuple[float, float, float]]:
    scene = two_room_scene()
    seed = Camera(
        intrinsics_from_fov(60.0, width, height), scene.viewpoints["spawn"], width, height
    )
    truth = scene.frame(seed, 3)
    out = []
    for yaw in (20.0, -20.0):
        generator = ClassicGenerator(GivenDepth(truth.depth))
        _, world = seed_world(generator, truth.rgb, seed)
        target = moved(seed, 0.5, yaw)
        generator.extend(world, [target])
        seen = render(world.gaussians, target)
        gt = scene.render(target, 3)
        mask = seen_by(gt.depth, target, scene.render(seed).depth, seed)
        points = target.unproject(gt.depth).reshape(-1, 3)
        uv, _ = seed.project(points)
        maps = (uv - 0.5).reshape(height, width, 2).astype(np.float32)
        warp = cv2.remap(
            truth.rgb.astype(np.float32) / 255, maps[..., 0], maps[..., 1], cv2.INTER_CUBIC
        )
        truth_rgb = gt.rgb / 255.0
        out.append(
            (
                yaw,
                psnr(seen.rgb[mask], truth_rgb[mask]),
                psnr(np.clip(warp[mask], 0, 1), truth_rgb[mask]),
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    photo = Image.fromarray(data.stereo_motorcycle()[0])
    height = round(photo.height * args.width / photo.width)
    rgb = np.asarray(photo.resize((args.width, height), Image.Resampling.LANCZOS))
    one_walk(np.asarray(photo.resize((96, 64))))  # JIT warm-up
    seeds, generate, reconstruct = [], [], []
    for _ in range(args.runs):
        s, g, r = one_walk(rgb)
        seeds.append(s)
        generate += g
        reconstruct += r
    total = [g + r for g, r in zip(generate, reconstruct, strict=True)]
    print(
        f"# classic generator, {args.width}x{height}, {cpu_name()}, "
        f"{datetime.date.today().isoformat()}, {args.runs} runs"
    )
    print("| step | median s | max s |")
    print("|---|---:|---:|")
    print(f"| seed (layout depth + lift) | {statistics.median(seeds):.2f} | {max(seeds):.2f} |")
    print(f"| view: generate | {statistics.median(generate):.2f} | {max(generate):.2f} |")
    print(f"| view: reconstruct | {statistics.median(reconstruct):.2f} | {max(reconstruct):.2f} |")
    print(f"| view: total | {statistics.median(total):.2f} | {max(total):.2f} |")
    print()
    print("| rooms view, 0.5 m + yaw | splats PSNR on seen pixels | ideal warp PSNR |")
    print("|---|---:|---:|")
    for yaw, ours, ideal in rooms_psnr(args.width, round(args.width * 0.75)):
        print(f"| {yaw:+.0f} deg | {ours:.2f} dB | {ideal:.2f} dB |")


if __name__ == "__main__":
    main()
