"""The quantized tile codec (WSQT) against SPZ on the same splats: size, render PSNR, speed.

Run: python bench/bench_codec.py [--runs 5] [--sh3-splats 200000]

Worlds (each encoded as one tile, in `codec.spatial_order`, engine frame glTF), lifted as the
server lifts a created world's seed photo (`lift_seed`: a staggered front layer at partial
opacity and a half-resolution back layer, colours fitted; 1.25 splats per pixel):
  (a) coffee: skimage's coffee photo seeded by the `prior` generator, 600x400 -> 300,000 splats,
      SH degree 0; rendered from the seed camera and from that camera moved 0.3 m to the right.
  (b) rooms: the two-room ground-truth scene's "spawn" frame at 512x384 -> 245,760 splats;
      rendered from spawn and from spawn moved 0.3 m to the right.
  (b') rooms, plain lift: the same frame as one opaque splat per pixel (`lift_new`, the lift
      before `lift_seed`), kept because its depth order is fragile: see the jitter floor.
  (c) anisotropic: random rotations, log scales uniform in [ln 3 mm, ln 30 mm] per axis,
      opacity = sigmoid(N(0, 2)), DC ~ N(0, 0.8) and higher SH bands ~ N(0, 0.1 / l) for band l
      (trained worlds keep small view-dependent terms), SH degree 3, 4 m cube 2-6 m ahead.

Timed: `codec.encode` (arrays -> bytes) and `codec.decode` (bytes -> float32 arrays), one
thread (the kernels are plain njit, no prange); SPZ: `world.export_spz.spz_bytes` (gsply, gzip)
and `gsply.read_spz` of the same bytes from a file on tmpfs-like temp storage (gsply reads
paths only; the file is written before the clock starts). Medians of `--runs` after a warm-up,
as wall time and as this thread's CPU time (the machine is shared; CPU time is what one core
gives). PSNR: the CPU renderer's image of the decoded splats against the image of the float
splats, same order, same camera. "jitter floor": the float world with every mean moved by up to
1 um, against the float world. It measures how much the renderer's depth sort (float32 depth,
ties by index) reshuffles coplanar neighbours of a lifted world for sub-micron changes: in the
plain rooms lift (opaque splats, textured oblique walls) both codecs land on it; the seed lift's
staggered, partly transparent front layer keeps one order under such changes.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import gsply
import numpy as np
from machine import cpu_name  # bench/ is on sys.path when a bench runs as a script

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from skimage import data

from worldstream.generate import get_generator
from worldstream.geometry.camera import Camera, intrinsics_from_fov
from worldstream.geometry.gaussians import Gaussians
from worldstream.reconstruct.fit import psnr
from worldstream.reconstruct.lift import lift_new
from worldstream.reconstruct.seed_lift import lift_seed
from worldstream.render import render
from worldstream.testing.rooms import two_room_scene
from worldstream.tiles import codec
from worldstream.world.export_spz import gltf_to_spz_frame, spz_bytes

Arrays = dict[str, np.ndarray]


def moved_right(camera: Camera, metres: float) -> Camera:
    view = camera.world_to_camera.copy()
    view[0, 3] -= metres  # camera x axis is "right": the centre moves +metres along it
    return Camera(camera.K, view, camera.width, camera.height)


def coffee() -> tuple[Arrays, list[Camera]]:
    frame, _ = get_generator("prior").seed(data.coffee(), 60.0)
    world = lift_seed(frame).to_numpy()
    return world, [frame.camera, moved_right(frame.camera, 0.3)]


def rooms(plain: bool = False) -> tuple[Arrays, list[Camera]]:
    scene = two_room_scene()
    frame = scene.frame(scene.camera("spawn", 512, 384))
    lifted = lift_new(frame, Gaussians.empty()) if plain else lift_seed(frame)
    return lifted.to_numpy(), [frame.camera, moved_right(frame.camera, 0.3)]


def anisotropic(n: int, seed: int = 0) -> tuple[Arrays, list[Camera]]:
    rng = np.random.default_rng(seed)
    quats = rng.normal(size=(n, 4))
    quats /= np.linalg.norm(quats, axis=1, keepdims=True)
    sh = np.zeros((n, 16, 3))
    sh[:, 0] = rng.normal(0.0, 0.8, (n, 3))
    for band, (lo, hi) in enumerate([(1, 4), (4, 9), (9, 16)], start=1):
        sh[:, lo:hi] = rng.normal(0.0, 0.1 / band, (n, hi - lo, 3))
    world = {
        "means": rng.uniform([-2.0, -2.0, -6.0], [2.0, 2.0, -2.0], (n, 3)),
        "quats": quats,
        "log_scales": rng.uniform(math.log(0.003), math.log(0.03), (n, 3)),
        "opacity_logits": rng.normal(0.0, 2.0, n),
        "sh": sh,
    }
    view = np.diag([1.0, -1.0, -1.0, 1.0])  # at the origin looking down -Z, +Y up
    camera = Camera(intrinsics_from_fov(60.0, 480, 360), view, 480, 360)
    return {k: v.astype(np.float32) for k, v in world.items()}, [camera]


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """(median wall seconds, median thread CPU seconds) over `runs` after a warm-up."""
    fn()
    wall, cpu = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.thread_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.thread_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def codec_round_trip(world: Arrays, runs: int) -> tuple[int, Arrays, tuple, tuple]:
    origin = np.floor(world["means"].min(axis=0)).astype(np.float64)
    args = (origin, world["means"], world["quats"], world["log_scales"],
            world["opacity_logits"], world["sh"], 1)  # fmt: skip
    payload = codec.encode(*args)
    tile = codec.decode(payload)
    decoded = {
        "means": tile.absolute_positions().astype(np.float32),
        "quats": tile.quats,
        "log_scales": tile.log_scales,
        "opacity_logits": tile.opacity_logits,
        "sh": tile.sh,
    }
    return (
        len(payload),
        decoded,
        timed(lambda: codec.encode(*args), runs),
        timed(lambda: codec.decode(payload), runs),
    )


def spz_round_trip(world: Arrays, runs: int, tmp: Path) -> tuple[int, Arrays, tuple, tuple]:
    gaussians = Gaussians.from_numpy(world)
    blob = spz_bytes(gaussians)
    path = tmp / "world.spz"
    path.write_bytes(blob)
    read = gsply.read_spz(path)
    n = read.means.shape[0]
    rest = read.shN if read.shN is not None else np.zeros((n, 0, 3))
    sh = np.concatenate([read.sh0[:, None, :], np.asarray(rest).reshape(n, -1, 3)], axis=1)
    back = gltf_to_spz_frame(  # its own inverse
        {
            "means": read.means,
            "quats": read.quats,
            "log_scales": read.scales,
            "opacity_logits": read.opacities,
            "sh": sh,
        }
    )
    decoded = {k: np.asarray(v, dtype=np.float32) for k, v in back.items()}
    return (
        len(blob),
        decoded,
        timed(lambda: spz_bytes(gaussians), runs),
        timed(lambda: gsply.read_spz(path), runs),
    )


def psnrs(world: Arrays, decoded: Arrays, cameras: list[Camera]) -> list[float]:
    out = []
    for camera in cameras:
        before = render(Gaussians.from_numpy(world), camera).rgb
        after = render(Gaussians.from_numpy(decoded), camera).rgb
        out.append(psnr(after, before))
    return out


def jitter_floor(world: Arrays, cameras: list[Camera]) -> list[float]:
    rng = np.random.default_rng(0)
    jittered = {**world, "means": world["means"] + rng.uniform(-1e-6, 1e-6, world["means"].shape)}
    return psnrs(world, {k: v.astype(np.float32) for k, v in jittered.items()}, cameras)


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds / 1e6:.1f} M/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sh3-splats", type=int, default=200_000)
    args = parser.parse_args()

    worlds = {"(a) coffee, SH 0": coffee(), "(b) rooms, SH 0": rooms(),
              "(b') rooms, plain lift, SH 0": rooms(plain=True),
              "(c) anisotropic, SH 3": anisotropic(args.sh3_splats)}  # fmt: skip
    print(
        f"`bench/bench_codec.py --runs {args.runs}`, {datetime.date.today().isoformat()}, "
        f"{platform.machine()} ({cpu_name()}), {os.cpu_count()} CPUs, {platform.system()}, "
        f"Python {platform.python_version()}, numpy {np.__version__}, gsply {gsply.__version__}."
        f" Medians of {args.runs} after a warm-up; speed = splats / median (wall | thread CPU)."
    )
    print()
    print("| world | splats | format | bytes/splat | PSNR dB (per camera) | jitter floor dB "
          "| encode wall | encode CPU | decode wall | decode CPU |")  # fmt: skip
    print("|---|---:|---|---:|---|---|---:|---:|---:|---:|")
    ratios = []
    with tempfile.TemporaryDirectory(prefix="bench-codec-") as tmp:
        for name, (world, cameras) in worlds.items():
            order_s = timed(lambda world=world: codec.spatial_order(world["means"]), 1)[0]
            order = codec.spatial_order(world["means"])
            world = {k: np.ascontiguousarray(v[order]) for k, v in world.items()}
            n = len(world["means"])
            floor = jitter_floor(world, cameras)
            rows = {
                "WSQT v1": codec_round_trip(world, args.runs),
                "SPZ v3 (gsply)": spz_round_trip(world, args.runs, Path(tmp)),
            }
            for fmt, (size, decoded, enc, dec) in rows.items():
                quality = ", ".join(f"{p:.1f}" for p in psnrs(world, decoded, cameras))
                print(
                    f"| {name} | {n:,} | {fmt} | {size / n:.2f} | {quality} "
                    f"| {', '.join(f'{p:.1f}' for p in floor)} "
                    f"| {rate(n, enc[0])} | {rate(n, enc[1])} | {rate(n, dec[0])} "
                    f"| {rate(n, dec[1])} |"
                )
            ours, spz = rows["WSQT v1"], rows["SPZ v3 (gsply)"]
            ratios.append(
                f"| {name} | {ours[0] / spz[0]:.2f} | {spz[2][0] / ours[2][0]:.1f}x "
                f"| {spz[3][0] / ours[3][0]:.1f}x | {1000 * order_s:.0f} ms |"
            )
    print()
    print("| world | size vs SPZ | encode speed vs SPZ | decode speed vs SPZ | spatial_order |")
    print("|---|---:|---:|---:|---:|")
    print("\n".join(ratios))


if __name__ == "__main__":
    main()
