"""A little disk space held back, so that a full disk can still be freed through the API.

Deleting a world removes its catalog row first, and SQLite needs room to do that (in WAL mode
the changed pages are appended to the write-ahead log). On a disk filled to the last byte that
write fails, so without a reserve no world could be deleted and no space freed. The store keeps
`<data_dir>/.reserve` (1 MiB of random bytes: no filesystem can compress or share it away); a
delete that finds the disk full gives it back and tries once more, and the file is made again
once there is room.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

RESERVE_NAME = ".reserve"
RESERVE_BYTES = 1024 * 1024
log = logging.getLogger("worldstream.store")


class SpaceReserve:
    def __init__(self, data_dir: Path, size: int = RESERVE_BYTES) -> None:
        self.path = Path(data_dir) / RESERVE_NAME
        self.size = size
        self._lock = threading.Lock()

    def ensure(self) -> bool:
        """Make the reserve if it is not there (best effort); True when it is."""
        with self._lock:
            try:
                if self.path.stat().st_size == self.size:
                    return True
            except FileNotFoundError:
                pass
            except OSError:
                return False
            try:
                with open(self.path, "wb") as f:
                    f.write(os.urandom(self.size))
                    f.flush()
                    os.fsync(f.fileno())
                return True
            except OSError:  # no room yet (or not writable): the next delete tries again
                self.path.unlink(missing_ok=True)
                return False

    def release(self) -> bool:
        """Give the reserve's space back; False when there was none to give."""
        with self._lock:
            try:
                self.path.unlink()
            except FileNotFoundError:
                return False
            log.warning("the data directory is full: its %d-byte reserve was given back", self.size)
            return True
