"""Preview of the classic backend on a real photo: seed, a 2 m walk forward, a 90-degree turn.

Writes docs/images/classic-walk.png: the photo, then what the camera sees at each pose of the
walk (the world rendered after it grew there). Uses the indoor garage photo that ships inside
scikit-image (Middlebury "Motorcycle").

    python scripts/classic_preview.py [--width 512] [--out docs/images/classic-walk.png]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from skimage import data

from worldstream.generate.classic import ClassicGenerator
from worldstream.render import render
from worldstream.testing.walks import walk_and_turn
from worldstream.world.grow import GrowingWorld

DEFAULT_FOV = 60.0


def grow_along_walk(rgb: np.ndarray, steps: int = 4):
    """Seed a world from `rgb`, walk and turn through it; returns the seed, cameras, renders."""
    generator = ClassicGenerator()
    frame, info = generator.seed(rgb, DEFAULT_FOV)
    world = GrowingWorld.seeded(frame, info.layout)
    cameras = walk_and_turn(frame.camera, 2.0, 90.0, steps)
    renders = []
    for camera in cameras:
        generator.extend(world, [camera])
        renders.append(render(world.gaussians, camera))
    return frame, info, cameras, renders, world


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--out", type=Path, default=Path("docs/images/classic-walk.png"))
    args = parser.parse_args()
    photo = Image.fromarray(data.stereo_motorcycle()[0])
    height = round(photo.height * args.width / photo.width)
    rgb = np.asarray(photo.resize((args.width, height), Image.Resampling.LANCZOS))
    start = time.perf_counter()
    _, info, _, renders, world = grow_along_walk(rgb)
    seconds = time.perf_counter() - start
    tiles = [rgb] + [np.clip(r.rgb * 255, 0, 255).astype(np.uint8) for r in renders]
    labels = ["photo"] + [f"walk {0.5 * (i + 1):.1f} m" for i in range(4)]
    labels += [f"turn {22.5 * (i + 1):.1f} deg" for i in range(4)]
    cols = 3
    rows = (len(tiles) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * args.width, rows * height), "white")
    for i, (tile, label) in enumerate(zip(tiles, labels, strict=True)):
        image = Image.fromarray(tile)
        ImageDraw.Draw(image).text((8, 8), label, fill=(255, 255, 0))
        sheet.paste(image, ((i % cols) * args.width, (i // cols) * height))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.out, optimize=True)
    worst = min(float(r.alpha.min()) for r in renders)
    print(
        f"{args.out}: depth {info.depth_source}, {len(world.gaussians):,} splats, "
        f"lowest alpha {worst:.4f}, {seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
