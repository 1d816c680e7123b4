"""PLY export: the INRIA 3DGS layout, the format most splat tools read.

The INRIA layout: float32 vertex properties x y z, nx ny nz (zero), f_dc_0..2, f_rest_* (for SH
degree > 0, channel-major: all of R's higher coefficients, then G's, then B's), opacity (logit),
scale_0..2 (natural log), rot_0..3 (w x y z), binary little-endian.
"""

from __future__ import annotations

import io
from typing import BinaryIO

import numpy as np
from plyfile import PlyData, PlyElement

from worldstream.geometry.engine import EngineFrame, gaussians_to_engine
from worldstream.geometry.gaussians import Gaussians


def ply_bytes(gaussians: Gaussians, frame: EngineFrame = EngineFrame.GLTF) -> bytes:
    buffer = io.BytesIO()
    write_ply(gaussians, buffer, frame)
    return buffer.getvalue()


def write_ply(gaussians: Gaussians, out: BinaryIO, frame: EngineFrame = EngineFrame.GLTF) -> None:
    """The PLY file written to `out` (a file: the bytes are never all in memory at once)."""
    a = gaussians_to_engine(gaussians, frame)
    n, k, _ = a["sh"].shape
    rest = a["sh"][:, 1:, :].transpose(0, 2, 1).reshape(n, 3 * (k - 1))  # channel-major
    columns: list[tuple[str, np.ndarray]] = [
        ("x", a["means"][:, 0]),
        ("y", a["means"][:, 1]),
        ("z", a["means"][:, 2]),
        ("nx", np.zeros(n)),
        ("ny", np.zeros(n)),
        ("nz", np.zeros(n)),
    ]
    columns += [(f"f_dc_{i}", a["sh"][:, 0, i]) for i in range(3)]
    columns += [(f"f_rest_{i}", rest[:, i]) for i in range(rest.shape[1])]
    columns += [("opacity", a["opacity_logits"])]
    columns += [(f"scale_{i}", a["log_scales"][:, i]) for i in range(3)]
    columns += [(f"rot_{i}", a["quats"][:, i]) for i in range(4)]
    vertex = np.empty(n, dtype=[(name, "<f4") for name, _ in columns])
    for name, values in columns:
        vertex[name] = values
    PlyData([PlyElement.describe(vertex, "vertex")], text=False, byte_order="<").write(out)
