"""Crash-safe file writes: a reader sees the old file or the new one, never a torn one."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np

from worldstream.store.failures import storage_errors

TEMP_SUFFIX = ".tmp"


def fsync_dir(path: Path) -> None:
    # The rename is durable only once the directory entry itself is flushed.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_bytes_atomic(path: Path, data: bytes, make_parents: bool = True) -> str:
    """Write `data` to `path` atomically; returns its sha256 hex digest.

    A full disk or a read-only directory raises STORAGE_FULL or STORAGE_NOT_WRITABLE and leaves
    the previous file (if any) as it was. Without `make_parents`, a missing directory raises
    FileNotFoundError and nothing is written.
    """
    write_file_atomic(path, lambda f: f.write(data), make_parents)
    return hashlib.sha256(data).hexdigest()


def write_file_atomic(
    path: Path, fill: Callable[[BinaryIO], None], make_parents: bool = True
) -> int:
    """Write a file atomically by letting `fill` write it (a large file need not be held in
    memory whole); returns its size. Failures as write_bytes_atomic."""
    path = Path(path)
    with storage_errors(f"writing {path.parent.name}/{path.name}"):
        if make_parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                fill(f)
                f.flush()
                os.fsync(f.fileno())
                size = f.tell()
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        fsync_dir(path.parent)
    return size


def is_temp_file(path: Path) -> bool:
    """A file an atomic write left behind when its process was killed mid-write."""
    return path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX) and path.is_file()


def write_arrays_atomic(
    path: Path, arrays: dict[str, np.ndarray], make_parents: bool = True
) -> str:
    """Save arrays as an uncompressed .npz atomically; returns its sha256."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return write_bytes_atomic(path, buffer.getvalue(), make_parents)


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
