"""Faults: a real `worldstream serve` killed with SIGKILL during creation and during generation
and restarted on the same data dir; clients that vanish mid-stream; a read-only data dir; a
full disk (a small tmpfs where this process may mount one, and RLIMIT_FSIZE on the server
process everywhere). Worlds are checked against the checksums in their manifests."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import json
import resource
import threading
import time

import grpc
import numpy as np
from PIL import Image
from skimage import data

from conftest import fresh_server, jpeg_bytes
from security_support import (
    ServeProcess,
    SwitchableDir,
    assert_serving,
    rpc_error,
    run_cli,
    temp_files,
    tmpfs,
    world_dir,
    world_problems,
)
from worldstream.api import explore as explore_module
from worldstream.api.inprocess import _shared_loop
from worldstream.cli.commands import spawn_camera
from worldstream.client import Client
from worldstream.geometry.camera import look_at
from worldstream.v1 import worldstream_pb2 as pb


def turned_around(world, width: int = 96, height: int = 72):
    """The spawn camera turned 180 degrees: the photo saw none of it, so it is generated."""
    camera = spawn_camera(world, width, height)
    eye = camera.position
    return camera.with_pose(look_at(tuple(eye), tuple(eye + np.array([0.0, 0.0, 3.0]))))


def manifest(data_dir, world_id: str) -> dict:
    return json.loads((world_dir(data_dir, world_id) / "manifest.json").read_text())


def explore_until_complete(stream, sequence: int, timeout: float = 60.0) -> dict:
    """Read (acking tiles) until the view is complete; what arrived on the way."""
    seen = {"jobs": set(), "warnings": [], "stages": []}
    deadline = time.monotonic() + timeout
    while True:
        response = stream.next(timeout=max(0.1, deadline - time.monotonic()))
        assert response is not None, "the stream ended"
        kind = response.WhichOneof("response")
        if kind == "tile_chunk":
            stream.ack(len(response.tile_chunk.data))
        elif kind == "generation":
            seen["jobs"].add(response.generation.job)
            seen["stages"].append(response.generation.progress.stage)
        elif kind == "warning":
            seen["warnings"].append(response.warning.reason)
        elif kind == "view_status":
            status = response.view_status
            if status.sequence == sequence and status.complete:
                seen["status"] = status
                return seen


def big_photo() -> bytes:
    image = Image.fromarray(data.coffee()).resize((1600, 1067), Image.Resampling.BILINEAR)
    return jpeg_bytes(np.asarray(image))


# -- kill -9 ----------------------------------------------------------------------------------


def test_every_world_acknowledged_to_a_client_survives_kill_9(tmp_path, photo):
    data_dir = tmp_path / "data"
    server = ServeProcess(data_dir).start()
    try:
        with Client(server.address, timeout=60) as c:
            made = [c.create_world(photo, world_id=f"kept-{i}") for i in range(3)]
            with c.explore(made[0].name) as stream:
                stream.send_view(turned_around(made[0]), 0)
                grown = explore_until_complete(stream, 0)
            assert grown["jobs"] and grown["stages"][-1] == "done"
            made[0] = c.get_world(made[0].name)  # acknowledged: grown by one generated view
        server.kill9()  # at once, after the last answer
    finally:
        server.stop()
    assert world_problems(data_dir) == {w.name.split("/")[1]: [] for w in made}
    assert manifest(data_dir, "kept-0")["version"] == 2
    with server.start(), Client(server.address, timeout=60) as c:
        after = {w.name: w for w in c.list_worlds()}
        assert set(after) == {w.name for w in made}
        for world in made:
            assert after[world.name].splat_count == world.splat_count
            assert after[world.name].frame_count == world.frame_count
            buffer = io.BytesIO()
            assert c.export_world(world.name, buffer).total_bytes == len(buffer.getvalue()) > 0


def test_kill_9_while_a_world_is_saved_fails_that_world_and_harms_no_other(tmp_path, photo):
    data_dir = tmp_path / "data"
    server = ServeProcess(data_dir).start()
    saving = threading.Event()
    try:
        with Client(server.address, timeout=60) as c:
            kept = c.create_world(photo, world_id="kept")

            def create_big() -> None:
                def on_progress(p: pb.Progress) -> None:
                    if p.stage == "save":
                        saving.set()

                with contextlib.suppress(Exception), Client(server.address, timeout=60) as b:
                    b.create_world(
                        big_photo(), world_id="cut-off", max_side_px=1024, on_progress=on_progress
                    )

            creator = threading.Thread(target=create_big)
            creator.start()
            assert saving.wait(60), "the creation never reached its save stage"
            server.kill9()  # while its files are being written
            creator.join(30)
    finally:
        server.stop()
    left_behind = temp_files(data_dir)  # a write the kill cut off may have left a temp file
    planted = world_dir(data_dir, "kept") / ".manifest.json.x1y2z3.tmp"
    planted.write_bytes(b"the start of a manifest that was never renamed")
    assert world_problems(data_dir)["kept"] == []
    with server.start(), Client(server.address, timeout=60) as c:
        cut = c.get_world("cut-off")
        assert cut.state == pb.WORLD_STATE_FAILED
        assert cut.failure_message == "interrupted by a server restart"
        assert c.get_world(kept.name) == kept
        assert temp_files(data_dir) == [], f"left after restart (before: {left_behind})"
        # The failed world can be deleted, and its id used again.
        c.delete_world(cut.name)
        assert c.create_world(photo, world_id="cut-off").state == pb.WORLD_STATE_READY
    assert world_problems(data_dir) == {"kept": [], "cut-off": []}


def test_kill_9_during_a_generation_job_keeps_the_world_and_the_job_runs_again(tmp_path, photo):
    data_dir = tmp_path / "data"
    server = ServeProcess(data_dir).start()
    try:
        with Client(server.address, timeout=60) as c:
            world = c.create_world(photo, world_id="growing")
            stream = c.explore(world.name)
            stream.send_view(turned_around(world, 320, 240), 0)
            deadline = time.monotonic() + 60
            while True:
                response = stream.next(timeout=max(0.1, deadline - time.monotonic()))
                kind = response.WhichOneof("response")
                if kind == "generation" and response.generation.progress.stage == "running":
                    break
            server.kill9()  # the job is running: generating, not yet saved
            stream.cancel()
    finally:
        server.stop()
    assert world_problems(data_dir) == {"growing": []}
    assert manifest(data_dir, "growing")["version"] == 1  # the cut-off extension never landed
    with server.start(), Client(server.address, timeout=60) as c:
        assert c.get_world(world.name) == world  # intact, exactly as acknowledged
        with c.explore(world.name) as again:
            again.send_view(turned_around(world, 320, 240), 0)
            rerun = explore_until_complete(again, 0)
        assert rerun["jobs"] and rerun["stages"][-1] == "done" and rerun["warnings"] == []
        grown = c.get_world(world.name)
    assert grown.frame_count == 2 and grown.splat_count > world.splat_count
    assert manifest(data_dir, "growing")["version"] == 2
    assert world_problems(data_dir) == {"growing": []}


# -- clients that vanish ------------------------------------------------------------------------


def _server_tasks() -> int:
    async def count() -> int:
        return len(asyncio.all_tasks())

    return asyncio.run_coroutine_threadsafe(count(), _shared_loop()).result(10)


def _live_streams(shared) -> int:
    """Explore streams of the server whose `Shared` is `shared` still in memory (the suite's
    shared server may hold streams of other tests)."""
    gc.collect()
    return sum(
        type(o) is explore_module._Stream and o.shared is shared for o in gc.get_objects()
    )


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def test_clients_vanishing_mid_stream_leave_no_task_session_stream_or_memory(tmp_path, photo):
    with fresh_server(tmp_path, generate_on_demand=False) as server:
        servicer = server._running.servicer
        with Client(server.address, timeout=60) as c:
            world = c.create_world(photo)
            camera = spawn_camera(world, 320, 240)

            def vanish(times: int) -> None:
                for i in range(times):
                    # Half cancel their call; half lose their whole connection, as a client
                    # process that dies does.
                    owner = c if i % 2 else Client(server.address, timeout=60)
                    stream = owner.explore(world.name, credit_bytes=64 * 1024)
                    stream.send_view(camera, 0)
                    for _ in range(3):  # mid-stream: some tiles sent, none acknowledged
                        stream.next(timeout=20)
                    if owner is c:
                        stream.cancel()
                    else:
                        owner.close()

            def settled() -> bool:
                return (
                    _server_tasks() <= baseline_tasks
                    and not servicer.sessions
                    and not servicer.worlds._watchers
                )

            baseline_tasks = _server_tasks()
            vanish(10)  # warm-up: payload cache, pools
            deadline = time.monotonic() + 10
            while not settled():
                assert time.monotonic() < deadline, "tasks, sessions or watchers were left"
                time.sleep(0.05)
            rss = _rss_bytes()
            vanish(40)
            deadline = time.monotonic() + 10
            # A stream's object may outlive its task by a moment while gRPC lets go of its call.
            while not settled() or _live_streams(servicer.shared):
                assert time.monotonic() < deadline, (
                    f"tasks, sessions, watchers or {_live_streams(servicer.shared)} streams "
                    "were left"
                )
                time.sleep(0.05)
            grown = _rss_bytes() - rss
            assert grown < 32 * 1024 * 1024, f"{grown / 2**20:.1f} MiB more after 40 streams"
        assert_serving(server.address)


# -- read-only and full data directories ----------------------------------------------------


def test_world_storage_turning_read_only_refuses_writes_cleanly_and_keeps_serving_reads(
    tmp_path, photo
):
    with contextlib.ExitStack() as stack:
        worlds_dir = SwitchableDir(tmp_path / "data" / "worlds", stack)
        server = stack.enter_context(fresh_server(tmp_path / "data"))
        c = stack.enter_context(Client(server.address, timeout=60))
        kept = c.create_world(photo, world_id="kept")
        worlds_dir.read_only()
        error = rpc_error(c.create_world, photo, world_id="refused")
        assert (error.code, error.reason) == (
            grpc.StatusCode.FAILED_PRECONDITION,
            "STORAGE_NOT_WRITABLE",
        ), error.message
        assert c.get_world("refused").state == pb.WORLD_STATE_FAILED
        assert_serving(server.address)
        # Reading goes on: the world is fetched, exported and streamed...
        assert c.get_world(kept.name) == kept
        assert c.export_world(kept.name, io.BytesIO()).total_bytes > 0
        # ...and a view the world lacks asks for generation, whose save fails: a warning, and
        # the world stays as it was.
        with c.explore(kept.name) as stream:
            stream.send_view(turned_around(kept), 0)
            seen = explore_until_complete(stream, 0)
        assert seen["warnings"] == ["GENERATION_FAILED"] and seen["stages"][-1] == "failed"
        assert c.get_world(kept.name) == kept
        worlds_dir.writable()
        assert world_problems(tmp_path / "data")["kept"] == []
        assert manifest(tmp_path / "data", "kept")["version"] == 1
        assert temp_files(tmp_path / "data") == []
        assert c.create_world(photo, world_id="after").state == pb.WORLD_STATE_READY


def test_a_server_refuses_to_start_on_a_read_only_data_dir(tmp_path, photo):
    with contextlib.ExitStack() as stack:
        data_dir = SwitchableDir(tmp_path / "data", stack)
        with fresh_server(data_dir.path) as server, Client(server.address) as c:
            kept = c.create_world(photo, world_id="kept")
        data_dir.read_only()
        try:
            done = run_cli("serve", "--port", "0", "--data-dir", str(data_dir.path), timeout=60)
        finally:
            data_dir.writable()
        assert done.returncode == 2 and "STORAGE_NOT_WRITABLE" in done.stderr, done.stderr
        with fresh_server(data_dir.path) as server, Client(server.address) as c:
            assert c.get_world(kept.name) == kept


def test_a_full_disk_gives_storage_full_and_corrupts_no_world(tmp_path, photo):
    data_dir = tmp_path / "data"
    with tmpfs(data_dir, "16m"), fresh_server(data_dir) as server:
        with Client(server.address, timeout=60) as c:
            kept = c.create_world(photo, world_id="kept")
            filler = data_dir / "filler"
            # Unbuffered, and closed inside the suppress: a full disk also fails the close.
            with contextlib.suppress(OSError), open(filler, "wb", buffering=0) as f:
                while True:  # fill the disk, leaving less than a world needs
                    f.write(b"\0" * 65536)
            filler.write_bytes(filler.read_bytes()[: -256 * 1024])  # room for the catalog only
            error = rpc_error(c.create_world, photo, world_id="too-big")
            assert (error.code, error.reason) == (
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                "STORAGE_FULL",
            ), error.message
            assert_serving(server.address)
            assert c.get_world(kept.name) == kept
            refused = [w for w in c.list_worlds() if w.name == "worlds/too-big"]
            assert all(w.state == pb.WORLD_STATE_FAILED for w in refused)
            assert temp_files(data_dir) == []
            filler.unlink()
            assert c.create_world(photo, world_id="with-room").state == pb.WORLD_STATE_READY
        problems = world_problems(data_dir)
        assert problems["kept"] == [] and problems["with-room"] == []


def test_a_file_size_limit_on_the_server_process_gives_storage_full(tmp_path, photo):
    """The full disk where no tmpfs can be mounted: RLIMIT_FSIZE makes any write past 1 MB
    fail with EFBIG (Python ignores SIGXFSZ), as a full disk fails with ENOSPC."""
    limit = 1024 * 1024

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    small = jpeg_bytes(np.asarray(Image.fromarray(data.coffee()).resize((64, 48))))
    with ServeProcess(tmp_path / "data", preexec=small_files) as server:
        with Client(server.address, timeout=60) as c:
            fits = c.create_world(small, world_id="fits")  # 3,072 splats: well under 1 MB
            error = rpc_error(c.create_world, photo, world_id="too-big")  # 38,400: over
            assert (error.code, error.reason) == (
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                "STORAGE_FULL",
            ), error.message
            assert c.get_world("too-big").state == pb.WORLD_STATE_FAILED
            assert c.get_world(fits.name) == fits
        assert_serving(server.address)
    problems = world_problems(tmp_path / "data")
    assert problems["fits"] == [] and temp_files(tmp_path / "data") == []


def test_verify_checks_every_world_against_its_manifest_and_names_a_damaged_file(tmp_path, photo):
    data_dir = tmp_path / "data"
    with fresh_server(data_dir) as server, Client(server.address) as c:
        for name in ("sound", "damaged"):
            c.create_world(photo, world_id=name)
    clean = run_cli("verify", "--data-dir", str(data_dir))
    assert clean.returncode == 0, clean.stderr
    assert "worlds/sound\tok" in clean.stdout and "worlds/damaged\tok" in clean.stdout
    frame = world_dir(data_dir, "damaged") / "frames" / "000000.npz"
    frame.write_bytes(frame.read_bytes()[:-10])
    broken = run_cli("verify", "--data-dir", str(data_dir))
    assert broken.returncode == 1
    assert "worlds/damaged\tframes/000000.npz fails its checksum" in broken.stdout
    assert "worlds/sound\tok" in broken.stdout
