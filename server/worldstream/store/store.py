"""The store: catalog and world files under one data directory."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import platformdirs

from worldstream.store.catalog import Catalog
from worldstream.store.worlddir import WorldFiles


def default_data_dir() -> Path:
    """The platform's user data dir, e.g. ~/.local/share/worldstream on Linux."""
    return Path(platformdirs.user_data_dir("worldstream", appauthor=False))


class Store:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(self.data_dir / "catalog.sqlite3")
        self.files = WorldFiles(self.data_dir)
        self._recover()

    def _recover(self) -> None:
        # A world still CREATING at start-up lost its job with the previous process: say so
        # instead of leaving it looking busy forever. Its partial files are left for inspection.
        for world_id in self.catalog.ids_in_state("creating"):
            record = self.catalog.get(world_id)
            self.catalog.update(
                replace(record, state="failed", failure_message="interrupted by a server restart")
            )

    def close(self) -> None:
        self.catalog.close()
