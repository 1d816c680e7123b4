"""Time the CPU splat renderer (numba) at 512x384 for 10k, 100k and 1M random splats.

Run: python bench/bench_render.py [--sizes 10000 100000 1000000] [--runs 5]

Splats fill the view frustum between 2 and 10 m with log-uniform scales of 5-50 mm per axis,
random rotations, opacity = sigmoid(N(0, 2)) and SH degree 0 (option --sh-degree). JIT
compilation is timed separately (first call on a tiny scene) and excluded from the medians.
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
from worldstream.geometry.gaussians import Gaussians
from worldstream.render.cpu import render_cpu, threads
from worldstream.render.reference import render_reference


def random_scene(n: int, camera: Camera, sh_degree: int, seed: int) -> Gaussians:
    """n splats inside the camera's frustum (camera at the origin looking down +z)."""
    rng = np.random.default_rng(seed)
    tan_x = 0.5 * camera.width / camera.K[0, 0]
    tan_y = 0.5 * camera.height / camera.K[1, 1]
    z = rng.uniform(2.0, 10.0, n)
    means = np.stack(
        [rng.uniform(-1, 1, n) * z * tan_x, -rng.uniform(-1, 1, n) * z * tan_y, z], axis=1
    )  # [N, 3]
    k = (sh_degree + 1) ** 2
    sh = rng.normal(0.0, 0.3, (n, k, 3))  # [N, K, 3]
    sh[:, 0] = rng.normal(0.0, 1.0, (n, 3))
    return Gaussians.from_numpy(
        {
            "means": means,
            "quats": rng.normal(size=(n, 4)),
            "log_scales": rng.uniform(math.log(0.005), math.log(0.05), (n, 3)),
            "opacity_logits": rng.normal(0.0, 2.0, n),
            "sh": sh,
        }
    )


def median_ms(fn, runs: int) -> float:
    fn()  # warm-up: caches, page faults
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000.0 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--height", type=int, default=384)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sh-degree", type=int, default=0)
    parser.add_argument("--reference-n", type=int, default=2000)
    args = parser.parse_args()

    pose = look_at((0.0, 0.0, 0.0), (0.0, 0.0, 1.0))
    camera = Camera.from_fov(60.0, args.width, args.height, pose)

    t0 = time.perf_counter()
    render_cpu(random_scene(16, camera.resized(32, 24), args.sh_degree, 0), camera.resized(32, 24))
    jit_s = time.perf_counter() - t0

    print(f"# CPU splat renderer, {args.width}x{args.height}, SH degree {args.sh_degree}")
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"os.cpu_count()={os.cpu_count()}, numba threads={threads()}"
    )
    print(f"date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"first call (JIT compile or cache load, excluded below): {jit_s:.2f} s\n")
    print("| N | median ms | splats/s | coverage (mean alpha) |")
    print("|---:|---:|---:|---:|")
    for n in args.sizes:
        scene = random_scene(n, camera, args.sh_degree, seed=n)
        ms = median_ms(lambda s=scene: render_cpu(s, camera), args.runs)
        alpha = float(render_cpu(scene, camera).alpha.mean())
        print(f"| {n:,} | {ms:.1f} | {n / ms * 1000:,.0f} | {alpha:.3f} |")

    small = camera.resized(128, 96)
    n = args.reference_n
    scene = random_scene(n, small, args.sh_degree, seed=1)
    ref_ms = median_ms(lambda: render_reference(scene, small), max(1, args.runs // 2))
    fast_ms = median_ms(lambda: render_cpu(scene, small), args.runs)
    print(f"\nreference vs fast at N={n:,}, 128x96:")
    print("| renderer | median ms | speed-up |")
    print("|---|---:|---:|")
    print(f"| reference (numpy) | {ref_ms:.1f} | 1x |")
    print(f"| cpu (numba) | {fast_ms:.2f} | {ref_ms / fast_ms:.0f}x |")


if __name__ == "__main__":
    main()
