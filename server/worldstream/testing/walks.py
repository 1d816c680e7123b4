"""Camera moves for tests, benchmarks and previews: step forward, turn, out and back."""

from __future__ import annotations

import numpy as np

from worldstream.geometry.camera import Camera, moved

__all__ = ["moved", "out_and_back", "seen_by", "walk_and_turn"]


def out_and_back(camera: Camera, distance_m: float, steps: int) -> list[Camera]:
    """Walk `distance_m` forward in `steps` equal steps, then back through the same poses."""
    out = [moved(camera, distance_m * i / steps) for i in range(steps + 1)]
    return out + out[-2::-1]


def seen_by(
    target_depth: np.ndarray,
    target: Camera,
    source_depth: np.ndarray,
    source: Camera,
    tolerance: float = 0.03,
) -> np.ndarray:
    """[H, W] bool: target pixels whose surface point (from true depth) the source camera saw."""
    points = target.unproject(target_depth).reshape(-1, 3)
    uv, z = source.project(points)
    u = np.floor(uv[:, 0]).astype(np.int64)
    v = np.floor(uv[:, 1]).astype(np.int64)
    inside = (
        (target_depth.reshape(-1) > 0)
        & (z > 0.01)
        & (u >= 0)
        & (u < source.width)
        & (v >= 0)
        & (v < source.height)
    )
    seen_depth = np.zeros_like(z)
    seen_depth[inside] = source_depth[v[inside], u[inside]]
    return (inside & (np.abs(seen_depth - z) < tolerance * z)).reshape(target_depth.shape)


def walk_and_turn(
    camera: Camera, forward_m: float = 2.0, turn_degrees: float = 90.0, steps: int = 4
) -> list[Camera]:
    """Walk `forward_m` in `steps` steps, then turn `turn_degrees` on the spot in `steps` steps."""
    walk = [moved(camera, forward_m * i / steps) for i in range(1, steps + 1)]
    end = walk[-1]
    return walk + [moved(end, 0.0, turn_degrees * i / steps) for i in range(1, steps + 1)]
