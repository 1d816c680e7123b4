"""Conversions between the world frame and the frames of the engines a world is streamed to.

The world frame is right-handed, +Y up, metres: glTF's frame (DESIGN.md § Conventions). Each
engine frame is a signed permutation ``A`` (3x3, det ±1) and a unit scale ``s`` (metres -> engine
units)::

    engine_point = s * A @ world_point

``GLTF``
    ``A = I``, ``s = 1``.
``UNITY`` (left-handed, +Y up, +Z forward, metres)
    ``(x, y, z)_unity = (-x, y, z)_gltf``, ``s = 1``. Negating X is what Unity's glTF importers
    (glTFast, UnityGLTF) do, so a world we stream and the same world exported as glTF and imported
    into Unity land on top of each other.
``UNREAL`` (left-handed, +Z up, +X forward, centimetres)
    ``(X, Y, Z)_ue = 100 * (x, z, y)_gltf``: swap Y and Z, metres to centimetres. This is the
    mapping of Epic's own glTF importer and exporter: ``GLTF::ConvertVec3`` in the GLTFCore
    importer and ``FGLTFCoreUtilities::ConvertVector`` in the GLTFExporter plugin both return
    ``{X, Z, Y}``. It is a proper change of handedness: det A = -1, so the right-handed world
    becomes left-handed without being mirrored, and glTF up (+Y) becomes Unreal up (+Z). We chose
    it over the other proper candidate, ``100 * (-z, x, y)`` (which puts glTF's "into the screen"
    -Z on Unreal's forward +X), so that a world we stream and the same world exported as glTF
    (``ExportWorld``) and imported with Epic's importer coincide in the level. The price: glTF +X
    becomes Unreal forward (+X) and glTF +Z becomes Unreal right (+Y); a glTF asset whose front
    faces +Z faces +Y in Unreal, exactly as it does through Epic's importer.

Camera poses arrive from the engines as a position in engine units and a rotation quaternion of
the camera in the engine frame, acting on the engine's camera-local axes (the engines' own
``Quaternion * Vector3`` / ``FQuat::RotateVector``, i.e. the standard q v q* formula, which is the
same algebra in left- and right-handed frames). Camera-local axes:

- glTF: looks along local -Z, +Y up, +X right.
- Unity: looks along local +Z, +Y up, +X right.
- Unreal: looks along local +X, +Z up, +Y right.

Quaternions on the wire are ordered (x, y, z, w) (`WIRE_QUATERNION_ORDER`), the storage order of
both Unity's ``Quaternion`` and Unreal's ``FQuat``. Gaussian rotations stay (w, x, y, z) as in
`Gaussians`.

Gaussians: a covariance transforms as ``Σ' = s² A Σ Aᵀ``. With ``Σ = R S² Rᵀ`` we keep the scales
in the same order and use ``R' = A R D`` with ``D = diag(det A, 1, 1)``: ``R'`` is a proper rotation
and ``D S² D = S²``. SH coefficients are transformed per band by the matrix that makes the 3DGS
SH evaluated at the engine direction ``A d`` equal to the original at ``d`` (solved once per frame
by least squares over sample directions; exact for any orthogonal A). The engine renderer must
therefore evaluate SH with the 3DGS basis on view directions expressed in engine coordinates.
See docs/engine-frames.md.
"""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import numpy as np

from worldstream.geometry.camera import Camera
from worldstream.geometry.sh import MAX_SH_DEGREE, SH_C0, SH_C1, SH_C2, SH_C3

if TYPE_CHECKING:
    from worldstream.geometry.gaussians import Gaussians

WIRE_QUATERNION_ORDER: Final = "xyzw"
"""Component order of every rotation quaternion exchanged with an engine (Unity and Unreal store
quaternions as x, y, z, w)."""

QUATERNION_NORM_TOLERANCE: Final = 1e-2
"""An engine quaternion whose norm is further than this from 1 is rejected, not normalised: it is
more likely garbage (or the wrong component order of a non-rotation) than rounding error."""


_SH_C0, _SH_C1, _SH_C2, _SH_C3 = SH_C0, SH_C1, SH_C2, SH_C3


class EngineFrame(enum.Enum):
    """A client's coordinate frame. The value is the lower-case name used in JSON and configs."""

    GLTF = "gltf"
    UNITY = "unity"
    UNREAL = "unreal"

    @classmethod
    def parse(cls, name: str) -> EngineFrame:
        """'unity', 'UNITY', ' Unity ' -> EngineFrame.UNITY; ValueError for anything else."""
        if isinstance(name, EngineFrame):
            return name
        if not isinstance(name, str):
            raise ValueError(f"engine frame must be a string, got {type(name).__name__}")
        key = name.strip().lower()
        for member in cls:
            if member.value == key:
                return member
        allowed = ", ".join(repr(m.value) for m in cls)
        raise ValueError(f"unknown engine frame {name!r}; expected one of {allowed}")

    @property
    def basis(self) -> np.ndarray:
        """A [3,3]: engine axes from world axes, without the unit scale (a copy)."""
        return _BASIS[self].copy()

    @property
    def unit_scale(self) -> float:
        """Engine units per metre."""
        return _SCALE[self]


def _readonly(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


_BASIS: Final[dict[EngineFrame, np.ndarray]] = {
    EngineFrame.GLTF: _readonly(np.eye(3)),
    EngineFrame.UNITY: _readonly(np.diag([-1.0, 1.0, 1.0])),
    EngineFrame.UNREAL: _readonly(np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])),
}
_SCALE: Final[dict[EngineFrame, float]] = {
    EngineFrame.GLTF: 1.0,
    EngineFrame.UNITY: 1.0,
    EngineFrame.UNREAL: 100.0,
}

# Columns: the OpenCV camera axes (x right, y down, z forward) written in the engine's
# camera-local axes. Turns an engine camera rotation into our camera-to-world rotation.
_OPENCV_IN_CAMERA_LOCAL: Final[dict[EngineFrame, np.ndarray]] = {
    # glTF camera: +X right, +Y up, looks along -Z.
    EngineFrame.GLTF: _readonly(np.diag([1.0, -1.0, -1.0])),
    # Unity camera: +X right, +Y up, looks along +Z.
    EngineFrame.UNITY: _readonly(np.diag([1.0, -1.0, 1.0])),
    # Unreal camera: +X forward, +Y right, +Z up.
    EngineFrame.UNREAL: _readonly(np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, -1.0, 0.0]])),
}


def _frame(frame: EngineFrame | str) -> EngineFrame:
    return EngineFrame.parse(frame)


# --- points and directions -------------------------------------------------------------------


def points_to_engine(points: np.ndarray, frame: EngineFrame) -> np.ndarray:
    """World points [..., 3] in metres -> engine points [..., 3] in engine units (float64)."""
    frame = _frame(frame)
    return np.asarray(points, dtype=np.float64) @ _BASIS[frame].T * _SCALE[frame]


def points_from_engine(points: np.ndarray, frame: EngineFrame) -> np.ndarray:
    """Engine points [..., 3] in engine units -> world points [..., 3] in metres (float64)."""
    frame = _frame(frame)
    # A is a signed permutation, so its inverse is its transpose.
    return np.asarray(points, dtype=np.float64) @ _BASIS[frame] / _SCALE[frame]


def directions_to_engine(directions: np.ndarray, frame: EngineFrame) -> np.ndarray:
    """World directions [..., 3] -> engine directions [..., 3]; lengths are kept (no unit scale)."""
    frame = _frame(frame)
    return np.asarray(directions, dtype=np.float64) @ _BASIS[frame].T


def directions_from_engine(directions: np.ndarray, frame: EngineFrame) -> np.ndarray:
    """Engine directions [..., 3] -> world directions [..., 3]; lengths are kept."""
    frame = _frame(frame)
    return np.asarray(directions, dtype=np.float64) @ _BASIS[frame]


# --- quaternions ------------------------------------------------------------------------------


def quat_wxyz_to_matrix(quats: np.ndarray) -> np.ndarray:
    """Quaternions [N,4] (w, x, y, z) -> rotation matrices [N,3,3]; normalises first."""
    q = np.asarray(quats, dtype=np.float64).reshape(-1, 4)
    norm = np.linalg.norm(q, axis=1, keepdims=True)
    # A zero quaternion (a degenerate Gaussian) becomes the identity rather than NaNs.
    q = np.where(norm > 0.0, q / np.where(norm > 0.0, norm, 1.0), np.array([1.0, 0.0, 0.0, 0.0]))
    w, x, y, z = q.T
    return np.stack(
        [
            np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], -1),
            np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], -1),
            np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], -1),
        ],
        axis=1,
    )


def matrix_to_quat_wxyz(matrices: np.ndarray) -> np.ndarray:
    """Rotation matrices [N,3,3] -> unit quaternions [N,4] (w, x, y, z) with w >= 0."""
    r = np.asarray(matrices, dtype=np.float64).reshape(-1, 3, 3)
    m00, m01, m02 = r[:, 0, 0], r[:, 0, 1], r[:, 0, 2]
    m10, m11, m12 = r[:, 1, 0], r[:, 1, 1], r[:, 1, 2]
    m20, m21, m22 = r[:, 2, 0], r[:, 2, 1], r[:, 2, 2]
    # 4w², 4x², 4y², 4z²: dividing by the largest of them keeps the extraction well conditioned.
    four_sq = np.stack(
        [1 + m00 + m11 + m22, 1 + m00 - m11 - m22, 1 - m00 + m11 - m22, 1 - m00 - m11 + m22], 1
    )
    f = 2.0 * np.sqrt(np.maximum(four_sq, 1e-12))  # [N,4]: 4|w|, 4|x|, 4|y|, 4|z|
    sq = f * f / 4.0  # [N,4]: 4w², 4x², 4y², 4z²
    wx, wy, wz = m21 - m12, m02 - m20, m10 - m01  # 4wx, 4wy, 4wz
    xy, xz, yz = m01 + m10, m02 + m20, m12 + m21  # 4xy, 4xz, 4yz
    numerators = np.stack(
        [
            np.stack([sq[:, 0], wx, wy, wz], 1),
            np.stack([wx, sq[:, 1], xy, xz], 1),
            np.stack([wy, xy, sq[:, 2], yz], 1),
            np.stack([wz, xz, yz, sq[:, 3]], 1),
        ],
        axis=1,
    )  # [N, case, 4]
    rows = np.arange(len(r))
    best = np.argmax(four_sq, axis=1)
    q = numerators[rows, best] / f[rows, best][:, None]
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    return np.where(q[:, :1] < 0.0, -q, q)  # q and -q are the same rotation; pick one


def _left_product(p: np.ndarray) -> np.ndarray:
    """[4,4] matrix of q -> p ⊗ q (Hamilton product, w first)."""
    w, x, y, z = p
    return np.array([[w, -x, -y, -z], [x, w, -z, y], [y, z, w, -x], [z, -y, x, w]])


def _right_product(r: np.ndarray) -> np.ndarray:
    """[4,4] matrix of q -> q ⊗ r (Hamilton product, w first)."""
    w, x, y, z = r
    return np.array([[w, -x, -y, -z], [x, w, z, -y], [y, -z, w, x], [z, y, -x, w]])


@functools.cache
def _quat_map(frame: EngineFrame) -> np.ndarray:
    """Q [4,4] with quat(A R(q) D) = ±Q q, D = diag(det A, 1, 1).

    D flips one local axis, which keeps R' = A R D proper when A mirrors; an ellipsoid is
    symmetric under that flip, so D S² D = S² and the scales keep their order. Writing
    A R D = P R Q with the proper rotations P = det(A) A and Q = det(A) D makes the map linear,
    q' = q_P ⊗ q ⊗ q_Q: one small matrix for millions of splats, no [N,3,3] intermediates.
    """
    sign = round(float(np.linalg.det(_BASIS[frame])))
    d = np.diag([float(sign), 1.0, 1.0])
    q_p, q_q = matrix_to_quat_wxyz(np.stack([sign * _BASIS[frame], sign * d]))
    return _readonly(_left_product(q_p) @ _right_product(q_q))


def _map_quats(quats: np.ndarray, transform: np.ndarray) -> np.ndarray:
    q = np.asarray(quats, dtype=np.float64).reshape(-1, 4)
    norm = np.linalg.norm(q, axis=1, keepdims=True)
    q = q / np.where(norm > 0.0, norm, 1.0)  # a zero quaternion stays zero rather than NaN
    mapped = q @ transform.T
    return np.where(mapped[:, :1] < 0.0, -mapped, mapped)  # q and -q are one rotation; w >= 0


def quats_to_engine(quats: np.ndarray, frame: EngineFrame) -> np.ndarray:
    """Gaussian rotations [N,4] (w, x, y, z) in the world -> in the engine frame (w, x, y, z),
    unit, w >= 0.

    R' = A R D with D = diag(det A, 1, 1), so that the covariance built from the result and the
    (unchanged-order) scales is s² A Σ Aᵀ.
    """
    return _map_quats(quats, _quat_map(_frame(frame)))


def quats_from_engine(quats: np.ndarray, frame: EngineFrame) -> np.ndarray:
    """Inverse of `quats_to_engine`: R = Aᵀ R' D (the map is orthogonal; its inverse is Qᵀ)."""
    return _map_quats(quats, _quat_map(_frame(frame)).T)


def log_scales_to_engine(log_scales: np.ndarray, frame: EngineFrame) -> np.ndarray:
    """Natural-log scales [N,3] in metres -> in engine units (adds ln s; order is kept)."""
    frame = _frame(frame)
    return np.asarray(log_scales, dtype=np.float64) + math.log(_SCALE[frame])


def log_scales_from_engine(log_scales: np.ndarray, frame: EngineFrame) -> np.ndarray:
    frame = _frame(frame)
    return np.asarray(log_scales, dtype=np.float64) - math.log(_SCALE[frame])


# --- spherical harmonics ----------------------------------------------------------------------


def sh_basis(directions: np.ndarray, degree: int) -> np.ndarray:
    """The 3DGS real SH basis at unit directions [N,3] -> [N, (degree+1)^2], DC first."""
    if not 0 <= degree <= MAX_SH_DEGREE:
        raise ValueError(f"SH degree must be in 0..{MAX_SH_DEGREE}, got {degree}")
    d = np.asarray(directions, dtype=np.float64).reshape(-1, 3)
    x, y, z = d[:, 0], d[:, 1], d[:, 2]
    columns = [np.full_like(x, _SH_C0)]
    if degree >= 1:
        columns += [-_SH_C1 * y, _SH_C1 * z, -_SH_C1 * x]
    if degree >= 2:
        xx, yy, zz = x * x, y * y, z * z
        columns += [
            _SH_C2[0] * x * y,
            _SH_C2[1] * y * z,
            _SH_C2[2] * (2 * zz - xx - yy),
            _SH_C2[3] * x * z,
            _SH_C2[4] * (xx - yy),
        ]
    if degree >= 3:
        columns += [
            _SH_C3[0] * y * (3 * xx - yy),
            _SH_C3[1] * x * y * z,
            _SH_C3[2] * y * (4 * zz - xx - yy),
            _SH_C3[3] * z * (2 * zz - 3 * xx - 3 * yy),
            _SH_C3[4] * x * (4 * zz - xx - yy),
            _SH_C3[5] * z * (xx - yy),
            _SH_C3[6] * x * (xx - 3 * yy),
        ]
    return np.stack(columns, axis=1)


def _sample_directions(count: int = 128) -> np.ndarray:
    # A Fibonacci sphere: deterministic and spread evenly, so the least squares is well posed.
    i = np.arange(count, dtype=np.float64) + 0.5
    z = 1.0 - 2.0 * i / count
    r = np.sqrt(1.0 - z * z)
    phi = math.pi * (3.0 - math.sqrt(5.0)) * i
    return np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=1)


def _sh_degree_for(coeffs: int) -> int:
    degree = round(math.sqrt(coeffs)) - 1
    if degree < 0 or (degree + 1) ** 2 != coeffs:
        raise ValueError(f"{coeffs} SH coefficients is not (degree + 1)^2")
    return degree


@functools.cache
def _sh_transform(frame: EngineFrame, degree: int, inverse: bool) -> np.ndarray:
    """T [K,K] with basis(d) = basis(M d) @ T, so coefficients T @ sh evaluated at M d equal sh
    evaluated at d. M = A (to the engine) or Aᵀ (back). Block diagonal: each band maps to itself
    under any orthogonal M, so each block is solved on its own and the solution is exact."""
    m = _BASIS[frame].T if inverse else _BASIS[frame]
    dirs = _sample_directions()
    before = sh_basis(dirs, degree)  # [S, K]
    after = sh_basis(dirs @ m.T, degree)  # [S, K]
    k = (degree + 1) ** 2
    transform = np.zeros((k, k))
    for band in range(degree + 1):
        block = slice(band * band, (band + 1) ** 2)
        solution, *_ = np.linalg.lstsq(after[:, block], before[:, block], rcond=None)
        transform[block, block] = solution
    transform[np.abs(transform) < 1e-12] = 0.0  # drop solver noise so sign flips stay exact
    return _readonly(transform)


def _apply_sh(sh: np.ndarray, frame: EngineFrame, inverse: bool) -> np.ndarray:
    coeffs = np.asarray(sh, dtype=np.float64)
    if coeffs.ndim != 3 or coeffs.shape[2] != 3:
        raise ValueError(f"sh has shape {coeffs.shape}, expected (N, K, 3)")
    transform = _sh_transform(frame, _sh_degree_for(coeffs.shape[1]), inverse)
    return np.matmul(transform, coeffs)  # [K,K] @ [N,K,3]: broadcast over splats


def sh_to_engine(sh: np.ndarray, frame: EngineFrame) -> np.ndarray:
    """SH coefficients [N,K,3] for world view directions -> for engine view directions."""
    return _apply_sh(sh, _frame(frame), inverse=False)


def sh_from_engine(sh: np.ndarray, frame: EngineFrame) -> np.ndarray:
    """Inverse of `sh_to_engine`."""
    return _apply_sh(sh, _frame(frame), inverse=True)


# --- whole Gaussian sets ----------------------------------------------------------------------

_GAUSSIAN_KEYS: Final = ("means", "quats", "log_scales", "opacity_logits", "sh")


def _gaussian_arrays(g: Gaussians | Mapping[str, np.ndarray]) -> Mapping[str, np.ndarray]:
    # Duck-typed so that importing this module does not import torch.
    arrays = g.to_numpy() if hasattr(g, "to_numpy") else g
    missing = [key for key in _GAUSSIAN_KEYS if key not in arrays]
    if missing:
        raise ValueError(f"Gaussian arrays lack {', '.join(missing)}")
    return arrays


def gaussians_to_engine(
    g: Gaussians | Mapping[str, np.ndarray], frame: EngineFrame
) -> dict[str, np.ndarray]:
    """World Gaussians -> float32 arrays in the engine frame (same keys as `Gaussians.to_numpy`).

    Quaternions stay (w, x, y, z); opacity is frame-independent and copied.
    """
    frame = _frame(frame)
    a = _gaussian_arrays(g)
    converted = {
        "means": points_to_engine(a["means"], frame),
        "quats": quats_to_engine(a["quats"], frame),
        "log_scales": log_scales_to_engine(a["log_scales"], frame),
        "opacity_logits": np.array(a["opacity_logits"]),
        "sh": sh_to_engine(a["sh"], frame),
    }
    return {key: value.astype(np.float32) for key, value in converted.items()}


def gaussians_from_engine(
    arrays: Mapping[str, np.ndarray], frame: EngineFrame
) -> dict[str, np.ndarray]:
    """Inverse of `gaussians_to_engine`: float32 world-frame arrays (`Gaussians.from_numpy`)."""
    frame = _frame(frame)
    a = _gaussian_arrays(arrays)
    converted = {
        "means": points_from_engine(a["means"], frame),
        "quats": quats_from_engine(a["quats"], frame),
        "log_scales": log_scales_from_engine(a["log_scales"], frame),
        "opacity_logits": np.array(a["opacity_logits"]),
        "sh": sh_from_engine(a["sh"], frame),
    }
    return {key: value.astype(np.float32) for key, value in converted.items()}


# --- camera poses -----------------------------------------------------------------------------


def _finite_vector(values, length: int, what: str) -> np.ndarray:
    try:
        v = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{what} must be {length} numbers, got {values!r}") from error
    if v.shape != (length,):
        raise ValueError(f"{what} must be {length} numbers, got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{what} has non-finite values: {v.tolist()}")
    return v


def _unit_quat_xyzw(rotation_xyzw) -> np.ndarray:
    q = _finite_vector(rotation_xyzw, 4, f"rotation quaternion ({WIRE_QUATERNION_ORDER})")
    largest = float(np.max(np.abs(q)))
    if largest > 1.0 + QUATERNION_NORM_TOLERANCE:
        # Far from unit, and squaring it could overflow (numpy would warn): said before norm.
        raise ValueError(
            f"rotation quaternion has norm at least {largest:.6g} (a component), expected 1 "
            f"(within {QUATERNION_NORM_TOLERANCE}); components are ({WIRE_QUATERNION_ORDER})"
        )
    norm = float(np.linalg.norm(q))
    if norm == 0.0:
        raise ValueError("rotation quaternion is zero")
    if abs(norm - 1.0) > QUATERNION_NORM_TOLERANCE:
        raise ValueError(
            f"rotation quaternion has norm {norm:.6g}, expected 1 "
            f"(within {QUATERNION_NORM_TOLERANCE}); components are ({WIRE_QUATERNION_ORDER})"
        )
    return q / norm


def as_world_to_camera(matrix: np.ndarray) -> np.ndarray:
    """A validated float64 copy of a world-to-camera rigid transform [4,4]; ValueError if not."""
    try:
        m = np.array(matrix, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError("world_to_camera must be a 4x4 matrix of numbers") from error
    if m.shape != (4, 4):
        raise ValueError(f"world_to_camera must be 4x4, got shape {m.shape}")
    if not np.all(np.isfinite(m)):
        raise ValueError("world_to_camera has non-finite values")
    if not np.allclose(m[3], [0.0, 0.0, 0.0, 1.0], atol=1e-9):
        raise ValueError(f"world_to_camera last row must be 0 0 0 1, got {m[3].tolist()}")
    rotation = m[:3, :3]
    if not np.allclose(rotation @ rotation.T, np.eye(3), atol=1e-5) or np.linalg.det(rotation) < 0:
        raise ValueError("world_to_camera rotation is not a proper rotation")
    return m


def pose_from_engine(position, rotation_xyzw, frame: EngineFrame) -> np.ndarray:
    """An engine camera transform -> world-to-camera [4,4] (OpenCV axes, metres).

    position [3]: camera position in engine units; rotation_xyzw [4]: the camera's rotation in the
    engine frame, acting on the engine's camera-local axes, in `WIRE_QUATERNION_ORDER`.
    """
    frame = _frame(frame)
    p = _finite_vector(position, 3, "position")
    x, y, z, w = (float(v) for v in _unit_quat_xyzw(rotation_xyzw))
    # One quaternion in plain floats: the batched quat_wxyz_to_matrix costs ~20x more per call,
    # and every camera update of every stream comes through here.
    engine_rotation = np.array(  # camera-local -> engine
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
            [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
            [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
        ]
    )
    a = _BASIS[frame]
    # OpenCV camera axes -> engine camera-local -> engine world -> world.
    camera_to_world = a.T @ engine_rotation @ _OPENCV_IN_CAMERA_LOCAL[frame]
    centre = a.T @ p / _SCALE[frame]
    w2c = np.eye(4)
    w2c[:3, :3] = camera_to_world.T
    w2c[:3, 3] = -camera_to_world.T @ centre
    return w2c


def pose_to_engine(
    world_to_camera: np.ndarray, frame: EngineFrame
) -> tuple[np.ndarray, np.ndarray]:
    """World-to-camera [4,4] -> (position [3] in engine units, rotation [4] x, y, z, w)."""
    frame = _frame(frame)
    w2c = as_world_to_camera(world_to_camera)
    camera_to_world = w2c[:3, :3].T
    centre = -camera_to_world @ w2c[:3, 3]
    a = _BASIS[frame]
    engine_rotation = a @ camera_to_world @ _OPENCV_IN_CAMERA_LOCAL[frame].T
    w, x, y, z = matrix_to_quat_wxyz(engine_rotation)[0]
    return _SCALE[frame] * a @ centre, np.array([x, y, z, w])


def _positive_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


def _fov_degrees(value) -> float:
    try:
        fov = float(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"vertical field of view must be a number, got {value!r}") from error
    if not (math.isfinite(fov) and 0.0 < fov < 180.0):
        raise ValueError(f"vertical field of view must be in (0, 180) degrees, got {value!r}")
    return fov


def vertical_fov_from_horizontal(horizontal_fov_degrees: float, width: int, height: int) -> float:
    """Unreal's camera FOV is horizontal; our cameras (and Unity's) take the vertical one."""
    h = math.radians(_fov_degrees(horizontal_fov_degrees))
    aspect = _positive_int(width, "width") / _positive_int(height, "height")
    return math.degrees(2.0 * math.atan(math.tan(h / 2.0) / aspect))


def camera_from_engine(
    position,
    rotation_xyzw,
    vertical_fov_degrees: float,
    width: int,
    height: int,
    frame: EngineFrame,
) -> Camera:
    """An engine camera -> our `Camera` (world frame, OpenCV axes, pinhole from the vertical FOV).

    Raises ValueError for non-finite values, a zero or far-from-unit quaternion, a FOV outside
    (0, 180) degrees or a non-positive image size.
    """
    fov = _fov_degrees(vertical_fov_degrees)
    width = _positive_int(width, "width")
    height = _positive_int(height, "height")
    return Camera.from_fov(fov, width, height, pose_from_engine(position, rotation_xyzw, frame))


def camera_to_engine(camera: Camera, frame: EngineFrame) -> tuple[np.ndarray, np.ndarray]:
    """Our `Camera` -> (position [3] in engine units, rotation [4] x, y, z, w in the engine frame).

    The FOV is `camera.fov_y_degrees`; it needs no conversion for Unity.
    """
    return pose_to_engine(camera.world_to_camera, frame)
