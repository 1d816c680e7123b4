"""A world's data on disk gone wrong, and what calls answer: a missing or damaged manifest is
WORLD_DATA_CORRUPT, never a bare INTERNAL; a world deleted while it is first loaded is
NOT_FOUND."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import grpc
import numpy as np
import pytest
from PIL import Image
from skimage import data

from conftest import fresh_server, jpeg_bytes
from security_support import assert_serving, rpc_error
from worldstream.client import Client
from worldstream.world import worlds as worlds_module


@pytest.fixture(scope="module")
def small_photo() -> bytes:
    return jpeg_bytes(np.asarray(Image.fromarray(data.coffee()).resize((120, 80))))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with fresh_server(tmp_path_factory.mktemp("world-data"), generate_on_demand=False) as running:
        yield running


def instance_dir(data_dir: Path, world_id: str) -> Path:
    (found,) = (data_dir / "worlds").glob(f"{world_id}.*")
    return found


def rewrite(edit: Callable[[dict], object]) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        path.write_text(json.dumps(edit(json.loads(path.read_text()))))

    return damage


DAMAGES = {
    "missing": lambda path: path.unlink(),
    "not-json": lambda path: path.write_text('{"version": 1, "files": '),
    "not-utf8": lambda path: path.write_bytes(b"\xff\xfe{}"),
    "a-list": lambda path: path.write_text("[]"),
    "no-version": rewrite(lambda m: {k: v for k, v in m.items() if k != "version"}),
    "no-checksums": rewrite(lambda m: {**m, "files": {}}),
    "bad-chunks": rewrite(lambda m: {**m, "splat_chunks": [{"name": 7}]}),
    "bad-frames": rewrite(lambda m: {**m, "frames": {"a": 1}}),
    "bad-layout": rewrite(lambda m: {**m, "layout": [[1, 2]]}),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_missing_or_damaged_manifest_answers_world_data_corrupt(server, small_photo, damage):
    with Client(server.address, timeout=60) as c:
        world = c.create_world(small_photo, world_id=f"manifest-{damage}")
        DAMAGES[damage](
            instance_dir(server.config.data_dir, world.name.split("/")[1]) / "manifest.json"
        )
        for call in (
            lambda: c.export_world(world.name, io.BytesIO()),
            lambda: c.explore(world.name).next(timeout=30),
        ):
            error = rpc_error(call)
            assert (error.code, error.reason) == (
                grpc.StatusCode.INTERNAL,
                "WORLD_DATA_CORRUPT",
            ), error.message
            assert error.metadata == {"world": world.name}
            assert "manifest.json" in error.message
        assert c.get_world(world.name).name == world.name  # the catalog still answers
    assert_serving(server.address)


@pytest.mark.parametrize("when", ["before-its-files-are-read", "after-its-files-are-read"])
def test_a_world_deleted_during_its_first_load_answers_not_found(
    server, small_photo, monkeypatch, when
):
    worlds = server._running.servicer.worlds
    with Client(server.address, timeout=60) as c:
        world = c.create_world(small_photo, world_id=f"first-load-{when[:5]}")
        world_id = world.name.split("/")[1]
        deleted = []

        def delete_once() -> None:
            if not deleted:
                deleted.append(worlds.delete(world_id))

        if when == "before-its-files-are-read":
            read = worlds.store.files.read_arrays

            def reading(*args, **kwargs):
                delete_once()
                return read(*args, **kwargs)

            monkeypatch.setattr(worlds.store.files, "read_arrays", reading)
        else:
            build = worlds_module.build_tiles

            def building(*args, **kwargs):
                delete_once()
                return build(*args, **kwargs)

            monkeypatch.setattr(worlds_module, "build_tiles", building)
        error = rpc_error(c.export_world, world.name, io.BytesIO())
        assert deleted, "the delete did not run during the load"
        assert error.code == grpc.StatusCode.NOT_FOUND, (error.reason, error.message)
        assert error.reason in ("WORLD_DELETED", "WORLD_NOT_FOUND")
        monkeypatch.undo()
        assert rpc_error(c.get_world, world.name).reason == "WORLD_NOT_FOUND"
    assert_serving(server.address)
