"""The catalog: one SQLite row per world, the index a restarted server reads to find its worlds.

World data lives in files (store/worlddir.py); the catalog holds what listing and lookup need.
One connection guarded by a lock: calls come from the server's worker threads, and SQLite
serialises writers anyway.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np

from worldstream.errors import AlreadyExists, InvalidArgument, NotFound, ResourceExhausted
from worldstream.store.failures import storage_errors
from worldstream.store.tenants import LOCAL_TENANT

WorldState = Literal["creating", "ready", "failed"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS worlds (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    state TEXT NOT NULL,
    create_time REAL NOT NULL,
    update_time REAL NOT NULL,
    meta TEXT NOT NULL,
    tenant TEXT NOT NULL DEFAULT 'local',
    uid TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS worlds_by_time ON worlds (create_time DESC, id DESC);
"""
# Version 2 added the owning tenant; a version 1 catalog gains the column, every world in it
# going to the local tenant (the only one a server without authentication has). Version 3 added
# the instance uid; worlds made before it keep an empty uid and their directory named by id.
SCHEMA_VERSION = 3
_TENANT_INDEX = (
    "CREATE INDEX IF NOT EXISTS worlds_by_tenant ON worlds (tenant, create_time DESC, id DESC)"
)
_COLUMNS = "id, display_name, state, create_time, update_time, meta, tenant, uid"


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
    tenant: str = LOCAL_TENANT
    """The team that owns the world; no other tenant sees it (docs/security.md)."""
    uid: str = ""
    """This instance of the world, minted at creation: a world deleted and created again under
    the same id is another instance, and nothing bound to the old one reaches the new one."""

    @property
    def name(self) -> str:
        return f"worlds/{self.id}"

    @property
    def dir_name(self) -> str:
        """The instance's directory under `worlds/`: a reused id never shares one."""
        return f"{self.id}.{self.uid}" if self.uid else self.id

    def _meta_json(self) -> str:
        meta = asdict(self)
        for key in ("id", "display_name", "state", "create_time", "update_time", "tenant", "uid"):
            meta.pop(key)
        return json.dumps(meta, sort_keys=True)

    @classmethod
    def _from_row(cls, row: tuple) -> WorldRecord:
        id_, display_name, state, create_time, update_time, meta, tenant, uid = row
        fields = json.loads(meta)
        fields.pop("tenant", None)
        fields.pop("uid", None)
        for key in ("bounds_min", "bounds_max", "spawn_world_to_camera"):
            fields[key] = tuple(fields[key])
        return cls(
            id_, display_name, state, create_time, update_time, **fields, tenant=tenant, uid=uid
        )


def _encode_token(create_time: float, world_id: str) -> str:
    raw = json.dumps([create_time, world_id]).encode()
    return base64.urlsafe_b64encode(raw).decode()


MAX_PAGE_TOKEN_CHARS = 512  # ours are under 100; anything longer was not issued here


def _decode_token(token: str) -> tuple[float, str]:
    problem = InvalidArgument("INVALID_PAGE_TOKEN", "page_token is not one this server issued")
    if len(token) > MAX_PAGE_TOKEN_CHARS:
        raise problem
    try:
        create_time, world_id = json.loads(base64.urlsafe_b64decode(token.encode()))
        create_time = float(create_time)
    # A forged token can be anything JSON can say: deep nesting (RecursionError), numbers no
    # float holds (OverflowError), other shapes (ValueError, TypeError).
    except (ValueError, TypeError, ArithmeticError, RecursionError, binascii.Error) as exc:
        raise problem from exc
    if not math.isfinite(create_time) or not isinstance(world_id, str):
        raise problem
    return create_time, world_id


def instance_gone(record: WorldRecord) -> NotFound:
    """What work bound to a deleted instance of a world gets (a creation, a generation job, a
    stream, a mesh build): its world is gone, even where a new world has taken the id."""
    return NotFound(
        "WORLD_DELETED",
        f"{record.name} was deleted while this work was in flight",
        world=record.name,
    )


def _not_found(world_id: str) -> NotFound:
    # The same answer whether the world is missing or another tenant's: its existence is not
    # something another team may learn.
    name = f"worlds/{world_id}"
    return NotFound("WORLD_NOT_FOUND", f"{name} does not exist", world=name)


class Catalog:
    def __init__(self, path: Path) -> None:
        path = Path(path)
        self._lock = threading.Lock()
        with storage_errors("opening the catalog"):
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=FULL")
                self._db.executescript(_SCHEMA)
                self._migrate()
            except BaseException:
                self._db.close()
                raise

    def _migrate(self) -> None:
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(worlds)")}
        if "tenant" not in columns:
            self._db.execute(
                f"ALTER TABLE worlds ADD COLUMN tenant TEXT NOT NULL DEFAULT '{LOCAL_TENANT}'"
            )
        if "uid" not in columns:
            self._db.execute("ALTER TABLE worlds ADD COLUMN uid TEXT NOT NULL DEFAULT ''")
        self._db.execute(_TENANT_INDEX)
        self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def insert(self, record: WorldRecord, max_per_tenant: int = 0) -> WorldRecord:
        """Add a world; `max_per_tenant` > 0 caps how many worlds its tenant may own (checked
        and inserted under one lock, so concurrent creations cannot overshoot)."""
        now = time.time()
        record = replace(record, create_time=now, update_time=now)
        with self._lock, storage_errors(f"adding {record.name} to the catalog"):
            if max_per_tenant > 0:
                (owned,) = self._db.execute(
                    "SELECT COUNT(*) FROM worlds WHERE tenant=?", (record.tenant,)
                ).fetchone()
                if owned >= max_per_tenant:
                    raise ResourceExhausted(
                        "WORLD_LIMIT_REACHED",
                        f"tenant {record.tenant} owns {owned} worlds; the limit is "
                        f"{max_per_tenant}. Delete worlds to make new ones",
                        tenant=record.tenant,
                        limit=max_per_tenant,
                    )
            try:
                self._db.execute(
                    f"INSERT INTO worlds ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        record.id,
                        record.display_name,
                        record.state,
                        now,
                        now,
                        record._meta_json(),
                        record.tenant,
                        record.uid,
                    ),
                )
            except sqlite3.IntegrityError as exc:
                # World ids are unique across tenants (like bucket names); the answer does not
                # say whose the id is.
                raise AlreadyExists(
                    "WORLD_ALREADY_EXISTS", f"{record.name} exists already", world=record.name
                ) from exc
        return record

    def update(self, record: WorldRecord) -> WorldRecord:
        """Write the record over its own instance's row only: work that outlived a delete never
        overwrites the row of a new world with the same id (WORLD_DELETED)."""
        record = replace(record, update_time=max(time.time(), record.create_time))
        with self._lock, storage_errors(f"updating {record.name} in the catalog"):
            cursor = self._db.execute(
                "UPDATE worlds SET display_name=?, state=?, update_time=?, meta=? "
                "WHERE id=? AND uid=?",
                (
                    record.display_name,
                    record.state,
                    record.update_time,
                    record._meta_json(),
                    record.id,
                    record.uid,
                ),
            )
        if cursor.rowcount == 0:
            raise instance_gone(record)
        return record

    def get(self, world_id: str, tenant: str | None = None) -> WorldRecord:
        """The world; NOT_FOUND when it does not exist or, given `tenant`, is not its."""
        with self._lock, storage_errors("reading the catalog"):
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM worlds WHERE id=?", (world_id,)
            ).fetchone()
        if row is None or (tenant is not None and row[6] != tenant):
            raise _not_found(world_id)
        return WorldRecord._from_row(row)

    def delete(self, world_id: str, tenant: str | None = None) -> WorldRecord:
        """Remove the world's row; returns what it was (its instance is what the caller must
        now fence). NOT_FOUND when it does not exist or, given `tenant`, is not its."""
        with self._lock, storage_errors(f"deleting worlds/{world_id} from the catalog"):
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM worlds WHERE id=?", (world_id,)
            ).fetchone()
            if row is None or (tenant is not None and row[6] != tenant):
                raise _not_found(world_id)
            self._db.execute("DELETE FROM worlds WHERE id=? AND uid=?", (world_id, row[7]))
        return WorldRecord._from_row(row)

    def count(self, tenant: str) -> int:
        with self._lock, storage_errors("reading the catalog"):
            (n,) = self._db.execute(
                "SELECT COUNT(*) FROM worlds WHERE tenant=?", (tenant,)
            ).fetchone()
        return int(n)

    def list(
        self, page_size: int, page_token: str = "", tenant: str | None = None
    ) -> tuple[list[WorldRecord], str]:
        """Newest first; keyset pagination so pages stay stable while worlds are added. Given
        `tenant`, only that tenant's worlds."""
        where, params = [], []
        if tenant is not None:
            where.append("tenant = ?")
            params.append(tenant)
        if page_token:
            after_time, after_id = _decode_token(page_token)
            where.append("((create_time < ?) OR (create_time = ? AND id < ?))")
            params += [after_time, after_time, after_id]
        query = f"SELECT {_COLUMNS} FROM worlds"
        if where:
            query += " WHERE " + " AND ".join(where)
        query += " ORDER BY create_time DESC, id DESC LIMIT ?"
        params.append(page_size + 1)
        with self._lock, storage_errors("reading the catalog"):
            rows = self._db.execute(query, tuple(params)).fetchall()
        records = [WorldRecord._from_row(r) for r in rows[:page_size]]
        token = ""
        if len(rows) > page_size:
            token = _encode_token(records[-1].create_time, records[-1].id)
        return records, token

    def ids_in_state(self, state: WorldState) -> list[str]:
        with self._lock, storage_errors("reading the catalog"):
            rows = self._db.execute("SELECT id FROM worlds WHERE state=?", (state,)).fetchall()
        return [r[0] for r in rows]


def read_all(path: Path) -> list[WorldRecord]:
    """Every world in the catalog at `path`, read through a read-only connection: safe beside a
    running server that owns the data directory (nothing is migrated or written)."""
    path = Path(path)
    if not path.is_file():
        return []
    with storage_errors("reading the catalog"):
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            columns = {row[1] for row in db.execute("PRAGMA table_info(worlds)")}
            # A catalog of an older schema: its missing columns read as their defaults.
            tenant = "tenant" if "tenant" in columns else f"'{LOCAL_TENANT}'"
            uid = "uid" if "uid" in columns else "''"
            rows = db.execute(
                "SELECT id, display_name, state, create_time, update_time, meta, "
                f"{tenant}, {uid} FROM worlds ORDER BY id"
            ).fetchall()
        finally:
            db.close()
    return [WorldRecord._from_row(row) for row in rows]
