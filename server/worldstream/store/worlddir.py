"""One directory per world: `manifest.json` plus array files, each checksummed in the manifest.

The manifest is written last, so a world whose manifest names a file has that file complete.
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import numpy as np

from worldstream.errors import Internal
from worldstream.store.atomic import (
    read_arrays,
    sha256_file,
    write_arrays_atomic,
    write_bytes_atomic,
)
from worldstream.store.failures import storage_errors

MANIFEST = "manifest.json"


class WorldFiles:
    """Files of all worlds under `<data_dir>/worlds/<id>/`."""

    def __init__(self, data_dir: Path, create: bool = True) -> None:
        """`create` False: only read (tools beside a running server); nothing is made."""
        self.root = Path(data_dir) / "worlds"
        self.trash = Path(data_dir) / "trash"
        if create:
            self.root.mkdir(parents=True, exist_ok=True)

    def dir(self, world_id: str) -> Path:
        return self.root / world_id

    def write_arrays(self, world_id: str, name: str, arrays: dict[str, np.ndarray]) -> str:
        """Write `<name>.npz`; returns the sha256 the manifest must record."""
        return write_arrays_atomic(self.dir(world_id) / f"{name}.npz", arrays)

    def read_arrays(
        self, world_id: str, name: str, sha256: str | None = None
    ) -> dict[str, np.ndarray]:
        path = self.dir(world_id) / f"{name}.npz"
        if sha256 is not None and sha256_file(path) != sha256:
            raise Internal(
                "WORLD_DATA_CORRUPT",
                f"{path.name} of worlds/{world_id} fails its checksum",
                world=f"worlds/{world_id}",
            )
        return read_arrays(path)

    def write_manifest(self, world_id: str, manifest: dict) -> None:
        data = json.dumps(manifest, indent=2, sort_keys=True).encode()
        write_bytes_atomic(self.dir(world_id) / MANIFEST, data)

    def read_manifest(self, world_id: str) -> dict:
        return json.loads((self.dir(world_id) / MANIFEST).read_text())

    def verify(self, world_id: str) -> list[str]:
        """Problems with the world's files: every file its manifest names must exist and match
        the checksum recorded there. An empty list means the world is intact."""
        try:
            manifest = self.read_manifest(world_id)
        except FileNotFoundError:
            return [f"{MANIFEST} is missing"]
        except (OSError, ValueError) as exc:
            return [f"{MANIFEST} cannot be read: {exc}"]
        problems = []
        for name, entry in sorted(manifest.get("files", {}).items()):
            path = self.dir(world_id) / name
            if not path.is_file():
                problems.append(f"{name} is missing")
            elif sha256_file(path) != entry.get("sha256"):
                problems.append(f"{name} fails its checksum")
        return problems

    def remove(self, world_id: str) -> None:
        """Move the directory out of `worlds/` in one rename, then delete it at leisure."""
        src = self.dir(world_id)
        if not src.exists():
            return
        with storage_errors(f"removing the files of worlds/{world_id}"):
            self.trash.mkdir(parents=True, exist_ok=True)
            dst = self.trash / f"{world_id}-{uuid.uuid4().hex[:8]}"
            src.rename(dst)
        shutil.rmtree(dst, ignore_errors=True)
