"""Time exemplar inpainting (multi-scale PatchMatch, numba) at 512x384 on one core.

Run: python bench/bench_inpaint.py [--fractions 0.1 0.3 0.5] [--sources 1 3 5] [--runs 5]
                                   [--out /tmp/results_inpaint.md]

Images: scikit-image's stereo_motorcycle photo (an indoor garage), scaled to 624x452 so that
512x384 windows can move inside it. The target is one window; the retrieved frames are other
windows (offsets up to 112 px and 68 px), all 512x384 and fully valid. The hole is a band at the
right border (half the hole fraction, as when the camera turns) plus ellipses of 10-40 px radii
placed by a fixed seed until the hole fraction is reached (disocclusions and unseen space).

What is timed: one `inpaint(target, hole, frames)` call with the default configuration
(patch 7, 5 pyramid levels), wall clock and process CPU time (less sensitive to other work on
a shared machine), medians of --runs after one untimed call; JIT compile
or cache load is timed once apart. The process is pinned to one CPU (numba kernels are single
threaded; this also keeps numpy on one core). The reference (`inpaint_reference`, exhaustive
search at one scale, 5 iterations) is timed against the fast path at a tiny size (48x36, 30 %
hole, one frame), where it still finishes; the speed-up there is a lower bound of the one at
full size (the exhaustive search grows with hole area times source area).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from machine import cpu_name  # bench/ is on sys.path when a bench runs as a script
from skimage import data

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from worldstream.generate.inpaint import Source, inpaint
from worldstream.generate.inpaint_reference import inpaint_reference

W, H = 512, 384
OFFSETS = [(0, 0), (68, 112), (30, 10), (0, 100), (60, 40), (20, 70)]  # (dy, dx); [0]: target


def photo(width: int, height: int) -> np.ndarray:
    """The garage photo scaled to cover width x height, float32 in [0, 1]."""
    image = data.stereo_motorcycle()[0]
    scale = max(width / image.shape[1], height / image.shape[0])
    image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return image[:height, :width].astype(np.float32) / 255.0


def make_hole(height: int, width: int, fraction: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:height, :width]
    hole = xx >= width - round(width * fraction / 2)
    scale = width / W
    while hole.mean() < fraction:
        cy, cx = rng.uniform(0, height), rng.uniform(0, width * (1 - fraction / 2))
        ry, rx = rng.uniform(10, 40, 2) * scale
        hole |= ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 < 1
    return hole


def windows(big: np.ndarray, width: int, height: int, count: int) -> list[np.ndarray]:
    s = width / W
    return [
        big[round(dy * s) : round(dy * s) + height, round(dx * s) : round(dx * s) + width]
        for dy, dx in OFFSETS[:count]
    ]


def median_seconds(fn, runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of fn() over `runs` calls after an untimed one."""
    fn()
    wall, cpu = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.1, 0.3, 0.5])
    parser.add_argument("--sources", type=int, nargs="+", default=[1, 3, 5])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("/tmp/results_inpaint.md"))
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    big = photo(W + 112, H + 68)
    target, *frames = windows(big, W, H, 1 + max(args.sources))
    sources = [Source(f, np.ones((H, W), np.bool_)) for f in frames]
    t0 = time.perf_counter()
    inpaint(target[:48, :64], make_hole(48, 64, 0.3, 0), sources[:1])
    jit_s = time.perf_counter() - t0

    rows = []
    for fraction in args.fractions:
        hole = make_hole(H, W, fraction, seed=int(fraction * 100))
        masked = np.where(hole[..., None], 0.0, target).astype(np.float32)
        for n in args.sources:
            wall, cpu = median_seconds(lambda: inpaint(masked, hole, sources[:n]), args.runs)  # noqa: B023
            result = inpaint(masked, hole, sources[:n])
            mse = float(((result.rgb - target)[hole] ** 2).mean())
            psnr = 10 * np.log10(1 / mse)
            rows.append((hole.mean(), n, wall, cpu, psnr, result.mean_distance))
            print(f"hole {hole.mean():.0%}, {n} sources: {wall:.3f} s", file=sys.stderr)

    tiny_w, tiny_h = 48, 36
    tiny_big = photo(tiny_w + 11, tiny_h + 7)
    tiny_target, tiny_frame = windows(tiny_big, tiny_w, tiny_h, 2)
    tiny_hole = make_hole(tiny_h, tiny_w, 0.3, seed=1)
    tiny_masked = np.where(tiny_hole[..., None], 0.0, tiny_target).astype(np.float32)
    tiny_sources = [Source(tiny_frame, np.ones((tiny_h, tiny_w), np.bool_))]
    fast_tiny, _ = median_seconds(lambda: inpaint(tiny_masked, tiny_hole, tiny_sources), args.runs)
    ref_tiny, _ = median_seconds(
        lambda: inpaint_reference(tiny_masked, tiny_hole, tiny_sources, iterations=5), 1
    )

    lines = [
        "# Exemplar inpainting: multi-scale PatchMatch (`inpaint`) vs exhaustive reference\n",
        f"- date: {datetime.date.today().isoformat()}",
        f"- machine: {cpu_name()}, {platform.machine()}, pinned to 1 of {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, numpy {np.__version__}",
        f"- command: python bench/bench_inpaint.py --runs {args.runs}",
        f"- target 512x384 garage photo window, frames 512x384 windows at other offsets; "
        f"patch 7, default InpaintConfig; median of {args.runs} after a warm-up; "
        f"JIT compile or cache load {jit_s:.1f} s (not timed)",
        "- PSNR: inside the hole against the true window (the frames overlap it only partly: "
        "a plausibility figure, not a target)\n",
        "| hole | sources | median wall s | median CPU s | PSNR in hole dB | mean patch distance |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for fraction, n, wall, cpu, quality, energy in rows:
        lines.append(
            f"| {fraction:.0%} | {n} | {wall:.3f} | {cpu:.3f} | {quality:.1f} | {energy:.3f} |"
        )
    lines += [
        "",
        f"Reference at {tiny_w}x{tiny_h}, hole {tiny_hole.mean():.0%}, 1 frame: "
        f"exhaustive reference {ref_tiny:.2f} s, fast {1000 * fast_tiny:.1f} ms, "
        f"ratio {ref_tiny / fast_tiny:.0f}x.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
