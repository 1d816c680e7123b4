"""World instances: a world deleted and created again under its id, by another tenant, is another
world. Replays the three cross-tenant cases (a stream, a generation job and a mesh build of the
deleted world outliving it), a creation deleted mid-way, and a resume manifest of the old world.

Real servers with two tenants; the only seam is a gate in the generator or the mesh fusion that
holds the deleted world's work until the new world exists, so the race is hit every time.
"""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from conftest import fresh_server, jpeg_bytes
from security_support import world_problems
from worldstream.api.tokens import parse_tokens_env
from worldstream.cli.commands import spawn_camera
from worldstream.client import Client, ClientError
from worldstream.geometry.camera import look_at
from worldstream.world import surfaces as surfaces_module
from worldstream.world import worlds as worlds_module

TOKEN_A = "a-token-for-studio-a-0123456789"
TOKEN_B = "b-token-for-studio-b-9876543210"
TOKENS = parse_tokens_env(f"studio-a:{TOKEN_A},studio-b:{TOKEN_B}")


def small(image: np.ndarray) -> bytes:
    return jpeg_bytes(np.asarray(Image.fromarray(image).resize((240, 160))))


PHOTO_A = small(data.coffee())
PHOTO_B = small(data.astronaut())


class Gate:
    """Holds the calls that pass it until released; says when the first one arrived."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.returned = threading.Event()
        self.error: BaseException | None = None

    def wrap(self, fn):
        def gated(*args, **kwargs):
            self.arrived.set()
            assert self.release.wait(60), "the gate was never released"
            try:
                return fn(*args, **kwargs)
            finally:
                self.returned.set()

        return gated


def gate_generator(monkeypatch, method: str) -> Gate:
    """Every generator the server makes holds its `method` (seed, extend) at a new gate."""
    gate = Gate()
    real = worlds_module.get_generator

    def gated_generator(name, options):
        generator = real(name, options)
        setattr(generator, method, gate.wrap(getattr(generator, method)))
        return generator

    monkeypatch.setattr(worlds_module, "get_generator", gated_generator)
    return gate


@pytest.fixture()
def server(tmp_path):
    with fresh_server(tmp_path, auth=True, tokens=TOKENS) as running:
        yield running


@pytest.fixture()
def studios(server):
    with (
        Client(server.address, timeout=60, token=TOKEN_A) as a,
        Client(server.address, timeout=60, token=TOKEN_B) as b,
    ):
        yield a, b


def servicer(server):
    return server._running.servicer


def files_of(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*") if p.is_file()
    }


def tile_payloads(stream, until: float) -> list[bytes]:
    """Every tile chunk's bytes until the stream ends (or `until`), acking as a client would."""
    payloads = []
    while time.monotonic() < until:
        try:
            response = stream.next(timeout=max(0.05, until - time.monotonic()))
        except queue.Empty:
            break
        if response is None:
            break
        if response.WhichOneof("response") == "tile_chunk":
            payloads.append(response.tile_chunk.data)
            stream.ack(len(response.tile_chunk.data))
    return payloads


def read_until_complete(stream, sequence: int) -> list[bytes]:
    payloads = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = stream.next(timeout=max(0.1, deadline - time.monotonic()))
        assert response is not None, "the stream ended"
        kind = response.WhichOneof("response")
        if kind == "tile_chunk":
            payloads.append(response.tile_chunk.data)
            stream.ack(len(response.tile_chunk.data))
        elif kind == "view_status":
            status = response.view_status
            if status.sequence == sequence and status.complete:
                return payloads
    raise AssertionError("the view never completed")


def turned(world):
    camera = spawn_camera(world, 96, 72)
    eye = camera.position
    return camera.with_pose(look_at(tuple(eye), tuple(eye + np.array([0.0, 0.0, 3.0]))))


def test_a_stream_of_a_deleted_world_ends_and_never_carries_the_new_world_of_its_id(studios):
    a, b = studios
    old = a.create_world(PHOTO_A, world_id="lobby")
    stream = a.explore(old.name, no_generation=True)
    camera = spawn_camera(old, 96, 72)
    stream.send_view(camera, 0)
    before = read_until_complete(stream, 0)
    assert before, "the stream sent nothing before the delete"

    a.delete_world(old.name)
    new = b.create_world(PHOTO_B, world_id="lobby")
    assert new.uid and new.uid != old.uid
    # A turns the camera as the attacker did; the stream has ended, so nothing answers.
    stream.send_view(turned(old), 1)
    with pytest.raises(ClientError) as ended:
        tile_payloads(stream, time.monotonic() + 10)
    assert ended.value.reason == "WORLD_DELETED"

    with b.explore(new.name, no_generation=True) as theirs:
        theirs.send_view(spawn_camera(new, 96, 72), 0)
        b_bytes = set(read_until_complete(theirs, 0))
    assert b_bytes and not b_bytes & set(before)
    assert list(a.list_worlds()) == []


def test_a_generation_job_of_a_deleted_world_writes_nothing_into_the_new_world_of_its_id(
    server, studios, monkeypatch
):
    a, b = studios
    gate = gate_generator(monkeypatch, "extend")
    old = a.create_world(PHOTO_A, world_id="lobby")
    stream = a.explore(old.name)
    stream.send_view(turned(old), 0)  # a view the photo never saw: a job is started
    assert gate.arrived.wait(60), "no generation job started"

    a.delete_world(old.name)
    new = b.create_world(PHOTO_B, world_id="lobby", display_name="B's lobby")
    directory = server.config.data_dir / "worlds" / f"lobby.{new.uid}"
    files_before = files_of(directory)
    gate.release.set()
    assert gate.returned.wait(60)
    jobs = servicer(server).jobs
    deadline = time.monotonic() + 30
    while jobs._active and time.monotonic() < deadline:
        time.sleep(0.05)
    ended = list(jobs._ended.values())
    assert ended and not jobs._active
    assert {(job.state, getattr(job.error, "reason", "")) for job in ended} == {
        ("failed", "WORLD_DELETED")
    }

    now = b.get_world(new.name)
    assert (now.display_name, now.splat_count, now.frame_count, now.uid) == (
        "B's lobby",
        new.splat_count,
        new.frame_count,
        new.uid,
    )
    assert now.update_time == new.update_time
    assert files_of(directory) == files_before
    assert sorted(p.name for p in directory.parent.iterdir()) == [f"lobby.{new.uid}"]
    stream.cancel()


def test_a_mesh_build_of_a_deleted_world_never_becomes_the_new_worlds_mesh(
    server, studios, monkeypatch
):
    a, b = studios
    gate = Gate()
    monkeypatch.setattr(surfaces_module, "surface_mesh", gate.wrap(surfaces_module.surface_mesh))
    old = a.create_world(PHOTO_A, world_id="lobby")
    outcome: list = []

    def export_old_mesh() -> None:
        try:
            with Client(server.address, timeout=60, token=TOKEN_A) as c:
                outcome.append(c.export_world(old.name, _Sink(), "mesh"))
        except ClientError as exc:
            outcome.append(exc)

    builder = threading.Thread(target=export_old_mesh)
    builder.start()
    assert gate.arrived.wait(60), f"the mesh build never started: {outcome}"
    a.delete_world(old.name)
    new = b.create_world(PHOTO_B, world_id="lobby")
    gate.release.set()
    builder.join(60)

    (result,) = outcome
    assert isinstance(result, ClientError) and result.reason == "WORLD_DELETED"
    directory = server.config.data_dir / "worlds" / f"lobby.{new.uid}"
    assert not (directory / "derived").exists(), "the old world's mesh reached the new world"
    assert sorted(p.name for p in directory.parent.iterdir()) == [f"lobby.{new.uid}"]
    # B's own mesh is built from B's frames when B asks for it.
    assert b.export_world(new.name, _Sink(), "mesh").total_bytes > 0
    assert (directory / "derived" / "surface.npz").is_file()


def test_deleting_a_world_while_it_is_created_ends_the_creation_and_leaves_no_files(
    server, studios, monkeypatch
):
    a, _ = studios
    gate = gate_generator(monkeypatch, "seed")
    outcome: list = []

    def create() -> None:
        try:
            with Client(server.address, timeout=60, token=TOKEN_A) as c:
                outcome.append(c.create_world(PHOTO_A, world_id="hasty"))
        except ClientError as exc:
            outcome.append(exc)

    creator = threading.Thread(target=create)
    creator.start()
    assert gate.arrived.wait(60)
    a.delete_world("worlds/hasty")
    gate.release.set()
    creator.join(60)

    (result,) = outcome
    assert isinstance(result, ClientError)
    assert (result.code.name, result.reason) == ("NOT_FOUND", "WORLD_DELETED")
    assert list((server.config.data_dir / "worlds").iterdir()) == []
    assert list(a.list_worlds()) == []
    assert world_problems(server.config.data_dir) == {}


def test_a_resume_manifest_of_a_deleted_world_resumes_nothing_of_the_new_one(studios):
    a, _ = studios
    old = a.create_world(PHOTO_A, world_id="lobby")
    held: dict = {}
    with a.explore(old.name, no_generation=True) as stream:
        stream.send_view(spawn_camera(old, 96, 72), 0)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            response = stream.next(timeout=10)
            kind = response.WhichOneof("response")
            if kind == "header":
                assert response.header.world.uid == old.uid
            elif kind == "tile_chunk":
                chunk = response.tile_chunk
                if chunk.chunk_index == chunk.chunk_count - 1:
                    held[(chunk.key.x, chunk.key.y, chunk.key.z, chunk.key.lod)] = chunk.version
                stream.ack(len(chunk.data))
            elif kind == "view_status" and response.view_status.complete:
                break
    assert held
    a.delete_world(old.name)
    new = a.create_world(PHOTO_A, world_id="lobby")  # the same photo: the same tile keys

    with a.explore(new.name, held=held, world_uid=old.uid, no_generation=True) as stream:
        header = stream.next(timeout=30).header
        assert header.world.uid == new.uid and header.resumed_tiles == 0
        removed = set()
        for _ in held:
            removal = stream.next(timeout=30).tile_removal
            removed.add((removal.key.x, removal.key.y, removal.key.z, removal.key.lod))
        assert removed == set(held)

    # The same manifest with the current uid resumes as before.
    with a.explore(new.name, held=held, world_uid=new.uid, no_generation=True) as stream:
        assert stream.next(timeout=30).header.resumed_tiles > 0


class _Sink:
    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)
