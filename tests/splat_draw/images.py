"""Measures between a drawn picture and the reference, and the side-by-side previews."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from skimage.metrics import structural_similarity

# Set to a folder to keep the previews there (they go to the test's temporary folder otherwise).
PREVIEW_ENV = "WORLDSTREAM_DRAW_PREVIEWS"


def eight_bit(rgb: np.ndarray) -> np.ndarray:
    """Display values in [0, 1] as an 8-bit target stores them."""
    return np.round(np.clip(rgb, 0.0, 1.0) * 255.0).astype(np.uint8)


def psnr(a: np.ndarray, b: np.ndarray, where: np.ndarray | None = None) -> float:
    """Peak signal-to-noise ratio in dB of two [H, W, 3] uint8 pictures (over the [H, W]
    pixels `where` holds, or all)."""
    difference = a.astype(np.float64) - b.astype(np.float64)
    mse = np.mean((difference if where is None else difference[where]) ** 2)
    return float("inf") if mse == 0 else float(10.0 * np.log10(255.0**2 / mse))


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    return float(structural_similarity(a, b, channel_axis=2, data_range=255))


def linear_to_display(linear: np.ndarray) -> np.ndarray:
    """The sRGB transfer function (IEC 61966-2-1), as an sRGB target encodes on store."""
    c = np.clip(linear, 0.0, 1.0)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * np.power(c, 1.0 / 2.4) - 0.055)


def preview_dir(fallback: Path) -> Path:
    chosen = os.environ.get(PREVIEW_ENV)
    folder = Path(chosen) if chosen else fallback
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_side_by_side(
    path: Path, pictures: list[tuple[str, np.ndarray]], columns: int = 4, scale: int = 3
) -> Path:
    """uint8 pictures in rows of `columns`, each under its label, enlarged `scale` times."""
    cell_w = max(p.shape[1] for _, p in pictures) * scale
    cell_h = max(p.shape[0] for _, p in pictures) * scale
    label, gap = 14, 4
    rows = -(-len(pictures) // columns)
    width = min(columns, len(pictures)) * (cell_w + gap) - gap
    sheet = Image.new("RGB", (width, rows * (cell_h + label + gap) - gap), (40, 40, 40))
    draw = ImageDraw.Draw(sheet)
    for i, (name, picture) in enumerate(pictures):
        x, y = (i % columns) * (cell_w + gap), (i // columns) * (cell_h + label + gap)
        image = Image.fromarray(picture).resize(
            (picture.shape[1] * scale, picture.shape[0] * scale), Image.Resampling.NEAREST
        )
        sheet.paste(image, (x, y + label))
        draw.text((x + 2, y + 1), name, fill=(230, 230, 230))
    sheet.save(path)
    return path
