"""Decoding an uploaded photo safely: size limits before decoding, EXIF orientation and focal.

Pillow reads the header without decoding pixels, so a decompression bomb is refused by its
declared size before any memory is spent on it.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from worldstream.errors import InvalidArgument

DEFAULT_HORIZONTAL_FOV_DEGREES = 60.0
# Leading bytes of the formats this server reads (PNG, JPEG, GIF; WebP checks bytes 8..11 too).
_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


def _known_signature(data: bytes) -> bool:
    head = bytes(data[:12])
    return head.startswith(_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


_EXIF_IFD = 0x8769
_FOCAL_35MM = 0xA405  # FocalLengthIn35mmFilm


@dataclass(frozen=True)
class PhotoLimits:
    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 40_000_000
    min_side: int = 16


@dataclass(frozen=True)
class Photo:
    rgb: np.ndarray  # [H, W, 3] uint8, orientation applied, resampled to the working size
    horizontal_fov_degrees: float
    fov_source: str  # "request", "exif" or "default"
    original_size: tuple[int, int]  # (width, height) as decoded


def _exif_fov(image: Image.Image) -> float | None:
    try:
        focal = image.getexif().get_ifd(_EXIF_IFD).get(_FOCAL_35MM)
    except Exception:  # malformed EXIF is common and never fatal
        return None
    if not focal or float(focal) <= 0:
        return None
    # 35 mm equivalent: a 36 mm wide frame.
    return math.degrees(2 * math.atan(18.0 / float(focal)))


def _to_rgb8(image: Image.Image) -> Image.Image:
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # 16-bit, 32-bit integer and float greyscale: map the used range onto 8 bits.
        data = np.asarray(image, dtype=np.float64)
        finite = data[np.isfinite(data)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        scaled = (np.nan_to_num(data, nan=lo) - lo) / ((hi - lo) or 1.0)
        image = Image.fromarray((np.clip(scaled, 0.0, 1.0) * 255.0).round().astype(np.uint8), "L")
    if image.mode != "RGB":
        if image.mode in ("RGBA", "LA", "P", "PA"):
            image = image.convert("RGBA")
            background = Image.new("RGBA", image.size, (255, 255, 255, 255))
            image = Image.alpha_composite(background, image)
        image = image.convert("RGB")
    return image


def decode_photo(
    data: bytes, limits: PhotoLimits, max_side: int, horizontal_fov_degrees: float = 0.0
) -> Photo:
    if not data:
        raise InvalidArgument("PHOTO_EMPTY", "the photo is empty")
    if len(data) > limits.max_bytes:
        raise InvalidArgument(
            "PHOTO_TOO_LARGE",
            f"the photo is {len(data)} bytes; the limit is {limits.max_bytes}",
            bytes=len(data),
            limit=limits.max_bytes,
        )
    if horizontal_fov_degrees and not (1.0 <= horizontal_fov_degrees <= 170.0):
        raise InvalidArgument(
            "INVALID_FIELD_OF_VIEW",
            f"horizontal_fov_degrees must be in [1, 170], got {horizontal_fov_degrees}",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
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
            exif_fov = _exif_fov(image)
            # JPEG can decode straight to a reduced size, which bounds memory and time.
            image.draft("RGB", (max_side, max_side))
            image.load()
            image = ImageOps.exif_transpose(image)
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
        raise InvalidArgument(
            "PHOTO_NOT_AN_IMAGE", "the photo is not an image format this server reads"
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise InvalidArgument("PHOTO_CORRUPT", f"the photo could not be decoded: {exc}") from exc

    image = _to_rgb8(image)
    scale = max_side / max(image.size)
    if scale < 1.0:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)

    if horizontal_fov_degrees:
        fov, source = horizontal_fov_degrees, "request"
    elif exif_fov is not None:
        fov, source = exif_fov, "exif"
    else:
        fov, source = DEFAULT_HORIZONTAL_FOV_DEGREES, "default"
    rgb = np.asarray(image, dtype=np.uint8).copy()
    return Photo(rgb, fov, source, (width, height))
