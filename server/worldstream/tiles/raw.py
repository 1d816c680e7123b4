"""TILE_ENCODING_RAW_F32: an uncompressed, documented tile payload (docs/tile-raw-format.md).

The compact quantized codec of DESIGN.md § Tiles arrives as its own encoding; this one is exact,
trivial to decode in any language, and what the reference client reads.

Layout, little-endian:
    0   4   magic b"WSRF"
    4   2   u16 format version (1)
    6   1   u8 SH degree
    7   1   u8 engine frame (1 glTF, 2 Unity, 3 Unreal: the proto EngineFrame numbers)
    8   4   u32 splat count N
    12  4   u32 reserved, 0
    16  24  f64[3] tile origin, engine frame and units
    40  ..  f32 arrays, one after another: positions [N,3] relative to the origin (engine units);
            quats [N,4] (w, x, y, z) in the engine frame; log scales [N,3] (natural log of
            engine units); opacity logits [N] (before the sigmoid); SH [N,K,3], DC first.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

MAGIC = b"WSRF"
VERSION = 1
_HEADER = struct.Struct("<4sHBBII3d")
HEADER_BYTES = _HEADER.size  # 40


@dataclass(frozen=True)
class RawTile:
    sh_degree: int
    engine_frame: int
    origin: np.ndarray  # [3] float64
    positions: np.ndarray  # [N, 3] float32, relative to origin
    quats: np.ndarray  # [N, 4] float32, (w, x, y, z)
    log_scales: np.ndarray  # [N, 3] float32
    opacity_logits: np.ndarray  # [N] float32
    sh: np.ndarray  # [N, K, 3] float32

    @property
    def count(self) -> int:
        return int(self.positions.shape[0])

    def absolute_positions(self) -> np.ndarray:
        return self.positions.astype(np.float64) + self.origin


def payload_bytes(count: int, sh_degree: int) -> int:
    return HEADER_BYTES + count * (3 + 4 + 3 + 1 + 3 * (sh_degree + 1) ** 2) * 4


def encode(
    origin: np.ndarray,  # [3] engine frame
    means: np.ndarray,  # [N, 3] engine frame, absolute
    quats: np.ndarray,  # [N, 4]
    log_scales: np.ndarray,  # [N, 3]
    opacity_logits: np.ndarray,  # [N]
    sh: np.ndarray,  # [N, K, 3]
    engine_frame: int,
) -> bytes:
    n = means.shape[0]
    k = sh.shape[1]
    degree = round(k**0.5) - 1
    origin = np.asarray(origin, dtype=np.float64)
    header = _HEADER.pack(MAGIC, VERSION, degree, engine_frame, n, 0, *origin.tolist())
    parts = [
        (means.astype(np.float64) - origin).astype("<f4"),
        quats.astype("<f4"),
        log_scales.astype("<f4"),
        opacity_logits.astype("<f4"),
        sh.astype("<f4"),
    ]
    return header + b"".join(p.tobytes() for p in parts)


def decode(data: bytes) -> RawTile:
    """Decode a payload; ValueError names the first thing wrong with a malformed one."""
    if len(data) < HEADER_BYTES:
        raise ValueError(
            f"payload is {len(data)} bytes, shorter than the {HEADER_BYTES}-byte header"
        )
    magic, version, degree, frame, n, _, ox, oy, oz = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise ValueError(f"bad magic {magic!r}, expected {MAGIC!r}")
    if version != VERSION:
        raise ValueError(f"unsupported raw tile version {version}")
    if degree > 3:
        raise ValueError(f"SH degree {degree} is above 3")
    expected = payload_bytes(n, degree)
    if len(data) != expected:
        raise ValueError(
            f"payload is {len(data)} bytes; {n} splats at degree {degree} need {expected}"
        )
    k = (degree + 1) ** 2
    body = np.frombuffer(data, dtype="<f4", offset=HEADER_BYTES)
    offsets = np.cumsum([0, 3 * n, 4 * n, 3 * n, n, 3 * k * n])
    arrays = [body[offsets[i] : offsets[i + 1]] for i in range(5)]
    return RawTile(
        sh_degree=degree,
        engine_frame=frame,
        origin=np.array([ox, oy, oz]),
        positions=arrays[0].reshape(n, 3),
        quats=arrays[1].reshape(n, 4),
        log_scales=arrays[2].reshape(n, 3),
        opacity_logits=arrays[3],
        sh=arrays[4].reshape(n, k, 3),
    )
