"""The Generator protocol and the registry of backends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from worldstream.errors import InvalidArgument
from worldstream.geometry.frame import Frame


@dataclass(frozen=True)
class SeedInfo:
    """How a seed Frame got its depth and scale; recorded in the world's manifest."""

    depth_source: str  # e.g. "prior:floor-and-backdrop"
    metric: bool  # whether the depth is metric
    median_depth_m: float  # median depth of the photo, metres


class Generator(Protocol):
    """A Stage 1 backend.

    `seed` turns the photo into Frame 0. The camera-driven `extend(memory, cameras)` of
    DESIGN.md joins this protocol with the first backend that can generate unseen views.
    """

    name: str

    def seed(
        self, image: np.ndarray, horizontal_fov_degrees: float
    ) -> tuple[Frame, SeedInfo]:  # image: [H, W, 3] uint8
        ...


_REGISTRY: dict[str, Callable[[], Generator]] = {}
DEFAULT_GENERATOR = "prior"


def register(name: str, factory: Callable[[], Generator]) -> None:
    _REGISTRY[name] = factory


def generator_names() -> list[str]:
    return sorted(_REGISTRY)


def get_generator(name: str = "") -> Generator:
    name = name or DEFAULT_GENERATOR
    if name not in _REGISTRY:
        raise InvalidArgument(
            "UNKNOWN_GENERATOR",
            f"no generator named {name!r}; this server has {', '.join(generator_names())}",
            generator=name,
        )
    return _REGISTRY[name]()

