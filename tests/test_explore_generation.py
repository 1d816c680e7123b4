"""Generation on demand over a real channel: a view the world does not cover asks for a job,
shared by every session that needs it; progress streams; new tiles follow; failures warn."""

from __future__ import annotations

import time

import numpy as np
import pytest

from conftest import fresh_server
from worldstream.cli.commands import spawn_camera
from worldstream.client import Client
from worldstream.generate.base import register
from worldstream.generate.classic import ClassicGenerator
from worldstream.geometry.camera import look_at
from worldstream.tiles.chunks import Reassembler
from worldstream.v1 import worldstream_pb2 as pb


def turned_around(world):
    """The spawn camera turned 180 degrees: the photo saw none of it."""
    camera = spawn_camera(world, 96, 72)
    eye = camera.position
    return camera.with_pose(look_at(tuple(eye), tuple(eye + np.array([0.0, 0.0, 3.0]))))


class Recorder:
    """Reads one stream until its view completes, keeping what a test needs to check."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.jobs: set[str] = set()
        self.progress: list[pb.Progress] = []
        self.versions: set[int] = set()
        self.warnings: list[pb.StreamWarning] = []
        self.statuses: list[pb.ViewStatus] = []
        self.collider_cells: dict[tuple[int, int, int], int] = {}  # cell -> collider version
        self.tile_cells: dict[tuple[int, int, int], set[int]] = {}  # cell -> tile versions
        self.assembler = Reassembler()

    def take_collider(self, chunk: pb.ColliderChunk) -> None:
        self.collider_cells[(chunk.key.x, chunk.key.y, chunk.key.z)] = chunk.version

    def until_complete(self, sequence: int, timeout: float = 60.0) -> pb.ViewStatus:
        deadline = time.monotonic() + timeout
        while True:
            response = self.stream.next(timeout=max(0.1, deadline - time.monotonic()))
            assert response is not None, "the stream ended"
            kind = response.WhichOneof("response")
            if kind == "generation":
                self.jobs.add(response.generation.job)
                self.progress.append(response.generation.progress)
            elif kind == "tile_chunk":
                c = response.tile_chunk
                key = (c.key.x, c.key.y, c.key.z, c.key.lod)
                done = self.assembler.add(key, c.version, c.chunk_index, c.chunk_count, c.data)
                if done is not None:
                    self.versions.add(c.version)
                    self.tile_cells.setdefault(key[:3], set()).add(c.version)
                    self.stream.ack(len(done))
            elif kind == "warning":
                self.warnings.append(response.warning)
            elif kind == "collider_chunk":
                self.take_collider(response.collider_chunk)
            elif kind == "view_status":
                self.statuses.append(response.view_status)
                if response.view_status.sequence == sequence and response.view_status.complete:
                    return response.view_status


@pytest.fixture()
def server(tmp_path):
    with fresh_server(tmp_path) as running:
        yield running


def test_a_view_the_world_does_not_cover_waits_for_generation_then_receives_new_tiles(
    server, photo
):
    with Client(server.address, timeout=60) as c:
        world = c.create_world(photo)
        with c.explore(world.name) as stream:
            recorder = Recorder(stream)
            stream.send_view(turned_around(world), 0)
            final = recorder.until_complete(0)
        grown = c.get_world(world.name)
    assert len(recorder.jobs) == 1
    states = [p.stage for p in recorder.progress]
    assert states[-1] == "done" and recorder.progress[-1].fraction == 1.0
    # Before the job ended, the view was reported incomplete, waiting for it.
    assert any(s.pending_generation == 1 and not s.complete for s in recorder.statuses)
    assert final.pending_generation == 0 and final.resident_splats > 0
    assert max(recorder.versions) == 2  # the tiles the job added
    assert grown.frame_count == 2 and grown.splat_count > world.splat_count
    assert recorder.warnings == []


def test_two_sessions_walking_into_the_same_region_share_one_generation_job(server, photo):
    with Client(server.address, timeout=60) as c:
        world = c.create_world(photo)
        jobs = server._running.servicer.jobs
        before = jobs.started
        view = turned_around(world)
        with c.explore(world.name) as first, c.explore(world.name) as second:
            a, b = Recorder(first), Recorder(second)
            first.send_view(view, 0)
            second.send_view(view, 0)
            a.until_complete(0)
            b.until_complete(0)
    assert jobs.started - before == 1
    assert a.jobs == b.jobs and len(a.jobs) == 1
    assert 2 in a.versions and 2 in b.versions  # both received the grown world's tiles


def test_a_stream_that_asks_for_no_generation_completes_with_what_the_world_has(server, photo):
    with Client(server.address, timeout=60) as c:
        world = c.create_world(photo)
        jobs = server._running.servicer.jobs
        before = jobs.started
        with c.explore(world.name, no_generation=True) as stream:
            recorder = Recorder(stream)
            stream.send_view(turned_around(world), 0)
            final = recorder.until_complete(0, timeout=20)
    assert jobs.started == before and recorder.jobs == set()
    assert final.complete and final.pending_generation == 0


class BrokenExtend(ClassicGenerator):
    """Seeds like the classic backend; every extension fails (a backend with a bug)."""

    name = "broken-extend"

    def extend(self, memory, cameras):
        raise RuntimeError("this backend cannot extend")


def test_a_failed_generation_is_a_warning_and_the_stream_goes_on(server, photo):
    register(BrokenExtend.name, lambda options: BrokenExtend())
    with Client(server.address, timeout=60) as c:
        world = c.create_world(photo, generator=BrokenExtend.name)
        with c.explore(world.name) as stream:
            recorder = Recorder(stream)
            stream.send_view(turned_around(world), 0)
            final = recorder.until_complete(0)
            assert [w.reason for w in recorder.warnings] == ["GENERATION_FAILED"]
            assert "cannot extend" in recorder.warnings[0].message
            assert recorder.progress[-1].stage == "failed"
            # The stream still serves views.
            stream.send_view(spawn_camera(world, 96, 72), 1)
            assert recorder.until_complete(1).complete
        assert c.get_world(world.name).frame_count == 1  # the world is as it was
    assert final.complete  # nothing more will come for that view: it is what the world has


def test_a_stream_with_colliders_receives_the_colliders_of_the_tiles_generation_adds(server, photo):
    with Client(server.address, timeout=60) as c:
        world = c.create_world(photo)
        with c.explore(world.name, colliders=True) as stream:
            recorder = Recorder(stream)
            stream.send_view(turned_around(world), 0)
            recorder.until_complete(0)
            # Cells that only the job made: their colliders exist only in the grown world.
            new = {cell for cell, versions in recorder.tile_cells.items() if versions == {2}}
            assert new
            # The grown world's colliders are built off the stream's loop; they follow.
            deadline = time.monotonic() + 60
            while not new & set(recorder.collider_cells) and time.monotonic() < deadline:
                response = stream.next(timeout=max(0.1, deadline - time.monotonic()))
                if response.WhichOneof("response") == "collider_chunk":
                    recorder.take_collider(response.collider_chunk)
    assert new & set(recorder.collider_cells)
    assert all(recorder.collider_cells[cell] == 2 for cell in new & set(recorder.collider_cells))
    assert recorder.warnings == []
