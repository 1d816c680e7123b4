"""The `worldstream` depth-model and generator flags, run as a user runs them: subprocesses.

The depth model is a tiny ONNX file built here (depth = A * mean over channels of the normalised
input + B), so the expected depth is known without downloading a real model.
"""

from __future__ import annotations

import io
import re
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from worldstream.api.config import ServerConfig
from worldstream.api.inprocess import ServerThread
from worldstream.client import Client

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from worldstream.generate.depth.onnx import IMAGENET_MEAN, IMAGENET_STD  # noqa: E402

COMMAND = [sys.executable, "-m", "worldstream"]
A, B = 0.1, 5.0  # the tiny model's output in metres: about 5 m, spread by the photo's brightness


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def photo_rgb() -> np.ndarray:
    """skimage's coffee photo at 160x120 as the server decodes it from the JPEG written below."""
    small = Image.fromarray(data.coffee()).resize((160, 120), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=90)
    return np.asarray(Image.open(buffer).convert("RGB"))


@pytest.fixture()
def photo_file(tmp_path: Path, photo_rgb: np.ndarray) -> Path:
    path = tmp_path / "coffee.jpg"
    Image.fromarray(photo_rgb).save(path, "JPEG", quality=100)
    return path


@pytest.fixture()
def tiny_model(tmp_path: Path) -> Path:
    """depth = A * mean_c(x) + B for a [1, 3, H, W] input of any size, as a [1, H, W] output."""
    nodes = [
        helper.make_node("ReduceMean", ["x"], ["m"], axes=[1], keepdims=0),
        helper.make_node("Mul", ["m", "a"], ["am"]),
        helper.make_node("Add", ["am", "b"], ["depth"]),
    ]
    inits = [
        numpy_helper.from_array(np.asarray(A, dtype=np.float32), "a"),
        numpy_helper.from_array(np.asarray(B, dtype=np.float32), "b"),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_depth",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, "h", "w"])],
        [helper.make_tensor_value_info("depth", TensorProto.FLOAT, [1, "h", "w"])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8  # readable by every onnxruntime the project allows
    path = tmp_path / "tiny.onnx"
    onnx.save(model, str(path))
    return path


def created_world_name(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    name = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"worlds/[a-z][a-z0-9-]{2,62}", name)
    return name


def world_on_store(data_dir: Path, name: str):
    config = ServerConfig(port=0, data_dir=data_dir)
    with ServerThread(config) as server, Client(server.address, timeout=60) as client:
        return client.get_world(name)


def assert_clean_failure(result: subprocess.CompletedProcess, reason: str, path: Path) -> None:
    assert result.returncode == 2, result.stderr
    assert reason in result.stderr and str(path) in result.stderr
    assert "docs/depth-models.md" in result.stderr
    assert "Traceback" not in result.stderr


def test_create_with_a_depth_model_builds_the_world_from_that_models_depth(
    tmp_path, photo_file, photo_rgb, tiny_model
):
    data_dir = tmp_path / "data"
    created = run(
        "create",
        str(photo_file),
        "--data-dir",
        str(data_dir),
        "--generator",
        "classic",
        "--depth-model",
        str(tiny_model),
        "--depth-kind",
        "metric",
    )
    name = created_world_name(created)
    assert "depth from onnx:tiny.onnx:metric" in created.stderr

    world = world_on_store(data_dir, name)
    assert world.generator == "classic"
    assert world.scale.depth_source == "onnx:tiny.onnx:metric"
    assert world.scale.metric
    # Metric output is used as is, so the world's median depth is the model's, not the 3 m that
    # non-metric depth is scaled to. Resizing to the model's input and back blurs it a little.
    normalised = (photo_rgb / 255.0 - np.asarray(IMAGENET_MEAN)) / np.asarray(IMAGENET_STD)
    expected = float(np.median(A * normalised.mean(axis=2) + B))
    assert world.scale.median_depth_m == pytest.approx(expected, abs=0.005)


def test_a_missing_depth_model_stops_create_and_serve_with_a_clear_message(tmp_path, photo_file):
    missing = tmp_path / "missing.onnx"
    data_dir = tmp_path / "data"
    created = run(
        "create", str(photo_file), "--data-dir", str(data_dir), "--depth-model", str(missing)
    )
    assert_clean_failure(created, "DEPTH_MODEL_NOT_FOUND", missing)
    assert not data_dir.exists()  # the model is checked before the store is opened

    served = run("serve", "--port", "0", "--data-dir", str(data_dir), "--depth-model", str(missing))
    assert_clean_failure(served, "DEPTH_MODEL_NOT_FOUND", missing)
    assert "serving on" not in served.stderr


def test_a_file_that_is_not_an_onnx_model_stops_serve_with_a_clear_message(tmp_path):
    broken = tmp_path / "notes.onnx"
    broken.write_text("not a model")
    served = run(
        "serve", "--port", "0", "--data-dir", str(tmp_path / "d"), "--depth-model", str(broken)
    )
    assert_clean_failure(served, "DEPTH_MODEL_INVALID", broken)


def test_the_prior_generator_records_its_floor_and_backdrop_depth(tmp_path, photo_file):
    data_dir = tmp_path / "data"
    created = run("create", str(photo_file), "--data-dir", str(data_dir), "--generator", "prior")
    name = created_world_name(created)
    world = world_on_store(data_dir, name)
    assert world.generator == "prior"
    assert world.scale.depth_source == "prior:floor-and-backdrop"


def test_an_unknown_depth_kind_is_refused_before_anything_runs(tmp_path, photo_file):
    for command in (["create", str(photo_file)], ["serve", "--port", "0"]):
        result = run(*command, "--data-dir", str(tmp_path / "d"), "--depth-kind", "bogus")
        assert result.returncode == 2
        assert "invalid choice: 'bogus'" in result.stderr and "inverse" in result.stderr
    with pytest.raises(ValueError, match="depth_kind"):
        ServerConfig(depth_kind="bogus")


def test_depth_flags_aimed_at_a_remote_server_are_refused(tmp_path, photo_file, tiny_model):
    # A remote server uses the model it was started with; the flag must not be silently ignored.
    result = run(
        "create", str(photo_file), "--server", "127.0.0.1:1", "--depth-model", str(tiny_model)
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--depth-model" in result.stderr and "worldstream serve" in result.stderr


def test_serve_builds_worlds_with_the_depth_model_it_was_started_with(
    tmp_path, photo_file, tiny_model
):
    server = subprocess.Popen(
        [
            *COMMAND,
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path / "data"),
            "--depth-model",
            str(tiny_model),
            "--depth-kind",
            "relative",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        address = None
        for line in server.stderr:
            match = re.search(r"serving on (\S+):(\d+)", line)
            if match:
                address = f"127.0.0.1:{match.group(2)}"
                break
        assert address, "the server never said where it listens"
        name = created_world_name(run("create", str(photo_file), "--server", address))
        with Client(address, timeout=60) as client:
            world = client.get_world(name)
        assert world.scale.depth_source == "onnx:tiny.onnx:relative"
        assert not world.scale.metric
        assert world.scale.median_depth_m == pytest.approx(3.0, abs=0.01)  # the assumed scale
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            server.kill()
