"""Real-time walks on fresh worlds: holes, fidelity while moving, time to the final level.

For each world (a real photo from scikit-image) and each path: a fresh copy of the world's data
dir, served by `worldstream serve` in its own process (generation on, as a user runs it, so the
client's decoding and rendering do not share the server's interpreter) and warmed by one stream
of the spawn view (--cold: not), and the reference client walks the path in real time
(client/realtime.py) at --speed and --turn-rate, sending a view every 1/--hz without waiting,
with fidelity on: every frame is rendered afterwards from what the client
held at that instant and compared with the whole world at full detail at the world version
current then. One row per walk: the share of frames with hole fraction <= 1 %, the median
fidelity while moving, and the time from a grid cell entering the view to its final level.

Each world is created once per commit (no generation) and copied for every walk, so every path
starts from the same world. Rows go to OUT/results.jsonl, the frames and walk.mp4 of each walk to
OUT/walks/WORLD-PATH/.

    .venv/bin/python bench/bench_realtime.py --worlds garage --paths outback:2,orbit:90
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from machine import checkout_commit, cpu_name  # bench/ is on sys.path when a bench runs as a script
from PIL import Image
from serve import start_serve

from worldstream.api.config import ServerConfig
from worldstream.api.inprocess import ServerThread
from worldstream.cli.commands import spawn_camera
from worldstream.cli.realtime import parse_path
from worldstream.client import Client
from worldstream.client.realtime import RealtimeReport, walk_realtime

PHOTOS = ("coffee", "garage", "rocket", "astronaut", "chelsea")


def photo(name: str) -> bytes:
    from skimage import data

    rgb = {
        "coffee": data.coffee,
        "garage": lambda: data.stereo_motorcycle()[0],  # a motorcycle in a garage
        "rocket": data.rocket,  # a launch pad outdoors
        "astronaut": data.astronaut,  # a person before a flag, indoors
        "chelsea": data.chelsea,  # a cat, close up
    }[name]()
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(rgb, np.uint8)).save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


commit = checkout_commit


def template(out: Path, world: str) -> tuple[Path, str]:
    """The world's data dir, created once without generation (it is copied for each walk)."""
    data_dir = out / "worlds" / world
    marker = out / "worlds" / f"{world}.json"
    if marker.is_file():
        made = json.loads(marker.read_text())
        if made.get("commit") == commit():
            return data_dir, made["name"]
    shutil.rmtree(data_dir, ignore_errors=True)
    config = ServerConfig(port=0, data_dir=data_dir, generate_on_demand=False)
    start = time.perf_counter()
    with ServerThread(config) as server, Client(server.address, timeout=600) as client:
        made = client.create_world(photo(world), display_name=world)
    took = time.perf_counter() - start
    print(f"created {world}: {made.splat_count:,} splats in {took:.1f} s", flush=True)
    marker.write_text(json.dumps({"name": made.name, "commit": commit()}))
    return data_dir, made.name


def start_server(data_dir: Path) -> tuple[subprocess.Popen, str]:
    """`worldstream serve` of this checkout on a loopback port."""
    return start_serve(data_dir, auth=False)


@dataclass
class Row:
    world: str
    path: str
    size: str
    hz: float
    speed_mps: float
    turn_rate_dps: float
    frames: int
    frames_skipped: int
    late_p95_ms: float
    frames_within_hole_target: float | None
    hole_worst: float
    frames_within_missing_target: float | None  # holes the world itself has left out
    missing_worst: float | None
    fidelity_median_moving_db: float | None
    fidelity_median_db: float | None
    fidelity_worst_db: float | None
    frames_without_reference: int
    final_level_p50_ms: float | None
    final_level_p95_ms: float | None
    final_level_max_ms: float | None
    region_visits: int
    never_finished: int
    never_finished_open_at_end: int
    splats_resident_max: int
    world_versions: list[int]
    warnings: int


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else 1000.0 * seconds


def row(world: str, path: str, size: str, report: RealtimeReport) -> Row:
    regions = report.time_to_final_level
    frames = report.frames
    return Row(
        world=world,
        path=path,
        size=size,
        hz=report.hz,
        speed_mps=report.speed_mps,
        turn_rate_dps=report.turn_rate_dps,
        frames=len(frames),
        frames_skipped=report.frames_skipped,
        late_p95_ms=float(np.percentile([1000 * f.late_s for f in frames], 95)),
        frames_within_hole_target=report.frames_within_hole_target,
        hole_worst=max(f.hole_fraction for f in frames),
        frames_within_missing_target=report.frames_within_missing_target,
        missing_worst=max(
            (f.missing_fraction for f in frames if f.missing_fraction is not None), default=None
        ),
        fidelity_median_moving_db=report.fidelity_db_median_moving,
        fidelity_median_db=report.fidelity_db_median,
        fidelity_worst_db=report.fidelity_db_worst,
        frames_without_reference=report.frames_without_reference,
        final_level_p50_ms=_ms(regions.p50_s),
        final_level_p95_ms=_ms(regions.p95_s),
        final_level_max_ms=_ms(regions.max_s),
        region_visits=regions.visits,
        never_finished=regions.never_finished,
        never_finished_open_at_end=regions.never_finished_open_at_end,
        splats_resident_max=max(f.splats_resident for f in frames),
        world_versions=sorted({f.world_version for f in frames}),
        warnings=len(report.warnings),
    )


def warm_up(client: Client, name: str, camera) -> float:
    """A throwaway stream of the spawn view (no generation), waited on until complete: the
    walk then meets a running server, not a process loading its compiled kernels (about a
    second before the first tile on this machine). Returns the seconds it took."""
    from worldstream.client.walk import HeldTiles, walk

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        walk(client, name, [camera.world_to_camera], Path(scratch), camera, 60.0, HeldTiles())
    return time.perf_counter() - started


def run(args: argparse.Namespace, world: str, path: str, size: str) -> Row:
    width, height = (int(v) for v in size.split("x"))
    source, name = template(args.out, world)
    tag = re.sub(r"[^a-z0-9.]+", "-", f"{world}-{path}-{size}")
    data_dir = args.out / "runs" / tag
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(source, data_dir)
    process, address = start_server(data_dir)
    try:
        with Client(address, timeout=600) as client:
            info = client.get_world(name)
            camera = spawn_camera(info, width, height)
            poses = parse_path(path, camera.world_to_camera)
            if not args.cold:
                print(f"  server warmed up in {warm_up(client, name, camera):.1f} s", flush=True)
            started = time.perf_counter()
            report = walk_realtime(
                client,
                name,
                poses,
                args.out / "walks" / tag,
                camera,
                hz=args.hz,
                speed_mps=args.speed,
                turn_rate_dps=args.turn_rate,
                settle_s=args.settle,
                fidelity=True,
            )
            took = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=60)
        shutil.rmtree(data_dir, ignore_errors=True)
    for warning in report.warnings:
        print(f"  warning: {warning}", flush=True)
    result = row(world, path, size, report)
    print(f"  {tag}: walked and measured in {took:.0f} s", flush=True)
    return result


def _fmt(value, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def table(rows: list[Row]) -> str:
    lines = [
        "| world | path | size | frames (skipped) | holes <= 1 % | worst holes | missing <= 1 % "
        "| worst missing | fidelity moving, median | fidelity worst | final level p50 / p95 / max "
        "| never finished |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        share = None if r.frames_within_hole_target is None else 100 * r.frames_within_hole_target
        kept = r.frames_within_missing_target
        missing_share = None if kept is None else 100 * kept
        worst_missing = None if r.missing_worst is None else 100 * r.missing_worst
        lines.append(
            f"| {r.world} | {r.path} | {r.size} | {r.frames} ({r.frames_skipped}) | "
            f"{_fmt(share)} % | {100 * r.hole_worst:.1f} % | {_fmt(missing_share)} % | "
            f"{_fmt(worst_missing)} % | "
            f"{_fmt(r.fidelity_median_moving_db)} dB | {_fmt(r.fidelity_worst_db)} dB | "
            f"{_fmt(r.final_level_p50_ms, '.0f')} / {_fmt(r.final_level_p95_ms, '.0f')} / "
            f"{_fmt(r.final_level_max_ms, '.0f')} ms | {r.never_finished} of {r.region_visits}"
            f" ({r.never_finished_open_at_end} at the end) |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", default="coffee,garage", help=f"of {', '.join(PHOTOS)}")
    parser.add_argument("--paths", default="outback:2,orbit:90", help="comma-separated")
    parser.add_argument("--sizes", default="320x240", help="comma-separated WxH")
    parser.add_argument("--hz", type=float, default=30.0)
    parser.add_argument("--speed", type=float, default=1.4)
    parser.add_argument("--turn-rate", type=float, default=45.0)
    parser.add_argument("--settle", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench_realtime"))
    parser.add_argument(
        "--cold",
        action="store_true",
        help="walk on a server process that has served nothing yet (by default one stream of "
        "the spawn view warms it first)",
    )
    args = parser.parse_args()
    worlds = args.worlds.split(",")
    unknown = set(worlds) - set(PHOTOS)
    if unknown:
        parser.error(f"unknown worlds {sorted(unknown)}; known: {', '.join(PHOTOS)}")
    args.out.mkdir(parents=True, exist_ok=True)
    print(
        f"{cpu_name()}, {os.cpu_count()} CPUs, {datetime.date.today()}, commit {commit()}",
        flush=True,
    )
    rows = []
    for world in worlds:
        for path in args.paths.split(","):
            for size in args.sizes.split(","):
                result = run(args, world, path, size)
                rows.append(result)
                with open(args.out / "results.jsonl", "a") as f:
                    f.write(json.dumps(asdict(result)) + "\n")
    print(table(rows))


if __name__ == "__main__":
    main()
