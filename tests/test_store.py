"""Persistence: atomic writes, the SQLite catalog, world directories and restart recovery."""

from __future__ import annotations

import hashlib
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from worldstream.errors import AlreadyExists, Internal, InvalidArgument, NotFound
from worldstream.store.atomic import (
    read_arrays,
    sha256_file,
    write_arrays_atomic,
    write_bytes_atomic,
)
from worldstream.store.catalog import Catalog, WorldRecord
from worldstream.store.store import Store
from worldstream.store.worlddir import MANIFEST, WorldFiles


def leftovers(directory: Path) -> list[str]:
    """Temp files an atomic write would leave behind if it failed to clean up."""
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def catalog(tmp_path):
    cat = Catalog(tmp_path / "catalog.sqlite3")
    yield cat
    cat.close()


# --- atomic writes -----------------------------------------------------------------------------


def test_an_atomic_write_replaces_the_content_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "sub" / "data.bin"
    write_bytes_atomic(target, b"first version")
    write_bytes_atomic(target, b"second")

    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["data.bin"]


def test_an_atomic_write_returns_the_sha256_of_what_it_wrote(tmp_path):
    data = bytes(range(256)) * 41
    digest = write_bytes_atomic(tmp_path / "blob", data)

    assert digest == hashlib.sha256(data).hexdigest()
    assert sha256_file(tmp_path / "blob") == digest


def test_a_write_that_fails_after_the_temp_file_exists_keeps_the_previous_file(tmp_path):
    target = tmp_path / "data.bin"
    write_bytes_atomic(target, b"the good version")

    # Root ignores directory permissions, so fail the write itself: a str is not bytes, and
    # the binary file refuses it after the temp file has been created.
    with pytest.raises(TypeError):
        write_bytes_atomic(target, "not bytes")  # type: ignore[arg-type]

    assert target.read_bytes() == b"the good version"
    assert leftovers(tmp_path) == []


def test_an_array_write_that_fails_while_serialising_keeps_the_previous_file(tmp_path):
    class Unserialisable:
        def __array__(self, dtype=None, copy=None):
            raise RuntimeError("cannot become an array")

    target = tmp_path / "arrays.npz"
    write_arrays_atomic(target, {"a": np.arange(5)})
    before = target.read_bytes()

    with pytest.raises(RuntimeError, match="cannot become an array"):
        write_arrays_atomic(target, {"a": np.arange(3), "b": Unserialisable()})

    assert target.read_bytes() == before
    np.testing.assert_array_equal(read_arrays(target)["a"], np.arange(5))
    assert leftovers(tmp_path) == []


def test_arrays_written_atomically_read_back_equal_with_their_dtypes(tmp_path):
    arrays = {
        "means": np.random.default_rng(0).normal(size=(10, 3)).astype(np.float32),
        "ids": np.arange(7, dtype=np.int64),
    }
    digest = write_arrays_atomic(tmp_path / "g.npz", arrays)
    back = read_arrays(tmp_path / "g.npz")

    assert digest == sha256_file(tmp_path / "g.npz")
    assert set(back) == {"means", "ids"}
    for name, array in arrays.items():
        assert back[name].dtype == array.dtype
        np.testing.assert_array_equal(back[name], array)


# --- catalog -----------------------------------------------------------------------------------


def test_an_inserted_world_is_returned_by_get_with_its_fields(catalog):
    record = WorldRecord(
        id="w1",
        display_name="Kitchen",
        splat_count=1234,
        bounds_min=(-1.0, -2.0, -3.0),
        bounds_max=(1.0, 2.0, 3.0),
        extra={"k": "v"},
    )
    stored = catalog.insert(record)
    got = catalog.get("w1")

    assert got == stored
    assert got.display_name == "Kitchen"
    assert got.state == "creating"
    assert got.splat_count == 1234
    assert got.bounds_min == (-1.0, -2.0, -3.0)
    assert got.extra == {"k": "v"}
    assert got.create_time > 0 and got.update_time == got.create_time
    assert got.name == "worlds/w1"


def test_an_update_changes_state_and_fields_but_not_the_create_time(catalog):
    stored = catalog.insert(WorldRecord(id="w1", display_name="before"))
    catalog.update(replace(stored, state="ready", display_name="after", splat_count=99))
    got = catalog.get("w1")

    assert got.state == "ready"
    assert got.display_name == "after"
    assert got.splat_count == 99
    assert got.create_time == stored.create_time
    assert got.update_time >= stored.update_time


def test_updating_a_world_that_does_not_exist_raises_not_found_world_deleted(catalog):
    # Only work that holds a record updates it: a missing row means its instance was deleted.
    with pytest.raises(NotFound) as info:
        catalog.update(WorldRecord(id="ghost"))
    assert info.value.reason == "WORLD_DELETED"


def test_an_update_for_a_deleted_instance_leaves_the_new_world_of_its_id_alone(catalog):
    old = catalog.insert(WorldRecord(id="lobby", display_name="A's lobby", uid="a" * 32))
    catalog.delete("lobby")
    catalog.insert(WorldRecord(id="lobby", display_name="B's lobby", uid="b" * 32))
    with pytest.raises(NotFound) as info:
        catalog.update(replace(old, state="ready", splat_count=5))
    assert info.value.reason == "WORLD_DELETED"
    now = catalog.get("lobby")
    assert (now.display_name, now.uid, now.state) == ("B's lobby", "b" * 32, "creating")


def test_a_deleted_world_is_gone_and_deleting_it_again_raises_not_found(catalog):
    catalog.insert(WorldRecord(id="w1"))
    catalog.delete("w1")

    with pytest.raises(NotFound):
        catalog.get("w1")
    with pytest.raises(NotFound) as info:
        catalog.delete("w1")
    assert info.value.reason == "WORLD_NOT_FOUND"


def test_inserting_the_same_id_twice_raises_already_exists(catalog):
    catalog.insert(WorldRecord(id="w1", display_name="original"))
    with pytest.raises(AlreadyExists) as info:
        catalog.insert(WorldRecord(id="w1", display_name="impostor"))

    assert info.value.reason == "WORLD_ALREADY_EXISTS"
    assert info.value.metadata["world"] == "worlds/w1"
    assert catalog.get("w1").display_name == "original"


def test_getting_a_missing_world_raises_not_found_naming_it(catalog):
    with pytest.raises(NotFound) as info:
        catalog.get("nope")
    assert info.value.reason == "WORLD_NOT_FOUND"
    assert info.value.metadata["world"] == "worlds/nope"


def insert_several(catalog: Catalog, count: int) -> list[str]:
    ids = []
    for i in range(count):
        ids.append(f"world-{i}")
        catalog.insert(WorldRecord(id=ids[-1]))
        time.sleep(0.002)  # distinct create times, so "newest first" is one exact order
    return ids


def test_listing_pages_newest_first_with_no_duplicates_or_gaps(catalog):
    ids = insert_several(catalog, 7)

    pages, token = [], ""
    while True:
        records, token = catalog.list(page_size=3, page_token=token)
        pages.append([r.id for r in records])
        if not token:
            break

    assert [len(p) for p in pages] == [3, 3, 1]
    listed = [world_id for page in pages for world_id in page]
    assert listed == list(reversed(ids))


def test_a_page_of_exactly_the_remaining_worlds_has_no_next_token(catalog):
    insert_several(catalog, 6)
    first, token = catalog.list(page_size=3)
    second, last_token = catalog.list(page_size=3, page_token=token)

    assert token != ""
    assert len(first) == len(second) == 3
    assert last_token == ""


def test_a_world_added_between_pages_does_not_shift_the_next_page(catalog):
    ids = insert_several(catalog, 5)
    first, token = catalog.list(page_size=2)
    catalog.insert(WorldRecord(id="latecomer"))
    rest, _ = catalog.list(page_size=10, page_token=token)

    assert [r.id for r in first] == [ids[4], ids[3]]
    assert [r.id for r in rest] == [ids[2], ids[1], ids[0]]


@pytest.mark.parametrize("token", ["garbage!!", "bm90IGpzb24=", "W10=", "e30="])
def test_a_page_token_this_server_did_not_issue_raises_invalid_argument(catalog, token):
    # "garbage!!" is not base64; the others decode to "not json", [] and {}.
    with pytest.raises(InvalidArgument) as info:
        catalog.list(page_size=3, page_token=token)
    assert info.value.reason == "INVALID_PAGE_TOKEN"


def test_a_reopened_catalog_finds_every_world_written_before(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    first = Catalog(path)
    ids = insert_several(first, 4)
    first.update(replace(first.get(ids[0]), state="ready", frame_count=3))
    first.close()

    second = Catalog(path)
    try:
        records, token = second.list(page_size=10)
        assert token == ""
        assert sorted(r.id for r in records) == sorted(ids)
        assert second.get(ids[0]).state == "ready"
        assert second.get(ids[0]).frame_count == 3
    finally:
        second.close()


def test_ids_in_state_lists_only_worlds_in_that_state(catalog):
    catalog.insert(WorldRecord(id="a"))
    catalog.insert(WorldRecord(id="b", state="ready"))
    catalog.insert(WorldRecord(id="c"))

    assert sorted(catalog.ids_in_state("creating")) == ["a", "c"]
    assert catalog.ids_in_state("ready") == ["b"]
    assert catalog.ids_in_state("failed") == []


# --- the store: recovery after a restart ---------------------------------------------------------


def test_a_world_left_creating_is_marked_failed_when_the_store_reopens(tmp_path):
    store = Store(tmp_path)
    store.catalog.insert(WorldRecord(id="interrupted"))
    ready = store.catalog.insert(WorldRecord(id="done"))
    store.catalog.update(replace(ready, state="ready"))
    store.files.create_dir("interrupted")
    store.files.write_arrays("interrupted", "partial", {"x": np.zeros(3)})
    store.close()

    reopened = Store(tmp_path)
    try:
        record = reopened.catalog.get("interrupted")
        assert record.state == "failed"
        assert "restart" in record.failure_message
        assert reopened.catalog.get("done").state == "ready"
        assert reopened.catalog.get("done").failure_message == ""
        # Partial files are kept for inspection.
        assert (reopened.files.dir("interrupted") / "partial.npz").exists()
    finally:
        reopened.close()


# --- world directories ---------------------------------------------------------------------------


def test_world_arrays_read_back_when_the_checksum_matches(tmp_path):
    files = WorldFiles(tmp_path)
    files.create_dir("w1")
    arrays = {"means": np.arange(12, dtype=np.float32).reshape(4, 3)}
    digest = files.write_arrays("w1", "gaussians", arrays)
    files.write_manifest("w1", {"gaussians": digest, "version": 1})

    manifest = files.read_manifest("w1")
    back = files.read_arrays("w1", "gaussians", sha256=manifest["gaussians"])

    np.testing.assert_array_equal(back["means"], arrays["means"])
    assert manifest["version"] == 1
    assert (files.dir("w1") / MANIFEST).is_file()
    assert leftovers(files.dir("w1")) == []


def test_a_corrupted_world_file_raises_internal_world_data_corrupt(tmp_path):
    files = WorldFiles(tmp_path)
    files.create_dir("w1")
    digest = files.write_arrays("w1", "gaussians", {"means": np.ones((50, 3), np.float32)})
    path = files.dir("w1") / "gaussians.npz"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))

    with pytest.raises(Internal) as info:
        files.read_arrays("w1", "gaussians", sha256=digest)
    assert info.value.reason == "WORLD_DATA_CORRUPT"
    assert info.value.metadata["world"] == "worlds/w1"


def test_removing_a_world_deletes_its_directory_and_leaves_the_others(tmp_path):
    files = WorldFiles(tmp_path)
    for name in ("w1", "w2"):
        files.create_dir(name)
    files.write_arrays("w1", "a", {"x": np.zeros(2)})
    files.write_arrays("w2", "a", {"x": np.ones(2)})

    files.remove("w1")
    files.remove("never-existed")  # a no-op, not an error

    assert not files.dir("w1").exists()
    assert files.dir("w2").is_dir()
    assert list(files.trash.iterdir()) == []


def test_a_write_into_a_removed_world_directory_fails_world_deleted_and_leaves_no_file(tmp_path):
    files = WorldFiles(tmp_path)
    files.create_dir("lobby.aaaa")
    files.write_arrays("lobby.aaaa", "frames/000000", {"x": np.zeros(2)})
    files.remove("lobby.aaaa")
    for write in (
        lambda: files.write_arrays("lobby.aaaa", "derived/surface", {"x": np.zeros(2)}),
        lambda: files.write_arrays("lobby.aaaa", "frames/000001", {"x": np.zeros(2)}),
        lambda: files.write_manifest("lobby.aaaa", {"version": 2}),
    ):
        with pytest.raises(NotFound) as info:
            write()
        assert info.value.reason == "WORLD_DELETED"
        assert info.value.metadata["world"] == "worlds/lobby"
    assert list(files.root.iterdir()) == []
