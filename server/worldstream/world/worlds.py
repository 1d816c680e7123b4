"""Worlds: create one from a photo, look worlds up, load their Gaussians and tiles, delete them.

Blocking calls: the API runs them on worker threads, never on the event loop.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from worldstream.controls import first_control
from worldstream.errors import (
    FailedPrecondition,
    Internal,
    InvalidArgument,
    ResourceExhausted,
    WorldStreamError,
)
from worldstream.generate import get_generator
from worldstream.generate.base import GeneratorOptions, SeedInfo, WorldPlane
from worldstream.generate.photo import PhotoLimits, decode_photo
from worldstream.geometry.camera import Camera
from worldstream.geometry.engine import EngineFrame
from worldstream.geometry.frame import Frame
from worldstream.geometry.gaussians import Gaussians
from worldstream.reconstruct.seed_lift import SeedLift, lift_seed
from worldstream.store.catalog import WorldRecord, instance_gone
from worldstream.store.manifest import parse_manifest
from worldstream.store.store import Store
from worldstream.store.tenants import LOCAL_TENANT, current_tenant
from worldstream.tiles.grid import Tile, TileKey, build_tiles
from worldstream.tiles.pyramid import Cell, LodOptions, build_pyramids
from worldstream.world.budget import CREATION_BYTES_PER_WORKING_PIXEL, MemoryBudget
from worldstream.world.exports import ExportedFile, Exports, check_frame
from worldstream.world.grow import GrowingWorld
from worldstream.world.memory import SpatialMemory
from worldstream.world.spawn_cell import place_spawn
from worldstream.world.surfaces import Collider, Surfaces

ProgressFn = Callable[[str, float, str], None]  # (stage, fraction, message)
Watcher = Callable[["LoadedWorld | None"], None]  # the grown world; None once it is deleted
WORLD_ID = re.compile(r"^[a-z][a-z0-9-]{2,62}\Z")  # \Z: "$" also matches before a final "\n"
MAX_DISPLAY_NAME_CHARS = 256  # every ListWorlds page carries it: 100 of them stay small
# 2: Gaussians in chunks, one per extension, each with the world version that added it; layout.
MANIFEST_VERSION = 2
log = logging.getLogger("worldstream.worlds")


@dataclass(frozen=True)
class WorldSettings:
    photo_limits: PhotoLimits = field(default_factory=PhotoLimits)
    max_side_px: int = 640  # working resolution of the seed frame, longer side
    tile_size_m: float = 4.0
    loaded_worlds_cached: int = 4  # LRU of worlds held in memory for streaming and export
    lod: LodOptions = field(default_factory=LodOptions)
    generator_options: GeneratorOptions = field(default_factory=GeneratorOptions)
    max_worlds_per_tenant: int = 0  # 0 = no limit; WORLD_LIMIT_REACHED above it
    seed_lift: SeedLift = field(default_factory=SeedLift)
    creation_memory_bytes: int = 1280 * 1024 * 1024
    """What all world creations running at once may hold (world/budget.py): one at the largest
    working side (1024 px: ~1.1 GB), or several smaller ones; more wait their turn."""


@dataclass(frozen=True)
class CreateOptions:
    generator: str = ""
    horizontal_fov_degrees: float = 0.0
    tile_size_m: float = 0.0
    max_side_px: int = 0


@dataclass(frozen=True)
class LoadedWorld:
    record: WorldRecord
    gaussians: Gaussians
    tiles: dict[TileKey, Tile]
    memory: SpatialMemory  # every Frame the world was made from, for geometry-based retrieval
    version: int  # increases whenever the world's Gaussians change
    layout: list[WorldPlane] = field(default_factory=list)  # the seed's floor/wall planes
    splat_versions: np.ndarray | None = None  # [N] int32: the world version that added each
    cells: dict[TileKey, Cell] = field(default_factory=dict)  # each tile's LOD pyramid


@dataclass(frozen=True)
class Extension:
    """What one extension added."""

    world: LoadedWorld
    frames: int
    splats: int


def _validate_display_name(display_name: str) -> None:
    if len(display_name) > MAX_DISPLAY_NAME_CHARS:
        raise InvalidArgument(
            "INVALID_DISPLAY_NAME",
            f"display_name has {len(display_name)} characters; the limit is "
            f"{MAX_DISPLAY_NAME_CHARS}",
            limit=MAX_DISPLAY_NAME_CHARS,
        )
    # A name is shown in terminals, logs and engine UIs: a control character (an escape
    # sequence, a newline) or a bidirectional override would act there instead of showing.
    position = first_control(display_name)
    if position >= 0:
        raise InvalidArgument(
            "INVALID_DISPLAY_NAME",
            f"display_name holds the control character U+{ord(display_name[position]):04X} "
            f"at {position}",
            position=position,
        )


def _validate_options(options: CreateOptions, settings: WorldSettings) -> tuple[float, int]:
    tile_size = options.tile_size_m or settings.tile_size_m
    if not (np.isfinite(tile_size) and 0.25 <= tile_size <= 1024.0):
        raise InvalidArgument(
            "INVALID_TILE_SIZE", f"tile_size_m must be in [0.25, 1024], got {options.tile_size_m}"
        )
    # Checked before the photo is read: creation memory grows with the working pixels (see
    # PhotoLimits.max_working_side_px), so the server's cap, not only the range, bounds it.
    cap = settings.photo_limits.max_working_side_px
    max_side = options.max_side_px or min(settings.max_side_px, cap)
    if not 16 <= max_side <= 4096:
        raise InvalidArgument(
            "INVALID_MAX_SIDE", f"max_side_px must be in [16, 4096], got {options.max_side_px}"
        )
    if max_side > cap:
        raise InvalidArgument(
            "MAX_SIDE_TOO_LARGE",
            f"max_side_px {max_side} is above this server's limit of {cap} (memory grows with "
            "the working pixels); ask for at most that, or 0 for the server's default",
            max_side_px=max_side,
            limit=cap,
        )
    return float(tile_size), int(max_side)


class Worlds:
    def __init__(self, store: Store, settings: WorldSettings = WorldSettings()) -> None:
        self.store = store
        self.settings = settings
        self.surfaces = Surfaces(store.files)
        self._creation_memory = MemoryBudget(settings.creation_memory_bytes)
        self.exports = Exports(store.files)
        # Everything below is keyed by the instance (`WorldRecord.dir_name`), never by the id
        # alone: a world deleted and created again under its id is another world.
        self._cache: OrderedDict[str, LoadedWorld] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._grow_locks: dict[str, threading.Lock] = {}
        self._watchers: dict[str, list[Watcher]] = {}

    # -- change notification ----------------------------------------------------------------

    def watch(self, record: WorldRecord, watcher: Watcher) -> Callable[[], None]:
        """Call `watcher(loaded)` from the growing thread each time this instance of the world
        grows, and `watcher(None)` once it is deleted; returns the function that stops it."""
        key = record.dir_name
        with self._cache_lock:
            self._watchers.setdefault(key, []).append(watcher)

        def stop() -> None:
            with self._cache_lock:
                watchers = self._watchers.get(key, [])
                if watcher in watchers:
                    watchers.remove(watcher)
                if not watchers:
                    self._watchers.pop(key, None)

        return stop

    def _notify(self, record: WorldRecord, loaded: LoadedWorld | None) -> None:
        with self._cache_lock:
            watchers = list(self._watchers.get(record.dir_name, []))
        for watcher in watchers:
            # A watcher that fails (its session's loop has closed) must not fail the growth.
            with contextlib.suppress(Exception):
                watcher(loaded)

    def check_current(self, record: WorldRecord) -> None:
        """Raise WORLD_DELETED unless `record`'s instance is still the world under its id."""
        try:
            current = self.store.catalog.get(record.id)
        except WorldStreamError as exc:
            if exc.reason == "WORLD_NOT_FOUND":
                raise instance_gone(record) from None
            raise
        if current.uid != record.uid:
            raise instance_gone(record)

    # -- lookups ---------------------------------------------------------------------------
    # Each sees only the worlds of the tenant the call acts for (store/tenants.py); another
    # tenant's world is NOT_FOUND, exactly like a missing one.

    def get(self, world_id: str) -> WorldRecord:
        return self.store.catalog.get(world_id, tenant=current_tenant())

    def list(self, page_size: int, page_token: str) -> tuple[list[WorldRecord], str]:
        return self.store.catalog.list(page_size, page_token, tenant=current_tenant())

    def delete(self, world_id: str) -> WorldRecord:
        """Delete the world; returns the deleted instance's record. Its streams hear of it at
        once (their watchers get None); its creation, jobs and builds in flight fail with
        WORLD_DELETED at their next write or check, and write nothing more."""
        # The catalog row first: once it is gone the world is deleted, whatever happens to its
        # files (a crash, or a data dir that refuses the removal, leaves only unnamed files).
        try:
            record = self.store.catalog.delete(world_id, tenant=current_tenant())
        except ResourceExhausted as exc:
            # A full disk: the catalog needs room to delete, and deleting is how room is made.
            if exc.reason != "STORAGE_FULL" or not self.store.reserve.release():
                raise
            record = self.store.catalog.delete(world_id, tenant=current_tenant())
        with self._cache_lock:
            self._cache.pop(record.dir_name, None)
            self._grow_locks.pop(record.dir_name, None)
        self._notify(record, None)
        try:
            self.store.files.remove(record.dir_name)
        except (WorldStreamError, OSError) as exc:
            log.warning("%s is deleted but its files stay: %s", record.name, exc)
        self.store.reserve.ensure()  # again, where a delete on a full disk used it
        return record

    # -- creation --------------------------------------------------------------------------

    def create(
        self,
        photo: bytes,
        options: CreateOptions = CreateOptions(),
        world_id: str = "",
        display_name: str = "",
        progress: ProgressFn = lambda stage, fraction, message: None,
    ) -> WorldRecord:
        # Everything a request can get wrong is checked before the world exists, so bad input
        # leaves no trace in the catalog.
        if world_id and not WORLD_ID.fullmatch(world_id):
            raise InvalidArgument(
                "INVALID_WORLD_ID",
                "world_id must match [a-z][a-z0-9-]{2,62}",
                world_id=world_id[:80],
            )
        _validate_display_name(display_name)
        world_id = world_id or f"w-{uuid.uuid4().hex[:12]}"
        tile_size, max_side = _validate_options(options, self.settings)
        generator = get_generator(options.generator, self.settings.generator_options)
        progress("decode", 0.05, "decoding the photo")
        image = decode_photo(
            photo,
            self.settings.photo_limits,
            max_side,
            options.horizontal_fov_degrees,
            admit=self._creation_memory.reserve,
        )

        record = self.store.catalog.insert(
            WorldRecord(
                id=world_id,
                display_name=display_name or world_id,
                state="creating",
                tile_size_m=tile_size,
                generator=generator.name,
                tenant=current_tenant() or LOCAL_TENANT,
                uid=uuid.uuid4().hex,
            ),
            max_per_tenant=self.settings.max_worlds_per_tenant,
        )
        try:
            # Made now, not at the first write: a delete during the creation takes it away, and
            # the creation's writes then fail rather than leave files no catalog row names.
            self.store.files.create_dir(record.dir_name)
            height, width = image.rgb.shape[:2]
            with self._creation_memory.reserve(CREATION_BYTES_PER_WORKING_PIXEL * width * height):
                progress("depth", 0.2, f"estimating depth ({generator.name})")
                frame, info = generator.seed(image.rgb, image.horizontal_fov_degrees)
                info = replace(info, notes=[*info.notes, *image.notes])
                # Off the grid's faces, so float noise cannot pick the spawn's cell.
                frame, info = place_spawn(frame, info, tile_size)
                self.check_current(record)  # deleted meanwhile: stop before the next stage
                progress("lift", 0.4, "lifting pixels into Gaussians")
                gaussians = lift_seed(frame, self.settings.seed_lift)
                self.check_current(record)
                progress("save", 0.8, f"saving {len(gaussians):,} Gaussians")
                record = self._save(record, frame, gaussians, info, image.fov_source)
        except WorldStreamError as exc:
            if exc.reason == "WORLD_DELETED":
                raise  # nothing to mark: the row is gone, or another world's now

            self._fail(record, exc.message)
            raise
        except Exception as exc:
            self._fail(record, f"{type(exc).__name__}: {exc}")
            raise Internal("CREATE_FAILED", f"creating {record.name} failed: {exc}") from exc
        progress("done", 1.0, f"{record.name} is ready")
        return record

    def _fail(self, record: WorldRecord, message: str) -> None:
        try:
            self.store.catalog.update(replace(record, state="failed", failure_message=message))
        except WorldStreamError as exc:
            # The catalog cannot be written either (a full or read-only disk): the caller gets
            # the first error, and the world, left CREATING, is marked failed at the next start.
            log.warning("could not mark %s failed: %s", record.name, exc.message)

    def _save(
        self, record, frame: Frame, gaussians: Gaussians, info: SeedInfo, fov_source: str
    ) -> WorldRecord:
        files = self.store.files
        frame_sha = files.write_arrays(record.dir_name, "frames/000000", frame.to_arrays())
        splat_sha = files.write_arrays(record.dir_name, "splats/000001", gaussians.to_numpy())
        lo, hi = gaussians.bounds()
        record = replace(
            record,
            state="ready",
            splat_count=len(gaussians),
            frame_count=1,
            sh_degree=gaussians.sh_degree,
            bounds_min=tuple(float(v) for v in lo),
            bounds_max=tuple(float(v) for v in hi),
            depth_source=info.depth_source,
            metric=info.metric,
            median_depth_m=info.median_depth_m,
            spawn_world_to_camera=tuple(float(v) for v in frame.camera.world_to_camera.ravel()),
            spawn_fov_y_degrees=frame.camera.fov_y_degrees,
        )
        files.write_manifest(
            record.dir_name,
            {
                "manifest_version": MANIFEST_VERSION,
                "world": record.name,
                "version": 1,
                "generator": record.generator,
                "tile_size_m": record.tile_size_m,
                "scale": {
                    "depth_source": info.depth_source,
                    "metric": info.metric,
                    "median_depth_m": info.median_depth_m,
                    "fov_source": fov_source,
                    "notes": list(info.notes),
                },
                "files": {
                    "splats/000001.npz": {"sha256": splat_sha, "count": len(gaussians)},
                    "frames/000000.npz": {"sha256": frame_sha},
                },
                # Gaussians in the order they were added, each chunk with the version adding it.
                "splat_chunks": [{"name": "splats/000001", "version": 1}],
                # Spatial memory, in the order the frames were added.
                "frames": ["frames/000000"],
                "layout": [[*map(float, n), float(d)] for n, d in info.layout],
            },
        )
        # The catalog flips to READY only after every file and the manifest are durable.
        return self.store.catalog.update(record)

    # -- derived geometry and exports --------------------------------------------------------

    def _frames(self, loaded: LoadedWorld) -> list[Frame]:
        return [loaded.memory.frame(i) for i in range(len(loaded.memory))]

    def surface(self, loaded: LoadedWorld):
        """The world's surface mesh (TSDF of its frames), built once and cached on disk."""
        return self.surfaces.surface(loaded.record.dir_name, loaded.version, self._frames(loaded))

    def colliders(self, loaded: LoadedWorld) -> dict[TileKey, Collider]:
        return self.surfaces.colliders(
            loaded.record.dir_name, loaded.version, self._frames(loaded), loaded.record.tile_size_m
        )

    def export(self, world_id: str, fmt: str, frame: EngineFrame | None) -> ExportedFile:
        """The export's file on disk (world/exports.py), written once per world version.
        `frame` None: the format's default frame."""
        check_frame(fmt, frame)  # before any slow work
        loaded = self.load(world_id)
        return self.exports.file(
            loaded.record.dir_name,
            loaded.version,
            fmt,
            frame,
            loaded.gaussians,
            surface=lambda: self.surface(loaded),
            colliders=lambda: self.colliders(loaded),
        )

    # -- loading ---------------------------------------------------------------------------

    def load(self, world_id: str, uid: str | None = None) -> LoadedWorld:
        """The world's Gaussians and tiles, from an LRU cache or from disk (checksums verified).

        Given `uid`, only that instance of the world: WORLD_DELETED if the id now names another
        (or none), so work bound to a deleted world never loads its successor."""
        record = self.get(world_id)
        if uid is not None and record.uid != uid:
            raise instance_gone(replace(record, uid=uid))
        if record.state != "ready":
            raise FailedPrecondition(
                "WORLD_NOT_READY",
                f"{record.name} is {record.state}",
                world=record.name,
                state=record.state,
            )
        with self._cache_lock:
            cached = self._cache.get(record.dir_name)
            if cached is not None and cached.record.update_time == record.update_time:
                self._cache.move_to_end(record.dir_name)
                return cached
        loaded = self._read(record)
        self._remember(loaded)
        return loaded

    def _read(self, record: WorldRecord) -> LoadedWorld:
        world_id = record.dir_name
        manifest = parse_manifest(self.store.files.read_manifest(world_id), record.name)
        parts, versions = [], []
        for name, added, sha in manifest.splat_chunks:
            part = Gaussians.from_numpy(self.store.files.read_arrays(world_id, name, sha))
            parts.append(part)
            versions.append(np.full(len(part), added, np.int32))
        gaussians = Gaussians.concat(parts)
        splat_versions = np.concatenate(versions) if versions else np.zeros(0, np.int32)
        tiles = build_tiles(gaussians, record.tile_size_m, version=splat_versions)
        cells = build_pyramids(gaussians, tiles, self.settings.lod)
        memory = SpatialMemory()
        for name, sha in manifest.frames:
            memory.add(Frame.from_arrays(self.store.files.read_arrays(world_id, name, sha)))
        return LoadedWorld(
            record,
            gaussians,
            tiles,
            memory,
            manifest.version,
            manifest.layout,
            splat_versions,
            cells,
        )

    def _remember(self, loaded: LoadedWorld) -> None:
        with self._cache_lock:
            try:
                # Read or grown while a delete ran: not to be served from the cache again.
                self.check_current(loaded.record)
            except WorldStreamError:
                return
            self._cache[loaded.record.dir_name] = loaded
            self._cache.move_to_end(loaded.record.dir_name)
            while len(self._cache) > self.settings.loaded_worlds_cached:
                self._cache.popitem(last=False)

    # -- growth ----------------------------------------------------------------------------

    def extend(
        self,
        world_id: str,
        cameras: list[Camera],
        progress: ProgressFn = lambda stage, fraction, message: None,
        uid: str | None = None,
    ) -> Extension:
        """Generate a Frame at each camera, add what the world lacks, and persist it durably.

        One extension of a world at a time; a crash mid-way loses only this extension (the
        manifest naming the new files is written after them). Given `uid`, only that instance
        of the world is extended: once it is deleted this raises WORLD_DELETED, before its next
        view at the latest, and writes nothing.
        """
        if uid is None:
            uid = self.get(world_id).uid
        instance = replace(WorldRecord(world_id), uid=uid).dir_name
        with self._cache_lock:
            lock = self._grow_locks.setdefault(instance, threading.Lock())
        with lock:
            loaded = self.load(world_id, uid)
            generator = get_generator(loaded.record.generator, self.settings.generator_options)
            # Memory is append-only and shared with the loaded snapshot; should this extension
            # fail, the cached world is dropped so its frames are read back from disk.
            growing = GrowingWorld(loaded.gaussians, loaded.memory, loaded.layout)
            try:
                for i, camera in enumerate(cameras):
                    self.check_current(loaded.record)
                    progress(
                        "generate", i / max(1, len(cameras)), f"view {i + 1} of {len(cameras)}"
                    )
                    generator.extend(growing, [camera])
                progress("save", 0.95, "saving the new views")
                extended = self._save_extension(loaded, growing)
            except BaseException:
                with self._cache_lock:
                    self._cache.pop(loaded.record.dir_name, None)
                raise
            self._remember(extended)
        self._notify(extended.record, extended)
        progress("done", 1.0, f"{len(growing.added)} views added")
        added = sum(len(g) for _, g in growing.added)
        return Extension(extended, len(growing.added), added)

    def _save_extension(self, loaded: LoadedWorld, growing: GrowingWorld) -> LoadedWorld:
        files = self.store.files
        record = loaded.record
        manifest = files.read_manifest(record.dir_name)
        version = int(manifest["version"]) + 1
        new_parts = [g for _, g in growing.added if len(g)]
        new = Gaussians.concat(new_parts)
        frame_names = list(manifest.get("frames", []))
        for frame, _ in growing.added:
            name = f"frames/{len(frame_names):06d}"
            manifest["files"][f"{name}.npz"] = {
                "sha256": files.write_arrays(record.dir_name, name, frame.to_arrays())
            }
            frame_names.append(name)
        manifest["frames"] = frame_names
        if len(new):
            name = f"splats/{version:06d}"
            sha = files.write_arrays(record.dir_name, name, new.to_numpy())
            manifest["files"][f"{name}.npz"] = {"sha256": sha, "count": len(new)}
            manifest.setdefault("splat_chunks", [{"name": "gaussians", "version": 1}])
            manifest["splat_chunks"].append({"name": name, "version": version})
        manifest["version"] = version
        manifest["manifest_version"] = MANIFEST_VERSION
        files.write_manifest(record.dir_name, manifest)
        gaussians = growing.gaussians
        lo, hi = gaussians.bounds()
        record = self.store.catalog.update(
            replace(
                record,
                splat_count=len(gaussians),
                frame_count=len(frame_names),
                bounds_min=tuple(float(v) for v in lo),
                bounds_max=tuple(float(v) for v in hi),
            )
        )
        prior = loaded.splat_versions
        if prior is None:
            prior = np.full(len(loaded.gaussians), loaded.version, np.int32)
        splat_versions = np.concatenate([prior, np.full(len(new), version, np.int32)])
        tiles = build_tiles(gaussians, record.tile_size_m, version=splat_versions)
        cells = build_pyramids(gaussians, tiles, self.settings.lod, previous=loaded.cells)
        return LoadedWorld(
            record,
            gaussians,
            tiles,
            growing.memory,
            version,
            loaded.layout,
            splat_versions,
            cells,
        )
