"""A procedural interior rendered exactly: axis-aligned boxes, analytic ray casting, numpy only.

A `Scene` is a set of axis-aligned boxes. A *shell* box is a room seen from inside (floor, walls,
ceiling); a *solid* box is furniture seen from outside. Every box face becomes a single-sided
rectangle (`Face`) that is visible only from the side its normal points to, may have rectangular
holes (a doorway), and carries a procedural texture: a pure function of the two surface
coordinates on the face in metres. Where two faces touch back to back (a cabinet standing on the
floor, a table leg under the table top) the touching part is cut out of both, so the faces left
are exactly the surfaces that can be seen from inside the rooms.

`Scene.render(camera)` casts one ray per pixel (vectorised over pixels, one plane test per face)
and returns exact z-depth, world normals, face ids and colour; colour can be antialiased by
supersampling while depth and normals always come from the pixel-centre ray. Shading is
view-independent (a fixed sky-light term per face direction times a smooth lamp falloff), so every
view of a surface point has the same colour, as the reconstruction stage assumes.

`Scene.surfaces()` gives the same faces as a triangle mesh, `Scene.sample_surface_points()` samples
them by area and `Scene.distance_to_surface()` measures how far points are from them, for
mesh-accuracy and chamfer checks.

Conventions: world right-handed, +Y up, metres; cameras are `geometry.Camera` (OpenCV axes).
Surface coordinates (u, v) of a face are world coordinates: walls facing x use (z, y), floors and
ceilings (x, z), walls facing z (x, y). Rays that hit nothing (a camera outside the rooms looking
away) get depth 0, `hit` False and the scene's background colour.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np

from worldstream.geometry.camera import Camera, look_at
from worldstream.geometry.frame import Frame

Colour = tuple[float, float, float]
Rect = tuple[float, float, float, float]  # u0, v0, u1, v1 in a face's surface coordinates
Texture = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (u [N], v [N]) -> rgb [N, 3] in [0, 1]

# (u axis, v axis) of a face whose normal is along x, y or z.
UV_AXES: dict[int, tuple[int, int]] = {0: (2, 1), 1: (0, 2), 2: (0, 1)}
FACE_KEYS = ("-x", "+x", "-y", "+y", "-z", "+z")

_EDGE_TOL = 1e-9  # metres: closes seams between faces that share an edge
_PLANE_TOL = 1e-9  # metres: faces this close are coplanar (contact detection)
_RAY_CHUNK = 1 << 16  # rays per casting chunk (bounds temporary memory)


# --------------------------------------------------------------------------------------------
# Deterministic noise


def _hash01(i: np.ndarray, j: np.ndarray, seed: int) -> np.ndarray:
    """A float in [0, 1) per integer lattice point (i, j): splitmix64 of the mixed coordinates."""
    with np.errstate(over="ignore"):
        x = np.asarray(i, dtype=np.int64).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        x ^= np.asarray(j, dtype=np.int64).astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
        x ^= np.uint64((seed * 0x165667B19E3779F9 + 0x27D4EB2F165667C5) & 0xFFFFFFFFFFFFFFFF)
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def value_noise(u: np.ndarray, v: np.ndarray, seed: int) -> np.ndarray:
    """Smooth value noise in [0, 1] with unit lattice spacing."""
    fu_floor = np.floor(u)
    fv_floor = np.floor(v)
    iu = fu_floor.astype(np.int64)
    iv = fv_floor.astype(np.int64)
    fu = u - fu_floor
    fv = v - fv_floor
    su = fu * fu * (3.0 - 2.0 * fu)
    sv = fv * fv * (3.0 - 2.0 * fv)
    a = _hash01(iu, iv, seed)
    b = _hash01(iu + 1, iv, seed)
    c = _hash01(iu, iv + 1, seed)
    d = _hash01(iu + 1, iv + 1, seed)
    top = a + (b - a) * su
    bottom = c + (d - c) * su
    return top + (bottom - top) * sv


def fbm(u: np.ndarray, v: np.ndarray, seed: int, octaves: int = 4) -> np.ndarray:
    """Fractal sum of value noise, roughly in [-1, 1], feature size 1 at the coarsest octave."""
    total = np.zeros_like(u, dtype=np.float64)
    amplitude, norm, freq = 1.0, 0.0, 1.0
    for octave in range(octaves):
        n = value_noise(u * freq + 17.3 * octave, v * freq - 5.1 * octave, seed + 1013 * octave)
        total += amplitude * (2.0 * n - 1.0)
        norm += amplitude
        amplitude *= 0.5
        freq *= 2.0
    return total / norm


def _rgb(colour: Sequence[float]) -> np.ndarray:
    return np.asarray(colour, dtype=np.float64).reshape(1, 3)


# --------------------------------------------------------------------------------------------
# Textures: frozen dataclasses, (u [N], v [N]) metres -> rgb [N, 3]


@dataclass(frozen=True)
class Plaster:
    """A flat colour with low-frequency mottling, a faint fine grain and a vertical gradient."""

    colour: Colour
    seed: int = 0
    scale: float = 1.2  # metres: size of the mottling
    amplitude: float = 0.08
    gradient: float = 0.04  # darker by this fraction per metre of v

    def __call__(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        coarse = fbm(u / self.scale, v / self.scale, self.seed, 4)
        fine = fbm(u / 0.06, v / 0.06, self.seed + 1, 2)
        factor = 1.0 + self.amplitude * coarse + 0.025 * fine - self.gradient * (v - 1.4)
        return _rgb(self.colour) * factor[:, None]


@dataclass(frozen=True)
class Tiles:
    """Square tiles in a checker of two colours, per-tile tone jitter, grout lines."""

    colour_a: Colour
    colour_b: Colour
    grout_colour: Colour
    size: float = 0.45
    grout: float = 0.012
    seed: int = 0
    jitter: float = 0.08

    def __call__(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        su, sv = u / self.size, v / self.size
        i, j = np.floor(su), np.floor(sv)
        fu, fv = (su - i) * self.size, (sv - j) * self.size
        half = 0.5 * self.grout
        grout = (fu < half) | (fu > self.size - half) | (fv < half) | (fv > self.size - half)
        checker = ((i + j) % 2 == 0)[:, None]
        base = np.where(checker, _rgb(self.colour_a), _rgb(self.colour_b))
        tone = 1.0 + self.jitter * (2.0 * _hash01(i, j, self.seed) - 1.0)
        tone += 0.05 * fbm(u / 0.15, v / 0.15, self.seed + 7, 3)
        out = base * tone[:, None]
        grout_noise = 1.0 + 0.06 * fbm(u / 0.05, v / 0.05, self.seed + 9, 2)
        out[grout] = _rgb(self.grout_colour) * grout_noise[grout, None]
        return out


@dataclass(frozen=True)
class WoodPlanks:
    """Planks running along u in staggered rows along v: grain, per-plank tone, dark seams."""

    colour: Colour
    width: float = 0.16  # plank width along v
    length: float = 1.4  # plank length along u
    seam: float = 0.004
    seed: int = 0

    def __call__(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        row = np.floor(v / self.width)
        offset = _hash01(row, np.zeros_like(row), self.seed) * self.length
        su = (u + offset) / self.length
        col = np.floor(su)
        fu = (su - col) * self.length
        fv = v - row * self.width
        s = self.seam
        seam = (fv < s) | (fv > self.width - s) | (fu < s) | (fu > self.length - s)
        h = _hash01(col, row, self.seed + 1)
        tone = 1.0 + 0.18 * (2.0 * h - 1.0)
        warp = fbm(u * 0.8 + 31.0 * h, v * 6.0, self.seed + 2, 3)
        grain = 0.5 + 0.5 * np.sin(2.0 * math.pi * (3.0 * fv / self.width + 1.6 * warp))
        factor = tone * (0.86 + 0.14 * grain)
        factor[seam] = 0.45
        return _rgb(self.colour) * factor[:, None]


@dataclass(frozen=True)
class Brick:
    """Running-bond brick courses along u with mortar joints and per-brick colour jitter."""

    colour: Colour
    mortar_colour: Colour
    width: float = 0.25
    height: float = 0.085
    mortar: float = 0.014
    seed: int = 0

    def __call__(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        row = np.floor(v / self.height)
        offset = (row % 2) * 0.5 * self.width
        su = (u + offset) / self.width
        k = np.floor(su)
        fu = (su - k) * self.width
        fv = v - row * self.height
        m = 0.5 * self.mortar
        joint = (fu < m) | (fu > self.width - m) | (fv < m) | (fv > self.height - m)
        h1 = _hash01(k, row, self.seed)
        h2 = _hash01(k, row, self.seed + 1)
        tone = 1.0 + 0.22 * (2.0 * h1 - 1.0) + 0.06 * fbm(u / 0.04, v / 0.04, self.seed + 2, 2)
        out = _rgb(self.colour) * tone[:, None]
        out[:, 1] += 0.05 * (h2 - 0.5)
        mortar = 1.0 + 0.05 * fbm(u / 0.03, v / 0.03, self.seed + 3, 2)
        out[joint] = _rgb(self.mortar_colour) * mortar[joint, None]
        return out


@dataclass(frozen=True)
class Stripes:
    """Wallpaper: vertical stripes along u of two colours with a thin accent line, mottled."""

    colour_a: Colour
    colour_b: Colour
    line_colour: Colour
    period: float = 0.3
    duty: float = 0.5
    line_width: float = 0.012
    seed: int = 0

    def __call__(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        fu = np.mod(u, self.period)
        a = self.duty * self.period
        out = np.where((fu < a)[:, None], _rgb(self.colour_a), _rgb(self.colour_b))
        line = (fu >= a) & (fu < a + self.line_width)
        out[line] = _rgb(self.line_colour)
        mottle = 1.0 + 0.05 * fbm(u / 0.9, v / 0.9, self.seed, 3)
        return out * mottle[:, None]


@dataclass(frozen=True)
class Plaid:
    """Fabric: crossing bands of a second colour, a faint weave."""

    colour: Colour
    band_colour: Colour
    period: float = 0.22
    band: float = 0.05
    seed: int = 0

    def __call__(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        bu = (np.mod(u, self.period) < self.band).astype(np.float64)
        bv = (np.mod(v, self.period) < self.band).astype(np.float64)
        mix = (0.5 * (bu + bv))[:, None]
        out = _rgb(self.colour) * (1.0 - mix) + _rgb(self.band_colour) * mix
        weave = 1.0 + 0.05 * fbm(u / 0.03, v / 0.03, self.seed, 2)
        return out * weave[:, None]


@dataclass(frozen=True)
class Books:
    """A bookcase front: shelf boards every `shelf_height`, books of random colour and height."""

    board_colour: Colour
    back_colour: Colour
    palette: tuple[Colour, ...]
    shelf_height: float = 0.4
    board: float = 0.03
    book_width: float = 0.045
    seed: int = 0

    def __call__(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        row = np.floor(v / self.shelf_height)
        fv = v - row * self.shelf_height
        su = u / self.book_width + 0.37 * _hash01(row, row, self.seed)
        k = np.floor(su)
        fu = su - k
        pick = np.floor(_hash01(k, row, self.seed + 1) * len(self.palette)).astype(np.int64)
        palette = np.asarray(self.palette, dtype=np.float64)
        out = palette[pick] * (0.85 + 0.3 * _hash01(k, row, self.seed + 2))[:, None]
        top = self.board + (0.55 + 0.4 * _hash01(k, row, self.seed + 3)) * (
            self.shelf_height - self.board
        )
        gap = (fu < 0.08) | (fv > top)
        out[gap] = _rgb(self.back_colour)
        out[fv < self.board] = _rgb(self.board_colour)
        return out


@dataclass(frozen=True)
class Blotches:
    """An abstract painting: sharp-edged shapes of three colours from thresholded noise."""

    colour_a: Colour
    colour_b: Colour
    colour_c: Colour
    scale: float = 0.25
    seed: int = 0

    def __call__(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        n1 = fbm(u / self.scale, v / self.scale, self.seed, 3)
        n2 = fbm(u / self.scale, v / self.scale, self.seed + 1, 3)
        out = np.where((n1 > 0.0)[:, None], _rgb(self.colour_a), _rgb(self.colour_b))
        out = np.where((n2 > 0.2)[:, None], _rgb(self.colour_c), out)
        return out


@dataclass(frozen=True)
class Diamonds:
    """A rug pattern: concentric diamond bands around a centre, cycling through colours."""

    colours: tuple[Colour, ...]
    centre: tuple[float, float]
    period: float = 0.18
    seed: int = 0

    def __call__(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        d = np.abs(u - self.centre[0]) + np.abs(v - self.centre[1])
        band = np.floor(d / self.period).astype(np.int64) % len(self.colours)
        out = np.asarray(self.colours, dtype=np.float64)[band]
        return out * (1.0 + 0.06 * fbm(u / 0.05, v / 0.05, self.seed, 2))[:, None]


@dataclass(frozen=True)
class Inset:
    """`inner` inside each rectangle (framed by a border band), `base` elsewhere."""

    base: Texture
    inner: Texture
    rects: tuple[Rect, ...]
    border: float = 0.04
    border_colour: Colour = (0.2, 0.16, 0.12)

    def __call__(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        out = self.base(u, v)
        b = self.border
        for u0, v0, u1, v1 in self.rects:
            outer = (u >= u0) & (u <= u1) & (v >= v0) & (v <= v1)
            inner = outer & (u >= u0 + b) & (u <= u1 - b) & (v >= v0 + b) & (v <= v1 - b)
            out[outer & ~inner] = _rgb(self.border_colour)
            if inner.any():
                out[inner] = self.inner(u[inner], v[inner])
        return out


# --------------------------------------------------------------------------------------------
# Geometry


@dataclass(frozen=True)
class Face:
    """A single-sided axis-aligned rectangle: plane `axis` = `coord`, visible from the side of
    its normal `sign` * e_axis, bounds and holes in surface coordinates (u, v) (see UV_AXES)."""

    name: str
    axis: int
    coord: float
    sign: int
    bounds: Rect  # u0, v0, u1, v1
    texture: Texture
    holes: tuple[Rect, ...] = ()
    shade: float = 1.0  # view-independent light factor, set by the Scene

    @property
    def normal(self) -> np.ndarray:
        n = np.zeros(3)
        n[self.axis] = float(self.sign)
        return n

    @property
    def uv_axes(self) -> tuple[int, int]:
        return UV_AXES[self.axis]

    def cells(self) -> list[Rect]:
        """The visible part as disjoint rectangles: the face cut by its holes on a grid."""
        u0, v0, u1, v1 = self.bounds
        if not self.holes:
            return [self.bounds]
        us = {u0, u1}
        vs = {v0, v1}
        for h in self.holes:
            us.update(x for x in (h[0], h[2]) if u0 < x < u1)
            vs.update(y for y in (h[1], h[3]) if v0 < y < v1)
        us_sorted, vs_sorted = sorted(us), sorted(vs)
        cells: list[Rect] = []
        for a, b in itertools.pairwise(us_sorted):
            cu = 0.5 * (a + b)
            for c, d in itertools.pairwise(vs_sorted):
                cv = 0.5 * (c + d)
                if not any(h[0] < cu < h[2] and h[1] < cv < h[3] for h in self.holes):
                    cells.append((a, c, b, d))
        return cells

    def area(self) -> float:
        return float(sum((c[2] - c[0]) * (c[3] - c[1]) for c in self.cells()))

    def point(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """World points [N,3] of surface coordinates on this face."""
        p = np.empty((len(u), 3))
        ua, va = self.uv_axes
        p[:, self.axis] = self.coord
        p[:, ua] = u
        p[:, va] = v
        return p


@dataclass(frozen=True)
class Box:
    """An axis-aligned box. `shell`: a room seen from inside; `solid`: an object seen from outside.

    `textures` is one texture for every face or a mapping from face key ("-x", "+x", "-y", "+y",
    "-z", "+z": the side of the box the face is on; keys missing fall back to "default").
    `holes` cuts rectangles (u0, v0, u1, v1 in the face's surface coordinates) out of faces;
    `omit` leaves faces out entirely (e.g. the open ends of a doorway).
    """

    name: str
    lo: tuple[float, float, float]
    hi: tuple[float, float, float]
    kind: Literal["shell", "solid"]
    textures: Texture | Mapping[str, Texture]
    holes: Mapping[str, tuple[Rect, ...]] = field(default_factory=dict)
    omit: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.kind not in ("shell", "solid"):
            raise ValueError(f"box kind must be 'shell' or 'solid', got {self.kind!r}")
        if not all(h > lo for lo, h in zip(self.lo, self.hi, strict=True)):
            raise ValueError(f"box {self.name!r} has lo {self.lo} not below hi {self.hi}")

    def texture_for(self, key: str) -> Texture:
        if isinstance(self.textures, Mapping):
            return self.textures.get(key, self.textures["default"])
        return self.textures

    def faces(self) -> list[Face]:
        out: list[Face] = []
        for key in FACE_KEYS:
            if key in self.omit:
                continue
            axis = "xyz".index(key[1])
            at_hi = key[0] == "+"
            coord = self.hi[axis] if at_hi else self.lo[axis]
            outward = 1 if at_hi else -1
            sign = outward if self.kind == "solid" else -outward
            ua, va = UV_AXES[axis]
            bounds = (self.lo[ua], self.lo[va], self.hi[ua], self.hi[va])
            out.append(
                Face(
                    name=f"{self.name}/{key}",
                    axis=axis,
                    coord=float(coord),
                    sign=sign,
                    bounds=tuple(float(b) for b in bounds),
                    texture=self.texture_for(key),
                    holes=tuple(self.holes.get(key, ())),
                )
            )
        return out


@dataclass(frozen=True)
class Light:
    """A soft view-independent brightening around a point (a lamp), no shadows."""

    position: tuple[float, float, float]
    strength: float = 0.25
    radius: float = 2.5


class SurfaceMesh(NamedTuple):
    """Triangles of every visible surface; winding is counter-clockwise seen from the visible
    side, so face normals point towards where a camera can see the surface from."""

    vertices: np.ndarray  # [M, 3] float64
    faces: np.ndarray  # [F, 3] int64

    def face_normals(self) -> np.ndarray:
        a, b, c = (self.vertices[self.faces[:, k]] for k in range(3))
        n = np.cross(b - a, c - a)
        return n / np.linalg.norm(n, axis=1, keepdims=True)

    def areas(self) -> np.ndarray:
        a, b, c = (self.vertices[self.faces[:, k]] for k in range(3))
        return 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)


@dataclass(frozen=True)
class RenderedView:
    """Exact buffers of one camera. Misses: depth 0, normal 0, face_id -1, background colour."""

    camera: Camera
    rgb: np.ndarray  # [H, W, 3] uint8
    rgb_float: np.ndarray  # [H, W, 3] float32 in [0, 1]
    depth: np.ndarray  # [H, W] float32, z-depth along the optical axis, metres
    normal: np.ndarray  # [H, W, 3] float32, world frame, facing the camera
    hit: np.ndarray  # [H, W] bool
    face_id: np.ndarray  # [H, W] int32 index into Scene.faces, -1 where no hit

    def points(self) -> np.ndarray:
        """World points [H, W, 3] of the pixel-centre hits (meaningless where not hit)."""
        return self.camera.unproject(self.depth.astype(np.float64))


class Scene:
    """A closed set of single-sided faces built from boxes, with named camera viewpoints."""

    def __init__(
        self,
        boxes: Sequence[Box],
        *,
        viewpoints: Mapping[str, np.ndarray] | None = None,
        lights: Sequence[Light] = (),
        light_direction: Sequence[float] = (0.35, 0.8, 0.5),
        background: Colour = (0.0, 0.0, 0.0),
    ) -> None:
        self.boxes: tuple[Box, ...] = tuple(boxes)
        self.viewpoints: dict[str, np.ndarray] = {
            k: np.asarray(v, dtype=np.float64) for k, v in (viewpoints or {}).items()
        }
        self.lights: tuple[Light, ...] = tuple(lights)
        self.background = np.asarray(background, dtype=np.float64)
        direction = np.asarray(light_direction, dtype=np.float64)
        self.light_direction = direction / np.linalg.norm(direction)
        self.faces: tuple[Face, ...] = self._build_faces()
        self._index = {f.name: i for i, f in enumerate(self.faces)}
        self._groups = self._build_groups()
        self._cells = self._build_cells()

    # ---- construction

    def _build_faces(self) -> tuple[Face, ...]:
        faces = [f for box in self.boxes for f in box.faces()]
        # Back-to-back contact (object on the floor, leg under a table top, box against a wall):
        # the overlap is hidden from every camera inside the rooms, so cut it out of both faces.
        extra: list[list[Rect]] = [[] for _ in faces]
        for i, a in enumerate(faces):
            for j in range(i + 1, len(faces)):
                b = faces[j]
                if a.axis != b.axis or a.sign == b.sign or abs(a.coord - b.coord) > _PLANE_TOL:
                    continue
                # Back to back means each lies behind the other's visible side.
                u0 = max(a.bounds[0], b.bounds[0])
                v0 = max(a.bounds[1], b.bounds[1])
                u1 = min(a.bounds[2], b.bounds[2])
                v1 = min(a.bounds[3], b.bounds[3])
                if u1 - u0 > _PLANE_TOL and v1 - v0 > _PLANE_TOL:
                    extra[i].append((u0, v0, u1, v1))
                    extra[j].append((u0, v0, u1, v1))
        shaded: list[Face] = []
        for face, cut in zip(faces, extra, strict=True):
            face = Face(
                name=face.name,
                axis=face.axis,
                coord=face.coord,
                sign=face.sign,
                bounds=face.bounds,
                texture=face.texture,
                holes=face.holes + tuple(cut),
                shade=self._face_shade(face),
            )
            if face.cells():
                shaded.append(face)
        names = [f.name for f in shaded]
        if len(set(names)) != len(names):
            raise ValueError("box names must be unique")
        return tuple(shaded)

    def _face_shade(self, face: Face) -> float:
        # Hemisphere light: faces turned towards the light direction are brighter.
        cos = float(face.normal @ self.light_direction)
        return 0.62 + 0.38 * (0.5 + 0.5 * cos)

    def _build_groups(self) -> list[dict[str, np.ndarray | int]]:
        groups = []
        for axis in range(3):
            ids = [i for i, f in enumerate(self.faces) if f.axis == axis]
            if not ids:
                continue
            fs = [self.faces[i] for i in ids]
            holes = [(k, h) for k, f in enumerate(fs) for h in f.holes]
            groups.append(
                {
                    "axis": axis,
                    "ids": np.asarray(ids, dtype=np.int32),
                    "coord": np.array([f.coord for f in fs]),
                    "sign": np.array([f.sign for f in fs], dtype=np.float64),
                    "bounds": np.array([f.bounds for f in fs]),
                    "hole_face": np.array([k for k, _ in holes], dtype=np.int64),
                    "holes": np.array([h for _, h in holes]).reshape(-1, 4),
                }
            )
        return groups

    def _build_cells(self) -> dict[str, np.ndarray]:
        face_of, rects = [], []
        for i, f in enumerate(self.faces):
            for c in f.cells():
                face_of.append(i)
                rects.append(c)
        face_of_arr = np.asarray(face_of, dtype=np.int64)
        rect_arr = np.asarray(rects, dtype=np.float64)
        area = (rect_arr[:, 2] - rect_arr[:, 0]) * (rect_arr[:, 3] - rect_arr[:, 1])
        return {"face": face_of_arr, "rect": rect_arr, "area": area}

    # ---- lookup

    def face_index(self, name: str) -> int:
        """Index into `faces` (and value in `RenderedView.face_id`) of a face by name."""
        return self._index[name]

    def box(self, name: str) -> Box:
        for b in self.boxes:
            if b.name == name:
                return b
        raise KeyError(name)

    @property
    def spawn_world_to_camera(self) -> np.ndarray:
        return self.viewpoints["spawn"]

    def camera(
        self,
        viewpoint: str = "spawn",
        width: int = 512,
        height: int = 384,
        fov_y_degrees: float = 60.0,
    ) -> Camera:
        """A pinhole camera at one of the named viewpoints."""
        return Camera.from_fov(fov_y_degrees, width, height, self.viewpoints[viewpoint])

    # ---- ray casting

    def cast(self, origin: np.ndarray, directions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nearest visible hit of rays origin + t * directions, t > 0.

        Returns the ray parameter t [N] (inf where nothing is hit) and the face index [N] (-1).
        With camera rays of unit z, t is the z-depth.
        """
        origin = np.asarray(origin, dtype=np.float64).reshape(3)
        directions = np.asarray(directions, dtype=np.float64).reshape(-1, 3)
        n = len(directions)
        best_t = np.full(n, np.inf)
        best_f = np.full(n, -1, dtype=np.int32)
        for start in range(0, n, _RAY_CHUNK):
            stop = min(n, start + _RAY_CHUNK)
            t, f = self._cast_chunk(origin, directions[start:stop])
            best_t[start:stop] = t
            best_f[start:stop] = f
        return best_t, best_f

    def _cast_chunk(self, origin: np.ndarray, dirs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = len(dirs)
        best_t = np.full(n, np.inf)
        best_f = np.full(n, -1, dtype=np.int32)
        rows = np.arange(n)
        for g in self._groups:
            axis = g["axis"]
            # Only faces whose visible side the origin is on can be seen at all.
            front = np.nonzero((origin[axis] - g["coord"]) * g["sign"] > 0.0)[0]
            if len(front) == 0:
                continue
            coord = g["coord"][front]
            bounds = g["bounds"][front]
            ua, va = UV_AXES[axis]
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                t = (coord[None, :] - origin[axis]) / dirs[:, axis, None]
                pu = origin[ua] + t * dirs[:, ua, None]
                pv = origin[va] + t * dirs[:, va, None]
            ok = (t > 0.0) & (t < best_t[:, None])
            ok &= (pu >= bounds[None, :, 0] - _EDGE_TOL) & (pu <= bounds[None, :, 2] + _EDGE_TOL)
            ok &= (pv >= bounds[None, :, 1] - _EDGE_TOL) & (pv <= bounds[None, :, 3] + _EDGE_TOL)
            if len(g["hole_face"]):
                local = np.full(len(g["coord"]), -1, dtype=np.int64)
                local[front] = np.arange(len(front))
                for k, (u0, v0, u1, v1) in zip(g["hole_face"], g["holes"], strict=True):
                    col = local[k]
                    if col < 0:
                        continue
                    hu, hv = pu[:, col], pv[:, col]
                    ok[:, col] &= ~((hu > u0) & (hu < u1) & (hv > v0) & (hv < v1))
            t = np.where(ok, t, np.inf)
            k = np.argmin(t, axis=1)
            tk = t[rows, k]
            better = tk < best_t
            best_t[better] = tk[better]
            best_f[better] = g["ids"][front[k[better]]]
        return best_t, best_f

    def _colour(self, origin: np.ndarray, dirs: np.ndarray, t: np.ndarray, f: np.ndarray):
        out = np.broadcast_to(self.background, (len(dirs), 3)).copy()
        hit = np.nonzero(f >= 0)[0]
        if len(hit) == 0:
            return out
        points = origin + t[hit, None] * dirs[hit]
        brightness = np.ones(len(hit))
        for light in self.lights:
            d2 = np.sum((points - np.asarray(light.position)) ** 2, axis=1)
            brightness += light.strength * (np.exp(-0.5 * d2 / light.radius**2) - 0.5)
        fh = f[hit]
        order = np.argsort(fh, kind="stable")
        ids, starts = np.unique(fh[order], return_index=True)
        ends = np.append(starts[1:], len(order))
        colours = np.empty((len(hit), 3))
        for fid, s, e in zip(ids, starts, ends, strict=True):
            sel = order[s:e]
            face = self.faces[fid]
            ua, va = face.uv_axes
            tex = face.texture(points[sel, ua], points[sel, va])
            colours[sel] = tex * (face.shade * brightness[sel])[:, None]
        out[hit] = np.clip(colours, 0.0, 1.0)
        return out

    # ---- rendering

    def render(self, camera: Camera, samples_per_axis: int = 1) -> RenderedView:
        """Exact buffers at `camera`. Colour averages samples_per_axis^2 sub-pixel rays (a
        regular grid inside each pixel); depth, normal, hit and face_id use the pixel centre."""
        s = int(samples_per_axis)
        if s < 1:
            raise ValueError(f"samples_per_axis must be >= 1, got {samples_per_axis}")
        h, w = camera.height, camera.width
        origin = np.asarray(camera.position, dtype=np.float64)
        rotation = camera.camera_to_world[:3, :3]
        dirs = camera.pixel_rays().reshape(-1, 3) @ rotation.T
        t, f = self.cast(origin, dirs)
        hit = f >= 0
        if s == 1:
            colour = self._colour(origin, dirs, t, f)
        else:
            colour = np.zeros((h * w, 3))
            K = camera.K
            for oy in (np.arange(s) + 0.5) / s:
                for ox in (np.arange(s) + 0.5) / s:
                    x = (np.arange(w) + ox - K[0, 2]) / K[0, 0]
                    y = (np.arange(h) + oy - K[1, 2]) / K[1, 1]
                    xx, yy = np.meshgrid(x, y)
                    sub = np.stack([xx, yy, np.ones_like(xx)], axis=-1).reshape(-1, 3)
                    sub = sub @ rotation.T
                    st, sf = self.cast(origin, sub)
                    colour += self._colour(origin, sub, st, sf)
            colour /= s * s
        normals = np.zeros((h * w, 3))
        if hit.any():
            face_normals = np.stack([fc.normal for fc in self.faces])
            normals[hit] = face_normals[f[hit]]
        depth = np.where(hit, t, 0.0)
        rgb_float = np.clip(colour, 0.0, 1.0).reshape(h, w, 3).astype(np.float32)
        rgb = np.rint(rgb_float * np.float32(255.0)).astype(np.uint8)
        return RenderedView(
            camera=camera,
            rgb=rgb,
            rgb_float=rgb_float,
            depth=depth.reshape(h, w).astype(np.float32),
            normal=normals.reshape(h, w, 3).astype(np.float32),
            hit=hit.reshape(h, w),
            face_id=f.reshape(h, w).astype(np.int32),
        )

    def frame(self, camera: Camera, samples_per_axis: int = 1) -> Frame:
        """The view as a Frame: confidence 1 where a surface is hit, depth 0 where not."""
        view = self.render(camera, samples_per_axis)
        return Frame(
            rgb=view.rgb,
            depth=view.depth,
            camera=camera,
            confidence=view.hit.astype(np.float32),
        )

    # ---- ground-truth geometry

    def surfaces(self) -> SurfaceMesh:
        """Every visible surface as triangles (two per visible rectangle cell, holes cut)."""
        vertices: list[np.ndarray] = []
        faces: list[np.ndarray] = []
        for face_id, (u0, v0, u1, v1) in zip(self._cells["face"], self._cells["rect"], strict=True):
            face = self.faces[face_id]
            corners = face.point(np.array([u0, u1, u1, u0]), np.array([v0, v0, v1, v1]))
            base = 4 * len(vertices)
            # (u, v) winding gives normal e_u x e_v; flip it where the visible side is opposite.
            ua, va = face.uv_axes
            e_u, e_v = np.eye(3)[ua], np.eye(3)[va]
            if float(np.cross(e_u, e_v) @ face.normal) > 0:
                tris = [[0, 1, 2], [0, 2, 3]]
            else:
                tris = [[0, 2, 1], [0, 3, 2]]
            vertices.append(corners)
            faces.append(np.asarray(tris, dtype=np.int64) + base)
        return SurfaceMesh(np.concatenate(vertices), np.concatenate(faces))

    def surface_area(self) -> float:
        return float(self._cells["area"].sum())

    def sample_surface_points(
        self, n: int, seed: int = 0, *, return_normals: bool = False
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """`n` points [n,3] uniformly by area over the visible surfaces (and their normals)."""
        rng = np.random.default_rng(seed)
        area = self._cells["area"]
        cell = rng.choice(len(area), size=n, p=area / area.sum())
        rect = self._cells["rect"][cell]
        a, b = rng.random(n), rng.random(n)
        u = rect[:, 0] + a * (rect[:, 2] - rect[:, 0])
        v = rect[:, 1] + b * (rect[:, 3] - rect[:, 1])
        face_ids = self._cells["face"][cell]
        axes = np.array([self.faces[i].axis for i in range(len(self.faces))])
        coords = np.array([f.coord for f in self.faces])
        signs = np.array([f.sign for f in self.faces], dtype=np.float64)
        points = np.empty((n, 3))
        normals = np.zeros((n, 3))
        for axis in range(3):
            sel = axes[face_ids] == axis
            ua, va = UV_AXES[axis]
            points[sel, axis] = coords[face_ids[sel]]
            points[sel, ua] = u[sel]
            points[sel, va] = v[sel]
            normals[sel, axis] = signs[face_ids[sel]]
        if return_normals:
            return points, normals
        return points

    def distance_to_surface(self, points: np.ndarray, chunk: int = 4096) -> np.ndarray:
        """Euclidean distance [N] from each point to the nearest visible surface."""
        points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        rect = self._cells["rect"]
        faces = self.faces
        axis = np.array([faces[i].axis for i in self._cells["face"]])
        coord = np.array([faces[i].coord for i in self._cells["face"]])
        ua = np.array([UV_AXES[a][0] for a in axis])
        va = np.array([UV_AXES[a][1] for a in axis])
        out = np.empty(len(points))
        for start in range(0, len(points), chunk):
            p = points[start : start + chunk]
            pa = p[:, axis]
            pu = p[:, ua]
            pv = p[:, va]
            du = np.maximum(np.maximum(rect[None, :, 0] - pu, pu - rect[None, :, 2]), 0.0)
            dv = np.maximum(np.maximum(rect[None, :, 1] - pv, pv - rect[None, :, 3]), 0.0)
            d2 = (pa - coord[None, :]) ** 2 + du**2 + dv**2
            out[start : start + chunk] = np.sqrt(d2.min(axis=1))
        return out


# --------------------------------------------------------------------------------------------
# The two-room scene

ROOM_A = ((0.0, 0.0, 0.0), (5.0, 2.8, 6.0))
WALL_THICKNESS = 0.12
ROOM_B = ((0.8, 0.0, -5.0 - WALL_THICKNESS), (5.8, 2.8, -WALL_THICKNESS))
DOORWAY = ((3.0, 0.0, -WALL_THICKNESS), (4.0, 2.1, 0.0))


def two_room_scene(seed: int = 0, *, furniture: bool = True) -> Scene:
    """Room A (5 x 2.8 x 6 m, x in [0, 5], z in [0, 6]) and room B (5 x 2.8 x 5 m) beyond a
    0.12 m wall at -z, joined by a 1 x 2.1 m doorway at x in [3, 4]; floors at y = 0.

    Room A: oak plank floor with a rug, striped wallpaper on the doorway wall, plaster elsewhere
    with two framed paintings; a table on four legs, a cabinet with panel doors, a sofa.
    Room B: checker tiles, brick far wall (-z), blue-grey plaster; a bookcase and a bed.
    `seed` changes every noise field and jitter, not the layout. Viewpoints (world-to-camera):
    "spawn" (room A, eye 1.6 m, facing the doorway, room B partly visible through it),
    "room_b", "room_a_back" (from near the doorway towards the sofa), "doorway_from_b".
    """
    k = iter(range(1000))

    def sd() -> int:
        return seed * 7919 + next(k) * 104729

    white = Plaster((0.93, 0.92, 0.89), seed=sd(), amplitude=0.04)
    warm = Plaster((0.86, 0.8, 0.7), seed=sd())
    painting_a = Blotches((0.85, 0.3, 0.15), (0.15, 0.3, 0.6), (0.95, 0.85, 0.3), seed=sd())
    painting_b = Blotches((0.2, 0.55, 0.3), (0.9, 0.9, 0.8), (0.1, 0.1, 0.15), 0.18, seed=sd())
    rug = Diamonds(
        ((0.6, 0.12, 0.1), (0.85, 0.7, 0.45), (0.15, 0.2, 0.4), (0.9, 0.88, 0.8)),
        centre=(1.7, 2.65),
        seed=sd(),
    )
    floor_a = Inset(
        WoodPlanks((0.66, 0.47, 0.3), seed=sd()),
        rug,
        rects=((0.6, 1.7, 2.8, 3.6),),
        border=0.07,
        border_colour=(0.5, 0.1, 0.08),
    )
    room_a = Box(
        "room_a",
        ROOM_A[0],
        ROOM_A[1],
        "shell",
        {
            "default": warm,
            "-y": floor_a,
            "+y": white,
            "-z": Stripes((0.78, 0.82, 0.7), (0.9, 0.9, 0.84), (0.55, 0.35, 0.25), seed=sd()),
            "-x": Inset(warm, painting_a, rects=((3.9, 1.15, 5.3, 2.05),), border=0.05),
            "+x": Inset(warm, painting_b, rects=((2.5, 1.1, 3.6, 1.95),), border=0.04),
        },
        holes={"-z": ((DOORWAY[0][0], 0.0, DOORWAY[1][0], DOORWAY[1][1]),)},
    )
    blue = Plaster((0.62, 0.7, 0.78), seed=sd())
    room_b = Box(
        "room_b",
        ROOM_B[0],
        ROOM_B[1],
        "shell",
        {
            "default": blue,
            "-y": Tiles((0.85, 0.84, 0.8), (0.3, 0.32, 0.35), (0.55, 0.55, 0.52), seed=sd()),
            "+y": white,
            "-z": Brick((0.62, 0.3, 0.22), (0.78, 0.76, 0.72), seed=sd()),
        },
        holes={"+z": ((DOORWAY[0][0], 0.0, DOORWAY[1][0], DOORWAY[1][1]),)},
    )
    trim = Plaster((0.95, 0.95, 0.93), seed=sd(), amplitude=0.03)
    doorway = Box(
        "doorway",
        DOORWAY[0],
        DOORWAY[1],
        "shell",
        {"default": trim, "-y": WoodPlanks((0.45, 0.32, 0.2), width=0.06, seed=sd())},
        omit=frozenset({"-z", "+z"}),
    )
    boxes = [room_a, room_b, doorway]

    if furniture:
        walnut = WoodPlanks((0.42, 0.28, 0.17), width=0.12, length=2.0, seam=0.002, seed=sd())
        dark = Plaster((0.22, 0.17, 0.13), seed=sd(), amplitude=0.05)
        boxes.append(Box("table_top", (1.0, 0.72, 2.2), (2.4, 0.76, 3.1), "solid", walnut))
        for i, x in enumerate((1.05, 2.29)):
            for j, z in enumerate((2.25, 2.99)):
                boxes.append(
                    Box(
                        f"table_leg_{2 * i + j}",
                        (x, 0.0, z),
                        (x + 0.06, 0.72, z + 0.06),
                        "solid",
                        dark,
                    )
                )
        paint = Plaster((0.35, 0.5, 0.45), seed=sd(), amplitude=0.04)
        panel = Plaster((0.3, 0.44, 0.4), seed=sd(), amplitude=0.04)
        doors = Inset(
            paint,
            panel,
            rects=((1.04, 0.1, 1.49, 1.82), (1.51, 0.1, 1.96, 1.82)),
            border=0.035,
            border_colour=(0.24, 0.35, 0.31),
        )
        boxes.append(
            Box(
                "cabinet",
                (4.45, 0.0, 1.0),
                (4.97, 1.9, 2.0),
                "solid",
                {"default": paint, "-x": doors},
            )
        )
        fabric = Plaid((0.55, 0.2, 0.18), (0.85, 0.75, 0.5), seed=sd())
        boxes.append(Box("sofa_seat", (0.03, 0.0, 3.6), (0.93, 0.45, 5.6), "solid", fabric))
        boxes.append(Box("sofa_back", (0.03, 0.45, 3.6), (0.25, 0.95, 5.6), "solid", fabric))
        books = Books(
            (0.5, 0.36, 0.22),
            (0.1, 0.08, 0.06),
            (
                (0.7, 0.15, 0.12),
                (0.15, 0.35, 0.6),
                (0.85, 0.75, 0.3),
                (0.2, 0.5, 0.25),
                (0.9, 0.9, 0.85),
                (0.35, 0.2, 0.45),
            ),
            seed=sd(),
        )
        shelf_wood = WoodPlanks((0.5, 0.36, 0.22), width=0.2, length=2.2, seam=0.002, seed=sd())
        boxes.append(
            Box(
                "bookcase",
                (0.83, 0.0, -4.0),
                (1.23, 2.0, -2.0),
                "solid",
                {"default": shelf_wood, "+x": books},
            )
        )
        cover = Plaid((0.85, 0.85, 0.9), (0.3, 0.4, 0.65), period=0.3, band=0.08, seed=sd())
        boxes.append(
            Box(
                "bed",
                (3.2, 0.0, -4.95),
                (5.0, 0.55, -2.9),
                "solid",
                {"default": Plaster((0.3, 0.4, 0.65), seed=sd()), "+y": cover},
            )
        )

    door_centre = (0.5 * (DOORWAY[0][0] + DOORWAY[1][0]), 1.05, DOORWAY[0][2])
    viewpoints = {
        "spawn": look_at((1.8, 1.6, 4.6), (3.6, 1.05, -2.0)),
        "room_b": look_at((3.5, 1.6, -0.8), (1.8, 1.0, -4.6)),
        "room_a_back": look_at((3.6, 1.6, 0.6), (0.4, 0.9, 4.8)),
        "doorway_from_b": look_at((2.4, 1.6, -4.2), door_centre),
    }
    lights = (
        Light((2.5, 2.7, 3.0), strength=0.3, radius=2.5),
        Light((3.3, 2.7, -2.6), strength=0.3, radius=2.2),
    )
    return Scene(boxes, viewpoints=viewpoints, lights=lights)
