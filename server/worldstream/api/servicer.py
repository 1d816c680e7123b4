"""The WorldStream service: each RPC validates, calls world/ off the event loop, translates."""

from __future__ import annotations

import asyncio
import contextvars
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import grpc

from worldstream.api import convert
from worldstream.api.auth import call_state, malformed_request
from worldstream.api.config import ServerConfig
from worldstream.api.errors import abort, streaming, unary, unexpected
from worldstream.api.explore import Shared, explore
from worldstream.errors import InvalidArgument, NotFound, ResourceExhausted, WorldStreamError
from worldstream.tiles.payloads import PayloadCache
from worldstream.v1 import worldstream_pb2 as pb
from worldstream.v1 import worldstream_pb2_grpc as pb_grpc
from worldstream.world.exports import ExportedFile
from worldstream.world.growth_budget import GrowthLimits
from worldstream.world.jobs import GenerationJobs
from worldstream.world.worlds import CreateOptions, Worlds

_FORMATS = {
    pb.EXPORT_FORMAT_PLY: "ply",
    pb.EXPORT_FORMAT_SPZ: "spz",
    pb.EXPORT_FORMAT_GLTF: "gltf",
    pb.EXPORT_FORMAT_MESH: "mesh",
    pb.EXPORT_FORMAT_COLLIDER: "collider",
}


class WorldStreamServicer(pb_grpc.WorldStreamServicer):
    def __init__(self, worlds: Worlds, config: ServerConfig) -> None:
        self.worlds = worlds
        self.config = config
        self.creation_pool = ThreadPoolExecutor(config.creation_workers, "ws-create")
        self.io_pool = ThreadPoolExecutor(config.io_workers, "ws-io")
        self.export_pool = ThreadPoolExecutor(config.export_workers, "ws-export")
        self.jobs = GenerationJobs(
            worlds,
            config.generation_workers,
            config.max_generation_jobs,
            config.max_generation_jobs_per_tenant,
            GrowthLimits(config.max_world_splats, config.max_tenant_splats),
        )
        self.payloads = PayloadCache(config.payload_cache_bytes)
        self.shared = Shared(worlds, config, self.run_io, self.jobs, self.payloads)
        # Per tenant: open Explore streams, and creations running or queued. Touched only on
        # the event loop, so no lock.
        self.sessions: Counter[str] = Counter()
        self.creations: Counter[str] = Counter()
        self.exports: Counter[str] = Counter()  # ExportWorld calls running, per tenant

    async def run_io(self, fn, *args):
        # In a copy of the caller's context, so the tenant the call acts for goes with the work
        # (world lookups are scoped to it: store/tenants.py).
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(
            self.io_pool, context.run, fn, *args
        )

    async def run_export(self, fn, *args):
        """As run_io, in the export pool: building an export file never delays a catalog read."""
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(
            self.export_pool, context.run, fn, *args
        )

    @staticmethod
    def _take(counter: Counter[str], tenant: str, limit: int, reason: str, what: str) -> None:
        if counter[tenant] >= limit:
            raise ResourceExhausted(
                reason,
                f"tenant {tenant} has {counter[tenant]} {what}; the limit is {limit}",
                tenant=tenant,
                limit=limit,
            )
        counter[tenant] += 1

    @staticmethod
    def _release(counter: Counter[str], tenant: str) -> None:
        counter[tenant] -= 1
        if counter[tenant] <= 0:
            del counter[tenant]

    def shutdown(self) -> None:
        self.jobs.shutdown()
        self.creation_pool.shutdown(wait=True, cancel_futures=True)
        self.io_pool.shutdown(wait=True, cancel_futures=True)
        self.export_pool.shutdown(wait=True, cancel_futures=True)

    @streaming
    async def CreateWorld(self, request: pb.CreateWorldRequest, context: grpc.aio.ServicerContext):
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[pb.Progress] = asyncio.Queue()

        def progress(stage: str, fraction: float, message: str) -> None:
            update = pb.Progress(stage=stage, fraction=fraction, message=message)
            loop.call_soon_threadsafe(queue.put_nowait, update)

        o = request.options
        options = CreateOptions(o.generator, o.horizontal_fov_degrees, o.tile_size_m, o.max_side_px)
        tenant = call_state().tenant
        self._take(
            self.creations,
            tenant,
            self.config.max_creations_per_tenant,
            "CREATION_LIMIT_REACHED",
            "world creations running or queued",
        )
        context_copy = contextvars.copy_context()  # the tenant goes with the creation
        try:
            # The job runs to completion even if the caller goes away: the world then simply
            # exists. Its slot is freed when it ends, not when the caller leaves.
            job = loop.run_in_executor(
                self.creation_pool,
                context_copy.run,
                lambda: self.worlds.create(
                    request.photo, options, request.world_id, request.display_name, progress
                ),
            )
        except BaseException:
            self._release(self.creations, tenant)
            raise

        def ended(future: asyncio.Future) -> None:
            self._release(self.creations, tenant)
            if not future.cancelled():
                future.exception()  # retrieved: a caller that left does not leave it unread

        job.add_done_callback(ended)
        while not job.done() or not queue.empty():
            getter = asyncio.ensure_future(queue.get())
            await asyncio.wait({getter, job}, return_when=asyncio.FIRST_COMPLETED)
            if getter.done():
                yield pb.CreateWorldResponse(progress=getter.result())
            else:
                getter.cancel()
        record = job.result()  # raises the job's error, which `streaming` turns into a status
        yield pb.CreateWorldResponse(world=convert.world_to_proto(record))

    @unary
    async def GetWorld(self, request: pb.GetWorldRequest, context) -> pb.GetWorldResponse:
        world_id = convert.world_id_from_name(request.name)
        record = await self.run_io(self.worlds.get, world_id)
        return pb.GetWorldResponse(world=convert.world_to_proto(record))

    @unary
    async def ListWorlds(self, request: pb.ListWorldsRequest, context) -> pb.ListWorldsResponse:
        if request.page_size < 0:
            raise InvalidArgument("INVALID_PAGE_SIZE", "page_size must not be negative")
        page_size = min(request.page_size or 50, self.config.max_page_size)
        records, token = await self.run_io(self.worlds.list, page_size, request.page_token)
        return pb.ListWorldsResponse(
            worlds=[convert.world_to_proto(r) for r in records], next_page_token=token
        )

    @unary
    async def DeleteWorld(self, request: pb.DeleteWorldRequest, context) -> pb.DeleteWorldResponse:
        world_id = convert.world_id_from_name(request.name)
        deleted = await self.run_io(self.worlds.delete, world_id)
        self.jobs.forget(deleted.uid or deleted.id)
        return pb.DeleteWorldResponse()

    @streaming
    async def ExportWorld(self, request: pb.ExportWorldRequest, context):
        world_id = convert.world_id_from_name(request.name)
        fmt = _FORMATS.get(request.format)
        if fmt is None:
            raise InvalidArgument(
                "INVALID_EXPORT_FORMAT",
                f"format must be PLY, SPZ, GLTF, MESH or COLLIDER, got {request.format}",
            )
        # UNSPECIFIED: each format's default frame, the one its readers assume (for PLY not the
        # glTF frame but RDF: world/export_frames.py).
        frame = (
            None
            if request.engine_frame == pb.ENGINE_FRAME_UNSPECIFIED
            else convert.engine_frame(request.engine_frame)
        )
        tenant = call_state().tenant
        self._take(
            self.exports,
            tenant,
            self.config.max_exports_per_tenant,
            "EXPORT_LIMIT_REACHED",
            "exports running",
        )
        try:
            yield pb.ExportWorldResponse(
                progress=pb.Progress(stage="prepare", fraction=0.0, message=f"preparing {fmt}")
            )
            # Loading and writing the file run in the export pool, so catalog reads never
            # queue behind them; the file is then sent from disk, a chunk at a time.
            exported = await self.run_export(self.worlds.export, world_id, fmt, frame)
            yield pb.ExportWorldResponse(
                header=pb.ExportHeader(
                    format=request.format,
                    file_name=f"{world_id}.{exported.extension}",
                    media_type=exported.media_type,
                    total_bytes=exported.size,
                    world_version=exported.version,
                )
            )
            async for chunk in self._export_chunks(world_id, exported):
                yield pb.ExportWorldResponse(chunk=chunk)
        finally:
            self._release(self.exports, tenant)

    async def _export_chunks(self, world_id: str, exported: ExportedFile):
        step = self.config.export_chunk_bytes

        def read(f, offset: int) -> bytes:
            if not exported.instance_dir.is_dir():  # deleted meanwhile: its data is not sent
                raise NotFound(
                    "WORLD_DELETED",
                    f"worlds/{world_id} was deleted while this export was sent",
                    world=f"worlds/{world_id}",
                )
            f.seek(offset)
            return f.read(step)

        f = await self.run_io(exported.open)
        try:
            # Only as many bytes as the file had when the header was sent: its size is the
            # header's promise.
            for offset in range(0, exported.size, step):
                data = await self.run_io(read, f, offset)
                yield pb.ExportChunk(offset=offset, data=data[: exported.size - offset])
        finally:
            f.close()

    async def Explore(self, request_iterator, context: grpc.aio.ServicerContext):
        state = call_state()
        try:
            self._take(
                self.sessions,
                state.tenant,
                self.config.max_sessions_per_tenant,
                "SESSION_LIMIT_REACHED",
                "Explore streams open",
            )
        except WorldStreamError as exc:
            await abort(context, exc)
            return
        try:
            # explore() loads the world through run_io, so a world of another tenant is
            # NOT_FOUND before anything is streamed.
            await explore(self.shared, context)
        except grpc.aio.AbortError:
            raise
        except WorldStreamError as exc:
            await abort(context, exc)
        except Exception as exc:  # a bug must cost one stream, not the server
            await abort(context, unexpected(exc))
        finally:
            self._release(self.sessions, state.tenant)
        if state.malformed:
            # A message after the start failed to parse: the stream ended there.
            await abort(context, malformed_request())
