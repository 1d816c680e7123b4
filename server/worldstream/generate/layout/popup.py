"""Objects popped up from the floor: upright planes where the photo disagrees with the room box.

After Hoiem et al. 2005 ("Automatic Photo Pop-up"): a region that is not floor but sits where the
box predicts floor is something standing on the floor, and the place where it meets the floor
fixes its distance. Here the regions are superpixels that are not floor-like (regions.py) yet lie
largely inside the box's floor, and that look upright rather than flat: the segments inside them
are mostly vertical or clutter (no Manhattan direction: wheels, cables, plants) rather than
along the floor's own two directions, or the superpixel rises across the box's floor boundary
(it occludes where the floor meets the wall). A patterned floor (a rug, tiles, planks) is not
floor-like but its segments run along the floor, so it stays floor. Adjacent upright superpixels
are grouped into connected components.

Distance: every pixel of an upright object standing on the floor is seen in front of the floor
point its ray would reach, so the floor distance of the object's pixels is an upper bound that
the true contact points attain. The plane therefore goes through a low percentile of the floor
distances of each column's lowest object pixel (a percentile, not the minimum, so a stray
mis-segmented pixel cannot pull the object forward). Orientation: the Manhattan wall direction
that faces the camera most squarely, if it is within SNAP_DEG of facing the object's centre ray,
else a plane facing that ray. An object never goes behind the room: its depth is the nearer of
its plane and the box. Better few confident objects than many wrong ones: small components,
components that would barely move off the layout, and ones with no floor contact are dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from worldstream.generate.depth.base import Plane
from worldstream.generate.layout.regions import Regions


@dataclass(frozen=True)
class PopupConfig:
    min_area_frac: float = 0.01  # of the image, for a component to become an object
    floor_share: float = 0.3  # of a superpixel inside the box's floor to be an object candidate
    rise_share: float = 0.2  # of a superpixel above the box's floor (and below) to rise across
    clutter_weight: float = 0.5  # weight of unassigned segments as upright evidence
    contact_percentile: float = 10.0
    min_contact_columns: int = 4
    min_pop: float = 0.12  # the object must sit this fraction nearer than the layout behind it
    snap_deg: float = 35.0
    max_objects: int = 8


@dataclass(frozen=True)
class PoppedObject:
    plane: Plane
    mask: np.ndarray  # [H, W] bool, the pixels the object takes (nearer than the layout)


def _horizontal(v: np.ndarray, up: np.ndarray) -> np.ndarray:
    h = v - (v @ up) * up
    return h / max(float(np.linalg.norm(h)), 1e-12)


def object_normal(
    centre_ray: np.ndarray, up: np.ndarray, walls: list[np.ndarray], snap_deg: float
) -> np.ndarray:
    """Unit normal (facing the camera) of an upright plane seen along `centre_ray`."""
    facing = -_horizontal(centre_ray, up)
    best = max(walls, key=lambda n: float(n @ facing))
    if float(best @ facing) >= math.cos(math.radians(snap_deg)):
        return best
    return facing


def pop_up(
    regions: Regions,
    floor_like: np.ndarray,
    segment_class: np.ndarray,
    box_floor: np.ndarray,
    layout_depth: np.ndarray,
    rays: np.ndarray,
    up: np.ndarray,
    eye_height: float,
    walls: list[np.ndarray],
    config: PopupConfig | None = None,
) -> list[PoppedObject]:
    """Upright objects standing on the box's floor, nearest first.

    floor_like, box_floor: [H, W] bool; segment_class: [H, W] int8, the direction class of the
    segment through each pixel (0 vertical, 1 h1, 2 h2, 3 none) or -1 where no segment passes;
    layout_depth: [H, W]; rays: [H, W, 3] (z = 1);
    walls: unit horizontal Manhattan normals that may face the camera (e.g. +-h1, +-h2).
    """
    config = config or PopupConfig()
    h, w = box_floor.shape
    ids = regions.ids
    area = np.bincount(ids.ravel(), minlength=regions.count)
    in_floor = np.bincount(ids.ravel(), weights=box_floor.ravel(), minlength=regions.count)
    floorish = np.zeros(regions.count, dtype=bool)
    floorish[regions.floor_ids] = True
    share = in_floor / np.maximum(area, 1)

    def length(c: int) -> np.ndarray:
        return np.bincount(ids.ravel(), weights=(segment_class == c).ravel(), minlength=len(area))

    upright = length(0) + config.clutter_weight * length(3) - length(1) - length(2)
    rises = (share >= config.rise_share) & (share <= 1.0 - config.rise_share)
    candidate = (
        (share >= config.floor_share) & ~floorish & ((upright > 0) | (rises & (upright >= 0)))
    )
    mask = candidate[ids] & ~floor_like
    count, components = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    # Floor distance along the ray (z-depth) of every pixel below the horizon.
    down = -(rays @ up)
    with np.errstate(divide="ignore"):
        floor_depth = np.where(down > 1e-9, eye_height / down, np.inf)

    objects: list[tuple[float, PoppedObject]] = []
    for c in range(1, count):
        comp = components == c
        n_pixels = int(comp.sum())
        if n_pixels < config.min_area_frac * h * w:
            continue
        # Each column's lowest pixel of the component, where it is on the box's floor.
        rows = np.where(comp, np.arange(h)[:, None], -1).max(axis=0)
        cols = np.nonzero(rows >= 0)[0]
        rows = rows[cols]
        on_floor = box_floor[rows, cols] & np.isfinite(floor_depth[rows, cols])
        if on_floor.sum() < config.min_contact_columns:
            continue
        rows, cols = rows[on_floor], cols[on_floor]
        ys, xs = np.nonzero(comp)
        centre_ray = rays[int(ys.mean()), int(xs.mean())]
        normal = object_normal(centre_ray, up, walls, config.snap_deg)
        contact = rays[rows, cols] * floor_depth[rows, cols, None]  # [C, 3] camera points
        distance = float(np.percentile(-(contact @ normal), config.contact_percentile))
        if distance <= 0.05:
            continue
        plane = Plane(normal=normal, offset=distance, kind="object")
        facing = -(rays[comp] @ normal)
        with np.errstate(divide="ignore"):
            depth = np.where(facing > 1e-9, distance / facing, np.inf)
        nearer = depth < layout_depth[comp]
        if nearer.mean() < 0.5:
            continue
        if np.median(depth[nearer] / layout_depth[comp][nearer]) > 1.0 - config.min_pop:
            continue
        taken = np.zeros_like(comp)
        taken[ys[nearer], xs[nearer]] = True
        objects.append((distance, PoppedObject(plane=plane, mask=taken)))
    objects.sort(key=lambda item: item[0])
    return [o for _, o in objects[: config.max_objects]]
