"""The Explore stream: read the client's start, views and acks; send tiles as its view needs them;
ask for generation where the view ahead is not covered yet (`explore_generation.py`).

One reader task moves requests into an inbox (`explore_inbox.py`), which also receives the
stream's own events (generation progress, the world growing, a finished coverage plan); the
handler alternates between applying them and sending the next tile the session picks, so a slow
client (no acks) stops the sending, not the reading. The inbox holds a bounded number of
requests: a client that sends faster than the stream applies is held back by flow control.
Problems with one message are warnings; only a broken start ends the stream.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import grpc

from worldstream.api import convert
from worldstream.api.config import ServerConfig
from worldstream.api.errors import abort
from worldstream.api.explore_generation import GenerationFollower, JobEvent, PlanDone, Say
from worldstream.api.explore_inbox import StreamInbox
from worldstream.api.explore_start import chosen_encoding, session_limits, warning
from worldstream.api.ratelimit import RateLimiter
from worldstream.api.send_gate import Priority, SendGate
from worldstream.api.tile_messages import TileMessages, packed
from worldstream.api.wire import TileWire
from worldstream.errors import DeadlineExceeded, InvalidArgument, WorldStreamError
from worldstream.geometry.engine import EngineFrame
from worldstream.session.explore import ExploreSession, Send, SessionLimits, ViewStatusEvent
from worldstream.store.catalog import instance_gone
from worldstream.tiles.encode import Encoding
from worldstream.tiles.payloads import PayloadCache
from worldstream.v1 import worldstream_pb2 as pb
from worldstream.world.jobs import GenerationJobs
from worldstream.world.worlds import LoadedWorld, Worlds

_EOF = object()
_WAKE = object()  # a deferred view may be applied now
# Payload bytes one stream sends before it looks at its queue again and lets the other streams
# of the event loop run: a camera update waits at most this long behind the stream's own
# sending, and 32 streams' turns stay short.
TURN_BYTES = 256 * 1024
# The first turn after a view shows cells the client lacks: one small message, so that every
# stream's first new tile goes out before any stream's bulk.
FIRST_TURN_BYTES = 32 * 1024
# Streams writing at once (send_gate.py).
SEND_SLOTS = 2
# A turn that has not finished writing after this long (its client reads slowly, or not at all)
# gives its slot to the next stream and finishes without it.
SLOT_HOLD_S = 0.05


@dataclass(frozen=True)
class Shared:
    """What every Explore stream of a server shares."""

    worlds: Worlds
    config: ServerConfig
    run_io: Callable[..., Awaitable]
    jobs: GenerationJobs
    payloads: PayloadCache
    gate: SendGate = field(default_factory=lambda: SendGate(SEND_SLOTS))


@dataclass(frozen=True)
class _WorldEvent:
    loaded: LoadedWorld


@dataclass(frozen=True)
class _Deleted:
    """The stream's world instance was deleted: the stream ends with WORLD_DELETED."""


@dataclass(frozen=True)
class _CollidersEvent:
    version: int  # of the world they were built for
    colliders: dict


@dataclass(frozen=True)
class _Broken:
    """A request that could not be read (not an ExploreRequest): the stream ends with it."""

    error: WorldStreamError


async def _read_requests(context: grpc.aio.ServicerContext, queue: StreamInbox) -> None:
    """Move the client's requests into the stream's inbox; waits (and so stops reading, which
    holds the client back) while the inbox holds its fill of requests."""
    try:
        while True:
            request = await context.read()
            if request is grpc.aio.EOF:
                break
            if request.WhichOneof("request") == "start":
                # A second start is only warned about: none of it is kept (its manifest may be
                # as large as the transport allows).
                request = pb.ExploreRequest(start=pb.ExploreStart())
            await queue.put_request(request, request.ByteSize())
    except WorldStreamError as exc:  # the deserializer's MALFORMED_REQUEST
        await queue.put(_Broken(exc))
    finally:
        await queue.put(_EOF)


async def _read_start(context: grpc.aio.ServicerContext, timeout_s: float):
    """The first request, or START_TIMEOUT: a stream holds a session slot from its opening."""
    try:
        return await asyncio.wait_for(context.read(), timeout_s)
    except TimeoutError:
        raise DeadlineExceeded(
            "START_TIMEOUT",
            f"no start within {timeout_s:g} s of opening the stream",
            timeout_s=f"{timeout_s:g}",
        ) from None


async def explore(shared: Shared, context: grpc.aio.ServicerContext) -> None:
    config = shared.config
    try:
        first = await _read_start(context, config.explore_start_timeout_s)
        if first is grpc.aio.EOF:
            return
        if first.WhichOneof("request") != "start":
            raise InvalidArgument("START_REQUIRED", "the first Explore request must be `start`")
        start = first.start
        world_id = convert.world_id_from_name(start.world, "start.world")
        frame = convert.engine_frame(start.engine_frame, "start.engine_frame")
        limits = session_limits(start, config)
        encoding = chosen_encoding(start)
        manifest = held_manifest(start.held_tiles)
        loaded = await shared.run_io(shared.worlds.load, world_id)
        foreign: list = []
        if manifest and start.world_uid != loaded.record.uid:
            # Tiles of another instance of this id (deleted since), or of unknown origin: the
            # client must drop them all; none can stand for this world's.
            foreign, manifest = sorted(manifest), {}
        # Built on first use for the world (seconds), then read from its cache.
        colliders = None
        if start.colliders:
            colliders = await shared.run_io(shared.worlds.colliders, loaded)
    except WorldStreamError as exc:
        await abort(context, exc)
        return
    generate = config.generate_on_demand and not start.no_generation
    stream = _Stream(shared, context, loaded, frame, encoding, colliders, generate)
    await stream.run(limits, manifest, start.engine_frame, foreign)


def held_manifest(held_tiles) -> dict:
    """The start's held tiles as the session reads them: key -> (version, splat count)."""
    manifest = {}
    for index, held in enumerate(held_tiles):
        if held.splat_count < 0:
            raise InvalidArgument(
                "INVALID_HELD_TILE",
                f"held_tiles[{index}].splat_count is negative ({held.splat_count})",
                field=f"held_tiles[{index}].splat_count",
            )
        manifest[convert.tile_key(held.key)] = (held.version, held.splat_count)
    return manifest


class _Stream:
    def __init__(
        self, shared: Shared, context, loaded: LoadedWorld, frame, encoding, colliders, generate
    ):
        self.shared = shared
        self.context = context
        self.loaded = loaded
        self.frame: EngineFrame = frame
        self.encoding: Encoding = encoding
        self.want_colliders = colliders is not None
        self.colliders = colliders or {}
        self.collider_sent: dict = {}  # cell key -> the version whose collider the client has
        self.messages = TileMessages(
            loaded.record.id,
            loaded.record.dir_name,
            frame,
            encoding,
            shared.config.tile_chunk_bytes,
        )
        # Of the world's growth only the newest version matters to the stream.
        self.queue = StreamInbox(latest_only=(_WorldEvent,))
        self.generation = GenerationFollower(generate, shared.jobs, shared.run_io, self.queue)
        self.latest_view = None
        self.view_rate = RateLimiter(shared.config.max_view_updates_per_s)
        self.wake_pending = False
        self.slot: asyncio.Future | None = None  # a request for a sending slot
        self.slot_priority = Priority.BULK
        self.answered = -1  # the latest view whose first urgent tile has been sent
        self.closed = False  # the client has half-closed: no view or ack will come
        self.last_status: ViewStatusEvent | None = None  # the latest ViewStatus written
        self.stall_said = -1  # the latest view a stall warning was said for
        self.generation_at_close = (False, 0)  # (generating, jobs the view waited for)
        self.status_is_last = False  # ...and nothing written after it

    async def _write(self, response: pb.ExploreResponse) -> None:
        self.status_is_last = False
        await self.context.write(response)

    async def run(self, limits: SessionLimits, manifest, frame_number: int, foreign) -> None:
        loop = asyncio.get_running_loop()
        margin = 0.25 * self.loaded.record.tile_size_m
        session, resumed, gone = ExploreSession.resume(
            self.loaded.cells, limits, margin, manifest, self.loaded.version
        )
        self.session = session
        # A client that resumes with colliders on holds the colliders of its current tiles.
        self.collider_sent = {key: held.version for key, held in session.held.items()}
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
        await self._remove([*foreign, *gone], pb.TILE_REMOVAL_REASON_DELETED)

        def on_world(grown: LoadedWorld | None) -> None:  # on the growing or deleting thread
            event = _Deleted() if grown is None else _WorldEvent(grown)
            loop.call_soon_threadsafe(self.queue.put_nowait, event)

        unwatch = self.shared.worlds.watch(self.loaded.record, on_world)
        try:
            # Deleted between the load and the watch: the watch would never hear of it.
            await self.shared.run_io(self.shared.worlds.check_current, self.loaded.record)
        except WorldStreamError as exc:
            unwatch()
            await abort(self.context, exc)
            return
        reader = asyncio.create_task(_read_requests(self.context, self.queue))
        try:
            await self._loop(loop)
        finally:
            self._drop_slot()
            reader.cancel()
            unwatch()
            self.generation.close()  # queued jobs no other stream wants are cancelled

    async def _loop(self, loop: asyncio.AbstractEventLoop) -> None:
        session = self.session
        while True:
            # Apply everything that has arrived before choosing what to send.
            while not self.queue.empty():
                if not await self._apply(self.queue.get_nowait(), loop):
                    return
            if not self._commit_view(loop) and self.view_rate.should_warn():
                limit = self.shared.config.max_view_updates_per_s
                await self._write(
                    warning(
                        "VIEW_RATE_LIMITED",
                        f"views arrive faster than {limit:g} a second; the latest is applied "
                        "when the rate allows",
                        limit=f"{limit:g}",
                    )
                )
            self.generation.maybe_plan(session.sequence, self.loaded)
            current = self.generation.is_current(session.sequence)
            status = session.status_if_changed() if current else None
            if status is not None:
                await self._write_status(status)
            if self.closed and self.latest_view is None:  # its last view is applied
                # A half-close is how a client leaves: it ends at once, its last word the view
                # as it stands. Tiles sent to a client on its way out would take the server's
                # sending from those that stay (64 clients leaving every few seconds: 1.6 M
                # splats/s delivered instead of 6 M, bench/RESULTS.md).
                await self._end_after_close()
                return
            send = session.next_send()
            if send is None:
                # Nothing to send until the client or a job says something.
                self._drop_slot()
                if current:
                    await self._say_stall()
                if not await self._apply(await self.queue.get(), loop):
                    return
                continue
            priority = self._priority(send)
            if self.slot is not None and not self.slot.done() and priority < self.slot_priority:
                self._drop_slot()  # ask again, ahead of less pressing streams
            if self.slot is None:
                self.slot, self.slot_priority = self.shared.gate.request(priority), priority
            if not self.slot.done():
                # Wait for a slot or for the client, whichever comes first.
                if not await self._wait_for_slot(loop):
                    return
                continue
            await self._turn(send, priority)

    async def _write_status(self, status: ViewStatusEvent) -> None:
        self.last_status = status
        await self._write(
            pb.ExploreResponse(
                view_status=pb.ViewStatus(
                    sequence=status.sequence,
                    complete=status.complete,
                    pending_tiles=status.pending_tiles,
                    resident_splats=status.resident_splats,
                    pending_generation=status.pending_generation,
                    world_version=status.world_version,
                )
            )
        )
        self.status_is_last = True

    async def _say_stall(self) -> None:
        """A view that is not complete with nothing to send and nothing to wait for (credit,
        generation) is said once, so no stall is silent: the budget cannot hold the view."""
        stall = self.session.stall()
        if stall is None or self.stall_said == stall.sequence:
            return
        self.stall_said = stall.sequence
        if stall.left_out:
            await self._write(
                warning(
                    "VIEW_OVER_BUDGET",
                    f"the view needs {stall.need} splats at its coarsest levels; the splat budget "
                    f"is {stall.budget}: {stall.left_out} visible cells are not sent and the view "
                    "cannot be complete",
                    sequence=stall.sequence,
                    need=stall.need,
                    budget=stall.budget,
                    left_out=stall.left_out,
                )
            )
        else:
            await self._write(
                warning(
                    "VIEW_STALLED",
                    "the view is not complete and nothing more can be sent (a scheduler fault)",
                    sequence=stall.sequence,
                    budget=stall.budget,
                )
            )

    async def _end_after_close(self) -> None:
        """The stream's end after a half-close, with OK: its last message is the ViewStatus of
        the latest view as it stands (complete, or the tiles still pending), so a client can
        tell whether its view was delivered."""
        session = self.session
        if session.sequence < 0:
            return
        final = session.status()
        was_on, blocking = self.generation_at_close
        if was_on and (blocking or self.generation.planned < session.sequence):
            # The view waited for generation, or its coverage was never checked: what the
            # client holds is not the view a player would see there.
            final = dataclasses.replace(final, complete=False)
        if not (self.status_is_last and final == self.last_status):
            await self._write_status(final)

    def _priority(self, send: Send) -> Priority:
        if not send.urgent:
            return Priority.BULK
        return Priority.FIRST if self.answered < self.session.sequence else Priority.URGENT

    async def _turn(self, send: Send, priority: Priority) -> None:
        """One turn of sending with a slot held: the slot goes back when the turn is written,
        or after SLOT_HOLD_S if the client is slow to read, so it cannot hold up the others."""
        if priority == Priority.FIRST:
            self.answered = self.session.sequence
        turn = asyncio.ensure_future(self._send_many(send, priority))
        try:
            await asyncio.wait({turn}, timeout=SLOT_HOLD_S)
        except BaseException:
            turn.cancel()
            raise
        finally:
            self._drop_slot()
        await turn

    def _drop_slot(self) -> None:
        if self.slot is not None:
            self.shared.gate.withdraw(self.slot)
            self.slot = None

    async def _wait_for_slot(self, loop: asyncio.AbstractEventLoop) -> bool:
        getter = asyncio.ensure_future(self.queue.get())
        assert self.slot is not None
        done, _ = await asyncio.wait({getter, self.slot}, return_when=asyncio.FIRST_COMPLETED)
        if getter in done:
            return await self._apply(getter.result(), loop)
        getter.cancel()  # a get that has not completed leaves its item in the queue
        return True

    def _commit_view(self, loop: asyncio.AbstractEventLoop) -> bool:
        """Apply the latest view; False when the rate limit defers it (a wake-up is queued)."""
        if self.latest_view is None:
            return True
        if not self.view_rate.allow():
            if not self.wake_pending:
                self.wake_pending = True
                delay = self.view_rate.seconds_until_allowed()
                loop.call_later(delay, self.queue.put_nowait, _WAKE)
            return False
        camera, sequence, velocity = self.latest_view
        self.latest_view = None
        self.generation.on_view(camera)
        self.session.set_view(camera, sequence, velocity)
        self._sync_pending_generation()
        return True

    def _sync_pending_generation(self) -> None:
        # The session reports a change of pending_generation as a new status by itself.
        self.session.pending_generation = self.generation.pending

    async def _apply(self, item, loop) -> bool:
        """Apply one queued item; False when the stream ends (a broken request, the world
        deleted)."""
        if item is _EOF:
            # A half-close: the client will send nothing more. Its latest view is applied, and
            # the stream ends with that view's status (`_loop`).
            self.closed = True
            # Whether generation could still have changed the view: stopping it gives its jobs
            # back, but does not make the view covered.
            self.generation_at_close = (self.generation.enabled, self.generation.pending)
            self.generation.stop()
            self._sync_pending_generation()
            return True
        if item is _WAKE:
            self.wake_pending = False
            return True
        if isinstance(item, _Broken):
            await abort(self.context, item.error)
            return False
        if isinstance(item, _Deleted):
            # Nothing of a deleted world is sent again: not its tiles, and no generation for it.
            await abort(self.context, instance_gone(self.loaded.record))
            return False
        if isinstance(item, JobEvent):
            said = self.generation.on_job(item.job, self.session.sequence)
            self._sync_pending_generation()
            for response in said:
                await self._write(response)
        elif isinstance(item, _WorldEvent):
            await self._on_world(item.loaded)
        elif isinstance(item, PlanDone):
            self.generation.on_plan(item, self.session.sequence)
            self._sync_pending_generation()
        elif isinstance(item, Say):
            await self._write(item.response)
        elif isinstance(item, _CollidersEvent):
            await self._on_colliders(item)
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
            # The latest view taken, applied or waiting for the rate limit (-1: none yet).
            latest = self.session.sequence if self.latest_view is None else self.latest_view[1]
            if view.sequence <= latest:
                # An old view arriving late (or a client that restarted its count) must not
                # undo a newer one; the ViewStatus it would get could not be told apart.
                said = f"after view {latest}" if latest >= 0 else "at least 0 (the first view)"
                return warning(
                    "VIEW_SEQUENCE_NOT_INCREASING",
                    f"view {view.sequence} is ignored: a view's sequence must be {said}",
                    sequence=view.sequence,
                    latest=latest,
                )
            try:
                camera, velocity = convert.view_from_proto(view, self.frame)
            except InvalidArgument as exc:
                return warning(exc.reason, exc.message, sequence=view.sequence)
            # Applied once the queue is drained: of views that arrived together only the latest
            # matters, and planning each one would let a fast client outrun the server.
            self.latest_view = (camera, view.sequence, velocity)
        elif kind == "ack":
            if not session.on_ack(request.ack.bytes):
                return warning(
                    "ACK_EXCEEDS_SENT",
                    f"ack of {request.ack.bytes} bytes exceeds the bytes in flight; clamped",
                )
        elif kind == "start":
            return warning("DUPLICATE_START", "the stream has started; a second start is ignored")
        else:
            return warning("EMPTY_REQUEST", "an Explore request with no content was ignored")
        return None

    async def _on_world(self, grown: LoadedWorld) -> None:
        if grown.version <= self.loaded.version:
            return
        self.loaded = grown
        gone = self.session.set_cells(grown.cells, grown.version)
        await self._remove(gone, pb.TILE_REMOVAL_REASON_DELETED)
        self.generation.replan(self.session.sequence)
        if self.want_colliders:
            self._start_colliders(grown)

    def _start_colliders(self, grown: LoadedWorld) -> None:
        """Build the grown world's colliders off the event loop (seconds: a surface is fused
        from every frame); tiles stream meanwhile, and their colliders follow."""

        async def run() -> None:
            try:
                colliders = await self.shared.run_io(self.shared.worlds.colliders, grown)
            except Exception as exc:  # a collider problem must not end the stream
                said = warning("COLLIDERS_FAILED", f"building colliders failed: {exc}")
                await self.queue.put(Say(said))
                return
            await self.queue.put(_CollidersEvent(grown.version, colliders))

        asyncio.get_running_loop().create_task(run())

    async def _on_colliders(self, event: _CollidersEvent) -> None:
        if event.version != self.loaded.version:
            return  # the world grew again; that version's colliders are on their way
        self.colliders = event.colliders
        items = []
        for key, held in self.session.held.items():
            cell = self.loaded.cells.get(key)
            if cell is not None and held.version == cell.version:
                items.extend(self._collider_if_new(cell))
        await self._write_packed(items)

    # -- sending -----------------------------------------------------------------------------

    async def _remove(self, keys, reason) -> None:
        for key in keys:
            removal = pb.TileRemoval(key=convert.tile_key_to_proto(key), reason=reason)
            await self._write(pb.ExploreResponse(tile_removal=removal))

    async def _send_many(self, first: Send, priority: Priority) -> None:
        """Send `first` and what the session picks after it, up to about TURN_BYTES (an urgent
        turn: only urgent tiles), as few messages as the protocol allows: small whole tiles
        share a TileBatch, removals and colliders keep their place in the order."""
        session, payloads = self.session, self.shared.payloads
        urgent = priority != Priority.BULK
        turn_bytes = FIRST_TURN_BYTES if priority == Priority.FIRST else TURN_BYTES
        budget = min(turn_bytes, self.shared.config.tile_chunk_bytes)
        picked: list[tuple[Send, tuple, TileWire | None, int]] = []
        estimated = 0
        send: Send | None = first
        while send is not None:
            key = self.messages.payload_key(send)
            wire = payloads.peek(key)
            if wire is not None:
                size = wire.payload_bytes
            else:
                size = self.messages.estimate_bytes(send.cell.levels[send.lod])
            session.on_sent(send, size)
            picked.append((send, key, wire, size))
            estimated += size
            if estimated >= budget:
                break
            send = session.next_send()
            if urgent and send is not None and not send.urgent:
                break  # the rest waits for a turn at bulk priority
        missing = [(s, k) for s, k, wire, _ in picked if wire is None]
        if missing:
            made = await self.shared.run_io(self._encode_all, missing)
        items: list[TileWire | pb.ExploreResponse] = []
        for send, key, wire, size in picked:
            if wire is None:
                wire = made[key]
                session.in_flight_bytes += wire.payload_bytes - size
            for evicted in send.evict:
                removal = pb.TileRemoval(
                    key=convert.tile_key_to_proto(evicted), reason=pb.TILE_REMOVAL_REASON_BUDGET
                )
                items.append(pb.ExploreResponse(tile_removal=removal))
            items.append(wire)
            items.extend(self._collider_if_new(send.cell))
        await self._write_packed(items)

    def _collider_if_new(self, cell) -> list[pb.ExploreResponse]:
        """The cell's collider unless the client has it at this version: a collider goes once
        per cell version, not once per level of detail."""
        collider = self.colliders.get(cell.key)
        if collider is None or self.collider_sent.get(cell.key) == cell.version:
            return []
        self.collider_sent[cell.key] = cell.version
        return self.messages.collider(cell, collider)

    async def _write_packed(self, items: list) -> None:
        for message in packed(items, self.messages.chunk_bytes):
            await self._write(message)

    def _encode_all(self, sends: list[tuple[Send, tuple]]) -> dict[tuple, TileWire]:
        """Encode and serialize the tiles a turn lacks, in one trip to the I/O pool."""
        messages, payloads = self.messages, self.shared.payloads
        return {key: payloads.get(key, lambda s=send: messages.wire(s)) for send, key in sends}
