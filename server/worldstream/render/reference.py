"""Reference 3DGS EWA splatting in numpy: slow and readable, the ground truth for the fast paths.

The maths, shared with `render.cpu` term for term (constants in `render.types`):

- Covariance Sigma = R S S^T R^T from the normalised quaternion and exp(log_scales).
- Skip a Gaussian when its camera-space z <= NEAR_Z.
- Project with the Jacobian of the pinhole at the mean, x/z and y/z clipped to the image plus 30%
  of the half-FOV tangent (gsplat's form of 3DGS's 1.3 x FOV clip; equal for a centred principal
  point); add LOWPASS px^2 to the 2D covariance diagonal.
- Screen radius r = ceil(3 sqrt(lambda_max)); a splat reaches exactly the pixel centres
  (x + 0.5, y + 0.5) with |dx| <= r and |dy| <= r. 3DGS and gsplat evaluate whole 16 px tiles
  instead, which adds a faint fringe (alpha <= 0.011 * opacity) outside that square; we cut it so
  that the image does not depend on the tiling.
- alpha = min(0.99, opacity * exp(-0.5 d^T conic d)), skipped below 1/255; front to back by
  camera z rounded to float32 (ties keep input order); a pixel stops before the splat that
  would take its transmittance to 1e-4 or below (as 3DGS and gsplat do).
- Colour from SH up to degree 3 along the world direction camera -> mean, + 0.5, clamped >= 0;
  higher bands are ignored (by every backend). Depth is the camera-space z of the mean.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from worldstream.geometry.camera import Camera
from worldstream.geometry.gaussians import SH_C0, Gaussians
from worldstream.render.types import (
    ALPHA_MAX,
    ALPHA_MIN,
    FOV_GUARD,
    LOWPASS,
    MAX_SH_DEGREE,
    NEAR_Z,
    SH_C1,
    SH_C2,
    SH_C3,
    SIGMA_EXTENT,
    T_MIN,
    RenderResult,
    background_rgb,
    finish,
)


@dataclass
class Splat2D:
    """One Gaussian as the rasteriser sees it."""

    u: float  # pixel x of the mean
    v: float  # pixel y of the mean
    conic: tuple[float, float, float]  # inverse 2D covariance (a, b, c) of [[a, b], [b, c]]
    radius: float  # half side of the square footprint, whole pixels
    depth: float  # camera-space z of the mean
    opacity: float
    rgb: np.ndarray  # [3] float64, >= 0


def sigmoid(x: float) -> float:
    # Two branches so that neither overflows for any float32 logit.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def quat_to_rotation(quat: np.ndarray) -> np.ndarray:
    """(w, x, y, z) [4], any norm -> rotation [3, 3]. A zero quaternion gives the identity."""
    w, x, y, z = quat / max(float(np.linalg.norm(quat)), 1e-30)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
            [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
            [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
        ]
    )


def covariance_3d(quat: np.ndarray, log_scale: np.ndarray) -> np.ndarray:
    m = quat_to_rotation(quat) * np.exp(log_scale)[None, :]  # [3, 3] = R S
    return m @ m.T


def sh_to_rgb(sh: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """SH coefficients [K, 3] and a unit world direction [3] -> colour [3], clamped >= 0."""
    degree = min(round(math.sqrt(sh.shape[0])) - 1, MAX_SH_DEGREE)
    x, y, z = direction
    rgb = SH_C0 * sh[0]
    if degree >= 1:
        rgb = rgb - SH_C1 * y * sh[1] + SH_C1 * z * sh[2] - SH_C1 * x * sh[3]
    if degree >= 2:
        xx, yy, zz, xy, yz, xz = x * x, y * y, z * z, x * y, y * z, x * z
        rgb = (
            rgb
            + SH_C2[0] * xy * sh[4]
            + SH_C2[1] * yz * sh[5]
            + SH_C2[2] * (2 * zz - xx - yy) * sh[6]
            + SH_C2[3] * xz * sh[7]
            + SH_C2[4] * (xx - yy) * sh[8]
        )
    if degree >= 3:
        rgb = (
            rgb
            + SH_C3[0] * y * (3 * xx - yy) * sh[9]
            + SH_C3[1] * xy * z * sh[10]
            + SH_C3[2] * y * (4 * zz - xx - yy) * sh[11]
            + SH_C3[3] * z * (2 * zz - 3 * xx - 3 * yy) * sh[12]
            + SH_C3[4] * x * (4 * zz - xx - yy) * sh[13]
            + SH_C3[5] * z * (xx - yy) * sh[14]
            + SH_C3[6] * x * (xx - 3 * yy) * sh[15]
        )
    return np.maximum(rgb + 0.5, 0.0)


def project_gaussian(
    mean: np.ndarray,  # [3]
    quat: np.ndarray,  # [4]
    log_scale: np.ndarray,  # [3]
    opacity_logit: float,
    sh: np.ndarray,  # [K, 3]
    camera: Camera,
) -> Splat2D | None:
    """EWA projection of one Gaussian, or None when it cannot reach any pixel."""
    rotation = camera.world_to_camera[:3, :3]
    x, y, z = rotation @ mean + camera.world_to_camera[:3, 3]
    if not z > NEAR_Z:  # also rejects NaN
        return None
    fx, fy = camera.K[0, 0], camera.K[1, 1]
    cx, cy = camera.K[0, 2], camera.K[1, 2]
    width, height = camera.width, camera.height

    # Clip the point the Jacobian is taken at, or splats far outside the view blow up.
    tan_x, tan_y = 0.5 * width / fx, 0.5 * height / fy
    tx = z * min((width - cx) / fx + FOV_GUARD * tan_x, max(-(cx / fx + FOV_GUARD * tan_x), x / z))
    ty = z * min((height - cy) / fy + FOV_GUARD * tan_y, max(-(cy / fy + FOV_GUARD * tan_y), y / z))
    jacobian = np.array(
        [[fx / z, 0.0, -fx * tx / (z * z)], [0.0, fy / z, -fy * ty / (z * z)]]
    )  # [2, 3]
    cov_cam = rotation @ covariance_3d(quat, log_scale) @ rotation.T  # [3, 3]
    cov2d = jacobian @ cov_cam @ jacobian.T  # [2, 2]
    a, b, c = cov2d[0, 0] + LOWPASS, cov2d[0, 1], cov2d[1, 1] + LOWPASS
    det = a * c - b * b
    if not det > 0.0:
        return None
    mid = 0.5 * (a + c)
    lambda_max = mid + math.sqrt(max(0.1, mid * mid - det))
    radius = math.ceil(SIGMA_EXTENT * math.sqrt(lambda_max))
    u = fx * x / z + cx
    v = fy * y / z + cy
    # Same cull as the tile binning of the fast path: no tile under the footprint, no pixel.
    if u + radius < 0.0 or v + radius < 0.0 or u - radius >= width or v - radius >= height:
        return None

    direction = mean - camera.position
    direction = direction / np.linalg.norm(direction)
    return Splat2D(
        u=u,
        v=v,
        conic=(c / det, -b / det, a / det),
        radius=float(radius),
        depth=float(z),
        opacity=sigmoid(float(opacity_logit)),
        rgb=sh_to_rgb(sh, direction),
    )


def render_reference(
    gaussians: Gaussians, camera: Camera, background: Sequence[float] = (0.0, 0.0, 0.0)
) -> RenderResult:
    bg = background_rgb(background)
    arrays = {k: v.astype(np.float64) for k, v in gaussians.to_numpy().items()}
    splats = []
    for i in range(len(gaussians)):
        splat = project_gaussian(
            arrays["means"][i],
            arrays["quats"][i],
            arrays["log_scales"][i],
            arrays["opacity_logits"][i],
            arrays["sh"][i],
            camera,
        )
        if splat is not None:
            splats.append(splat)
    # Stable sort on z rounded to float32 (the key of gsplat and of the fast path's packed sort):
    # equal keys keep input order.
    splats.sort(key=lambda s: np.float32(s.depth))

    height, width = camera.height, camera.width
    transmittance = np.ones((height, width))  # [H, W]
    color = np.zeros((height, width, 3))  # [H, W, 3]
    depth_sum = np.zeros((height, width))  # [H, W]
    done = np.zeros((height, width), dtype=bool)  # [H, W]
    xs = np.arange(width) + 0.5  # pixel centres
    ys = np.arange(height) + 0.5

    # Splat-major over each footprint with a per-pixel `done` flag: the same order of operations
    # per pixel as looping over pixels, without a Python loop per pixel.
    for s in splats:
        cols = np.flatnonzero(np.abs(s.u - xs) <= s.radius)
        rows = np.flatnonzero(np.abs(s.v - ys) <= s.radius)
        if cols.size == 0 or rows.size == 0:
            continue
        box = np.ix_(rows, cols)
        dx = (s.u - xs[cols])[None, :]  # [1, w]
        dy = (s.v - ys[rows])[:, None]  # [h, 1]
        ca, cb, cc = s.conic
        power = -0.5 * (ca * dx * dx + cc * dy * dy) - cb * dx * dy  # [h, w]
        alpha = np.minimum(ALPHA_MAX, s.opacity * np.exp(np.minimum(power, 0.0)))
        t = transmittance[box]
        live = ~done[box] & (power <= 0.0) & (alpha >= ALPHA_MIN)
        next_t = t * (1.0 - alpha)
        stop = live & (next_t <= T_MIN)
        add = live & ~stop
        weight = np.where(add, alpha * t, 0.0)  # [h, w]
        color[box] += weight[..., None] * s.rgb
        depth_sum[box] += weight * s.depth
        transmittance[box] = np.where(add, next_t, t)
        done[box] |= stop

    return finish(color, depth_sum, transmittance, bg)


class ReferenceRenderer:
    name = "reference"

    def render(
        self, gaussians: Gaussians, camera: Camera, background: Sequence[float] = (0.0, 0.0, 0.0)
    ) -> RenderResult:
        return render_reference(gaussians, camera, background)
