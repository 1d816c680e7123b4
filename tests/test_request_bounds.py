"""Request bodies the server reads: a call without credentials is refused before its request is
read; a tenant's calls are read a few at a time (uploads in slots of their own, refused beyond
them); a refused upload is freed at once, not at the next garbage collection.

A "stalled" call here opens a call and never sends its request message: the server has nothing
to read, so the call shows whether the server waits for the message before it answers."""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Iterator

import grpc
import pytest

from conftest import fresh_server
from security_support import rpc_error
from worldstream.api.tokens import parse_tokens_env
from worldstream.generate.photo import PhotoLimits
from worldstream.v1 import worldstream_pb2 as pb

TOKEN_A = "a-token-for-studio-a-0123456789"
TOKEN_B = "b-token-for-studio-b-9876543210"
TOKENS = parse_tokens_env(f"studio-a:{TOKEN_A},studio-b:{TOKEN_B}")
A = [("authorization", f"Bearer {TOKEN_A}")]
B = [("authorization", f"Bearer {TOKEN_B}")]
CREATE = "/worldstream.v1.WorldStream/CreateWorld"
GET = "/worldstream.v1.WorldStream/GetWorld"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("bounds-data")
    with fresh_server(data, auth=True, tokens=TOKENS, generate_on_demand=False) as running:
        yield running


@pytest.fixture()
def channel(server) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(server.address) as ch:
        yield ch


@contextlib.contextmanager
def stalled(channel: grpc.Channel, method: str, metadata, count: int = 1) -> Iterator[list]:
    """`count` calls of `method` that never send their request; cancelled on the way out."""
    release = threading.Event()

    def nothing():
        release.wait()
        yield from ()

    calls = [
        channel.stream_stream(method)(nothing(), metadata=metadata, timeout=60)
        for _ in range(count)
    ]
    try:
        yield calls
    finally:
        for call in calls:
            call.cancel()
        release.set()


def reading(server, tenant: str, upload: bool) -> int:
    return server._running.request_gate.reading_now(tenant, upload)


def wait_until(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def first_error(call) -> grpc.RpcError:
    """The error a call ends with (after any progress messages)."""
    with pytest.raises(grpc.RpcError) as raised:
        for _ in call:
            pass
    return raised.value


def test_a_call_without_credentials_is_refused_before_its_request_is_read(channel):
    # Had the server waited for the request (as gRPC does for a unary one), the call would
    # only end at its deadline.
    for method in (CREATE, GET):
        with stalled(channel, method, metadata=None) as (call,):
            start = time.monotonic()
            error = first_error(call)
        assert error.code() == grpc.StatusCode.UNAUTHENTICATED, (method, error)
        assert time.monotonic() - start < 5


def test_a_tenants_uploads_beyond_its_slots_are_refused_unread_and_others_go_on(
    server, channel, photo
):
    with stalled(channel, CREATE, A, count=2):
        wait_until(lambda: reading(server, "studio-a", upload=True) == 2)
        with stalled(channel, CREATE, A) as (third,):
            start = time.monotonic()
            error = first_error(third)
        assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "UPLOAD_LIMIT_REACHED" in str(error.trailing_metadata())
        assert time.monotonic() - start < 5  # refused without waiting for its photo
        # The tenant's small calls have slots of their own; the other tenant has its own.
        missing = rpc_error(
            channel.unary_unary(GET),
            pb.GetWorldRequest(name="worlds/absent").SerializeToString(),
            metadata=A,
            timeout=5,
        )
        assert missing.reason == "WORLD_NOT_FOUND"
        request = pb.CreateWorldRequest(photo=photo, world_id="from-b").SerializeToString()
        replies = list(channel.unary_stream(CREATE)(request, metadata=B, timeout=60))
        assert pb.CreateWorldResponse.FromString(replies[-1]).world.name == "worlds/from-b"
    # Cancelled calls give their slots back.
    wait_until(lambda: reading(server, "studio-a", upload=True) == 0)
    request = pb.CreateWorldRequest(photo=photo, world_id="from-a").SerializeToString()
    replies = list(channel.unary_stream(CREATE)(request, metadata=A, timeout=60))
    assert pb.CreateWorldResponse.FromString(replies[-1]).world.name == "worlds/from-a"


def test_a_tenants_small_calls_are_read_a_few_at_a_time_and_wait_for_a_slot(server, channel):
    get = channel.unary_unary(GET)
    request = pb.GetWorldRequest(name="worlds/absent").SerializeToString()
    with stalled(channel, GET, A, count=4):
        wait_until(lambda: reading(server, "studio-a", upload=False) == 4)
        waiting = get.future(request, metadata=A, timeout=30)
        wait_until(lambda: reading(server, "studio-a", upload=False) == 5)
        time.sleep(0.2)
        assert not waiting.done()  # unread until a slot frees
        # Another tenant is not held up.
        assert rpc_error(get, request, metadata=B, timeout=5).reason == "WORLD_NOT_FOUND"
    # The stalled calls end: the waiting one is read and answered.
    with pytest.raises(grpc.RpcError) as raised:
        waiting.result(timeout=10)
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    wait_until(lambda: reading(server, "studio-a", upload=False) == 0)


def test_a_refused_upload_is_freed_at_once_not_at_the_next_garbage_collection(tmp_path):
    limits = PhotoLimits(max_bytes=1_000_000)
    request = pb.CreateWorldRequest(photo=b"\xff" * 2_000_000, world_id="too-big")
    body = request.SerializeToString()
    del request  # only the server may hold a CreateWorldRequest from here on

    def alive() -> int:
        return sum(type(o) is pb.CreateWorldRequest for o in gc.get_objects())

    with (
        fresh_server(tmp_path, photo_limits=limits) as server,
        grpc.insecure_channel(server.address) as ch,
    ):
        gc.collect()
        gc.disable()
        try:
            for _ in range(3):
                call = ch.unary_stream(CREATE)(body, timeout=30)
                error = first_error(call)
                assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
                assert "PHOTO_TOO_LARGE" in str(error.trailing_metadata())
                del call, error
            deadline = time.monotonic() + 5
            while alive() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert alive() == 0
        finally:
            gc.enable()
