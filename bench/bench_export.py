"""Time the world exports (PLY, SPZ, GLB) and measure their size, for 1 M splats at SH degree 0.

Run: python bench/bench_export.py [--splats 1000000] [--sh3-splats 200000] [--runs 3]

Each export runs in memory (bytes out, as ExportWorld streams them): PLY is
`world.export.ply_bytes` (INRIA layout, float32), SPZ is `world.export_spz.spz_bytes` (v3, gzip,
through gsply), GLB is `world.export_gltf.gltf_bytes` (KHR_gaussian_splatting, float attributes
plus an 8-bit COLOR_0 fallback). The random world: positions uniform in a 40 m box, scales
log-uniform 5-50 mm, random rotations, opacity = sigmoid(N(0, 2)), DC ~ N(0, 1) and higher SH
~ N(0, 0.3). Random data is the worst case for SPZ's gzip stage; trained worlds compress better.
Times are medians after one warm-up run; a second table repeats the exports at SH degree 3 with
fewer splats (--sh3-splats 0 skips it).
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
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import numpy as np
from machine import cpu_name  # bench/ is on sys.path when a bench runs as a script

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from worldstream.geometry.gaussians import Gaussians
from worldstream.world.export_gltf import gltf_bytes
from worldstream.world.export_ply import ply_bytes
from worldstream.world.export_spz import spz_bytes

FORMATS: dict[str, Callable[[Gaussians], bytes]] = {
    "PLY": ply_bytes,
    "SPZ": spz_bytes,
    "GLB": gltf_bytes,
}


def random_world(n: int, sh_degree: int, seed: int = 0) -> Gaussians:
    rng = np.random.default_rng(seed)
    k = (sh_degree + 1) ** 2
    sh = rng.normal(0.0, 0.3, (n, k, 3)).astype(np.float32)
    sh[:, 0] = rng.normal(0.0, 1.0, (n, 3))
    quats = rng.normal(size=(n, 4))
    quats /= np.linalg.norm(quats, axis=1, keepdims=True)
    return Gaussians.from_numpy(
        {
            "means": rng.uniform(-20.0, 20.0, (n, 3)),
            "quats": quats,
            "log_scales": rng.uniform(math.log(0.005), math.log(0.05), (n, 3)),
            "opacity_logits": rng.normal(0.0, 2.0, n),
            "sh": sh,
        }
    )


def timed(fn: Callable[[], bytes], runs: int) -> tuple[float, int]:
    """(median seconds, size in bytes) over `runs` after a warm-up."""
    size = len(fn())  # warm-up: page faults, numba and gsply caches
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), size


def table(n: int, sh_degree: int, runs: int) -> list[str]:
    world = random_world(n, sh_degree)
    rows = [
        f"{n:,} splats, SH degree {sh_degree}:",
        "",
        "| format | median | splats/s | size | bytes/splat |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, export in FORMATS.items():
        seconds, size = timed(lambda export=export: export(world), runs)
        rows.append(
            f"| {name} | {1000 * seconds:,.0f} ms | {n / seconds / 1e6:.2f} M "
            f"| {size / 1e6:,.1f} MB | {size / n:.1f} |"
        )
    return [*rows, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splats", type=int, default=1_000_000)
    parser.add_argument("--sh3-splats", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    today = datetime.date.today().isoformat()
    print(
        f"`bench/bench_export.py --runs {args.runs}`, {today}, {platform.machine()} "
        f"({cpu_name()}), {os.cpu_count()} CPUs, {platform.system()}, "
        f"Python {platform.python_version()}, numpy {np.__version__}, gsply {version('gsply')}, "
        f"pygltflib {version('pygltflib')}. Median of {args.runs} after a warm-up, in memory."
    )
    print()
    lines = table(args.splats, 0, args.runs)
    if args.sh3_splats > 0:
        lines += table(args.sh3_splats, 3, args.runs)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
