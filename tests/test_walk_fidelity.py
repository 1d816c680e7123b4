"""Fidelity as the reference client measures it: the export read back, the version an export was
written from, and `walk --fidelity` telling a client that holds the world at full detail from one
that holds coarse levels."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image
from plyfile import PlyData

from conftest import fresh_server
from worldstream.cli.commands import spawn_camera
from worldstream.client import Client
from worldstream.client.fidelity import (
    IDENTICAL_DB,
    ReferenceWorld,
    _vertices,
    held_image,
    psnr_8bit,
    read_ply,
    to_8bit,
)
from worldstream.client.walk import walk
from worldstream.geometry.camera import Camera, intrinsics_from_fov, look_at
from worldstream.geometry.engine import EngineFrame
from worldstream.geometry.gaussians import Gaussians
from worldstream.geometry.paths import parse_preset
from worldstream.render import render
from worldstream.world.export_ply import ply_bytes


def some_gaussians(n: int = 50, sh_coeffs: int = 16) -> Gaussians:
    rng = np.random.default_rng(7)
    quats = rng.normal(size=(n, 4))
    quats /= np.linalg.norm(quats, axis=1, keepdims=True)
    return Gaussians(
        torch.from_numpy(rng.normal(size=(n, 3)).astype(np.float32) * 3),
        torch.from_numpy(quats.astype(np.float32)),
        torch.from_numpy(rng.normal(size=(n, 3)).astype(np.float32) - 3),
        torch.from_numpy(rng.normal(size=n).astype(np.float32)),
        torch.from_numpy(rng.normal(size=(n, sh_coeffs, 3)).astype(np.float32)),
    )


@pytest.mark.parametrize("frame", [None, *EngineFrame], ids=lambda f: f.value if f else "rdf")
@pytest.mark.parametrize("sh_coeffs", [1, 16])
def test_a_ply_export_read_back_is_the_world_it_was_written_from(frame, sh_coeffs):
    g = some_gaussians(sh_coeffs=sh_coeffs)
    back = read_ply(ply_bytes(g, frame)).to_numpy()
    original = g.to_numpy()
    assert np.allclose(back["means"], original["means"], atol=1e-4)
    assert np.allclose(back["log_scales"], original["log_scales"], atol=1e-5)
    assert np.array_equal(back["opacity_logits"], original["opacity_logits"])
    assert np.allclose(back["sh"], original["sh"], atol=1e-5)
    # q and -q are one rotation
    dots = np.abs(np.sum(back["quats"] * original["quats"], axis=1))
    assert np.allclose(dots, 1.0, atol=1e-5)


@pytest.mark.parametrize("frame", [None, EngineFrame.UNREAL], ids=["rdf", "unreal"])
def test_our_plys_are_read_by_the_fast_path_exactly_as_plyfile_reads_them(frame):
    data = ply_bytes(some_gaussians(sh_coeffs=16), frame)
    comments, rows = _vertices(data)
    ply = PlyData.read(io.BytesIO(data))
    assert comments == list(ply.comments)
    assert rows.dtype.names == ply["vertex"].data.dtype.names
    for name in rows.dtype.names:
        assert np.array_equal(rows[name], ply["vertex"].data[name]), name


def test_a_ply_cut_short_is_refused_not_read_as_fewer_splats():
    data = ply_bytes(some_gaussians(), None)
    with pytest.raises(ValueError, match="ends before its 50 vertices"):
        read_ply(data[:-10])


def test_psnr_of_8_bit_images_is_capped_for_identical_ones_and_falls_with_the_error():
    a = np.zeros((4, 4, 3), np.uint8)
    b = a.copy()
    assert psnr_8bit(a, b) == IDENTICAL_DB
    b[0, 0, 0] = 255  # one channel of one pixel fully wrong, of 48
    assert psnr_8bit(a, b) == pytest.approx(10 * np.log10(48), abs=1e-9)


def test_what_a_client_holds_renders_the_same_in_whatever_order_its_tiles_came():
    # Splats on one plane facing the camera share a depth, so they blend in the order given.
    n = 400
    rng = np.random.default_rng(3)
    means = np.stack([rng.uniform(-1, 1, n), rng.uniform(-0.8, 0.8, n), np.full(n, -3.0)], 1)
    g = Gaussians.from_numpy(
        {
            "means": means.astype(np.float32),
            "quats": np.tile(np.float32([1, 0, 0, 0]), (n, 1)),
            "log_scales": np.full((n, 3), np.log(0.15), np.float32),
            "opacity_logits": np.full(n, 2.0, np.float32),
            "sh": rng.normal(size=(n, 1, 3)).astype(np.float32),
        }
    )
    camera = Camera(intrinsics_from_fov(60.0, 64, 48), np.eye(4), 64, 48)
    camera = camera.with_pose(look_at((0.0, 0.0, 0.0), (0.0, 0.0, -1.0)))
    shuffled = g.select(rng.permutation(n))
    as_given = [to_8bit(render(x, camera).rgb) for x in (g, shuffled)]
    assert psnr_8bit(*as_given) < 40.0  # the order alone is visible
    held = [to_8bit(held_image(x, camera).rgb) for x in (g, shuffled)]
    assert psnr_8bit(*held) == IDENTICAL_DB


@pytest.fixture(scope="module")
def small_photo() -> bytes:
    from skimage import data

    small = Image.fromarray(data.stereo_motorcycle()[0]).resize(
        (160, 120), Image.Resampling.LANCZOS
    )
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_an_export_header_names_the_world_version_it_was_written_from(tmp_path, small_photo):
    with fresh_server(tmp_path / "data") as server, Client(server.address, timeout=60) as client:
        world = client.create_world(small_photo, generator="prior")
        header = client.export_world(world.name, io.BytesIO(), "ply", EngineFrame.GLTF)
        assert header.world_version == 1
        # A view behind the photo grows the world by generation: the next export is newer.
        camera = spawn_camera(world, 96, 72)
        poses = parse_preset("orbit:180:180", camera.world_to_camera)
        report = walk(client, world.name, poses, tmp_path / "walk", camera, timeout_s=60)
        assert report.poses[-1].complete and report.poses[-1].generation_jobs
        grown = client.export_world(world.name, io.BytesIO(), "ply", EngineFrame.GLTF)
        assert grown.world_version > 1


def walk_with_fidelity(tmp_path, photo: bytes, max_sse_px: float):
    data_dir = tmp_path / f"data-{max_sse_px:g}"
    with (
        fresh_server(data_dir, max_sse_px=max_sse_px, generate_on_demand=False) as server,
        Client(server.address, timeout=60) as client,
    ):
        world = client.create_world(photo)
        camera = spawn_camera(world, 160, 120)
        poses = parse_preset("outback:1:0.5", camera.world_to_camera)
        out = tmp_path / f"walk-{max_sse_px:g}"
        return walk(client, world.name, poses, out, camera, timeout_s=60, fidelity=True), out


def test_a_client_holding_level_0_everywhere_looks_like_the_whole_world(tmp_path, small_photo):
    report, out = walk_with_fidelity(tmp_path, small_photo, 0.0)
    assert all(p.complete for p in report.poses)
    assert all(p.fidelity_db is not None and p.fidelity_db >= 45.0 for p in report.poses), [
        p.fidelity_db for p in report.poses
    ]
    assert report.fidelity_db_worst >= 45.0
    assert all(p.world_version == 1 and p.bytes_received >= 0 for p in report.poses)
    assert report.poses[0].bytes_received > 0
    # outback:1:0.5 is 0, 0.5, 1, 0.5, 0 m: two pairs of poses that coincide
    assert sorted(map(tuple, report.pair_poses)) == [(0, 4), (1, 3)]
    assert report.pair_agreement_db_worst >= 45.0
    for p in report.poses:
        assert (out / f"ref_{p.index:03d}.png").is_file()
    saved = json.loads((out / "report.json").read_text())
    assert saved["fidelity_db_worst"] == report.fidelity_db_worst
    assert saved["poses"][0]["fidelity_db"] == report.poses[0].fidelity_db


def test_a_client_holding_coarse_levels_measures_clearly_worse(tmp_path, small_photo):
    report, _ = walk_with_fidelity(tmp_path, small_photo, 64.0)
    assert all(p.complete for p in report.poses)
    assert report.fidelity_db_worst < 40.0, [p.fidelity_db for p in report.poses]


def test_without_fidelity_a_walk_measures_none(tmp_path, shared_server, world):
    with Client(shared_server.address, timeout=60) as client:
        camera = spawn_camera(world, 96, 72)
        poses = parse_preset("forward:0.5:0.5", camera.world_to_camera)
        report = walk(client, world.name, poses, tmp_path, camera, timeout_s=60)
    assert all(p.fidelity_db is None for p in report.poses)
    assert report.fidelity_db_worst is None and report.fidelity_db_median is None
    assert not list(tmp_path.glob("ref_*.png"))


def test_the_walk_command_with_fidelity_reports_it_per_pose_and_its_worst_and_median(
    tmp_path, small_photo
):
    data_dir = tmp_path / "data"
    with fresh_server(data_dir) as server, Client(server.address, timeout=60) as client:
        name = client.create_world(small_photo).name
    out = tmp_path / "walk"
    walk_args = ["walk", name, "--path", "outback:0.5", "--out", str(out), "--fidelity"]
    options = ["--width", "160", "--height", "120", "--data-dir", str(data_dir)]
    walked = subprocess.run(
        [sys.executable, "-m", "worldstream", *walk_args, *options],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert walked.returncode == 0, walked.stderr
    report = json.loads((out / "report.json").read_text())
    measured = [p["fidelity_db"] for p in report["poses"]]
    assert all(isinstance(db, float) for db in measured)
    assert report["fidelity_db_worst"] == min(measured)
    printed = " ".join(walked.stderr.split())  # the console is stderr, wrapped to its width
    assert "fidelity of complete poses: worst" in printed
    assert f"fidelity {measured[0]:.1f} dB" in printed
    assert (out / "ref_000.png").is_file()


def test_a_view_completed_before_the_world_grew_is_measured_once_it_completes_at_the_new_version(
    tmp_path, small_photo, monkeypatch
):
    """The world grows (another client turns around) between the view completing and the
    reference export: the walk reads on until its view completes at the export's version."""
    import worldstream.client.walk as walk_module

    class GrowsBeforeTheFirstExport(walk_module.ReferenceWorld):
        grew = False

        def latest(self):
            if not GrowsBeforeTheFirstExport.grew:
                GrowsBeforeTheFirstExport.grew = True
                behind = spawn_camera(self.client.get_world(self.world), 96, 72)
                turned = parse_preset("orbit:180:180", behind.world_to_camera)[-1:]
                other = walk(self.client, self.world, turned, tmp_path / "other", behind, 60)
                assert other.poses[0].complete and other.poses[0].generation_jobs
            return super().latest()

    monkeypatch.setattr(walk_module, "ReferenceWorld", GrowsBeforeTheFirstExport)
    with (
        fresh_server(tmp_path / "data", max_sse_px=0.0) as server,
        Client(server.address, timeout=60) as client,
    ):
        world = client.create_world(small_photo)
        camera = spawn_camera(world, 160, 120)
        report = walk(
            client,
            world.name,
            [camera.world_to_camera],
            tmp_path / "walk",
            camera,
            60,
            fidelity=True,
        )
    assert GrowsBeforeTheFirstExport.grew
    (pose,) = report.poses
    assert pose.complete and pose.world_version > 1, report.warnings
    assert not [w for w in report.warnings if "its reference is version" in w]
    assert pose.fidelity_db >= 45.0


def test_the_reference_world_is_read_once_per_version(shared_server, world):
    with Client(shared_server.address, timeout=60) as client:
        references = ReferenceWorld(client, world.name)
        first, again = references.latest(), references.latest()
        exported = client.export_world(world.name, io.BytesIO(), "ply", EngineFrame.GLTF)
    assert first.version == again.version == exported.world_version >= 1
    assert again.gaussians is first.gaussians  # the second export stopped at its header
    assert len(first.gaussians) == world.splat_count
