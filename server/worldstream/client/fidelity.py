"""Fidelity: how close what a client holds looks to the whole world at full detail.

The reference is the world as the server exports it (a PLY in the glTF frame, which is the world
frame), read back into Gaussians and rendered with the renderer and background the walk renders
the client's tiles with. Both renders are compared as the 8-bit images a user would see.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import BinaryIO

import grpc
import numpy as np
from plyfile import PlyData

from worldstream.client import requests as rq
from worldstream.client.errors import from_rpc_error
from worldstream.client.sync import Client
from worldstream.geometry.camera import Camera
from worldstream.geometry.engine import EngineFrame, gaussians_from_engine
from worldstream.geometry.gaussians import Gaussians
from worldstream.render import RenderResult, render
from worldstream.v1 import worldstream_pb2 as pb
from worldstream.world.export_frames import ENGINE_PLY_FRAMES, GLTF_TO_RDF, RDF, half_turn

BACKGROUND = (0.0, 0.0, 0.0)  # what the walk renders behind the splats
IDENTICAL_DB = 100.0
"""PSNR reported for two identical 8-bit images (their MSE is 0: the ratio has no finite value,
and JSON has no infinity)."""

KEEP_VERSIONS = 2  # world versions a ReferenceWorld keeps read

_FRAMES = {f.name: f for f in (RDF, *ENGINE_PLY_FRAMES.values())}


def _vertices(data: bytes) -> tuple[list[str], np.ndarray]:
    """The header's comments and the vertex rows. Our exports (one vertex element of float
    properties, binary little-endian) are read with one np.frombuffer: plyfile reads a stream it
    cannot memory-map row by row, 6 s for 350 k splats. Anything else goes through plyfile."""
    end = data.find(b"end_header\n")
    lines = data[:end].decode("ascii", "replace").splitlines() if end >= 0 else []
    elements = [line.split() for line in lines if line.startswith("element ")]
    properties = [line.split() for line in lines if line.startswith("property ")]
    if (
        "format binary_little_endian 1.0" in lines
        and len(elements) == 1
        and elements[0][1] == "vertex"
        and all(p[1] in ("float", "float32") and len(p) == 3 for p in properties)
    ):
        dtype = np.dtype([(p[2], "<f4") for p in properties])
        count = int(elements[0][2])
        start = end + len(b"end_header\n")
        if len(data) - start < count * dtype.itemsize:
            raise ValueError(f"the PLY ends before its {count} vertices")
        comments = [line.removeprefix("comment ") for line in lines if line.startswith("comment ")]
        return comments, np.frombuffer(data, dtype, count, start)
    ply = PlyData.read(io.BytesIO(data))
    return list(ply.comments), ply["vertex"].data


def read_ply(source: bytes | BinaryIO) -> Gaussians:
    """A PLY written by world/export_ply.py, back in the world frame: the writer's inverse.

    The frame comes from the header comment the writer puts there (``worldstream frame=...``);
    a PLY without one is read as RDF, the frame PLY readers assume."""
    data = source if isinstance(source, bytes | bytearray) else source.read()
    comments, v = _vertices(bytes(data))
    frame = RDF
    for comment in comments:
        words = dict(w.split("=", 1) for w in comment.split()[1:] if "=" in w)
        if comment.startswith("worldstream ") and words.get("frame") in _FRAMES:
            frame = _FRAMES[words["frame"]]
    n = len(v)
    rest = sorted(
        (name for name in v.dtype.names if name.startswith("f_rest_")),
        key=lambda name: int(name.removeprefix("f_rest_")),
    )
    if len(rest) % 3:
        raise ValueError(f"a PLY with {len(rest)} f_rest_ properties: not 3 per coefficient")
    k = 1 + len(rest) // 3

    def columns(*names: str) -> np.ndarray:
        return np.stack([np.asarray(v[name], np.float32) for name in names], axis=1).reshape(
            n, len(names)
        )

    sh = np.zeros((n, k, 3), np.float32)
    sh[:, 0, :] = columns("f_dc_0", "f_dc_1", "f_dc_2")
    if rest:  # channel-major in the file: all of R's higher coefficients, then G's, then B's
        sh[:, 1:, :] = columns(*rest).reshape(n, 3, k - 1).transpose(0, 2, 1)
    arrays = {
        "means": columns("x", "y", "z"),
        "quats": columns("rot_0", "rot_1", "rot_2", "rot_3"),
        "log_scales": columns("scale_0", "scale_1", "scale_2"),
        "opacity_logits": np.asarray(v["opacity"], np.float32),
        "sh": sh,
    }
    if frame.engine is None:
        world = {
            key: value.astype(np.float32) for key, value in half_turn(arrays, GLTF_TO_RDF).items()
        }
    else:
        world = gaussians_from_engine(arrays, frame.engine)
    return Gaussians.from_numpy(world)


def canonical(gaussians: Gaussians) -> Gaussians:
    """The splats in one order whatever order they came in (by centre: x, then y, then z).

    Splats sort by depth, and splats at the same depth (a plane facing the camera, as a layout
    prior makes them) blend in the order they are given: two orders of one set differ by ~33 dB
    on such a world. The walk renders what it holds, and the reference the export, in this
    order, so that neither tile arrival order nor export order is measured as a difference."""
    means = gaussians.means.numpy()
    if len(means) == 0:
        return gaussians
    return gaussians.select(np.lexsort((means[:, 2], means[:, 1], means[:, 0])))


def to_8bit(rgb: np.ndarray) -> np.ndarray:
    """A render as the 8-bit image a user sees (and the walk saves)."""
    return (np.clip(rgb, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def psnr_8bit(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB of two 8-bit images; IDENTICAL_DB when they are the same."""
    if a.shape != b.shape:
        raise ValueError(f"images of different shapes: {a.shape} and {b.shape}")
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)) / 255.0**2
    return IDENTICAL_DB if mse == 0.0 else min(IDENTICAL_DB, 10.0 * float(np.log10(1.0 / mse)))


@dataclass(frozen=True)
class Reference:
    version: int  # the world version the export was written from (0: a server that does not say)
    gaussians: Gaussians

    def image(self, camera: Camera) -> np.ndarray:
        return to_8bit(render(self.gaussians, camera, background=BACKGROUND).rgb)


def held_image(gaussians: Gaussians, camera: Camera) -> RenderResult:
    """The render of what a client holds, as the walk makes it (canonical order)."""
    return render(canonical(gaussians), camera, background=BACKGROUND)


class ReferenceWorld:
    """The whole world at full detail, as its PLY export, one read per world version.

    Each `latest()` asks the server for the export; when the header names a version already
    read, the call is cancelled after the header (the file is not sent again)."""

    def __init__(self, client: Client, world: str) -> None:
        self.client = client
        self.world = world
        self._cache: dict[int, Gaussians] = {}

    def latest(self) -> Reference:
        request = pb.ExportWorldRequest(
            name=rq.world_name(self.world),
            format=rq.EXPORT_FORMATS["ply"],
            engine_frame=rq.FRAMES[EngineFrame.GLTF],
        )
        call = self.client.stub.ExportWorld(request, timeout=self.client.timeout)
        header, out = None, io.BytesIO()
        try:
            for response in call:
                if response.HasField("header"):
                    header = response.header
                    cached = self._cache.get(header.world_version)
                    if header.world_version and cached is not None:
                        call.cancel()
                        return Reference(header.world_version, cached)
                elif response.HasField("chunk"):
                    if response.chunk.offset != out.tell():
                        raise RuntimeError(
                            f"export chunk at {response.chunk.offset}, expected {out.tell()}"
                        )
                    out.write(response.chunk.data)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None
        if header is None or out.tell() != header.total_bytes:
            raise RuntimeError("export ended before the whole file arrived")
        gaussians = canonical(read_ply(out.getvalue()))
        if header.world_version:
            self._cache[header.world_version] = gaussians
            # Versions only grow during a walk: the older ones are not asked for again, and a
            # world of millions of splats per version would otherwise pile up.
            for old in sorted(self._cache)[:-KEEP_VERSIONS]:
                del self._cache[old]
        return Reference(header.world_version, gaussians)
