"""The room box: floor, ceiling and Manhattan walls as planes, fitted to line-segment evidence.

Given the Manhattan frame (world up `up` and two horizontal directions in camera axes) and the
assumed eye height, a room is a box around the camera: the floor ASSUMED_EYE_HEIGHT_M below, an
optional ceiling above, and four walls, one facing each horizontal direction, at unknown
distances. Every pixel sees the nearest plane its ray meets (the camera is inside the box), so a
box hypothesis gives a depth map and a label map in a few array operations: a plane at distance D
is hit at D * a(p), where a(p) = 1 / (ray . outward normal) is fixed per pixel.

The distances are chosen by a search over box hypotheses scored against line segments, after
Hedau et al. 2009 ("Recovering the spatial layout of cluttered rooms") and the orientation maps of
Lee et al. 2009: a segment running along Manhattan direction d can only lie on a surface whose
normal is orthogonal to d. Vertical segments belong on walls, not on the floor; a segment along h1
lies on the floor, the ceiling or a wall facing h2, never on a wall facing h1. The region term adds,
over the segment pixels, +1 where the hypothesis' surface agrees and -1 where it contradicts. The
edge term rewards box edges (floor-wall, wall-wall, ceiling-wall) that lie on segments of the
direction that edge must have. A faint prior on wall distance (ROOM_PRIOR_M) breaks ties where a
blank wall gives no evidence. The search is coordinate descent over one distance at a time (all
candidate values of it scored at once), from a few starting boxes, on a coarse pixel grid.

A street is the same model opened up: walls that nothing supports go to the far end of the
candidate range and the sky is left to the far backdrop.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from worldstream.generate.depth.base import Plane, PlaneKind
from worldstream.generate.layout.lines import Segments

FAR_M = 50.0  # the backdrop: the farthest depth the layout reports
ROOM_PRIOR_M = 4.0  # a blank wall with no evidence settles near this distance
WALL_CANDIDATES_M = np.geomspace(0.8, 30.0, 40)
CEILING_CANDIDATES_M = np.geomspace(0.3, 3.5, 20)  # above the eye

# Surface classes of the evidence maps. Direction classes of segments: 0 vertical, 1 h1, 2 h2.
FLOOR, CEILING, WALL1, WALL2, BACKDROP = 0, 1, 2, 3, 4
# CONSISTENT[surface, direction]: +1 the direction lies in the surface, -1 it cannot.
CONSISTENT = np.array(
    [
        [-1.0, 1.0, 1.0],  # floor (normal up)
        [-1.0, 1.0, 1.0],  # ceiling
        [1.0, -1.0, 1.0],  # wall facing h1
        [1.0, 1.0, -1.0],  # wall facing h2
        [0.0, 0.0, 0.0],  # backdrop: says nothing
    ]
)
# The direction a box edge between two surfaces must run along (-1: no such edge).
EDGE_DIRECTION = np.full((5, 5), -1, dtype=np.int64)
for _a, _b, _d in ((FLOOR, WALL1, 2), (FLOOR, WALL2, 1), (CEILING, WALL1, 2), (CEILING, WALL2, 1)):
    EDGE_DIRECTION[_a, _b] = EDGE_DIRECTION[_b, _a] = _d
EDGE_DIRECTION[WALL1, WALL2] = EDGE_DIRECTION[WALL2, WALL1] = 0


@dataclass(frozen=True)
class RoomBox:
    """A box around the camera in camera axes. Wall order: +h1, -h1, +h2, -h2."""

    up: np.ndarray  # [3] unit, world up in camera axes
    h1: np.ndarray  # [3] unit horizontal Manhattan direction
    h2: np.ndarray  # [3] unit, orthogonal to up and h1
    eye_height: float  # metres above the floor
    walls: np.ndarray  # [4] distances, metres (FAR_M or more: no wall)
    ceiling: float | None  # metres above the eye, None when there is none

    def outward(self) -> np.ndarray:
        """Outward normals [6, 3] of floor, ceiling, walls (+h1, -h1, +h2, -h2)."""
        return np.stack([-self.up, self.up, self.h1, -self.h1, self.h2, -self.h2])

    def distances(self) -> np.ndarray:
        ceiling = np.inf if self.ceiling is None else self.ceiling
        return np.r_[self.eye_height, ceiling, self.walls]

    def planes(self) -> list[Plane]:
        """Floor, ceiling (if any), the walls nearer than FAR_M, then the backdrop."""
        kinds: list[PlaneKind] = ["floor", "ceiling", "wall", "wall", "wall", "wall"]
        out = []
        for n, d, kind in zip(self.outward(), self.distances(), kinds, strict=True):
            if np.isfinite(d) and d < FAR_M:
                # Points x on the plane satisfy n . x = d; the normal facing the camera is -n.
                out.append(Plane(normal=-n, offset=float(d), kind=kind))
        out.append(backdrop_plane())
        return out


def backdrop_plane() -> Plane:
    return Plane(normal=np.array([0.0, 0.0, -1.0]), offset=FAR_M, kind="backdrop")


def ray_depths(planes: list[Plane], rays: np.ndarray) -> np.ndarray:
    """Depth [P, H, W] at which each pixel's ray (z = 1) meets each plane, inf if never (ahead)."""
    normals = np.stack([p.normal for p in planes])  # [P, 3]
    offsets = np.array([p.offset for p in planes])
    facing = -np.einsum("hwc,pc->phw", rays, normals)  # ray . outward normal
    with np.errstate(divide="ignore"):
        return np.where(facing > 1e-9, offsets[:, None, None] / facing, np.inf)


def nearest_plane(planes: list[Plane], rays: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Label [H, W] (index of the nearest plane hit) and its depth [H, W]."""
    t = ray_depths(planes, rays)
    labels = np.argmin(t, axis=0)
    return labels, np.take_along_axis(t, labels[None], axis=0)[0]


@dataclass(frozen=True)
class Evidence:
    """Segment rasters on the fitting grid, one channel per direction class."""

    region: np.ndarray  # [3, h, w] segment pixels per cell
    edge: np.ndarray  # [3, h, w] the same, dilated: what a box edge can land on
    floor: np.ndarray  # [h, w] mean floor evidence of the cell in [-1, 1] (regions.py)
    rays: np.ndarray  # [h, w, 3] rays through the grid cells' centres (z = 1)


def build_evidence(
    segments: Segments,
    direction_class: np.ndarray,
    K: np.ndarray,
    floor_evidence: np.ndarray,
    grid_width: int = 80,
) -> Evidence:
    """Rasterise segments of each direction class (-1: unassigned, ignored) on a coarse grid,
    and average the floor evidence ([H, W] in [-1, 1] at the photo's size) per cell."""
    height, width = floor_evidence.shape
    s = grid_width / width
    gw, gh = grid_width, max(1, round(height * s))
    region = np.zeros((3, gh, gw), dtype=np.float32)
    for c in range(3):
        for p0, p1 in zip(
            segments.p0[direction_class == c], segments.p1[direction_class == c], strict=True
        ):
            a = tuple(int(v) for v in np.floor(p0 * s))
            b = tuple(int(v) for v in np.floor(p1 * s))
            cv2.line(region[c], a, b, 1.0, 1)
    edge = np.stack([cv2.dilate(r, np.ones((3, 3), np.uint8)) for r in region])
    floor = cv2.resize(floor_evidence.astype(np.float32), (gw, gh), interpolation=cv2.INTER_AREA)
    u = (np.arange(gw) + 0.5) / s
    v = (np.arange(gh) + 0.5) / (gh / height)
    uu, vv = np.meshgrid(u, v)
    rays = np.stack([(uu - K[0, 2]) / K[0, 0], (vv - K[1, 2]) / K[1, 1], np.ones_like(uu)], axis=-1)
    return Evidence(region, edge, floor, rays)


def surface_class(box_index: np.ndarray) -> np.ndarray:
    """Box plane index (0 floor, 1 ceiling, 2..5 walls, 6 backdrop) -> surface class."""
    table = np.array([FLOOR, CEILING, WALL1, WALL1, WALL2, WALL2, BACKDROP])
    return table[box_index]


def score_labels(
    classes: np.ndarray, evidence: Evidence, edge_weight: float, floor_weight: float
) -> np.ndarray:
    """Score [K] of surface-class maps [K, h, w] against the evidence (see module docstring)."""
    # Region term: sum over cells of sum_c region[c] * CONSISTENT[class, c], plus the floor-like
    # fraction of the cells labelled floor.
    per_class = np.einsum("sc,chw->shw", CONSISTENT, evidence.region)  # [5, h, w]
    per_class[FLOOR] += floor_weight * evidence.floor
    region = np.take_along_axis(per_class[None], classes[:, None], axis=1)[:, 0].sum(axis=(1, 2))
    # Edge term: between neighbouring cells of different classes, the edge map of the direction
    # that such an edge must run along, at both cells.
    edge_score = np.zeros(len(classes))
    for a, b in ((classes[:, :, :-1], classes[:, :, 1:]), (classes[:, :-1, :], classes[:, 1:, :])):
        d = EDGE_DIRECTION[a, b]  # [K, ...]
        ok = d >= 0
        dc = np.where(ok, d, 0)
        if a.shape[2] < classes.shape[2]:
            ev_a, ev_b = evidence.edge[:, :, :-1], evidence.edge[:, :, 1:]
        else:
            ev_a, ev_b = evidence.edge[:, :-1, :], evidence.edge[:, 1:, :]
        va = np.take_along_axis(ev_a[None], dc[:, None], axis=1)[:, 0]
        vb = np.take_along_axis(ev_b[None], dc[:, None], axis=1)[:, 0]
        edge_score += (np.maximum(va, vb) * ok).sum(axis=(1, 2))
    return region + edge_weight * edge_score


@dataclass(frozen=True)
class FitConfig:
    edge_weight: float = 1.5
    floor_weight: float = 0.5  # per cell of floor evidence, in segment cells
    prior_weight: float = 0.5  # per unit of |log(D / ROOM_PRIOR_M)|, in segment cells
    sweeps: int = 3


def _unit_depths(box: RoomBox, rays: np.ndarray) -> np.ndarray:
    """a(p) per box plane [6, h, w]: depth of the plane at unit distance (inf where not hit)."""
    facing = np.einsum("hwc,pc->phw", rays, box.outward())
    with np.errstate(divide="ignore"):
        # float32: the search compares depths only to pick the nearest plane.
        return np.where(facing > 1e-9, 1.0 / facing, np.inf).astype(np.float32)


def _classes_for(unit: np.ndarray, distances: np.ndarray) -> np.ndarray:
    """Surface-class maps [K, h, w] for distance vectors [K, 6] (backdrop at FAR_M, z-depth)."""
    t = distances.astype(np.float32)[:, :, None, None] * unit[None]  # [K, 6, h, w]
    t = np.concatenate(
        [t, np.full((len(distances), 1, *unit.shape[1:]), FAR_M, dtype=np.float32)], axis=1
    )
    return surface_class(np.argmin(t, axis=1))


def fit_box(
    up: np.ndarray,
    h1: np.ndarray,
    h2: np.ndarray,
    eye_height: float,
    evidence: Evidence,
    config: FitConfig | None = None,
) -> RoomBox:
    """Wall distances and ceiling height that best explain the evidence."""
    config = config or FitConfig()
    probe = RoomBox(up, h1, h2, eye_height, np.full(4, FAR_M), None)
    unit = _unit_depths(probe, evidence.rays)
    # Only planes that some grid ray meets can be seen; the others stay far.
    visible = np.isfinite(unit).any(axis=(1, 2))
    candidates = {1: np.r_[np.inf, CEILING_CANDIDATES_M]}
    for k in range(2, 6):
        if visible[k]:
            candidates[k] = np.r_[WALL_CANDIDATES_M, FAR_M]

    def prior(k: int, values: np.ndarray) -> np.ndarray:
        if k == 1:
            return np.zeros(len(values))
        return config.prior_weight * np.abs(np.log(np.minimum(values, FAR_M) / ROOM_PRIOR_M))

    def objective(trial: np.ndarray) -> np.ndarray:
        """Score [K] of distance vectors [K, 6]: evidence minus the wall-distance prior."""
        scores = score_labels(
            _classes_for(unit, trial), evidence, config.edge_weight, config.floor_weight
        )
        for k in candidates:
            scores -= prior(k, trial[:, k])
        return scores

    best_score, best = -np.inf, None
    for start in (2.5, 6.0, 15.0):
        d = np.r_[eye_height, np.inf, np.where(visible[2:], start, FAR_M)]
        for _ in range(config.sweeps):
            changed = False
            for k, values in candidates.items():
                trial = np.repeat(d[None], len(values), axis=0)
                trial[:, k] = values
                i = int(np.argmax(objective(trial)))
                changed |= bool(values[i] != d[k])
                d[k] = values[i]
            if not changed:
                break
        score = float(objective(d[None])[0])
        if score > best_score:
            best_score, best = score, d.copy()
    assert best is not None
    ceiling = None if not np.isfinite(best[1]) else float(best[1])
    return RoomBox(up, h1, h2, eye_height, best[2:].copy(), ceiling)
