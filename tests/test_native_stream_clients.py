"""The streaming bench's native clients (bench/native, `bench_stream.py --native`), built and run.

The C++ program is a port of bench/stream_clients.py: given the same plan (and the walks the
parent draws for it), it must send the same poses, see the same cells come into and leave its
frustum, and report the same measures under the same keys, so that bench_stream.py's merge and
report read it unchanged. Checked here offline (poses and visibility against the Python
clients' own, on random cells) and live: a few clients of each kind walk a small world served by
`worldstream serve` as a subprocess. Everything skips when cmake, a C++ compiler, protoc,
grpc_cpp_plugin or gRPC++'s headers are missing.
"""

from __future__ import annotations

import asyncio
import importlib
import io
import json
import subprocess
import sys
from argparse import Namespace
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PIL import Image
from skimage import data

from cpp_support import missing_cpp_tools
from worldstream.store.store import Store
from worldstream.world.worlds import CreateOptions, Worlds

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


pytestmark = pytest.mark.skipif(missing_cpp_tools() is not None, reason=str(missing_cpp_tools()))


@pytest.fixture(scope="module")
def bench() -> tuple[ModuleType, ModuleType]:
    """bench_stream and stream_clients, imported as the bench runs them (bench/ on the path)."""
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module("bench_stream"), importlib.import_module("stream_clients")
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def program(bench) -> Path:
    bench_stream, _ = bench
    try:
        built = bench_stream.build_native()
    except SystemExit as failure:
        pytest.fail(str(failure))
    assert built.is_file()
    return built


def test_native_clients_send_the_poses_and_see_the_cells_the_python_clients_do(
    bench, program: Path, tmp_path: Path
) -> None:
    _, stream_clients = bench
    rng = np.random.default_rng(7)
    cells = np.unique(rng.integers(-8, 8, size=(600, 3)), axis=0)
    rotation = np.array([0.08, 0.35, -0.02, 0.93])
    plan = stream_clients.Plan(
        address="127.0.0.1:1",
        world="worlds/none",
        clients=[0, 1, 2, 4],
        client_count=6,
        seconds=4.0,
        walk_seconds=1.0,
        cold_every=2,
        seed=11,
        spawn_position=[0.4, 0.3, -0.7],
        spawn_rotation=(rotation / np.linalg.norm(rotation)).tolist(),
        vertical_fov_degrees=55.0,
        viewport=[1280, 720],
        tile_size_m=1.5,
        cells=cells.tolist(),
    )
    plan_file, dump = tmp_path / "plan.json", tmp_path / "prepared.json"
    plan_file.write_text(json.dumps({**asdict(plan), "walks": stream_clients.walks_json(plan)}))
    done = subprocess.run(
        [str(program), "--plan", str(plan_file), "--dump-prepared", str(dump)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    native = json.loads(dump.read_text())
    world_cells = stream_clients.Cells(plan.cells, plan.tile_size_m)
    changes = 0
    for client in plan.clients:
        expected = stream_clients.prepare(client, plan, world_cells)
        got = native[str(client)]
        poses = [[*p.position, *p.rotation, *p.velocity] for p in expected.poses]
        np.testing.assert_allclose(got["poses"], poses, rtol=0, atol=1e-12)
        assert got["walk_of_tick"] == expected.walk_of_tick
        assert got["entering"] == [e.tolist() for e in expected.entering]
        assert got["leaving"] == [e.tolist() for e in expected.leaving]
        changes += sum(len(e) for e in expected.entering[1:]) + sum(map(len, expected.leaving))
    assert changes > 100  # the walks do move cells in and out of view


@pytest.fixture(scope="module")
def served(bench, tmp_path_factory) -> Iterator[tuple[str, object, object]]:
    """`worldstream serve` on a small world of 1 m tiles (many cells, so walks reveal some);
    yields the address, the World message and bench_stream's WorldInfo."""
    bench_stream, _ = bench
    data_dir = tmp_path_factory.mktemp("native-clients")
    small = Image.fromarray(data.coffee()).resize((240, 160), Image.Resampling.LANCZOS)
    photo = io.BytesIO()
    small.save(photo, "JPEG", quality=90)
    store = Store(data_dir)
    try:
        options = CreateOptions(tile_size_m=1.0)
        Worlds(store).create(photo.getvalue(), options, world_id=bench_stream.WORLD_ID)
    finally:
        store.close()
    info = bench_stream.world_info(data_dir, grown=False)
    address = f"127.0.0.1:{bench_stream.free_port()}"
    log = data_dir / "server.log"
    server = bench_stream.start_server(data_dir, int(address.rsplit(":", 1)[1]), log, 8)
    try:
        bench_stream.wait_serving(address, server)
        yield address, bench_stream.world_message(address), info
    finally:
        problem = bench_stream.stop_server(server)
    assert not problem, problem
    assert not bench_stream.log_problems(log)


def run_kind(bench, address, world, info, tmp: Path, native: Path | None) -> dict:
    bench_stream, _ = bench
    # The three join over 0.6 s: the last starts 0.4 s after the first.
    args = Namespace(
        clients=3,
        seconds=3.0,
        walk_seconds=1.0,
        cold_every=2,
        seed=5,
        processes=1,
        join_seconds=0.6,
    )
    plan = bench_stream.plan_for(args, address, world, info, [0, 1, 2])
    tmp.mkdir()
    (result,) = bench_stream.run_clients([plan], tmp, lambda: None, native)
    return result


def test_native_clients_walk_a_world_and_report_what_the_python_clients_report(
    bench, program: Path, served, tmp_path: Path
) -> None:
    bench_stream, stream_clients = bench
    address, world, info = served
    one = Namespace(clients=1, seconds=1.0, walk_seconds=1.0, cold_every=1, seed=0, join_seconds=0)
    asyncio.run(stream_clients.warm_up(bench_stream.plan_for(one, address, world, info, [0])))

    native = run_kind(bench, address, world, info, tmp_path / "native", program)
    python = run_kind(bench, address, world, info, tmp_path / "python", None)

    keys = list(stream_clients.Stats.__dataclass_fields__)
    assert list(native) == keys
    assert list(python) == keys
    for result in (native, python):
        assert result["errors"] == []
        assert result["warnings"] == {}
        assert result["tiles"] > 0
        assert result["splats"] > 0
        assert sum(result["splats_by_second"].values()) == result["splats"]
        assert result["chunks"] >= result["tiles"]
        # A stream's first view opens a region (its cold start); the walks open more.
        assert 0 < len(result["start_region_ms"]) <= result["streams"]
        assert result["cell_ms"]
        assert all(0 <= ms < 5000 for ms in result["start_region_ms"] + result["walk_region_ms"])
        answered = len(result["start_region_ms"]) + len(result["walk_region_ms"])
        closed = result["regions_left_view"] + result["regions_open_at_end"]
        assert result["regions"] == answered + closed
        assert result["walks"] == 9 and result["cold_walks"] == result["streams"] == 6
        assert result["views"] >= 0.9 * 3 * 3.0 * 30
        assert len(result["lag_ms"]) >= result["views"]
        assert result["header_encodings"] == {"TILE_ENCODING_QUANTIZED_V1": result["streams"]}
        assert result["end"] - result["start"] >= 3.0 + 0.4 - 0.1  # the last joined late
        assert result["cpu_s"] > 0
    # The same walks and the same world: the same work asked for.
    assert native["views"] == pytest.approx(python["views"], rel=0.1)
    assert native["regions"] == pytest.approx(python["regions"], rel=0.5)

    # bench_stream.py's merge and report take the native results unchanged.
    merged = bench_stream.merged([native, native])
    assert merged["tiles"] == 2 * native["tiles"]
    args = Namespace(clients=6, processes=2, native=True, join_seconds=0.0)
    extra = {"warm_up": 0.0, "server_cpu": 1.0, "log": [], "stop": ""}
    text = bench_stream.report(args, info, merged, [], extra)
    assert "clients: native C++" in text
    assert "| errors (RPC, warnings, protocol, server log) | 0 |" in text
