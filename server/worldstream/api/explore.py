"""The Explore stream: read the client's start, views and acks; send tiles as its view needs them;
ask for generation where the view ahead is not covered yet.

One reader task moves requests into a queue, which also receives the stream's own events
(generation progress, the world growing, a finished coverage plan); the handler alternates
between applying them and sending the next tile the session picks, so a slow client (no acks)
stops the sending, not the reading. Problems with one message are warnings; only a broken start
ends the stream.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import grpc
import numpy as np

from worldstream.api import convert
from worldstream.api.config import ServerConfig
from worldstream.api.errors import abort
from worldstream.errors import InvalidArgument, WorldStreamError
from worldstream.geometry.engine import EngineFrame, points_from_engine
from worldstream.session.explore import ExploreSession, Held, Send, SessionLimits
from worldstream.tiles.chunks import split
from worldstream.tiles.collider import encode_collider
from worldstream.tiles.encode import Encoding, encode_arrays
from worldstream.tiles.payloads import PayloadCache
from worldstream.v1 import worldstream_pb2 as pb
from worldstream.world.jobs import GenerationJobs, Job
from worldstream.world.planning import PlanSettings, TimedPose, plan, region_of
from worldstream.world.worlds import LoadedWorld, Worlds

_EOF = object()
_WRITES = (Encoding.QUANTIZED_V1, Encoding.RAW_F32)  # what this server writes, preferred first
RECENT_POSES = 4


@dataclass(frozen=True)
class Shared:
    """What every Explore stream of a server shares."""

    worlds: Worlds
    config: ServerConfig
    run_io: Callable[..., Awaitable]
    jobs: GenerationJobs
    payloads: PayloadCache


@dataclass(frozen=True)
class _JobEvent:
    job: Job


@dataclass(frozen=True)
class _WorldEvent:
    loaded: LoadedWorld


@dataclass(frozen=True)
class _Say:
    response: pb.ExploreResponse


@dataclass(frozen=True)
class _PlanDone:
    sequence: int
    jobs: list[Job]
    blocking: list[int]  # ids of the jobs the planned view itself waits for


def _warning(reason: str, message: str, **metadata: object) -> pb.ExploreResponse:
    meta = {k: str(v) for k, v in metadata.items()}
    return pb.ExploreResponse(
        warning=pb.StreamWarning(reason=reason, message=message, metadata=meta)
    )


def _limits(start: pb.ExploreStart, cfg: ServerConfig) -> SessionLimits:
    if start.splat_budget < 0 or start.splat_budget > cfg.max_splat_budget:
        raise InvalidArgument(
            "INVALID_SPLAT_BUDGET",
            f"splat_budget must be in [0, {cfg.max_splat_budget}], got {start.splat_budget}",
        )
    if start.credit_bytes < 0 or start.credit_bytes > cfg.max_credit_bytes:
        raise InvalidArgument(
            "INVALID_CREDIT_BYTES",
            f"credit_bytes must be in [0, {cfg.max_credit_bytes}], got {start.credit_bytes}",
        )
    if len(start.held_tiles) > cfg.max_held_tiles:
        raise InvalidArgument(
            "MANIFEST_TOO_LARGE",
            f"held_tiles has {len(start.held_tiles)} entries; the limit is {cfg.max_held_tiles}",
        )
    return SessionLimits(
        start.splat_budget or cfg.default_splat_budget,
        start.credit_bytes or cfg.default_credit_bytes,
        cfg.max_sse_px,
    )


def _encoding(start: pb.ExploreStart) -> Encoding:
    """The first encoding in the client's list that this server writes."""
    asked = list(start.encodings) or [pb.TILE_ENCODING_RAW_F32]
    for number in asked:
        for encoding in _WRITES:
            if encoding.value == number:
                return encoding
    raise InvalidArgument(
        "NO_SUPPORTED_ENCODING",
        "the client accepts no encoding this server writes (QUANTIZED_V1, RAW_F32)",
    )


async def _read_requests(context: grpc.aio.ServicerContext, queue: asyncio.Queue) -> None:
    try:
        while True:
            request = await context.read()
            if request is grpc.aio.EOF:
                break
            await queue.put(request)
    finally:
        await queue.put(_EOF)


async def explore(shared: Shared, context: grpc.aio.ServicerContext) -> None:
    config = shared.config
    try:
        first = await context.read()
        if first is grpc.aio.EOF:
            return
        if first.WhichOneof("request") != "start":
            raise InvalidArgument("START_REQUIRED", "the first Explore request must be `start`")
        start = first.start
        world_id = convert.world_id_from_name(start.world, "start.world")
        frame = convert.engine_frame(start.engine_frame, "start.engine_frame")
        limits = _limits(start, config)
        encoding = _encoding(start)
        manifest = {convert.tile_key(h.key): h.version for h in start.held_tiles}
        loaded = await shared.run_io(shared.worlds.load, world_id)
        # Built on first use for the world (seconds), then read from its cache.
        colliders = await shared.run_io(shared.worlds.colliders, loaded) if start.colliders else {}
    except WorldStreamError as exc:
        await abort(context, exc)
        return
    generate = config.generate_on_demand and not start.no_generation
    stream = _Stream(shared, context, loaded, frame, encoding, colliders, generate)
    await stream.run(limits, manifest, start.engine_frame)


class _Stream:
    def __init__(
        self, shared: Shared, context, loaded: LoadedWorld, frame, encoding, colliders, generate
    ):
        self.shared = shared
        self.context = context
        self.loaded = loaded
        self.frame: EngineFrame = frame
        self.encoding: Encoding = encoding
        self.colliders = colliders
        self.units = frame.unit_scale  # engine units per metre, for geometric errors
        self.queue: asyncio.Queue = asyncio.Queue()
        self.generate: bool = generate
        self.poses: collections.deque[TimedPose] = collections.deque(maxlen=RECENT_POSES)
        self.waiting: dict[int, Job] = {}  # generation jobs this stream listens to
        self.seen_jobs: set[int] = set()
        self.latest_view = None
        self.blocking: set[int] = set()  # ...of which the current view waits for
        self.planning = False  # a coverage plan is running
        self.planned = -1  # the view sequence the last plan was for
        self.plan_settings = PlanSettings()

    async def _write(self, response: pb.ExploreResponse) -> None:
        await self.context.write(response)

    async def run(self, limits: SessionLimits, manifest, frame_number: int) -> None:
        loop = asyncio.get_running_loop()
        margin = 0.25 * self.loaded.record.tile_size_m
        session, resumed, gone = ExploreSession.resume(self.loaded.cells, limits, margin, manifest)
        self.session = session
        spawn_position, spawn_rotation = convert.spawn_in_frame(self.loaded.record, self.frame)
        await self._write(
            pb.ExploreResponse(
                header=pb.ExploreHeader(
                    world=convert.world_to_proto(self.loaded.record),
                    engine_frame=frame_number,
                    encoding=self.encoding.value,
                    splat_budget=limits.splat_budget,
                    credit_bytes=limits.credit_bytes,
                    max_chunk_bytes=self.shared.config.tile_chunk_bytes,
                    resumed_tiles=resumed,
                    spawn_position=spawn_position,
                    spawn_rotation=spawn_rotation,
                )
            )
        )
        await self._remove(gone, pb.TILE_REMOVAL_REASON_DELETED)

        def on_world(grown: LoadedWorld) -> None:  # on the growing thread
            loop.call_soon_threadsafe(self.queue.put_nowait, _WorldEvent(grown))

        unwatch = self.shared.worlds.watch(self.loaded.record.id, on_world)
        reader = asyncio.create_task(_read_requests(self.context, self.queue))
        try:
            await self._loop(loop)
        finally:
            reader.cancel()
            unwatch()

    async def _loop(self, loop: asyncio.AbstractEventLoop) -> None:
        session = self.session
        while True:
            # Apply everything that has arrived before choosing what to send.
            while not self.queue.empty():
                if not await self._apply(self.queue.get_nowait(), loop):
                    return
            self._commit_view()
            if self.generate and not self.planning and self.planned < session.sequence:
                self._start_plan(loop)
            status = session.status_if_changed() if self._planned_current() else None
            if status is not None:
                await self._write(
                    pb.ExploreResponse(
                        view_status=pb.ViewStatus(
                            sequence=status.sequence,
                            complete=status.complete,
                            pending_tiles=status.pending_tiles,
                            resident_splats=status.resident_splats,
                            pending_generation=status.pending_generation,
                        )
                    )
                )
            send = session.next_send()
            if send is None:
                # Nothing to send until the client or a job says something.
                if not await self._apply(await self.queue.get(), loop):
                    return
                continue
            await self._send_many(send)

    def _commit_view(self) -> None:
        if self.latest_view is None:
            return
        camera, sequence, velocity = self.latest_view
        self.latest_view = None
        self.poses.append(TimedPose(time.monotonic(), camera))
        self.blocking.clear()
        self.session.set_view(camera, sequence, velocity)
        self.session.pending_generation = 0

    def _planned_current(self) -> bool:
        # Without generation there is nothing to plan; with it, a view is not reported before
        # its coverage is known, so "complete" never precedes the job that would fill it.
        return not self.generate or self.planned >= self.session.sequence

    async def _apply(self, item, loop) -> bool:
        """Apply one queued item; False when the client has closed its side."""
        if item is _EOF:
            return False
        if isinstance(item, _JobEvent):
            await self._on_job(item.job)
        elif isinstance(item, _WorldEvent):
            await self._on_world(item.loaded)
        elif isinstance(item, _PlanDone):
            self._on_plan(item, loop)
        elif isinstance(item, _Say):
            await self._write(item.response)
        else:
            warning = self._apply_request(item)
            if warning is not None:
                await self._write(warning)
        return True

    def _apply_request(self, request: pb.ExploreRequest) -> pb.ExploreResponse | None:
        """Apply one request; a warning response when it was wrong but the stream can go on."""
        session = self.session
        kind = request.WhichOneof("request")
        if kind == "view":
            view = request.view
            try:
                camera = convert.view_to_camera(view, self.frame)
            except InvalidArgument as exc:
                return _warning(exc.reason, exc.message, sequence=view.sequence)
            velocity = points_from_engine(
                np.array([view.velocity.x, view.velocity.y, view.velocity.z]), self.frame
            )
            if not np.all(np.isfinite(velocity)):
                velocity = np.zeros(3)
            # Applied once the queue is drained: of views that arrived together only the latest
            # matters, and planning each one would let a fast client outrun the server.
            self.latest_view = (camera, view.sequence, velocity)
        elif kind == "ack":
            if not session.on_ack(request.ack.bytes):
                return _warning(
                    "ACK_EXCEEDS_SENT",
                    f"ack of {request.ack.bytes} bytes exceeds the bytes in flight; clamped",
                )
        elif kind == "start":
            return _warning("DUPLICATE_START", "the stream has started; a second start is ignored")
        else:
            return _warning("EMPTY_REQUEST", "an Explore request with no content was ignored")
        return None

    # -- generation on demand ----------------------------------------------------------------

    def _start_plan(self, loop: asyncio.AbstractEventLoop) -> None:
        """Check, off the event loop, whether the view and the views ahead are covered, and ask
        for generation where they are not. One plan at a time, always for the latest view."""
        self.planning = True
        sequence = self.session.sequence
        poses = list(self.poses)
        memory = self.loaded.memory
        world_id = self.loaded.record.id
        jobs = self.shared.jobs
        settings = self.plan_settings

        def work() -> _PlanDone:
            proposals = plan(poses, lambda camera: 1.0 - memory.coverage(camera), settings)
            here = region_of(poses[-1].camera, settings)
            started, blocking = [], []
            for proposal in proposals:
                job, _ = jobs.submit(world_id, proposal.region, [proposal.camera])
                started.append(job)
                if proposal.region == here:
                    blocking.append(job.id)
            return _PlanDone(sequence, started, blocking)

        async def run() -> None:
            try:
                done = await self.shared.run_io(work)
            except Exception as exc:  # a plan that fails must not end the stream
                warning = _warning("PLAN_FAILED", f"camera planning failed: {exc}")
                await self.queue.put(_Say(warning))
                done = _PlanDone(sequence, [], [])
            await self.queue.put(done)

        loop.create_task(run())

    def _on_plan(self, done: _PlanDone, loop: asyncio.AbstractEventLoop) -> None:
        self.planning = False
        self.planned = max(self.planned, done.sequence)
        for job in done.jobs:
            if job.id in self.seen_jobs:
                continue
            # A job that ended before this stream listened is still heard once (listen calls at
            # once): its end, or its failure, is news to this client.
            self.seen_jobs.add(job.id)
            self.waiting[job.id] = job
            job.listen(lambda j: loop.call_soon_threadsafe(self.queue.put_nowait, _JobEvent(j)))
        if done.sequence == self.session.sequence:
            # A job that has ended still blocks until this stream has handled its end, so the
            # client hears of it (a failure warning) before the view is called complete.
            self.blocking = {i for i in done.blocking if i in self.waiting}
            self._update_pending_generation()

    def _update_pending_generation(self) -> None:
        # The session reports a change of pending_generation as a new status by itself.
        self.session.pending_generation = len(self.blocking)

    async def _on_job(self, job: Job) -> None:
        if job.id not in self.waiting:
            return
        ended = job.done.is_set()
        progress = pb.Progress(stage=job.state, fraction=job.fraction, message=job.message)
        await self._write(
            pb.ExploreResponse(generation=pb.GenerationProgress(job=str(job.id), progress=progress))
        )
        if not ended:
            return
        del self.waiting[job.id]
        self.blocking.discard(job.id)
        if job.state == "failed":
            await self._write(
                _warning(
                    "GENERATION_FAILED",
                    f"generating views for region {job.region} failed: {job.error}",
                    job=job.id,
                )
            )
        self._update_pending_generation()
        # The world may now cover the view: plan it again.
        self.planned = min(self.planned, self.session.sequence - 1)

    async def _on_world(self, grown: LoadedWorld) -> None:
        if grown.version <= self.loaded.version:
            return
        self.loaded = grown
        gone = self.session.set_cells(grown.cells)
        await self._remove(gone, pb.TILE_REMOVAL_REASON_DELETED)
        self.planned = min(self.planned, self.session.sequence - 1)

    # -- sending -----------------------------------------------------------------------------

    async def _remove(self, keys, reason) -> None:
        for key in keys:
            removal = pb.TileRemoval(key=convert.tile_key_to_proto(key), reason=reason)
            await self._write(pb.ExploreResponse(tile_removal=removal))

    def _payload_key(self, send: Send) -> tuple:
        record = self.loaded.record
        return (
            record.id,
            record.create_time,
            send.key,
            send.cell.version,
            self.frame,
            self.encoding,
        )

    def _estimate_bytes(self, level) -> int:
        """A payload's size before it is encoded (credit and batch accounting are corrected to
        the real size once it is): generous, so a batch rarely overshoots."""
        coefficients = int(level.arrays["sh"].shape[1])
        per_splat = 4 * (11 + 3 * coefficients) if self.encoding is Encoding.RAW_F32 else 16
        return 256 + level.count * per_splat

    async def _send_many(self, first: Send) -> None:
        """Send `first` and what the session picks after it, up to about one chunk's worth of
        bytes, as few messages as the protocol allows: small whole tiles share a TileBatch,
        removals and colliders keep their place in the order."""
        session, payloads = self.session, self.shared.payloads
        budget = self.shared.config.tile_chunk_bytes
        picked: list[tuple[Send, tuple, bytes | None, int, Held | None]] = []
        estimated = 0
        send: Send | None = first
        while send is not None:
            level = send.cell.levels[send.lod]
            key = self._payload_key(send)
            payload = payloads.peek(key)
            size = len(payload) if payload is not None else self._estimate_bytes(level)
            held_before = session.held.get(send.cell.key)
            session.on_sent(send, size)
            picked.append((send, key, payload, size, held_before))
            estimated += size
            if estimated >= budget:
                break
            send = session.next_send()
        missing = [(s, k) for s, k, payload, _, _ in picked if payload is None]
        if missing:
            made = await self.shared.run_io(self._encode_all, missing)
        items: list[pb.TileChunk | pb.ExploreResponse] = []
        for send, key, payload, size, held_before in picked:
            if payload is None:
                payload = made[key]
                session.in_flight_bytes += len(payload) - size
            for evicted in send.evict:
                removal = pb.TileRemoval(
                    key=convert.tile_key_to_proto(evicted), reason=pb.TILE_REMOVAL_REASON_BUDGET
                )
                items.append(pb.ExploreResponse(tile_removal=removal))
            items.extend(self._tile_chunks(send, payload))
            collider = self.colliders.get(send.cell.key)
            # A cell's collider goes once per version, not once per level of detail.
            if collider is not None and (
                held_before is None or held_before.version != send.cell.version
            ):
                items.extend(self._collider_messages(send, collider))
        await self._write_packed(items)

    def _encode_all(self, sends: list[tuple[Send, tuple]]) -> dict[tuple, bytes]:
        """Encode the payloads a batch lacks, in one trip to the I/O pool."""
        made = {}
        for send, key in sends:
            level = send.cell.levels[send.lod]

            def make(level=level, cell=send.cell) -> bytes:
                return encode_arrays(level.arrays, cell.box_min, self.frame, self.encoding)

            made[key] = self.shared.payloads.get(key, make)
        return made

    def _tile_chunks(self, send: Send, payload: bytes) -> list[pb.TileChunk]:
        level = send.cell.levels[send.lod]
        chunks = split(payload, self.shared.config.tile_chunk_bytes)
        proto_key = convert.tile_key_to_proto(send.key)
        error = level.geometric_error * self.units
        return [
            pb.TileChunk(
                key=proto_key,
                version=send.cell.version,
                encoding=self.encoding.value,
                chunk_index=index,
                chunk_count=len(chunks),
                splat_count=level.count,
                payload_bytes=len(payload),
                data=data,
                geometric_error=error,
            )
            for index, data in enumerate(chunks)
        ]

    async def _write_packed(self, items: list) -> None:
        """Write in order; runs of tile chunks go as TileBatch messages of at most one chunk's
        bytes (a lone chunk as itself)."""
        limit = self.shared.config.tile_chunk_bytes
        run: list[pb.TileChunk] = []
        run_bytes = 0

        async def flush() -> None:
            nonlocal run, run_bytes
            if len(run) == 1:
                await self._write(pb.ExploreResponse(tile_chunk=run[0]))
            elif run:
                await self._write(pb.ExploreResponse(tile_batch=pb.TileBatch(chunks=run)))
            run, run_bytes = [], 0

        for item in items:
            if isinstance(item, pb.TileChunk):
                if run and run_bytes + len(item.data) > limit:
                    await flush()
                run.append(item)
                run_bytes += len(item.data)
            else:
                await flush()
                await self._write(item)
        await flush()

    def _collider_messages(self, send: Send, collider) -> list[pb.ExploreResponse]:
        cell = send.cell
        payload = encode_collider(collider.vertices, collider.triangles, cell.box_min, self.frame)
        chunks = split(payload, self.shared.config.tile_chunk_bytes)
        return [
            pb.ExploreResponse(
                collider_chunk=pb.ColliderChunk(
                    key=convert.tile_key_to_proto(cell.key),
                    version=send.cell.version,
                    chunk_index=index,
                    chunk_count=len(chunks),
                    triangle_count=len(collider.triangles),
                    payload_bytes=len(payload),
                    data=data,
                )
            )
            for index, data in enumerate(chunks)
        ]
