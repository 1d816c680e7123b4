"""The subcommands. Each takes parsed arguments and a Client, and returns an exit code."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import numpy as np
from PIL import Image

from worldstream.cli.progress import bytes_bar, console, fraction_bar
from worldstream.cli.realtime import camera_and_poses
from worldstream.cli.text import printable
from worldstream.client import Client
from worldstream.client.walk import WalkReport, walk
from worldstream.geometry.camera import Camera, intrinsics_from_fov
from worldstream.geometry.engine import EngineFrame, pose_from_engine
from worldstream.v1 import worldstream_pb2 as pb


def create_world(client: Client, photo: bytes, description: str, **options) -> pb.World:
    with fraction_bar() as bar:
        task = bar.add_task(description, total=1.0)

        def on_progress(p: pb.Progress) -> None:
            bar.update(task, completed=p.fraction, description=f"{description}: {p.message}")

        return client.create_world(photo, on_progress=on_progress, **options)


def export_world(
    client: Client, world: str, out: Path, format: str, frame: str | None
) -> pb.ExportHeader:
    engine = EngineFrame.parse(frame) if frame else None
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with bytes_bar() as bar, open(tmp, "wb") as f:
        task = bar.add_task(f"exporting {format}", total=None)

        def on_progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        header = client.export_world(world, f, format, engine, on_progress)
    tmp.replace(out)
    return header


def spawn_camera(world: pb.World, width: int, height: int) -> Camera:
    p, q = world.spawn_position, world.spawn_rotation
    w2c = pose_from_engine((p.x, p.y, p.z), (q.x, q.y, q.z, q.w), EngineFrame.GLTF)
    fov = world.spawn_vertical_fov_degrees or 60.0
    return Camera(intrinsics_from_fov(fov, width, height), w2c, width, height)


def walk_world(
    client: Client,
    world: str,
    path: str,
    out: Path,
    width: int,
    height: int,
    timeout: float,
    fidelity: bool = False,
) -> WalkReport:
    info = client.get_world(world)
    camera, poses = camera_and_poses(info, path, width, height)  # presets join with '+'
    with fraction_bar() as bar:
        task = bar.add_task(f"walking {path}", total=len(poses))
        report = walk(
            client,
            info.name,
            poses,
            out,
            camera,
            timeout,
            on_pose=lambda _: bar.advance(task),
            fidelity=fidelity,
        )
    return report


def preview_strip(out_dir: Path, report: WalkReport, height: int = 180) -> Path:
    """The walk's frames side by side in one PNG."""
    images = [Image.open(out_dir / p.image).convert("RGB") for p in report.poses]
    scaled = [im.resize((round(im.width * height / im.height), height)) for im in images]
    strip = Image.new("RGB", (sum(im.width for im in scaled) + 4 * (len(scaled) - 1), height))
    x = 0
    for im in scaled:
        strip.paste(im, (x, 0))
        x += im.width + 4
    path = out_dir / "preview.png"
    strip.save(path)
    return path


def read_photo(path: Path) -> bytes:
    if not path.is_file():
        raise SystemExit(f"error: {path} is not a file")
    return path.read_bytes()


def demo_photo() -> bytes:
    """A coffee shop photo that scikit-image ships (skimage.data.coffee, public domain)."""
    from skimage import data

    buffer = io.BytesIO()
    Image.fromarray(np.asarray(data.coffee())).save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def print_worlds(client: Client) -> int:
    rows = list(client.list_worlds())
    if not rows:
        console.print("no worlds")
        return 0
    for w in rows:
        state = pb.WorldState.Name(w.state).removeprefix("WORLD_STATE_").lower()
        # One row per world, whatever its names hold (cli/text.py).
        name, display_name = printable(w.name), printable(w.display_name)
        print(f"{name}\t{state}\t{w.splat_count} splats\t{display_name}")
    return 0


def summarise_walk(report: WalkReport) -> None:
    for p in report.poses:
        ttft = (
            f"{p.time_to_first_tile_s * 1000:.0f} ms" if p.time_to_first_tile_s is not None else "-"
        )
        console.print(
            f"pose {p.index:3d}: {'complete' if p.complete else 'TIMED OUT'}  first tile {ttft:>8}"
            f"  {p.splats_resident:,} splats  holes {100 * p.hole_fraction:.1f}%"
            + (f"  generated ({p.generation_jobs} job)" if p.generation_jobs else "")
            + (f"  fidelity {p.fidelity_db:.1f} dB" if p.fidelity_db is not None else "")
        )
    if report.fidelity_db_worst is not None:
        console.print(
            f"fidelity of complete poses: worst {report.fidelity_db_worst:.1f} dB, "
            f"median {report.fidelity_db_median:.1f} dB (against the whole world at full detail)"
        )
    if report.pair_agreement_db_worst is not None:
        pairs = ", ".join(
            f"{a}/{b} {db:.1f} dB"
            for (a, b), db in zip(report.pair_poses, report.pair_agreement_db, strict=True)
        )
        console.print(f"poses that coincide (out and back) agree: {pairs}")
    for w in report.warnings:
        console.print(f"[yellow]warning[/] {w}")


def add_walk_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait per pose")
