"""Camera planning: which views to generate so the view ahead is covered before the camera gets
there.

From a client's recent poses (time-stamped), the planner extrapolates position with the
velocity and heading with the yaw rate, and proposes the cameras the client will have at a few
look-ahead times. Each proposal is kept only if the world does not already cover it (a cheap
coverage test at low resolution), and proposals are keyed by region (a grid cell of position and
a heading sector) so that sessions heading for the same place ask for one job, not several.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from worldstream.geometry.camera import Camera


@dataclass(frozen=True)
class PlanSettings:
    lookahead_s: tuple[float, ...] = (0.5, 1.0)
    """Seconds ahead at which to place cameras (generation must finish before the client gets
    there: about one view per second on a laptop CPU)."""
    min_uncovered: float = 0.01
    """A proposal is generated only if at least this fraction of its pixels is uncovered."""
    max_step_m: float = 2.0
    """Extrapolation is capped to this distance: a teleport is not a velocity."""
    region_m: float = 1.0
    """Edge of the position grid cells that key generation jobs."""
    heading_sectors: int = 8
    """Heading is keyed in this many sectors (45 degrees each)."""


@dataclass(frozen=True)
class TimedPose:
    time_s: float
    camera: Camera


@dataclass(frozen=True)
class Proposal:
    camera: Camera
    region: tuple[int, int, int, int]  # (cell x, y, z, heading sector)
    uncovered: float  # fraction of the proposal's pixels the world does not cover


def _yaw(world_to_camera: np.ndarray) -> float:
    """Heading of the optical axis about world +Y (0 = looking along -Z)."""
    forward = world_to_camera[2, :3]  # camera z axis in world coordinates
    return math.atan2(-forward[0], -forward[2])


def _rotate_yaw(world_to_camera: np.ndarray, angle: float) -> np.ndarray:
    """Turn a camera about world +Y through its own centre by `angle` radians."""
    c, s = math.cos(angle), math.sin(angle)
    turn = np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])  # world-frame yaw
    rotation = world_to_camera[:3, :3]
    centre = -rotation.T @ world_to_camera[:3, 3]
    out = np.eye(4)
    out[:3, :3] = rotation @ turn.T
    out[:3, 3] = -out[:3, :3] @ centre
    return out


def centre_of(camera: Camera) -> np.ndarray:
    rotation = camera.world_to_camera[:3, :3]
    return -rotation.T @ camera.world_to_camera[:3, 3]


def predict(poses: Sequence[TimedPose], ahead_s: float, max_step_m: float) -> Camera:
    """The camera `ahead_s` seconds after the last pose, at constant velocity and yaw rate."""
    last = poses[-1]
    if len(poses) < 2:
        return last.camera
    prev = poses[-2]
    dt = last.time_s - prev.time_s
    if not dt > 0:
        return last.camera
    velocity = (centre_of(last.camera) - centre_of(prev.camera)) / dt
    dyaw = _yaw(last.camera.world_to_camera) - _yaw(prev.camera.world_to_camera)
    dyaw = (dyaw + math.pi) % (2 * math.pi) - math.pi
    step = velocity * ahead_s
    norm = float(np.linalg.norm(step))
    if norm > max_step_m:
        step *= max_step_m / norm
    w2c = _rotate_yaw(last.camera.world_to_camera, dyaw / dt * ahead_s)
    centre = centre_of(last.camera) + step
    w2c[:3, 3] = -w2c[:3, :3] @ centre
    return last.camera.with_pose(w2c)


def region_of(camera: Camera, settings: PlanSettings) -> tuple[int, int, int, int]:
    cell = np.floor(centre_of(camera) / settings.region_m).astype(int)
    sector_width = 2 * math.pi / settings.heading_sectors
    sector = math.floor((_yaw(camera.world_to_camera) + sector_width / 2) / sector_width)
    return (int(cell[0]), int(cell[1]), int(cell[2]), sector % settings.heading_sectors)


def plan(
    poses: Sequence[TimedPose],
    uncovered: Callable[[Camera], float],
    settings: PlanSettings | None = None,
) -> list[Proposal]:
    """Cameras to generate, nearest in time first; at most one per region."""
    settings = settings or PlanSettings()
    if not poses:
        return []
    out: list[Proposal] = []
    seen: set[tuple[int, int, int, int]] = set()
    for ahead in (0.0, *settings.lookahead_s):
        camera = predict(poses, ahead, settings.max_step_m)
        region = region_of(camera, settings)
        if region in seen:
            continue
        seen.add(region)
        fraction = float(uncovered(camera))
        if fraction >= settings.min_uncovered:
            out.append(Proposal(camera, region, fraction))
    return out
