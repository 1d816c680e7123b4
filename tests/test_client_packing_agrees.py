"""Both engine clients turn a decoded tile into the same GPU records, byte for byte.

The Unity package's `SplatPacking.Pack` (C#, run under Mono) and the Unreal core's
`pack_gpu_splats` (C++) do the same activation, so that a world looks alike in both engines.
The programs are the packing bench's (bench/clients); here they pack one seeded tile with the
awkward values a decoder can hand over (zero and non-finite quaternions, extreme logits and log
scales, negative colours) and their output files must be identical.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = ROOT / "bench" / "clients"
UNITY_CORE = ROOT / "unity_client" / "Runtime" / "Core"
UNREAL_SRC = ROOT / "unreal_client" / "Source" / "WorldStreamCore"
RECORD_BYTES = 64


def write_tile(path: Path, sh_degree: int) -> int:
    rng = np.random.default_rng(26)
    n, k = 4096, (sh_degree + 1) ** 2
    positions = rng.uniform(-5, 5, (n, 3))
    rotations = rng.normal(0, 1, (n, 4))
    rotations[0] = 0.0
    rotations[1] = [np.nan, 0, 0, 0]
    rotations[2] = [np.inf, 1, 0, 0]
    rotations[3] = [1e-30, 0, 0, 0]
    log_scales = rng.normal(np.log(0.01), 2.0, (n, 3))
    log_scales[4] = [-200.0, 0.0, 90.0]
    opacity = rng.normal(0, 4, n)
    opacity[5:8] = [-120.0, 120.0, 0.0]
    sh = rng.normal(0, 2, (n, k, 3))
    with path.open("wb") as out:
        out.write(np.array([n, sh_degree], "<i4").tobytes())
        for array in (positions, rotations, log_scales, opacity, sh):
            out.write(np.ascontiguousarray(array, "<f4").tobytes())
    return n


@pytest.fixture(scope="module")
def programs(tmp_path_factory) -> tuple[list[str], list[str]]:
    for tool in ("mcs", "mono", "g++"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    work = tmp_path_factory.mktemp("packing")
    core, exe, native = work / "WorldStream.Core.dll", work / "pack.exe", work / "pack"
    sources = sorted(str(p) for p in UNITY_CORE.glob("*.cs"))
    steps = (
        ["mcs", "-langversion:7.2", "-nologo", "-target:library", f"-out:{core}", *sources],
        ["mcs", "-langversion:7.2", "-nologo", f"-out:{exe}", f"-r:{core}",
         str(CLIENTS / "PackBench.cs")],
        ["g++", "-std=c++17", "-O2", f"-I{UNREAL_SRC / 'include'}", "-o", str(native),
         str(CLIENTS / "pack_bench.cpp"),
         *(str(UNREAL_SRC / "src" / name) for name in
           ("gpu_splat.cpp", "payload.cpp", "payload_header.cpp", "payload_quantized.cpp"))],
    )  # fmt: skip
    for step in steps:
        built = subprocess.run(step, capture_output=True, text=True, check=False)
        assert built.returncode == 0, built.stdout + built.stderr
    return ["mono", str(exe)], [str(native)]


@pytest.mark.parametrize("sh_degree", [0, 3])
def test_the_unity_and_unreal_clients_pack_a_tile_into_identical_gpu_records(
    programs, tmp_path, sh_degree
):
    tile = tmp_path / "tile.bin"
    n = write_tile(tile, sh_degree)
    outputs = []
    for name, command in zip(("cs", "cpp"), programs, strict=True):
        out = tmp_path / f"{name}.bin"
        subprocess.run([*command, str(tile), "1", str(out)], capture_output=True, check=True)
        outputs.append(out.read_bytes())
    assert len(outputs[0]) == n * RECORD_BYTES
    records = np.frombuffer(outputs[1], "<f4").reshape(n, 16)
    # Zero and non-finite quaternions became the identity; opacity and colour stay finite
    # whatever the logits (a log scale of 90 overflows float32 in both, alike).
    np.testing.assert_array_equal(records[:3, 4:8], [[1, 0, 0, 0]] * 3)
    assert np.isfinite(records[:, 11:15]).all()
    differing = np.flatnonzero(
        np.frombuffer(outputs[0], np.uint8).reshape(n, RECORD_BYTES)
        != np.frombuffer(outputs[1], np.uint8).reshape(n, RECORD_BYTES)
    )
    assert differing.size == 0, f"records differ at bytes {differing[:8]} of {len(outputs[0])}"
