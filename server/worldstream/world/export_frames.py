"""The frame each export file is written in, and how a PLY header names it.

What each reader assumes, read in its source, is in docs/export-frames.md. In short:

- PLY by default: **RDF** (+x right, +y down, +z front; the name and the axes are Niantic's
  ``CoordinateSystem::RDF``, "PLY coordinate system", in nianticlabs/spz ``splat-types.h``). The
  world (glTF's frame, which that same table names LUF) turned half a turn about z: (x, y, z) ->
  (-x, -y, z). splat-transform tags every PLY it reads with ``Transform.PLY``, a 180-degree
  rotation about z (``src/lib/utils/math.ts``), and SuperSplat sets that rotation on the loaded
  splat, so the file opens there as the world itself: upright, in its own place, the spawn pose
  still valid. The sky lies towards -y in the file's numbers.
- PLY with an engine frame (``EngineFrame``: glTF, Unity, Unreal): geometry/engine.py's mapping,
  for tools that take a PLY's numbers as their own axes.
- SPZ: always RDF, the default PLY's numbers (export_spz.py). GLB: always glTF's frame
  (export_gltf.py).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np

from worldstream.geometry.engine import EngineFrame, sh_basis


@dataclass(frozen=True)
class PlyFrame:
    """A frame a PLY can be written in, as its header comment names it."""

    name: str
    units: str  # "m" or "cm"
    up: str  # the file axis towards the sky: "-y", "+y" or "+z"
    handed: str  # "right" or "left"
    engine: EngineFrame | None  # the engine frame it is; None for RDF

    @property
    def comment(self) -> str:
        """The PLY header comment (after ``comment``) that records the frame. PLY readers skip
        comments (plyfile, gsply, splat-transform, the PlayCanvas engine, aras-p's and
        gsplat-unity's importers: docs/export-frames.md)."""
        return f"worldstream frame={self.name} units={self.units} up={self.up} handed={self.handed}"


RDF: Final = PlyFrame("rdf", "m", "-y", "right", None)
ENGINE_PLY_FRAMES: Final[dict[EngineFrame, PlyFrame]] = {
    EngineFrame.GLTF: PlyFrame("gltf", "m", "+y", "right", EngineFrame.GLTF),
    EngineFrame.UNITY: PlyFrame("unity", "m", "+y", "left", EngineFrame.UNITY),
    EngineFrame.UNREAL: PlyFrame("unreal", "cm", "+z", "left", EngineFrame.UNREAL),
}


def ply_frame(frame: EngineFrame | str | None) -> PlyFrame:
    """The PLY frame asked for: None (nothing asked) is RDF, an engine frame is itself."""
    if frame is None:
        return RDF
    return ENGINE_PLY_FRAMES[EngineFrame.parse(frame)]


def export_frame_name(fmt: str, frame: EngineFrame | None) -> str:
    """The frame an export of `fmt` is written in, as named in its file on disk. Only PLY has a
    choice; every other format has its own frame, whatever was asked (check_frame refuses an
    engine frame for them)."""
    return ply_frame(frame).name if fmt == "ply" else EngineFrame.GLTF.value


# --- half turns ------------------------------------------------------------------------------

GLTF_TO_RDF: Final = (-1.0, -1.0, 1.0)
"""World (glTF, LUF) -> RDF: half a turn about z, Niantic's coordinateConverter(LUF, RDF)."""


@functools.cache
def _sh_signs(axis_signs: tuple[float, float, float], degree: int) -> np.ndarray:
    """[K] +-1: the factor each 3DGS SH coefficient takes when directions d become A d, with A
    the diagonal `axis_signs`. Each basis function has a fixed parity in each coordinate, so
    the ratio of the basis at A d to the basis at d is exactly +1 or -1."""
    rng = np.random.default_rng(0)
    dirs = rng.normal(size=(64, 3))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    before = sh_basis(dirs, degree)
    after = sh_basis(dirs * np.asarray(axis_signs), degree)
    signs = np.sum(after * before, axis=0) / np.sum(before * before, axis=0)
    rounded = np.round(signs)
    assert np.allclose(signs, rounded, atol=1e-9) and np.all(np.abs(rounded) == 1)
    return rounded


def half_turn(
    arrays: Mapping[str, np.ndarray], axis_signs: tuple[float, float, float]
) -> dict[str, np.ndarray]:
    """Gaussian arrays (the keys of ``Gaussians.to_numpy``) in axes A = diag(`axis_signs`), a
    half turn (two signs -1, one +1: a proper rotation, no mirror), as float64.

    Means become A m; rotations A R A, whose quaternion is (w, A v) (its covariance
    A R S^2 R^T A equals A Sigma A^T since A S^2 A = S^2); scales stay; each SH coefficient
    keeps or flips its sign with the parity of its basis function. Its own inverse.
    """
    signs = np.asarray(axis_signs, dtype=np.float64)
    assert np.all(np.abs(signs) == 1.0) and math.prod(axis_signs) == 1.0, axis_signs
    sh = np.asarray(arrays["sh"], dtype=np.float64)
    degree = round(math.sqrt(sh.shape[1])) - 1
    return {
        "means": np.asarray(arrays["means"], dtype=np.float64) * signs,
        "quats": np.asarray(arrays["quats"], dtype=np.float64) * np.concatenate([[1.0], signs]),
        "log_scales": np.asarray(arrays["log_scales"], dtype=np.float64),
        "opacity_logits": np.asarray(arrays["opacity_logits"], dtype=np.float64),
        "sh": sh * _sh_signs(tuple(axis_signs), degree)[None, :, None],
    }
