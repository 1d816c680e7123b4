"""Decoding an uploaded photo safely: limits before decoding, EXIF orientation and focal.

Pillow reads the header without decoding pixels, so a photo is refused by its declared size, and
by the memory its mode and format would take to decode (generate/photo_pixels.py), before any
memory is spent on it. Only the formats in `ALLOWED_FORMATS` are ever parsed.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError

from worldstream.errors import InvalidArgument
from worldstream.generate.photo_pixels import decode_bytes, to_working_rgb

Admit = Callable[[int], AbstractContextManager[None]]

DEFAULT_HORIZONTAL_FOV_DEGREES = 60.0
MIN_FOV_DEGREES, MAX_FOV_DEGREES = 1.0, 170.0
MiB = 1024 * 1024
# Pillow's names for the formats this server reads; `Image.open(formats=...)` tries only these,
# so no other plugin (EPS, which runs Ghostscript, PSD, ...) ever parses an upload. A GIF or a
# TIFF gives its first frame.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "BMP", "GIF")
# Leading bytes of those formats (WebP checks bytes 8..11 too): a file that starts like one but
# does not open is damaged, not of an unknown format.
_SIGNATURES = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
    b"BM",
)
_EXIF_IFD = 0x8769
_FOCAL_35MM = 0xA405  # FocalLengthIn35mmFilm
_ORIENTATION = 0x0112
# EXIF orientation -> the transposition that shows the photo upright (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
log = logging.getLogger("worldstream.photo")


def _known_signature(data: bytes) -> bool:
    head = bytes(data[:12])
    return head.startswith(_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def _refused_format(data: bytes) -> str | None:
    """The Pillow format whose signature `data` has, if it is one this server refuses. Only
    the plugins' signature checks run (on the first 16 bytes, as Image.open gives them)."""
    Image.init()
    prefix = bytes(data[:16])
    for name, (_, accept) in Image.OPEN.items():
        if name in ALLOWED_FORMATS or accept is None:
            continue
        try:
            if accept(prefix) is True:  # a str is Pillow's "would be, but is not installed"
                return name
        except Exception:  # some checks index past a prefix shorter than they expect
            continue
    return None


@dataclass(frozen=True)
class PhotoLimits:
    max_bytes: int = 20 * MiB
    max_pixels: int = 40_000_000
    min_side: int = 16
    max_decode_bytes: int = 512 * MiB
    """Memory one decode may take, estimated from the header (size, mode, bit depth, format)
    before any pixel is decoded; PHOTO_DECODE_TOO_LARGE above it. At the default pixel limit
    PNG, JPEG, BMP and GIF photos of every mode fit (at most 12 bytes a pixel: ~500 MiB at
    40 MP); a WebP (16 bytes a pixel, 20 with alpha: libwebp and Pillow hold it three times
    over) is refused above ~30 MP (~24 MP), and so is a TIFF of a mode that needs more."""
    max_working_side_px: int = 1024
    """Largest `max_side_px` a CreateWorld may ask for (MAX_SIDE_TOO_LARGE above it). Creation
    memory grows with the working pixels: ~1.06 KB each at its peak, measured as the peak RSS of
    a fresh process running Worlds.create (classic generator, layout prior) less its RSS before
    (bench/bench_photo_memory.py: 1,060 MiB at 1024x1024, 824 MiB at 1024x768, 2,970 MiB at
    2048x1536, most of it the seed lift's colour fit). So 1024 bounds one creation to ~1.1 GB
    where 4096 would take ~18 GB."""

    def __post_init__(self) -> None:
        if not 16 <= self.max_working_side_px <= 4096:
            raise ValueError(
                f"max_working_side_px must be in [16, 4096], got {self.max_working_side_px}"
            )
        if self.max_decode_bytes <= 0:
            raise ValueError(f"max_decode_bytes must be positive, got {self.max_decode_bytes}")


@dataclass(frozen=True)
class Photo:
    rgb: np.ndarray  # [H, W, 3] uint8, orientation applied, resampled to the working size
    horizontal_fov_degrees: float
    fov_source: str  # "request", "exif" or "default"
    original_size: tuple[int, int]  # (width, height) as decoded
    notes: tuple[str, ...] = ()  # what was assumed, e.g. an EXIF focal length that was ignored


def _exif(image: Image.Image) -> tuple[float | None, int]:
    """(35 mm focal length, orientation) from EXIF; malformed EXIF is common and never fatal."""
    try:
        exif = image.getexif()
        orientation = int(exif.get(_ORIENTATION, 1))
    except Exception:
        return None, 1
    try:
        focal = exif.get_ifd(_EXIF_IFD).get(_FOCAL_35MM)
        return (float(focal) if focal else None), orientation
    except Exception:
        return None, orientation


def _fov(requested: float, focal_35mm: float | None) -> tuple[float, str, tuple[str, ...]]:
    """The field of view to use, where it came from, and a note if EXIF was overruled.

    An out-of-range request is refused (the caller asked for it); an out-of-range EXIF value
    falls back to the default with a note, because the caller did not ask for it: a camera or
    an editor wrote it, and the photo is still a photo."""
    if requested:
        return requested, "request", ()
    if focal_35mm is None or not focal_35mm > 0:
        return DEFAULT_HORIZONTAL_FOV_DEGREES, "default", ()
    # 35 mm equivalent: a 36 mm wide frame.
    fov = math.degrees(2 * math.atan(18.0 / focal_35mm))
    if MIN_FOV_DEGREES <= fov <= MAX_FOV_DEGREES:
        return fov, "exif", ()
    note = (
        f"EXIF focal length {focal_35mm:g} mm (35 mm equivalent) gives a {fov:.2f} degree "
        f"field of view, outside [{MIN_FOV_DEGREES:g}, {MAX_FOV_DEGREES:g}]: "
        f"the default {DEFAULT_HORIZONTAL_FOV_DEGREES:g} degrees was used"
    )
    log.info("%s", note)
    return DEFAULT_HORIZONTAL_FOV_DEGREES, "default", (note,)


def _check_request(data: bytes, limits: PhotoLimits, horizontal_fov_degrees: float) -> None:
    if not data:
        raise InvalidArgument("PHOTO_EMPTY", "the photo is empty")
    if len(data) > limits.max_bytes:
        raise InvalidArgument(
            "PHOTO_TOO_LARGE",
            f"the photo is {len(data)} bytes; the limit is {limits.max_bytes}",
            bytes=len(data),
            limit=limits.max_bytes,
        )
    if horizontal_fov_degrees and not (
        MIN_FOV_DEGREES <= horizontal_fov_degrees <= MAX_FOV_DEGREES
    ):
        raise InvalidArgument(
            "INVALID_FIELD_OF_VIEW",
            f"horizontal_fov_degrees must be in [1, 170], got {horizontal_fov_degrees}",
        )


def _check_header(image: Image.Image, limits: PhotoLimits) -> None:
    width, height = image.size
    if width * height > limits.max_pixels:
        raise InvalidArgument(
            "PHOTO_TOO_MANY_PIXELS",
            f"the photo is {width}x{height}; the limit is {limits.max_pixels} pixels",
            width=width,
            height=height,
            limit=limits.max_pixels,
        )
    if min(width, height) < limits.min_side:
        raise InvalidArgument(
            "PHOTO_TOO_SMALL",
            f"the photo is {width}x{height}; each side must be at least {limits.min_side}",
            width=width,
            height=height,
        )


def _check_budget(
    image: Image.Image, full_size: tuple[int, int], limits: PhotoLimits, max_side: int
) -> int:
    """The decode's memory, estimated from the header; PHOTO_DECODE_TOO_LARGE above the limit."""
    needed = decode_bytes(image, full_size, max_side)
    if needed > limits.max_decode_bytes:
        width, height = full_size
        raise InvalidArgument(
            "PHOTO_DECODE_TOO_LARGE",
            f"decoding this {width}x{height} {image.format} photo (mode {image.mode}) would take "
            f"about {needed // MiB} MiB; the limit is {limits.max_decode_bytes // MiB} MiB",
            width=width,
            height=height,
            mode=image.mode,
            bytes=needed,
            limit=limits.max_decode_bytes,
        )
    return needed


def _open(
    data: bytes, limits: PhotoLimits, max_side: int, admit: Admit
) -> tuple[Image.Image, tuple[int, int], float | None]:
    """The photo as 8-bit RGB at its working size and upright, its full size, and its EXIF
    35 mm focal length."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        _check_header(image, limits)
        full_size = image.size
        focal, orientation = _exif(image)
        # JPEG can decode straight to a reduced size (1/2, 1/4, 1/8), which bounds memory and
        # time; other formats ignore it.
        image.draft("RGB", (max_side, max_side))
        needed = _check_budget(image, full_size, limits, max_side)
        with admit(needed):
            image.load()
            rgb = to_working_rgb(image, max_side)
            del image  # the full-size pixels go before the budget is given back
    # Turned upright at the working size: a full-size turn would be another full-size copy.
    if orientation in _UPRIGHT:
        rgb = rgb.transpose(_UPRIGHT[orientation])
    return rgb, full_size, focal


def decode_photo(
    data: bytes,
    limits: PhotoLimits,
    max_side: int,
    horizontal_fov_degrees: float = 0.0,
    admit: Admit = lambda nbytes: contextlib.nullcontext(),
) -> Photo:
    """`admit(nbytes)`: entered around the decode with its estimated memory (the server's
    creation memory budget waits there until that much is free)."""
    _check_request(data, limits, horizontal_fov_degrees)
    try:
        rgb, full_size, focal = _open(data, limits, max_side, admit)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own guard fires in `open` for headers far beyond any sane size.
        raise InvalidArgument(
            "PHOTO_TOO_MANY_PIXELS",
            f"the photo declares more than {limits.max_pixels} pixels ({exc})",
            limit=limits.max_pixels,
        ) from exc
    except UnidentifiedImageError as exc:
        if _known_signature(data):
            # Pillow names a file it cannot parse "unidentified" even when its signature says
            # what it is: a PNG cut inside its header is damaged, not an unknown format.
            raise InvalidArgument(
                "PHOTO_CORRUPT", f"the photo could not be decoded: {exc}"
            ) from exc
        refused = _refused_format(data)
        if refused is not None:
            raise InvalidArgument(
                "PHOTO_FORMAT_UNSUPPORTED",
                f"the photo's first bytes are those of {refused}, a format this server does "
                f"not read; it reads {', '.join(ALLOWED_FORMATS)}",
                format=refused,
            ) from exc
        raise InvalidArgument(
            "PHOTO_NOT_AN_IMAGE", "the photo is not an image format this server reads"
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise InvalidArgument("PHOTO_CORRUPT", f"the photo could not be decoded: {exc}") from exc

    fov, source, notes = _fov(horizontal_fov_degrees, focal)
    return Photo(np.asarray(rgb, dtype=np.uint8).copy(), fov, source, full_size, notes)
