"""The Explore stream over a real channel: tiles for the view, credits, budgets, resume, errors."""

from __future__ import annotations

import math
import queue
import time

import grpc
import numpy as np
import pytest
from skimage import data

from conftest import fresh_server, jpeg_bytes
from worldstream.cli.commands import spawn_camera
from worldstream.client import Client, ClientError
from worldstream.client import requests as rq
from worldstream.client.responses import tile_chunks
from worldstream.client.walk import HeldTiles
from worldstream.geometry.camera import look_at
from worldstream.geometry.engine import EngineFrame, points_from_engine
from worldstream.tiles import raw
from worldstream.tiles.chunks import Reassembler
from worldstream.tiles.decode import decode_payload
from worldstream.v1 import worldstream_pb2 as pb
from worldstream.v1 import worldstream_pb2_grpc as pb_grpc

GRPC_DEFAULT_RECEIVE_LIMIT = 4 * 1024 * 1024


def drain_until_complete(stream, sequence: int, ack: bool = True, timeout: float = 20.0):
    """Read until the view `sequence` is complete; returns (responses, payloads by key)."""
    responses, payloads, assembler = [], {}, Reassembler()
    while True:
        response = stream.next(timeout=timeout)
        assert response is not None, "the stream ended before the view completed"
        responses.append(response)
        kind = response.WhichOneof("response")
        if kind == "tile_chunk":
            c = response.tile_chunk
            key = (c.key.x, c.key.y, c.key.z, c.key.lod)
            payload = assembler.add(key, c.version, c.chunk_index, c.chunk_count, c.data)
            if payload is not None:
                payloads[key] = (c.version, payload)
                if ack:
                    stream.ack(len(payload))
        elif kind == "view_status":
            status = response.view_status
            if status.sequence == sequence and status.complete:
                return responses, payloads


def cells_held(payloads) -> dict[tuple[int, int, int], tuple[int, int, int]]:
    """What a client holds after the payloads, in arrival order: cell -> (lod, version, splats);
    a tile replaces whatever its cell held."""
    held = {}
    for key, (version, payload) in payloads.items():
        held[key[:3]] = (key[3], version, decode_payload(payload).count)
    return held


RAW = (pb.TILE_ENCODING_RAW_F32,)


def test_explore_sends_a_header_then_the_tiles_of_the_view_then_says_it_is_complete(client, world):
    camera = spawn_camera(world, 160, 120)
    with client.explore(world.name) as stream:
        stream.send_view(camera, 0)
        responses, payloads = drain_until_complete(stream, 0)
    assert responses[0].WhichOneof("response") == "header"
    header = responses[0].header
    assert header.world.name == world.name and header.encoding == pb.TILE_ENCODING_QUANTIZED_V1
    held = cells_held(payloads)
    splats = sum(count for _, _, count in held.values())
    final = responses[-1].view_status
    assert final.complete and final.pending_tiles == 0 and final.resident_splats == splats


def test_coarse_levels_arrive_before_any_cell_is_refined(client, world):
    camera = spawn_camera(world, 160, 120)
    with client.explore(world.name) as stream:
        stream.send_view(camera, 0)
        _, payloads = drain_until_complete(stream, 0)
    order = list(payloads)
    cells = {key[:3] for key in order}
    first_of_each = {}
    for index, key in enumerate(order):
        first_of_each.setdefault(key[:3], index)
    # Every cell's first tile comes before any cell's second one.
    refinements = [i for i, key in enumerate(order) if first_of_each[key[:3]] != i]
    assert refinements, "nothing was refined: the test world is too small to show the order"
    assert max(first_of_each.values()) < min(refinements)
    # A refinement is always finer than what its cell held.
    last_lod = {}
    for key in order:
        if key[:3] in last_lod:
            assert key[3] < last_lod[key[:3]]
        last_lod[key[:3]] = key[3]
    assert len(cells) == len(first_of_each)


def test_a_client_that_asks_for_raw_floats_gets_them(client, world):
    camera = spawn_camera(world, 160, 120)
    with client.explore(world.name, encodings=RAW) as stream:
        stream.send_view(camera, 0)
        responses, payloads = drain_until_complete(stream, 0)
    assert responses[0].header.encoding == pb.TILE_ENCODING_RAW_F32
    assert all(raw.decode(p).count > 0 for _, p in payloads.values())


def test_streamed_tiles_hold_the_same_splats_in_every_declared_frame(client, world):
    camera = spawn_camera(world, 160, 120)
    decoded = {}
    for frame in (EngineFrame.GLTF, EngineFrame.UNREAL):
        with client.explore(world.name, frame, encodings=RAW) as stream:
            stream.send_view(camera, 0)
            _, payloads = drain_until_complete(stream, 0)
        tiles = [raw.decode(p) for _, (_, p) in sorted(payloads.items())]
        means = np.concatenate([t.absolute_positions() for t in tiles])
        decoded[frame] = points_from_engine(means, frame)
    gltf = decoded[EngineFrame.GLTF]
    unreal = decoded[EngineFrame.UNREAL]
    # Same keys, and a payload keeps its level's splat order: the arrays line up one to one.
    np.testing.assert_allclose(gltf, unreal, atol=1e-4)
    # Nothing below the floor of the prior but the seed's back layer, which sits about 1% of its
    # depth behind the surface it backs (reconstruct/seed_lift.py): 2-3 cm under this floor.
    assert gltf[:, 1].min() >= -0.05


def test_every_message_stays_under_grpcs_default_receive_limit(tmp_path):
    # The full 600x400 photo in 64 m tiles: a few tiles of several MB that must be chunked.
    with fresh_server(tmp_path) as server, Client(server.address) as c:
        big = c.create_world(jpeg_bytes(data.coffee()), tile_size_m=64.0, max_side_px=640)
        camera = spawn_camera(big, 160, 120)
        with c.explore(big.name, encodings=RAW) as stream:
            stream.send_view(camera, 0)
            responses, payloads = drain_until_complete(stream, 0)
    chunks = [r.tile_chunk for r in responses if r.WhichOneof("response") == "tile_chunk"]
    assert max(c.chunk_count for c in chunks) > 1 and len(chunks) > len(payloads)
    assert max(r.ByteSize() for r in responses) < GRPC_DEFAULT_RECEIVE_LIMIT
    # A payload larger than the limit did travel, in pieces.
    assert max(c.payload_bytes for c in chunks) > GRPC_DEFAULT_RECEIVE_LIMIT


def test_a_client_that_never_acks_receives_no_more_than_its_credit_window(client, world):
    camera = spawn_camera(world, 160, 120)
    credit = 20_000
    with client.explore(world.name, credit_bytes=credit, encodings=RAW) as stream:
        stream.send_view(camera, 0)
        received, largest, completed = 0, 0, False
        with pytest.raises(queue.Empty):
            while True:
                response = stream.next(timeout=1.5)
                kind = response.WhichOneof("response")
                if kind == "tile_chunk":
                    received += len(response.tile_chunk.data)
                    largest = max(largest, response.tile_chunk.payload_bytes)
                completed |= kind == "view_status" and response.view_status.complete
        # The server stopped early, overshooting by at most the tile that crossed the window.
        assert not completed
        assert 0 < received < credit + largest
        # Acks reopen the window and the view completes.
        stream.ack(received)
        while True:
            response = stream.next(timeout=20)
            if response.WhichOneof("response") == "tile_chunk":
                stream.ack(len(response.tile_chunk.data))
            if response.WhichOneof("response") == "view_status" and response.view_status.complete:
                break


def test_a_reconnecting_client_is_sent_nothing_it_already_holds(client, world):
    camera = spawn_camera(world, 160, 120)
    held = HeldTiles()
    with client.explore(world.name) as stream:
        stream.send_view(camera, 0)
        _, payloads = drain_until_complete(stream, 0)
    for key, (version, payload) in payloads.items():
        held.put(key, version, decode_payload(payload))
    manifest = held.manifest()
    # Resume with the whole manifest: header, then completion, and not one tile.
    with client.explore(world.name, held=manifest, world_uid=world.uid) as stream:
        stream.send_view(camera, 1)
        responses, again = drain_until_complete(stream, 1)
    assert again == {}
    assert responses[0].header.resumed_tiles == len(manifest) == len(cells_held(payloads))
    # Resume with half of it: exactly the other half's cells come back, at the same levels.
    keys = sorted(manifest)
    half = {k: manifest[k] for k in keys[: len(keys) // 2]}
    with client.explore(world.name, held=half, world_uid=world.uid) as stream:
        stream.send_view(camera, 2)
        _, rest = drain_until_complete(stream, 2)
    final = {(*cell, lod) for cell, (lod, _, _) in cells_held(rest).items()}
    assert final == set(keys) - set(half)


def test_a_stale_or_unknown_held_tile_is_replaced_or_removed(client, world):
    camera = spawn_camera(world, 160, 120)
    with client.explore(world.name) as stream:
        stream.send_view(camera, 0)
        _, payloads = drain_until_complete(stream, 0)
    manifest = {(*cell, lod): v for cell, (lod, v, _) in cells_held(payloads).items()}
    key = next(iter(manifest))
    manifest[key] = manifest[key] - 1  # an older version than the server's
    manifest[(999, 999, 999, 0)] = 1  # a tile the world does not have
    with client.explore(world.name, held=manifest, world_uid=world.uid) as stream:
        stream.send_view(camera, 1)
        responses, again = drain_until_complete(stream, 1)
    assert {k[:3] for k in again} == {key[:3]}
    removals = [r.tile_removal for r in responses if r.WhichOneof("response") == "tile_removal"]
    assert [(r.key.x, r.reason) for r in removals] == [(999, pb.TILE_REMOVAL_REASON_DELETED)]


def test_a_small_splat_budget_keeps_the_client_under_it_with_removals(tmp_path, photo):
    with fresh_server(tmp_path) as server, Client(server.address) as c:
        w = c.create_world(photo, tile_size_m=1.0)
        camera = spawn_camera(w, 160, 120)
        budget = w.splat_count // 20
        # Close to the backdrop, sliding sideways: each view sees a part of the world.
        poses = [look_at((x, 1.6, -4.5), (x, 1.6, -6.0)) for x in (-2.5, 0.0, 2.5)]
        resident, removals = {}, 0
        with c.explore(w.name, splat_budget=budget) as stream:
            for i, pose in enumerate(poses):
                stream.send_view(camera.with_pose(pose), i)
                responses, _ = drain_until_complete(stream, i)
                assembler = Reassembler()
                for r in responses:
                    kind = r.WhichOneof("response")
                    if kind == "tile_removal":
                        k = r.tile_removal.key
                        assert r.tile_removal.reason == pb.TILE_REMOVAL_REASON_BUDGET
                        assert resident.pop((k.x, k.y, k.z))[0] == k.lod
                        removals += 1
                    elif kind == "tile_chunk":
                        c = r.tile_chunk
                        key = (c.key.x, c.key.y, c.key.z, c.key.lod)
                        done = assembler.add(key, c.version, c.chunk_index, c.chunk_count, c.data)
                        if done is not None:
                            resident[key[:3]] = (key[3], decode_payload(done).count)
                            # Never over the budget, after every tile, not just at the end.
                            assert sum(n for _, n in resident.values()) <= budget
                assert 0 < sum(n for _, n in resident.values()) <= budget
    assert removals > 0


def test_unknown_world_ends_the_stream_with_not_found(client):
    with pytest.raises(ClientError) as err:
        stream = client.explore("worlds/nowhere")
        stream.next(timeout=10)
    assert (err.value.code, err.value.reason) == (grpc.StatusCode.NOT_FOUND, "WORLD_NOT_FOUND")


def test_a_stream_that_does_not_start_with_start_is_invalid(client, world):
    requests = iter([pb.ExploreRequest(ack=pb.TileAck(bytes=1))])
    with pytest.raises(grpc.RpcError) as err:
        list(client.stub.Explore(requests))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        (pb.ExploreStart(world="worlds/x-y-z"), "INVALID_ENGINE_FRAME"),
        (pb.ExploreStart(world="nope", engine_frame=1), "INVALID_WORLD_NAME"),
        (
            pb.ExploreStart(world="worlds/abc", engine_frame=1, splat_budget=-5),
            "INVALID_SPLAT_BUDGET",
        ),
        (
            pb.ExploreStart(world="worlds/abc", engine_frame=1, credit_bytes=-1),
            "INVALID_CREDIT_BYTES",
        ),
        (
            pb.ExploreStart(world="worlds/abc", engine_frame=1, encodings=[9]),
            "NO_SUPPORTED_ENCODING",
        ),
    ],
)
def test_a_bad_start_gets_a_precise_reason(client, start, reason):
    from worldstream.client.errors import from_rpc_error

    with pytest.raises(grpc.RpcError) as err:
        list(client.stub.Explore(iter([pb.ExploreRequest(start=start)])))
    error = from_rpc_error(err.value)
    assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, reason)


def test_bad_views_and_a_second_start_are_warnings_and_the_stream_goes_on(client, world):
    camera = spawn_camera(world, 160, 120)
    with client.explore(world.name) as stream:
        nan_view = pb.ExploreRequest(
            view=pb.ViewUpdate(
                sequence=7,
                position=pb.Vec3(x=float("nan")),
                rotation=pb.Quat(w=1),
                vertical_fov_degrees=60,
                viewport_width=10,
                viewport_height=10,
            )
        )
        stream._requests.put(nan_view)
        stream._requests.put(pb.ExploreRequest(start=pb.ExploreStart(world=world.name)))
        stream.send_view(camera, 8)
        responses, payloads = drain_until_complete(stream, 8)
    warnings = [r.warning for r in responses if r.WhichOneof("response") == "warning"]
    assert [w.reason for w in warnings] == ["INVALID_VIEW", "DUPLICATE_START"]
    assert warnings[0].metadata["sequence"] == "7"
    assert payloads  # the good view after them was served


def test_a_client_vanishing_mid_stream_leaves_the_server_serving(client, world):
    camera = spawn_camera(world, 160, 120)
    stream = client.explore(world.name, credit_bytes=100_000)
    stream.send_view(camera, 0)
    assert stream.next(timeout=10).WhichOneof("response") == "header"
    stream.cancel()
    assert client.get_world(world.name).name == world.name


def test_a_client_that_asks_for_colliders_gets_one_per_streamed_tile_in_its_frame(client, world):
    from worldstream.tiles.collider import decode_collider

    camera = spawn_camera(world, 160, 120)
    with client.explore(world.name, EngineFrame.UNREAL, colliders=True) as stream:
        stream.send_view(camera, 0)
        responses, payloads = drain_until_complete(stream, 0)
    pieces, assembler = {}, Reassembler()
    for r in responses:
        if r.WhichOneof("response") == "collider_chunk":
            c = r.collider_chunk
            key = (c.key.x, c.key.y, c.key.z, c.key.lod)
            data = assembler.add(key, c.version, c.chunk_index, c.chunk_count, c.data)
            if data is not None:
                assert key[:3] not in {k[:3] for k in pieces}  # once per cell, not per level
                pieces[key] = decode_collider(data)
                assert len(pieces[key].triangles) == c.triangle_count <= 2000
    assert pieces and {k[:3] for k in pieces} <= {k[:3] for k in payloads}
    # Centimetres, Z up: the prior's floor (world y = 0) is Unreal z = 0.
    lowest = min(p.absolute_vertices()[:, 2].min() for p in pieces.values())
    assert abs(lowest) < 5.0


def test_a_client_that_stops_acknowledging_stalls_only_itself(client, world):
    camera = spawn_camera(world, 160, 120)
    with client.explore(world.name, credit_bytes=4_000, encodings=RAW) as stalled:
        stalled.send_view(camera, 0)
        first = stalled.next(timeout=10)
        assert first.WhichOneof("response") == "header"
        # The stalled stream has its window full and acknowledges nothing from here on.
        with client.explore(world.name, encodings=RAW) as healthy:
            healthy.send_view(camera, 0)
            _, payloads = drain_until_complete(healthy, 0, timeout=10)
        assert payloads
        sent = 0
        with pytest.raises(queue.Empty):
            while True:
                response = stalled.next(timeout=1.0)
                if response.WhichOneof("response") == "tile_chunk":
                    sent += len(response.tile_chunk.data)
        assert sent < sum(len(p) for _, p in payloads.values())  # it is still held back


def test_clients_that_stop_reading_do_not_hold_up_the_others(shared_server, client, world):
    camera = spawn_camera(world, 1280, 960)  # the finest levels: megabytes
    start = rq.start_request(world.name, credit_bytes=64 * 2**20, encodings=RAW)
    view = rq.view_request(camera, 0, EngineFrame.GLTF)
    # More stuck streams than the server lets write at once, each on its own connection (a full
    # connection window would otherwise hold up the healthy stream too). Without the
    # bandwidth-delay probe the transport's window stays at 64 KiB, so a stream that is never
    # read blocks the server's writes within its first turns.
    options = [("grpc.use_local_subchannel_pool", 1), ("grpc.http2.bdp_probe", 0)]
    channels = [grpc.insecure_channel(shared_server.address, options=options) for _ in range(3)]
    calls, requests = [], []
    try:
        for channel in channels:
            pending: queue.Queue = queue.Queue()
            pending.put(start)
            pending.put(view)
            requests.append(pending)
            # Started and never read: once the transport's window is full, the server's writes
            # to it cannot finish.
            calls.append(pb_grpc.WorldStreamStub(channel).Explore(iter(pending.get, None)))
        time.sleep(1.0)
        with client.explore(world.name, encodings=RAW) as healthy:
            healthy.send_view(camera, 0)
            _, payloads = drain_until_complete(healthy, 0, timeout=10)
        assert sum(len(p) for _, p in payloads.values()) > 4 * 65_535  # more than a window
    finally:
        for pending, call in zip(requests, calls, strict=True):
            pending.put(None)
            call.cancel()
        for channel in channels:
            channel.close()


def raw_explore(channel, start: pb.ExploreRequest, view: pb.ExploreRequest, sequence: int):
    """Explore through the generated stub alone, acking every tile chunk's data; the raw
    responses until the view is complete."""
    stub = pb_grpc.WorldStreamStub(channel)
    requests: queue.Queue = queue.Queue()
    requests.put(start)
    requests.put(view)
    call = stub.Explore(iter(requests.get, None))
    responses = []
    try:
        for response in call:
            responses.append(response)
            acked = sum(len(c.data) for c in tile_chunks(response))
            if acked:
                requests.put(rq.ack_request(acked))
            status = response.view_status
            if response.HasField("view_status") and status.complete and status.sequence == sequence:
                break
    finally:
        requests.put(None)
        call.cancel()
    return responses


def test_small_tiles_travel_together_in_batches_within_the_chunk_limit(tmp_path, photo):
    # 1 m tiles: many small ones, as a grown world has.
    with fresh_server(tmp_path) as server, Client(server.address) as c:
        fine = c.create_world(photo, tile_size_m=1.0)
        camera = spawn_camera(fine, 160, 120)
        start = rq.start_request(fine.name, encodings=RAW)
        view = rq.view_request(camera, 0, EngineFrame.GLTF)
        with grpc.insecure_channel(server.address) as channel:
            responses = raw_explore(channel, start, view, 0)
        # The same view one tile message at a time, through the client that unbatches.
        with c.explore(fine.name, encodings=RAW) as stream:
            stream.send_view(camera, 0)
            _, one_by_one = drain_until_complete(stream, 0)
    header = responses[0].header
    batches = [r.tile_batch for r in responses if r.WhichOneof("response") == "tile_batch"]
    assert batches, "no tiles were batched"
    assert all(len(b.chunks) > 1 for b in batches)
    assert all(sum(len(ch.data) for ch in b.chunks) <= header.max_chunk_bytes for b in batches)
    assert max(r.ByteSize() for r in responses) < GRPC_DEFAULT_RECEIVE_LIMIT
    # Batching changes the messages, not the tiles: the same payloads, in the same order.
    assembler, payloads = Reassembler(), {}
    for response in responses:
        for ch in tile_chunks(response):
            key = (ch.key.x, ch.key.y, ch.key.z, ch.key.lod)
            payload = assembler.add(key, ch.version, ch.chunk_index, ch.chunk_count, ch.data)
            if payload is not None:
                payloads[key] = (ch.version, payload)
    assert list(payloads) == list(one_by_one) and payloads == one_by_one
    assert len(payloads) > len(batches) + sum(r.HasField("tile_chunk") for r in responses)


def test_views_faster_than_the_rate_limit_are_warned_and_the_latest_still_applies(tmp_path, photo):
    config = dict(max_view_updates_per_s=5.0, generate_on_demand=False)
    with fresh_server(tmp_path, **config) as server, Client(server.address) as c:
        small = c.create_world(photo, max_side_px=128)
        camera = spawn_camera(small, 64, 48)
        with c.explore(small.name) as stream:
            started = time.monotonic()
            for sequence in range(40):  # 50 a second for 0.8 s: far above 5
                stream.send_view(camera, sequence)
                time.sleep(0.02)
            sending_s = time.monotonic() - started  # longer than 0.8 s on a loaded machine
            responses, _ = drain_until_complete(stream, 39)
        warnings = [r.warning for r in responses if r.HasField("warning")]
        assert [w.reason for w in warnings] == ["VIEW_RATE_LIMITED"]
        assert warnings[0].metadata["limit"] == "5"
        # Applied about 5 (the burst) + 5 a second while sending, and the last one, not 40:
        # statuses name only applied views.
        statuses = [r.view_status.sequence for r in responses if r.HasField("view_status")]
        allowed = 5 + math.ceil(5.0 * sending_s) + 1
        assert statuses[-1] == 39 and len(set(statuses)) <= min(allowed, 20)
        assert c.list_worlds()  # and the server goes on serving
