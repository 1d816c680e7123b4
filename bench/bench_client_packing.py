"""The engine clients' splat packing, side by side: the Unity package's C# `SplatPacking.Pack`
under Mono against the Unreal core's C++ `pack_gpu_splats`, on the same tiles.

Run: python bench/bench_client_packing.py [--splats 100000] [--runs 15]

Both turn a decoded tile into the 64-byte GPU records their renderers upload (activation
included: exp of the log scales, sigmoid of the opacity, SH DC to colour, quaternion
normalised). The Unity client does it on a thread-pool thread per tile, the Unreal client on
the game thread, so its time bounds how fast a tile reaches the GPU. The tiles are seeded random
splats shaped like a lifted world's (log scales around ln 1 cm, opacity logits N(0, 2),
quaternions N(0, 1)), at SH degree 0 and 3 (only the DC term is read, but the stride differs).
Each program reads the same tile file, packs it once untimed, then `--runs` times timed; the
table gives the median and the fastest run, and the ratio of the medians (C# / C++). The
records both write are compared: the same arithmetic must give the same bytes.

Builds: mcs -optimize+ (Runtime/Core and bench/clients/PackBench.cs), g++ -O2 (the core's
gpu_splat.cpp and payload*.cpp with bench/clients/pack_bench.cpp).
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from machine import cpu_name  # bench/ is on sys.path when a bench runs as a script

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent / "clients"
UNITY_CORE = ROOT / "unity_client" / "Runtime" / "Core"
UNREAL_CORE = ROOT / "unreal_client" / "Source" / "WorldStreamCore"
# pack_gpu_splats and what payload.cpp (its sigmoid and colour) links against.
PAYLOAD_SOURCES = ("payload.cpp", "payload_header.cpp", "payload_quantized.cpp")


def write_tile(path: Path, n: int, sh_degree: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = (sh_degree + 1) ** 2
    arrays = (
        rng.uniform(-2.0, 2.0, (n, 3)),
        rng.normal(0.0, 1.0, (n, 4)),
        rng.normal(np.log(0.01), 0.5, (n, 3)),
        rng.normal(0.0, 2.0, n),
        rng.normal(0.0, 0.8, (n, k, 3)),
    )
    with path.open("wb") as out:
        out.write(np.array([n, sh_degree], "<i4").tobytes())
        for array in arrays:
            out.write(np.ascontiguousarray(array, "<f4").tobytes())


def build(work: Path) -> tuple[list[str], list[str]]:
    for tool in ("mcs", "mono", "g++"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is not installed (scripts/setup installs Mono and g++)")
    core = work / "WorldStream.Core.dll"
    subprocess.run(
        ["mcs", "-langversion:7.2", "-optimize+", "-nologo", "-target:library", f"-out:{core}",
         *map(str, sorted(UNITY_CORE.glob("*.cs")))],
        check=True,
    )  # fmt: skip
    exe = work / "pack-bench.exe"
    subprocess.run(
        ["mcs", "-langversion:7.2", "-optimize+", "-nologo", f"-out:{exe}", f"-r:{core}",
         str(HERE / "PackBench.cs")],
        check=True,
    )  # fmt: skip
    native = work / "pack_bench"
    subprocess.run(
        ["g++", "-std=c++17", "-O2", f"-I{UNREAL_CORE / 'include'}", "-o", str(native),
         str(HERE / "pack_bench.cpp"), str(UNREAL_CORE / "src" / "gpu_splat.cpp"),
         *(str(UNREAL_CORE / "src" / name) for name in PAYLOAD_SOURCES)],
        check=True,
    )  # fmt: skip
    return ["mono", str(exe)], [str(native)]


def run(command: list[str], tile: Path, runs: int, out: Path) -> list[float]:
    result = subprocess.run(
        [*command, str(tile), str(runs), str(out)], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)["runs_ms"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splats", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print(f"# bench_client_packing {datetime.date.today()} on {cpu_name()}, {platform.system()}")
    print(f"# {args.splats:,} splats a tile, {args.runs} timed runs each, one thread")
    print(
        "| SH degree | C# (Mono) median / min ms | C++ median / min ms | C# / C++ "
        "| C# M splats/s | records |"
    )
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        csharp, cpp = build(work)
        for degree in (0, 3):
            tile = work / f"tile{degree}.bin"
            write_tile(tile, args.splats, degree, seed=18 + degree)
            a = run(csharp, tile, args.runs, work / "cs.bin")
            b = run(cpp, tile, args.runs, work / "cpp.bin")
            same = (work / "cs.bin").read_bytes() == (work / "cpp.bin").read_bytes()
            ma, mb = statistics.median(a), statistics.median(b)
            print(
                f"| {degree} | {ma:.2f} / {min(a):.2f} | {mb:.2f} / {min(b):.2f} | {ma / mb:.2f} "
                f"| {args.splats / ma / 1e3:.1f} | {'identical' if same else 'DIFFER'} |"
            )


if __name__ == "__main__":
    main()
