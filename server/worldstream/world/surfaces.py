"""A world's derived geometry: its surface mesh and per-tile colliders, made on first use from
the frames in its spatial memory and cached beside its data (rebuilt if the cache is missing,
unreadable or from another version of the world)."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field

import numpy as np
import trimesh

from worldstream.reconstruct.colliders import colliders as split_colliders
from worldstream.reconstruct.mesh import TsdfConfig, surface_mesh
from worldstream.store.worlddir import WorldFiles
from worldstream.tiles.grid import TileKey

SURFACE = "derived/surface"
COLLIDERS = "derived/colliders"


@dataclass(frozen=True)
class SurfaceSettings:
    tsdf: TsdfConfig = field(default_factory=lambda: TsdfConfig(min_weight=0.2))
    """Fusion of the frames' depth maps (2 cm voxels). One observation must be enough: a seed
    from a depth prior carries a confidence of only 0.25."""
    collider_triangles_per_tile: int = 2000
    """Budget of each tile's collider mesh."""


@dataclass(frozen=True)
class Collider:
    vertices: np.ndarray  # [V, 3] float32, world frame
    triangles: np.ndarray  # [T, 3] int32, counter-clockwise from the open side


class Surfaces:
    def __init__(self, files: WorldFiles, settings: SurfaceSettings | None = None) -> None:
        self.files = files
        self.settings = settings or SurfaceSettings()
        # A cache made with other settings (or another world version) is rebuilt, not served.
        self._key = hashlib.sha256(repr(self.settings).encode()).hexdigest()[:16]
        self._lock = threading.Lock()  # one build at a time: fusion is memory-hungry

    def surface(self, world_id: str, version: int, frames) -> trimesh.Trimesh:
        cached = self._read(world_id, SURFACE, version)
        if cached is not None:
            return trimesh.Trimesh(
                cached["vertices"], cached["faces"], vertex_colors=cached["colors"], process=False
            )
        with self._lock:
            mesh = surface_mesh(list(frames), self.settings.tsdf)
        colors = np.asarray(mesh.visual.vertex_colors, dtype=np.uint8).reshape(-1, 4)
        self.files.write_arrays(
            world_id,
            SURFACE,
            {
                "version": np.array(version),
                "key": np.array(self._key),
                "vertices": np.asarray(mesh.vertices, np.float32),
                "faces": np.asarray(mesh.faces, np.int32),
                "colors": colors,
            },
        )
        return mesh

    def colliders(
        self, world_id: str, version: int, frames, tile_size: float
    ) -> dict[TileKey, Collider]:
        cached = self._read(world_id, COLLIDERS, version)
        if cached is None:
            mesh = self.surface(world_id, version, frames)
            pieces = split_colliders(mesh, tile_size, self.settings.collider_triangles_per_tile)
            cached = _pack(pieces, version)
            cached["key"] = np.array(self._key)
            self.files.write_arrays(world_id, COLLIDERS, cached)
        return _unpack(cached)

    def _read(self, world_id: str, name: str, version: int) -> dict[str, np.ndarray] | None:
        arrays = self.files.read_cache(world_id, name)
        if arrays is None:
            return None
        current = int(arrays.get("version", -1)) == version and str(arrays.get("key")) == self._key
        return arrays if current else None


def _pack(pieces: dict[TileKey, trimesh.Trimesh], version: int) -> dict[str, np.ndarray]:
    keys = sorted(pieces)
    meshes = [pieces[k] for k in keys]
    return {
        "version": np.array(version),
        "keys": np.array([[k.x, k.y, k.z, k.lod] for k in keys], np.int32).reshape(-1, 4),
        "vertex_counts": np.array([len(m.vertices) for m in meshes], np.int64),
        "face_counts": np.array([len(m.faces) for m in meshes], np.int64),
        "vertices": np.concatenate([np.asarray(m.vertices, np.float32) for m in meshes])
        if meshes
        else np.zeros((0, 3), np.float32),
        "faces": np.concatenate([np.asarray(m.faces, np.int32) for m in meshes])
        if meshes
        else np.zeros((0, 3), np.int32),
    }


def _unpack(arrays: dict[str, np.ndarray]) -> dict[TileKey, Collider]:
    out: dict[TileKey, Collider] = {}
    v0 = f0 = 0
    for key, nv, nf in zip(
        arrays["keys"], arrays["vertex_counts"], arrays["face_counts"], strict=True
    ):
        out[TileKey(*(int(c) for c in key))] = Collider(
            arrays["vertices"][v0 : v0 + nv], arrays["faces"][f0 : f0 + nf]
        )
        v0, f0 = v0 + int(nv), f0 + int(nf)
    return out
