"""What one Explore stream may hold is bounded: a client that sends without reading is held back
by flow control, not buffered without end, and the server goes on serving the others."""

from __future__ import annotations

import asyncio
import threading
import time

import grpc
import pytest

from conftest import fresh_server
from security_support import assert_serving, rpc_error
from worldstream.api import explore
from worldstream.api.config import ServerConfig
from worldstream.api.explore_inbox import MAX_REQUEST_BYTES, MAX_REQUESTS, StreamInbox
from worldstream.cli.commands import spawn_camera
from worldstream.client import Client
from worldstream.client import requests as rq

EXPLORE = "/worldstream.v1.WorldStream/Explore"
PAD_BYTES = 4000


def padded(request) -> bytes:
    """The request with an unknown field of PAD_BYTES appended: still a valid message (a client
    may send fields this server does not know), and large enough that the transport's window
    fills in a second rather than in a minute of small views."""
    n = PAD_BYTES
    return request.SerializeToString() + b"\x7a" + bytes([0x80 | (n & 0x7F), n >> 7]) + b"x" * n


class NeverRead:
    """Stands for a client whose transport holds all it will take: every write of the first
    stream after its header never completes, as a write to a client that does not read does not
    once its window is full (megabytes of tiles, which a small test world does not have)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.stream = None
        real = explore._Stream._write

        async def write(stream, response) -> None:
            if self.stream is None and response.HasField("header"):
                self.stream = stream
            elif stream is self.stream:
                await asyncio.Event().wait()
            await real(stream, response)

        monkeypatch.setattr(explore._Stream, "_write", write)

    @property
    def inbox(self) -> StreamInbox:
        return self.stream.queue


async def flood(address: str, world, camera, counts: list[int], stop: asyncio.Event) -> None:
    """Views and acks as fast as the transport takes them; never a read."""
    async with grpc.aio.insecure_channel(address) as channel:
        call = channel.stream_stream(EXPLORE)()
        await call.write(rq.start_request(world.name).SerializeToString())

        async def send() -> None:
            sequence = 0
            while True:
                sequence += 1
                await call.write(padded(rq.view_request(camera, sequence)))
                await call.write(padded(rq.ack_request(1)))
                counts[0] = sequence

        sender = asyncio.create_task(send())
        await stop.wait()
        sender.cancel()
        call.cancel()


def test_a_client_that_sends_as_fast_as_it_can_and_never_reads_is_held_back_and_others_are_served(
    shared_server, world, monkeypatch
):
    never_read = NeverRead(monkeypatch)
    camera = spawn_camera(world, 160, 120)
    address = shared_server.address

    async def scenario() -> list[int]:
        counts, stop = [0], asyncio.Event()
        flooding = asyncio.create_task(flood(address, world, camera, counts, stop))
        try:
            # Held back: the count of writes the server took stops growing (the inbox is full,
            # then the transport's window). Before, the server read every request into a queue
            # without bound, and the writes never stopped.
            seen, deadline = [], time.monotonic() + 20
            while len(seen) < 5 or seen[-1] != seen[-5]:
                assert time.monotonic() < deadline, f"the writes never stopped: {seen[-5:]}"
                await asyncio.sleep(0.25)
                seen.append(counts[0])
            # Another client of the same world streams its view to the end meanwhile.
            other = await asyncio.to_thread(complete_view, address, world, camera)
            return [seen[-1], other]
        finally:
            stop.set()
            await flooding

    held_back_at, other_sequence = asyncio.run(scenario())
    assert other_sequence == 7
    inbox = never_read.inbox
    assert 0 < inbox.most_requests <= MAX_REQUESTS
    assert inbox.most_request_bytes <= MAX_REQUEST_BYTES
    assert held_back_at > MAX_REQUESTS // 2  # the transport took more than the inbox holds
    assert_serving(address)


def complete_view(address: str, world, camera) -> int:
    with Client(address, timeout=30) as c, c.explore(world.name) as stream:
        assert c.get_world(world.name).name == world.name
        stream.send_view(camera, 7)
        while True:
            response = stream.next(timeout=20)
            kind = response.WhichOneof("response")
            if kind == "tile_chunk":
                stream.ack(len(response.tile_chunk.data))
            elif kind == "view_status" and response.view_status.complete:
                return response.view_status.sequence


# -- the inbox itself ------------------------------------------------------------------------


def test_an_inbox_holds_its_fill_of_requests_then_the_reader_waits_until_one_is_taken():
    async def scenario() -> None:
        inbox = StreamInbox(max_requests=3, max_bytes=1000)
        for i in range(3):
            await inbox.put_request(f"r{i}", 10)
        fourth = asyncio.create_task(inbox.put_request("r3", 10))
        await asyncio.sleep(0.01)
        assert not fourth.done() and inbox.requests == 3
        # The stream's own events are never held back, however full the inbox.
        inbox.put_nowait("event")
        assert await inbox.get() == "r0"
        await asyncio.wait_for(fourth, 1)
        assert [inbox.get_nowait() for _ in range(4)] == ["r1", "r2", "event", "r3"]
        assert inbox.empty() and inbox.requests == 0 and inbox.request_bytes == 0
        assert inbox.most_requests == 3

    asyncio.run(scenario())


def test_an_inbox_bounds_the_bytes_of_its_requests_but_takes_a_large_one_alone():
    async def scenario() -> None:
        inbox = StreamInbox(max_requests=100, max_bytes=100)
        await inbox.put_request("small", 60)
        big = asyncio.create_task(inbox.put_request("big", 500))
        await asyncio.sleep(0.01)
        assert not big.done()  # 560 bytes would exceed the bound
        assert await inbox.get() == "small"
        await asyncio.wait_for(big, 1)  # alone, it may exceed it: it is one message
        assert inbox.request_bytes == 500
        after = asyncio.create_task(inbox.put_request("after", 1))
        await asyncio.sleep(0.01)
        assert not after.done()
        assert await inbox.get() == "big"
        await asyncio.wait_for(after, 1)

    asyncio.run(scenario())


def test_of_the_worlds_growth_an_inbox_keeps_the_newest_in_the_place_of_the_first():
    class Grown:
        def __init__(self, version: int) -> None:
            self.version = version

    async def scenario() -> None:
        inbox = StreamInbox(latest_only=(Grown,))
        inbox.put_nowait("before")
        for version in (2, 3, 4):
            inbox.put_nowait(Grown(version))
        inbox.put_nowait("after")
        taken = [inbox.get_nowait() for _ in range(3)]
        assert taken[0] == "before" and taken[1].version == 4 and taken[2] == "after"
        assert inbox.empty()
        inbox.put_nowait(Grown(5))  # the next one is queued again
        assert (await inbox.get()).version == 5

    asyncio.run(scenario())


def test_an_inbox_that_holds_nothing_is_refused():
    with pytest.raises(ValueError):
        StreamInbox(max_requests=0)


# -- a stream that never starts ------------------------------------------------------------------


def silent(stop: threading.Event):
    """A request iterator that sends nothing until `stop` is set, then half-closes."""
    stop.wait()
    yield from ()


def test_streams_that_never_start_end_with_start_timeout_and_give_their_sessions_back(
    tmp_path, photo
):
    limits = dict(max_sessions_per_tenant=2, explore_start_timeout_s=0.5)
    stop = threading.Event()
    with fresh_server(tmp_path, generate_on_demand=False, **limits) as server:
        with Client(server.address, timeout=30) as c:
            world = c.create_world(photo)
            opened = time.monotonic()
            never_started = [c.stub.Explore(silent(stop), timeout=20) for _ in range(2)]
            try:
                # They hold both of the tenant's sessions...
                refused = rpc_error(c.explore(world.name).next, timeout=20)
                assert refused.reason == "SESSION_LIMIT_REACHED"
                # ...until their start is overdue: each ends with its reason, not the client's
                # own deadline.
                for call in never_started:
                    ended = rpc_error(next, call)
                    assert (ended.code, ended.reason) == (
                        grpc.StatusCode.DEADLINE_EXCEEDED,
                        "START_TIMEOUT",
                    )
                    assert ended.metadata == {"timeout_s": "0.5"}
                assert time.monotonic() - opened < 10
            finally:
                stop.set()
            # The slots are free: two streams start again.
            with c.explore(world.name) as first, c.explore(world.name) as second:
                assert first.next(timeout=20).WhichOneof("response") == "header"
                assert second.next(timeout=20).WhichOneof("response") == "header"
        assert_serving(server.address)


def test_a_stream_whose_start_comes_in_time_is_not_cut_off(tmp_path, photo):
    server = fresh_server(tmp_path, generate_on_demand=False, explore_start_timeout_s=0.5)
    with server, Client(server.address, timeout=30) as c:
        world = c.create_world(photo)
        with c.explore(world.name) as stream:
            assert stream.next(timeout=20).WhichOneof("response") == "header"
            time.sleep(1.0)  # the deadline is for the start only
            stream.send_view(spawn_camera(world, 96, 72), 1)
            while (response := stream.next(timeout=20)).WhichOneof("response") != "view_status":
                pass
            assert response.view_status.sequence == 1


def test_the_start_timeout_must_be_positive():
    with pytest.raises(ValueError, match="explore_start_timeout_s"):
        ServerConfig(explore_start_timeout_s=0)
