"""One directory per world instance: `manifest.json` plus array files, each checksummed in the
manifest.

The manifest is written last, so a world whose manifest names a file has that file complete.
An instance's directory (`WorldRecord.dir_name`, `<id>.<uid>`) is made once, when the world is
created, and never again: a write whose directory a delete has taken away fails with
WORLD_DELETED instead of bringing the directory back, so work that outlives a delete leaves no
files behind and never reaches a new world that reused the id.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import uuid
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from worldstream.errors import Internal, NotFound
from worldstream.store.atomic import (
    read_arrays,
    sha256_file,
    write_arrays_atomic,
    write_bytes_atomic,
    write_file_atomic,
)
from worldstream.store.failures import storage_errors
from worldstream.store.manifest import parse_manifest

if TYPE_CHECKING:
    from worldstream.store.catalog import WorldRecord

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
        """`world_id` here and below is the instance's directory name (`WorldRecord.dir_name`)."""
        return self.root / world_id

    def create_dir(self, world_id: str) -> None:
        """Make a new instance's directory; the only place one is made."""
        with storage_errors(f"making the directory of worlds/{world_id}"):
            self.dir(world_id).mkdir(parents=False, exist_ok=False)

    def _parent(self, world_id: str, name: str) -> Path:
        """The directory `name` is written into, made below the instance's directory if needed,
        never the instance's directory itself."""
        base = self.dir(world_id)
        path = base / name
        try:
            for part in reversed(path.relative_to(base).parents[:-1]):
                (base / part).mkdir(exist_ok=True)
        except FileNotFoundError:
            raise _deleted(world_id) from None
        if not base.is_dir():
            raise _deleted(world_id)
        return path.parent

    def _write(self, world_id: str, name: str, write) -> str:
        path = self._parent(world_id, name) / Path(name).name
        try:
            return write(path)
        except FileNotFoundError:
            # The directory went between the check and the rename: a delete won the race.
            raise _deleted(world_id) from None

    def write_arrays(self, world_id: str, name: str, arrays: dict[str, np.ndarray]) -> str:
        """Write `<name>.npz`; returns the sha256 the manifest must record."""
        return self._write(
            world_id,
            f"{name}.npz",
            lambda path: write_arrays_atomic(path, arrays, make_parents=False),
        )

    def write_file(self, world_id: str, name: str, fill: Callable[[BinaryIO], None]) -> int:
        """Write `name` (e.g. a derived export) by letting `fill` write it; returns its size."""
        return self._write(
            world_id, name, lambda path: write_file_atomic(path, fill, make_parents=False)
        )

    def read_arrays(
        self, world_id: str, name: str, sha256: str | None = None
    ) -> dict[str, np.ndarray]:
        path = self.dir(world_id) / f"{name}.npz"
        with self._reading(world_id, path):
            if sha256 is not None and sha256_file(path) != sha256:
                raise Internal(
                    "WORLD_DATA_CORRUPT",
                    f"{path.name} of {_world_name(world_id)} fails its checksum",
                    world=_world_name(world_id),
                )
            return read_arrays(path)

    def read_cache(self, world_id: str, name: str) -> dict[str, np.ndarray] | None:
        """A derived file (rebuilt from the world's data when absent): None when it is missing or
        unreadable; WORLD_DELETED when the instance itself is gone, so nothing rebuilds it."""
        try:
            return self.read_arrays(world_id, name)
        except NotFound:
            raise
        except Internal:  # missing
            return None
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            return None

    @contextlib.contextmanager
    def _reading(self, world_id: str, path: Path) -> Iterator[None]:
        try:
            yield
        except FileNotFoundError:
            if not self.dir(world_id).is_dir():
                raise _deleted(world_id) from None  # a delete took the directory meanwhile
            raise Internal(
                "WORLD_DATA_CORRUPT",
                f"{path.relative_to(self.dir(world_id))} of {_world_name(world_id)} is missing",
                world=_world_name(world_id),
            ) from None

    def write_manifest(self, world_id: str, manifest: dict) -> None:
        data = json.dumps(manifest, indent=2, sort_keys=True).encode()
        self._write(
            world_id, MANIFEST, lambda path: write_bytes_atomic(path, data, make_parents=False)
        )

    def read_manifest(self, world_id: str) -> dict:
        path = self.dir(world_id) / MANIFEST
        with self._reading(world_id, path):
            text = path.read_bytes()
        try:
            return json.loads(text)
        except ValueError:  # not JSON, or not UTF-8: the world's data is damaged, not the server
            raise Internal(
                "WORLD_DATA_CORRUPT",
                f"{MANIFEST} of {_world_name(world_id)} is not valid JSON",
                world=_world_name(world_id),
            ) from None

    def verify(self, world_id: str, record: WorldRecord | None = None) -> list[str]:
        """Problems with the world's files; an empty list means the world is intact.

        Every file its manifest names must exist and match the checksum recorded there. Given
        the world's catalog `record`, the manifest must also agree with it: the world's name,
        tile size, frame count, and splat count (read from the splat files themselves), so a
        manifest edited to drop or swap files is found even where every checksum holds. Derived
        caches must read whole (each npz member's CRC-32 checked) and export files must match
        their checksums (the server builds a damaged one again when it is next used; verify
        only says so)."""
        path = self.dir(world_id) / MANIFEST
        try:
            raw = json.loads(path.read_bytes())
        except FileNotFoundError:
            return [f"{MANIFEST} is missing"]
        except (OSError, ValueError) as exc:
            return [f"{MANIFEST} cannot be read: {exc}"]
        files = raw.get("files", {}) if isinstance(raw, dict) else {}
        problems = []
        for name, entry in sorted(files.items() if isinstance(files, dict) else []):
            path = self.dir(world_id) / name
            if not path.is_file():
                problems.append(f"{name} is missing")
            elif sha256_file(path) != (entry.get("sha256") if isinstance(entry, dict) else None):
                problems.append(f"{name} fails its checksum")
        if record is not None:
            problems += self._against_catalog(world_id, raw, record)
        return problems + self._derived_problems(world_id)

    def _against_catalog(self, world_id: str, raw: object, record: WorldRecord) -> list[str]:
        try:
            manifest = parse_manifest(raw, record.name)
        except Internal as exc:
            return [exc.message.replace(f" of {record.name}", "", 1)]
        problems = []
        if isinstance(raw, dict):
            if raw.get("world", record.name) != record.name:
                problems.append(f"{MANIFEST} names {raw.get('world')!r}, not {record.name}")
            tile = raw.get("tile_size_m", record.tile_size_m)
            if not isinstance(tile, (int, float)) or abs(tile - record.tile_size_m) > 1e-9:
                problems.append(
                    f"{MANIFEST} has tile size {tile!r}; the catalog has {record.tile_size_m}"
                )
        if len(manifest.frames) != record.frame_count:
            problems.append(
                f"{MANIFEST} lists {len(manifest.frames)} frames; the catalog has "
                f"{record.frame_count}"
            )
        counts = [_rows(self.dir(world_id) / f"{name}.npz") for name, _, _ in manifest.splat_chunks]
        if None not in counts and sum(counts) != record.splat_count:
            problems.append(
                f"the splat files of {MANIFEST} hold {sum(counts):,} splats; the catalog has "
                f"{record.splat_count:,}"
            )
        return problems

    def _derived_problems(self, world_id: str) -> list[str]:
        derived = self.dir(world_id) / "derived"
        problems = []
        for path in sorted(derived.glob("*.npz")):
            name = f"derived/{path.name}"
            try:
                read_arrays(path)  # every member whole, so zip checks each one's CRC-32
            except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
                problems.append(f"{name} is damaged (built again when next used)")
        exports = derived / "exports"
        for checksum in sorted(exports.glob("*.sha256")):
            path = checksum.with_suffix("")
            if not path.is_file():
                continue
            if sha256_file(path) != checksum.read_text().strip():
                problems.append(
                    f"derived/exports/{path.name} fails its checksum (written again when next "
                    "asked for)"
                )
        return problems

    def instance_dirs(self) -> list[str]:
        """Names of every instance directory on disk."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir())

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


def _world_name(dir_name: str) -> str:
    return f"worlds/{dir_name.split('.', 1)[0]}"


def _deleted(dir_name: str) -> NotFound:
    return NotFound(
        "WORLD_DELETED",
        f"{_world_name(dir_name)} was deleted while this work was in flight",
        world=_world_name(dir_name),
    )


def _rows(path: Path) -> int | None:
    """Splats in a splat file, from the header of its `means` array (nothing else is read);
    None where that header cannot be read (the file's checksum problem is reported apart)."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("means.npy") as f:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape = np.lib.format.read_array_header_1_0(f)[0]
            elif version == (2, 0):
                shape = np.lib.format.read_array_header_2_0(f)[0]
            else:
                return None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None
    return int(shape[0]) if shape else None
