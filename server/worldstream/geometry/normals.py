"""Surface normals from a depth map: the cross product of neighbouring back-projected points."""

from __future__ import annotations

import numpy as np

from worldstream.geometry.camera import Camera


def normals_from_depth(depth: np.ndarray, camera: Camera, world: bool = True) -> np.ndarray:
    """[H, W, 3] float32 unit normals facing the camera (world frame, or camera frame when
    `world` is False); zero where depth or a neighbour's depth is unknown (<= 0).

    Central differences where both neighbours are known, one-sided otherwise, so a normal at the
    edge of a surface does not mix in the surface behind it only on one side.
    """
    depth = np.asarray(depth, dtype=np.float64)
    rays = camera.pixel_rays()  # [H, W, 3] in camera axes, z = 1
    points = rays * depth[..., None]
    known = depth > 0

    def diff(axis: int) -> tuple[np.ndarray, np.ndarray]:
        fwd = np.roll(points, -1, axis=axis) - points
        bwd = points - np.roll(points, 1, axis=axis)
        k_fwd = np.roll(known, -1, axis=axis) & known
        k_bwd = np.roll(known, 1, axis=axis) & known
        last = [slice(None)] * 2
        last[axis] = -1
        k_fwd[tuple(last)] = False
        first = [slice(None)] * 2
        first[axis] = 0
        k_bwd[tuple(first)] = False
        # The smaller of the two steps is the one that stays on the same surface at an edge.
        use_fwd = k_fwd & (~k_bwd | (np.abs(fwd[..., 2]) <= np.abs(bwd[..., 2])))
        d = np.where(use_fwd[..., None], fwd, bwd)
        return d, k_fwd | k_bwd

    du, ok_u = diff(1)
    dv, ok_v = diff(0)
    n = np.cross(dv, du)  # camera axes: x right, y down -> dv x du faces the camera (-z)
    norm = np.linalg.norm(n, axis=-1, keepdims=True)
    ok = ok_u & ok_v & (norm[..., 0] > 0)
    n = np.where(ok[..., None], n / np.where(norm > 0, norm, 1.0), 0.0)
    if world:
        rotation = camera.world_to_camera[:3, :3]
        n = n @ rotation  # camera -> world: R^T n, row-wise
    return n.astype(np.float32)
