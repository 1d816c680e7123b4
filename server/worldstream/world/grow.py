"""A world being extended: what a generator's `extend` sees (the WorldMemory protocol).

Rendering, retrieval and reconstruction of one world while a job grows it. Each added Frame is
lifted at once (only where the world lacks it), so the next camera of the same job renders the
content the previous one made and continues it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from worldstream.generate.base import WorldPlane
from worldstream.geometry.camera import Camera
from worldstream.geometry.frame import Frame
from worldstream.geometry.gaussians import Gaussians
from worldstream.reconstruct.fit import ColourFit
from worldstream.reconstruct.lift import Coverage, lift_new
from worldstream.reconstruct.seed_lift import SeedLift, lift_seed
from worldstream.render import RenderResult, render
from worldstream.world.memory import SpatialMemory

# An extended view must come out hole-free, so every pixel the world covers less than this gets
# new splats (the generator gave it content); above it the world already explains the pixel.
EXTEND_COVERAGE = Coverage(alpha_min=0.99)
# Nearly opaque splats: a world lifted this way covers the views near the ones it came from at
# alpha >= 0.99, so fewer pixels need fill splats (see world.worlds.WorldSettings).
EXTEND_OPACITY = 0.999
RECENT = 3  # frames to fall back on when retrieval finds none covering a camera
EXTEND_FOOTPRINT_PX = 0.5
# No colour fitting for generated content: fitting to one view sharpens colours for that view's
# exact pixel grid and occlusion order, and costs ~3 dB 0.5 m away (bench/RESULTS.md).
NO_FIT = ColourFit(iterations=0)
SEED_LIFT = SeedLift()


@dataclass
class GrowingWorld:
    gaussians: Gaussians
    memory: SpatialMemory
    planes: Sequence[WorldPlane] = ()
    coverage: Coverage = EXTEND_COVERAGE
    fit: ColourFit = NO_FIT
    opacity: float = EXTEND_OPACITY
    footprint_px: float = EXTEND_FOOTPRINT_PX
    added: list[tuple[Frame, Gaussians]] = field(default_factory=list)

    @classmethod
    def seeded(
        cls, frame: Frame, layout: Sequence[WorldPlane] = (), seed_lift: SeedLift = SEED_LIFT
    ) -> GrowingWorld:
        """A world made of one seed frame, lifted as a created world's seed is."""
        memory = SpatialMemory()
        memory.add(frame)
        return cls(lift_seed(frame, seed_lift), memory, layout)

    @property
    def layout(self) -> Sequence[WorldPlane]:
        return self.planes

    def render(self, camera: Camera) -> RenderResult:
        return render(self.gaussians, camera)

    def retrieve(self, camera: Camera) -> list[Frame]:
        """The frames that best cover `camera`; when none sees any of it (turning to face
        somewhere new), the latest frames, nearest in time, so new content still continues the
        last thing the camera saw."""
        picked = [self.memory.frame(r.frame_id) for r in self.memory.retrieve(camera)]
        if picked:
            return picked
        count = len(self.memory)
        return [self.memory.frame(i) for i in range(count - 1, max(-1, count - 1 - RECENT), -1)]

    def add(self, frame: Frame) -> None:
        new = lift_new(
            frame, self.gaussians, self.coverage, self.fit, self.footprint_px, self.opacity
        )
        if len(new):
            self.gaussians = Gaussians.concat([self.gaussians, new])
        self.memory.add(frame)
        self.added.append((frame, new))
