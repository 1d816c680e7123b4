"""The Unity package's splat sort kernels, executed where no GPU exists.

glslang compiles each kernel of unity_client/Runtime/Shaders/Resources/WorldStreamSplatSort.compute
to SPIR-V; unity_client/Tests/Gpu~/compute_host.c runs them on Mesa's lavapipe (Vulkan on the
CPU) in the order PooledSplatRenderer records them (ClearArgs, KeySplats, then histogram, scan
and scatter for each of the eight radix passes), on seeded pools written by the engine-free core
(unity_client/Tests/Gpu~/SortScenes.cs). The sorted keys, the back-to-front order and the draw
count must equal the core's CPU reference, WorldStream.Core.GlobalSplatOrder, bit for bit.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "unity_client"
COMPUTE = PACKAGE / "Runtime" / "Shaders" / "Resources" / "WorldStreamSplatSort.compute"
DISPATCH_CS = PACKAGE / "Runtime" / "Core" / "SortDispatch.cs"
GPU_TESTS = PACKAGE / "Tests" / "Gpu~"
KERNELS = ("ClearArgs", "KeySplats", "RadixHistogram", "RadixScan", "RadixScatter", "CopySplats")
SCENES = ("overlap_fade", "crowd_inside", "crowd_turned", "crowd_ties")
GL_UNSIGNED_INT_IMAGE_BUFFER = 0x9067


def sort_dispatch_constants() -> dict[str, int]:
    """SortDispatch's integer constants, evaluated from the C# source."""
    text = DISPATCH_CS.read_text()
    values: dict[str, int] = {}
    for name, expression in re.findall(r"public const int (\w+) = ([^;]+);", text):
        python = expression.replace("<<", " << ")
        values[name] = int(eval(python, {}, dict(values)))
    return values


def test_the_sort_shader_and_sort_dispatch_agree_on_every_size():
    constants = sort_dispatch_constants()
    defines = dict(re.findall(r"^#define (WS_\w+) (\d+)$", COMPUTE.read_text(), re.M))
    assert int(defines["WS_KEY_THREADS"]) == constants["KeyThreads"]
    assert int(defines["WS_SORT_THREADS"]) == constants["SortThreads"]
    assert int(defines["WS_KEYS_PER_THREAD"]) == constants["KeysPerThread"]
    assert int(defines["WS_DIGIT_BITS"]) == constants["DigitBits"]
    assert int(defines["WS_DIGITS"]) == 1 << constants["DigitBits"]
    assert int(defines["WS_SCAN_THREADS"]) == constants["ScanThreads"]
    assert constants["Passes"] % 2 == 0, "the sorted indices must end in the buffer they began in"
    # The scan kernel's one group holds the histogram of the largest pool in runs it can sum.
    largest_histogram = constants["Digits"] * -(
        -constants["MaxGroups"] * 256 // constants["BlockKeys"]
    )
    assert largest_histogram // constants["ScanThreads"] < 1024


def test_every_float_operation_of_the_keying_kernel_is_kept_from_fusing(tmp_path):
    """The CPU reference rounds every product and sum to float32; a driver that fused them
    into FMAs would key some splats differently. `precise` forbids that: in SPIR-V each float
    operation of KeySplats must carry NoContraction. (lavapipe does not fuse them either way,
    so the execution test alone would not notice the keyword missing.)"""
    for tool in ("glslangValidator", "spirv-dis"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    spirv = tmp_path / "KeySplats.spv"
    compiled = subprocess.run(
        ["glslangValidator", "-D", "-S", "comp", "-e", "KeySplats", "--target-env", "vulkan1.1",
         "-o", str(spirv), str(COMPUTE)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    text = subprocess.run(
        ["spirv-dis", str(spirv)], capture_output=True, text=True, check=True
    ).stdout
    kept = set(re.findall(r"OpDecorate (%\w+) NoContraction", text))
    float_ops = re.findall(
        r"(%\w+) = (OpFMul|OpFAdd|OpFSub|OpFNegate|OpVectorTimesScalar|OpDot)", text
    )
    assert len(float_ops) >= 15, "the keying kernel computes three axes and two limits"
    loose = [f"{result} ({op})" for result, op in float_ops if result not in kept]
    assert not loose, "float operations a driver may fuse: " + ", ".join(loose)


@dataclass
class Kernel:
    entry: str
    spirv: Path
    uniform_binding: int = -1
    uniform_size: int = 0
    uniforms: dict[str, int] = field(default_factory=dict)  # name -> offset in $Global
    storage: dict[str, int] = field(default_factory=dict)  # name -> binding
    texel: dict[str, int] = field(default_factory=dict)


def reflect(entry: str, out: Path) -> Kernel:
    spirv = out / f"{entry}.spv"
    run = subprocess.run(
        ["glslangValidator", "-D", "-S", "comp", "-e", entry, "--target-env", "vulkan1.1",
         "--auto-map-bindings", "-q", "-o", str(spirv), str(COMPUTE)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    kernel = Kernel(entry, spirv)
    section = ""
    for line in run.stdout.splitlines():
        if line.endswith("reflection:"):
            section = line
            continue
        m = re.match(
            r"(\S+): offset (-?\d+), type (\w+), size \d+, index (-?\d+), binding (-?\d+)", line
        )
        if not m:
            continue
        name, offset, kind, index, binding = m[1], int(m[2]), int(m[3], 16), int(m[4]), int(m[5])
        if section == "Uniform reflection:":
            if kind == GL_UNSIGNED_INT_IMAGE_BUFFER:
                kernel.texel[name] = binding
            elif "." not in name and index == 0:
                kernel.uniforms[name] = offset
        elif section == "Uniform block reflection:":
            if name == "$Global":
                kernel.uniform_binding = binding
                kernel.uniform_size = int(re.search(r"size (\d+)", line)[1])
            else:
                kernel.storage[name] = binding
    return kernel


def pack_uniforms(kernel: Kernel, values: dict[str, bytes]) -> str:
    block = bytearray(kernel.uniform_size)
    for name, offset in kernel.uniforms.items():
        data = values[name]
        block[offset : offset + len(data)] = data
    return block.hex()


def uint(value: int) -> bytes:
    return struct.pack("<I", value)


@pytest.fixture(scope="module")
def lavapipe(tmp_path_factory) -> tuple[dict[str, Kernel], Path, dict[str, str]]:
    for tool in ("glslangValidator", "gcc", "mcs", "mono"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    icds = sorted(Path("/usr/share/vulkan/icd.d").glob("lvp_icd*.json"))
    if not icds or not Path("/usr/include/vulkan/vulkan.h").exists():
        pytest.skip(
            "lavapipe or the Vulkan headers are missing (mesa-vulkan-drivers libvulkan-dev)"
        )
    out = tmp_path_factory.mktemp("lavapipe")
    host = out / "compute_host"
    build = subprocess.run(
        ["gcc", "-std=c11", "-O2", "-o", str(host), str(GPU_TESTS / "compute_host.c"), "-lvulkan"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if build.returncode != 0 and "lvulkan" in build.stderr:
        pytest.skip("libvulkan is missing (Debian: libvulkan-dev)")
    assert build.returncode == 0, build.stderr
    kernels = {k: reflect(k, out) for k in KERNELS}
    core = out / "WorldStream.Core.dll"
    scenes_exe = out / "sort-scenes.exe"
    core_sources = sorted(str(p) for p in (PACKAGE / "Runtime" / "Core").glob("*.cs"))
    scenes_sources = [GPU_TESTS / "SortScenes.cs", PACKAGE / "Tests/Editor/Cases/SplatScenes.cs"]
    for args in (
        ["-target:library", f"-out:{core}", *core_sources],
        ["-target:exe", f"-out:{scenes_exe}", f"-r:{core}", *map(str, scenes_sources)],
    ):
        compiled = subprocess.run(
            ["mcs", "-langversion:7.2", "-nologo", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    written = subprocess.run(
        ["mono", str(scenes_exe), str(out / "scenes")], capture_output=True, text=True, check=False
    )
    assert written.returncode == 0, written.stdout + written.stderr
    env = {**os.environ, "VK_ICD_FILENAMES": str(icds[0])}
    return kernels, out, env


def sort_plan(kernels: dict[str, Kernel], scene: Path, out: Path) -> Path:
    """The dispatches SplatSortPass.Record issues for one camera, as a compute_host plan."""
    c = sort_dispatch_constants()
    extent, tile_count, _ = (int(v) for v in (scene / "counts.txt").read_text().split())
    camera = np.fromfile(scene / "camera.bin", dtype="<f4")
    blocks = -(-extent // c["BlockKeys"])
    histogram = max(1, c["Digits"] * blocks)
    values = {
        "_WsSplatCount": uint(extent),
        "_WsTileCount": uint(tile_count),
        "_WsCameraPosition": camera[0:3].tobytes() + b"\0" * 4,
        "_WsCameraRight": camera[3:6].tobytes() + b"\0" * 4,
        "_WsCameraUp": camera[6:9].tobytes() + b"\0" * 4,
        "_WsCameraForward": camera[9:12].tobytes() + b"\0" * 4,
        "_WsCull": camera[12:15].tobytes() + b"\0" * 4,
        "_WsSortCount": uint(extent),
        "_WsBlocks": uint(blocks),
        "_WsHistogramLength": uint(histogram),
        "_WsShift": uint(0),
        "_WsCopyCount": uint(0),
    }
    lines = [
        f"buffer pool {extent * 64} {scene / 'pool.bin'}",
        f"buffer tiles {(scene / 'tiles.bin').stat().st_size} {scene / 'tiles.bin'}",
        *(f"buffer {name} {extent * 4}" for name in ("keysA", "keysB", "order", "valuesB")),
        f"buffer histogram {histogram * 4}",
        "buffer args 16",
    ]

    def dispatch(entry: str, groups: int, buffers: dict[str, str]) -> None:
        k = kernels[entry]
        lines.append(f"dispatch {k.spirv} {entry} {groups}")
        if k.uniform_binding >= 0:
            lines.append(f"uniform {k.uniform_binding} {pack_uniforms(k, values)}")
        for name, binding in k.storage.items():
            lines.append(f"storage {binding} {buffers[name]}")
        for name, binding in k.texel.items():
            lines.append(f"texel {binding} {buffers[name]}")
        lines.append("end")

    dispatch("ClearArgs", 1, {"_WsDrawArgs": "args"})
    keyed = {
        "_WsSplats": "pool",
        "_WsTiles": "tiles",
        "_WsKeys": "keysA",
        "_WsValues": "order",
        "_WsDrawArgs": "args",
    }
    dispatch("KeySplats", -(-extent // c["KeyThreads"]), keyed)
    keys_in, values_in, keys_out, values_out = "keysA", "order", "keysB", "valuesB"
    for p in range(c["Passes"]):
        values["_WsShift"] = uint(p * c["DigitBits"])
        dispatch("RadixHistogram", blocks, {"_WsKeysIn": keys_in, "_WsHistogram": "histogram"})
        dispatch("RadixScan", 1, {"_WsHistogram": "histogram"})
        dispatch(
            "RadixScatter",
            blocks,
            {
                "_WsKeysIn": keys_in,
                "_WsValuesIn": values_in,
                "_WsKeysOut": keys_out,
                "_WsValuesOut": values_out,
                "_WsHistogram": "histogram",
            },
        )
        keys_in, keys_out = keys_out, keys_in
        values_in, values_out = values_out, values_in
    for name in ("keysA", "order", "args"):
        lines.append(f"dump {name} {out / (name + '.bin')}")
    plan = out / "plan.txt"
    plan.write_text("\n".join(lines) + "\n")
    return plan


@pytest.mark.parametrize("scene_name", SCENES)
def test_lavapipe_sorts_every_pooled_splat_as_the_cpu_reference_does(lavapipe, scene_name):
    kernels, out, env = lavapipe
    scene = out / "scenes" / scene_name
    work = out / ("run_" + scene_name)
    work.mkdir()
    plan = sort_plan(kernels, scene, work)
    run = subprocess.run(
        [str(out / "compute_host"), str(plan)],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )
    if run.returncode == 3:
        pytest.skip("no Vulkan device: " + run.stderr.strip())
    assert run.returncode == 0, run.stderr
    extent, _, drawn = (int(v) for v in (scene / "counts.txt").read_text().split())
    expected_keys = np.fromfile(scene / "keys.bin", dtype="<u4")
    expected_order = np.fromfile(scene / "order.bin", dtype="<i4").astype(np.uint32)
    order = np.fromfile(work / "order.bin", dtype="<u4")[:extent]
    keys = np.fromfile(work / "keysA.bin", dtype="<u4")[:extent]
    args = np.fromfile(work / "args.bin", dtype="<u4")[:4]
    assert 0 < drawn < extent or scene_name == "overlap_fade"
    assert args.tolist() == [6, drawn, 0, 0], (
        "indirect draw arguments: 6 vertices, the drawn splats"
    )
    mismatched_keys = int(np.count_nonzero(keys != expected_keys[expected_order]))
    assert mismatched_keys == 0, (
        f"{mismatched_keys} of {extent} sorted keys differ from the CPU reference's"
    )
    first = int(np.argmax(order != expected_order)) if (order != expected_order).any() else -1
    assert first == -1, (
        f"the order differs from the CPU reference's first at position {first} of {extent}"
    )
