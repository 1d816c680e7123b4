"""A client that half-closes Explore is leaving, and learns whether its view was delivered: the
server sends nothing more of the world and ends with OK, the last ViewStatus it sent being that
of the latest view as it stands."""

from __future__ import annotations

import time

import grpc
import numpy as np

from conftest import fresh_server
from test_api_explore import drain_until_complete
from worldstream.cli.commands import spawn_camera
from worldstream.client import Client
from worldstream.client import requests as rq
from worldstream.client.responses import unbatch
from worldstream.geometry.camera import look_at
from worldstream.tiles.chunks import Reassembler
from worldstream.v1 import worldstream_pb2 as pb
from worldstream.v1 import worldstream_pb2_grpc as pb_grpc

RAW = (pb.TILE_ENCODING_RAW_F32,)


class Ended:
    """Everything a stream sent, read to its end."""

    def __init__(self, call) -> None:
        self.statuses: list[pb.ViewStatus] = []
        self.held: dict[tuple[int, int, int], tuple[int, int]] = {}  # cell -> (lod, version)
        self.payload_bytes = 0
        self.last_kind = ""
        assembler = Reassembler()
        for response in call:  # raises if the stream does not end with OK
            for item in unbatch(response):
                self.last_kind = item.WhichOneof("response")
                if self.last_kind == "view_status":
                    self.statuses.append(item.view_status)
                elif self.last_kind == "tile_chunk":
                    c = item.tile_chunk
                    key = (c.key.x, c.key.y, c.key.z, c.key.lod)
                    if assembler.add(key, c.version, c.chunk_index, c.chunk_count, c.data):
                        self.held[key[:3]] = (key[3], c.version)
                        self.payload_bytes += c.payload_bytes
                elif self.last_kind == "tile_removal":
                    k = item.tile_removal.key
                    self.held.pop((k.x, k.y, k.z), None)
        assert call.code() == grpc.StatusCode.OK


def half_closed(address: str, world, camera, sequence: int, **start) -> Ended:
    """start, one view, and the client's side closed at once."""
    requests = [rq.start_request(world.name, **start), rq.view_request(camera, sequence)]
    with grpc.insecure_channel(address) as channel:
        return Ended(pb_grpc.WorldStreamStub(channel).Explore(iter(requests), timeout=60))


def view_payload_bytes(client, world, camera, sequence: int, **start) -> int:
    """The payload bytes a client that acknowledges takes to complete the view."""
    with client.explore(world.name, **start) as stream:
        stream.send_view(camera, sequence)
        _, payloads = drain_until_complete(stream, sequence)
    return sum(len(payload) for _, payload in payloads.values())


def test_a_stream_half_closed_once_its_view_is_complete_ends_ok_saying_so(client, world):
    camera = spawn_camera(world, 160, 120)
    with client.explore(world.name, encodings=RAW) as stream:
        stream.send_view(camera, 3)
        statuses = []
        while not (statuses and statuses[-1].complete):
            response = stream.next(timeout=20)
            kind = response.WhichOneof("response")
            if kind == "tile_chunk":
                stream.ack(len(response.tile_chunk.data))
            elif kind == "view_status":
                statuses.append(response.view_status)
        stream.close()  # half-closes, then waits for the server to end the call
        rest = []
        while (response := stream.next(timeout=20)) is not None:
            rest.append(response.WhichOneof("response"))
    # Nothing after the half-close but, at most, the view's status again; then OK (next() gave
    # None rather than raising).
    assert set(rest) <= {"view_status", "tile_chunk", "tile_batch", "tile_removal"}
    final = statuses[-1]
    assert (final.sequence, final.complete, final.pending_tiles) == (3, True, 0)


def test_a_stream_half_closed_before_its_view_arrived_ends_ok_at_once_saying_what_is_missing(
    client, shared_server, world
):
    camera = spawn_camera(world, 160, 120)
    view_bytes = view_payload_bytes(client, world, camera, 1, encodings=RAW)
    started = time.monotonic()
    ended = half_closed(shared_server.address, world, camera, 9, encodings=RAW)
    assert time.monotonic() - started < 10
    # Leaving, the client is not sent the view: at most what was on its way at the half-close.
    assert ended.payload_bytes < view_bytes
    # The stream's last word is the view as it stands: not complete, and what is missing.
    assert ended.last_kind == "view_status"
    final = ended.statuses[-1]
    assert (final.sequence, final.complete) == (9, False)
    assert final.pending_tiles > 0


def test_a_stream_half_closed_with_no_view_ends_ok_at_once(shared_server, world):
    requests = [rq.start_request(world.name)]
    started = time.monotonic()
    with grpc.insecure_channel(shared_server.address) as channel:
        call = pb_grpc.WorldStreamStub(channel).Explore(iter(requests), timeout=60)
        ended = Ended(call)
    assert ended.statuses == [] and ended.held == {}
    assert time.monotonic() - started < 10


def test_a_half_closed_stream_does_not_wait_for_the_generation_its_view_asked_for(tmp_path, photo):
    with fresh_server(tmp_path) as server:  # generates on demand
        with Client(server.address, timeout=60) as c:
            world = c.create_world(photo)
        camera = spawn_camera(world, 96, 72)
        behind = camera.with_pose(
            look_at(tuple(camera.position), tuple(camera.position + np.array([0.0, 0.0, 3.0])))
        )
        started = time.monotonic()
        ended = half_closed(server.address, world, behind, 2)
        # Generating the view takes seconds; the stream ends without it, its status saying no
        # generation is pending for it any more.
        assert time.monotonic() - started < 5
        final = ended.statuses[-1]
        assert (final.sequence, final.pending_generation) == (2, 0)
