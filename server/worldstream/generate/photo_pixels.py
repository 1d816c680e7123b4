"""An opened photo to 8-bit RGB at its working size, and the memory that takes, known in advance.

Every step that touches the photo at its full size is listed in `_FULL_SIZE_BYTES`, so the
estimate a request is checked against before decoding (`decode_bytes`) and the work done after
it (`to_working_rgb`) cannot drift apart: change one, change the other. The order keeps the
full-size steps few and narrow: resample as soon as the mode allows, convert colour after, and
map high bit depths onto 8 bits in row blocks, so no full-size float array ever exists.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from PIL import Image

# Greyscale modes of more than 8 bits (16-bit PNG and TIFF, 32-bit integer and float TIFF).
HIGH_BIT_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")
# Modes Pillow resamples with a filter (LA and RGBA through a premultiplied full-size copy).
_RESAMPLED = ("L", "LA", "RGB", "RGBA", "CMYK")
_WITH_ALPHA = ("LA", "RGBA")

# Bytes per pixel held at once at the decoded size (the JPEG draft size for JPEG), by mode:
# Pillow's own storage of the decoded image (1 byte for 1, L and P; 4 for every other 8-bit
# mode, RGB included; 2 for I;16; 4 for I and F) plus each full-size intermediate below.
_FULL_SIZE_BYTES = {
    "1": 1 + 1,  # then L
    "L": 1,
    "P": 1 + 4 + 4,  # then RGBA (RGB without transparency), premultiplied to resample
    "PA": 4 + 4 + 4,  # then RGBA, premultiplied to resample
    "LA": 4 + 4,  # premultiplied to resample
    "RGB": 4,
    "RGBA": 4 + 4,  # premultiplied to resample
    "CMYK": 4,  # resampled as CMYK, converted at the working size
    **{mode: 2 + 1 for mode in ("I;16", "I;16L", "I;16B", "I;16N")},  # then L
    "I": 4 + 1,  # then L
    "F": 4 + 1,  # then L
}
_OTHER_MODE_BYTES = 4 + 4 + 4  # any other mode: converted to RGBA, premultiplied to resample
# Decoders that hold more full-size copies of the pixels, in bytes per pixel of the decoded size:
# libtiff reads a strip whole, and a file may make the whole image one strip (a one-strip 40 MP
# float TIFF measured 306 MiB, against 241 MiB in 64 KiB strips); Pillow's WebP decoder keeps
# libwebp's two RGBA canvases and returns the frame as bytes beside them (a 40 MP WebP measured
# 610 MiB, 16 bytes a pixel with the image itself).
_DECODER_COPY_BYTES = {"TIFF": 4, "WEBP": 12}
# A progressive JPEG keeps every DCT coefficient (2 bytes each) of the whole photo until the
# last scan, whatever the draft scale: per pixel and colour channel of the full size.
_PROGRESSIVE_COEFFICIENT_BYTES = 2
# Rows converted at once from a high bit depth: about this many pixels a block, each held as its
# crop (up to 4 bytes a pixel), a float64 copy, a finite mask and, where some value is not
# finite, the finite values (8): 21 bytes a pixel, rounded up.
_BLOCK_PIXELS = 1 << 20
_BLOCK_BYTES = _BLOCK_PIXELS * 24
# Per working pixel: the resampled image, its RGB conversion and the final array.
_WORKING_BYTES = 4 + 4 + 4 + 3
# Whatever the size: decoder state, the resampling's one-axis intermediate, allocator slack.
# Measured (bench/bench_photo_memory.py and tests/test_photo_budgets.py, the peak RSS of a fresh
# process less its RSS before the decode): with it, every mode's estimate stays above its
# measured peak, by 1 to 20 MiB for PNG, more for the formats whose worst case is costlier.
_FIXED_BYTES = 16 * 1024 * 1024


def working_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """The size a photo of `size` is resampled to: its longer side at most `max_side`."""
    width, height = size
    scale = max_side / max(width, height)
    if scale >= 1.0:
        return width, height
    return max(1, round(width * scale)), max(1, round(height * scale))


def decode_bytes(image: Image.Image, full_size: tuple[int, int], max_side: int) -> int:
    """Peak bytes that loading `image` (opened, drafted, not loaded) and `to_working_rgb` take,
    from its header alone. `full_size` is its size before any JPEG draft."""
    pixels = image.width * image.height
    per_pixel = _FULL_SIZE_BYTES.get(image.mode, _OTHER_MODE_BYTES)
    per_pixel += _DECODER_COPY_BYTES.get(image.format or "", 0)
    total = pixels * per_pixel + _BLOCK_BYTES + _FIXED_BYTES
    if image.info.get("progressive") or image.info.get("progression"):
        bands = len(image.getbands())
        total += full_size[0] * full_size[1] * bands * _PROGRESSIVE_COEFFICIENT_BYTES
    width, height = working_size(image.size, max_side)
    return total + width * height * _WORKING_BYTES


def to_working_rgb(image: Image.Image, max_side: int) -> Image.Image:
    """`image` (loaded) as 8-bit RGB with its longer side at most `max_side`; transparency
    composited on white, a high bit depth mapped onto 8 bits by the range it uses."""
    size = working_size(image.size, max_side)
    if image.mode in HIGH_BIT_MODES:
        image = _high_bit_to_l(image)
    elif image.mode == "1":
        image = image.convert("L")
    elif image.mode not in _RESAMPLED:
        has_alpha = "A" in image.getbands() or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
    if image.size != size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    if image.mode in _WITH_ALPHA:
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    return image.convert("RGB") if image.mode != "RGB" else image


def _row_blocks(image: Image.Image) -> Iterator[tuple[int, np.ndarray]]:
    """(top row, float64 block) over the image, a few rows at a time."""
    rows = max(1, _BLOCK_PIXELS // image.width)
    for top in range(0, image.height, rows):
        block = image.crop((0, top, image.width, min(top + rows, image.height)))
        yield top, np.asarray(block, dtype=np.float64)


def _high_bit_to_l(image: Image.Image) -> Image.Image:
    """Map the finite range the image uses onto 0..255 (NaN at the bottom, infinities clipped)."""
    lo, hi = np.inf, -np.inf
    for _, block in _row_blocks(image):
        finite = np.isfinite(block)
        values = block if finite.all() else block[finite]
        if values.size:
            lo, hi = min(lo, float(values.min())), max(hi, float(values.max()))
        del block, finite, values  # before the next block is made
    if lo > hi:  # nothing finite
        lo, hi = 0.0, 1.0
    span = (hi - lo) or 1.0
    out = np.empty((image.height, image.width), np.uint8)
    for top, block in _row_blocks(image):
        # In place: the block is this loop's own copy.
        np.nan_to_num(block, copy=False, nan=lo)
        block -= lo
        block *= 255.0 / span
        np.clip(block, 0.0, 255.0, out=block)
        out[top : top + len(block)] = np.rint(block, out=block)
        del block
    return Image.fromarray(out)
