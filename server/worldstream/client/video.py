"""Frames to an MP4 (H.264) and back, with PyAV, whose wheels bundle FFmpeg and libx264."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import numpy as np


def write_mp4(
    path: Path, frames: Iterable[np.ndarray], fps: float, crf: int = 20
) -> tuple[int, int, int]:
    """Encode RGB uint8 frames [H, W, 3] (all the same size) as H.264 in an MP4.

    yuv420p, the pixel format every player decodes, halves the chroma resolution, so an odd width
    or height is padded by one black column or row. Returns (frames written, width, height).
    """
    import av

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count, width, height = 0, 0, 0
    rate = Fraction(fps).limit_denominator(1001)
    with av.open(str(path), mode="w") as container:
        stream = None
        for frame in frames:
            rgb = np.ascontiguousarray(frame, dtype=np.uint8)
            if stream is None:
                height, width = rgb.shape[0] + rgb.shape[0] % 2, rgb.shape[1] + rgb.shape[1] % 2
                stream = container.add_stream("libx264", rate=rate)
                stream.width, stream.height = width, height
                stream.pix_fmt = "yuv420p"
                stream.options = {"crf": str(crf), "preset": "veryfast"}
            if rgb.shape[:2] != (height, width):
                padded = np.zeros((height, width, 3), np.uint8)
                padded[: rgb.shape[0], : rgb.shape[1]] = rgb[:height, :width]
                rgb = padded
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
            count += 1
        if stream is not None:
            for packet in stream.encode():
                container.mux(packet)
    if count == 0:
        path.unlink(missing_ok=True)
        raise ValueError("no frames to write")
    return count, width, height


def read_mp4(path: Path) -> tuple[list[np.ndarray], str, float]:
    """Decode an MP4's video: (RGB uint8 frames, codec name, frames per second)."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
        return frames, stream.codec_context.name, float(stream.average_rate or 0)
