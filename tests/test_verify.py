"""`worldstream verify` checks what it says it checks, derived caches and export files included,
and a damaged cache or export file is built again by the server, never served or failed on."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from conftest import fresh_server, jpeg_bytes
from security_support import run_cli
from worldstream.client import Client
from worldstream.store.atomic import read_arrays


@pytest.fixture(scope="module")
def small_photo() -> bytes:
    return jpeg_bytes(np.asarray(Image.fromarray(data.coffee()).resize((120, 80))))


def instance_dir(data_dir: Path, world_id: str) -> Path:
    (found,) = (data_dir / "worlds").glob(f"{world_id}.*")
    return found


def verify(data_dir: Path) -> tuple[int, dict[str, str]]:
    done = run_cli("verify", "--data-dir", str(data_dir))
    lines = [line.split("\t", 1) for line in done.stdout.splitlines() if "\t" in line]
    return done.returncode, {name: verdict for name, verdict in lines}


def flip(path: Path, offset: int) -> None:
    raw = bytearray(path.read_bytes())
    raw[offset] ^= 0x10
    path.write_bytes(bytes(raw))


def test_verify_names_a_ready_world_whose_directory_is_gone(tmp_path, small_photo):
    with fresh_server(tmp_path) as server, Client(server.address) as c:
        c.create_world(small_photo, world_id="kept")
        c.create_world(small_photo, world_id="emptied")
    shutil.rmtree(instance_dir(tmp_path, "emptied"))
    code, verdicts = verify(tmp_path)
    assert code == 1
    assert verdicts["worlds/emptied"] == "its directory is missing"
    assert verdicts["worlds/kept"] == "ok"


def test_verify_finds_a_manifest_edited_against_the_catalog_though_every_checksum_holds(
    tmp_path, small_photo
):
    with fresh_server(tmp_path) as server, Client(server.address) as c:
        c.create_world(small_photo, world_id="dropped")
        c.create_world(small_photo, world_id="swapped")
        bigger = jpeg_bytes(np.asarray(Image.fromarray(data.coffee()).resize((160, 120))))
        c.create_world(bigger, world_id="bigger")
    assert verify(tmp_path)[0] == 0
    # A frame dropped from the manifest, its checksum entry with it: every file still matches.
    path = instance_dir(tmp_path, "dropped") / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["files"].pop(manifest["frames"].pop() + ".npz")
    path.write_text(json.dumps(manifest))
    # Another world's splats put in, with their checksum: again every file matches.
    target = instance_dir(tmp_path, "swapped")
    path = target / "manifest.json"
    manifest = json.loads(path.read_text())
    source = instance_dir(tmp_path, "bigger")
    chunk = manifest["splat_chunks"][0]["name"] + ".npz"
    shutil.copy(source / chunk, target / chunk)
    big = json.loads((source / "manifest.json").read_text())
    manifest["files"][chunk] = big["files"][chunk]
    path.write_text(json.dumps(manifest))
    code, verdicts = verify(tmp_path)
    assert code == 1
    assert verdicts["worlds/dropped"] == "manifest.json lists 0 frames; the catalog has 1"
    assert verdicts["worlds/swapped"].startswith("the splat files of manifest.json hold ")
    assert verdicts["worlds/bigger"] == "ok"


def test_verify_finds_a_damaged_derived_cache_and_export_file(tmp_path, small_photo):
    with fresh_server(tmp_path) as server, Client(server.address) as c:
        world = c.create_world(small_photo, world_id="cached")
        c.export_world(world.name, io.BytesIO(), format="collider")
    assert verify(tmp_path) == (0, {"worlds/cached": "ok"})
    derived = instance_dir(tmp_path, "cached") / "derived"
    colliders = derived / "colliders.npz"
    flip(colliders, colliders.stat().st_size // 2)
    (export,) = (derived / "exports").glob("*.glb")
    flip(export, export.stat().st_size // 2)
    code, verdicts = verify(tmp_path)
    assert code == 1
    problems = verdicts["worlds/cached"].split("; ")
    assert any(p.startswith("derived/colliders.npz ") for p in problems), problems
    assert f"derived/exports/{export.name} fails its checksum" in verdicts["worlds/cached"]


def test_a_damaged_colliders_cache_is_built_again_wherever_the_bit_flips(tmp_path, small_photo):
    with fresh_server(tmp_path) as server, Client(server.address) as c:
        world = c.create_world(small_photo, world_id="colliders")
        c.export_world(world.name, io.BytesIO(), format="collider")
        derived = instance_dir(tmp_path, "colliders") / "derived"
        cache = derived / "colliders.npz"
        # What a rebuild from the cached surface gives (the first build split the surface as
        # fused, before it was stored as float32).
        cache.unlink()
        shutil.rmtree(derived / "exports")
        first = io.BytesIO()
        c.export_world(world.name, first, format="collider")
        size = cache.stat().st_size
        for offset in np.linspace(40, size - 40, 12).astype(int):
            flip(cache, int(offset))
            shutil.rmtree(derived / "exports")  # so the export reads the colliders again
            again = io.BytesIO()
            c.export_world(world.name, again, format="collider")
            assert again.getvalue() == first.getvalue(), f"a flipped bit at {offset}"
            read_arrays(cache)  # written again, whole


def test_a_damaged_export_file_is_written_again_not_sent(tmp_path, small_photo):
    with fresh_server(tmp_path) as server, Client(server.address) as c:
        world = c.create_world(small_photo, world_id="exported")
        first = io.BytesIO()
        c.export_world(world.name, first)
    (export,) = (instance_dir(tmp_path, "exported") / "derived" / "exports").glob("*.ply")
    flip(export, export.stat().st_size // 2)
    with fresh_server(tmp_path) as server, Client(server.address) as c:
        again = io.BytesIO()
        c.export_world(world.name, again)
    assert again.getvalue() == first.getvalue()
