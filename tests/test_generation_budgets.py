"""Generation on demand is bounded per world and per tenant, over real streams: a client walking
into the unknown grows its world only to the world's budget, fills only its tenant's share of the
queue, and leaves no queued job behind when it goes."""

from __future__ import annotations

import contextlib
import queue
import threading
import time

import numpy as np
import pytest

from conftest import fresh_server
from worldstream.api.tokens import parse_tokens_env
from worldstream.cli.commands import spawn_camera
from worldstream.client import Client
from worldstream.geometry.camera import look_at
from worldstream.world import worlds as worlds_module

TOKEN_A = "budget-token-studio-a-0123456789"
TOKEN_B = "budget-token-studio-b-0123456789"
TOKENS = parse_tokens_env(f"studio-a:{TOKEN_A},studio-b:{TOKEN_B}")


def headings(world, count: int):
    """The spawn camera turned to `count` headings around it: most of them unseen by the photo."""
    camera = spawn_camera(world, 96, 72)
    eye = camera.position
    for k in range(count):
        angle = np.pi * (1 + 2 * k / count)  # starting behind the photo's camera
        ahead = eye + 3.0 * np.array([np.sin(angle), 0.0, -np.cos(angle)])
        yield camera.with_pose(look_at(tuple(eye), tuple(ahead)))


class Generation:
    """Counts the generator's views; holds them while `hold` is clear."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, hold: bool = False) -> None:
        self.release = threading.Event()
        if not hold:
            self.release.set()
        self.views = 0
        self.arrived = threading.Event()
        real = worlds_module.get_generator

        def counted(name, options):
            generator = real(name, options)
            extend = generator.extend

            def counted_extend(*args, **kwargs):
                self.views += 1
                self.arrived.set()
                assert self.release.wait(60), "generation was never released"
                return extend(*args, **kwargs)

            generator.extend = counted_extend
            return generator

        monkeypatch.setattr(worlds_module, "get_generator", counted)


@contextlib.contextmanager
def held_until_the_end(generation: Generation):
    """Whatever happens in the test, held generation is let go before the server stops."""
    try:
        yield
    finally:
        generation.release.set()


def read_until(stream, done, timeout: float = 60.0) -> list:
    """Responses (acknowledging tiles) until `done(response)`; all of them."""
    seen, deadline = [], time.monotonic() + timeout
    while True:
        response = stream.next(timeout=max(0.1, deadline - time.monotonic()))
        assert response is not None, "the stream ended"
        seen.append(response)
        if response.WhichOneof("response") == "tile_chunk":
            stream.ack(len(response.tile_chunk.data))
        if done(response):
            return seen


def complete(sequence: int):
    return lambda r: (
        r.WhichOneof("response") == "view_status"
        and r.view_status.sequence == sequence
        and r.view_status.complete
    )


def warnings_of(responses, reason: str) -> list:
    return [
        r.warning
        for r in responses
        if r.WhichOneof("response") == "warning" and r.warning.reason == reason
    ]


def test_a_client_walking_into_the_unknown_grows_its_world_only_to_the_worlds_budget(
    tmp_path, photo, monkeypatch
):
    generation = Generation(monkeypatch, hold=True)
    with fresh_server(tmp_path) as setup, Client(setup.address, timeout=60) as c:
        created = c.create_world(photo)
    # Room for one more view's splats, not two.
    budget = created.splat_count + 1
    with (
        held_until_the_end(generation),
        fresh_server(tmp_path, max_world_splats=budget) as server,
        Client(server.address, timeout=60) as c,
        c.explore(created.name) as stream,
    ):
        cameras = list(headings(created, 8))
        stream.send_view(cameras[0], 0)
        assert generation.arrived.wait(60)  # the first job runs (the world is under budget)
        for sequence, camera in enumerate(cameras[1:], 1):  # ...and more are asked for
            stream.send_view(camera, sequence)
            time.sleep(0.05)
        generation.release.set()
        seen = read_until(stream, complete(len(cameras) - 1))
        # More views, once the world has grown: each refused, said once, the stream goes on.
        for sequence, camera in enumerate(cameras, len(cameras)):
            stream.send_view(camera, sequence)
        seen += read_until(stream, complete(2 * len(cameras) - 1))
        grown = c.get_world(created.name)
    assert generation.views == 1
    assert grown.frame_count == created.frame_count + 1
    assert created.splat_count < budget <= grown.splat_count
    said = warnings_of(seen, "WORLD_GROWTH_LIMIT")
    assert len(said) == 1
    assert said[0].metadata["world"] == created.name.split("/")[-1]
    assert said[0].metadata["limit"] == str(budget)


def test_a_client_that_leaves_leaves_no_queued_generation_behind(tmp_path, photo, monkeypatch):
    generation = Generation(monkeypatch, hold=True)
    with (
        held_until_the_end(generation),
        fresh_server(tmp_path) as server,
        Client(server.address, timeout=60) as c,
    ):
        world = c.create_world(photo)
        jobs = server._running.servicer.jobs
        stream = c.explore(world.name)
        for sequence, camera in enumerate(headings(world, 8)):
            stream.send_view(camera, sequence)
            time.sleep(0.05)
        assert generation.arrived.wait(60)
        deadline = time.monotonic() + 30
        while len(jobs._active) < 3:  # one running, more queued behind it
            assert time.monotonic() < deadline, f"{len(jobs._active)} jobs were asked for"
            time.sleep(0.05)
        stream.cancel()
        deadline = time.monotonic() + 30
        while len(jobs._active) > 1:  # the queued ones are cancelled, the running one is not
            assert time.monotonic() < deadline, f"{len(jobs._active)} jobs are still queued"
            time.sleep(0.05)
        generation.release.set()
        while jobs._active:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert generation.views == 1


def test_one_tenant_fills_only_its_share_of_the_queue_and_another_tenants_view_is_generated(
    tmp_path, photo, monkeypatch
):
    generation = Generation(monkeypatch, hold=True)
    limits = dict(max_generation_jobs=2, max_generation_jobs_per_tenant=1)
    with (
        held_until_the_end(generation),
        fresh_server(tmp_path, auth=True, tokens=TOKENS, **limits) as server,
        Client(server.address, timeout=60, token=TOKEN_A) as a,
        Client(server.address, timeout=60, token=TOKEN_B) as b,
    ):
        world_a, world_b = a.create_world(photo), b.create_world(photo)
        with a.explore(world_a.name) as flood, b.explore(world_b.name) as other:
            for sequence, camera in enumerate(headings(world_a, 4)):
                flood.send_view(camera, sequence)
            refused = read_until(flood, lambda r: bool(warnings_of([r], "GENERATION_QUEUE_FULL")))
            warning = warnings_of(refused, "GENERATION_QUEUE_FULL")[0]
            assert warning.metadata == {"tenant": "studio-a", "limit": "1"}
            # studio-a holds one place of two; studio-b's view gets the other: its job is
            # queued behind studio-a's, and the view waits for it.
            other.send_view(next(headings(world_b, 1)), 0)
            heard = read_until(
                other,
                lambda r: (
                    r.WhichOneof("response") == "view_status"
                    and r.view_status.pending_generation > 0
                ),
            )
            assert not warnings_of(heard, "GENERATION_QUEUE_FULL")
            generation.release.set()
            heard = read_until(other, complete(0))
            assert any(r.WhichOneof("response") == "generation" for r in heard)
            with pytest.raises(queue.Empty):  # nothing more is said to A about the queue
                while True:
                    response = flood.next(timeout=0.5)
                    assert not warnings_of([response], "GENERATION_QUEUE_FULL")
