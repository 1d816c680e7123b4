"""The reference client walking as an engine does: a view every frame, never waiting.

`walk_realtime` moves the camera along a path at a walking speed and turn rate
(client/trajectory.py), sends a ViewUpdate at each frame instant with the camera's true velocity,
and between frames reads and applies whatever the stream sends (tiles, batches, removals,
statuses, warnings), acking tiles as they are decoded. At each frame instant it keeps a shallow
copy of what the client holds, which costs microseconds, so the walk keeps real time; the frames
are rendered after the walk, each from its own snapshot and pose, as the engine would have drawn
them then.

Per frame the report has the per-pose report's figures where they mean the same thing
(client/walk.py: position, tiles_received, tiles_resident, splats_resident, hole_fraction, image,
world_version, fidelity_db), and the walk has the time from a region entering the view to its
final level of detail (client/regions.py).
"""

from __future__ import annotations

import io
import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from worldstream.client.fidelity import (
    BACKGROUND,
    Reference,
    canonical,
    psnr_8bit,
    read_ply,
    to_8bit,
)
from worldstream.client.regions import (
    CellBoxes,
    HeldChange,
    RegionTimes,
    existing_in_view,
    summarise,
    visits,
)
from worldstream.client.sync import Client
from worldstream.client.trajectory import Trajectory, trajectory
from worldstream.client.walk import HeldTiles, _key
from worldstream.geometry.camera import Camera
from worldstream.geometry.engine import EngineFrame
from worldstream.geometry.gaussians import Gaussians
from worldstream.render import render
from worldstream.tiles import codec
from worldstream.tiles.chunks import Reassembler
from worldstream.tiles.decode import decode_payload
from worldstream.tiles.raw import RawTile

HOLE_TARGET = 0.01  # a frame within target has at most 1 % of its pixels uncovered
VIDEO_NAME = "walk.mp4"


@dataclass
class FrameReport:
    index: int
    time_s: float  # when the frame was taken, seconds from the walk's start
    position: list[float]
    moving: bool  # the camera moved or turned at this instant
    speed_mps: float
    turn_rate_dps: float
    late_s: float  # how long after its slot (index / hz) the frame was taken
    tiles_received: int  # tiles completed since the previous frame
    tiles_resident: int
    splats_resident: int
    hole_fraction: float  # pixels with alpha < 0.5
    image: str
    generation_jobs: int = 0  # generation jobs the server had reported by this frame
    bytes_received: int = 0  # payload bytes of the tiles completed since the previous frame
    # The world version current at the frame: the latest ViewStatus.world_version received (the
    # reference export's version before any, or when the server does not say).
    world_version: int = 0
    # fidelity=True: PSNR of this render against the whole world at full detail at
    # world_version, both as 8-bit images (client/fidelity.py); None otherwise, or when the
    # reference of that version could not be fetched (the world grew past it first).
    fidelity_db: float | None = None
    # fidelity=True: pixels the whole world leaves uncovered (alpha < 0.5: the world's own
    # holes, where it has not been generated yet), and pixels it covers that the client's
    # render leaves uncovered (the holes the stream makes); fractions of the picture.
    reference_hole_fraction: float | None = None
    missing_fraction: float | None = None


@dataclass
class RealtimeReport:
    world: str
    hz: float
    speed_mps: float
    turn_rate_dps: float
    path_duration_s: float  # the trajectory's length in time (then `settle_s` standing still)
    settle_s: float
    views_sent: int = 0
    # Views sent while the server had not said the latest view was complete: an engine does not
    # wait for loading, and neither does this walk.
    views_sent_while_loading: int = 0
    frames_skipped: int = 0  # frame slots passed while the client was busy (no view, no frame)
    frames: list[FrameReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Over every frame: the share with hole_fraction <= 1 %.
    hole_target: float = HOLE_TARGET
    frames_within_hole_target: float | None = None
    # fidelity=True: the share with missing_fraction <= 1 % (holes the world itself has are
    # not the stream's).
    frames_within_missing_target: float | None = None
    # Over the frames with a fidelity figure (fidelity=True).
    fidelity_db_worst: float | None = None
    fidelity_db_median: float | None = None
    fidelity_db_median_moving: float | None = None  # frames where the camera moved or turned
    frames_without_reference: int = 0
    # Region (grid cell) times from entering the view to its final level (client/regions.py).
    time_to_final_level: RegionTimes = field(default_factory=RegionTimes)
    video: str | None = None

    def to_json(self) -> str:
        data = asdict(self)
        data["time_to_final_level"].pop("samples_s")
        return json.dumps(data, indent=2)


@dataclass
class _Snapshot:
    index: int
    time_s: float
    late_s: float
    w2c: np.ndarray
    tiles: dict[tuple[int, int, int], tuple[int, int, RawTile]]
    world_version: int
    tiles_received: int
    bytes_received: int
    generation_jobs: int


class _Stream:
    """Everything the stream has said so far, applied as it arrives."""

    def __init__(self, stream, held: HeldTiles, clock: Callable[[], float]) -> None:
        self.stream = stream
        self.held = held
        self.clock = clock
        self.assembler = Reassembler()
        self.changes: list[HeldChange] = []
        self.warnings: list[str] = []
        self.jobs: set[str] = set()
        self.world_version = 0
        self.complete = False  # the latest ViewStatus said its view was complete
        self.tile_size_m = 0.0
        self.received = 0
        self.bytes = 0
        self.ended = False

    def apply(self, response) -> None:
        kind = response.WhichOneof("response")
        if kind == "header":
            self.held.world_uid = response.header.world.uid
            self.tile_size_m = response.header.world.tile_size_m
        elif kind == "tile_chunk":
            chunk = response.tile_chunk
            key = _key(chunk.key)
            payload = self.assembler.add(
                key, chunk.version, chunk.chunk_index, chunk.chunk_count, chunk.data
            )
            if payload is not None:
                self.held.put(key, chunk.version, decode_payload(payload))
                self.changes.append(HeldChange(self.clock(), key[:3], key[3]))
                self.received += 1
                self.bytes += len(payload)
                self.stream.ack(len(payload))
        elif kind == "generation":
            self.jobs.add(response.generation.job)
        elif kind == "tile_removal":
            key = _key(response.tile_removal.key)
            self.held.drop(key)
            self.changes.append(HeldChange(self.clock(), key[:3], None))
        elif kind == "warning":
            self.warnings.append(f"{response.warning.reason}: {response.warning.message}")
        elif kind == "view_status":
            status = response.view_status
            self.world_version = max(self.world_version, status.world_version)
            self.complete = status.complete

    def read_until(self, deadline: float) -> None:
        """Apply responses until the clock reaches `deadline` (or the stream ends)."""
        while not self.ended:
            remaining = deadline - self.clock()
            if remaining <= 0:
                return
            try:
                response = self.stream.next(timeout=remaining)
            except queue.Empty:
                return
            if response is None:
                self.ended = True
                return
            self.apply(response)


class _References:
    """The whole world per version: its PLY export downloaded on a background thread as new
    versions are seen, so the walk does not wait for an export, and read into splats after the
    walk (reading a PLY is Python-heavy: during the walk it would take the client's time)."""

    def __init__(self, client: Client, world: str) -> None:
        self._client = client
        self._world = world
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="ws-reference")
        self._lock = threading.Lock()
        self._files: dict[int, bytes] = {}
        self._asked: dict[int, Future] = {}
        self.by_version: dict[int, Reference] = {}
        self.errors: list[str] = []
        self.first_version = self._download()  # before the walk starts: not timed

    def _download(self) -> int:
        buffer = io.BytesIO()
        header = self._client.export_world(self._world, buffer, "ply", EngineFrame.GLTF)
        with self._lock:
            self._files.setdefault(header.world_version, buffer.getvalue())
        return header.world_version

    def want(self, version: int) -> None:
        with self._lock:
            known = version in self._files
        if version and not known and version not in self._asked:
            self._asked[version] = self._pool.submit(self._download)

    def finish(self) -> None:
        """Wait for the downloads, then read each version's file."""
        for version, future in self._asked.items():
            try:
                future.result()
            except Exception as error:  # one failed export costs that version's figures only
                self.errors.append(f"reference of world version {version}: {error}")
        self._pool.shutdown()
        for version, data in self._files.items():
            self.by_version[version] = Reference(version, canonical(read_ply(data)))
        self._files.clear()


def walk_realtime(
    client: Client,
    world: str,
    poses: list[np.ndarray],
    out_dir: Path,
    camera: Camera,
    *,
    hz: float = 30.0,
    speed_mps: float = 1.4,
    turn_rate_dps: float = 45.0,
    settle_s: float = 1.0,
    fidelity: bool = False,
    video: bool = True,
    held: HeldTiles | None = None,
    on_frame: Callable[[int, int], None] | None = None,
) -> RealtimeReport:
    """Walk `poses` (world-to-camera [4,4]) in real time; render and measure afterwards.

    `settle_s`: seconds standing at the last pose after the path (frames go on), so that regions
    that come into view at the end have time to load. on_frame(done, total) reports rendering.
    """
    if not (hz > 0 and np.isfinite(hz)):
        raise ValueError(f"hz must be a positive number, got {hz!r}")
    if not (settle_s >= 0 and np.isfinite(settle_s)):
        raise ValueError(f"settle must be >= 0 seconds, got {settle_s!r}")
    path = trajectory(poses, speed_mps, turn_rate_dps)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    held = held or HeldTiles()
    report = RealtimeReport(
        world=world,
        hz=float(hz),
        speed_mps=path.speed_mps,
        turn_rate_dps=path.turn_rate_dps,
        path_duration_s=path.duration_s,
        settle_s=float(settle_s),
    )
    references = _References(client, world) if fidelity else None
    initial = {cell: lod for cell, (lod, _, _) in held.tiles.items()}
    snapshots, live = _live_walk(
        client, world, path, camera, hz, settle_s, held, report, references
    )
    if references is not None:
        references.finish()
        report.warnings.extend(references.errors)
    report.warnings.extend(live.warnings)
    _measure(report, snapshots, live, path, camera, out_dir, references, initial, video, on_frame)
    (out_dir / "report.json").write_text(report.to_json())
    return report


def _warm_decoder() -> None:
    """Decode a one-splat tile before the walk starts, as an engine loads its plugin before
    play: the decoder's compiled kernels load at their first call (a third of a second of CPU,
    more on a busy machine), which would otherwise stall the first frames of the walk."""
    one = np.zeros((1, 3))
    decode_payload(
        codec.encode(one[0], one, np.array([[1.0, 0, 0, 0]]), one, np.zeros(1), one[:, None], 1)
    )


def _live_walk(
    client: Client,
    world: str,
    path: Trajectory,
    camera: Camera,
    hz: float,
    settle_s: float,
    held: HeldTiles,
    report: RealtimeReport,
    references: _References | None,
) -> tuple[list[_Snapshot], _Stream]:
    _warm_decoder()
    stream = client.explore(world, EngineFrame.GLTF, held=held.manifest(), world_uid=held.world_uid)
    start = time.perf_counter()

    def clock() -> float:
        return time.perf_counter() - start

    live = _Stream(stream, held, clock)
    snapshots: list[_Snapshot] = []
    end = path.duration_s + settle_s
    period = 1.0 / hz
    slot = 0
    received = bytes_ = 0
    try:
        while True:
            now = clock()
            # A frame at each slot index / hz before the end, and a last one at the end.
            due = min(slot * period, end)
            if now >= due:
                t = min(now, end)
                snapshots.append(
                    _Snapshot(
                        index=len(snapshots),
                        time_s=t,
                        late_s=now - due,
                        w2c=path.pose_at(t),
                        tiles=dict(held.tiles),
                        world_version=live.world_version,
                        tiles_received=live.received - received,
                        bytes_received=live.bytes - bytes_,
                        generation_jobs=len(live.jobs),
                    )
                )
                received, bytes_ = live.received, live.bytes
                if references is not None:
                    references.want(live.world_version)
                if now >= end:
                    break
                stream.send_view(
                    camera.with_pose(snapshots[-1].w2c),
                    len(snapshots) - 1,
                    tuple(float(v) for v in path.velocity_at(t)),
                )
                report.views_sent += 1
                report.views_sent_while_loading += not live.complete
                # The next slot after now: slots that passed while the client was busy are
                # skipped, as an engine drops frames, rather than sent late in a burst.
                following = int(now // period) + 1
                report.frames_skipped += following - slot - 1
                slot = following
            live.read_until(min(slot * period, end))
            if live.ended:
                report.warnings.append("the stream ended before the walk did")
                break
    finally:
        stream.close()
    return snapshots, live


def _arrays(tile: RawTile) -> dict[str, np.ndarray]:
    return {
        "means": tile.absolute_positions().astype(np.float32),
        "quats": tile.quats,
        "log_scales": tile.log_scales,
        "opacity_logits": tile.opacity_logits,
        "sh": tile.sh,
    }


class _HeldRenderer:
    """The splats of a snapshot as the walk renders them (in fidelity.canonical order, as
    fidelity.held_image), kept from one frame to the next: consecutive frames mostly hold the
    same tiles."""

    def __init__(self) -> None:
        self._ids: tuple[int, ...] | None = None
        self._gaussians: Gaussians | None = None

    def gaussians(self, tiles: dict) -> Gaussians:
        ids = tuple(id(t) for _, _, t in tiles.values())
        if ids != self._ids or self._gaussians is None:
            parts = [_arrays(t) for _, _, t in tiles.values()]
            if parts:
                merged = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
                self._gaussians = canonical(Gaussians.from_numpy(merged))
            else:
                self._gaussians = Gaussians.empty()
            self._ids = ids
        return self._gaussians


def _measure(
    report: RealtimeReport,
    snapshots: list[_Snapshot],
    live: _Stream,
    path: Trajectory,
    camera: Camera,
    out_dir: Path,
    references: _References | None,
    initial: dict,
    video: bool,
    on_frame: Callable[[int, int], None] | None,
) -> None:
    frames = _render_frames(report, snapshots, path, camera, out_dir, references, on_frame)
    if video and snapshots:
        from worldstream.client.video import write_mp4

        write_mp4(out_dir / VIDEO_NAME, frames, report.hz)
        report.video = VIDEO_NAME
    else:
        for _ in frames:
            pass
    rows = report.frames
    if rows:
        within = sum(f.hole_fraction <= report.hole_target for f in rows)
        report.frames_within_hole_target = within / len(rows)
    missing = [f.missing_fraction for f in rows if f.missing_fraction is not None]
    if missing:
        within = sum(m <= report.hole_target for m in missing)
        report.frames_within_missing_target = within / len(missing)
    measured = [f.fidelity_db for f in rows if f.fidelity_db is not None]
    moving = [f.fidelity_db for f in rows if f.fidelity_db is not None and f.moving]
    if measured:
        report.fidelity_db_worst = float(min(measured))
        report.fidelity_db_median = float(np.median(measured))
    if moving:
        report.fidelity_db_median_moving = float(np.median(moving))
    if references is not None:
        report.frames_without_reference = sum(f.fidelity_db is None for f in rows)
    report.time_to_final_level = _region_times(snapshots, live, camera, references, initial)


def _render_frames(
    report: RealtimeReport,
    snapshots: list[_Snapshot],
    path: Trajectory,
    camera: Camera,
    out_dir: Path,
    references: _References | None,
    on_frame: Callable[[int, int], None] | None,
) -> Iterator[np.ndarray]:
    """Render each snapshot, record its figures, save its PNG; yields the 8-bit frames."""
    held = _HeldRenderer()
    for snap in snapshots:
        view = camera.with_pose(snap.w2c)
        result = render(held.gaussians(snap.tiles), view, background=BACKGROUND)
        rgb8 = to_8bit(result.rgb)
        image = f"frame_{snap.index:04d}.png"
        Image.fromarray(rgb8).save(out_dir / image)
        version = snap.world_version
        fidelity_db = reference_holes = missing = None
        if references is not None:
            version = version or references.first_version
            reference = references.by_version.get(version)
            if reference is not None:
                # Reference.image's render, with its alpha kept: the world's own holes.
                whole = render(reference.gaussians, view, background=BACKGROUND)
                fidelity_db = psnr_8bit(rgb8, to_8bit(whole.rgb))
                covered = whole.alpha >= 0.5
                reference_holes = float(np.mean(~covered))
                missing = float(np.mean(covered & (result.alpha < 0.5)))
        speed = float(np.linalg.norm(path.velocity_at(snap.time_s)))
        turn = path.turn_rate_at(snap.time_s)
        report.frames.append(
            FrameReport(
                index=snap.index,
                time_s=snap.time_s,
                position=[float(v) for v in view.position],
                moving=bool(speed > 1e-6 or turn > 1e-6),  # not float noise of a pure turn
                speed_mps=speed,
                turn_rate_dps=float(turn),
                late_s=snap.late_s,
                tiles_received=snap.tiles_received,
                tiles_resident=len(snap.tiles),
                splats_resident=sum(t.count for _, _, t in snap.tiles.values()),
                hole_fraction=float(np.mean(result.alpha < 0.5)),
                image=image,
                generation_jobs=snap.generation_jobs,
                bytes_received=snap.bytes_received,
                world_version=version,
                fidelity_db=fidelity_db,
                reference_hole_fraction=reference_holes,
                missing_fraction=missing,
            )
        )
        if on_frame is not None:
            on_frame(len(report.frames), len(snapshots))
        yield rgb8


def _region_times(
    snapshots: list[_Snapshot],
    live: _Stream,
    camera: Camera,
    references: _References | None,
    initial: dict,
) -> RegionTimes:
    """Regions: every cell the client held during the walk and, with fidelity, every cell of the
    whole world (so that a cell never sent counts as never finished). With fidelity, a frame's
    regions are those of the world version current at the frame (and those the client held):
    a cell that generation adds later is not in view before it exists."""
    held = set(initial) | {c.cell for c in live.changes}
    by_version: dict[int, set] = {}
    if references is not None and live.tile_size_m > 0:
        for version, reference in references.by_version.items():
            means = reference.gaussians.means.detach().cpu().numpy()
            found = np.unique(np.floor(means / live.tile_size_m).astype(np.int64), axis=0)
            by_version[version] = {tuple(int(v) for v in c) for c in found}
    cells = held.union(*by_version.values())
    if not cells or live.tile_size_m <= 0:
        return RegionTimes()
    boxes = CellBoxes(cells, live.tile_size_m)
    first = references.first_version if references is not None else 0
    in_view = existing_in_view(
        [s.time_s for s in snapshots],
        [boxes.in_view(camera.with_pose(s.w2c)) for s in snapshots],
        [s.world_version or first for s in snapshots],
        by_version,
        live.changes,
        initial,
    )
    return summarise(visits([s.time_s for s in snapshots], in_view, live.changes, initial))
