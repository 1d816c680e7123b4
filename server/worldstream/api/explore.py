"""The Explore stream: read the client's start, views and acks; send tiles as its view needs them.

One reader task moves requests into a queue; the handler alternates between applying them and
sending the next tile the session picks, so a slow client (no acks) stops the sending, not the
reading. Problems with one message are warnings; only a broken start ends the stream.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import grpc

from worldstream.api import convert
from worldstream.api.config import ServerConfig
from worldstream.api.errors import abort
from worldstream.errors import InvalidArgument, WorldStreamError
from worldstream.session.explore import ExploreSession, SessionLimits
from worldstream.tiles.chunks import split
from worldstream.tiles.collider import encode_collider
from worldstream.tiles.encode import encode_tile_raw
from worldstream.v1 import worldstream_pb2 as pb
from worldstream.world.worlds import Worlds

_EOF = object()


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
    encodings = list(start.encodings) or [pb.TILE_ENCODING_RAW_F32]
    if pb.TILE_ENCODING_RAW_F32 not in encodings:
        raise InvalidArgument(
            "NO_SUPPORTED_ENCODING", "the client accepts no encoding this server writes (RAW_F32)"
        )
    return SessionLimits(
        start.splat_budget or cfg.default_splat_budget,
        start.credit_bytes or cfg.default_credit_bytes,
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


async def explore(
    worlds: Worlds,
    config: ServerConfig,
    run_io: Callable[..., Awaitable],
    context: grpc.aio.ServicerContext,
) -> None:
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
        manifest = {convert.tile_key(h.key): h.version for h in start.held_tiles}
        loaded = await run_io(worlds.load, world_id)
        # Built on first use for the world (seconds), then read from its cache.
        colliders = await run_io(worlds.colliders, loaded) if start.colliders else {}
    except WorldStreamError as exc:
        await abort(context, exc)
        return

    margin = 0.25 * loaded.record.tile_size_m
    session, resumed, gone = ExploreSession.resume(loaded.tiles, limits, margin, manifest)
    spawn_position, spawn_rotation = convert.spawn_in_frame(loaded.record, frame)
    await context.write(
        pb.ExploreResponse(
            header=pb.ExploreHeader(
                world=convert.world_to_proto(loaded.record),
                engine_frame=start.engine_frame,
                encoding=pb.TILE_ENCODING_RAW_F32,
                splat_budget=limits.splat_budget,
                credit_bytes=limits.credit_bytes,
                max_chunk_bytes=config.tile_chunk_bytes,
                resumed_tiles=resumed,
                spawn_position=spawn_position,
                spawn_rotation=spawn_rotation,
            )
        )
    )
    for key in gone:
        removal = pb.TileRemoval(
            key=convert.tile_key_to_proto(key), reason=pb.TILE_REMOVAL_REASON_DELETED
        )
        await context.write(pb.ExploreResponse(tile_removal=removal))

    queue: asyncio.Queue = asyncio.Queue()
    reader = asyncio.create_task(_read_requests(context, queue))
    try:
        while True:
            # Apply every request that has arrived before choosing what to send.
            while not queue.empty():
                request = queue.get_nowait()
                if request is _EOF:
                    return
                warning = _apply(session, request, frame)
                if warning is not None:
                    await context.write(warning)
            status = session.status_if_changed()
            if status is not None:
                await context.write(
                    pb.ExploreResponse(
                        view_status=pb.ViewStatus(
                            sequence=status.sequence,
                            complete=status.complete,
                            pending_tiles=status.pending_tiles,
                            resident_splats=status.resident_splats,
                        )
                    )
                )
            tile = session.next_tile()
            if tile is None:
                request = await queue.get()  # nothing to send until the client says something
                if request is _EOF:
                    return
                queue.put_nowait(request)  # keep order: applied at the top of the loop
                continue
            for key in session.evictions(tile):
                session.drop(key)
                removal = pb.TileRemoval(
                    key=convert.tile_key_to_proto(key), reason=pb.TILE_REMOVAL_REASON_BUDGET
                )
                await context.write(pb.ExploreResponse(tile_removal=removal))
            payload = await run_io(encode_tile_raw, loaded.gaussians, tile, frame)
            chunks = split(payload, config.tile_chunk_bytes)
            for index, data in enumerate(chunks):
                chunk = pb.TileChunk(
                    key=convert.tile_key_to_proto(tile.key),
                    version=tile.version,
                    encoding=pb.TILE_ENCODING_RAW_F32,
                    chunk_index=index,
                    chunk_count=len(chunks),
                    splat_count=tile.splat_count,
                    payload_bytes=len(payload),
                    data=data,
                )
                await context.write(pb.ExploreResponse(tile_chunk=chunk))
            session.on_sent(tile, len(payload))
            collider = colliders.get(tile.key)
            if collider is not None:
                await _send_collider(context, tile, collider, frame, config.tile_chunk_bytes)
    finally:
        reader.cancel()


async def _send_collider(context, tile, collider, frame, max_chunk_bytes: int) -> None:
    payload = encode_collider(collider.vertices, collider.triangles, tile.box_min, frame)
    chunks = split(payload, max_chunk_bytes)
    for index, data in enumerate(chunks):
        chunk = pb.ColliderChunk(
            key=convert.tile_key_to_proto(tile.key),
            version=tile.version,
            chunk_index=index,
            chunk_count=len(chunks),
            triangle_count=len(collider.triangles),
            payload_bytes=len(payload),
            data=data,
        )
        await context.write(pb.ExploreResponse(collider_chunk=chunk))


def _apply(session: ExploreSession, request: pb.ExploreRequest, frame) -> pb.ExploreResponse | None:
    """Apply one request; a warning response when it was wrong but the stream can go on."""
    kind = request.WhichOneof("request")
    if kind == "view":
        try:
            camera = convert.view_to_camera(request.view, frame)
        except InvalidArgument as exc:
            return _warning(exc.reason, exc.message, sequence=request.view.sequence)
        session.set_view(camera, request.view.sequence)
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
