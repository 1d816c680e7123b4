"""`LayoutDepth`: the weight-free depth prior (a Manhattan room with objects, or a ground plane).

Steps: line segments (lines.py) -> Manhattan frame and world up (vanishing.py) -> is the frame
trustworthy? If so, superpixels and the floor seen at the bottom of the picture (regions.py), the
room box fitted to segments and floor (room.py), objects popped up from the floor (popup.py).
If not (too few segments along a vertical and a horizontal direction: a close-up, a landscape),
the fallback: a floor ASSUMED_EYE_HEIGHT_M below the camera, level unless a vertical vanishing
point was found, and an upright backdrop FALLBACK_BACKDROP_M away, as in generate/prior.py.

The camera is assumed to stand ASSUMED_EYE_HEIGHT_M above the floor; that, not the photo, sets
the scale, so the estimate is never metric. Every pixel's depth is the ray's intersection with
the plane its label names (capped at the far backdrop, FAR_M), so depth, planes and labels agree
exactly and the depth is finite and positive everywhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from worldstream.generate.depth.base import ASSUMED_EYE_HEIGHT_M, DepthEstimate, Plane
from worldstream.generate.layout.lines import Segments, detect_segments
from worldstream.generate.layout.popup import PopupConfig, pop_up
from worldstream.generate.layout.regions import superpixels
from worldstream.generate.layout.room import (
    FAR_M,
    FitConfig,
    backdrop_plane,
    build_evidence,
    fit_box,
    nearest_plane,
    ray_depths,
)
from worldstream.generate.layout.vanishing import (
    ManhattanFrame,
    Orientation,
    VanishingConfig,
    estimate_manhattan_frame,
    orient,
)
from worldstream.geometry.camera import Camera

FALLBACK_BACKDROP_M = 6.0  # generate/prior.py's backdrop distance
LEVEL_UP = np.array([0.0, -1.0, 0.0])  # world up for a level camera (camera y points down)

# Confidence per plane kind, before scaling by how much of the photo's structure the frame
# explains: floors are the best-constrained (eye height and up fix them), objects the least.
KIND_CONFIDENCE = {"floor": 0.6, "wall": 0.45, "ceiling": 0.4, "object": 0.3, "backdrop": 0.1}
FALLBACK_CONFIDENCE = {"floor": 0.25, "backdrop": 0.1}


@dataclass(frozen=True)
class LayoutConfig:
    eye_height: float = ASSUMED_EYE_HEIGHT_M
    max_tilt_deg: float = 40.0  # the vertical vanishing direction's largest angle from image y
    min_segments: int = 4  # inliers a direction needs to count as found
    min_support: float = 0.6  # inlier length a direction needs, in image diagonals
    vanishing: VanishingConfig = field(default_factory=VanishingConfig)
    fit: FitConfig = field(default_factory=FitConfig)
    popup: PopupConfig = field(default_factory=PopupConfig)
    objects: bool = True


@dataclass(frozen=True)
class Structure:
    """What the segments said: the frame, its orientation and which directions are trusted."""

    segments: Segments
    frame: ManhattanFrame | None
    orientation: Orientation | None
    vertical_found: bool
    horizontal_found: bool


def find_structure(rgb: np.ndarray, K: np.ndarray, config: LayoutConfig) -> Structure:
    segments = detect_segments(rgb)
    frame = estimate_manhattan_frame(segments, K, config.vanishing)
    if frame is None:
        return Structure(segments, None, None, False, False)
    o = orient(frame)
    diagonal = math.hypot(*rgb.shape[:2])

    def found(i: int) -> bool:
        return bool(
            frame.inliers[i] >= config.min_segments
            and frame.support[i] >= config.min_support * diagonal
        )

    vertical = found(o.order[0]) and -o.up[1] >= math.cos(math.radians(config.max_tilt_deg))
    horizontal = found(o.order[1]) or found(o.order[2])
    return Structure(segments, frame, o, vertical, horizontal)


def direction_classes(structure: Structure) -> np.ndarray:
    """Per segment: 0 vertical, 1 along h1, 2 along h2, -1 none."""
    assert structure.frame is not None and structure.orientation is not None
    out = np.full(len(structure.segments), -1, dtype=np.int64)
    for role, index in enumerate(structure.orientation.order):
        out[structure.frame.assignment == index] = role
    return out


def segment_raster(structure: Structure, shape: tuple[int, int]) -> np.ndarray:
    """[H, W] int8: direction class of the segment through each pixel (0 vertical, 1 h1, 2 h2,
    3 none of them), -1 where no segment passes."""
    out = np.zeros(shape, dtype=np.uint8)
    classes = direction_classes(structure)
    for p0, p1, c in zip(structure.segments.p0, structure.segments.p1, classes, strict=True):
        value = 4 if c < 0 else int(c) + 1
        cv2.line(out, tuple(int(v) for v in p0), tuple(int(v) for v in p1), value, 1)
    return out.astype(np.int8) - 1


def _tilt_deg(up: np.ndarray) -> float:
    return math.degrees(math.acos(min(1.0, max(-1.0, float(-up[1])))))


class LayoutDepth:
    """DepthEstimator: Manhattan room layout with popped-up objects; ground plane as fallback."""

    name = "layout"

    def __init__(self, config: LayoutConfig | None = None) -> None:
        self.config = config or LayoutConfig()

    def estimate(self, rgb: np.ndarray, camera: Camera) -> DepthEstimate:
        if rgb.ndim != 3 or rgb.shape != (camera.height, camera.width, 3):
            raise ValueError(
                f"rgb must be [{camera.height}, {camera.width}, 3] for this camera, got {rgb.shape}"
            )
        rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
        structure = find_structure(rgb, camera.K, self.config)
        if structure.vertical_found and structure.horizontal_found:
            return self._manhattan(rgb, camera, structure)
        return self._ground_plane(camera, structure)

    # ---- the room

    def _manhattan(self, rgb: np.ndarray, camera: Camera, structure: Structure) -> DepthEstimate:
        cfg = self.config
        o = structure.orientation
        assert o is not None and structure.frame is not None
        rays = camera.pixel_rays()
        regions = superpixels(rgb)
        below_horizon = (rays @ o.up) < -1e-3
        floor_like = regions.floor_like(below_horizon)
        evidence = build_evidence(
            structure.segments,
            direction_classes(structure),
            camera.K,
            regions.floor_evidence(below_horizon),
        )
        box = fit_box(o.up, o.h1, o.h2, cfg.eye_height, evidence, cfg.fit)
        planes = box.planes()
        labels, depth = nearest_plane(planes, rays)
        n_objects = 0
        if cfg.objects:
            floor_index = [p.kind for p in planes].index("floor")
            walls = [o.h1, -o.h1, o.h2, -o.h2]
            segment_class = segment_raster(structure, rgb.shape[:2])
            objects = pop_up(
                regions,
                floor_like,
                segment_class,
                labels == floor_index,
                depth,
                rays,
                o.up,
                cfg.eye_height,
                walls,
                cfg.popup,
            )
            # Farthest first, so that a nearer object overwrites where two overlap.
            for obj in reversed(objects):
                labels[obj.mask] = len(planes)
                planes.append(obj.plane)
                n_objects += 1
            if n_objects:
                t = ray_depths(planes, rays)
                depth = np.take_along_axis(t, labels[None], axis=0)[0]
        explained = float(structure.frame.support.sum() / max(structure.segments.length.sum(), 1))
        kind_conf = np.array([KIND_CONFIDENCE[p.kind] for p in planes], dtype=np.float32)
        confidence = kind_conf[labels] * np.float32(0.5 + 0.5 * explained)
        walls_txt = ", ".join(f"{d:.2f}" for d in box.walls if d < FAR_M) or "none"
        ceiling_txt = "none" if box.ceiling is None else f"{box.ceiling + cfg.eye_height:.2f} m"
        notes = [
            f"scale: camera assumed {cfg.eye_height:.2f} m above the floor",
            f"up from the vertical vanishing point, camera tilt {_tilt_deg(o.up):.1f} deg",
            f"Manhattan frame explains {explained:.0%} of the segment length",
            f"walls at {walls_txt} m, ceiling {ceiling_txt} above the floor",
            f"{n_objects} objects popped up from the floor",
        ]
        return _finish(labels, planes, depth, confidence, o.up, "layout:manhattan-room", notes)

    # ---- the fallback

    def _ground_plane(self, camera: Camera, structure: Structure) -> DepthEstimate:
        cfg = self.config
        o = structure.orientation
        tilted = o is not None and structure.vertical_found
        up = o.up if (o is not None and tilted) else LEVEL_UP
        forward = np.array([0.0, 0.0, 1.0]) - up[2] * up
        if np.linalg.norm(forward) < 1e-6:  # looking straight up or down
            forward = np.array([0.0, 1.0, 0.0]) - up[1] * up
        forward /= np.linalg.norm(forward)
        planes = [
            Plane(normal=up.copy(), offset=cfg.eye_height, kind="floor"),
            Plane(normal=-forward, offset=FALLBACK_BACKDROP_M, kind="backdrop"),
            backdrop_plane(),
        ]
        labels, depth = nearest_plane(planes, camera.pixel_rays())
        kind_conf = np.array([FALLBACK_CONFIDENCE[p.kind] for p in planes], dtype=np.float32)
        reason = (
            "no vertical vanishing point"
            if not structure.vertical_found
            else ("no horizontal vanishing point")
        )
        horizon = (
            f"up from the vertical vanishing point, tilt {_tilt_deg(up):.1f} deg"
            if tilted
            else "camera assumed level"
        )
        notes = [
            f"fallback: {reason} ({len(structure.segments)} segments)",
            f"scale: camera assumed {cfg.eye_height:.2f} m above the floor",
            horizon,
            f"upright backdrop {FALLBACK_BACKDROP_M:.1f} m ahead",
        ]
        return _finish(labels, planes, depth, kind_conf[labels], up, "layout:ground-plane", notes)


def _finish(
    labels: np.ndarray,
    planes: list[Plane],
    depth: np.ndarray,
    confidence: np.ndarray,
    up: np.ndarray,
    source: str,
    notes: list[str],
) -> DepthEstimate:
    depth = depth.astype(np.float32)
    if not (np.all(np.isfinite(depth)) and np.all(depth > 0)):
        raise AssertionError("layout depth must be finite and positive everywhere")
    return DepthEstimate(
        depth=depth,
        metric=False,
        source=source,
        confidence=np.clip(confidence, 0.0, 1.0).astype(np.float32),
        planes=planes,
        labels=labels.astype(np.int16),
        up=up.astype(np.float64),
        notes=notes,
    )
