"""Before/after previews of exemplar inpainting on a real photo: docs/images/inpaint-*.png.

Run: python scripts/inpaint_preview.py [--out docs/images]

The photo is scikit-image's stereo_motorcycle (left view: a motorcycle in an indoor garage),
scaled so that a 512x384 window can move inside it. The source is the window at the top left,
as an earlier frame of the world; each target is another window, and its hole is what a world
built from the source would not cover:
  - turn: the camera pans right and down; the bands the source never saw are the hole (no
    ground truth inside the source, so this shows continuation);
  - disocclusion: the same window plus slivers beside the motorcycle, as if it had been a
    foreground object seen from elsewhere; these pixels do exist in the source, so a good
    completion copies them back (the PSNR inside the slivers is printed);
  - walk-in: a large hole in the middle of the view (50 % of the image), filled from both.
Each image shows: target with its hole (magenta) | completion | ground truth; the source is
written once, as inpaint-source.png.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from skimage import data

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from worldstream.generate.inpaint import Source, inpaint

W, H = 512, 384
SHIFT_X, SHIFT_Y = 72, 24  # the target window's offset from the source window


def scene() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(photo scaled so both windows fit [h, w, 3], source window, target window), float32."""
    photo = data.stereo_motorcycle()[0]  # [500, 741, 3] uint8
    scale = (H + SHIFT_Y) / photo.shape[0]
    big = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    big = big.astype(np.float32) / 255.0
    x0 = (big.shape[1] - W - SHIFT_X) // 2
    source = big[:H, x0 : x0 + W]
    target = big[SHIFT_Y : SHIFT_Y + H, x0 + SHIFT_X : x0 + SHIFT_X + W]
    return big, source, target


def holes(target: np.ndarray) -> dict[str, np.ndarray]:
    yy, xx = np.mgrid[:H, :W]
    turn = (xx >= W - SHIFT_X) | (yy >= H - SHIFT_Y)
    # Slivers beside long vertical edges, 6 px wide, on the side away from the camera's step:
    # what a foreground object uncovers when the camera moves sideways.
    grey = cv2.cvtColor((target * 255).astype(np.uint8), cv2.COLOR_RGB2GRAY)
    gx = cv2.Sobel(cv2.GaussianBlur(grey, (5, 5), 0), cv2.CV_32F, 1, 0)
    strong = (np.abs(gx) > 120).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(strong)
    tall = np.isin(labels, np.flatnonzero(stats[:, cv2.CC_STAT_HEIGHT] >= 25)[1:])
    sliver = cv2.dilate(tall.astype(np.uint8), np.ones((1, 6), np.uint8), anchor=(0, 0)) > 0
    walk_in = ((yy - 190) / 120.0) ** 2 + ((xx - 250) / 150.0) ** 2 < 1.0
    walk_in |= xx >= W - SHIFT_X
    return {"turn": turn, "disocclusion": sliver & ~turn, "walk-in": walk_in}


def to_uint8(image: np.ndarray) -> np.ndarray:
    return (np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8)


def panel(target: np.ndarray, hole: np.ndarray, result: np.ndarray, truth: np.ndarray):
    shown = target.copy()
    shown[hole] = (1.0, 0.0, 1.0)
    gap = np.ones((H, 6, 3), np.float32)
    return to_uint8(np.concatenate([shown, gap, result, gap, truth], axis=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    _, source, truth = scene()
    retrieved = [Source(source, np.ones((H, W), np.bool_))]
    Image.fromarray(to_uint8(source)).save(args.out / "inpaint-source.png", optimize=True)
    for name, hole in holes(truth).items():
        target = np.where(hole[..., None], 0.0, truth).astype(np.float32)
        inpaint(target, hole, retrieved, seed=args.seed)  # compile or load the kernels
        t0 = time.perf_counter()
        result = inpaint(target, hole, retrieved, seed=args.seed)
        seconds = time.perf_counter() - t0
        mse = float(((result.rgb - truth)[hole] ** 2).mean())
        from_source = float((result.source_of[hole] == 1).mean())
        print(
            f"{name}: hole {hole.mean():.1%}, {seconds:.2f} s, PSNR in hole "
            f"{10 * np.log10(1 / mse):.1f} dB, {from_source:.0%} of hole pixels from the source"
        )
        image = panel(target, hole, result.rgb, truth)
        Image.fromarray(image).save(args.out / f"inpaint-{name}.png", optimize=True)


if __name__ == "__main__":
    main()
