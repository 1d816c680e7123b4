"""Exports bounded: written once per world version and sent from disk a chunk at a time (a
stalled reader holds a chunk, not the file), built apart from the catalog reads (another
tenant's GetWorld answers at once while exports are stuck building), capped per tenant, and
ended with WORLD_DELETED when their world is deleted while they are sent."""

from __future__ import annotations

import contextlib
import io
import threading
import time
import tracemalloc
from collections.abc import Iterator

import grpc
import numpy as np
import pytest

from conftest import fresh_server
from worldstream.api.tokens import parse_tokens_env
from worldstream.geometry.engine import EngineFrame
from worldstream.geometry.gaussians import Gaussians
from worldstream.store.worlddir import WorldFiles
from worldstream.v1 import worldstream_pb2 as pb
from worldstream.world import exports as exports_module
from worldstream.world.export_ply import ply_bytes
from worldstream.world.exports import Exports

TOKEN_A = "a-token-for-studio-a-0123456789"
TOKEN_B = "b-token-for-studio-b-9876543210"
TOKENS = parse_tokens_env(f"studio-a:{TOKEN_A},studio-b:{TOKEN_B}")
A = [("authorization", f"Bearer {TOKEN_A}")]
B = [("authorization", f"Bearer {TOKEN_B}")]
EXPORT = "/worldstream.v1.WorldStream/ExportWorld"
GET = "/worldstream.v1.WorldStream/GetWorld"
CREATE = "/worldstream.v1.WorldStream/CreateWorld"
DELETE = "/worldstream.v1.WorldStream/DeleteWorld"
CHUNK = 64 * 1024
# The test's channels keep gRPC's initial 64 KiB window, so a server that is not read from is
# held back after a chunk or two instead of sending the whole file into the client's buffers.
SMALL_WINDOW = [("grpc.http2.bdp_probe", 0)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with fresh_server(
        tmp_path_factory.mktemp("export-bounds"),
        auth=True,
        tokens=TOKENS,
        generate_on_demand=False,
        export_chunk_bytes=CHUNK,
        io_workers=2,
        export_workers=2,
        max_exports_per_tenant=4,
    ) as running:
        yield running


@pytest.fixture()
def channel(server) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(server.address, options=SMALL_WINDOW) as ch:
        yield ch


def create(channel: grpc.Channel, photo: bytes, world_id: str, metadata) -> pb.World:
    request = pb.CreateWorldRequest(photo=photo, world_id=world_id).SerializeToString()
    replies = list(channel.unary_stream(CREATE)(request, metadata=metadata, timeout=60))
    return pb.CreateWorldResponse.FromString(replies[-1]).world


def export_call(channel: grpc.Channel, name: str, metadata):
    request = pb.ExportWorldRequest(name=name, format=pb.EXPORT_FORMAT_PLY).SerializeToString()
    return channel.unary_stream(EXPORT, response_deserializer=pb.ExportWorldResponse.FromString)(
        request, metadata=metadata, timeout=60
    )


def read_all(call) -> bytes:
    out = io.BytesIO()
    for reply in call:
        if reply.WhichOneof("response") == "chunk":
            assert reply.chunk.offset == out.tell()
            out.write(reply.chunk.data)
    return out.getvalue()


def until_first_chunk(call) -> pb.ExportHeader:
    header = None
    for reply in call:
        kind = reply.WhichOneof("response")
        if kind == "header":
            header = reply.header
        elif kind == "chunk":
            return header
    pytest.fail("the export ended before its first chunk")


def get_world_ms(channel: grpc.Channel, name: str, metadata) -> float:
    request = pb.GetWorldRequest(name=name).SerializeToString()
    start = time.perf_counter()
    channel.unary_unary(GET)(request, metadata=metadata, timeout=30)
    return (time.perf_counter() - start) * 1000


@pytest.fixture(scope="module")
def worlds(server, photo):
    with grpc.insecure_channel(server.address) as ch:
        return create(ch, photo, "a-world", A), create(ch, photo, "b-world", B)


def test_a_stalled_export_holds_a_chunk_of_its_file_not_the_file(server, channel, worlds):
    world, _ = worlds
    size = len(read_all(export_call(channel, world.name, A)))  # loaded and written once
    assert size > 30 * CHUNK
    calls = []
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(4):
            calls.append(export_call(channel, world.name, A))
            assert until_first_chunk(calls[-1]).total_bytes == size
        time.sleep(0.5)  # the servers' streams are held back by the unread clients
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        for call in calls:
            call.cancel()
    # Four stalled exports of a file of `size` bytes: a few chunks in all, not 4 x the file.
    assert held < 16 * CHUNK, f"{held:,} bytes held by 4 stalled exports of {size:,}"
    assert held < size


def test_another_tenants_get_world_answers_at_once_while_exports_are_stuck_building(
    server, channel, worlds, monkeypatch
):
    world, other = worlds
    stuck, release = threading.Semaphore(0), threading.Event()
    export = server._running.servicer.worlds.export

    def slow_export(*args):
        stuck.release()
        release.wait(60)  # a build of a very large world
        return export(*args)

    monkeypatch.setattr(server._running.servicer.worlds, "export", slow_export)
    calls = [export_call(channel, world.name, A) for _ in range(4)]
    try:
        for _ in range(2):  # both export threads are busy (the rest queue behind them)
            assert stuck.acquire(timeout=30)
        times = [get_world_ms(channel, other.name, B) for _ in range(20)]
        assert max(times) < 100, times
    finally:
        release.set()
        for call in calls:
            call.cancel()


def test_a_tenants_exports_beyond_its_limit_are_refused_and_others_go_on(server, channel, worlds):
    world, other = worlds
    calls = [export_call(channel, world.name, A) for _ in range(4)]
    try:
        for call in calls:
            until_first_chunk(call)
        with pytest.raises(grpc.RpcError) as refused:
            read_all(export_call(channel, world.name, A))
        assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "EXPORT_LIMIT_REACHED" in str(refused.value.trailing_metadata())
        assert len(read_all(export_call(channel, other.name, B))) > 0
    finally:
        for call in calls:
            call.cancel()
    deadline = time.monotonic() + 10
    while True:  # the cancelled exports give their slots back
        try:
            assert len(read_all(export_call(channel, world.name, A))) > 0
            break
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_an_export_of_a_world_deleted_while_it_is_sent_ends_with_world_deleted(
    server, channel, photo
):
    world = create(channel, photo, "deleted-midway", A)
    call = export_call(channel, world.name, A)
    header = until_first_chunk(call)
    request = pb.DeleteWorldRequest(name=world.name).SerializeToString()
    channel.unary_unary(DELETE)(request, metadata=A, timeout=30)
    received = CHUNK
    with pytest.raises(grpc.RpcError) as ended:
        for reply in call:
            received += len(reply.chunk.data)
    assert ended.value.code() == grpc.StatusCode.NOT_FOUND
    assert "WORLD_DELETED" in str(ended.value.trailing_metadata())
    assert received < header.total_bytes


def _gaussians(n: int, seed: int) -> Gaussians:
    rng = np.random.default_rng(seed)
    quats = rng.normal(size=(n, 4))
    return Gaussians.from_numpy(
        {
            "means": rng.normal(size=(n, 3)),
            "quats": quats / np.linalg.norm(quats, axis=1, keepdims=True),
            "log_scales": rng.uniform(-4, -2, (n, 3)),
            "opacity_logits": rng.normal(size=n),
            "sh": rng.normal(size=(n, 1, 3)).astype(np.float32),
        }
    )


def test_an_export_file_is_written_once_per_version_and_replaces_the_older_one(
    tmp_path, monkeypatch
):
    files = WorldFiles(tmp_path)
    files.create_dir("w.1234")
    writes = []
    write = exports_module.write_export
    monkeypatch.setattr(exports_module, "write_export", lambda *a: writes.append(a[0]) or write(*a))
    exports = Exports(files)

    def file(version: int, g: Gaussians):
        return exports.file("w.1234", version, "ply", EngineFrame.GLTF, g, None, None)

    first, grown = _gaussians(100, 0), _gaussians(150, 1)
    one = file(1, first)
    again = file(1, first)
    assert writes == ["ply"] and again.path == one.path
    assert one.path.read_bytes() == ply_bytes(first, EngineFrame.GLTF)
    assert one.size == one.path.stat().st_size
    two = file(2, grown)
    assert writes == ["ply", "ply"] and two.path.read_bytes() == ply_bytes(grown, EngineFrame.GLTF)
    assert not one.path.exists()  # the older version's file is not kept
    with contextlib.suppress(FileNotFoundError):
        files.remove("w.1234")
    with pytest.raises(Exception) as gone:
        file(3, grown)
    assert getattr(gone.value, "reason", "") == "WORLD_DELETED"
