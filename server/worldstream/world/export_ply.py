"""PLY export: the INRIA 3DGS layout, the format most splat tools read.

The INRIA layout: float32 vertex properties x y z, nx ny nz (zero), f_dc_0..2, f_rest_* (for SH
degree > 0, channel-major: all of R's higher coefficients, then G's, then B's), opacity (logit),
scale_0..2 (natural log), rot_0..3 (w x y z), binary little-endian.

Frame (export_frames.py, docs/export-frames.md): by default RDF, the world turned half a turn
about z, (x, y, z) -> (-x, -y, z), so that the sky lies towards -y in the file's numbers. That is
the frame splat-transform and SuperSplat assume of every PLY (they load it with a 180-degree turn
about z) and Niantic's library names "PLY": a default export opens there upright, exactly in the
world's place. An engine frame (glTF, Unity, Unreal) writes that frame's axes and units instead.
One header comment records which: ``comment worldstream frame=rdf units=m up=-y handed=right``.
"""

from __future__ import annotations

import io
from typing import BinaryIO

import numpy as np
from plyfile import PlyData, PlyElement

from worldstream.geometry.engine import EngineFrame, gaussians_to_engine
from worldstream.geometry.gaussians import Gaussians
from worldstream.world.export_frames import GLTF_TO_RDF, half_turn, ply_frame


def ply_bytes(gaussians: Gaussians, frame: EngineFrame | None = None) -> bytes:
    buffer = io.BytesIO()
    write_ply(gaussians, buffer, frame)
    return buffer.getvalue()


def write_ply(gaussians: Gaussians, out: BinaryIO, frame: EngineFrame | None = None) -> None:
    """The PLY file written to `out` (a file: the bytes are never all in memory at once), in RDF
    when `frame` is None, else in that engine frame."""
    target = ply_frame(frame)
    # Through the engine conversion first either way: it normalises quaternions (a zero one
    # becomes the identity) and gives float32, which the half turn keeps exactly (signs only).
    a = gaussians_to_engine(gaussians, target.engine or EngineFrame.GLTF)
    if target.engine is None:
        a = {key: value.astype(np.float32) for key, value in half_turn(a, GLTF_TO_RDF).items()}
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
    PlyData(
        [PlyElement.describe(vertex, "vertex")],
        text=False,
        byte_order="<",
        comments=[target.comment],
    ).write(out)
