"""Limits: each breach is RESOURCE_EXHAUSTED (or INVALID_ARGUMENT for a request that is itself
too big) with a reason naming the limit, one tenant's breach does not touch another, the slot
comes back when its holder ends, and the server keeps serving."""

from __future__ import annotations

import io
import threading
import time

import grpc
import numpy as np
import pytest
from PIL import Image
from skimage import data

from conftest import fresh_server, jpeg_bytes
from security_support import assert_serving, rpc_error
from worldstream.api.ratelimit import RateLimiter
from worldstream.api.tokens import parse_tokens_env
from worldstream.client import Client, ClientError
from worldstream.client.requests import create_request
from worldstream.geometry.camera import look_at
from worldstream.store.store import Store
from worldstream.v1 import worldstream_pb2 as pb
from worldstream.world.jobs import GenerationJobs
from worldstream.world.worlds import Worlds

TOKEN_A = "limits-token-studio-a-0123456789"
TOKEN_B = "limits-token-studio-b-0123456789"
TOKENS = parse_tokens_env(f"studio-a:{TOKEN_A},studio-b:{TOKEN_B}")
EXHAUSTED = grpc.StatusCode.RESOURCE_EXHAUSTED


def limited_server(tmp_path, **limits):
    return fresh_server(tmp_path, auth=True, tokens=TOKENS, generate_on_demand=False, **limits)


def big_photo() -> bytes:
    """1600 px wide: its creation takes about a second, long enough to overlap another call."""
    image = Image.fromarray(data.coffee()).resize((1600, 1067), Image.Resampling.BILINEAR)
    return jpeg_bytes(np.asarray(image))


def test_a_tenant_at_its_world_limit_gets_world_limit_reached_until_it_deletes_one(tmp_path, photo):
    with limited_server(tmp_path, max_worlds_per_tenant=2) as server:
        with Client(server.address, token=TOKEN_A) as a, Client(server.address, token=TOKEN_B) as b:
            first = a.create_world(photo)
            a.create_world(photo)
            error = rpc_error(a.create_world, photo)
            assert (error.code, error.reason) == (EXHAUSTED, "WORLD_LIMIT_REACHED")
            assert error.metadata == {"tenant": "studio-a", "limit": "2"}
            assert len(list(a.list_worlds())) == 2  # the refused creation left nothing
            b.create_world(photo)  # another tenant's count is its own
            a.delete_world(first.name)
            a.create_world(photo)
        assert_serving(server.address)


def test_a_tenant_at_its_session_limit_gets_session_limit_reached_until_one_closes(tmp_path, photo):
    with limited_server(tmp_path, max_sessions_per_tenant=2) as server:
        with Client(server.address, token=TOKEN_A) as a, Client(server.address, token=TOKEN_B) as b:
            world = a.create_world(photo)
            open_streams = [a.explore(world.name) for _ in range(2)]
            for stream in open_streams:
                assert stream.next(timeout=20).WhichOneof("response") == "header"
            error = rpc_error(a.explore(world.name).next, timeout=20)
            assert (error.code, error.reason) == (EXHAUSTED, "SESSION_LIMIT_REACHED")
            assert error.metadata == {"tenant": "studio-a", "limit": "2"}
            # Another tenant is not held back (its view of the world is NOT_FOUND, not a limit).
            other = rpc_error(b.explore(world.name).next, timeout=20)
            assert other.reason == "WORLD_NOT_FOUND"
            # A client that vanishes gives its slot back, as does one that closes.
            open_streams[0].cancel()
            open_streams[1].close()
            deadline = time.monotonic() + 10
            while True:
                stream = a.explore(world.name)
                try:
                    assert stream.next(timeout=20).WhichOneof("response") == "header"
                    break
                except ClientError as error:
                    assert error.reason == "SESSION_LIMIT_REACHED"
                    assert time.monotonic() < deadline, "the slots never came back"
                    time.sleep(0.1)
            with stream, a.explore(world.name) as again:
                assert again.next(timeout=20).WhichOneof("response") == "header"
        assert_serving(server.address)


def test_a_tenants_creations_in_progress_are_limited_even_after_the_caller_leaves(tmp_path):
    photo = big_photo()
    with limited_server(tmp_path, max_creations_per_tenant=1) as server:
        with Client(server.address, token=TOKEN_A) as a, Client(server.address, token=TOKEN_B) as b:
            request = create_request(photo, world_id="slow-one", max_side_px=1024)
            call = a.stub.CreateWorld(request, timeout=60)
            assert next(call).HasField("progress")  # the creation is under way
            call.cancel()  # ...and its caller is gone; the job runs on
            error = rpc_error(a.create_world, photo, world_id="second-one")
            assert (error.code, error.reason) == (EXHAUSTED, "CREATION_LIMIT_REACHED")
            assert error.metadata == {"tenant": "studio-a", "limit": "1"}
            assert b.create_world(photo, world_id="b-meanwhile").state == pb.WORLD_STATE_READY
            deadline = time.monotonic() + 60
            while a.get_world("slow-one").state != pb.WORLD_STATE_READY:
                assert time.monotonic() < deadline
                time.sleep(0.05)
            # The slot is free once the job has ended.
            for _ in range(50):
                try:
                    a.create_world(photo, world_id="second-one", max_side_px=64)
                    break
                except ClientError as error:  # the job's end frees the slot a moment later
                    assert error.reason == "CREATION_LIMIT_REACHED"
                    time.sleep(0.05)
            assert a.get_world("second-one").state == pb.WORLD_STATE_READY
        assert_serving(server.address)


def test_a_resume_manifest_over_the_limit_is_manifest_too_large(tmp_path, photo):
    with fresh_server(tmp_path, max_held_tiles=10, generate_on_demand=False) as server:
        with Client(server.address) as c:
            world = c.create_world(photo)
            held = {(i, 0, 0, 0): 1 for i in range(11)}
            error = rpc_error(c.explore(world.name, held=held).next, timeout=20)
            assert (error.code, error.reason) == (
                grpc.StatusCode.INVALID_ARGUMENT,
                "MANIFEST_TOO_LARGE",
            )
            del held[(10, 0, 0, 0)]
            with c.explore(world.name, held=held) as stream:
                assert stream.next(timeout=20).WhichOneof("response") == "header"
        assert_serving(server.address)


def test_an_explore_message_above_the_transport_limit_is_resource_exhausted(tmp_path, photo):
    from worldstream.generate.photo import PhotoLimits

    config = dict(max_receive_message_bytes=200_000, photo_limits=PhotoLimits(max_bytes=100_000))
    with fresh_server(tmp_path, generate_on_demand=False, **config) as server:
        with Client(server.address) as c:
            world = c.create_world(photo)
            held = {(i, i, i, 0): 1 for i in range(20_000)}  # about 400 kB
            error = rpc_error(c.explore(world.name, held=held).next, timeout=20)
            assert error.code == EXHAUSTED
        assert_serving(server.address)


def test_generation_jobs_beyond_the_limit_are_refused_but_joining_one_is_not(tmp_path, photo):
    from worldstream.api.convert import world_to_proto
    from worldstream.cli.commands import spawn_camera
    from worldstream.errors import ResourceExhausted

    worlds = Worlds(Store(tmp_path))
    record = worlds.create(photo)
    camera = spawn_camera(world_to_proto(record), 96, 72)
    eye = camera.position
    behind = camera.with_pose(look_at(tuple(eye), tuple(eye + np.array([0.0, 0.0, 3.0]))))
    jobs = GenerationJobs(worlds, workers=1, max_jobs=1)
    try:
        job, created = jobs.submit(record.id, "behind", [behind])
        assert created
        with pytest.raises(ResourceExhausted) as err:
            jobs.submit(record.id, "left", [behind])
        assert err.value.reason == "GENERATION_QUEUE_FULL" and err.value.metadata["limit"] == "1"
        joined, created = jobs.submit(record.id, "behind", [behind])
        assert joined is job and not created
        assert job.done.wait(60) and job.state == "done"
        _, created = jobs.submit(record.id, "left", [behind])  # room again
        assert created
    finally:
        jobs.shutdown()


def test_the_view_rate_limiter_allows_a_seconds_burst_then_the_rate():
    now = [0.0]
    limiter = RateLimiter(10, clock=lambda: now[0])
    assert sum(limiter.allow() for _ in range(25)) == 10  # one second's worth at once
    assert limiter.seconds_until_allowed() == pytest.approx(0.1)
    now[0] += 0.5
    assert sum(limiter.allow() for _ in range(25)) == 5
    assert limiter.should_warn() and not limiter.should_warn()
    now[0] += 1.0
    assert limiter.should_warn()
    # Over ten seconds of steady excess, the average is the rate.
    allowed = 0
    for _ in range(1000):
        now[0] += 0.01
        allowed += limiter.allow() + limiter.allow()
    assert 95 <= allowed <= 110
    with pytest.raises(ValueError):
        RateLimiter(0)


def test_every_limit_has_a_positive_default_and_refuses_nonsense():
    from worldstream.api.config import ServerConfig

    config = ServerConfig()
    assert config.max_worlds_per_tenant == 1000 and config.max_sessions_per_tenant == 64
    assert config.max_creations_per_tenant == 8 and config.max_generation_jobs == 64
    assert config.max_view_updates_per_s == 120.0
    with pytest.raises(ValueError, match="max_sessions_per_tenant"):
        ServerConfig(max_sessions_per_tenant=0)


def test_an_upload_over_the_byte_limit_names_the_limit(tmp_path):
    from worldstream.generate.photo import PhotoLimits

    noise = np.random.default_rng(1).integers(0, 256, (400, 400, 3), dtype=np.uint8)
    big = io.BytesIO()
    Image.fromarray(noise).save(big, "PNG")
    limits = PhotoLimits(max_bytes=100_000)
    with fresh_server(tmp_path, photo_limits=limits) as server, Client(server.address) as c:
        error = rpc_error(c.create_world, big.getvalue())
        assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "PHOTO_TOO_LARGE")
        assert error.metadata == {"bytes": str(len(big.getvalue())), "limit": "100000"}
        assert_serving(server.address)


def test_limits_are_counted_per_call_not_leaked_by_failures(tmp_path):
    """Refused creations (bad photos) free their slot at once: a tenant with one slot can fail
    many times in a row and still create afterwards."""
    server = limited_server(tmp_path, max_creations_per_tenant=1)
    with server, Client(server.address, token=TOKEN_A) as a:
        for _ in range(5):
            assert rpc_error(a.create_world, b"not a photo").reason == "PHOTO_NOT_AN_IMAGE"
        threads = [
            threading.Thread(target=lambda: rpc_error(a.create_world, b"")) for _ in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        small = jpeg_bytes(np.full((32, 32, 3), 128, np.uint8))
        assert a.create_world(small).state == pb.WORLD_STATE_READY


def test_a_generation_job_for_a_huge_viewport_is_generated_at_a_bounded_size(tmp_path):
    from worldstream.geometry.camera import Camera
    from worldstream.world.jobs import MAX_GENERATED_SIDE_PX

    camera = Camera.from_fov(50.0, 16384, 9216, np.eye(4))
    jobs = GenerationJobs(Worlds(Store(tmp_path)), workers=1)
    try:
        # The world does not exist, so the job fails at once; what matters is what it was given.
        job, _ = jobs.submit("no-such-world", "r", [camera])
        assert job.done.wait(30) and job.state == "failed"
    finally:
        jobs.shutdown()
    (generated,) = job.cameras
    assert (generated.width, generated.height) == (MAX_GENERATED_SIDE_PX, 576)
    assert generated.fov_y_degrees == pytest.approx(camera.fov_y_degrees)
    assert np.array_equal(generated.world_to_camera, camera.world_to_camera)
