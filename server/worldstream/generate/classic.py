"""The `classic` backend: one photo to a walkable world on a CPU, with no learned weights needed.

Seed: depth from a pluggable estimator (an ONNX model the user gives, else the geometric layout
prior), the camera turned level and lifted above the floor the layout found.

Extend, for each target camera in turn:
  1. render the world there;
  2. pixels the world covers at least half (alpha >= KNOWN_ALPHA) keep the render (colour
     un-premultiplied, depth as rendered); the rest are the hole;
  3. complete depth in the hole from the background side of each occluding edge, extending the
     surfaces there, then snapped to the layout's planes where they agree (`holes.py`);
  4. fill colour by exemplar inpainting whose source patches come from the frames spatial memory
     retrieves for the camera, guided by surface normals so floor continues floor and wall wall;
  5. emit the Frame and add it to the world (reconstruction lifts only what the world lacks).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from worldstream.generate.base import GeneratorOptions, SeedInfo, WorldMemory
from worldstream.generate.depth.base import DepthEstimator
from worldstream.generate.holes import complete_depth, snap_to_planes
from worldstream.generate.inpaint import Source, inpaint
from worldstream.generate.seed_pose import floor_height, planes_to_world, seed_world_to_camera
from worldstream.geometry.camera import Camera, intrinsics_from_fov
from worldstream.geometry.frame import Frame
from worldstream.geometry.normals import normals_from_depth

KNOWN_ALPHA = 0.5  # below this the render is mostly background: the pixel is new content
OPAQUE_ALPHA = 0.99  # at or above this the world fully explains a pixel
# Where the world covers a pixel only partly, new splats go behind the farthest surface around
# it (by this fraction of the depth), so existing splats stay in front wherever they are opaque
# and the new ones only show through the gaps: what earlier views saw does not change when they
# are revisited. The farthest of the 3x3 neighbours, because a partly covered pixel on an
# occluding edge has a depth between the two surfaces, where nothing is.
BEHIND = 0.02
GENERATED_CONFIDENCE = 0.3  # confidence of inpainted pixels, recorded in the Frame
FAR_FACTOR = 2.0  # new content at most this x the farthest surface a view shows (99th pct)


@dataclass(frozen=True)
class ClassicSettings:
    guide_weight: float = 0.25
    """Weight of the surface-normal guide against colour in the inpainting patch distance."""
    patch: int = 7
    """Patch side in pixels for exemplar inpainting."""
    depth_tolerance: float = 0.1
    """Relative depth by which surfaces count as distinct across an occluding edge."""
    seed: int = 0
    """Random seed of the inpainting search: the same inputs give the same world."""


def default_estimator(options: GeneratorOptions) -> DepthEstimator:
    if options.depth_model:
        from worldstream.generate.depth.onnx import shared_model

        return shared_model(options.depth_model, kind=options.depth_kind)  # type: ignore[arg-type]
    from worldstream.generate.layout import LayoutDepth

    return LayoutDepth()


def seed_camera(width: int, height: int, horizontal_fov_degrees: float) -> Camera:
    """A level camera at the origin; the seed re-poses it once depth says where up is."""
    fov_y = np.degrees(
        2 * np.arctan(np.tan(np.radians(horizontal_fov_degrees) / 2) * height / width)
    )
    return Camera(
        intrinsics_from_fov(float(fov_y), width, height),
        seed_world_to_camera(None, 0.0),
        width,
        height,
    )


def _unpremultiply(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    safe = np.where(alpha > 1e-6, alpha, 1.0)[..., None]
    return np.clip(rgb / safe, 0.0, 1.0)


class ClassicGenerator:
    name = "classic"

    def __init__(
        self,
        estimator: DepthEstimator | None = None,
        settings: ClassicSettings | None = None,
        options: GeneratorOptions | None = None,
    ) -> None:
        self._estimator = estimator
        self._options = options or GeneratorOptions()
        self.settings = settings or ClassicSettings()

    @property
    def estimator(self) -> DepthEstimator:
        if self._estimator is None:  # built on first use: an ONNX model loads once, when needed
            self._estimator = default_estimator(self._options)
        return self._estimator

    # -- seed --------------------------------------------------------------------------------

    def seed(
        self, image: np.ndarray, horizontal_fov_degrees: float, camera: Camera | None = None
    ) -> tuple[Frame, SeedInfo]:
        height, width = image.shape[:2]
        probe = camera or seed_camera(width, height, horizontal_fov_degrees)
        estimate = self.estimator.estimate(image, probe)
        if camera is None:
            up = estimate.up
            lift = floor_height(estimate.planes, up)
            camera = probe.with_pose(seed_world_to_camera(up, lift))
        depth = np.where(np.isfinite(estimate.depth) & (estimate.depth > 0), estimate.depth, 0.0)
        frame = Frame(
            np.ascontiguousarray(image, dtype=np.uint8),
            depth.astype(np.float32),
            camera,
            np.clip(estimate.confidence, 0.0, 1.0).astype(np.float32),
        )
        known = depth[depth > 0]
        info = SeedInfo(
            depth_source=estimate.source,
            metric=estimate.metric,
            median_depth_m=float(np.median(known)) if known.size else 0.0,
            layout=planes_to_world(estimate.planes, camera.world_to_camera),
            notes=list(estimate.notes),
        )
        return frame, info

    # -- extend ------------------------------------------------------------------------------

    def extend(self, memory: WorldMemory, cameras: Sequence[Camera]) -> list[Frame]:
        frames = []
        for camera in cameras:
            frame = self.extend_one(memory, camera)
            memory.add(frame)
            frames.append(frame)
        return frames

    def extend_one(self, memory: WorldMemory, camera: Camera) -> Frame:
        seen = memory.render(camera)
        known = seen.alpha >= KNOWN_ALPHA
        rgb = _unpremultiply(seen.rgb, seen.alpha)
        depth = np.where(known, seen.depth, 0.0).astype(np.float32)
        farthest = cv2.dilate(depth, np.ones((3, 3), np.uint8))
        partial = known & (seen.alpha < OPAQUE_ALPHA)
        depth[partial] = farthest[partial] * (1.0 + BEHIND)
        hole = ~known
        if not np.any(hole):
            return Frame(_to_uint8(rgb), depth, camera, seen.alpha.astype(np.float32))
        settings = self.settings
        filled = complete_depth(depth, hole, settings.depth_tolerance)
        fallback = float(np.median(depth[known])) if np.any(known) else 3.0
        filled = snap_to_planes(
            filled, hole, camera, list(memory.layout), settings.depth_tolerance, fallback
        )
        # Grazing planes and extrapolated inverse depth run off towards infinity; new content
        # goes no farther than FAR_FACTOR x the farthest surface the view already shows, so a
        # turned view adds a backdrop, not splats kilometres away (each alone in its tile).
        reach = float(np.percentile(depth[known], 99)) if np.any(known) else fallback
        filled[hole] = np.minimum(filled[hole], FAR_FACTOR * max(reach, fallback))
        guide = normals_from_depth(filled, camera) * settings.guide_weight
        sources = [
            Source(
                frame.rgb.astype(np.float32) / 255.0,
                frame.depth > 0,
                normals_from_depth(frame.depth, frame.camera) * settings.guide_weight,
            )
            for frame in memory.retrieve(camera)
        ]
        result = inpaint(
            rgb.astype(np.float32),
            hole,
            sources,
            guide=guide,
            patch=settings.patch,
            seed=settings.seed,
        )
        confidence = np.where(hole, GENERATED_CONFIDENCE, seen.alpha).astype(np.float32)
        return Frame(_to_uint8(result.rgb), filled.astype(np.float32), camera, confidence)


def _to_uint8(rgb: np.ndarray) -> np.ndarray:
    return np.clip(np.round(rgb * 255.0), 0, 255).astype(np.uint8)
