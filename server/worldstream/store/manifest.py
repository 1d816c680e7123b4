"""What a world's `manifest.json` must say, checked before anything is read by it.

A manifest that is not JSON, or lacks a field, or names a file it gives no checksum for, is
WORLD_DATA_CORRUPT naming what is wrong: the world's data cannot be trusted, which is not a
bug of the server (INTERNAL without a reason) and not a missing world.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from worldstream.errors import Internal


@dataclass(frozen=True)
class WorldManifest:
    version: int
    splat_chunks: list[tuple[str, int, str]]
    """Gaussian files in the order they were added: name, the world version adding it, sha256."""
    frames: list[tuple[str, str]]
    """Spatial memory, in the order the frames were added: name, sha256."""
    layout: list[tuple[np.ndarray, float]]


def corrupt(world: str, what: str) -> Internal:
    return Internal("WORLD_DATA_CORRUPT", f"manifest.json of {world} {what}", world=world)


def parse_manifest(raw: object, world: str) -> WorldManifest:
    """`raw`: the manifest's JSON; `world`: worlds/<id>, for the error."""
    if not isinstance(raw, dict):
        raise corrupt(world, "is not a JSON object")
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise corrupt(world, "has no valid version")
    files = raw.get("files")
    if not isinstance(files, dict):
        raise corrupt(world, "has no file list")

    def sha(name: str) -> str:
        entry = files.get(f"{name}.npz")
        digest = entry.get("sha256") if isinstance(entry, dict) else None
        if not isinstance(digest, str) or not digest:
            raise corrupt(world, f"names {name}.npz without its checksum")
        return digest

    # Manifest 1 kept all Gaussians in one file.
    chunks = raw.get("splat_chunks") or [{"name": "gaussians", "version": 1}]
    if not isinstance(chunks, list):
        raise corrupt(world, "has no valid splat_chunks")
    splat_chunks = []
    for chunk in chunks:
        name = chunk.get("name") if isinstance(chunk, dict) else None
        added = chunk.get("version") if isinstance(chunk, dict) else None
        if not isinstance(name, str) or not isinstance(added, int):
            raise corrupt(world, "has a splat chunk without its name or version")
        splat_chunks.append((name, added, sha(name)))
    frames = raw.get("frames", [])
    if not isinstance(frames, list) or not all(isinstance(n, str) for n in frames):
        raise corrupt(world, "has no valid frame list")
    layout = []
    for plane in raw.get("layout", []):
        try:
            normal, offset = np.asarray(plane[:3], np.float64), float(plane[3])
        except (TypeError, ValueError, IndexError, KeyError):
            normal, offset = None, 0.0
        if normal is None or normal.shape != (3,):
            raise corrupt(world, "has an invalid layout plane")
        layout.append((normal, offset))
    return WorldManifest(version, splat_chunks, [(n, sha(n)) for n in frames], layout)
