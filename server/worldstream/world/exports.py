"""Every export format behind one call: the bytes of the file, its extension and media type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import trimesh

from worldstream.errors import FailedPrecondition, InvalidArgument
from worldstream.geometry.engine import EngineFrame
from worldstream.world.export_gltf import gltf_bytes
from worldstream.world.export_ply import ply_bytes
from worldstream.world.export_spz import spz_bytes
from worldstream.world.surfaces import Collider

FORMATS = ("ply", "spz", "gltf", "mesh", "collider")
# glTF and SPZ each define their own frame (importers convert from it); only PLY has none.
_FRAME_FREE = ("ply",)


@dataclass(frozen=True)
class ExportFile:
    data: bytes
    extension: str
    media_type: str


def check_frame(fmt: str, frame: EngineFrame) -> None:
    if fmt not in _FRAME_FREE and frame is not EngineFrame.GLTF:
        raise InvalidArgument(
            "FRAME_NOT_APPLICABLE",
            f"{fmt} files have a frame of their own that importers convert from; "
            "ask without an engine frame",
            format=fmt,
            frame=frame.value,
        )


def mesh_glb(mesh: trimesh.Trimesh) -> bytes:
    """The surface with vertex colours. glTF's COLOR_0 is linear; the fused colours are sRGB."""
    srgb = np.asarray(mesh.visual.vertex_colors, dtype=np.float64)[:, :3] / 255.0
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    rgba = np.concatenate(
        [np.round(linear * 255.0), np.full((len(linear), 1), 255.0)], axis=1
    ).astype(np.uint8)
    copy = trimesh.Trimesh(mesh.vertices, mesh.faces, vertex_colors=rgba, process=False)
    return trimesh.Scene({"surface": copy}).export(file_type="glb")


def collider_glb(colliders: dict) -> bytes:
    """One node per tile, named `collider_X_Y_Z`, no materials: physics geometry only."""
    scene = trimesh.Scene()
    for key, c in sorted(colliders.items()):
        piece: Collider = c
        name = f"collider_{key.x}_{key.y}_{key.z}"
        scene.add_geometry(
            trimesh.Trimesh(piece.vertices, piece.triangles, process=False),
            node_name=name,
            geom_name=name,
        )
    return scene.export(file_type="glb")


def export_file(
    fmt: str,
    gaussians,
    frame: EngineFrame,
    surface: Callable[[], trimesh.Trimesh],
    colliders: Callable[[], dict],
) -> ExportFile:
    """`surface` and `colliders` are called only for the formats that need them (they are slow
    the first time)."""
    if fmt not in FORMATS:
        raise InvalidArgument("UNKNOWN_EXPORT_FORMAT", f"no export format {fmt!r}", format=fmt)
    check_frame(fmt, frame)
    if fmt == "ply":
        return ExportFile(ply_bytes(gaussians, frame), "ply", "application/x-ply")
    if fmt == "spz":
        return ExportFile(spz_bytes(gaussians), "spz", "application/octet-stream")
    if fmt == "gltf":
        if len(gaussians) == 0:  # glTF accessors cannot be empty
            raise FailedPrecondition("WORLD_EMPTY", "the world has no splats to write as glTF")
        return ExportFile(gltf_bytes(gaussians), "glb", "model/gltf-binary")
    if fmt == "mesh":
        mesh = surface()
        if len(mesh.faces) == 0:
            raise FailedPrecondition("WORLD_HAS_NO_SURFACE", "no surface could be fused")
        return ExportFile(mesh_glb(mesh), "mesh.glb", "model/gltf-binary")
    pieces = colliders()
    if not pieces:
        raise FailedPrecondition("WORLD_HAS_NO_SURFACE", "no surface could be fused")
    return ExportFile(collider_glb(pieces), "colliders.glb", "model/gltf-binary")
