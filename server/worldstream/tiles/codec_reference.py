"""The WSQT tile payload (docs/tile-format.md) in plain numpy: slow, readable, the ground truth.

Same bytes as the numba kernels in `codec.py`, written the way the spec reads: chunk by chunk,
each attribute quantized against its chunk's float32 range, each splat's fields OR-ed into a
104-bit record, the higher SH bands appended as an LSB-first bit stream. Every rounding happens
in float64 with the same operation order as the fast path, so the two agree bit for bit.
"""

from __future__ import annotations

import math

import numpy as np

from worldstream.tiles.codec import (
    CHUNK_HEADER_FLOATS,
    CHUNK_SPLATS,
    COLOUR_BITS,
    HEADER_BYTES,
    LOG_SCALE_BITS,
    LOG_SCALE_MAX,
    LOG_SCALE_MIN,
    OPACITY_BITS,
    OPACITY_LOGIT_LIMIT,
    POSITION_BITS,
    RECORD_BYTES,
    ROTATION_BITS,
    SQRT1_2,
    DecodedTile,
    check_arrays,
    chunk_bytes,
    chunk_header_problem,
    pack_header,
    parse_header,
    sh_code_bands,
    sh_code_widths,
)

# Bit offset of each field in the 104-bit record (docs/tile-format.md § Record).
POS_SHIFTS = (0, 11, 21)
ROT_INDEX_SHIFT = 32
ROT_SHIFTS = (34, 42, 50)
SCALE_SHIFTS = (58, 64, 70)
OPACITY_SHIFT = 76
COLOUR_SHIFTS = (83, 90, 97)


def gain(levels: float, extent: np.ndarray) -> np.ndarray:
    """levels / extent, 0 for an empty range (every code is then 0 and decodes to the min)."""
    return np.where(extent > 0, levels / np.where(extent > 0, extent, 1.0), 0.0)


def unsigned_code(value: np.ndarray, lo: np.ndarray, extent: np.ndarray, bits: int) -> np.ndarray:
    """floor((v - lo) * (L / extent) + 0.5) clamped to [0, L], L = 2^bits - 1."""
    levels = float((1 << bits) - 1)
    t = np.floor((value - lo) * gain(levels, extent) + 0.5)
    return np.clip(t, 0.0, levels).astype(np.int64)


def unsigned_value(code: np.ndarray, lo: np.ndarray, extent: np.ndarray, bits: int) -> np.ndarray:
    """lo + extent * code / L in float64, rounded once to float32 (the decoder's formula)."""
    return (lo + extent * code.astype(np.float64) / float((1 << bits) - 1)).astype(np.float32)


def signed_code(value: np.ndarray, magnitude: np.ndarray, bits: int) -> np.ndarray:
    """floor(v * (H / magnitude) + (H + 0.5)) clamped to [0, 2H], H = 2^(bits-1) - 1."""
    half = float((1 << (bits - 1)) - 1)
    t = np.floor(value * gain(half, magnitude) + (half + 0.5))
    return np.clip(t, 0.0, 2.0 * half).astype(np.int64)


def signed_value(code: np.ndarray, magnitude: np.ndarray, bits: int) -> np.ndarray:
    half = float((1 << (bits - 1)) - 1)
    return ((code.astype(np.float64) - half) * magnitude / half).astype(np.float32)


def smallest_three(quats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index of the largest |component| [M], codes of the other three [M, 3]).

    q and -q are the same rotation: the sign that makes the largest component positive is
    applied and the largest is not stored. Each other component c of the unit quaternion is
    floor(c * 127 / sqrt(1/2) + 127.5); a zero quaternion is the identity.
    """
    quats = quats.copy()
    w, x, y, z = quats.T
    norm2 = w * w + x * x + y * y + z * z  # summed in this order, as codec.py does
    zero = ~(norm2 > 0)
    quats[zero] = [1.0, 0.0, 0.0, 0.0]
    norm2[zero] = 1.0
    big = np.argmax(np.abs(quats), axis=1)  # the first of equal magnitudes
    largest = quats[np.arange(len(quats)), big]
    half = float((1 << (ROTATION_BITS - 1)) - 1)
    k = half / SQRT1_2 / np.sqrt(norm2)
    k = np.where(largest < 0, -k, k)
    others = np.array([[j for j in range(4) if j != b] for b in range(4)])[big]  # [M, 3]
    t = np.floor(np.take_along_axis(quats, others, axis=1) * k[:, None] + (half + 0.5))
    return big, np.clip(t, 0.0, 2 * half).astype(np.int64)


def pack_bits(values: np.ndarray, widths: np.ndarray) -> bytes:
    """Values [M, F] of widths [F] bits as one LSB-first bit stream, zero-padded to a byte."""
    if values.size == 0:
        return b""
    shifts = np.arange(int(widths.max()))
    bits = (values[:, :, None] >> shifts) & 1  # [M, F, max width]
    keep = shifts[None, None, :] < widths[None, :, None]
    stream = bits[np.broadcast_to(keep, bits.shape)].astype(np.uint8)  # row-major: in order
    return np.packbits(stream, bitorder="little").tobytes()


def unpack_bits(data: np.ndarray, count: int, widths: np.ndarray) -> np.ndarray:
    """Inverse of pack_bits: [count, F] int64."""
    if count == 0 or widths.size == 0:
        return np.zeros((count, widths.size), np.int64)
    stream = np.unpackbits(data, bitorder="little")[: count * int(widths.sum())]
    starts = np.concatenate([[0], np.cumsum(widths)[:-1]])
    values = np.zeros((count, widths.size), np.int64)
    per_splat = stream.reshape(count, -1).astype(np.int64)
    for f, (start, width) in enumerate(zip(starts, widths, strict=True)):
        field = per_splat[:, start : start + width]
        values[:, f] = np.sum(field << np.arange(width), axis=1)
    return values


def encode_chunk(
    origin: np.ndarray,
    means: np.ndarray,
    quats: np.ndarray,
    log_scales: np.ndarray,
    opacity_logits: np.ndarray,
    sh: np.ndarray,
) -> bytes:
    """One chunk (1..256 splats), float64 inputs: header floats, records, SH bit stream."""
    f32 = np.float32
    degree = math.isqrt(sh.shape[1]) - 1
    pos = means - origin
    scales = np.clip(log_scales, LOG_SCALE_MIN, LOG_SCALE_MAX)
    opacity = np.clip(opacity_logits, -OPACITY_LOGIT_LIMIT, OPACITY_LOGIT_LIMIT)
    dc = sh[:, 0, :]
    rest = sh[:, 1:, :].reshape(len(sh), -1)  # [M, 3 (K - 1)]: coefficient-major, RGB inner
    bands = sh_code_bands(degree)

    # Ranges as stored (float32), then read back as float64: codes use what a decoder sees.
    # A min rounded up to float32 can pass the max: extents are never negative.
    def extent(values: np.ndarray, lo: np.ndarray, axis: int | None) -> np.ndarray:
        return np.maximum(0.0, values.max(axis=axis) - lo).astype(f32).astype(np.float64)

    pos_min = pos.min(axis=0).astype(f32).astype(np.float64)
    pos_ext = extent(pos, pos_min, 0)
    scale_min = f32(scales.min()).astype(np.float64)
    scale_ext = extent(scales, scale_min, None)
    opa_min = f32(opacity.min()).astype(np.float64)
    opa_ext = extent(opacity, opa_min, None)
    dc_min = dc.min(axis=0).astype(f32).astype(np.float64)
    dc_ext = extent(dc, dc_min, 0)
    band_max = np.array(
        [np.abs(rest[:, bands == b]).max() for b in range(1, degree + 1)], np.float64
    ).astype(f32)
    header = np.concatenate(
        [pos_min, pos_ext, [scale_min, scale_ext, opa_min, opa_ext], dc_min, dc_ext, band_max]
    ).astype("<f4")

    record = np.zeros(len(pos), dtype=object)  # Python ints: 104 bits do not fit an int64

    def put(code: np.ndarray, shift: int) -> None:
        nonlocal record
        record = record | (code.astype(object) << shift)

    for axis in range(3):
        put(unsigned_code(pos[:, axis], pos_min[axis], pos_ext[axis], POSITION_BITS[axis]),
            POS_SHIFTS[axis])  # fmt: skip
    big, rotation_codes = smallest_three(quats)
    put(big, ROT_INDEX_SHIFT)
    for j in range(3):
        put(rotation_codes[:, j], ROT_SHIFTS[j])
    for axis in range(3):
        put(unsigned_code(scales[:, axis], scale_min, scale_ext, LOG_SCALE_BITS),
            SCALE_SHIFTS[axis])  # fmt: skip
    put(unsigned_code(opacity, opa_min, opa_ext, OPACITY_BITS), OPACITY_SHIFT)
    for channel in range(3):
        put(unsigned_code(dc[:, channel], dc_min[channel], dc_ext[channel], COLOUR_BITS),
            COLOUR_SHIFTS[channel])  # fmt: skip
    records = b"".join(int(r).to_bytes(RECORD_BYTES, "little") for r in record)

    magnitudes = band_max.astype(np.float64)[bands - 1]  # [3 (K - 1)]
    widths = sh_code_widths(degree)
    codes = np.stack(
        [signed_code(rest[:, j], magnitudes[j], int(widths[j])) for j in range(rest.shape[1])],
        axis=1,
    ) if rest.shape[1] else np.zeros((len(pos), 0), np.int64)  # fmt: skip
    return header.tobytes() + records + pack_bits(codes, widths)


def encode(
    origin: np.ndarray,
    means: np.ndarray,
    quats: np.ndarray,
    log_scales: np.ndarray,
    opacity_logits: np.ndarray,
    sh: np.ndarray,
    engine_frame: int,
) -> bytes:
    """Reference of `codec.encode`: the same bytes, one chunk at a time."""
    origin = np.asarray(origin, dtype=np.float64)
    arrays = [np.asarray(a, dtype=np.float64) for a in (means, quats, log_scales, opacity_logits)]
    sh = np.asarray(sh, dtype=np.float64)
    degree = check_arrays(origin, *arrays, sh, engine_frame)
    for name, values in zip(("means", "quats", "log_scales", "opacity_logits", "sh"),
                            (*arrays, sh), strict=True):  # fmt: skip
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{name} has non-finite values")
    n = len(arrays[0])
    parts = [pack_header(origin, n, degree, engine_frame)]
    for start in range(0, n, CHUNK_SPLATS):
        rows = slice(start, min(n, start + CHUNK_SPLATS))
        parts.append(encode_chunk(origin, *(a[rows] for a in arrays), sh[rows]))
    return b"".join(parts)


def decode_chunk(data: np.ndarray, count: int, degree: int) -> dict[str, np.ndarray]:
    """One chunk's bytes (uint8) holding `count` splats -> float32 arrays."""
    header_floats = CHUNK_HEADER_FLOATS + degree
    header = data[: 4 * header_floats].view("<f4").astype(np.float64)
    pos_min, pos_ext = header[0:3], header[3:6]
    scale_min, scale_ext, opa_min, opa_ext = header[6:10]
    dc_min, dc_ext = header[10:13], header[13:16]
    band_max = header[16:]

    body = data[4 * header_floats : 4 * header_floats + RECORD_BYTES * count]
    record = [int.from_bytes(body[i * RECORD_BYTES : (i + 1) * RECORD_BYTES].tobytes(), "little")
              for i in range(count)]  # fmt: skip

    def field(shift: int, bits: int) -> np.ndarray:
        return np.array([(r >> shift) & ((1 << bits) - 1) for r in record], dtype=np.int64)

    positions = np.stack(
        [unsigned_value(field(POS_SHIFTS[a], POSITION_BITS[a]), pos_min[a], pos_ext[a],
                        POSITION_BITS[a]) for a in range(3)], axis=1)  # fmt: skip
    big = field(ROT_INDEX_SHIFT, 2)
    half = float((1 << (ROTATION_BITS - 1)) - 1)
    others = np.stack(
        [(field(ROT_SHIFTS[j], ROTATION_BITS) - half) * (SQRT1_2 / half) for j in range(3)], axis=1
    )
    a, b, c = others.T
    largest = np.sqrt(np.maximum(0.0, 1.0 - (a * a + b * b + c * c)))
    quats = np.zeros((count, 4), np.float64)
    for i in range(count):
        quats[i, [j for j in range(4) if j != big[i]]] = others[i]
        quats[i, big[i]] = largest[i]
    log_scales = np.stack(
        [unsigned_value(field(SCALE_SHIFTS[a], LOG_SCALE_BITS), scale_min, scale_ext,
                        LOG_SCALE_BITS) for a in range(3)], axis=1)  # fmt: skip
    opacity = unsigned_value(field(OPACITY_SHIFT, OPACITY_BITS), opa_min, opa_ext, OPACITY_BITS)
    dc = np.stack(
        [unsigned_value(field(COLOUR_SHIFTS[c], COLOUR_BITS), dc_min[c], dc_ext[c], COLOUR_BITS)
         for c in range(3)], axis=1)  # fmt: skip

    widths, bands = sh_code_widths(degree), sh_code_bands(degree)
    codes = unpack_bits(data[4 * header_floats + RECORD_BYTES * count :], count, widths)
    rest = np.stack(
        [signed_value(codes[:, j], band_max[bands[j] - 1], int(widths[j]))
         for j in range(widths.size)], axis=1) if widths.size else np.zeros((count, 0))  # fmt: skip
    sh = np.concatenate([dc[:, None, :], rest.reshape(count, -1, 3)], axis=1)
    return {
        "positions": positions,
        "quats": quats.astype(np.float32),
        "log_scales": log_scales,
        "opacity_logits": opacity,
        "sh": sh.astype(np.float32),
    }


def decode(payload: bytes | memoryview) -> DecodedTile:
    """Reference of `codec.decode`: the same values and the same errors."""
    count, degree, frame, origin = parse_header(payload)
    data = np.frombuffer(payload, dtype=np.uint8, offset=HEADER_BYTES)
    full = chunk_bytes(CHUNK_SPLATS, degree)
    chunks = []
    for c, start in enumerate(range(0, count, CHUNK_SPLATS)):
        m = min(CHUNK_SPLATS, count - start)
        piece = data[c * full : c * full + chunk_bytes(m, degree)]
        problem = chunk_header_problem(piece[: 4 * (CHUNK_HEADER_FLOATS + degree)].view("<f4"))
        if problem:
            raise ValueError(f"chunk {c}: {problem}")
        chunks.append(decode_chunk(piece, m, degree))
    k = (degree + 1) ** 2
    empty = {"positions": (0, 3), "quats": (0, 4), "log_scales": (0, 3),
             "opacity_logits": (0,), "sh": (0, k, 3)}  # fmt: skip
    out = {
        name: np.concatenate([c[name] for c in chunks]) if chunks else np.zeros(shape, np.float32)
        for name, shape in empty.items()
    }
    return DecodedTile(degree, frame, origin, out["positions"], out["quats"], out["log_scales"],
                       out["opacity_logits"], out["sh"])  # fmt: skip
