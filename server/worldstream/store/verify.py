"""`worldstream verify`: every world of a data directory against its catalog row and manifest.

Reads only (the catalog through a read-only connection), so it is safe beside a running server.
A world is checked where the catalog says its instance lives; a directory no catalog row names
is reported too: files left by a world deleted or cut off while it was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from worldstream.store.catalog import read_all
from worldstream.store.worlddir import WorldFiles

CATALOG = "catalog.sqlite3"


@dataclass(frozen=True)
class Checked:
    name: str  # worlds/<id>, or the directory's path for one no world names
    state: str  # the catalog's state; "orphan" for a directory no world names
    problems: list[str]


def verify_data_dir(data_dir: Path) -> list[Checked]:
    data_dir = Path(data_dir)
    files = WorldFiles(data_dir, create=False)
    records = read_all(data_dir / CATALOG)
    on_disk = set(files.instance_dirs())
    checked = []
    for record in records:
        on_disk.discard(record.dir_name)
        if record.state == "creating":
            # Being written by the server that owns the directory: nothing to hold it to yet.
            checked.append(Checked(record.name, record.state, []))
        elif not files.dir(record.dir_name).is_dir():
            problem = "its directory is missing" if record.state == "ready" else ""
            checked.append(Checked(record.name, record.state, [problem] if problem else []))
        elif record.state == "ready":
            problems = files.verify(record.dir_name, record)
            checked.append(Checked(record.name, record.state, problems))
        else:  # failed: its partial files are kept for inspection, not held to a manifest
            checked.append(Checked(record.name, record.state, []))
    for name in sorted(on_disk):
        checked.append(
            Checked(
                f"worlds/{name}/",
                "orphan",
                ["no world in the catalog names this directory (a deleted or cut-off world's)"],
            )
        )
    return checked
