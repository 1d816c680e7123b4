"""The Generator protocol, the world a generator extends, and the registry of backends."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from worldstream.errors import InvalidArgument
from worldstream.geometry.camera import Camera
from worldstream.geometry.frame import Frame
from worldstream.render import RenderResult

# A world plane n·X + d = 0 (world frame, unit n facing the free space the camera stood in).
WorldPlane = tuple[np.ndarray, float]


@dataclass(frozen=True)
class SeedInfo:
    """How a seed Frame got its depth and scale; recorded in the world's manifest."""

    depth_source: str  # e.g. "layout:manhattan-room"
    metric: bool  # whether the depth is metric
    median_depth_m: float  # median depth of the photo, metres
    layout: list[WorldPlane] = field(default_factory=list)  # floor, walls, ceiling: world frame
    notes: list[str] = field(default_factory=list)  # assumptions made, for the manifest


class WorldMemory(Protocol):
    """What `extend` may ask of the world it grows (world/ implements it)."""

    @property
    def layout(self) -> Sequence[WorldPlane]: ...

    def render(self, camera: Camera) -> RenderResult:
        """The world as it stands, seen from `camera`."""
        ...

    def retrieve(self, camera: Camera) -> list[Frame]:
        """The few past frames that best cover `camera` (geometry-based retrieval)."""
        ...

    def add(self, frame: Frame) -> None:
        """Reconstruct `frame` into the world, so the next camera sees what it added."""
        ...


class Generator(Protocol):
    """A Stage 1 backend.

    `seed` turns the photo into Frame 0; `camera`, when given, places the photo's camera (its
    intrinsics and pose) instead of the backend's own choice. `extend` generates a Frame for each
    camera in turn, adding each to `memory` before the next, so later cameras continue earlier
    ones; it returns the Frames in order.
    """

    name: str

    def seed(
        self, image: np.ndarray, horizontal_fov_degrees: float, camera: Camera | None = None
    ) -> tuple[Frame, SeedInfo]:  # image: [H, W, 3] uint8
        ...

    def extend(self, memory: WorldMemory, cameras: Sequence[Camera]) -> list[Frame]: ...


@dataclass(frozen=True)
class GeneratorOptions:
    depth_model: str = ""  # path to an ONNX monocular depth model; "" = the backend's default
    depth_kind: str = "auto"  # "auto" | "metric" | "relative" | "inverse"


_REGISTRY: dict[str, Callable[[GeneratorOptions], Generator]] = {}
DEFAULT_GENERATOR = "classic"


def register(name: str, factory: Callable[[GeneratorOptions], Generator]) -> None:
    _REGISTRY[name] = factory


def generator_names() -> list[str]:
    return sorted(_REGISTRY)


def get_generator(name: str = "", options: GeneratorOptions | None = None) -> Generator:
    name = name or DEFAULT_GENERATOR
    if name not in _REGISTRY:
        raise InvalidArgument(
            "UNKNOWN_GENERATOR",
            f"no generator named {name!r}; this server has {', '.join(generator_names())}",
            generator=name,
        )
    return _REGISTRY[name](options or GeneratorOptions())
