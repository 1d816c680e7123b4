"""Fidelity of what a client holds against the whole world, swept over the screen-space error.

For each world (a real photo from scikit-image, or the procedural rooms rendered as a photo), each
path, viewport and `max_sse_px`: a fresh in-process server (generation on) over a fresh copy of
the world's data dir, the reference client walks the path with fidelity on (client/walk.py), and
one row is kept: worst and median fidelity of the complete poses against the whole world at full
detail at the version each view completed on, the worst agreement of poses that coincide (out and
back), splats resident (max), and bytes received per complete view (median).

Each world is created once per commit (its own data dir) and copied for every run, so every
threshold sees the same world, fresh, and grows it by generation as the walk goes; a world is made
by the code of its commit (its levels of detail, its spawn), so another commit makes it again.
Rows are appended to OUT/results.jsonl as each run ends, with the commit; a rerun at the same
commit skips the runs already there (resumable), and --table prints the tables from what is there
without running anything.

The rooms world: CreateWorld takes a photo only, so it is made from the rooms' spawn view
rendered exactly (server/worldstream/testing/rooms.py) and sent as a JPEG, with the rendered
camera's field of view; its depth is then the server's own estimate, not the rooms' ground truth
(bench_lod.py and bench_generate.py lift the rooms with their exact depth, which only the Python
API can do: generate/ and reconstruct/ called directly, no server).

    .venv/bin/python bench/bench_fidelity.py --worlds garage,coffee --sizes 320x240
    .venv/bin/python bench/bench_fidelity.py --table   # the tables of every run so far
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import math
import shutil
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from machine import checkout_commit, cpu_name  # bench/ is on sys.path when a bench runs as a script
from PIL import Image

from worldstream.api.config import ServerConfig
from worldstream.api.inprocess import ServerThread
from worldstream.cli.commands import spawn_camera
from worldstream.client import Client
from worldstream.client.walk import walk
from worldstream.geometry.paths import parse_preset
from worldstream.v1 import worldstream_pb2 as pb

WORLDS = ("coffee", "garage", "rocket", "astronaut", "rooms")
DEFAULT_WORLDS = "coffee,garage,rocket,astronaut,rooms"
PATHS = "outback:2,orbit:90"
SIZES = "320x240,640x480,1280x720"
THRESHOLDS = "16,8,4,2,1"


def photo(name: str) -> tuple[bytes, float]:
    """The photo as a JPEG, and its horizontal field of view (0: the server's default)."""
    from skimage import data

    fov = 0.0
    if name == "rooms":
        from worldstream.testing.rooms import two_room_scene

        scene = two_room_scene()
        camera = scene.camera("spawn", 640, 480, fov_y_degrees=60.0)
        rgb = np.asarray(scene.render(camera, 3).rgb)
        fov = math.degrees(2 * math.atan(math.tan(math.radians(30.0)) * 640 / 480))
    else:
        rgb = {
            "coffee": data.coffee,
            "garage": lambda: data.stereo_motorcycle()[0],  # a motorcycle in a garage
            "rocket": data.rocket,  # a launch pad outdoors
            "astronaut": data.astronaut,  # a person before a flag, indoors
        }[name]()
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(rgb, np.uint8)).save(buffer, "JPEG", quality=95)
    return buffer.getvalue(), fov


@dataclass
class Row:
    world: str
    path: str
    size: str
    max_sse_px: float
    poses: int
    complete: int
    fidelity_worst_db: float | None
    fidelity_median_db: float | None
    pair_worst_db: float | None
    splats_resident_max: int
    bytes_per_complete_view_median: float | None
    bytes_total: int
    world_versions: list[int]
    walk_s: float
    encoding: str
    # Out-and-back pairs whose views completed on the same world version: the order tiles came
    # in and the levels held, without the world having grown in between.
    pair_same_version_worst_db: float | None = None
    commit: str = ""  # the checkout's commit the run was made by

    @property
    def key(self) -> tuple:
        return (self.world, self.path, self.size, self.max_sse_px, self.encoding, self.commit)


commit = checkout_commit


def template(out: Path, world: str) -> Path:
    """The world's data dir, created once per commit (no generation: it is copied before each
    walk)."""
    data_dir = out / "worlds" / world
    marker = out / "worlds" / f"{world}.json"
    if marker.is_file() and json.loads(marker.read_text()).get("commit") == commit():
        return data_dir
    shutil.rmtree(data_dir, ignore_errors=True)
    jpeg, fov = photo(world)
    config = ServerConfig(port=0, data_dir=data_dir, generate_on_demand=False)
    start = time.perf_counter()
    with ServerThread(config) as server, Client(server.address, timeout=600) as client:
        made = client.create_world(jpeg, display_name=world, horizontal_fov_degrees=fov)
    took = time.perf_counter() - start
    print(f"<!-- created {world}: {made.splat_count:,} splats in {took:.1f} s -->", flush=True)
    marker.write_text(json.dumps({"name": made.name, "commit": commit()}))
    return data_dir


def label_of(world: str, path: str, size: str, threshold: float, raw: bool) -> str:
    return f"{world}-{path.replace(':', '')}-{size}-sse{threshold:g}" + ("-raw" if raw else "")


def same_version_worst(report: dict) -> float | None:
    version = {p["index"]: p["world_version"] for p in report["poses"]}
    same = [
        db
        for (a, b), db in zip(report["pair_poses"], report["pair_agreement_db"], strict=True)
        if version[a] == version[b]
    ]
    return min(same) if same else None


def run_one(
    out: Path, world: str, path: str, size: str, threshold: float, timeout: float, raw: bool
) -> Row:
    source = template(out, world)
    name = json.loads((out / "worlds" / f"{world}.json").read_text())["name"]
    label = label_of(world, path, size, threshold, raw)
    data_dir = out / "runs" / label / "data"
    shutil.rmtree(data_dir.parent, ignore_errors=True)
    shutil.copytree(source, data_dir)
    width, height = (int(v) for v in size.split("x"))
    config = ServerConfig(port=0, data_dir=data_dir, max_sse_px=threshold)
    encodings = (pb.TILE_ENCODING_RAW_F32,) if raw else None
    with ServerThread(config) as server, Client(server.address, timeout=600) as client:
        info = client.get_world(name)
        camera = spawn_camera(info, width, height)
        poses = parse_preset(path, camera.world_to_camera)
        start = time.perf_counter()
        report = walk(
            client,
            name,
            poses,
            data_dir.parent / "walk",
            camera,
            timeout,
            fidelity=True,
            encodings=encodings,
        )
        walk_s = time.perf_counter() - start
    shutil.rmtree(data_dir, ignore_errors=True)  # the walk's images and report stay
    complete = [p for p in report.poses if p.complete]
    return Row(
        world=world,
        path=path,
        size=size,
        max_sse_px=threshold,
        poses=len(report.poses),
        complete=len(complete),
        fidelity_worst_db=report.fidelity_db_worst,
        fidelity_median_db=report.fidelity_db_median,
        pair_worst_db=report.pair_agreement_db_worst,
        splats_resident_max=max((p.splats_resident for p in report.poses), default=0),
        bytes_per_complete_view_median=(
            statistics.median(p.bytes_received for p in complete) if complete else None
        ),
        bytes_total=sum(p.bytes_received for p in report.poses),
        world_versions=sorted({p.world_version for p in report.poses}),
        walk_s=walk_s,
        encoding="raw" if raw else "quantized",
        pair_same_version_worst_db=same_version_worst(json.loads(report.to_json())),
        commit=commit(),
    )


def read_rows(results: Path) -> list[Row]:
    if not results.is_file():
        return []
    rows = [Row(**json.loads(line)) for line in results.read_text().splitlines() if line.strip()]
    for r in rows:  # rows written before the column existed: from the walk's report, if kept
        label = label_of(r.world, r.path, r.size, r.max_sse_px, r.encoding == "raw")
        report = results.parent / "runs" / label / "walk" / "report.json"
        if r.pair_same_version_worst_db is None and report.is_file():
            r.pair_same_version_worst_db = same_version_worst(json.loads(report.read_text()))
    return rows


def db(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def print_tables(rows: list[Row]) -> None:
    print(f"# fidelity against the whole world, {cpu_name()}, {datetime.date.today().isoformat()}")
    for made_by, world in dict.fromkeys((r.commit, r.world) for r in rows):
        print(f"\n## {world} (commit {made_by or 'not recorded'})\n")
        print(
            "| path | viewport | max_sse_px | tiles | complete | fidelity worst dB | median dB "
            "| out-and-back worst dB | same version dB | splats max | bytes/view median "
            "| bytes all | versions | walk s |"
        )
        print("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
        for r in sorted(
            (r for r in rows if r.world == world and r.commit == made_by),
            key=lambda r: (r.path, int(r.size.split("x")[0]), -r.max_sse_px, r.encoding),
        ):
            per_view = r.bytes_per_complete_view_median
            print(
                f"| {r.path} | {r.size} | {r.max_sse_px:g} | {r.encoding} "
                f"| {r.complete}/{r.poses} "
                f"| {db(r.fidelity_worst_db)} | {db(r.fidelity_median_db)} | {db(r.pair_worst_db)} "
                f"| {db(r.pair_same_version_worst_db)} "
                f"| {r.splats_resident_max:,} | {'-' if per_view is None else f'{per_view:,.0f}'} "
                f"| {r.bytes_total:,} "
                f"| {','.join(map(str, r.world_versions))} | {r.walk_s:.1f} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench-fidelity"))
    parser.add_argument("--worlds", default=DEFAULT_WORLDS, help=f"of {', '.join(WORLDS)}")
    parser.add_argument("--paths", default=PATHS)
    parser.add_argument("--sizes", default=SIZES)
    parser.add_argument("--thresholds", default=THRESHOLDS, help="max_sse_px values, px")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per pose")
    parser.add_argument(
        "--raw", action="store_true", help="tiles as RAW_F32 (no quantization) instead"
    )
    parser.add_argument("--table", action="store_true", help="print the tables, run nothing")
    parser.add_argument("--again", action="store_true", help="rerun runs already in results")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results = args.out / "results.jsonl"
    if not args.table:
        worlds = [w for w in args.worlds.split(",") if w]
        unknown = set(worlds) - set(WORLDS)
        if unknown:
            raise SystemExit(f"unknown worlds {sorted(unknown)}; choose from {', '.join(WORLDS)}")
        done = {r.key for r in read_rows(results)} if not args.again else set()
        encoding = "raw" if args.raw else "quantized"
        started = time.perf_counter()
        for world in worlds:
            for path in args.paths.split(","):
                for size in args.sizes.split(","):
                    for threshold in (float(t) for t in args.thresholds.split(",")):
                        if (world, path, size, threshold, encoding, commit()) in done:
                            continue
                        t0 = time.perf_counter()
                        row = run_one(
                            args.out, world, path, size, threshold, args.timeout, args.raw
                        )
                        with results.open("a") as f:
                            f.write(json.dumps(asdict(row)) + "\n")
                        print(
                            f"<!-- {world} {path} {size} sse {threshold:g}: worst "
                            f"{db(row.fidelity_worst_db)} dB, {row.complete}/{row.poses} complete, "
                            f"{time.perf_counter() - t0:.0f} s -->",
                            flush=True,
                        )
        print(f"<!-- sweep: {time.perf_counter() - started:.0f} s -->")
    print_tables(read_rows(results))


if __name__ == "__main__":
    main()
