"""Decoding uploaded photos (generate/photo.py): limits, formats, EXIF orientation and focal."""

from __future__ import annotations

import io
import math
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from worldstream.errors import InvalidArgument
from worldstream.generate.photo import DEFAULT_HORIZONTAL_FOV_DEGREES, PhotoLimits, decode_photo

LIMITS = PhotoLimits()
EXIF_IFD = 0x8769
FOCAL_35MM = 0xA405
ORIENTATION = 0x0112


def encode(image: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def noise(width: int, height: int, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def reason_of(data: bytes, limits: PhotoLimits = LIMITS, **kwargs) -> str:
    with pytest.raises(InvalidArgument) as info:
        decode_photo(data, limits, 512, **kwargs)
    return info.value.reason


def with_declared_size(png: bytes, width: int, height: int) -> bytes:
    """A PNG whose IHDR declares another size (with a valid CRC); its pixel data is unchanged."""
    assert png[12:16] == b"IHDR"
    body = struct.pack(">II", width, height) + png[24:29]
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + body) & 0xFFFFFFFF)
    return png[:16] + body + crc + png[33:]


# --- refusals ----------------------------------------------------------------------------------


def test_an_empty_photo_is_refused_as_empty():
    assert reason_of(b"") == "PHOTO_EMPTY"


def test_a_photo_over_the_byte_limit_is_refused_before_decoding():
    limits = PhotoLimits(max_bytes=100)
    with pytest.raises(InvalidArgument) as info:
        decode_photo(b"\x00" * 101, limits, 512)
    assert info.value.reason == "PHOTO_TOO_LARGE"
    assert info.value.metadata == {"bytes": "101", "limit": "100"}


def test_a_photo_of_exactly_the_byte_limit_is_accepted():
    png = encode(noise(20, 20), "PNG")
    photo = decode_photo(png, PhotoLimits(max_bytes=len(png)), 512)
    assert photo.rgb.shape == (20, 20, 3)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_bytes_are_not_an_image(seed):
    data = np.random.default_rng(seed).bytes(2000)
    assert reason_of(data) == "PHOTO_NOT_AN_IMAGE"


def test_text_is_not_an_image():
    assert reason_of(b"this is certainly not a picture of a room\n" * 10) == "PHOTO_NOT_AN_IMAGE"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_photo_cut_in_half_is_refused_as_corrupt(fmt):
    data = encode(noise(64, 48), fmt)
    with pytest.raises(InvalidArgument) as info:
        decode_photo(data[: len(data) // 2], LIMITS, 512)
    assert info.value.reason == "PHOTO_CORRUPT"
    assert "truncated" in info.value.message


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_photo_cut_anywhere_fails_with_a_precise_reason_never_another_exception(fmt):
    data = encode(noise(48, 32, seed=3), fmt)
    reasons = set()
    for length in range(1, len(data), max(1, len(data) // 150)):
        with pytest.raises(InvalidArgument) as info:
            decode_photo(data[:length], LIMITS, 512)
        reasons.add(info.value.reason)
    # Cut inside the signature it is not recognisable; cut later it is a broken image.
    assert reasons == {"PHOTO_NOT_AN_IMAGE", "PHOTO_CORRUPT"}


@pytest.mark.parametrize("width,height", [(20000, 20000), (7000, 7000)])
def test_a_png_declaring_too_many_pixels_is_refused_from_its_header(width, height):
    # 400 Mpx trips Pillow's own bomb guard in open(); 49 Mpx is under it and needs ours.
    # The pixel data is that of a 16x16 image, so decoding it would fail as PHOTO_CORRUPT:
    # PHOTO_TOO_MANY_PIXELS shows the refusal came from the header alone.
    data = with_declared_size(encode(noise(16, 16), "PNG"), width, height)
    assert Image.open(io.BytesIO(with_declared_size(data, 17, 16))).size == (17, 16)

    with pytest.raises(InvalidArgument) as info:
        decode_photo(data, LIMITS, 512)
    assert info.value.reason == "PHOTO_TOO_MANY_PIXELS"
    assert info.value.metadata["limit"] == str(LIMITS.max_pixels)


def test_the_pixel_limit_is_inclusive():
    data = encode(noise(40, 25), "PNG")  # 1000 pixels
    assert decode_photo(data, PhotoLimits(max_pixels=1000), 512).rgb.shape == (25, 40, 3)
    assert reason_of(data, PhotoLimits(max_pixels=999)) == "PHOTO_TOO_MANY_PIXELS"


@pytest.mark.parametrize("size", [(8, 8), (100, 8), (8, 100), (15, 16)])
def test_a_photo_with_a_side_under_the_minimum_is_too_small(size):
    assert reason_of(encode(noise(*size), "PNG")) == "PHOTO_TOO_SMALL"


def test_a_photo_of_exactly_the_minimum_side_is_accepted():
    assert decode_photo(encode(noise(16, 16), "PNG"), LIMITS, 512).rgb.shape == (16, 16, 3)


@pytest.mark.parametrize("fov", [0.5, 170.5, -10.0, math.nan, math.inf])
def test_a_field_of_view_out_of_range_is_refused(fov):
    data = encode(noise(32, 32), "PNG")
    assert reason_of(data, horizontal_fov_degrees=fov) == "INVALID_FIELD_OF_VIEW"


# --- modes and formats -------------------------------------------------------------------------


def assert_rgb8(photo, height: int, width: int) -> None:
    assert photo.rgb.dtype == np.uint8
    assert photo.rgb.shape == (height, width, 3)


def test_a_greyscale_photo_becomes_three_equal_channels():
    data = encode(Image.new("L", (30, 20), 200), "PNG")
    photo = decode_photo(data, LIMITS, 512)

    assert_rgb8(photo, 20, 30)
    assert np.all(photo.rgb == 200)


def test_transparent_pixels_are_composited_on_white():
    rgba = np.zeros((20, 30, 4), dtype=np.uint8)
    rgba[:, :10] = (255, 0, 0, 0)  # fully transparent red
    rgba[:, 10:20] = (0, 0, 0, 128)  # half-transparent black
    rgba[:, 20:] = (0, 255, 0, 255)  # opaque green
    photo = decode_photo(encode(Image.fromarray(rgba, "RGBA"), "PNG"), LIMITS, 512)

    assert_rgb8(photo, 20, 30)
    assert np.all(photo.rgb[:, :10] == 255)
    assert np.all(np.abs(photo.rgb[:, 10:20].astype(int) - 127) <= 1)
    assert np.all(photo.rgb[:, 20:] == (0, 255, 0))


def test_a_cmyk_jpeg_decodes_to_rgb():
    data = encode(Image.new("CMYK", (32, 24), (0, 255, 255, 0)), "JPEG", quality=95)
    assert Image.open(io.BytesIO(data)).mode == "CMYK"
    photo = decode_photo(data, LIMITS, 512)

    assert_rgb8(photo, 24, 32)
    assert np.all(np.abs(photo.rgb.astype(int) - (255, 0, 0)) <= 8)


def test_a_16_bit_greyscale_png_is_scaled_to_8_bits_not_clipped():
    levels = np.array([0, 1000, 2000, 4000], dtype=np.uint16)
    data = encode(Image.fromarray(np.repeat(levels, 8)[None, :].repeat(16, axis=0)), "PNG")
    assert Image.open(io.BytesIO(data)).mode.startswith("I;16")
    photo = decode_photo(data, LIMITS, 512)

    assert_rgb8(photo, 16, 32)
    row = photo.rgb[0, ::8, 0].astype(int)
    np.testing.assert_allclose(row, [0, 64, 128, 255], atol=1)
    assert np.all(photo.rgb[..., 0] == photo.rgb[..., 2])


def test_a_palette_png_decodes_to_its_palette_colours():
    image = Image.new("P", (20, 20), 0)
    image.putpalette([10, 20, 30, 200, 100, 50] + [0] * 762)
    image.paste(1, (10, 0, 20, 20))
    photo = decode_photo(encode(image, "PNG"), LIMITS, 512)

    assert_rgb8(photo, 20, 20)
    assert np.all(photo.rgb[:, :10] == (10, 20, 30))
    assert np.all(photo.rgb[:, 10:] == (200, 100, 50))


def test_a_palette_png_with_a_transparent_entry_shows_white_there():
    image = Image.new("P", (20, 20), 0)
    image.putpalette([10, 20, 30, 200, 100, 50] + [0] * 762)
    image.paste(1, (10, 0, 20, 20))
    photo = decode_photo(encode(image, "PNG", transparency=0), LIMITS, 512)

    assert np.all(photo.rgb[:, :10] == 255)
    assert np.all(photo.rgb[:, 10:] == (200, 100, 50))


def test_an_animated_gif_decodes_its_first_frame():
    frames = [Image.new("RGB", (20, 20), (255, 0, 0)), Image.new("RGB", (20, 20), (0, 0, 255))]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert Image.open(io.BytesIO(data)).n_frames == 2
    photo = decode_photo(data, LIMITS, 512)

    assert_rgb8(photo, 20, 20)
    assert np.all(photo.rgb == (255, 0, 0))


# --- EXIF --------------------------------------------------------------------------------------


def half_red_half_blue(width: int, height: int) -> Image.Image:
    image = Image.new("RGB", (width, height), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, width // 2, height))  # left half red
    return image


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_exif_orientation_6_rotates_the_photo_clockwise(fmt):
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    photo = decode_photo(encode(half_red_half_blue(40, 20), fmt, exif=exif), LIMITS, 512)

    assert_rgb8(photo, 40, 20)  # width and height swapped
    assert photo.original_size == (40, 20)
    # Turned a quarter clockwise, the left (red) half is now on top.
    assert np.all(np.abs(photo.rgb[:16].astype(int) - (255, 0, 0)) <= 8)
    assert np.all(np.abs(photo.rgb[24:].astype(int) - (0, 0, 255)) <= 8)


def test_without_orientation_the_photo_keeps_its_layout():
    photo = decode_photo(encode(half_red_half_blue(40, 20), "PNG"), LIMITS, 512)
    assert_rgb8(photo, 20, 40)
    assert np.all(photo.rgb[:, :20] == (255, 0, 0))


def jpeg_with_focal(focal_35mm: int) -> bytes:
    exif = Image.Exif()
    exif.get_ifd(EXIF_IFD)[FOCAL_35MM] = focal_35mm
    return encode(noise(48, 32), "JPEG", exif=exif)


@pytest.mark.parametrize("focal", [18, 28, 50])
def test_the_35mm_focal_length_in_exif_gives_the_field_of_view(focal):
    photo = decode_photo(jpeg_with_focal(focal), LIMITS, 512)

    assert photo.fov_source == "exif"
    assert photo.horizontal_fov_degrees == pytest.approx(
        math.degrees(2 * math.atan(18.0 / focal)), abs=1e-9
    )


def test_an_explicit_field_of_view_wins_over_exif():
    photo = decode_photo(jpeg_with_focal(28), LIMITS, 512, horizontal_fov_degrees=90.0)
    assert photo.fov_source == "request"
    assert photo.horizontal_fov_degrees == 90.0


def test_without_exif_or_request_the_default_field_of_view_is_used():
    photo = decode_photo(encode(noise(32, 32), "JPEG"), LIMITS, 512)
    assert photo.fov_source == "default"
    assert photo.horizontal_fov_degrees == DEFAULT_HORIZONTAL_FOV_DEGREES


def test_a_zero_focal_length_in_exif_falls_back_to_the_default():
    photo = decode_photo(jpeg_with_focal(0), LIMITS, 512)
    assert photo.fov_source == "default"


# --- resampling --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt,size,max_side,expected_hw",
    [
        ("PNG", (300, 120), 100, (40, 100)),
        ("PNG", (120, 300), 100, (100, 40)),
        ("JPEG", (400, 200), 64, (32, 64)),  # JPEG draft decoding, then the exact resize
    ],
)
def test_a_large_photo_is_resampled_so_its_longer_side_is_max_side(
    fmt, size, max_side, expected_hw
):
    photo = decode_photo(encode(noise(*size), fmt), LIMITS, max_side)

    assert_rgb8(photo, *expected_hw)
    assert max(photo.rgb.shape[:2]) == max_side
    assert photo.original_size == size


def test_a_photo_smaller_than_max_side_is_not_upscaled():
    image = noise(50, 20)
    photo = decode_photo(encode(image, "PNG"), LIMITS, 100)
    np.testing.assert_array_equal(photo.rgb, np.asarray(image))


def test_a_float_greyscale_tiff_keeps_its_gradient():
    ramp = np.tile(np.linspace(0.0, 1.0, 64, dtype=np.float32), (32, 1))
    photo = decode_photo(encode(Image.fromarray(ramp, "F"), "TIFF"), LIMITS, 640)
    assert_rgb8(photo, 32, 64)
    row = photo.rgb[0, :, 0].astype(int)
    assert row[0] == 0 and row[-1] == 255 and np.all(np.diff(row) >= 0)


def test_a_32_bit_image_with_negative_values_maps_its_range_without_wrapping():
    values = np.tile(np.linspace(-1000, 1000, 64).astype(np.int32), (32, 1))
    photo = decode_photo(encode(Image.fromarray(values, "I"), "TIFF"), LIMITS, 640)
    row = photo.rgb[0, :, 0].astype(int)
    assert row[0] == 0 and row[-1] == 255 and np.all(np.diff(row) >= 0)
