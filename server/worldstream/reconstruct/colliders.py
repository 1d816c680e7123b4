"""Collider meshes per tile: the surface mesh cut at tile planes, each piece simplified to a budget.

Cutting, not assigning triangles by centroid: a piece cut at the planes lies inside its tile
(give or take `seam_margin`), so an engine can load and drop it with the tile, and the two pieces
either side of a plane share the cut edge, so no crack opens at the seam for a capsule or a ray
to slip through. Triangles assigned whole would overhang into the neighbour and leave ragged,
overlapping seams.

The cut planes sit `seam_margin` below the tile planes (a tile's piece covers
[k * tile_size - margin, (k + 1) * tile_size - margin) on each axis). Floors and walls tend to
lie at round coordinates, exactly on tile planes (y = 0 is both the floor and a tile plane), and
a reconstructed surface wobbling by millimetres about a cut plane would be shredded into hundreds
of islands split between two tiles. With the margin, such a surface falls wholly in one tile.

Simplification is quadric decimation (fast-simplification, the library trimesh itself uses). The
whole mesh is decimated first, to about `FILL` of the budget per occupied tile, and only then cut,
so both sides of a seam are cut from the same triangles and meet exactly. A tile whose piece still
exceeds the budget (its geometry is busier than the average) is decimated again on its own; its
seams may then move by that decimation's error (centimetres). If the decimator is missing or
stalls, a vertex-clustering simplification (ours, below) coarsens its grid until the piece fits:
the budget always holds. Colour is dropped.
"""

from __future__ import annotations

import itertools
import math
import threading

import numpy as np
import trimesh
from trimesh.intersections import slice_faces_plane

from worldstream.geometry.cells import unique_cells
from worldstream.tiles.grid import TileKey

try:
    import fast_simplification
except ImportError:  # the clustering fallback below still meets every budget
    fast_simplification = None

# fast-simplification keeps the loaded mesh in module-global C++ state: one call at a time.
_DECIMATE_LOCK = threading.Lock()

DEFAULT_SEAM_MARGIN = 0.05  # metres: well above the wobble of a fused 2 cm surface (< 1 cm)
FILL = 0.75  # share of the budget the global pass aims for: cutting adds triangles at seams
_MAX_PASSES = 6  # decimation passes: one pass from a big mesh stalls above its target


def colliders(
    mesh: trimesh.Trimesh,
    tile_size: float,
    max_triangles_per_tile: int = 2000,
    *,
    seam_margin: float = DEFAULT_SEAM_MARGIN,
) -> dict[TileKey, trimesh.Trimesh]:
    """Split `mesh` at the world grid's tile planes and simplify every piece to at most
    `max_triangles_per_tile` triangles. Keys are LOD-0 `TileKey`s of the tile a piece belongs to;
    tiles the mesh does not reach are absent. Pieces carry no colour."""
    if not (math.isfinite(tile_size) and tile_size > 0):
        raise ValueError(f"tile_size must be finite and positive, got {tile_size}")
    if max_triangles_per_tile < 1:
        raise ValueError(f"max_triangles_per_tile must be >= 1, got {max_triangles_per_tile}")
    if not (math.isfinite(seam_margin) and 0 <= seam_margin < tile_size):
        raise ValueError(f"seam_margin must be in [0, tile_size), got {seam_margin}")
    if len(mesh.faces) == 0:
        return {}
    cells = np.floor((mesh.triangles_center + seam_margin) / tile_size).astype(np.int64)  # [F, 3]
    cells -= cells.min(axis=0)
    span = cells.max(axis=0) + 1  # [3]
    occupied = len(np.unique((cells[:, 0] * span[1] + cells[:, 1]) * span[2] + cells[:, 2]))
    coarse = simplify_to_budget(mesh, max(1, int(FILL * max_triangles_per_tile * occupied)))
    pieces = _cut(coarse, tile_size, seam_margin)

    out: dict[TileKey, trimesh.Trimesh] = {}
    for key in sorted(pieces):
        piece = _assemble(pieces[key])
        if len(piece.faces) == 0:
            continue
        simplified = simplify_to_budget(piece, max_triangles_per_tile)
        if len(simplified.faces):
            out[key] = simplified
    return out


def _cut(
    mesh: trimesh.Trimesh, tile_size: float, margin: float
) -> dict[TileKey, list[tuple[np.ndarray, np.ndarray]]]:
    """(vertices, faces) parts of `mesh` per cell of the grid shifted down by `margin`."""
    vertices = np.asarray(mesh.vertices, dtype=np.float64)  # [V, 3]
    faces = np.asarray(mesh.faces, dtype=np.int64)  # [F, 3]
    pieces: dict[TileKey, list[tuple[np.ndarray, np.ndarray]]] = {}
    if len(faces) == 0:
        return pieces
    tri = vertices[faces]  # [F, 3 corners, 3]
    # Cell k spans [k * ts - margin, (k + 1) * ts - margin) on each axis.
    cell_lo = np.floor((tri.min(axis=1) + margin) / tile_size).astype(np.int64)  # [F, 3]
    cell_hi = np.floor((tri.max(axis=1) + margin) / tile_size).astype(np.int64)  # [F, 3]
    inside = np.all(cell_lo == cell_hi, axis=1)  # [F] triangles that need no cut
    # Whole triangles, grouped by cell.
    idx = np.flatnonzero(inside)
    cells, inverse = unique_cells(cell_lo[idx])
    for c, cell in enumerate(cells):
        key = TileKey(int(cell[0]), int(cell[1]), int(cell[2]), 0)
        pieces.setdefault(key, []).append((vertices, faces[idx[inverse == c]]))
    # Triangles across planes: per cell, cut all that overlap it against the cell's six planes.
    across = np.flatnonzero(~inside)
    if len(across):
        lo, hi = cell_lo[across], cell_hi[across]  # [A, 3]
        ranges = [range(lo[:, a].min(), hi[:, a].max() + 1) for a in range(3)]
        for cell in itertools.product(*ranges):
            cell_arr = np.asarray(cell, dtype=np.int64)
            sel = across[np.all((lo <= cell_arr) & (cell_arr <= hi), axis=1)]
            if len(sel) == 0:
                continue
            cut = _clip_to_cell(vertices, faces[sel], cell_arr, tile_size, margin)
            if cut is not None:
                pieces.setdefault(TileKey(*(int(c) for c in cell), 0), []).append(cut)
    return pieces


def _clip_to_cell(
    vertices: np.ndarray,  # [V, 3]
    faces: np.ndarray,  # [F, 3]
    cell: np.ndarray,  # [3] int
    tile_size: float,
    margin: float,
) -> tuple[np.ndarray, np.ndarray] | None:
    """The part of the faces inside one cell as (vertices [n, 3], faces [m, 3]), or None."""
    used, remap = np.unique(faces, return_inverse=True)
    vertices, faces = vertices[used], remap.reshape(-1, 3)  # only what these faces use
    lo = cell * tile_size - margin  # [3]
    hi = lo + tile_size
    for axis in range(3):
        normal = np.zeros(3)
        normal[axis] = 1.0
        for plane_normal, plane_origin in ((normal, lo), (-normal, hi)):
            vertices, faces = slice_faces_plane(vertices, faces, plane_normal, plane_origin)[:2]
            if len(faces) == 0:
                return None
    return np.asarray(vertices, dtype=np.float64), np.asarray(faces, dtype=np.int64)


def _assemble(parts: list[tuple[np.ndarray, np.ndarray]]) -> trimesh.Trimesh:
    """One mesh from (vertices, faces) parts, coincident vertices merged, degenerates dropped."""
    verts, faces, offset = [], [], 0
    for v, f in parts:
        used, remap = np.unique(f, return_inverse=True)  # only the vertices these faces use
        verts.append(v[used])
        faces.append(remap.reshape(-1, 3) + offset)
        offset += len(used)
    mesh = trimesh.Trimesh(np.concatenate(verts), np.concatenate(faces), process=False)
    mesh.merge_vertices()
    mesh.update_faces(mesh.nondegenerate_faces())
    mesh.update_faces(mesh.unique_faces())
    mesh.remove_unreferenced_vertices()
    return mesh


def simplify_to_budget(mesh: trimesh.Trimesh, max_triangles: int) -> trimesh.Trimesh:
    """A colourless copy of `mesh` with at most `max_triangles` triangles."""
    plain = _plain(np.asarray(mesh.vertices, np.float64), np.asarray(mesh.faces, np.int64))
    if len(plain.faces) <= max_triangles:
        return plain
    if fast_simplification is None:
        return cluster_to_budget(plain, max_triangles)
    vertices, faces = np.asarray(plain.vertices), np.asarray(plain.faces)
    for _ in range(_MAX_PASSES):
        if len(faces) <= max_triangles:
            break
        v, f = _decimate(vertices, faces, max_triangles)
        if len(f) == 0 or len(f) >= len(faces):
            break  # emptied or stuck: clustering takes over
        vertices, faces = v, f
    return cluster_to_budget(_plain(vertices, faces), max_triangles)


def _decimate(
    vertices: np.ndarray, faces: np.ndarray, target: int
) -> tuple[np.ndarray, np.ndarray]:
    # Borders stay free: a fused mesh is full of small holes and ragged edges, and with them
    # fixed the budget is out of reach (a 100k-triangle tile of the test rooms stopped at 10k
    # for a budget of 2,000).
    with _DECIMATE_LOCK:
        v, f = fast_simplification.simplify(vertices, faces, target_count=target)
    return np.asarray(v, dtype=np.float64), np.asarray(f, dtype=np.int64).reshape(-1, 3)


def _plain(vertices: np.ndarray, faces: np.ndarray) -> trimesh.Trimesh:
    """Geometry only (no colour, no normals), degenerate and unused pieces dropped."""
    mesh = trimesh.Trimesh(vertices, faces, process=False)
    mesh.merge_vertices()
    mesh.update_faces(mesh.nondegenerate_faces())
    mesh.update_faces(mesh.unique_faces())
    mesh.remove_unreferenced_vertices()
    return mesh


def cluster_vertices(mesh: trimesh.Trimesh, cell: float) -> trimesh.Trimesh:
    """Vertex-clustering simplification: every vertex moves to the mean of the vertices in its
    grid cell of edge `cell`; triangles that collapse or repeat are dropped. Crude next to quadric
    decimation (it rounds corners to the grid) but needs nothing beyond numpy and always reduces
    as the cell grows, which is what a guaranteed budget needs."""
    vertices = np.asarray(mesh.vertices, dtype=np.float64)  # [V, 3]
    faces = np.asarray(mesh.faces, dtype=np.int64)  # [F, 3]
    if len(faces) == 0:
        return _plain(vertices, faces)
    bins = np.floor((vertices - vertices.min(axis=0)) / cell).astype(np.int64)  # [V, 3]
    _, cluster = np.unique(bins, axis=0, return_inverse=True)  # [V]
    cluster = cluster.reshape(-1)
    count = np.bincount(cluster)  # [C]
    centres = np.stack(
        [np.bincount(cluster, weights=vertices[:, a]) / count for a in range(3)], axis=1
    )  # [C, 3]
    new_faces = cluster[faces]  # [F, 3]
    keep = (
        (new_faces[:, 0] != new_faces[:, 1])
        & (new_faces[:, 1] != new_faces[:, 2])
        & (new_faces[:, 0] != new_faces[:, 2])
    )
    return _plain(centres, new_faces[keep])


def cluster_to_budget(mesh: trimesh.Trimesh, max_triangles: int) -> trimesh.Trimesh:
    """Vertex clustering with a grid coarsened by 1.25x until at most `max_triangles` remain."""
    if len(mesh.faces) <= max_triangles:
        return mesh
    extent = float(np.max(mesh.extents))
    # Start near the spacing at which a uniform surface of this area would fit the budget.
    cell = max(math.sqrt(2.0 * float(mesh.area) / max_triangles), extent * 1e-6, 1e-9)
    while True:
        out = cluster_vertices(mesh, cell)
        if len(out.faces) <= max_triangles:
            return out
        # Once the cell exceeds the extent every vertex shares one cell and no triangle survives,
        # so the loop ends; this guard only keeps float oddities from spinning forever.
        if cell > 4.0 * extent:
            return _plain(np.zeros((0, 3)), np.zeros((0, 3), dtype=np.int64))
        cell *= 1.25
