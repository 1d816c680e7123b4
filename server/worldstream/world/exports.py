"""Every export format behind one call, and the export files on disk.

An export is written once per world instance, version, format and frame, under the instance's
`derived/exports/`, and sent from there a chunk at a time: an export, however slow its reader,
holds one chunk in memory, never its file (a 5.4 M-splat PLY is ~370 MB). A new version's file
replaces the older one of its format and frame; a delete takes them all with the instance.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import trimesh

from worldstream.errors import FailedPrecondition, InvalidArgument, WorldStreamError
from worldstream.geometry.engine import EngineFrame
from worldstream.store.atomic import sha256_file
from worldstream.store.failures import from_os_error
from worldstream.store.worlddir import WorldFiles
from worldstream.world.export_frames import export_frame_name
from worldstream.world.export_gltf import gltf_bytes
from worldstream.world.export_ply import write_ply
from worldstream.world.export_spz import write_spz
from worldstream.world.surfaces import Collider

FORMATS = ("ply", "spz", "gltf", "mesh", "collider")
# glTF and SPZ each define their own frame (importers convert from it); PLY has none of its own:
# by default it is written in the frame its readers assume (RDF, export_frames.py), or in an
# engine frame asked for.
_FRAME_FREE = ("ply",)


# Extension and media type of each format's file.
FILE_TYPES = {
    "ply": ("ply", "application/x-ply"),
    "spz": ("spz", "application/octet-stream"),
    "gltf": ("glb", "model/gltf-binary"),
    "mesh": ("mesh.glb", "model/gltf-binary"),
    "collider": ("colliders.glb", "model/gltf-binary"),
}
EXPORTS_DIR = "derived/exports"
log = logging.getLogger("worldstream.exports")


@dataclass(frozen=True)
class ExportFile:
    data: bytes
    extension: str
    media_type: str


@dataclass(frozen=True)
class ExportedFile:
    """An export on disk, ready to send."""

    path: Path | None
    size: int
    extension: str
    media_type: str
    instance_dir: Path
    """The world instance's directory: gone once the world is deleted, and the sending stops."""
    temporary: BinaryIO | None = None
    """Where the data dir could not take the file (read-only, full): an unnamed temporary
    file holding it instead, gone when closed."""
    version: int = 0
    """The world version the file was written from (ExportHeader.world_version)."""

    def open(self) -> BinaryIO:
        """The file to send from; the caller closes it."""
        if self.temporary is not None:
            return self.temporary
        assert self.path is not None
        return open(self.path, "rb")


def check_frame(fmt: str, frame: EngineFrame | None) -> None:
    """`frame` None: nothing asked, each format's default frame."""
    if fmt not in _FRAME_FREE and frame not in (None, EngineFrame.GLTF):
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
    frame: EngineFrame | None,
    surface: Callable[[], trimesh.Trimesh],
    colliders: Callable[[], dict],
) -> ExportFile:
    """The export in memory (tests, tools); the server writes it to disk with `write_export`."""
    out = io.BytesIO()
    write_export(fmt, gaussians, frame, surface, colliders, out)
    extension, media_type = FILE_TYPES[fmt]
    return ExportFile(out.getvalue(), extension, media_type)


def write_export(
    fmt: str,
    gaussians,
    frame: EngineFrame | None,
    surface: Callable[[], trimesh.Trimesh],
    colliders: Callable[[], dict],
    out: BinaryIO,
) -> None:
    """The export written to `out`. `surface` and `colliders` are called only for the formats
    that need them (they are slow the first time). PLY and SPZ go to `out` without the whole
    file in memory; the GLBs are built in memory once (glTF writes its JSON header first)."""
    if fmt not in FORMATS:
        raise InvalidArgument("UNKNOWN_EXPORT_FORMAT", f"no export format {fmt!r}", format=fmt)
    check_frame(fmt, frame)
    if fmt == "ply":
        write_ply(gaussians, out, frame)
    elif fmt == "spz":
        with tempfile.TemporaryDirectory(prefix="worldstream-spz-") as tmp:
            path = Path(tmp) / "world.spz"
            write_spz(gaussians, path)
            with open(path, "rb") as f:
                shutil.copyfileobj(f, out)
    elif fmt == "gltf":
        if len(gaussians) == 0:  # glTF accessors cannot be empty
            raise FailedPrecondition("WORLD_EMPTY", "the world has no splats to write as glTF")
        out.write(gltf_bytes(gaussians))
    elif fmt == "mesh":
        mesh = surface()
        if len(mesh.faces) == 0:
            raise FailedPrecondition("WORLD_HAS_NO_SURFACE", "no surface could be fused")
        out.write(mesh_glb(mesh))
    else:
        pieces = colliders()
        if not pieces:
            raise FailedPrecondition("WORLD_HAS_NO_SURFACE", "no surface could be fused")
        out.write(collider_glb(pieces))


CHECKSUM = ".sha256"  # beside each export file: the sha256 of its bytes, in hex


class _Hashing:
    """A file object that hashes what is written through it."""

    def __init__(self, out: BinaryIO, digest) -> None:
        self.out, self.digest = out, digest

    def write(self, data) -> int:
        self.digest.update(data)
        return self.out.write(data)


def export_damage(path: Path) -> str | None:
    """What is wrong with an export file against its checksum file; None when it matches."""
    try:
        recorded = path.with_name(path.name + CHECKSUM).read_text().strip()
    except (OSError, ValueError):
        return "has no readable checksum"
    return None if sha256_file(path) == recorded else "fails its checksum"


def _no_room(exc: BaseException) -> bool:
    """A write refused because the data dir is read-only or full."""
    if isinstance(exc, WorldStreamError):
        return exc.reason in ("STORAGE_FULL", "STORAGE_NOT_WRITABLE")
    return isinstance(exc, OSError) and from_os_error(exc, "") is not None


class Exports:
    """The export files of every world instance, written once per version, format and frame."""

    def __init__(self, files: WorldFiles) -> None:
        self.files = files
        self._guard = threading.Lock()
        # One build of each file at a time: a second export of it waits and then sends it.
        self._building: dict[str, tuple[threading.Lock, int]] = {}
        self._checked: set[str] = set()  # files found intact since this process started

    def file(
        self,
        dir_name: str,
        version: int,
        fmt: str,
        frame: EngineFrame | None,
        gaussians,
        surface: Callable[[], trimesh.Trimesh],
        colliders: Callable[[], dict],
    ) -> ExportedFile:
        """The file of this export of the instance `dir_name` at `version`: written now unless
        it was before. WORLD_DELETED when the instance is gone. `frame` None: the format's
        default frame (for PLY, RDF: a file of its own, `ply-rdf-v*`)."""
        check_frame(fmt, frame)
        extension, media_type = FILE_TYPES[fmt]
        stem = f"{fmt}-{export_frame_name(fmt, frame)}"
        name = f"{EXPORTS_DIR}/{stem}-v{version}.{extension}"
        path = self.files.dir(dir_name) / name

        def write(out: BinaryIO) -> None:
            write_export(fmt, gaussians, frame, surface, colliders, out)

        with self._one_build(f"{dir_name}/{name}"):
            if not self._intact(path):
                digest = hashlib.sha256()
                try:
                    self.files.write_file(dir_name, name, lambda out: write(_Hashing(out, digest)))
                except (WorldStreamError, OSError) as exc:
                    if not _no_room(exc):
                        raise
                    # Reading goes on where writing cannot: the export is sent from a
                    # temporary file outside the data dir instead.
                    log.warning("%s of %s is not kept: %s", name, dir_name, exc)
                    temporary = tempfile.TemporaryFile(prefix="worldstream-export-")  # noqa: SIM115
                    try:
                        write(temporary)
                        size = temporary.tell()
                    except BaseException:
                        temporary.close()
                        raise
                    instance = self.files.dir(dir_name)
                    return ExportedFile(
                        None, size, extension, media_type, instance, temporary, version
                    )
                # Its checksum last: a file without one (a write cut off) is written again.
                self.files.write_file(
                    dir_name, name + CHECKSUM, lambda out: out.write(digest.hexdigest().encode())
                )
                with self._guard:
                    self._checked.add(str(path))
                # Older versions' files of this format and frame are not sent again. A stream
                # still sending one keeps its open file.
                for old in path.parent.glob(f"{stem}-v*.{extension}*"):
                    if old.name not in (path.name, path.name + CHECKSUM):
                        with contextlib.suppress(OSError):
                            old.unlink()
            size = path.stat().st_size
        return ExportedFile(
            path, size, extension, media_type, self.files.dir(dir_name), version=version
        )

    def _intact(self, path: Path) -> bool:
        """The file is there with its checksum, and matches it: checked once per file and
        process (a damaged file is written again, never sent)."""
        checksum = path.with_name(path.name + CHECKSUM)
        if not (path.is_file() and checksum.is_file()):
            return False
        with self._guard:
            if str(path) in self._checked:
                return True
        if export_damage(path) is not None:
            log.warning("%s is damaged; writing it again", path.name)
            return False
        with self._guard:
            self._checked.add(str(path))
        return True

    @contextlib.contextmanager
    def _one_build(self, key: str) -> Iterator[None]:
        with self._guard:
            lock, users = self._building.get(key, (threading.Lock(), 0))
            self._building[key] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                lock, users = self._building[key]
                if users == 1:
                    del self._building[key]
                else:
                    self._building[key] = (lock, users - 1)
