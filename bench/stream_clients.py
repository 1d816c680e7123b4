"""The engine-like clients of bench_stream.py, run as their own process: each walks scripted paths,
sends its camera at 30 Hz over Explore (grpc.aio and the generated stubs, nothing else of ours)
and counts and times what arrives.

    .venv/bin/python bench/stream_clients.py --plan PLAN.json --out RESULTS.json

The process prepares every client's poses, prints "ready", waits for a line on stdin, streams for
the plan's seconds and writes its results as JSON. A client knows the world's occupied cells and
tile size, so it can tell which cells a view newly brings into its own frustum: latency is
measured against that geometric fact, not against the server's choices, so the measure holds
whatever the server's scheduler does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import numpy as np

from worldstream.v1 import worldstream_pb2 as pb
from worldstream.v1 import worldstream_pb2_grpc as pb_grpc

TICK_S = 1.0 / 30.0  # an engine sending its camera once a frame at 30 Hz
NEAR_M = 0.05  # the near plane the server culls with
WRITTEN = (pb.TILE_ENCODING_QUANTIZED_V1, pb.TILE_ENCODING_RAW_F32)  # asked for, preferred first
CLOSE_TIMEOUT_S = 5.0
# Every client gets its own TCP connection, as separate engines would; without this, channels
# to one address share a connection.
CHANNEL_OPTIONS = [("grpc.use_local_subchannel_pool", 1)]
Cell = tuple[int, int, int]


@dataclass(frozen=True)
class Plan:
    """What a client process is told; JSON on disk."""

    address: str
    world: str  # worlds/{world}
    clients: list[int]  # ids of this process's clients
    client_count: int  # clients in the whole benchmark (spreads their send times)
    seconds: float
    walk_seconds: float  # mean length of a walk
    cold_every: int  # walk j starts cold (a new stream, empty manifest) when j % cold_every == 0
    seed: int
    spawn_position: list[float]  # glTF frame, metres
    spawn_rotation: list[float]  # x, y, z, w: camera-local glTF axes to world
    vertical_fov_degrees: float
    viewport: list[int]  # width, height
    tile_size_m: float
    cells: list[list[int]]  # [M, 3] occupied cells (x, y, z)
    join_seconds: float = 0.0  # the clients start over this long (0: within one tick)


# -- poses -----------------------------------------------------------------------------------


def quat_mul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hamilton product of x, y, z, w quaternions: rotate by b, then by a."""
    ax, ay, az, aw = a
    bx, by, bz, bw = b
    return np.array(
        [
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
            aw * bw - ax * bx - ay * by - az * bz,
        ]
    )


def rotate(q: np.ndarray, v: np.ndarray) -> np.ndarray:
    u, w = q[:3], q[3]
    return v + 2.0 * np.cross(u, np.cross(u, v) + w * v)


def yaw(degrees: float) -> np.ndarray:
    """About world +Y; positive turns left, seen from above."""
    half = math.radians(degrees) / 2.0
    return np.array([0.0, math.sin(half), 0.0, math.cos(half)])


@dataclass(frozen=True)
class Pose:
    position: np.ndarray  # [3] metres, glTF frame (= the world frame)
    rotation: np.ndarray  # [4] x, y, z, w; the camera looks along its local -Z
    velocity: np.ndarray  # [3] metres per second


@dataclass(frozen=True)
class Walk:
    kind: str  # "forward", "turn" or "strafe"
    origin: np.ndarray  # [3]
    heading_degrees: float  # yaw from the spawn's heading
    cold: bool  # starts on a new stream with an empty manifest
    ticks: int

    def pose(self, spawn: Pose, tick: int) -> Pose:
        t = tick * TICK_S
        forward = rotate(spawn.rotation, np.array([0.0, 0.0, -1.0]))
        forward[1] = 0.0
        forward /= np.linalg.norm(forward)
        turn = yaw(self.heading_degrees)
        ahead = rotate(turn, forward)
        right = np.cross(ahead, [0.0, 1.0, 0.0])
        position, velocity, heading = self.origin, np.zeros(3), self.heading_degrees
        if self.kind == "forward":  # 0.7 m/s for at most 2 m, then stand
            speed = 0.7 if t * 0.7 < 2.0 else 0.0
            position = self.origin + ahead * min(t * 0.7, 2.0)
            velocity = ahead * speed
        elif self.kind == "turn":  # +-45 degrees about the heading, a sweep every 4 s
            heading += 45.0 * math.sin(2.0 * math.pi * t / 4.0)
        else:  # strafe +-1 m, a sweep every 4 s
            phase = 2.0 * math.pi * t / 4.0
            position = self.origin + right * math.sin(phase)
            velocity = right * (2.0 * math.pi / 4.0) * math.cos(phase)
        rotation = quat_mul(yaw(heading), spawn.rotation)
        return Pose(position, rotation, velocity)


def walks_for(client: int, plan: Plan, spawn: Pose) -> list[Walk]:
    """The client's walks: kinds in turn, lengths jittered so that the clients' reconnections
    spread over the run instead of landing together."""
    rng = np.random.default_rng([plan.seed, client])
    total = round(plan.seconds / TICK_S)
    weights = rng.uniform(0.7, 1.3, max(1, round(plan.seconds / plan.walk_seconds)))
    ends = np.round(np.cumsum(weights) / weights.sum() * total).astype(int)
    forward = rotate(spawn.rotation, np.array([0.0, 0.0, -1.0]))
    forward[1] = 0.0
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, [0.0, 1.0, 0.0])
    walks, start = [], 0
    for j, end in enumerate(ends):
        origin = spawn.position + forward * rng.uniform(0.0, 0.5) + right * rng.uniform(-1.0, 1.0)
        kind = ("forward", "turn", "strafe")[(client + j) % 3]
        heading = float(rng.uniform(-25.0, 25.0))
        walks.append(Walk(kind, origin, heading, j % plan.cold_every == 0, int(end - start)))
        start = int(end)
    return walks


def walks_json(plan: Plan) -> dict[str, list[dict]]:
    """Each of the plan's clients' walks as walks_for makes them, keyed by client id, for the
    native clients (bench/native), which cannot draw from numpy's generator themselves."""
    spawn = spawn_pose(plan)
    return {
        str(client): [
            {
                "kind": walk.kind,
                "origin": [float(v) for v in walk.origin],
                "heading_degrees": walk.heading_degrees,
                "cold": bool(walk.cold),
                "ticks": walk.ticks,
            }
            for walk in walks_for(client, plan, spawn)
        ]
        for client in plan.clients
    }


# -- visibility ------------------------------------------------------------------------------


class Cells:
    """The world's occupied cells as boxes, for the client's own frustum test."""

    def __init__(self, cells: list[list[int]], size: float) -> None:
        keys = np.asarray(cells, dtype=np.int64).reshape(-1, 3)
        self.keys: list[Cell] = [tuple(int(v) for v in k) for k in keys]
        self.index = {k: i for i, k in enumerate(self.keys)}
        self.box_min = keys * size  # [M, 3]
        self.box_max = self.box_min + size
        self.centre = self.box_min + size / 2.0
        self.half = size / 2.0

    def visible(self, pose: Pose, vertical_fov_degrees: float, width: int, height: int):
        """[M] bool: cells in the view frustum (no far plane) or around the camera.

        The server's conservative test (a box is out when all 8 corners are beyond one plane),
        done per plane with the box's farthest corner along the plane's normal."""
        tan_y = math.tan(math.radians(vertical_fov_degrees) / 2.0)
        tan_x = tan_y * width / height
        right = rotate(pose.rotation, np.array([1.0, 0.0, 0.0]))
        up = rotate(pose.rotation, np.array([0.0, 1.0, 0.0]))
        forward = rotate(pose.rotation, np.array([0.0, 0.0, -1.0]))
        offset = self.centre - pose.position  # [M, 3]
        planes = [  # (inward normal, offset): a point p is inside when n.(p - eye) >= offset
            (forward, NEAR_M),
            (tan_x * forward - right, 0.0),
            (tan_x * forward + right, 0.0),
            (tan_y * forward - up, 0.0),
            (tan_y * forward + up, 0.0),
        ]
        outside = np.zeros(len(self.keys), dtype=bool)
        for normal, limit in planes:
            outside |= offset @ normal + self.half * np.abs(normal).sum() < limit
        inside = np.all((pose.position >= self.box_min) & (pose.position < self.box_max), axis=1)
        return inside | ~outside


# -- results ---------------------------------------------------------------------------------


@dataclass
class Stats:
    """One process's counts; bench_stream.py adds the processes' together."""

    # Update -> first tile of the cells it newly shows: for a stream's first view, for the rest.
    start_region_ms: list[float] = field(default_factory=list)
    walk_region_ms: list[float] = field(default_factory=list)
    cell_ms: list[float] = field(default_factory=list)  # each newly visible cell -> its chunk 0
    first_complete_s: list[float] = field(default_factory=list)  # per client, first walk
    walk_complete_s: list[float] = field(default_factory=list)  # per walk that got there
    lag_ms: list[float] = field(default_factory=list)  # how late each view left its tick
    regions: int = 0
    regions_left_view: int = 0  # every new cell left the view before any arrived
    regions_open_at_end: int = 0  # the stream ended (reconnect or end of run) first
    early_cells: int = 0  # first chunk before the client's frustum showed the cell
    splats: int = 0
    splats_by_second: dict[int, int] = field(default_factory=dict)  # since the start
    tiles: int = 0
    chunks: int = 0
    payload_bytes: int = 0
    removals: int = 0
    views: int = 0
    ticks_skipped: int = 0
    walks: int = 0
    cold_walks: int = 0
    streams: int = 0
    generation_events: int = 0
    header_encodings: Counter = field(default_factory=Counter)
    chunk_encodings: Counter = field(default_factory=Counter)
    warnings: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    start: float = 0.0  # time.monotonic() (CLOCK_MONOTONIC, shared by processes on Linux)
    end: float = 0.0
    cpu_s: float = 0.0


# -- one stream ------------------------------------------------------------------------------


class Stream:
    """One Explore call: the client's holdings, its open regions, the reader."""

    def __init__(
        self,
        stub: pb_grpc.WorldStreamStub,
        plan: Plan,
        cells: Cells,
        stats: Stats,
        visible: set[int],
    ) -> None:
        self.stub, self.plan, self.cells, self.stats = stub, plan, cells, stats
        self.visible = visible  # the client's, kept current tick by tick
        self.recheck: set[int] = set(visible)  # visible cells to look at on the next view
        self.held: dict[Cell, int] = {}  # cell -> lod held
        self.arriving: tuple[Cell, int] | None = None  # the tile being reassembled, bytes so far
        self.pending: dict[int, tuple[int, float]] = {}  # cell index -> (region, reveal time)
        self.regions: dict[int, list[float]] = {}  # open region -> [sent at, cells left]
        self.first_region: int | None = None  # opened by the stream's first view
        self.views = 0
        self.walk: tuple[int, float] | None = None  # first sequence, first send time
        self.on_first_complete: list[float] | None = None
        self.lock = asyncio.Lock()
        self.closing = False

    async def open(self) -> None:
        self.call = self.stub.Explore()
        self.stats.streams += 1
        start = pb.ExploreStart(
            world=self.plan.world,
            engine_frame=pb.ENGINE_FRAME_GLTF,
            encodings=list(WRITTEN),
            no_generation=True,
        )
        await self.call.write(pb.ExploreRequest(start=start))
        self.reader = asyncio.create_task(self._read())

    def begin_walk(self, first_sequence: int) -> None:
        self.walk = (first_sequence, 0.0)

    async def send_view(
        self, sequence: int, pose: Pose, entering: np.ndarray, leaving: np.ndarray
    ) -> None:
        width, height = self.plan.viewport
        p, q, v = pose.position, pose.rotation, pose.velocity
        view = pb.ViewUpdate(
            sequence=sequence,
            position=pb.Vec3(x=p[0], y=p[1], z=p[2]),
            rotation=pb.Quat(x=q[0], y=q[1], z=q[2], w=q[3]),
            vertical_fov_degrees=self.plan.vertical_fov_degrees,
            viewport_width=width,
            viewport_height=height,
            velocity=pb.Vec3(x=v[0], y=v[1], z=v[2]),
        )
        async with self.lock:
            if self.closing:
                return
            now = time.monotonic()
            self._reveal(sequence, entering, leaving, now)
            if self.walk is not None and self.walk[1] == 0.0:
                self.walk = (self.walk[0], now)
            try:
                await self.call.write(pb.ExploreRequest(view=view))
            except (grpc.aio.AioRpcError, asyncio.InvalidStateError) as error:
                self._error(f"view write failed: {error!r}"[:300])
                self.closing = True
                return
        self.views += 1
        self.stats.views += 1

    def _reveal(self, sequence: int, entering, leaving, now: float) -> None:
        """Open a region for the cells this view newly shows that the client does not hold."""
        for index in leaving.tolist():
            entry = self.pending.pop(index, None)
            if entry is not None:
                self._leave(entry[0])
        candidates = self.recheck.union(entering.tolist())
        self.recheck = set()
        arriving = self.arriving[0] if self.arriving else None
        keys = self.cells.keys
        new = [
            i
            for i in candidates
            if i in self.visible
            and i not in self.pending
            and keys[i] not in self.held
            and keys[i] != arriving
        ]
        if new:
            self.stats.regions += 1
            self.regions[sequence] = [now, float(len(new))]
            if self.views == 0:
                self.first_region = sequence
            for i in new:
                self.pending[i] = (sequence, now)

    def _leave(self, region: int) -> None:
        entry = self.regions.get(region)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] <= 0:
            del self.regions[region]
            self.stats.regions_left_view += 1

    async def _read(self) -> None:
        try:
            while True:
                response = await self.call.read()
                if response is grpc.aio.EOF:
                    break
                await self._on(response, time.monotonic())
        except asyncio.CancelledError:
            if not self.closing:
                self._error("stream cancelled unexpectedly")
        except grpc.aio.AioRpcError as error:
            if not (self.closing and error.code() == grpc.StatusCode.CANCELLED):
                self._error(f"RPC {error.code().name}: {error.details()}"[:300])
        if not self.closing:
            self._error("the server ended the stream")

    async def _on(self, response: pb.ExploreResponse, now: float) -> None:
        kind = response.WhichOneof("response")
        if kind == "tile_chunk":
            await self._ack(self._on_chunk(response.tile_chunk, now))
        elif kind == "tile_batch":
            # One ack for the message, as an engine would after handling it.
            await self._ack(sum(self._on_chunk(c, now) for c in response.tile_batch.chunks))
        elif kind == "header":
            encoding = response.header.encoding
            self.stats.header_encodings[pb.TileEncoding.Name(encoding)] += 1
            if encoding not in WRITTEN:
                self._error(f"header encoding {encoding} was not asked for")
        elif kind == "tile_removal":
            key = response.tile_removal.key
            cell = (key.x, key.y, key.z)
            self.stats.removals += 1
            if self.held.get(cell) != key.lod:
                self._error(f"removal of {cell} lod {key.lod}, held {self.held.get(cell)}")
            self.held.pop(cell, None)
            index = self.cells.index.get(cell)
            if index is not None and index in self.visible:
                self.recheck.add(index)  # needed again: the next view reopens it
        elif kind == "view_status":
            self._on_status(response.view_status, now)
        elif kind == "warning":
            self.stats.warnings[response.warning.reason] += 1
        elif kind == "generation":
            self.stats.generation_events += 1
        else:
            self._error(f"unexpected response {kind}")

    def _on_chunk(self, chunk: pb.TileChunk, now: float) -> int:
        """Take one chunk; the payload bytes of the tile it completes (0 when none)."""
        key = chunk.key
        cell = (key.x, key.y, key.z)
        self.stats.chunks += 1
        if chunk.chunk_index == 0:
            if self.arriving is not None:
                self._error(f"tile {cell} began before {self.arriving[0]} ended")
            self.arriving = (cell, 0)
            self.stats.chunk_encodings[pb.TileEncoding.Name(chunk.encoding)] += 1
            if cell not in self.held:
                self._first_chunk(cell, now)
        if self.arriving is None or self.arriving[0] != cell:
            self._error(f"chunk {chunk.chunk_index} of {cell} out of order")
            return 0
        done = self.arriving[1] + len(chunk.data)
        self.arriving = (cell, done)
        if chunk.chunk_index < chunk.chunk_count - 1:
            return 0
        self.arriving = None
        if done != chunk.payload_bytes:
            self._error(f"tile {cell}: {done} bytes, header said {chunk.payload_bytes}")
        self.held[cell] = key.lod  # replaces whatever level the cell had
        self.stats.tiles += 1
        self.stats.splats += chunk.splat_count
        second = int(now - self.stats.start)
        by_second = self.stats.splats_by_second
        by_second[second] = by_second.get(second, 0) + chunk.splat_count
        self.stats.payload_bytes += done
        return done

    async def _ack(self, nbytes: int) -> None:
        if nbytes and not self.closing:  # no writes after done_writing
            async with self.lock:
                try:
                    await self.call.write(pb.ExploreRequest(ack=pb.TileAck(bytes=nbytes)))
                except (grpc.aio.AioRpcError, asyncio.InvalidStateError) as error:
                    if not self.closing:
                        self._error(f"ack write failed: {error!r}"[:300])

    def _first_chunk(self, cell: Cell, now: float) -> None:
        index = self.cells.index.get(cell)
        entry = self.pending.pop(index, None) if index is not None else None
        if entry is None:
            self.stats.early_cells += 1  # sent ahead of the view (margin, prefetch)
            return
        region, revealed = entry
        self.stats.cell_ms.append((now - revealed) * 1000.0)
        opened = self.regions.pop(region, None)
        if opened is not None:
            first = region == self.first_region
            kept = self.stats.start_region_ms if first else self.stats.walk_region_ms
            kept.append((now - opened[0]) * 1000.0)

    def _on_status(self, status: pb.ViewStatus, now: float) -> None:
        if not status.complete or self.walk is None or status.sequence < self.walk[0]:
            return
        seconds = now - self.walk[1]
        self.stats.walk_complete_s.append(seconds)
        if self.on_first_complete is not None:
            self.on_first_complete.append(seconds)
            self.on_first_complete = None
        self.walk = None

    def _error(self, message: str) -> None:
        self.stats.errors.append(message)

    async def close(self) -> None:
        """Half-close and let the server end the call, as an engine leaving the world would."""
        async with self.lock:
            self.closing = True
            with contextlib.suppress(grpc.aio.AioRpcError, asyncio.InvalidStateError):
                await self.call.done_writing()
        try:
            await asyncio.wait_for(asyncio.shield(self.reader), CLOSE_TIMEOUT_S)
        except TimeoutError:
            self._error(f"the stream had not ended {CLOSE_TIMEOUT_S:.0f} s after half-close")
            self.call.cancel()
            await asyncio.gather(self.reader, return_exceptions=True)
        self.stats.regions_open_at_end += len(self.regions)


# -- one client ------------------------------------------------------------------------------


@dataclass
class Prepared:
    client: int
    walks: list[Walk]
    poses: list[Pose]  # one per tick
    entering: list[np.ndarray]  # per tick: cell indices visible now and not at the tick before
    leaving: list[np.ndarray]  # per tick: cell indices visible at the tick before, not now
    walk_of_tick: list[int]


def spawn_pose(plan: Plan) -> Pose:
    return Pose(np.array(plan.spawn_position), np.array(plan.spawn_rotation), np.zeros(3))


def prepare(client: int, plan: Plan, cells: Cells) -> Prepared:
    """Every pose and the cells it brings into and out of view, ahead of time, so the run
    spends no CPU on them."""
    spawn = spawn_pose(plan)
    walks = walks_for(client, plan, spawn)
    width, height = plan.viewport
    poses, entering, leaving, walk_of_tick = [], [], [], []
    before = np.zeros(len(cells.keys), dtype=bool)
    for j, walk in enumerate(walks):
        for tick in range(walk.ticks):
            pose = walk.pose(spawn, tick)
            now = cells.visible(pose, plan.vertical_fov_degrees, width, height)
            poses.append(pose)
            entering.append(np.flatnonzero(now & ~before))
            leaving.append(np.flatnonzero(before & ~now))
            walk_of_tick.append(j)
            before = now
    return Prepared(client, walks, poses, entering, leaving, walk_of_tick)


async def run_client(prepared: Prepared, plan: Plan, cells: Cells, stats: Stats, t0: float):
    channel = grpc.aio.insecure_channel(plan.address, options=CHANNEL_OPTIONS)
    stub = pb_grpc.WorldStreamStub(channel)
    # Clients join over join_seconds; with none, their send times still spread over one tick
    # rather than all landing at once.
    t0 += prepared.client / plan.client_count * (plan.join_seconds or TICK_S)
    stream: Stream | None = None
    visible: set[int] = set()
    current, tick, applied, sequence = -1, 0, 0, 0
    ticks = len(prepared.poses)
    first_complete: list[float] = []
    closing: list[asyncio.Task] = []
    try:
        while tick < ticks:
            target = t0 + tick * TICK_S
            now = time.monotonic()
            if now < target:
                await asyncio.sleep(target - now)
                now = time.monotonic()
            behind = int((now - target) / TICK_S)
            if behind:  # an engine that stalls sends its latest pose, not a burst
                stats.ticks_skipped += min(behind, ticks - tick)
                tick += behind
                if tick >= ticks:
                    break
                target = t0 + tick * TICK_S
            stats.lag_ms.append((now - target) * 1000.0)
            # The view moves through the skipped ticks too.
            entering = np.concatenate(prepared.entering[applied : tick + 1])
            leaving = np.concatenate(prepared.leaving[applied : tick + 1])
            visible.difference_update(leaving.tolist())
            visible.update(entering.tolist())
            applied = tick + 1
            walk_index = prepared.walk_of_tick[tick]
            if walk_index != current:
                current = walk_index
                walk = prepared.walks[walk_index]
                stats.walks += 1
                if stream is None or walk.cold:
                    stats.cold_walks += 1
                    if stream is not None:  # in the background: the frame loop goes on
                        closing.append(asyncio.create_task(stream.close()))
                    stream = Stream(stub, plan, cells, stats, visible)
                    await stream.open()
                stream.begin_walk(sequence + 1)
                stream.on_first_complete = first_complete if walk_index == 0 else None
            sequence += 1
            await stream.send_view(sequence, prepared.poses[tick], entering, leaving)
            tick += 1
        if stream is not None:
            closing.append(asyncio.create_task(stream.close()))
        await asyncio.gather(*closing)
    except grpc.aio.AioRpcError as error:
        stats.errors.append(f"client {prepared.client}: RPC {error.code().name}")
    finally:
        await channel.close()
    stats.first_complete_s.extend(first_complete)


async def run_all(plan: Plan, prepared: list[Prepared], cells: Cells) -> Stats:
    stats = Stats()
    stats.start = time.monotonic()
    await asyncio.gather(*(run_client(p, plan, cells, stats, stats.start) for p in prepared))
    stats.end = time.monotonic()
    return stats


async def warm_up(plan: Plan, timeout_s: float = 120.0) -> float:
    """One stream at the spawn until its view is complete: the server loads the world (and
    builds whatever it builds on first use) before anything is timed. Returns seconds."""
    cells = Cells(plan.cells, plan.tile_size_m)
    stats = Stats()
    spawn = spawn_pose(plan)
    width, height = plan.viewport
    mask = cells.visible(spawn, plan.vertical_fov_degrees, width, height)
    visible = set(np.flatnonzero(mask).tolist())
    channel = grpc.aio.insecure_channel(plan.address, options=CHANNEL_OPTIONS)
    start = time.monotonic()
    try:
        stream = Stream(pb_grpc.WorldStreamStub(channel), plan, cells, stats, visible)
        stream.on_first_complete = done = []
        await stream.open()
        stream.begin_walk(1)
        nothing = np.zeros(0, dtype=np.int64)
        await stream.send_view(1, spawn, nothing, nothing)
        while not done and time.monotonic() - start < timeout_s:
            if stream.reader.done():
                break
            await asyncio.sleep(0.05)
        await stream.close()
    finally:
        await channel.close()
    if not done or stats.errors:
        raise RuntimeError(f"warm-up stream failed: complete={bool(done)}, {stats.errors[:3]}")
    return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    plan = Plan(**json.loads(args.plan.read_text()))
    cells = Cells(plan.cells, plan.tile_size_m)
    prepared = [prepare(c, plan, cells) for c in plan.clients]
    print("ready", flush=True)
    sys.stdin.readline()  # the parent says go once every client process is ready
    cpu = time.process_time()
    stats = asyncio.run(run_all(plan, prepared, cells))
    stats.cpu_s = time.process_time() - cpu
    # Not dataclasses.asdict: it rebuilds a Counter from its (key, count) pairs as keys.
    args.out.write_text(json.dumps({k: getattr(stats, k) for k in Stats.__dataclass_fields__}))


if __name__ == "__main__":
    main()
