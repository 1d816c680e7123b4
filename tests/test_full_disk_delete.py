"""A full disk: deleting a world still works, so space can be freed through the API. A small
tmpfs is the disk (skipped where this process may not mount one)."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import grpc

from conftest import fresh_server
from security_support import assert_serving, rpc_error, tmpfs, world_problems
from worldstream.client import Client
from worldstream.v1 import worldstream_pb2 as pb


def fill(path: Path) -> None:
    """Fill the disk `path` is on to the last byte."""
    # Unbuffered, and closed inside the suppress: a full disk also fails the close.
    with contextlib.suppress(OSError), open(path, "wb", buffering=0) as f:
        while True:
            f.write(b"\0" * 65536)
    with contextlib.suppress(OSError), open(path, "ab", buffering=0) as f:
        while True:
            f.write(b"\0" * 512)


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def test_a_world_can_be_deleted_on_a_full_disk_and_its_space_is_freed(tmp_path, photo):
    data_dir = tmp_path / "data"
    with tmpfs(data_dir, "24m"):
        with fresh_server(data_dir) as server, Client(server.address, timeout=60) as c:
            kept = c.create_world(photo, world_id="kept")
            doomed = [c.create_world(photo, world_id=f"doomed-{i}") for i in range(2)]
            (world_dir,) = (data_dir / "worlds").glob("doomed-0.*")
            size = dir_bytes(world_dir)
            filler = data_dir / "filler"
            fill(filler)
            assert shutil.disk_usage(data_dir).free < 64 * 1024
            error = rpc_error(c.create_world, photo, world_id="no-room")
            assert (error.code, error.reason) == (
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                "STORAGE_FULL",
            )
            free = shutil.disk_usage(data_dir).free
            c.delete_world(doomed[0].name)
            assert rpc_error(c.get_world, doomed[0].name).reason == "WORLD_NOT_FOUND"
            assert not world_dir.exists()
            assert shutil.disk_usage(data_dir).free >= free + size * 0.9
            # Full again for a second delete (what the first freed taken again).
            fill(data_dir / "filler-2")
            c.delete_world(doomed[1].name)
            assert [w.name for w in c.list_worlds()] == [kept.name]
            assert c.get_world(kept.name) == kept
            filler.unlink()
            (data_dir / "filler-2").unlink()
            assert c.create_world(photo, world_id="with-room").state == pb.WORLD_STATE_READY
            assert_serving(server.address)
        assert world_problems(data_dir) == {name: [] for name in world_problems(data_dir)}
        assert len(world_problems(data_dir)) == 2  # kept and with-room
