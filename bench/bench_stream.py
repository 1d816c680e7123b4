"""Streaming under load (issue 5): engine-like clients walking scripted paths in a generated world,
on loopback, against `worldstream serve` running as its own process.

    .venv/bin/python bench/bench_stream.py [--clients 32] [--seconds 20] [--port 0]
        [--processes 1] [--walk-seconds 2.5] [--cold-every 2] [--join-seconds 0]
        [--world grown|seed] [--out FILE] [--native]

World: scikit-image's indoor garage photo ("Motorcycle"), created with the Python API in a
temporary data directory (the default `classic` generator), then extended with nine views
(2 m forward and a 60-degree turn, turns at the spawn, a step forward turned right);
`--world seed` streams the seed alone, to tell the stream's own costs from the tile count's.

Server: `worldstream serve --data-dir DIR --port P`, ready when gRPC health says SERVING, stopped
with SIGTERM. One warm-up stream at the spawn loads the world before anything is timed.

Clients: `bench/stream_clients.py` in --processes processes apart from the server, one TCP
connection per client. Each sends ExploreStart (glTF frame, QUANTIZED_V1 then RAW_F32,
no_generation, default budget and credits), then a ViewUpdate with velocity every 33 ms along
its own walks (forward, turning in place, strafing; random start offsets and headings within the
covered area), 2.5 s a walk on average; every other walk reconnects with an empty manifest, the
others continue on the same stream. The clients start together (all 32 streams open within one
tick: a thundering herd, as when every client reconnects to a restarted server), or one after
another over --join-seconds, as players join. Tiles are reassembled only to be counted and
acknowledged in full; removals are obeyed. `--native` runs the same clients written in C++
(bench/native, built with CMake into bench/native/build on first use) instead: they take almost
no CPU from the server, which tells the clients' own queueing from the server's. One native
process holds all clients.

What is timed:
- update -> first tile of a newly visible region: a view update whose frustum shows cells the
  client does not hold opens a region; its latency runs from sending that update to the first
  TileChunk (chunk 0) of any of those cells. "each new cell" times every such cell the same way.
- delivered splats/s: splat_count of completed tiles, all clients, over the streaming phase, and
  in its busiest second. Clients ask for at most (cold starts x world splats) in all: the
  report gives that ceiling, since no server can deliver more than is asked for.
- server RSS (VmRSS every 0.25 s) and CPU (utime + stime) over the streaming phase.
- errors: RPC errors, stream warnings, protocol surprises, tracebacks in the server's log.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import grpc
import numpy as np
from grpc_health.v1 import health_pb2, health_pb2_grpc
from machine import cpu_name  # bench/ is on sys.path when a bench runs as a script
from PIL import Image
from skimage import data
from stream_clients import Plan, walks_json, warm_up

from worldstream.errors import NotFound
from worldstream.store.store import Store
from worldstream.testing.walks import moved, walk_and_turn
from worldstream.v1 import worldstream_pb2 as pb
from worldstream.v1 import worldstream_pb2_grpc as pb_grpc
from worldstream.world.worlds import CreateOptions, Worlds

WORLD_ID = "bench-stream"
VIEWPORT = [1280, 720]
RSS_PERIOD_S = 0.25
MiB = 1024 * 1024
NATIVE = Path(__file__).resolve().with_name("native")
NATIVE_BUILD = NATIVE / "build"


# -- the world -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorldInfo:
    splats: int
    frames: int
    tile_size_m: float
    cells: np.ndarray  # [M, 3] int: cells holding at least one splat
    big_cells: int  # cells of 1,000 splats or more
    seconds: float


def world_info(data_dir: Path, grown: bool) -> WorldInfo:
    """Build the world in data_dir, or describe the one a previous run built there."""
    start = time.perf_counter()
    store = Store(data_dir)
    try:
        worlds = Worlds(store)
        try:
            loaded = worlds.load(WORLD_ID)
        except NotFound:
            loaded = build_world(worlds, grown)
        if (len(loaded.memory) > 1) != grown:
            raise SystemExit(f"{data_dir} holds the other world; pick another --world-dir")
        size = loaded.record.tile_size_m
        keys = np.floor(loaded.gaussians.means.numpy() / size).astype(np.int64)
        cells, counts = np.unique(keys, axis=0, return_counts=True)
        return WorldInfo(
            splats=len(loaded.gaussians),
            frames=len(loaded.memory),
            tile_size_m=size,
            cells=cells,
            big_cells=int((counts >= 1000).sum()),
            seconds=time.perf_counter() - start,
        )
    finally:
        store.close()


def build_world(worlds: Worlds, grown: bool):
    buffer = io.BytesIO()
    Image.fromarray(data.stereo_motorcycle()[0]).save(buffer, "PNG")
    worlds.create(buffer.getvalue(), CreateOptions(), world_id=WORLD_ID)
    loaded = worlds.load(WORLD_ID)
    if grown:
        spawn = loaded.memory.frame(0).camera
        turns = [moved(spawn, 0.0, -20.0), moved(spawn, 0.0, -40.0), moved(spawn, 1.0, -30.0)]
        views = [*walk_and_turn(spawn, 2.0, 60.0, 3), *turns]
        loaded = worlds.extend(WORLD_ID, views).world
    return loaded


# -- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path, port: int, log: Path, clients: int) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "worldstream"),
        "serve",
        "--data-dir",
        str(data_dir),
        "--port",
        str(port),
        # All clients are one tenant here, and a client reconnecting opens its new stream while
        # the old one closes: twice the clients, plus the warm-up stream.
        "--max-sessions-per-tenant",
        str(2 * clients + 1),
    ]
    with log.open("wb") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)


def wait_serving(address: str, server: subprocess.Popen, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"the server exited with {server.returncode} while starting")
            try:
                reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=1.0)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.2)
    raise RuntimeError(f"the server was not SERVING after {timeout_s:.0f} s")


def stop_server(server: subprocess.Popen, timeout_s: float = 30.0) -> str:
    """SIGTERM, then wait; returns a problem to report, or ""."""
    if server.poll() is not None:
        return f"the server had exited with {server.returncode} before the end"
    server.send_signal(signal.SIGTERM)
    try:
        code = server.wait(timeout_s)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
        return f"the server was still running {timeout_s:.0f} s after SIGTERM"
    return "" if code == 0 else f"the server exited with {code} after SIGTERM"


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    # Fields after the command name (which may hold spaces): utime and stime are the 12th and
    # 13th, in clock ticks.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class RssSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[tuple[float, int]] = []  # (time.monotonic(), bytes)
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                self.samples.append((time.monotonic(), rss_bytes(self.pid)))
            except (OSError, RuntimeError):
                return  # the server is gone; the run reports it
            self._stop_event.wait(RSS_PERIOD_S)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def log_problems(log: Path) -> list[str]:
    lines = log.read_text(errors="replace").splitlines()
    return [line for line in lines if "Traceback" in line or " ERROR " in line][:20]


# -- the clients -----------------------------------------------------------------------------


def world_message(address: str) -> pb.World:
    with grpc.insecure_channel(address) as channel:
        stub = pb_grpc.WorldStreamStub(channel)
        return stub.GetWorld(pb.GetWorldRequest(name=f"worlds/{WORLD_ID}"), timeout=30).world


def plan_for(args, address: str, world: pb.World, info: WorldInfo, clients: list[int]) -> Plan:
    p, q = world.spawn_position, world.spawn_rotation
    return Plan(
        address=address,
        world=world.name,
        clients=clients,
        client_count=args.clients,
        seconds=args.seconds,
        walk_seconds=args.walk_seconds,
        cold_every=args.cold_every,
        seed=args.seed,
        spawn_position=[p.x, p.y, p.z],
        spawn_rotation=[q.x, q.y, q.z, q.w],
        vertical_fov_degrees=world.spawn_vertical_fov_degrees,
        viewport=VIEWPORT,
        tile_size_m=info.tile_size_m,
        cells=info.cells.tolist(),
        join_seconds=args.join_seconds,
    )


def build_native() -> Path:
    """Configures bench/native once and builds it (make redoes only what changed); returns the
    program."""
    steps = [["cmake", "--build", str(NATIVE_BUILD), "-j", str(os.cpu_count() or 1)]]
    if not (NATIVE_BUILD / "CMakeCache.txt").exists():
        configure = ["cmake", "-S", str(NATIVE), "-B", str(NATIVE_BUILD)]
        steps.insert(0, [*configure, "-DCMAKE_BUILD_TYPE=Release"])
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(step)} failed:\n{done.stdout}{done.stderr}")
    return NATIVE_BUILD / "ws_stream_clients"


def run_clients(
    plans: list[Plan], tmp: Path, at_go: Callable[[], None], native: Path | None = None
) -> list[dict]:
    """Start the client processes (the native program when given, else stream_clients.py), let
    them prepare, then start them together (calling `at_go` first); returns each one's
    results."""
    procs, outs = [], []
    try:
        for i, plan in enumerate(plans):
            plan_file, out = tmp / f"plan-{i}.json", tmp / f"results-{i}.json"
            if native is None:
                plan_file.write_text(json.dumps(asdict(plan)))
                command = [sys.executable, str(Path(__file__).with_name("stream_clients.py"))]
            else:
                plan_file.write_text(json.dumps({**asdict(plan), "walks": walks_json(plan)}))
                command = [str(native)]
            command += ["--plan", str(plan_file), "--out", str(out)]
            procs.append(
                subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            )
            outs.append(out)
        for proc in procs:
            line = proc.stdout.readline()
            if line.strip() != "ready":
                raise RuntimeError(f"a client process did not get ready: {line!r}")
        at_go()
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        for proc in procs:
            if proc.wait() != 0:
                raise RuntimeError(f"a client process exited with {proc.returncode}")
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return [json.loads(out.read_text()) for out in outs]


def merged(results: list[dict]) -> dict:
    total: dict = {}
    for result in results:
        for key, value in result.items():
            if key not in total:
                total[key] = value
            elif isinstance(value, list):
                total[key] = total[key] + value
            elif isinstance(value, dict):
                for k, v in value.items():
                    total[key][k] = total[key].get(k, 0) + v
            elif key == "start":
                total[key] = min(total[key], value)
            elif key == "end":
                total[key] = max(total[key], value)
            else:
                total[key] += value
    return total


# -- the report ------------------------------------------------------------------------------


def spread(values: list[float], unit: str, digits: int = 1) -> str:
    if not values:
        return "none"
    p50, p90, p99 = np.percentile(values, [50, 90, 99])
    return (
        f"n={len(values):,}: p50 {p50:.{digits}f}, p90 {p90:.{digits}f}, p99 {p99:.{digits}f}, "
        f"max {max(values):.{digits}f} {unit}"
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(args, info: WorldInfo, s: dict, rss: list[tuple[float, int]], extra: dict) -> str:
    wall = s["end"] - s["start"]
    start, walking, cells = s["start_region_ms"], s["walk_region_ms"], s["cell_ms"]
    region = start + walking
    p50 = float(np.percentile(region, 50)) if region else float("inf")
    p99 = float(np.percentile(region, 99)) if region else float("inf")
    rate = s["splats"] / wall
    # Processes start within milliseconds of each other: their seconds line up.
    busiest = max(s["splats_by_second"].values(), default=0)
    times = np.array([t for t, _ in rss])
    values = np.array([v for _, v in rss], dtype=np.float64) / MiB
    phase = (times >= s["start"]) & (times <= s["end"])
    mid = s["start"] + wall / 2
    second = values[phase & (times >= mid)]
    growth = second[-1] - second[0] if len(second) else float("nan")
    errors = (
        len(s["errors"]) + sum(s["warnings"].values()) + len(extra["log"]) + bool(extra["stop"])
    )
    joining = (
        f"over {args.join_seconds:g} s" if args.join_seconds > 0 else "together (within 33 ms)"
    )
    rows = [
        (
            "world",
            f"{info.splats:,} splats, {len(info.cells):,} tiles of {info.tile_size_m:g} m "
            f"({info.big_cells} of >= 1,000 splats), {info.frames} frames",
            "",
        ),
        (
            "clients",
            f"{args.clients} in {args.processes} {'native' if args.native else 'Python'} "
            f"process(es), joining {joining}, {s['walks']} walks "
            f"({s['cold_walks']} cold), {s['views']:,} view updates, {wall:.1f} s",
            "",
        ),
        (
            "encoding (header / chunks)",
            f"{dict(s['header_encodings'])} / {dict(s['chunk_encodings'])}",
            "",
        ),
        (
            "update -> first tile of a newly visible region (ms)",
            spread(region, "ms"),
            f"p50 <= 10, p99 <= 50: {verdict(p50 <= 10 and p99 <= 50)}",
        ),
        ("  of which a stream's first view (cold start)", spread(start, "ms"), ""),
        ("  of which later views (walking)", spread(walking, "ms"), ""),
        ("each newly visible cell -> its first chunk (ms)", spread(cells, "ms"), ""),
        (
            "regions",
            f"{s['regions']:,} opened, {len(region):,} answered, "
            f"{s['regions_left_view']:,} left the view first, {s['regions_open_at_end']:,} open "
            f"when their stream ended",
            "",
        ),
        ("tiles sent before the client's frustum showed them", f"{s['early_cells']:,}", ""),
        (
            "first ViewStatus.complete per client (s)",
            spread(s["first_complete_s"], "s", 2)
            + f"; {len(s['first_complete_s'])}/{args.clients} clients",
            "",
        ),
        (
            "ViewStatus.complete per walk (s)",
            spread(s["walk_complete_s"], "s", 2)
            + f"; {len(s['walk_complete_s'])}/{s['walks']} walks",
            "",
        ),
        (
            "delivered",
            f"{s['splats']:,} splats in {s['tiles']:,} tiles, "
            f"{s['payload_bytes'] / 1e6:,.0f} MB, {s['removals']:,} removals",
            "",
        ),
        (
            "aggregate splats/s",
            f"{rate / 1e6:.2f} M/s ({s['payload_bytes'] / wall / 1e6:.0f} MB/s payload); "
            f"busiest second {busiest / 1e6:.2f} M; asked for at most "
            f"{s['streams'] * info.splats / wall / 1e6:.1f} M/s",
            f">= 10 M/s: {verdict(rate >= 10e6)}",
        ),
        (
            "server RSS (MiB)",
            f"start {values[phase][0]:.0f}, peak {values[phase].max():.0f}, "
            f"end {values[phase][-1]:.0f}; second half {growth:+.0f}"
            if phase.any()
            else "none",
            "bounded",
        ),
        ("server CPU", f"{extra['server_cpu']:.1f} s = {extra['server_cpu'] / wall:.2f} cores", ""),
        ("client CPU", f"{s['cpu_s']:.1f} s = {s['cpu_s'] / wall:.2f} cores", ""),
        (
            "client view sends: lateness (ms)",
            spread(s["lag_ms"], "ms") + f"; {s['ticks_skipped']:,} ticks skipped",
            "",
        ),
        ("generation events (no_generation was asked)", f"{s['generation_events']:,}", ""),
        ("errors (RPC, warnings, protocol, server log)", f"{errors}", f"0: {verdict(errors == 0)}"),
    ]
    lines = [
        f"machine: {cpu_name()}, {os.cpu_count()} CPUs; date: {date.today().isoformat()}",
        f"command: {' '.join([Path(sys.executable).name, *sys.argv])}",
        f"world built in {info.seconds:.0f} s; warm-up stream {extra['warm_up']:.1f} s",
        "clients: "
        + ("native C++ (bench/native)" if args.native else "Python grpc.aio (stream_clients.py)"),
        "",
        "| measure | value | target |",
        "|---|---|---|",
        *(f"| {name} | {value} | {target} |" for name, value, target in rows),
    ]
    problems = s["errors"][:10] + [f"warning {k} x{v}" for k, v in s["warnings"].items()]
    problems += extra["log"][:10] + ([extra["stop"]] if extra["stop"] else [])
    if problems:
        lines += ["", "problems:", *(f"- {p}" for p in problems)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--processes", type=int, default=1, help="client processes")
    parser.add_argument("--walk-seconds", type=float, default=2.5, help="mean walk length")
    parser.add_argument(
        "--cold-every", type=int, default=2, help="every Nth walk reconnects with no manifest"
    )
    parser.add_argument(
        "--join-seconds",
        type=float,
        default=0.0,
        help="the clients start one after another over this long (0: all within one tick)",
    )
    parser.add_argument("--seed", type=int, default=0, help="of the clients' walks")
    parser.add_argument(
        "--world",
        choices=("grown", "seed"),
        default="grown",
        help="grown: extended with nine views (the benchmark); seed: the photo's seed alone",
    )
    parser.add_argument("--out", type=Path, help="also write the report here")
    parser.add_argument(
        "--world-dir",
        type=Path,
        help="keep the world's data dir here and reuse it on later runs (it is built once)",
    )
    parser.add_argument(
        "--native",
        action="store_true",
        help="the clients in C++ (bench/native, built with CMake on first use) instead of Python",
    )
    args = parser.parse_args()
    native = build_native() if args.native else None

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        data_dir = args.world_dir or tmp / "data"
        info = world_info(data_dir, args.world == "grown")
        address = f"127.0.0.1:{args.port or free_port()}"
        log = tmp / "server.log"
        server = start_server(data_dir, int(address.rsplit(":", 1)[1]), log, args.clients)
        sampler = RssSampler(server.pid)
        try:
            wait_serving(address, server)
            world = world_message(address)
            ids = list(range(args.clients))
            plans = [
                plan_for(args, address, world, info, ids[i :: args.processes])
                for i in range(args.processes)
            ]
            warm = asyncio.run(warm_up(plan_for(args, address, world, info, [0])))
            sampler.start()
            cpu: list[float] = []
            results = run_clients(plans, tmp, lambda: cpu.append(cpu_seconds(server.pid)), native)
            server_cpu = cpu_seconds(server.pid) - cpu[0]
        finally:
            if sampler.is_alive():
                sampler.stop()
            stopped = stop_server(server)
        extra = {"warm_up": warm, "server_cpu": server_cpu, "log": log_problems(log)}
        extra["stop"] = stopped
        text = report(args, info, merged(results), sampler.samples, extra)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
