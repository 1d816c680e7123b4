"""Time LayoutDepth.estimate at 512x384 and measure its depth against ground truth and the prior.

Run: python bench/bench_layout.py [--runs 5]

Timed: one `LayoutDepth().estimate(rgb, camera)` call (segments, vanishing points, superpixels,
box fit, pop-ups, assembly), median of `--runs` after one warm-up, on one process (numpy may use
its own threads; set OMP_NUM_THREADS=1 for a strict one-core figure). Photos, resized to 512x384:
skimage's stereo_motorcycle left image (Middlebury 2014 calibration, scaled), coffee and rocket
(60 deg horizontal field of view, the decoder's default), and the two-room scene's spawn render.

Accuracy: on the four two-room views (exact depth), the up-vector angle error and the median
absolute relative depth error (no rescaling: the eye height gives the scale), overall and per
label kind; on the motorcycle, AbsRel and delta < 1.25 after the best scale (the median of truth
over estimate), depth from disparity as focal / (disparity + doffs) (up to the baseline). The
baseline is generate/prior.py's floor-and-backdrop at the same camera.
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

import cv2
import numpy as np
from machine import cpu_name  # bench/ is on sys.path when a bench runs as a script
from skimage import data

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from worldstream.generate.layout import LayoutDepth
from worldstream.generate.prior import floor_and_backdrop_depth
from worldstream.geometry.camera import Camera
from worldstream.testing.rooms import two_room_scene

W, H = 512, 384
MOTO = dict(focal=994.978, cx=311.193, cy=254.877, doffs=31.086)


def motorcycle() -> tuple[np.ndarray, Camera, np.ndarray]:
    left, _, disparity = data.stereo_motorcycle()
    h, w = left.shape[:2]
    K = np.array([[MOTO["focal"], 0, MOTO["cx"]], [0, MOTO["focal"], MOTO["cy"]], [0, 0, 1]])
    camera = Camera(K, np.eye(4), w, h).resized(W, H)
    rgb = cv2.resize(left, (W, H), interpolation=cv2.INTER_AREA)
    disp = cv2.resize(disparity, (W, H), interpolation=cv2.INTER_NEAREST)
    depth = np.where(np.isfinite(disp), MOTO["focal"] / (disp + MOTO["doffs"]), np.nan)
    return rgb, camera, depth


def default_camera() -> Camera:
    fov_y = math.degrees(2 * math.atan(math.tan(math.radians(30.0)) * H / W))
    return Camera.from_fov(fov_y, W, H, np.eye(4))


def scale_invariant(depth: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    known = np.isfinite(truth) & (truth > 0)
    p = depth[known] * np.median(truth[known] / depth[known])
    g = truth[known]
    return float(np.mean(np.abs(p - g) / g)), float(np.mean(np.maximum(p / g, g / p) < 1.25))


def median_rel(depth: np.ndarray, truth: np.ndarray, mask: np.ndarray) -> float:
    m = mask & (truth > 0)
    return float(np.median(np.abs(depth[m] - truth[m]) / truth[m])) if m.any() else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    estimator = LayoutDepth()
    scene = two_room_scene()

    moto_rgb, moto_cam, moto_depth = motorcycle()
    spawn_cam = scene.camera("spawn", W, H)
    photos = {
        "motorcycle": (moto_rgb, moto_cam),
        "coffee": (
            cv2.resize(data.coffee(), (W, H), interpolation=cv2.INTER_AREA),
            default_camera(),
        ),
        "rocket": (
            cv2.resize(data.rocket(), (W, H), interpolation=cv2.INTER_AREA),
            default_camera(),
        ),
        "two-room spawn": (scene.render(spawn_cam).rgb, spawn_cam),
    }
    print(
        f"# {cpu_name()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{datetime.date.today()}, {W}x{H}, median of {args.runs}"
    )
    print("\n| photo | source | median ms | min ms |\n|---|---|---:|---:|")
    for name, (rgb, camera) in photos.items():
        estimate = estimator.estimate(rgb, camera)
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            estimator.estimate(rgb, camera)
            times.append(time.perf_counter() - t0)
        print(
            f"| {name} | {estimate.source} | {1000 * statistics.median(times):.0f} "
            f"| {1000 * min(times):.0f} |"
        )

    print(
        "\n| two-room view | up error deg | layout med. rel. | prior med. rel. | floor | wall "
        "| object | ceiling |\n|---|---:|---:|---:|---:|---:|---:|---:|"
    )
    for view in scene.viewpoints:
        camera = scene.camera(view, W, H)
        truth = scene.render(camera)
        e = estimator.estimate(truth.rgb, camera)
        up = camera.world_to_camera[:3, :3] @ np.array([0.0, 1.0, 0.0])
        up_err = math.degrees(math.acos(min(1.0, float(e.up @ up))))
        everywhere = np.ones_like(truth.hit)
        kinds = np.array([p.kind for p in e.planes])[e.labels.astype(np.int64)]
        per_kind = [
            median_rel(e.depth, truth.depth, kinds == k)
            for k in ("floor", "wall", "object", "ceiling")
        ]
        print(
            f"| {view} | {up_err:.2f} | {median_rel(e.depth, truth.depth, everywhere):.3f} "
            f"| {median_rel(floor_and_backdrop_depth(camera), truth.depth, everywhere):.3f} | "
            + " | ".join(f"{v:.3f}" for v in per_kind)
            + " |"
        )

    e = estimator.estimate(moto_rgb, moto_cam)
    ours = scale_invariant(e.depth, moto_depth)
    prior = scale_invariant(floor_and_backdrop_depth(moto_cam), moto_depth)
    print("\n| motorcycle | AbsRel | delta<1.25 |\n|---|---:|---:|")
    print(f"| layout ({e.source}) | {ours[0]:.3f} | {ours[1]:.3f} |")
    print(f"| prior (floor and backdrop) | {prior[0]:.3f} | {prior[1]:.3f} |")


if __name__ == "__main__":
    main()
