"""The asyncio client, for engines' tooling and services built on asyncio."""

from __future__ import annotations

import collections
from collections.abc import AsyncIterator, Callable

import grpc

from worldstream.client import requests as rq
from worldstream.client.errors import from_rpc_error
from worldstream.client.responses import unbatch
from worldstream.client.sync import CHANNEL_OPTIONS, channel_credentials
from worldstream.geometry.camera import Camera
from worldstream.geometry.engine import EngineFrame
from worldstream.v1 import worldstream_pb2 as pb
from worldstream.v1 import worldstream_pb2_grpc as pb_grpc


class AsyncClient:
    def __init__(
        self,
        address: str,
        timeout: float | None = None,
        *,
        token: str | None = None,
        root_certificates: bytes | None = None,
        tls: bool = False,
    ) -> None:
        """`token`, `root_certificates`, `tls`: as for the blocking Client."""
        self.timeout = timeout
        credentials = channel_credentials(address, token, root_certificates, tls)
        if credentials is None:
            self.channel = grpc.aio.insecure_channel(address, options=CHANNEL_OPTIONS)
        else:
            self.channel = grpc.aio.secure_channel(address, credentials, options=CHANNEL_OPTIONS)
        self.stub = pb_grpc.WorldStreamStub(self.channel)

    async def close(self) -> None:
        await self.channel.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def create_world(
        self, photo: bytes, on_progress: Callable[[pb.Progress], None] | None = None, **options
    ) -> pb.World:
        try:
            async for response in self.stub.CreateWorld(
                rq.create_request(photo, **options), timeout=self.timeout
            ):
                if response.HasField("world"):
                    return response.world
                if on_progress is not None:
                    on_progress(response.progress)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None
        raise RuntimeError("CreateWorld ended without a world")

    async def get_world(self, world: str) -> pb.World:
        try:
            response = await self.stub.GetWorld(
                pb.GetWorldRequest(name=rq.world_name(world)), timeout=self.timeout
            )
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None
        return response.world

    async def list_worlds(self, page_size: int = 0) -> AsyncIterator[pb.World]:
        token = ""
        while True:
            try:
                page = await self.stub.ListWorlds(
                    pb.ListWorldsRequest(page_size=page_size, page_token=token),
                    timeout=self.timeout,
                )
            except grpc.RpcError as error:
                raise from_rpc_error(error) from None
            for world in page.worlds:
                yield world
            token = page.next_page_token
            if not token:
                return

    async def delete_world(self, world: str) -> None:
        try:
            await self.stub.DeleteWorld(
                pb.DeleteWorldRequest(name=rq.world_name(world)), timeout=self.timeout
            )
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None

    async def export_world(self, world: str, format: str = "ply") -> bytes:
        request = pb.ExportWorldRequest(name=rq.world_name(world), format=rq.EXPORT_FORMATS[format])
        parts: list[bytes] = []
        try:
            async for response in self.stub.ExportWorld(request, timeout=self.timeout):
                if response.HasField("chunk"):
                    parts.append(response.chunk.data)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None
        return b"".join(parts)

    async def explore(
        self, world: str, frame: EngineFrame = EngineFrame.GLTF, **start
    ) -> AsyncExploreStream:
        stream = AsyncExploreStream(self.stub.Explore(), frame)
        await stream._write(rq.start_request(world, frame, **start))
        return stream


class AsyncExploreStream:
    """A live Explore call on asyncio: write views and acks, await responses."""

    def __init__(self, call, frame: EngineFrame) -> None:
        self._call = call
        self.frame = frame
        self._pending: collections.deque[pb.ExploreResponse] = collections.deque()

    async def _write(self, request: pb.ExploreRequest) -> None:
        try:
            await self._call.write(request)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None

    async def send_view(
        self, camera: Camera, sequence: int, velocity: tuple[float, float, float] = (0, 0, 0)
    ) -> None:
        await self._write(rq.view_request(camera, sequence, self.frame, velocity))

    async def ack(self, nbytes: int) -> None:
        await self._write(rq.ack_request(nbytes))

    async def next(self) -> pb.ExploreResponse | None:
        """The next response, or None when the stream ended; ClientError if it failed. A
        TileBatch arrives as its tile_chunk responses, one by one."""
        if not self._pending:
            try:
                response = await self._call.read()
            except grpc.RpcError as error:
                raise from_rpc_error(error) from None
            if response is grpc.aio.EOF:
                return None
            self._pending.extend(unbatch(response))
        return self._pending.popleft()

    async def close(self) -> None:
        await self._call.done_writing()

    def cancel(self) -> None:
        self._call.cancel()
