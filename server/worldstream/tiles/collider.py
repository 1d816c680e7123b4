"""Collider payload v1: one tile's collision mesh on the Explore stream (docs/collider-format.md).

Layout, little-endian:
    0   4   magic b"WSCM"
    4   2   u16 format version (1)
    6   1   u8 engine frame (1 glTF, 2 Unity, 3 Unreal: the proto EngineFrame numbers)
    7   1   u8 reserved, 0
    8   4   u32 vertex count V
    12  4   u32 triangle count T
    16  24  f64[3] origin, engine frame and units
    40  ..  f32 [V,3] vertices relative to the origin (engine units), then u32 [T,3] indices.

Winding: the face normal by the usual formula, (b - a) x (c - a), computed in the payload's own
coordinates, points to the open side (free space). In the glTF frame that is counter-clockwise
seen from the open side; a mirrored frame (Unity, Unreal) reverses the index order, because
mirroring the vertices alone would flip that normal.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from worldstream.geometry.engine import EngineFrame, points_to_engine

MAGIC = b"WSCM"
VERSION = 1
_HEADER = struct.Struct("<4sHBBII3d")
HEADER_BYTES = _HEADER.size  # 40
_WIRE = {EngineFrame.GLTF: 1, EngineFrame.UNITY: 2, EngineFrame.UNREAL: 3}


@dataclass(frozen=True)
class ColliderMesh:
    engine_frame: int
    origin: np.ndarray  # [3] float64
    vertices: np.ndarray  # [V, 3] float32, relative to origin
    triangles: np.ndarray  # [T, 3] uint32

    def absolute_vertices(self) -> np.ndarray:
        return self.vertices.astype(np.float64) + self.origin


def encode_collider(
    vertices: np.ndarray,  # [V, 3] world frame, metres
    triangles: np.ndarray,  # [T, 3] indices, counter-clockwise from the open side
    origin: np.ndarray,  # [3] world frame: the tile's minimum corner
    frame: EngineFrame,
) -> bytes:
    triangles = np.asarray(triangles, dtype=np.int64)
    if triangles.size and (triangles.min() < 0 or triangles.max() >= len(vertices)):
        raise ValueError("triangle indices out of range")
    engine_origin = points_to_engine(np.asarray(origin, np.float64)[None], frame)[0]
    engine_vertices = points_to_engine(np.asarray(vertices, np.float64), frame)
    if np.linalg.det(frame.basis) < 0:
        triangles = triangles[:, [0, 2, 1]]
    header = _HEADER.pack(
        MAGIC, VERSION, _WIRE[frame], 0, len(vertices), len(triangles), *engine_origin.tolist()
    )
    body = (engine_vertices - engine_origin).astype("<f4").tobytes()
    return header + body + triangles.astype("<u4").tobytes()


def decode_collider(data: bytes) -> ColliderMesh:
    """ValueError names the first thing wrong with a malformed payload."""
    if len(data) < HEADER_BYTES:
        raise ValueError(
            f"collider is {len(data)} bytes, shorter than the {HEADER_BYTES}-byte header"
        )
    magic, version, frame, _, v, t, ox, oy, oz = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise ValueError(f"bad magic {magic!r}, expected {MAGIC!r}")
    if version != VERSION:
        raise ValueError(f"unsupported collider version {version}")
    expected = HEADER_BYTES + 12 * v + 12 * t
    if len(data) != expected:
        raise ValueError(
            f"collider is {len(data)} bytes; {v} vertices, {t} triangles need {expected}"
        )
    vertices = np.frombuffer(data, "<f4", 3 * v, HEADER_BYTES).reshape(v, 3)
    triangles = np.frombuffer(data, "<u4", 3 * t, HEADER_BYTES + 12 * v).reshape(t, 3)
    if t and int(triangles.max()) >= v:
        raise ValueError("triangle indices out of range")
    return ColliderMesh(frame, np.array([ox, oy, oz]), vertices, triangles)
