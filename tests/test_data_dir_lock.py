"""One owner per data dir: a second Store, a second `worldstream serve` or a CLI command that
would run a server in-process on a live data dir is refused (DATA_DIR_IN_USE, exit code 2)
before it reads or writes anything there, so the live server's creations are left alone."""

from __future__ import annotations

import os
import threading

import pytest

from conftest import fresh_server
from security_support import ServeProcess, run_cli
from worldstream.client import Client
from worldstream.store.lock import DataDirInUse
from worldstream.store.store import Store
from worldstream.v1 import worldstream_pb2 as pb
from worldstream.world import worlds as worlds_module


def test_a_second_store_on_a_live_data_dir_is_refused_until_the_first_closes(tmp_path):
    first = Store(tmp_path / "data")
    try:
        with pytest.raises(DataDirInUse) as refused:
            Store(tmp_path / "data")
        assert refused.value.reason == "DATA_DIR_IN_USE"
        assert f"in use by a running server (pid {os.getpid()})" in refused.value.message
        assert "pass --server HOST:PORT to talk to it" in refused.value.message
        # The refused Store did not take the lock away: the owner is still refused to others.
        with pytest.raises(DataDirInUse):
            Store(tmp_path / "data")
    finally:
        first.close()
    Store(tmp_path / "data").close()  # free again once the owner closed


def test_the_cli_beside_a_live_server_refuses_with_exit_2_and_names_the_server(tmp_path, photo):
    data_dir = tmp_path / "data"
    with ServeProcess(data_dir) as server:
        with Client(server.address, timeout=60) as c:
            world = c.create_world(photo, world_id="kept")
        pid = server.process.pid
        for args in (
            ["worlds", "--data-dir", str(data_dir)],
            ["serve", "--port", "0", "--data-dir", str(data_dir)],
        ):
            done = run_cli(*args, timeout=60)
            assert done.returncode == 2, (args, done.stdout, done.stderr)
            said = " ".join(done.stderr.split())  # rich wraps long lines
            assert "DATA_DIR_IN_USE" in said, said
            assert f"{data_dir} is in use by a running server (pid {pid}, listening on " in said
            assert f"pass --server {server.address} to talk to it" in said
        # The message's advice works, and the server was not disturbed.
        listed = run_cli("worlds", "--server", server.address, timeout=60)
        assert listed.returncode == 0 and "worlds/kept\tready" in listed.stdout, listed.stderr
        with Client(server.address, timeout=60) as c:
            assert c.get_world(world.name) == world


def test_a_refused_cli_leaves_a_creating_world_and_its_temp_files_alone(
    tmp_path, photo, monkeypatch
):
    data_dir = tmp_path / "data"
    started, go_on = threading.Event(), threading.Event()
    lift = worlds_module.lift_seed

    def held_lift(*args, **kwargs):
        started.set()
        assert go_on.wait(60)
        return lift(*args, **kwargs)

    with fresh_server(data_dir) as server, Client(server.address, timeout=60) as c:
        c.create_world(photo, world_id="kept")
        # A write the live server has in progress: recovery would delete it.
        (kept_dir,) = (p for p in (data_dir / "worlds").iterdir() if p.is_dir())
        in_progress = kept_dir / ".frames.npz.a1b2c3.tmp"
        in_progress.write_bytes(b"half of a file being written")
        monkeypatch.setattr(worlds_module, "lift_seed", held_lift)
        result: dict = {}
        creator = threading.Thread(
            target=lambda: result.update(world=c.create_world(photo, world_id="busy"))
        )
        creator.start()
        try:
            assert started.wait(60), "the creation never started"
            assert c.get_world("busy").state == pb.WORLD_STATE_CREATING
            done = run_cli("worlds", "--data-dir", str(data_dir), timeout=60)
            assert done.returncode == 2 and "DATA_DIR_IN_USE" in done.stderr, done.stderr
            assert c.get_world("busy").state == pb.WORLD_STATE_CREATING
            assert in_progress.read_bytes() == b"half of a file being written"
        finally:
            go_on.set()
            creator.join(60)
        assert result["world"].state == pb.WORLD_STATE_READY
        assert c.get_world("busy").state == pb.WORLD_STATE_READY
