"""The `worldstream` command as a user runs it: real subprocesses, real files, a real server."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from plyfile import PlyData

from worldstream.reconstruct.seed_lift import seed_splat_count

COMMAND = [sys.executable, "-m", "worldstream"]


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture()
def photo_file(tmp_path: Path, photo: bytes) -> Path:
    path = tmp_path / "cup.jpg"
    path.write_bytes(photo)
    return path


def test_create_then_list_export_and_walk_on_an_in_process_store(tmp_path, photo_file):
    data = tmp_path / "data"
    created = run("create", str(photo_file), "--data-dir", str(data))
    assert created.returncode == 0, created.stderr
    name = created.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"worlds/[a-z][a-z0-9-]{2,62}", name)

    listed = run("worlds", "--data-dir", str(data))
    assert listed.returncode == 0 and name in listed.stdout and "ready" in listed.stdout

    ply = tmp_path / "out" / "cup.ply"
    exported = run("export", name, "--format", "ply", "-o", str(ply), "--data-dir", str(data))
    assert exported.returncode == 0, exported.stderr
    assert PlyData.read(str(ply))["vertex"].count == seed_splat_count(240, 160)

    out = tmp_path / "walk"
    walked = run(
        "walk",
        name,
        "--path",
        "outback:1:0.5",
        "--out",
        str(out),
        "--width",
        "96",
        "--height",
        "72",
        "--data-dir",
        str(data),
    )
    assert walked.returncode == 0, walked.stderr
    report = json.loads((out / "report.json").read_text())
    assert len(report["poses"]) == 5  # out 1 m in 0.5 m steps and back the same way
    for pose in report["poses"]:
        assert pose["complete"] and pose["splats_resident"] > 0
        assert 0.0 <= pose["hole_fraction"] <= 1.0
        assert Image.open(out / pose["image"]).size == (96, 72)
    assert report["poses"][0]["time_to_first_tile_s"] > 0
    # Out and back: the last pose is the first one, so it renders the same picture, up to the
    # finer levels the client kept from nearer poses.
    first = np.asarray(Image.open(out / report["poses"][0]["image"]), np.float64) / 255
    last = np.asarray(Image.open(out / report["poses"][-1]["image"]), np.float64) / 255
    psnr = -10 * np.log10(np.mean((first - last) ** 2) + 1e-12)
    assert psnr >= 30.0


def test_serve_answers_a_remote_client_and_stops_gracefully_on_sigterm(tmp_path, photo_file):
    server = subprocess.Popen(
        [*COMMAND, "serve", "--port", "0", "--data-dir", str(tmp_path / "data")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        address = None
        deadline = time.monotonic() + 60
        while address is None and time.monotonic() < deadline:
            line = server.stderr.readline()
            match = re.search(r"serving on (\S+):(\d+)", line)
            if match:
                address = f"127.0.0.1:{match.group(2)}"
        assert address, "the server never said where it listens"
        created = run("create", str(photo_file), "--server", address)
        assert created.returncode == 0, created.stderr
        listed = run("worlds", "--server", address)
        assert created.stdout.strip().splitlines()[-1] in listed.stdout
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            server.kill()


def test_bad_input_gets_a_clear_error_and_a_nonzero_exit(tmp_path):
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo")
    data = ["--data-dir", str(tmp_path / "data")]
    bad_photo = run("create", str(text), *data)
    assert bad_photo.returncode == 2 and "PHOTO_NOT_AN_IMAGE" in bad_photo.stderr
    missing = run("create", str(tmp_path / "absent.jpg"), *data)
    assert missing.returncode != 0 and "absent.jpg" in missing.stderr
    unknown = run("walk", "worlds/none-such", "--path", "forward:1", "--out", str(tmp_path), *data)
    assert unknown.returncode == 2 and "WORLD_NOT_FOUND" in unknown.stderr
    both = run("worlds", "--server", "localhost:1", "--data-dir", str(tmp_path))
    assert both.returncode == 2 and "not allowed with" in both.stderr


def test_demo_leaves_a_preview_image_and_a_ply(tmp_path):
    out = tmp_path / "demo"
    result = run("demo", "--out", str(out), "--width", "128", "--height", "96")
    assert result.returncode == 0, result.stderr
    preview = Path(result.stdout.strip().splitlines()[-1])
    assert preview.exists() and Image.open(preview).width > Image.open(preview).height
    # The demo's walk turns towards what the photo did not show, so the world grows beyond the
    # photo's splats by generation before it is exported.
    assert PlyData.read(str(out / "world.ply"))["vertex"].count >= seed_splat_count(600, 400)
    report = json.loads((out / "walk" / "report.json").read_text())
    assert all(p["complete"] for p in report["poses"])
    assert len(report["poses"]) == 6  # walk in (3 poses), then turn left (3 more)
    # The same path walked in real time, as a video.
    realtime = json.loads((out / "realtime" / "report.json").read_text())
    assert realtime["video"] == "walk.mp4" and realtime["views_sent"] >= 30
    from worldstream.client.video import read_mp4

    frames, codec, _ = read_mp4(out / "realtime" / "walk.mp4")
    assert codec == "h264" and len(frames) == len(realtime["frames"])
    assert frames[0].shape == (96, 128, 3)


def test_the_environment_does_not_need_a_gpu():
    # The CPU path must not touch CUDA: run with no visible devices, as CI does.
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="")
    result = subprocess.run(
        [sys.executable, "-c", "import worldstream.render as r; print(r.available_backends())"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and "cpu" in result.stdout
