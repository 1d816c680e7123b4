"""The catalog: one SQLite row per world, the index a restarted server reads to find its worlds.

World data lives in files (store/worlddir.py); the catalog holds what listing and lookup need.
One connection guarded by a lock: calls come from the server's worker threads, and SQLite
serialises writers anyway.
"""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np

from worldstream.errors import AlreadyExists, InvalidArgument, NotFound

WorldState = Literal["creating", "ready", "failed"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS worlds (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    state TEXT NOT NULL,
    create_time REAL NOT NULL,
    update_time REAL NOT NULL,
    meta TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS worlds_by_time ON worlds (create_time DESC, id DESC);
"""


@dataclass(frozen=True)
class WorldRecord:
    """What the catalog knows of a world. `meta` fields are stored as one JSON column."""

    id: str
    display_name: str = ""
    state: WorldState = "creating"
    create_time: float = 0.0
    update_time: float = 0.0
    splat_count: int = 0
    frame_count: int = 0
    tile_size_m: float = 4.0
    sh_degree: int = 0
    bounds_min: tuple[float, float, float] = (0.0, 0.0, 0.0)
    bounds_max: tuple[float, float, float] = (0.0, 0.0, 0.0)
    generator: str = ""
    depth_source: str = ""
    metric: bool = False
    median_depth_m: float = 0.0
    failure_message: str = ""
    # The seed camera: world-to-camera [4,4] row-major (OpenCV axes) and its vertical FOV.
    spawn_world_to_camera: tuple[float, ...] = tuple(float(v) for v in np.eye(4).ravel())
    spawn_fov_y_degrees: float = 60.0
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"worlds/{self.id}"

    def _meta_json(self) -> str:
        meta = asdict(self)
        for key in ("id", "display_name", "state", "create_time", "update_time"):
            meta.pop(key)
        return json.dumps(meta, sort_keys=True)

    @classmethod
    def _from_row(cls, row: tuple) -> WorldRecord:
        id_, display_name, state, create_time, update_time, meta = row
        fields = json.loads(meta)
        for key in ("bounds_min", "bounds_max", "spawn_world_to_camera"):
            fields[key] = tuple(fields[key])
        return cls(id_, display_name, state, create_time, update_time, **fields)


def _encode_token(create_time: float, world_id: str) -> str:
    raw = json.dumps([create_time, world_id]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode_token(token: str) -> tuple[float, str]:
    try:
        create_time, world_id = json.loads(base64.urlsafe_b64decode(token.encode()))
        return float(create_time), str(world_id)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidArgument(
            "INVALID_PAGE_TOKEN", "page_token is not one this server issued"
        ) from exc


class Catalog:
    def __init__(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def insert(self, record: WorldRecord) -> WorldRecord:
        now = time.time()
        record = replace(record, create_time=now, update_time=now)
        with self._lock:
            try:
                self._db.execute(
                    "INSERT INTO worlds VALUES (?, ?, ?, ?, ?, ?)",
                    (record.id, record.display_name, record.state, now, now, record._meta_json()),
                )
            except sqlite3.IntegrityError as exc:
                raise AlreadyExists(
                    "WORLD_ALREADY_EXISTS", f"{record.name} exists already", world=record.name
                ) from exc
        return record

    def update(self, record: WorldRecord) -> WorldRecord:
        record = replace(record, update_time=max(time.time(), record.create_time))
        with self._lock:
            cursor = self._db.execute(
                "UPDATE worlds SET display_name=?, state=?, update_time=?, meta=? WHERE id=?",
                (
                    record.display_name,
                    record.state,
                    record.update_time,
                    record._meta_json(),
                    record.id,
                ),
            )
        if cursor.rowcount == 0:
            raise NotFound("WORLD_NOT_FOUND", f"{record.name} does not exist", world=record.name)
        return record

    def get(self, world_id: str) -> WorldRecord:
        with self._lock:
            row = self._db.execute("SELECT * FROM worlds WHERE id=?", (world_id,)).fetchone()
        if row is None:
            name = f"worlds/{world_id}"
            raise NotFound("WORLD_NOT_FOUND", f"{name} does not exist", world=name)
        return WorldRecord._from_row(row)

    def delete(self, world_id: str) -> None:
        with self._lock:
            cursor = self._db.execute("DELETE FROM worlds WHERE id=?", (world_id,))
        if cursor.rowcount == 0:
            name = f"worlds/{world_id}"
            raise NotFound("WORLD_NOT_FOUND", f"{name} does not exist", world=name)

    def list(self, page_size: int, page_token: str = "") -> tuple[list[WorldRecord], str]:
        """Newest first; keyset pagination so pages stay stable while worlds are added."""
        if page_token:
            after_time, after_id = _decode_token(page_token)
            query = (
                "SELECT * FROM worlds WHERE (create_time < ?) OR (create_time = ? AND id < ?) "
                "ORDER BY create_time DESC, id DESC LIMIT ?"
            )
            params: tuple = (after_time, after_time, after_id, page_size + 1)
        else:
            query = "SELECT * FROM worlds ORDER BY create_time DESC, id DESC LIMIT ?"
            params = (page_size + 1,)
        with self._lock:
            rows = self._db.execute(query, params).fetchall()
        records = [WorldRecord._from_row(r) for r in rows[:page_size]]
        token = ""
        if len(rows) > page_size:
            token = _encode_token(records[-1].create_time, records[-1].id)
        return records, token

    def ids_in_state(self, state: WorldState) -> list[str]:
        with self._lock:
            rows = self._db.execute("SELECT id FROM worlds WHERE state=?", (state,)).fetchall()
        return [r[0] for r in rows]
