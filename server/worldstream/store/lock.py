"""One owner per data directory: an exclusive lock on `<data_dir>/.lock` for the Store's life.

Without it, a second server (or a CLI command running a server in-process) on a live data dir
would run its start-up recovery there: mark the live server's creations FAILED and delete their
temp files, then write the catalog and world files beside it.

The lock is `flock(2)`: tied to the open file, so the kernel drops it when the owner exits in
any way (kill -9 included) and no stale lock is ever left to clean up; and tied to the open file
description, so two Stores in one process exclude each other too. POSIX only: where `fcntl` is
missing (Windows) no lock is taken and a warning says so. On NFS, Linux emulates flock with a
POSIX record lock, which is per process: two Stores of one process would not exclude each other
there, two processes still do.

The file also says who holds it (pid, and the address once the server listens), for the message
of the one refused. It is never deleted: unlinking a lock file races with the next owner.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path
from typing import BinaryIO

from worldstream.errors import FailedPrecondition
from worldstream.store.failures import storage_errors

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".lock"
log = logging.getLogger("worldstream.store")


class DataDirInUse(FailedPrecondition):
    """Another live Store owns the data directory."""


class DataDirLock:
    """Held from `acquire` until `release` (or the process ends)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / LOCK_NAME
        # A file object, not a bare descriptor: a Store dropped without close() (a test, a
        # script) gives its lock back when it is collected.
        self._file: BinaryIO | None = None

    def acquire(self) -> DataDirLock:
        """Raises DATA_DIR_IN_USE when another Store holds it, STORAGE_NOT_WRITABLE when the
        file cannot be made."""
        with storage_errors("opening the data directory's lock file"):
            file = open(self.path, "a+b", buffering=0)  # noqa: SIM115 (held for the Store's life)
        if fcntl is None:
            log.warning(
                "no file locking on this platform: nothing stops a second server on %s",
                self.data_dir,
            )
            self._file = file
            return self
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            raise self._in_use() from None
        except BaseException:
            file.close()
            raise
        self._file = file
        self.note(address=None)
        return self

    def note(self, address: str | None) -> None:
        """Record this process (and where it listens) for a refused second owner to name."""
        if self._file is None:
            return
        data = json.dumps({"pid": os.getpid(), "address": address}).encode()
        # Best effort: a full disk must not stop a server that holds its lock. (Append mode:
        # after the truncation the write lands at offset 0.)
        with contextlib.suppress(OSError):
            self._file.truncate(0)
            self._file.write(data)

    def release(self) -> None:
        if self._file is not None:
            file, self._file = self._file, None
            file.close()  # closing the last descriptor of the open file drops the flock

    def _in_use(self) -> DataDirInUse:
        owner = read_owner(self.path)
        pid = owner.get("pid")
        address = owner.get("address")
        who = f"pid {pid}" if pid else "pid unknown"
        if address:
            who += f", listening on {address}"
            hint = f"pass --server {address} to talk to it"
        else:
            hint = "pass --server HOST:PORT to talk to it"
        return DataDirInUse(
            "DATA_DIR_IN_USE",
            f"{self.data_dir} is in use by a running server ({who}); {hint}",
            pid=pid or "",
        )


def read_owner(path: Path) -> dict:
    """What the lock file says of its holder; {} when it cannot be read (it is being written)."""
    try:
        owner = json.loads(path.read_bytes() or b"{}")
    except (OSError, ValueError):
        return {}
    return owner if isinstance(owner, dict) else {}
