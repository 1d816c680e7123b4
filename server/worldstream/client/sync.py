"""The blocking client."""

from __future__ import annotations

import ipaddress
import queue
import threading
from collections.abc import Callable, Iterator
from typing import BinaryIO

import grpc

from worldstream.client import requests as rq
from worldstream.client.errors import from_rpc_error
from worldstream.client.responses import unbatch
from worldstream.geometry.camera import Camera
from worldstream.geometry.engine import EngineFrame
from worldstream.v1 import worldstream_pb2 as pb
from worldstream.v1 import worldstream_pb2_grpc as pb_grpc

# Photos travel inline in CreateWorld; the server accepts up to 32 MiB requests.
CHANNEL_OPTIONS = [
    ("grpc.max_send_message_length", 32 * 1024 * 1024),
    # Ping the server every 30 s while nothing arrives, so that a server gone silent (a dropped
    # network) fails the call with UNAVAILABLE within 10 s more instead of leaving it waiting;
    # the server accepts pings every 10 s or more (ServerConfig.min_client_ping_interval_s).
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.http2.ping_timeout_ms", 10_000),
    ("grpc.http2.max_pings_without_data", 0),
]
_CLOSE = object()


def _loopback_target(address: str) -> bool:
    host = address.rsplit(":", 1)[0] if not address.endswith("]") else address
    host = host.removeprefix("[").removesuffix("]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def channel_credentials(
    address: str, token: str | None, root_certificates: bytes | None, tls: bool
) -> grpc.ChannelCredentials | None:
    """Credentials for a connection; None for a plaintext channel without a token.

    TLS when `tls` or `root_certificates` is given (None roots: the system's). A token travels
    as `authorization: Bearer <token>` through gRPC's call credentials, which gRPC sends only
    over TLS or, without TLS, to a loopback address; a token for a plaintext remote server is
    refused here rather than sent where anyone on the network could read it.
    """
    if tls or root_certificates is not None:
        credentials = grpc.ssl_channel_credentials(root_certificates)
    elif token:
        if not _loopback_target(address):
            raise ValueError(
                f"a token is sent only over TLS or to a loopback address; {address} is "
                "neither: give the server's CA (tls_ca / --tls-ca) or use TLS"
            )
        credentials = grpc.local_channel_credentials(grpc.LocalConnectionType.LOCAL_TCP)
    else:
        return None
    if token:
        credentials = grpc.composite_channel_credentials(
            credentials, grpc.access_token_call_credentials(token)
        )
    return credentials


class Client:
    def __init__(
        self,
        address: str,
        timeout: float | None = None,
        *,
        token: str | None = None,
        root_certificates: bytes | None = None,
        tls: bool = False,
    ) -> None:
        """`token`: a bearer token for a server with authentication (docs/security.md);
        `root_certificates`: PEM CA certificates to trust for TLS (implies `tls`); `tls`: TLS
        with the system's roots."""
        self.address = address
        self.timeout = timeout
        credentials = channel_credentials(address, token, root_certificates, tls)
        if credentials is None:
            self.channel = grpc.insecure_channel(address, options=CHANNEL_OPTIONS)
        else:
            self.channel = grpc.secure_channel(address, credentials, options=CHANNEL_OPTIONS)
        self.stub = pb_grpc.WorldStreamStub(self.channel)

    def close(self) -> None:
        self.channel.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def create_world(
        self,
        photo: bytes,
        on_progress: Callable[[pb.Progress], None] | None = None,
        **options,
    ) -> pb.World:
        try:
            for response in self.stub.CreateWorld(
                rq.create_request(photo, **options), timeout=self.timeout
            ):
                if response.HasField("world"):
                    return response.world
                if on_progress is not None:
                    on_progress(response.progress)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None
        raise RuntimeError("CreateWorld ended without a world")

    def get_world(self, world: str) -> pb.World:
        try:
            return self.stub.GetWorld(
                pb.GetWorldRequest(name=rq.world_name(world)), timeout=self.timeout
            ).world
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None

    def list_worlds(self, page_size: int = 0) -> Iterator[pb.World]:
        token = ""
        while True:
            try:
                page = self.stub.ListWorlds(
                    pb.ListWorldsRequest(page_size=page_size, page_token=token),
                    timeout=self.timeout,
                )
            except grpc.RpcError as error:
                raise from_rpc_error(error) from None
            yield from page.worlds
            token = page.next_page_token
            if not token:
                return

    def delete_world(self, world: str) -> None:
        try:
            self.stub.DeleteWorld(
                pb.DeleteWorldRequest(name=rq.world_name(world)), timeout=self.timeout
            )
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None

    def export_world(
        self,
        world: str,
        out: BinaryIO,
        format: str = "ply",
        frame: EngineFrame | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> pb.ExportHeader:
        """Stream the file into `out`; on_progress(bytes_done, total_bytes) after each chunk."""
        request = pb.ExportWorldRequest(
            name=rq.world_name(world),
            format=rq.EXPORT_FORMATS[format],
            engine_frame=rq.FRAMES[frame] if frame else pb.ENGINE_FRAME_UNSPECIFIED,
        )
        header, done = None, 0
        try:
            for response in self.stub.ExportWorld(request, timeout=self.timeout):
                if response.HasField("progress"):
                    continue
                if response.HasField("header"):
                    header = response.header
                    continue
                if response.chunk.offset != done:
                    raise RuntimeError(f"export chunk at {response.chunk.offset}, expected {done}")
                out.write(response.chunk.data)
                done += len(response.chunk.data)
                if on_progress is not None and header is not None:
                    on_progress(done, header.total_bytes)
        except grpc.RpcError as error:
            raise from_rpc_error(error) from None
        if header is None or done != header.total_bytes:
            raise RuntimeError("export ended before the whole file arrived")
        return header

    def explore(self, world: str, frame: EngineFrame = EngineFrame.GLTF, **start) -> ExploreStream:
        return ExploreStream(self.stub, rq.start_request(world, frame, **start), frame)


class ExploreStream:
    """A live Explore call: send views and acks; read responses with a timeout.

    Requests go through a queue that gRPC's sender thread drains; a reader thread moves
    responses into another queue so `next(timeout)` never blocks forever.
    """

    def __init__(self, stub: pb_grpc.WorldStreamStub, start: pb.ExploreRequest, frame: EngineFrame):
        self.frame = frame
        self._requests: queue.Queue = queue.Queue()
        self._requests.put(start)
        self._responses: queue.Queue = queue.Queue()
        self._call = stub.Explore(iter(self._next_request, _CLOSE))
        self._reader = threading.Thread(target=self._read, name="ws-explore-reader", daemon=True)
        self._reader.start()

    def _next_request(self):
        return self._requests.get()

    def _read(self) -> None:
        try:
            for response in self._call:
                for item in unbatch(response):
                    self._responses.put(item)
            self._responses.put(None)
        except grpc.RpcError as error:
            self._responses.put(from_rpc_error(error))

    def send_view(
        self, camera: Camera, sequence: int, velocity: tuple[float, float, float] = (0, 0, 0)
    ) -> None:
        self._requests.put(rq.view_request(camera, sequence, self.frame, velocity))

    def ack(self, nbytes: int) -> None:
        self._requests.put(rq.ack_request(nbytes))

    def next(self, timeout: float | None = None) -> pb.ExploreResponse | None:
        """The next response; None when the stream ended; ClientError raised if it failed;
        queue.Empty after `timeout` seconds with nothing."""
        item = self._responses.get(timeout=timeout)
        if isinstance(item, Exception):
            raise item
        return item

    def close(self) -> None:
        """Half-close and wait for the server to end the call."""
        self._requests.put(_CLOSE)
        self._reader.join(timeout=10)

    def cancel(self) -> None:
        """Drop the connection abruptly, as a crashed client would."""
        self._call.cancel()
        self._reader.join(timeout=10)

    def __enter__(self) -> ExploreStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
