"""Exporting a world as Niantic SPZ, header version 3 (gzip), written through gsply.

Why version 3: it is the gzip container with smallest-three quaternions that the SPZ 2.x
reference library writes and that the glTF companion extension
(``KHR_gaussian_splatting_compression_spz_2``, "v2 of the SPZ compression format") embeds.
The reference library's newest header version is 4, a different zstd container with a table of
streams that the extension does not cover; its loader still reads version 3. gsply 0.4.6
(``gsply/spz.py``) writes exactly this: a 16-byte header (magic ``NGSP``, version 3, count,
SH degree, fractional bits, flags 0, reserved 0), then positions, alphas, colours, scales,
rotations and SH as separate arrays, the whole gzipped as one member. We pass ``version=3``
explicitly rather than rely on its default.

Coordinates. gsply writes the numbers it is given, unconverted. Standalone .spz files carry the
numbers of the PLY they were made from, in the trainers' RDF frame (+X right, +Y down, +Z front),
and that is what their readers assume: Niantic's own converter (``cli_tools/src/ply_to_spz.cpp``
in nianticlabs/spz) packs with the unspecified frame and so copies a PLY's numbers unchanged, and
splat-transform from 3.0 (``src/lib/readers/read-spz.ts``; SuperSplat 2.32 loads through it)
reads an SPZ's numbers raw and tags them like a PLY's, a 180-degree turn about z. So we write
the same frame as the default PLY (export_frames.GLTF_TO_RDF, half a turn about z: positions
(-x, -y, z), quaternions (w, -x, -y, z), and each SH coefficient keeps or flips its sign with the
parity of its basis function under that turn), and the file opens upright, in place, where the
PLY does. The SPZ library documents a different internal frame, RUB (+Y up), which its packer
converts to when asked (``coordinateConverter`` in ``load-spz.cc``) and which the glTF SPZ
extension requires inside a glTF; a reader that takes a standalone file's numbers as RUB (the
library with a RUB unpack, gsplat-unity's importer at its default "Source Coordinates" RUB)
shows this file turned half a turn about x (upside down); choose RDF there
(docs/export-frames.md).

SPZ has no frame or unit field (metres by convention), so the engine frame cannot apply: every
``frame`` gives the same file, and engine importers convert from the file's frame themselves. The
argument is accepted so that every format shares one signature.

Quantization (SPZ v3, as gsply and the reference encoder write it): positions 24-bit signed fixed
point with ``fractional_bits`` (12, i.e. 1/4096 m, unless the world is too large for the 24-bit
range, in which case fewer bits: readers take the value from the header); alpha = round(255 *
sigmoid(logit)); colour = round(255 * (0.15 * dc + 0.5)); scale = round(16 * (log scale + 10)),
i.e. log scales in [-10, 5.94] in steps of 1/16; rotation = smallest three components, 9 bits of
magnitude each over [0, 1/sqrt(2)] plus a sign bit; SH = 128 + 128 * coefficient, then rounded to
buckets of 8 (degree 1, 5 bits) or 16 (degrees 2 and 3, 4 bits). gsply keeps all 8 SH bits; we
apply the reference encoder's buckets first (its default ``sh1Bits = 5``, ``shRestBits = 4``)
because that is the documented precision and it makes the SH array compress like the reference.
Everything clamps to a byte.

Limits: the reference loader refuses files of more than 10,000,000 points, so we refuse to write
them (ValueError). An empty world is a valid SPZ (a header and no arrays).
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Final

import gsply
import numpy as np

from worldstream.geometry.engine import EngineFrame
from worldstream.geometry.gaussians import Gaussians
from worldstream.world.export_frames import GLTF_TO_RDF, half_turn

SPZ_VERSION: Final = 3
FRACTIONAL_BITS: Final = 12
"""The reference encoder's precision (1/4096 m); lowered only when a world does not fit."""
MAX_POINTS: Final = 10_000_000
"""``maxPointsToRead`` of the reference loader (``deserializePackedGaussians``)."""
SH1_BUCKET: Final = 1 << (8 - 5)  # degree 1 kept at 5 bits
SH_REST_BUCKET: Final = 1 << (8 - 4)  # degrees 2 and 3 kept at 4 bits

_FIXED_MAX: Final = (1 << 23) - 1
GLTF_TO_SPZ: Final = GLTF_TO_RDF
"""World (glTF, LUF) -> the RDF numbers standalone SPZ files carry: half a turn about z, as for
the default PLY."""


def gltf_to_spz_frame(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """World (glTF, LUF) Gaussian arrays -> the SPZ file's RDF frame (float64).

    Its own inverse: a half turn twice is the identity, so readers' arrays come back the same way.
    """
    return half_turn(arrays, GLTF_TO_SPZ)


def fractional_bits_for(means: np.ndarray) -> int:
    """The most fractional bits, up to 12, that keep every coordinate inside 24-bit fixed point."""
    extent = float(np.max(np.abs(means.astype(np.float64)))) if means.size else 0.0
    if extent == 0.0:
        return FRACTIONAL_BITS
    bits = min(FRACTIONAL_BITS, math.floor(math.log2(_FIXED_MAX / extent)))
    if bits < 1:
        # gsply and the reference loader read 1..24 fractional bits; 0 would also be legal in
        # the header but not to gsply, so a world this large (> 4,000 km) is refused.
        raise ValueError(f"a coordinate of {extent:.6g} m is too large for SPZ's 24-bit positions")
    return bits


def _bucket_sh(rest: np.ndarray) -> np.ndarray:
    """Higher-order SH [N, K-1, 3] -> values whose bytes are the reference encoder's buckets.

    ``quantizeSHLegacy``: q = round(128 * x) + 128, to the nearest multiple of the bucket, clamped
    to a byte. Returned as (q - 128) / 128, which gsply's round(128 * x + 128) maps back to q.
    """
    buckets = np.full((1, rest.shape[1], 1), SH_REST_BUCKET, dtype=np.float32)
    buckets[:, :3] = SH1_BUCKET
    # float32 holds these small integers exactly; in place, as SH3 is the largest array here.
    q = np.rint(rest.astype(np.float32) * 128.0)
    q += 128.0 + buckets // 2
    q /= buckets
    np.floor(q, out=q)
    q *= buckets
    np.clip(q, 0.0, 255.0, out=q)
    q -= 128.0
    q /= 128.0
    return q


def _unit_quats(quats: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(quats, axis=1, keepdims=True)
    # gsply divides by the norm unguarded; a zero quaternion (degenerate splat) becomes identity.
    return np.where(norm > 0.0, quats / np.where(norm > 0.0, norm, 1.0), [1.0, 0.0, 0.0, 0.0])


def spz_bytes(gaussians: Gaussians, frame: EngineFrame = EngineFrame.GLTF) -> bytes:
    """The world as an SPZ file (header version 3, gzip). ``frame`` does not change the file."""
    EngineFrame.parse(frame)  # still rejects a frame that does not exist
    with tempfile.TemporaryDirectory(prefix="worldstream-spz-") as tmp:
        path = Path(tmp) / "world.spz"
        write_spz(gaussians, path)
        return path.read_bytes()


def write_spz(gaussians: Gaussians, path: Path) -> None:
    """The SPZ file written at `path` (gsply writes to a path only; its writer and its gzip are
    used unmodified)."""
    n = len(gaussians)
    if n > MAX_POINTS:
        raise ValueError(f"{n} splats: SPZ readers refuse more than {MAX_POINTS:,} points")
    arrays = gaussians.to_numpy()
    for name, values in arrays.items():
        if not np.all(np.isfinite(values)):
            raise ValueError(f"Gaussian {name} has non-finite values; SPZ cannot store them")
    a = gltf_to_spz_frame(arrays)
    sh = a["sh"]
    means = a["means"].astype(np.float32)  # the values gsply will quantize, so bits fit them
    data = gsply.GSData.from_arrays(
        means=means,
        scales=a["log_scales"].astype(np.float32),
        quats=_unit_quats(a["quats"]).astype(np.float32),
        opacities=a["opacity_logits"].astype(np.float32),
        sh0=sh[:, 0, :].astype(np.float32),
        shN=_bucket_sh(sh[:, 1:, :]) if sh.shape[1] > 1 else None,
        format="ply",  # log scales and logit opacities, as gsply's SPZ writer expects
    )
    gsply.write_spz(path, data, version=SPZ_VERSION, fractional_bits=fractional_bits_for(means))
    # For small files gsply's gzip stamps the current time into the header (bytes 4..7); zero
    # means "no time stamp" (RFC 1952), so the same world always gives the same bytes. Only when
    # no header CRC (FHCRC, flag bit 1) covers those bytes, which Python's gzip never writes.
    with open(path, "r+b") as f:
        head = f.read(4)
        if head[:3] == b"\x1f\x8b\x08" and not head[3] & 0x02:
            f.write(bytes(4))
