"""gsplat-backed rendering on CUDA. gsplat is imported only when this backend is used.

gsplat's maths is that of `render.reference` with two known differences: it evaluates whole
16 px tiles (a faint fringe, alpha <= 0.011 * opacity, outside our 3-sigma square) and works in
float32. SH bands above degree 3 are ignored, as on the CPU.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from worldstream.geometry.camera import Camera
from worldstream.geometry.gaussians import Gaussians
from worldstream.render.types import (
    LOWPASS,
    MAX_SH_DEGREE,
    NEAR_Z,
    TILE,
    RenderResult,
    background_rgb,
    empty_result,
)


@functools.cache
def cuda_available() -> bool:
    """True when torch sees a CUDA device and gsplat imports; never raises."""
    try:
        import torch

        if not torch.cuda.is_available():
            return False
        import gsplat  # noqa: F401
    except Exception:  # a broken gsplat build raises more than ImportError
        return False
    return True


class CudaRenderer:
    name = "cuda"

    def __init__(self, device: str = "cuda") -> None:
        if not cuda_available():
            raise RuntimeError(
                "the cuda backend needs torch with CUDA and gsplat (pip install gsplat)"
            )
        from gsplat import rasterization

        self._rasterization = rasterization
        self.device = device

    def render(
        self, gaussians: Gaussians, camera: Camera, background: Sequence[float] = (0.0, 0.0, 0.0)
    ) -> RenderResult:
        import torch

        bg = background_rgb(background)
        width, height = camera.width, camera.height
        if len(gaussians) == 0:
            return empty_result(width, height, bg)
        degree = min(gaussians.sh_degree, MAX_SH_DEGREE)
        k = (degree + 1) ** 2

        def dev(t: torch.Tensor) -> torch.Tensor:
            return t.detach().to(self.device, torch.float32)

        def from_numpy(a: np.ndarray) -> torch.Tensor:  # a copy: camera arrays are read-only
            return torch.from_numpy(np.array(a, dtype=np.float32)).to(self.device)

        with torch.no_grad():
            colors, alphas, _ = self._rasterization(
                means=dev(gaussians.means),
                quats=dev(gaussians.quats),
                scales=torch.exp(dev(gaussians.log_scales)),
                opacities=torch.sigmoid(dev(gaussians.opacity_logits)),
                colors=dev(gaussians.sh[:, :k]).contiguous(),  # [N, K, 3]
                viewmats=from_numpy(camera.world_to_camera)[None],  # [1, 4, 4]
                Ks=from_numpy(camera.K)[None],  # [1, 3, 3]
                width=width,
                height=height,
                near_plane=NEAR_Z,
                eps2d=LOWPASS,
                sh_degree=degree,
                tile_size=TILE,
                backgrounds=from_numpy(bg)[None],  # [1, 3]
                render_mode="RGB+ED",
            )  # [1, H, W, 4], [1, H, W, 1]
        out = colors[0].cpu().numpy()  # [H, W, 4]
        alpha = np.clip(alphas[0, ..., 0].cpu().numpy(), 0.0, 1.0)  # [H, W]
        depth = np.where(alpha > 0.0, out[..., 3], 0.0)
        return RenderResult(
            rgb=np.clip(out[..., :3], 0.0, 1.0).astype(np.float32),
            depth=depth.astype(np.float32),
            alpha=alpha.astype(np.float32),
        )
