"""Memory a photo may take: decode budgets from the header (mode, bit depth and format included),
high bit depths mapped in row blocks, and the cap on the working side a CreateWorld may ask for.

Peaks are measured two ways: tracemalloc for the arrays the server makes itself (numpy reports
its allocations to it; Pillow's image memory it does not see), and the peak RSS of a fresh
process for the whole decode (tests/photo_bombs.py).
"""

from __future__ import annotations

import io
import struct
import tracemalloc
import zlib

import numpy as np
import pytest
from PIL import Image

from photo_bombs import (
    BOMB_SIZE,
    decode_peak,
    encoded,
    jpeg_progressive,
    png_16_bit_grey,
    png_palette_with_transparency,
    png_rgba,
    tiff_float,
)
from worldstream.errors import InvalidArgument
from worldstream.generate import photo_pixels
from worldstream.generate.photo import PhotoLimits, decode_photo
from worldstream.generate.photo_pixels import decode_bytes
from worldstream.store.store import Store
from worldstream.world.worlds import CreateOptions, Worlds, WorldSettings

MiB = 1024 * 1024
LIMITS = PhotoLimits()


def traced_peak(work) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def estimate(data: bytes, max_side: int = 640) -> int:
    """What decode_photo checks against the budget for `data`, from its header alone."""
    image = Image.open(io.BytesIO(data))
    full_size = image.size
    image.draft("RGB", (max_side, max_side))
    return decode_bytes(image, full_size, max_side)


def png_header_only(width: int, height: int, bit_depth: int) -> bytes:
    """A grey PNG whose header declares width x height at bit_depth, with 64 bytes of pixel data:
    decoding it fails (PHOTO_CORRUPT), so a refusal for memory can only come from the header."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


# --- high bit depths without full-size float arrays ---------------------------------------------


@pytest.mark.parametrize("build", [png_16_bit_grey, tiff_float], ids=["16-bit PNG", "float TIFF"])
def test_a_high_bit_depth_photo_is_mapped_to_8_bits_without_a_full_size_float_array(build):
    width, height = 4000, 2500  # 10 MP: one float64 copy alone would be 76 MiB
    data = build(width, height)
    photo = None

    def work() -> None:
        nonlocal photo
        photo = decode_photo(data, LIMITS, 640)

    peak = traced_peak(work)
    assert photo is not None and photo.rgb.shape == (400, 640, 3)
    # The 8-bit image at full size (1 byte a pixel) and one block of rows at a time.
    assert peak < width * height + 32 * MiB, f"{peak / MiB:.0f} MiB traced"


def test_the_8_bit_range_of_a_float_photo_spans_every_block_of_rows(monkeypatch):
    rng = np.random.default_rng(5)
    values = rng.normal(0.0, 100.0, (64, 48)).astype(np.float32)
    values[3, 7], values[40, 2], values[60, 30] = np.nan, np.inf, -np.inf
    data = encoded(Image.fromarray(values, "F"), "TIFF")
    whole = decode_photo(data, LIMITS, 640).rgb
    monkeypatch.setattr(photo_pixels, "_BLOCK_PIXELS", 48 * 5)  # 5 rows a block: 13 blocks
    blocked = decode_photo(data, LIMITS, 640).rgb

    np.testing.assert_array_equal(blocked, whole)
    finite = values[np.isfinite(values)]
    lo, hi = float(finite.min()), float(finite.max())
    mapped = (np.nan_to_num(values.astype(np.float64), nan=lo) - lo) * (255.0 / (hi - lo))
    expected = np.rint(np.clip(mapped, 0.0, 255.0))
    np.testing.assert_array_equal(whole[..., 0], expected.astype(np.uint8))
    assert whole[3, 7, 0] == 0 and whole[40, 2, 0] == 255 and whole[60, 30, 0] == 0


def test_the_pixel_bombs_of_the_issue_decode_in_a_fraction_of_their_old_peak(tmp_path):
    # 39.7 MP under the 40 MP limit, 77 KB and 248 KB: these peaked at 2.76 and 2.9 GB (the
    # whole server), 1.6 GB of it the decode's own.
    photos = [png_16_bit_grey(*BOMB_SIZE), tiff_float(*BOMB_SIZE)]
    for photo in photos:
        result = decode_peak(photo, tmp_path)
        assert result["outcome"] == "477x640x3"
        own = result["peak"] - result["before"]
        assert own <= estimate(photo), f"{own / MiB:.0f} MiB over the estimate"
        assert own < 400 * MiB, f"{own / MiB:.0f} MiB"


def test_the_decode_estimate_bounds_the_measured_peak_in_every_mode(tmp_path):
    size = (3000, 2000)
    photos = {
        "L": encoded(Image.new("L", size, 7), "PNG"),
        "RGB": encoded(Image.new("RGB", size, (1, 2, 3)), "PNG"),
        "RGBA": png_rgba(*size),
        "P with transparency": png_palette_with_transparency(*size),
        "LA": encoded(Image.new("LA", size, (7, 200)), "PNG"),
        "I;16": png_16_bit_grey(*size),
        "F, one strip": encoded(
            Image.new("F", size, 0.5), "TIFF", compression="tiff_deflate", strip_size=1 << 30
        ),
        "CMYK TIFF": encoded(
            Image.new("CMYK", size, (1, 2, 3, 4)), "TIFF", compression="tiff_deflate"
        ),
        "progressive JPEG": jpeg_progressive(*size),
        "WebP": encoded(Image.new("RGB", size, (1, 2, 3)), "WEBP", quality=10),
        "BMP": encoded(Image.new("RGB", size, (1, 2, 3)), "BMP"),
        "GIF": encoded(Image.new("P", size, 3), "GIF"),
    }
    for name, photo in photos.items():
        result = decode_peak(photo, tmp_path)
        assert result["outcome"] == "427x640x3", name
        own = result["peak"] - result["before"]
        assert own <= estimate(photo), f"{name}: {own / MiB:.0f} MiB > {estimate(photo) / MiB:.0f}"


# --- refusals from the header ------------------------------------------------------------------


def test_the_decode_budget_counts_bit_depth_and_refuses_before_decoding():
    eight, sixteen = png_header_only(3000, 3000, 8), png_header_only(3000, 3000, 16)
    # 16 bits a pixel and their 8-bit copy against 8 bits: 18 MB more for 9 MP.
    assert estimate(sixteen) - estimate(eight) == 3000 * 3000 * 2
    budget = (estimate(eight) + estimate(sixteen)) // 2
    limits = PhotoLimits(max_decode_bytes=budget)

    # The same pixels at 8 bits pass the budget (and then fail to decode: the data is a stub).
    with pytest.raises(InvalidArgument) as info:
        decode_photo(eight, limits, 640)
    assert info.value.reason == "PHOTO_CORRUPT"
    with pytest.raises(InvalidArgument) as info:
        decode_photo(sixteen, limits, 640)
    assert info.value.reason == "PHOTO_DECODE_TOO_LARGE"
    metadata = info.value.metadata
    assert metadata["mode"] == "I;16" and metadata["limit"] == str(budget)
    assert (metadata["width"], metadata["height"]) == ("3000", "3000")
    assert int(metadata["bytes"]) == estimate(sixteen)


def test_the_decode_budget_counts_the_copies_a_format_decoder_keeps():
    image = Image.new("RGB", (2000, 2000), (90, 120, 150))
    png, webp = encoded(image, "PNG"), encoded(image, "WEBP", quality=10)
    limits = PhotoLimits(max_decode_bytes=(estimate(png) + estimate(webp)) // 2)

    assert decode_photo(png, limits, 640).rgb.shape == (640, 640, 3)
    with pytest.raises(InvalidArgument) as info:
        decode_photo(webp, limits, 640)
    assert info.value.reason == "PHOTO_DECODE_TOO_LARGE"


def test_a_jpeg_is_budgeted_at_its_draft_size():
    data = encoded(Image.new("RGB", (4000, 3000), (90, 120, 150)), "JPEG")
    undrafted = Image.open(io.BytesIO(data))
    # Decoded at 1/4 (1000x750): 11.25 M pixels fewer, 4 bytes each.
    assert decode_bytes(undrafted, undrafted.size, 640) - estimate(data) == 11_250_000 * 4
    limits = PhotoLimits(max_decode_bytes=estimate(data))
    assert decode_photo(data, limits, 640).rgb.shape == (480, 640, 3)


# --- the working side a creation may ask for ---------------------------------------------------


def test_a_max_side_above_the_servers_limit_is_refused_before_the_photo_is_read(tmp_path):
    worlds = Worlds(Store(tmp_path), WorldSettings())
    with pytest.raises(InvalidArgument) as info:
        # Not a photo at all: read, it would be PHOTO_NOT_AN_IMAGE.
        worlds.create(b"not a photo", CreateOptions(max_side_px=4096), world_id="big")
    assert info.value.reason == "MAX_SIDE_TOO_LARGE"
    assert info.value.metadata == {"max_side_px": "4096", "limit": "1024"}
    assert worlds.list(100, "")[0] == []


def test_the_servers_default_side_is_held_to_a_lower_working_side_limit(tmp_path):
    limits = PhotoLimits(max_working_side_px=64)
    worlds = Worlds(Store(tmp_path), WorldSettings(photo_limits=limits))
    photo = encoded(Image.new("RGB", (200, 100), (90, 120, 150)), "PNG")

    with pytest.raises(InvalidArgument) as info:
        worlds.create(photo, CreateOptions(max_side_px=65))
    assert info.value.reason == "MAX_SIDE_TOO_LARGE"
    record = worlds.create(photo, CreateOptions(), world_id="small")  # 0: the default, 640
    assert record.state == "ready"
    assert record.splat_count <= 64 * 32 + 32 * 16  # lifted from 64x32 pixels, not 200x100


@pytest.mark.parametrize("side", [15, 4097])
def test_a_working_side_limit_outside_16_to_4096_is_a_configuration_error(side):
    with pytest.raises(ValueError, match="max_working_side_px"):
        PhotoLimits(max_working_side_px=side)
