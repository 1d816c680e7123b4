"""`worldstream walk --realtime`: its options, its path and camera, and its summary."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np

from worldstream.cli.progress import console, fraction_bar
from worldstream.client import Client
from worldstream.client.realtime import RealtimeReport, walk_realtime
from worldstream.geometry.camera import Camera, intrinsics_from_fov
from worldstream.geometry.paths import parse_preset, read_json_path
from worldstream.v1 import worldstream_pb2 as pb


def _positive(what: str):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a number, got {text!r}") from None
        if not (math.isfinite(value) and value > 0):
            raise argparse.ArgumentTypeError(f"{what} must be a positive number, got {text!r}")
        return value

    return parse


def _not_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"settle must be a number, got {text!r}") from None
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"settle must be >= 0 seconds, got {text!r}")
    return value


def add_realtime_options(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group(
        "real time", "--realtime: move as an engine does, a view every frame, never waiting"
    )
    g.add_argument(
        "--realtime",
        action="store_true",
        help="walk the path at --speed and --turn-rate, sending a view every frame without "
        "waiting for tiles; render each frame's holdings afterwards, write walk.mp4",
    )
    add_speed_options(g)
    g.add_argument("--no-video", action="store_true", help="no walk.mp4")


def add_speed_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument("--hz", type=_positive("hz"), default=30.0, help="frames per second (30)")
    parser.add_argument("--speed", type=_positive("speed"), default=1.4, help="m/s (1.4)")
    parser.add_argument(
        "--turn-rate", type=_positive("turn rate"), default=45.0, help="degrees per second (45)"
    )
    parser.add_argument(
        "--settle",
        type=_not_negative,
        default=1.0,
        metavar="S",
        help="seconds standing at the path's end, frames going on (1)",
    )


def parse_path(spec: str, start_w2c: np.ndarray) -> list[np.ndarray]:
    """A preset, or presets joined by '+', each going on from where the previous one ended:
    'forward:1.5+orbit:60' walks in, then turns 60 degrees to the left."""
    poses: list[np.ndarray] = []
    for part in spec.split("+"):
        following = parse_preset(part, poses[-1] if poses else start_w2c)
        poses.extend(following[1:] if poses else following)
    return poses


def camera_and_poses(
    info: pb.World, path: str, width: int, height: int
) -> tuple[Camera, list[np.ndarray]]:
    from worldstream.cli.commands import spawn_camera

    camera = spawn_camera(info, width, height)
    if not path.endswith(".json"):
        return camera, parse_path(path, camera.world_to_camera)
    json_path = read_json_path(path)
    if json_path.vertical_fov_degrees:
        camera = Camera(
            intrinsics_from_fov(json_path.vertical_fov_degrees, width, height),
            camera.world_to_camera,
            width,
            height,
        )
    return camera, json_path.poses


def walk_world_realtime(
    client: Client,
    world: str,
    path: str,
    out: Path,
    width: int,
    height: int,
    *,
    hz: float,
    speed: float,
    turn_rate: float,
    settle: float = 1.0,
    fidelity: bool = False,
    video: bool = True,
) -> RealtimeReport:
    info = client.get_world(world)
    camera, poses = camera_and_poses(info, path, width, height)
    console.print(f"walking {path} in real time at {speed:g} m/s, {turn_rate:g} deg/s, {hz:g} Hz")
    with fraction_bar() as bar:
        task = bar.add_task("rendering the frames", total=1.0)
        return walk_realtime(
            client,
            info.name,
            poses,
            out,
            camera,
            hz=hz,
            speed_mps=speed,
            turn_rate_dps=turn_rate,
            settle_s=settle,
            fidelity=fidelity,
            video=video,
            on_frame=lambda done, total: bar.update(task, completed=done / total),
        )


def summarise_realtime(report: RealtimeReport) -> None:
    frames = report.frames
    console.print(
        f"{len(frames)} frames over {report.path_duration_s + report.settle_s:.1f} s "
        f"({report.views_sent} views sent, {report.frames_skipped} frame slots skipped)"
    )
    if report.frames_within_hole_target is not None:
        share = 100 * report.frames_within_hole_target
        console.print(
            f"holes <= {100 * report.hole_target:g}%   on {share:.1f}% of frames "
            f"(worst {100 * max(f.hole_fraction for f in frames):.1f}%)"
        )
    if report.frames_within_missing_target is not None:
        share = 100 * report.frames_within_missing_target
        console.print(
            f"missing <= {100 * report.hole_target:g}% on {share:.1f}% of frames (pixels the whole "
            "world covers and the client's render does not)"
        )
    if report.fidelity_db_median is not None:
        moving = report.fidelity_db_median_moving
        console.print(
            f"fidelity        median {report.fidelity_db_median:.1f} dB, worst "
            f"{report.fidelity_db_worst:.1f} dB, median while moving "
            + (f"{moving:.1f} dB" if moving is not None else "-")
            + (
                f" ({report.frames_without_reference} frames without a reference)"
                if report.frames_without_reference
                else ""
            )
        )
    regions = report.time_to_final_level
    if regions.visits:
        console.print(
            f"final level     p50 {_ms(regions.p50_s)}, p95 {_ms(regions.p95_s)}, max "
            f"{_ms(regions.max_s)} after entering the view; {regions.never_finished} of "
            f"{regions.visits} region visits never loaded"
            + (
                f" ({regions.never_finished_open_at_end} still in view at the end)"
                if regions.never_finished
                else ""
            )
        )
    for w in report.warnings:
        console.print(f"[yellow]warning[/] {w}")


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{1000 * seconds:.0f} ms"
