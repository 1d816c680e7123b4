"""Write docs/images/layout-motorcycle.png and layout-rooms.png: photo | labels | depth.

Run: python scripts/layout_preview.py

Labels: floor red, ceiling cyan, each wall its own green/blue/yellow/purple, objects orange,
backdrop dark grey, blended over the photo. Depth: log scale from 1 m (warm) to 12 m and beyond
(cool), turbo colour map; for the rooms a fourth panel shows the exact depth on the same scale.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
from skimage import data

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
from worldstream.generate.depth.base import DepthEstimate  # noqa: E402
from worldstream.generate.layout import LayoutDepth  # noqa: E402
from worldstream.geometry.camera import Camera  # noqa: E402
from worldstream.testing.rooms import two_room_scene  # noqa: E402

WALL_COLOURS = ((80, 200, 80), (60, 150, 220), (220, 200, 60), (160, 90, 210))
KIND_COLOURS = {
    "floor": (210, 70, 70),
    "ceiling": (80, 210, 230),
    "object": (255, 140, 0),
    "backdrop": (60, 60, 60),
}


def label_panel(rgb: np.ndarray, estimate: DepthEstimate) -> np.ndarray:
    palette = []
    walls = 0
    for plane in estimate.planes:
        if plane.kind == "wall":
            palette.append(WALL_COLOURS[walls % len(WALL_COLOURS)])
            walls += 1
        else:
            palette.append(KIND_COLOURS[plane.kind])
    colours = np.array(palette, dtype=np.float32)[estimate.labels.astype(np.int64)]
    return (0.55 * colours + 0.45 * rgb).astype(np.uint8)


def depth_panel(depth: np.ndarray) -> np.ndarray:
    known = depth > 0
    t = np.log(np.clip(depth, 1.0, 12.0)) / np.log(12.0)
    grey = (255 * (1.0 - t)).astype(np.uint8)
    out = cv2.applyColorMap(grey, cv2.COLORMAP_TURBO)[..., ::-1]
    out[~known] = 0
    return out


def motorcycle() -> np.ndarray:
    rgb = data.stereo_motorcycle()[0]
    h, w = rgb.shape[:2]
    # Middlebury 2014 Motorcycle calibration at this size (skimage's docstring).
    K = np.array([[994.978, 0, 311.193], [0, 994.978, 254.877], [0, 0, 1]])
    estimate = LayoutDepth().estimate(rgb, Camera(K, np.eye(4), w, h))
    return np.concatenate([rgb, label_panel(rgb, estimate), depth_panel(estimate.depth)], axis=1)


def rooms() -> np.ndarray:
    scene = two_room_scene()
    rows = []
    for view in scene.viewpoints:
        camera = scene.camera(view, 384, 288)
        rendered = scene.render(camera)
        estimate = LayoutDepth().estimate(rendered.rgb, camera)
        panels = [
            rendered.rgb,
            label_panel(rendered.rgb, estimate),
            depth_panel(estimate.depth),
            depth_panel(rendered.depth),
        ]
        rows.append(np.concatenate(panels, axis=1))
    return np.concatenate(rows, axis=0)


def main() -> None:
    out = ROOT / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(out / "layout-motorcycle.png"), motorcycle()[..., ::-1])
    cv2.imwrite(str(out / "layout-rooms.png"), rooms()[..., ::-1])
    print(f"wrote {out / 'layout-motorcycle.png'} and {out / 'layout-rooms.png'}")


if __name__ == "__main__":
    main()
