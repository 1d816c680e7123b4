"""render/ draws Gaussians for a Camera; imports only geometry/ of ours.
Backends: "cuda" (gsplat, imported only when used), "cpu" (numba, tiled), "reference" (numpy,
slow, the ground truth); all share the maths and constants in render.types.
"""

from __future__ import annotations

from collections.abc import Sequence

from worldstream.geometry.camera import Camera
from worldstream.geometry.gaussians import Gaussians
from worldstream.render.cpu import CpuRenderer, render_cpu, render_cpu_view
from worldstream.render.cuda import CudaRenderer, cuda_available
from worldstream.render.reference import ReferenceRenderer, render_reference
from worldstream.render.types import Renderer, RenderResult

__all__ = [
    "CpuRenderer",
    "CudaRenderer",
    "ReferenceRenderer",
    "RenderResult",
    "Renderer",
    "available_backends",
    "cuda_available",
    "get_renderer",
    "render",
    "render_cpu",
    "render_cpu_view",
    "render_reference",
]

_BACKENDS = ("auto", "cuda", "cpu", "reference")


def available_backends() -> list[str]:
    """Backends that can run on this machine, fastest first."""
    return (["cuda"] if cuda_available() else []) + ["cpu", "reference"]


def get_renderer(backend: str = "auto") -> Renderer:
    if backend not in _BACKENDS:
        raise ValueError(f"unknown render backend {backend!r}; expected one of {_BACKENDS}")
    if backend == "auto":
        backend = "cuda" if cuda_available() else "cpu"
    if backend == "cuda":
        return CudaRenderer()
    if backend == "cpu":
        return CpuRenderer()
    return ReferenceRenderer()


def render(
    gaussians: Gaussians,
    camera: Camera,
    background: Sequence[float] = (0.0, 0.0, 0.0),
    backend: str = "auto",
) -> RenderResult:
    """Draw `gaussians` seen from `camera` over a constant `background` colour."""
    return get_renderer(backend).render(gaussians, camera, background)
