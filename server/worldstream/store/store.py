"""The store: catalog and world files under one data directory."""

from __future__ import annotations

import logging
import shutil
from dataclasses import replace
from pathlib import Path

import platformdirs

from worldstream.store.atomic import is_temp_file
from worldstream.store.catalog import Catalog
from worldstream.store.failures import storage_errors
from worldstream.store.lock import DataDirLock
from worldstream.store.reserve import SpaceReserve
from worldstream.store.worlddir import WorldFiles

log = logging.getLogger("worldstream.store")


def default_data_dir() -> Path:
    """The platform's user data dir, e.g. ~/.local/share/worldstream on Linux."""
    return Path(platformdirs.user_data_dir("worldstream", appauthor=False))


class Store:
    """Raises STORAGE_NOT_WRITABLE or STORAGE_FULL when the data directory cannot be written:
    a server refuses to start on it rather than fail on its first write."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        with storage_errors("creating the data directory"):
            self.data_dir.mkdir(parents=True, exist_ok=True)
        # Before anything is read or written: a second owner's recovery would fail the first
        # owner's creations (DATA_DIR_IN_USE, store/lock.py).
        self.lock = DataDirLock(self.data_dir).acquire()
        try:
            self.catalog = Catalog(self.data_dir / "catalog.sqlite3")
        except BaseException:
            self.lock.release()
            raise
        try:
            with storage_errors("opening the world files"):
                self.files = WorldFiles(self.data_dir)
            self._recover()
            # Room for a delete on a full disk (store/reserve.py); made later if none now.
            self.reserve = SpaceReserve(self.data_dir)
            self.reserve.ensure()
        except BaseException:
            self.catalog.close()
            self.lock.release()
            raise

    def _recover(self) -> None:
        """Clean up after a process that was killed (kill -9, power loss) while it worked."""
        # A world still CREATING at start-up lost its job with the previous process: say so
        # instead of leaving it looking busy forever. Its partial files are left for inspection.
        for world_id in self.catalog.ids_in_state("creating"):
            record = self.catalog.get(world_id)
            self.catalog.update(
                replace(record, state="failed", failure_message="interrupted by a server restart")
            )
        # Temp files of atomic writes that never reached their rename, and directories a delete
        # had moved to the trash but not yet removed. No manifest names either.
        removed = 0
        with storage_errors("removing leftovers of an interrupted write"):
            for path in self.files.root.rglob(".*"):
                if is_temp_file(path):
                    path.unlink(missing_ok=True)
                    removed += 1
            if self.files.trash.exists():
                for path in self.files.trash.iterdir():
                    shutil.rmtree(path, ignore_errors=True)
                    removed += 1
        if removed:
            log.info("removed %d leftovers of interrupted writes and deletes", removed)

    def close(self) -> None:
        self.catalog.close()
        self.lock.release()
