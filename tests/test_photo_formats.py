"""The formats a photo may be (an allow-list, so no other Pillow plugin parses an upload) and the
field of view an EXIF focal length may give."""

from __future__ import annotations

import io
import math

import pytest
from PIL import EpsImagePlugin, Image, PpmImagePlugin

from worldstream.errors import InvalidArgument
from worldstream.generate.photo import (
    ALLOWED_FORMATS,
    DEFAULT_HORIZONTAL_FOV_DEGREES,
    PhotoLimits,
    decode_photo,
)

LIMITS = PhotoLimits()
EXIF_IFD = 0x8769
FOCAL_35MM = 0xA405


def encode(image: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def refusal(data: bytes) -> InvalidArgument:
    with pytest.raises(InvalidArgument) as info:
        decode_photo(data, LIMITS, 512)
    return info.value


# --- the allow-list ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ALLOWED_FORMATS)
def test_each_allowed_format_decodes(fmt):
    data = encode(Image.new("RGB", (40, 30), (200, 40, 10)), fmt)
    photo = decode_photo(data, LIMITS, 512)
    assert photo.rgb.shape == (30, 40, 3)
    assert abs(int(photo.rgb[15, 20, 0]) - 200) <= 8


@pytest.mark.parametrize(
    "fmt, mode",
    [
        ("EPS", "RGB"),
        ("PPM", "RGB"),
        ("ICO", "RGB"),
        ("PCX", "RGB"),
        ("SGI", "RGB"),
        ("DDS", "RGB"),
        ("QOI", "RGB"),
        ("ICNS", "RGB"),
        ("MSP", "1"),
        ("XBM", "1"),
    ],
)
def test_a_format_outside_the_allow_list_is_refused_naming_it(fmt, mode):
    data = encode(Image.new(mode, (32, 32)), fmt)
    assert Image.open(io.BytesIO(data)).format == fmt  # Pillow itself would read it

    error = refusal(data)
    assert error.reason == "PHOTO_FORMAT_UNSUPPORTED"
    assert error.metadata == {"format": fmt}
    assert "JPEG, PNG, WEBP, TIFF, BMP, GIF" in error.message


@pytest.mark.parametrize("fmt", ["TGA", "IM"])
def test_a_refused_format_without_a_signature_is_refused_all_the_same(fmt):
    # Pillow tries these on any bytes (they have no signature check), so the refusal can only
    # name a format whose signature the first bytes happen to match (a TGA's are a CUR's).
    data = encode(Image.new("RGB", (32, 32)), fmt)
    assert Image.open(io.BytesIO(data)).format == fmt

    assert refusal(data).reason in ("PHOTO_NOT_AN_IMAGE", "PHOTO_FORMAT_UNSUPPORTED")


def test_no_plugin_outside_the_allow_list_parses_an_upload(monkeypatch):
    opened = []

    def spy(original):
        def _open(self):
            opened.append(type(self).__name__)
            return original(self)

        return _open

    monkeypatch.setattr(
        EpsImagePlugin.EpsImageFile, "_open", spy(EpsImagePlugin.EpsImageFile._open)
    )
    monkeypatch.setattr(
        PpmImagePlugin.PpmImageFile, "_open", spy(PpmImagePlugin.PpmImageFile._open)
    )
    for fmt in ("EPS", "PPM"):
        assert refusal(encode(Image.new("RGB", (32, 32)), fmt)).reason == (
            "PHOTO_FORMAT_UNSUPPORTED"
        )
    assert opened == []


@pytest.mark.parametrize("fmt", ["TIFF", "BMP"])
def test_a_truncated_tiff_or_bmp_is_corrupt_not_an_unknown_format(fmt):
    data = encode(Image.new("RGB", (64, 48), (1, 2, 3)), fmt)
    assert refusal(data[:20]).reason == "PHOTO_CORRUPT"


# --- the field of view from EXIF ----------------------------------------------------------------


def jpeg_with_focal(focal_35mm: int) -> bytes:
    exif = Image.Exif()
    exif.get_ifd(EXIF_IFD)[FOCAL_35MM] = focal_35mm
    return encode(Image.new("RGB", (48, 32), (9, 9, 9)), "JPEG", exif=exif)


@pytest.mark.parametrize(
    "focal, fov",
    [(1, 2 * math.degrees(math.atan(18.0))), (3000, 2 * math.degrees(math.atan(18.0 / 3000)))],
    ids=["1 mm: 173.6 degrees", "3000 mm: 0.69 degrees"],
)
def test_an_exif_focal_length_outside_the_field_of_view_range_falls_back_to_the_default(focal, fov):
    photo = decode_photo(jpeg_with_focal(focal), LIMITS, 512)

    assert photo.fov_source == "default"
    assert photo.horizontal_fov_degrees == DEFAULT_HORIZONTAL_FOV_DEGREES
    assert len(photo.notes) == 1
    assert f"{focal} mm" in photo.notes[0] and f"{fov:.2f} degree" in photo.notes[0]


@pytest.mark.parametrize("focal", [2, 1031])  # 167.3 and 1.0003 degrees: just inside
def test_an_exif_focal_length_just_inside_the_range_is_used(focal):
    photo = decode_photo(jpeg_with_focal(focal), LIMITS, 512)
    assert photo.fov_source == "exif" and photo.notes == ()
    assert 1.0 <= photo.horizontal_fov_degrees <= 170.0


def test_a_requested_field_of_view_is_still_checked_and_wins_over_a_bad_exif_value():
    assert decode_photo(jpeg_with_focal(1), LIMITS, 512, 75.0).horizontal_fov_degrees == 75.0
    with pytest.raises(InvalidArgument) as info:
        decode_photo(jpeg_with_focal(50), LIMITS, 512, 171.0)
    assert info.value.reason == "INVALID_FIELD_OF_VIEW"
