"""A camera path as an engine moves along it: poses joined by segments walked at a speed.

A path (geometry/paths.py) is a list of poses; a player does not teleport between them. Each
segment moves the camera centre in a straight line at constant speed and turns it by slerp at a
constant rate; it takes the longer of its move time (distance / speed) and its turn time (angle /
turn rate), so neither limit is exceeded and both finish together.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from worldstream.geometry.engine import as_world_to_camera, matrix_to_quat_wxyz
from worldstream.geometry.paths import interpolate


def _centre(w2c: np.ndarray) -> np.ndarray:
    return -w2c[:3, :3].T @ w2c[:3, 3]


def rotation_angle_degrees(w2c_a: np.ndarray, w2c_b: np.ndarray) -> float:
    """The angle of the shortest rotation taking camera a's orientation to b's."""
    qa, qb = matrix_to_quat_wxyz(np.stack([w2c_a[:3, :3].T, w2c_b[:3, :3].T]))
    cosine = min(1.0, abs(float(np.dot(qa, qb))))
    return math.degrees(2.0 * math.acos(cosine))


@dataclass(frozen=True)
class Trajectory:
    """Poses (world-to-camera [4,4], OpenCV axes, metres) and the time each is reached."""

    poses: list[np.ndarray]
    times: np.ndarray  # [P] seconds from the start, non-decreasing; times[0] == 0
    speed_mps: float
    turn_rate_dps: float

    @property
    def duration_s(self) -> float:
        return float(self.times[-1])

    def _segment(self, t: float) -> tuple[int, float]:
        """(i, u): time t lies u of the way through the segment from pose i to pose i + 1."""
        if len(self.poses) == 1 or t <= 0.0:
            return 0, 0.0
        if t >= self.duration_s:
            return len(self.poses) - 2, 1.0
        i = int(np.searchsorted(self.times, t, side="right")) - 1
        i = min(max(i, 0), len(self.poses) - 2)
        span = self.times[i + 1] - self.times[i]
        return i, (0.0 if span <= 0.0 else min(1.0, (t - self.times[i]) / span))

    def pose_at(self, t: float) -> np.ndarray:
        """The pose at time t (clamped to the path: before the start, the first pose; after the
        end, the last)."""
        if len(self.poses) == 1:
            return self.poses[0].copy()
        i, u = self._segment(t)
        return interpolate(self.poses[i], self.poses[i + 1], u)

    def velocity_at(self, t: float) -> np.ndarray:
        """[3] the camera centre's velocity at time t, world frame, m/s; zero outside the path
        and on segments that only turn."""
        if len(self.poses) == 1 or t < 0.0 or t >= self.duration_s:
            return np.zeros(3)
        i, _ = self._segment(t)
        span = self.times[i + 1] - self.times[i]
        if span <= 0.0:
            return np.zeros(3)
        return (_centre(self.poses[i + 1]) - _centre(self.poses[i])) / span

    def turn_rate_at(self, t: float) -> float:
        """Degrees per second the camera turns at time t."""
        if len(self.poses) == 1 or t < 0.0 or t >= self.duration_s:
            return 0.0
        i, _ = self._segment(t)
        span = float(self.times[i + 1] - self.times[i])
        if span <= 0.0:
            return 0.0
        return rotation_angle_degrees(self.poses[i], self.poses[i + 1]) / span


def trajectory(poses: list[np.ndarray], speed_mps: float, turn_rate_dps: float) -> Trajectory:
    """Time the path's segments at `speed_mps` and `turn_rate_dps` (both > 0)."""
    if not poses:
        raise ValueError("a trajectory needs at least one pose")
    if not (math.isfinite(speed_mps) and speed_mps > 0.0):
        raise ValueError(f"speed must be a positive number of m/s, got {speed_mps!r}")
    if not (math.isfinite(turn_rate_dps) and turn_rate_dps > 0.0):
        raise ValueError(f"turn rate must be a positive number of degrees/s, got {turn_rate_dps!r}")
    poses = [as_world_to_camera(p) for p in poses]
    times = [0.0]
    for a, b in itertools.pairwise(poses):
        move = float(np.linalg.norm(_centre(b) - _centre(a))) / speed_mps
        turn = rotation_angle_degrees(a, b) / turn_rate_dps
        times.append(times[-1] + max(move, turn))
    return Trajectory(poses, np.array(times), float(speed_mps), float(turn_rate_dps))
