"""TILE_ENCODING_QUANTIZED_V1: the compact tile payload "WSQT" (docs/tile-format.md), fast path.

Splats are cut into chunks of 256 consecutive splats. Each chunk header holds float32 ranges
(position box, log-scale range, opacity-logit range, per-channel colour range, SH magnitude per
band); every splat is then one 13-byte record of fixed-point fields inside its chunk's ranges
(positions 11/10/11 bits, smallest-three rotation 2+8+8+8, log scales 6+6+6, opacity logit 7,
colour 7+7+7), followed by the chunk's higher SH bands as a bit stream (6, 5, 5 bits per band).
That is 13.26 bytes per splat at SH degree 0 for a full tile; the measured errors behind each
width are in the doc. Ranges are per chunk, so precision follows how compact each chunk is:
`spatial_order` (called once when a tile is built) makes every chunk a compact k-d cell. `encode`
never reorders; any order is correct, just less precise.

The kernels are numba, single-threaded (no prange): a tile is small and the server encodes many
tiles at once. `codec_reference.py` is the readable numpy implementation of the same bytes and
`tests/test_codec.py` holds the two to byte and value equality.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import Final

import numpy as np
from numba import njit

from worldstream.tiles.raw import RawTile

MAGIC: Final = b"WSQT"
VERSION: Final = 1
HEADER: Final = struct.Struct("<4sHBBII3d")  # magic, version, degree, frame, count, 0, origin
HEADER_BYTES: Final = HEADER.size  # 40
ENGINE_FRAMES: Final = (1, 2, 3)  # glTF, Unity, Unreal: the proto EngineFrame numbers
MAX_SH_DEGREE: Final = 3

CHUNK_SPLATS: Final = 256
RECORD_BYTES: Final = 13  # one splat's fixed fields: a 104-bit little-endian record
CHUNK_HEADER_FLOATS: Final = 16  # + one per SH band above 0
POSITION_BITS: Final = (11, 10, 11)
ROTATION_BITS: Final = 8  # per smallest-three component, plus a 2-bit index
LOG_SCALE_BITS: Final = 6
OPACITY_BITS: Final = 7
COLOUR_BITS: Final = 7
SH_BAND_BITS: Final = (6, 5, 5)  # bands 1, 2, 3

LOG_SCALE_MIN: Final = -16.0
"""Log scales (natural log of engine units) are clamped to [LOG_SCALE_MIN, LOG_SCALE_MAX]
before quantization, so that one absurd splat cannot stretch its chunk's range."""
LOG_SCALE_MAX: Final = 12.0
OPACITY_LOGIT_LIMIT: Final = 8.0
"""Opacity logits are clamped to +-8 (opacity 0.00034 .. 0.99966) before quantization."""

SQRT1_2: Final = 0.7071067811865476  # the largest magnitude a smallest-three component can have

# Chunk header float indices.
H_POS_MIN, H_POS_EXT, H_SCALE_MIN, H_SCALE_EXT, H_OPA_MIN, H_OPA_EXT, H_DC_MIN, H_DC_EXT, H_SH = (
    0,
    3,
    6,
    7,
    8,
    9,
    10,
    13,
    16,
)
CHUNK_HEADER_FIELDS: Final = (
    ("position min", 3),
    ("position extent", 3),
    ("log-scale min", 1),
    ("log-scale extent", 1),
    ("opacity min", 1),
    ("opacity extent", 1),
    ("colour min", 3),
    ("colour extent", 3),
)


@dataclass(frozen=True)
class DecodedTile(RawTile):
    """A decoded WSQT payload: the same fields and meaning as `raw.RawTile`.

    positions [N, 3] f32 relative to `origin`; quats [N, 4] f32 (w, x, y, z), unit, largest
    component positive; log_scales [N, 3] f32; opacity_logits [N] f32; sh [N, K, 3] f32.
    """


def sh_bits_per_splat(sh_degree: int) -> int:
    """Bits of one splat's higher SH bands: 3 channels x (2l + 1) coefficients per band l."""
    return sum(3 * (2 * band + 1) * SH_BAND_BITS[band - 1] for band in range(1, sh_degree + 1))


def chunk_bytes(splats: int, sh_degree: int) -> int:
    """Bytes of one chunk holding `splats` splats (1..256)."""
    header = 4 * (CHUNK_HEADER_FLOATS + sh_degree)
    return header + RECORD_BYTES * splats + (splats * sh_bits_per_splat(sh_degree) + 7) // 8


def payload_bytes(count: int, sh_degree: int) -> int:
    """Exact payload length for `count` splats at `sh_degree`."""
    if count < 0 or not 0 <= sh_degree <= MAX_SH_DEGREE:
        raise ValueError(f"no payload for {count} splats at SH degree {sh_degree}")
    full, rest = divmod(count, CHUNK_SPLATS)
    size = HEADER_BYTES + full * chunk_bytes(CHUNK_SPLATS, sh_degree)
    return size + (chunk_bytes(rest, sh_degree) if rest else 0)


def sh_code_widths(sh_degree: int) -> np.ndarray:
    """[3 (K - 1)] bit width of each stored SH value, in stream order (coefficient, channel)."""
    widths = [SH_BAND_BITS[b - 1] for b in range(1, sh_degree + 1) for _ in range(3 * (2 * b + 1))]
    return np.array(widths, dtype=np.int64)


def sh_code_bands(sh_degree: int) -> np.ndarray:
    """[3 (K - 1)] band (1..3) of each stored SH value, in stream order."""
    bands = [b for b in range(1, sh_degree + 1) for _ in range(3 * (2 * b + 1))]
    return np.array(bands, dtype=np.int64)


# --- header ------------------------------------------------------------------------------------


def check_arrays(
    origin: np.ndarray,
    means: np.ndarray,
    quats: np.ndarray,
    log_scales: np.ndarray,
    opacity_logits: np.ndarray,
    sh: np.ndarray,
    engine_frame: int,
) -> int:
    """Validate shapes and header fields; returns the SH degree."""
    n = means.shape[0] if means.ndim == 2 else -1
    expected = {
        "means": (means, (n, 3)),
        "quats": (quats, (n, 4)),
        "log_scales": (log_scales, (n, 3)),
        "opacity_logits": (opacity_logits, (n,)),
    }
    for name, (array, shape) in expected.items():
        if array.shape != shape:
            raise ValueError(f"{name} has shape {array.shape}, expected {shape}")
    if sh.ndim != 3 or sh.shape[0] != n or sh.shape[2] != 3:
        raise ValueError(f"sh has shape {sh.shape}, expected ({n}, K, 3)")
    degree = round(math.sqrt(sh.shape[1])) - 1
    if (degree + 1) ** 2 != sh.shape[1] or not 0 <= degree <= MAX_SH_DEGREE:
        raise ValueError(f"{sh.shape[1]} SH coefficients is not (degree + 1)^2 for degree 0..3")
    if engine_frame not in ENGINE_FRAMES:
        raise ValueError(f"engine frame {engine_frame} is not one of {ENGINE_FRAMES}")
    if origin.shape != (3,) or not np.all(np.isfinite(origin)):
        raise ValueError(f"tile origin must be 3 finite numbers, got {origin!r}")
    if n >= 1 << 32:
        raise ValueError(f"{n} splats do not fit the u32 count")
    return degree


def pack_header(origin: np.ndarray, count: int, sh_degree: int, engine_frame: int) -> bytes:
    return HEADER.pack(MAGIC, VERSION, sh_degree, engine_frame, count, 0, *origin.tolist())


def parse_header(data: bytes | memoryview) -> tuple[int, int, int, np.ndarray]:
    """(count, sh degree, engine frame, origin) of a payload whose length is checked too."""
    size = len(data)
    if size < HEADER_BYTES:
        raise ValueError(f"payload is {size} bytes, shorter than the {HEADER_BYTES}-byte header")
    magic, version, degree, frame, count, reserved, ox, oy, oz = HEADER.unpack_from(data)
    if magic != MAGIC:
        raise ValueError(f"bad magic {bytes(magic)!r}, expected {MAGIC!r}")
    if version != VERSION:
        raise ValueError(f"unsupported quantized tile version {version}, this decoder reads 1")
    if degree > MAX_SH_DEGREE:
        raise ValueError(f"SH degree {degree} is above {MAX_SH_DEGREE}")
    if frame not in ENGINE_FRAMES:
        raise ValueError(f"engine frame byte {frame} is not one of {ENGINE_FRAMES}")
    if reserved != 0:
        raise ValueError(f"reserved header word is {reserved}, must be 0 in version 1")
    origin = np.array([ox, oy, oz], dtype=np.float64)
    if not np.all(np.isfinite(origin)):
        raise ValueError(f"tile origin {origin.tolist()} is not finite")
    expected = payload_bytes(count, degree)
    if size != expected:
        raise ValueError(
            f"payload is {size} bytes; {count} splats at SH degree {degree} need {expected}"
        )
    return count, degree, frame, origin


def chunk_header_problem(header: np.ndarray) -> str:
    """What is wrong with one chunk header's floats (f32 [16 + degree]), or ''."""
    start = 0
    fields = [*CHUNK_HEADER_FIELDS, ("SH band magnitudes", header.size - CHUNK_HEADER_FLOATS)]
    for name, size in fields:
        values = header[start : start + size]
        if not np.all(np.isfinite(values)):
            return f"{name} {values.tolist()} is not finite"
        if ("extent" in name or "SH" in name) and np.any(values < 0):
            return f"{name} {values.tolist()} is negative"
        start += size
    return ""


# --- spatial order -----------------------------------------------------------------------------


def spatial_order(positions: np.ndarray) -> np.ndarray:
    """[N] int64 permutation that makes every run of 256 splats a compact box (k-d leaves).

    Recursive split of the longest box axis at a multiple of 256 splats (np.argpartition), so
    every chunk except the last is exactly one leaf; a Morton (Z-order) sort instead lets a run of
    256 straddle a jump of the curve, which on lifted scenes doubles the 99th-percentile chunk box
    (docs/tile-format.md § Order). Deterministic for a given input. Call once per tile build.
    """
    points = np.asarray(positions, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 3:
        raise ValueError(f"positions have shape {points.shape}, expected (N, 3)")
    if not np.all(np.isfinite(points)):
        raise ValueError("positions are not all finite")
    order = np.arange(points.shape[0], dtype=np.int64)
    stack = [(0, points.shape[0])]
    while stack:
        lo, hi = stack.pop()
        if hi - lo <= CHUNK_SPLATS:
            continue
        chunks = -(-(hi - lo) // CHUNK_SPLATS)
        split = CHUNK_SPLATS * (chunks // 2)  # the left half holds only full chunks
        members = order[lo:hi]
        box = points[members]
        axis = int(np.argmax(box.max(axis=0) - box.min(axis=0)))
        order[lo:hi] = members[np.argpartition(box[:, axis], split)]
        stack += [(lo, lo + split), (lo + split, hi)]
    return order


# --- encode ------------------------------------------------------------------------------------


@njit(cache=True, inline="always")
def _code(value, lo, gain, levels):
    """Fixed point in [0, levels]: floor((v - lo) * gain + 0.5) clamped, gain = levels / extent.

    int() truncates toward zero, which equals floor here: anything below 0 clamps to 0 anyway.
    """
    t = int((value - lo) * gain + 0.5)
    return min(max(t, 0), levels)


@njit(cache=True, inline="always")
def _signed_code(value, gain, half):
    """Symmetric code in [0, 2 half]: floor(v * gain + half + 0.5) clamped, gain = half / max|v|."""
    t = int(value * gain + (half + 0.5))
    return min(max(t, 0), 2 * half)


@njit(cache=True, inline="always")
def _gain(levels, extent):
    """levels / extent, or 0 for an empty range (every code is then 0 and decodes to the min)."""
    extent = np.float64(extent)
    return levels / extent if extent > 0.0 else 0.0


@njit(cache=True, error_model="numpy", nogil=True)
def _chunk_ranges(origin, means, quats, log_scales, opacity_logits, sh, start, stop, h):
    """Fill the chunk header `h` (f32 [16 + degree]); False if any attribute is not finite."""
    inf = np.inf
    x0, x1, y0, y1, z0, z1 = inf, -inf, inf, -inf, inf, -inf
    r0, r1, g0, g1, b0, b1 = inf, -inf, inf, -inf, inf, -inf
    s0, s1, o0, o1 = inf, -inf, inf, -inf
    m1 = m2 = m3 = 0.0
    check = 0.0  # NaN and inf survive a sum: one test per chunk instead of one per number
    ox, oy, oz = origin[0], origin[1], origin[2]
    k = sh.shape[1]
    for i in range(start, stop):
        x = np.float64(means[i, 0]) - ox
        y = np.float64(means[i, 1]) - oy
        z = np.float64(means[i, 2]) - oz
        r, g, b = np.float64(sh[i, 0, 0]), np.float64(sh[i, 0, 1]), np.float64(sh[i, 0, 2])
        l0, l1, l2 = log_scales[i, 0], log_scales[i, 1], log_scales[i, 2]
        op = np.float64(opacity_logits[i])
        check += x + y + z + r + g + b + l0 + l1 + l2 + op
        check += quats[i, 0] + quats[i, 1] + quats[i, 2] + quats[i, 3]
        x0, x1, y0, y1, z0, z1 = (
            min(x0, x),
            max(x1, x),
            min(y0, y),
            max(y1, y),
            min(z0, z),
            max(z1, z),
        )
        r0, r1, g0, g1, b0, b1 = (
            min(r0, r),
            max(r1, r),
            min(g0, g),
            max(g1, g),
            min(b0, b),
            max(b1, b),
        )
        s0 = min(s0, np.float64(min(l0, l1, l2)))
        s1 = max(s1, np.float64(max(l0, l1, l2)))
        o0, o1 = min(o0, op), max(o1, op)
        for c in range(1, k):  # band 1: c = 1..3, band 2: 4..8, band 3: 9..15
            for ch in range(3):
                v = np.float64(sh[i, c, ch])
                check += v
                if c < 4:
                    m1 = max(m1, abs(v))
                elif c < 9:
                    m2 = max(m2, abs(v))
                else:
                    m3 = max(m3, abs(v))
    if not math.isfinite(check):
        return False
    # Clamped after the min and max: clamping is monotonic, so the order does not matter.
    s0 = min(max(s0, LOG_SCALE_MIN), LOG_SCALE_MAX)
    s1 = min(max(s1, LOG_SCALE_MIN), LOG_SCALE_MAX)
    o0 = min(max(o0, -OPACITY_LOGIT_LIMIT), OPACITY_LOGIT_LIMIT)
    o1 = min(max(o1, -OPACITY_LOGIT_LIMIT), OPACITY_LOGIT_LIMIT)
    # Stored as float32; a min rounded up to float32 can pass the max, so extents clamp at 0.
    lows = (x0, y0, z0, s0, o0, r0, g0, b0)
    highs = (x1, y1, z1, s1, o1, r1, g1, b1)
    slots = (0, 1, 2, 6, 8, 10, 11, 12)
    widths = (3, 3, 3, 1, 1, 3, 3, 3)
    for j in range(8):
        h[slots[j]] = lows[j]
        h[slots[j] + widths[j]] = max(0.0, highs[j] - np.float64(h[slots[j]]))
    magnitudes = (m1, m2, m3)
    for band in range(h.shape[0] - 16):
        h[16 + band] = magnitudes[band]
    return True


@njit(cache=True, error_model="numpy", nogil=True)
def _encode_kernel(
    origin, means, quats, log_scales, opacity_logits, sh, degree, widths, bands, out
):
    """Fill `out` (uint8, the payload after the 40-byte header); codes are computed against the
    float32 ranges exactly as stored, i.e. as the decoder reads them.

    Returns -1, or the first row of the first chunk holding a non-finite attribute.
    """
    n = means.shape[0]
    sh_bits = 0
    for j in range(widths.shape[0]):
        sh_bits += widths[j]
    h = np.empty(16 + degree, np.float32)  # the chunk header, copied out through its bytes
    h_bytes = h.view(np.uint8)
    hdr_bytes = 4 * (16 + degree)
    full_bytes = hdr_bytes + RECORD_BYTES * CHUNK_SPLATS + (CHUNK_SPLATS // 8) * sh_bits
    band_gain = np.empty(3)
    rot_gain = 127.0 / SQRT1_2
    for c in range((n + CHUNK_SPLATS - 1) // CHUNK_SPLATS):
        start = c * CHUNK_SPLATS
        stop = min(n, start + CHUNK_SPLATS)
        if not _chunk_ranges(origin, means, quats, log_scales, opacity_logits, sh, start, stop, h):
            return start
        base = c * full_bytes
        for j in range(hdr_bytes):
            out[base + j] = h_bytes[j]
        base += hdr_bytes
        px, py, pz = np.float64(h[0]), np.float64(h[1]), np.float64(h[2])
        gx, gy, gz = _gain(2047.0, h[3]), _gain(1023.0, h[4]), _gain(2047.0, h[5])
        s_lo, s_gain = np.float64(h[6]), _gain(63.0, h[7])
        o_lo, o_gain = np.float64(h[8]), _gain(127.0, h[9])
        r_lo, g_lo, b_lo = np.float64(h[10]), np.float64(h[11]), np.float64(h[12])
        r_gain, g_gain, b_gain = _gain(127.0, h[13]), _gain(127.0, h[14]), _gain(127.0, h[15])
        ox, oy, oz = origin[0], origin[1], origin[2]
        for b in range(degree):
            band_gain[b] = _gain(
                np.float64((1 << (SH_BAND_BITS[b] - 1)) - 1), np.float64(h[16 + b])
            )
        for i in range(start, stop):
            lo = _code(np.float64(means[i, 0]) - ox, px, gx, 2047)
            lo |= _code(np.float64(means[i, 1]) - oy, py, gy, 1023) << 11
            lo |= _code(np.float64(means[i, 2]) - oz, pz, gz, 2047) << 21
            # Smallest three of the unit quaternion, sign chosen to make the largest positive.
            w = np.float64(quats[i, 0])
            x = np.float64(quats[i, 1])
            y = np.float64(quats[i, 2])
            z = np.float64(quats[i, 3])
            norm2 = w * w + x * x + y * y + z * z
            if not norm2 > 0.0:
                w, x, y, z = 1.0, 0.0, 0.0, 0.0
                norm2 = 1.0
            big, largest = 0, w
            if abs(x) > abs(largest):
                big, largest = 1, x
            if abs(y) > abs(largest):
                big, largest = 2, y
            if abs(z) > abs(largest):
                big, largest = 3, z
            k = rot_gain / math.sqrt(norm2)
            if largest < 0.0:
                k = -k
            # Code all four, then drop the largest's byte: no unpredictable branch per splat.
            four = _signed_code(w * k, 1.0, 127)
            four |= _signed_code(x * k, 1.0, 127) << 8
            four |= _signed_code(y * k, 1.0, 127) << 16
            four |= _signed_code(z * k, 1.0, 127) << 24
            below = four & ((1 << (8 * big)) - 1)
            above = (four >> (8 * big + 8)) << (8 * big)
            lo |= (big << 32) | ((below | above) << 34)
            ls0 = min(max(np.float64(log_scales[i, 0]), LOG_SCALE_MIN), LOG_SCALE_MAX)
            ls1 = min(max(np.float64(log_scales[i, 1]), LOG_SCALE_MIN), LOG_SCALE_MAX)
            ls2 = min(max(np.float64(log_scales[i, 2]), LOG_SCALE_MIN), LOG_SCALE_MAX)
            lo |= _code(ls0, s_lo, s_gain, 63) << 58
            hi = _code(ls1, s_lo, s_gain, 63) | (_code(ls2, s_lo, s_gain, 63) << 6)
            op = min(max(np.float64(opacity_logits[i]), -OPACITY_LOGIT_LIMIT), OPACITY_LOGIT_LIMIT)
            hi |= _code(op, o_lo, o_gain, 127) << 12
            hi |= _code(np.float64(sh[i, 0, 0]), r_lo, r_gain, 127) << 19
            hi |= _code(np.float64(sh[i, 0, 1]), g_lo, g_gain, 127) << 26
            hi |= _code(np.float64(sh[i, 0, 2]), b_lo, b_gain, 127) << 33
            o = base + RECORD_BYTES * (i - start)
            for j in range(8):
                out[o + j] = (lo >> (8 * j)) & 0xFF
            for j in range(5):
                out[o + 8 + j] = (hi >> (8 * j)) & 0xFF
        # Higher SH bands: an LSB-first bit stream after the records, zero-padded to a byte.
        o = base + RECORD_BYTES * (stop - start)
        acc = 0
        nbits = 0
        for i in range(start, stop):
            for c in range(1, sh.shape[1]):
                band = 0 if c < 4 else (1 if c < 9 else 2)
                width = SH_BAND_BITS[band]
                half = (1 << (width - 1)) - 1
                for ch in range(3):
                    v = np.float64(sh[i, c, ch])
                    acc |= _signed_code(v, band_gain[band], half) << nbits
                    nbits += width
                    if nbits >= 32:  # flush whole bytes; at most 32 + 6 bits are ever held
                        for _ in range(4):
                            out[o] = acc & 0xFF
                            o += 1
                            acc >>= 8
                        nbits -= 32
        while nbits > 0:
            out[o] = acc & 0xFF
            o += 1
            acc >>= 8
            nbits -= 8
    return -1


def _floats(array: np.ndarray) -> np.ndarray:
    """float32 or float64 as given (the kernels read either), anything else as float64."""
    array = np.asarray(array)
    if array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float64)
    return np.ascontiguousarray(array)


def encode(
    origin: np.ndarray,  # [3] f64, engine frame and units
    means: np.ndarray,  # [N, 3] absolute, engine frame
    quats: np.ndarray,  # [N, 4] (w, x, y, z), any norm (zero = identity)
    log_scales: np.ndarray,  # [N, 3] natural log of engine units
    opacity_logits: np.ndarray,  # [N] before the sigmoid
    sh: np.ndarray,  # [N, K, 3] DC first
    engine_frame: int,
) -> bytes:
    """The WSQT payload of one tile, splats in the order given. ValueError on bad input."""
    origin = np.asarray(origin, dtype=np.float64)
    arrays = [_floats(a) for a in (means, quats, log_scales, opacity_logits, sh)]
    degree = check_arrays(origin, *arrays, engine_frame)
    n = arrays[0].shape[0]
    out = np.empty(payload_bytes(n, degree), dtype=np.uint8)
    widths, bands = sh_code_widths(degree), sh_code_bands(degree)
    bad = _encode_kernel(origin, *arrays, degree, widths, bands, out[HEADER_BYTES:])
    if bad >= 0:
        raise ValueError(f"splat {bad} has a non-finite attribute")
    out[:HEADER_BYTES] = np.frombuffer(pack_header(origin, n, degree, engine_frame), np.uint8)
    return out.tobytes()


# --- decode ------------------------------------------------------------------------------------


@njit(cache=True, error_model="numpy", nogil=True)
def _decode_kernel(body, degree, widths, bands, pos, quats, scales, opacity, sh):
    """Decode the chunks in `body` (payload after the header, length already checked).

    Returns -1, or the index of the first chunk whose header floats are not finite or whose
    extents / magnitudes are negative (nothing of that chunk is decoded).
    """
    n = pos.shape[0]
    k = sh.shape[1]
    nh = 16 + degree
    sh_bits = 0
    for j in range(widths.shape[0]):
        sh_bits += widths[j]
    full_bytes = 4 * nh + 13 * 256 + 32 * sh_bits
    h = np.empty(nh, np.float64)
    raw = np.empty(4 * nh, np.uint8)
    hf = raw.view(np.float32)
    pos_levels = (2047.0, 1023.0, 2047.0)
    for c in range((n + 255) // 256):
        start = c * 256
        stop = min(n, start + 256)
        base = c * full_bytes
        for j in range(4 * nh):
            raw[j] = body[base + j]
        for j in range(nh):
            h[j] = hf[j]
            if not math.isfinite(h[j]):
                return c
        if h[3] < 0 or h[4] < 0 or h[5] < 0 or h[7] < 0 or h[9] < 0:
            return c
        if h[13] < 0 or h[14] < 0 or h[15] < 0:
            return c
        for b in range(degree):
            if h[16 + b] < 0:
                return c
        base += 4 * nh
        for i in range(start, stop):
            o = base + 13 * (i - start)
            lo = 0
            for j in range(8):
                lo |= np.int64(body[o + j]) << (8 * j)
            hi = 0
            for j in range(5):
                hi |= np.int64(body[o + 8 + j]) << (8 * j)
            pos[i, 0] = h[0] + h[3] * np.float64(lo & 2047) / pos_levels[0]
            pos[i, 1] = h[1] + h[4] * np.float64((lo >> 11) & 1023) / pos_levels[1]
            pos[i, 2] = h[2] + h[5] * np.float64((lo >> 21) & 2047) / pos_levels[2]
            big = (lo >> 32) & 3
            shift = 34
            total = 0.0
            for q in range(4):
                if q != big:
                    v = (np.float64((lo >> shift) & 255) - 127.0) * (SQRT1_2 / 127.0)
                    quats[i, q] = v
                    total += v * v
                    shift += 8
            quats[i, big] = math.sqrt(max(0.0, 1.0 - total))
            scales[i, 0] = h[6] + h[7] * np.float64((lo >> 58) & 63) / 63.0
            scales[i, 1] = h[6] + h[7] * np.float64(hi & 63) / 63.0
            scales[i, 2] = h[6] + h[7] * np.float64((hi >> 6) & 63) / 63.0
            opacity[i] = h[8] + h[9] * np.float64((hi >> 12) & 127) / 127.0
            for a in range(3):
                code = np.float64((hi >> (19 + 7 * a)) & 127)
                sh[i, 0, a] = h[10 + a] + h[13 + a] * code / 127.0
        o = base + 13 * (stop - start)
        acc = 0
        nbits = 0
        for i in range(start, stop):
            for j in range(3 * (k - 1)):
                w = widths[j]
                while nbits < w:
                    acc |= np.int64(body[o]) << nbits
                    o += 1
                    nbits += 8
                code = acc & ((1 << w) - 1)
                acc >>= w
                nbits -= w
                half = np.float64((1 << (w - 1)) - 1)
                sh[i, 1 + j // 3, j % 3] = (np.float64(code) - half) * h[16 + bands[j] - 1] / half
    return -1


def decode(payload: bytes | memoryview) -> DecodedTile:
    """Decode a WSQT payload; ValueError names the first thing wrong with a malformed one."""
    count, degree, frame, origin = parse_header(payload)
    body = np.frombuffer(payload, dtype=np.uint8, offset=HEADER_BYTES)
    k = (degree + 1) ** 2
    pos = np.empty((count, 3), np.float32)
    quats = np.empty((count, 4), np.float32)
    scales = np.empty((count, 3), np.float32)
    opacity = np.empty(count, np.float32)
    sh = np.empty((count, k, 3), np.float32)
    bad = _decode_kernel(
        body, degree, sh_code_widths(degree), sh_code_bands(degree), pos, quats, scales, opacity, sh
    )
    if bad >= 0:
        start = bad * chunk_bytes(CHUNK_SPLATS, degree)
        header = body[start : start + 4 * (CHUNK_HEADER_FLOATS + degree)].view("<f4")
        raise ValueError(f"chunk {bad}: {chunk_header_problem(header)}")
    return DecodedTile(degree, frame, origin, pos, quats, scales, opacity, sh)
