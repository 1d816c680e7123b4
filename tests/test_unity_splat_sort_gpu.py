"""The Unity package's splat sort kernels, executed where no GPU exists.

glslang compiles each kernel of unity_client/Runtime/Shaders/Resources/WorldStreamSplatSort.compute
to SPIR-V as Unity does for Vulkan (tests/shader_check); tests/vulkan_host/draw_host.c runs them
on Mesa's lavapipe (Vulkan on the CPU) in the order PooledSplatRenderer records them (ClearArgs,
KeySplats, then histogram, scan and scatter for each of the eight radix passes), on seeded pools
written by the engine-free core (unity_client/Tests/Gpu~/SortScenes.cs). The sorted keys, the
back-to-front order and the draw count must equal the core's CPU reference,
WorldStream.Core.GlobalSplatOrder, bit for bit.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from shader_check import unity
from shader_check.compile import Job
from splat_draw import host as draw_host
from splat_draw.stages import Stage, compile_stage, disassemble, u32
from splat_draw.unity_scenes import build_scene_program, missing_mono

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "unity_client"
COMPUTE = PACKAGE / "Runtime" / "Shaders" / "Resources" / "WorldStreamSplatSort.compute"
DISPATCH_CS = PACKAGE / "Runtime" / "Core" / "SortDispatch.cs"
SCENES = ("overlap_fade", "crowd_inside", "crowd_turned", "crowd_ties")


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


def kernel_jobs(scratch: Path) -> dict[str, Job]:
    """Each kernel of the compute file as Unity compiles it for Vulkan (tests/shader_check)."""
    program = unity.program_in_compute(COMPUTE)
    return {j.entry: j for j in unity.jobs(program, scratch) if "[vulkan]" in j.label}


def test_every_float_operation_of_the_keying_kernel_is_kept_from_fusing(tmp_path):
    """The CPU reference rounds every product and sum to float32; a driver that fused them
    into FMAs would key some splats differently. `precise` forbids that: in SPIR-V each float
    operation of KeySplats must carry NoContraction. (lavapipe does not fuse them either way,
    so the execution test alone would not notice the keyword missing.)"""
    for tool in ("glslangValidator", "spirv-dis"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    keying = compile_stage(kernel_jobs(tmp_path / "program")["KeySplats"], tmp_path, 0)
    text = disassemble(keying.spirv)
    kept = set(re.findall(r"OpDecorate (%\w+) NoContraction", text))
    float_ops = re.findall(
        r"(%\w+) = (OpFMul|OpFAdd|OpFSub|OpFNegate|OpVectorTimesScalar|OpDot)", text
    )
    assert len(float_ops) >= 15, "the keying kernel computes three axes and two limits"
    loose = [f"{result} ({op})" for result, op in float_ops if result not in kept]
    assert not loose, "float operations a driver may fuse: " + ", ".join(loose)


@pytest.fixture(scope="module")
def lavapipe(tmp_path_factory) -> tuple[dict[str, Stage], Path, Path]:
    """The kernels compiled and reflected, the scenes written by the core, the host built."""
    missing = draw_host.missing_tools() or missing_mono()
    if missing:
        pytest.skip(missing)
    out = tmp_path_factory.mktemp("lavapipe")
    host = draw_host.build(out)
    kernels = {
        entry: compile_stage(job, out, 0) for entry, job in kernel_jobs(out / "program").items()
    }
    written = subprocess.run(
        ["mono", str(build_scene_program(out, "SortScenes")), str(out / "scenes")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert written.returncode == 0, written.stdout + written.stderr
    return kernels, out, host


def sort_plan(kernels: dict[str, Stage], scene: Path, out: Path) -> Path:
    """The dispatches SplatSortPass.Record issues for one camera, as a draw_host plan."""
    c = sort_dispatch_constants()
    extent, tile_count, _ = (int(v) for v in (scene / "counts.txt").read_text().split())
    camera = np.fromfile(scene / "camera.bin", dtype="<f4")
    blocks = -(-extent // c["BlockKeys"])
    histogram = max(1, c["Digits"] * blocks)
    values = {
        "_WsSplatCount": u32(extent),
        "_WsTileCount": u32(tile_count),
        "_WsCameraPosition": camera[0:3].tobytes() + b"\0" * 4,
        "_WsCameraRight": camera[3:6].tobytes() + b"\0" * 4,
        "_WsCameraUp": camera[6:9].tobytes() + b"\0" * 4,
        "_WsCameraForward": camera[9:12].tobytes() + b"\0" * 4,
        "_WsCull": camera[12:15].tobytes() + b"\0" * 4,
        "_WsSortCount": u32(extent),
        "_WsBlocks": u32(blocks),
        "_WsHistogramLength": u32(histogram),
        "_WsShift": u32(0),
        "_WsCopyCount": u32(0),
    }
    plan = draw_host.Plan()
    plan.buffer("pool", extent * 64, scene / "pool.bin")
    plan.buffer("tiles", (scene / "tiles.bin").stat().st_size, scene / "tiles.bin")
    for name in ("keysA", "keysB", "order", "valuesB"):
        plan.buffer(name, extent * 4)
    plan.buffer("histogram", histogram * 4)
    plan.buffer("args", 16)

    def dispatch(entry: str, groups: int, buffers: dict[str, str]) -> None:
        plan.dispatch(kernels[entry], (groups, 1, 1), values, buffers)

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
        values["_WsShift"] = u32(p * c["DigitBits"])
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
        plan.dump(name, out / (name + ".bin"))
    return plan.write(out / "plan.txt")


@pytest.mark.parametrize("scene_name", SCENES)
def test_lavapipe_sorts_every_pooled_splat_as_the_cpu_reference_does(lavapipe, scene_name):
    kernels, out, host = lavapipe
    scene = out / "scenes" / scene_name
    work = out / ("run_" + scene_name)
    work.mkdir()
    draw_host.run(host, sort_plan(kernels, scene, work))
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
