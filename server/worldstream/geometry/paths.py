"""Camera paths: lists of world-to-camera [4,4] poses (OpenCV axes, world frame, metres).

Every builder includes the start pose first, so a path continues from where the camera is, and
spaces its poses evenly with steps no larger than the one asked for. Presets (``parse_preset``)
and the JSON path format (``load_json_path``) are documented in docs/paths.md.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np

from worldstream.geometry.engine import (
    EngineFrame,
    as_world_to_camera,
    matrix_to_quat_wxyz,
    pose_from_engine,
    quat_wxyz_to_matrix,
)

MAX_POSES: Final = 100_000
"""A path longer than this is refused: a typo such as 'forward:1e9' must fail, not hang."""

PRESETS: Final = ("forward", "orbit", "outback")


# --- small pose helpers -----------------------------------------------------------------------


def _split(w2c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """w2c [4,4] -> (camera-to-world rotation [3,3], camera centre [3])."""
    rotation = w2c[:3, :3].T
    return rotation, -rotation @ w2c[:3, 3]


def _compose(camera_to_world: np.ndarray, centre: np.ndarray) -> np.ndarray:
    w2c = np.eye(4)
    w2c[:3, :3] = camera_to_world.T
    w2c[:3, 3] = -camera_to_world.T @ centre
    return w2c


def _rotation_about_y(radians: float) -> np.ndarray:
    # Right-hand rule about world +Y: positive turns +Z towards +X, i.e. counter-clockwise seen
    # from above, which turns a camera to its left.
    c, s = math.cos(radians), math.sin(radians)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def _finite(value: float, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{what} must be a number, got {value!r}") from error
    if not math.isfinite(number):
        raise ValueError(f"{what} must be finite, got {value!r}")
    return number


def _stations(total: float, step: float, what: str) -> np.ndarray:
    """[0, ..., total] in equal steps no larger than `step` (total >= 0, step > 0)."""
    steps = total / step
    # The tolerance keeps 3 / 0.25 at 12 steps when rounding makes it 12.000000000000002.
    if not steps < MAX_POSES:  # also catches inf from a tiny step
        raise ValueError(f"{what} needs more than {MAX_POSES} poses; use a larger step")
    count = math.ceil(steps - 1e-9) if total > 0 else 0
    return np.linspace(0.0, total, count + 1)


# --- builders ---------------------------------------------------------------------------------


def forward(start_w2c: np.ndarray, distance_m: float, step_m: float = 0.25) -> list[np.ndarray]:
    """Dolly along the camera's viewing direction (pitch included), orientation unchanged.

    Returns ceil(distance / step) + 1 poses from the start to `distance_m` metres ahead.
    """
    start = as_world_to_camera(start_w2c)
    distance = _finite(distance_m, "distance")
    step = _finite(step_m, "step")
    if distance < 0:
        raise ValueError(f"distance must be >= 0 metres, got {distance_m!r}")
    if step <= 0:
        raise ValueError(f"step must be > 0 metres, got {step_m!r}")
    rotation, centre = _split(start)
    view = rotation[:, 2]  # OpenCV +z, in world coordinates
    return [
        _compose(rotation, centre + d * view) for d in _stations(distance, step, "forward path")
    ]


def orbit(
    start_w2c: np.ndarray,
    degrees: float,
    step_degrees: float = 10.0,
    radius: float | None = None,
) -> list[np.ndarray]:
    """Turn about a vertical (world +Y) axis; positive degrees turn left (counter-clockwise
    seen from above), negative turn right.

    radius None: a pan. The camera rotates in place about the vertical axis through its own
    position; it stays where it is and looks around.
    radius r > 0: a true orbit about the pivot r metres ahead along the viewing direction; the
    camera circles the vertical axis through the pivot and keeps looking at the pivot.
    Returns ceil(|degrees| / step) + 1 poses, the start first.
    """
    start = as_world_to_camera(start_w2c)
    total = _finite(degrees, "orbit angle")
    step = _finite(step_degrees, "orbit step")
    if step <= 0:
        raise ValueError(f"orbit step must be > 0 degrees, got {step_degrees!r}")
    rotation, centre = _split(start)
    if radius is None:
        pivot = centre
    else:
        r = _finite(radius, "orbit radius")
        if r <= 0:
            raise ValueError(f"orbit radius must be > 0 metres, got {radius!r}")
        pivot = centre + r * rotation[:, 2]
    sign = 1.0 if total >= 0 else -1.0
    poses = []
    for angle in _stations(abs(total), step, "orbit path"):
        turn = _rotation_about_y(math.radians(sign * angle))
        poses.append(_compose(turn @ rotation, pivot + turn @ (centre - pivot)))
    return poses


def out_and_back(
    start_w2c: np.ndarray, distance_m: float, step_m: float = 0.25
) -> list[np.ndarray]:
    """Walk forward, then retrace the same poses in reverse order back to the start.

    The orientation never changes: walking back means revisiting the outbound views (the revisit
    consistency test), not turning round. Returns 2 * ceil(distance / step) + 1 poses.
    """
    out = forward(start_w2c, distance_m, step_m)
    return out + [pose.copy() for pose in reversed(out[:-1])]


def interpolate(w2c_a: np.ndarray, w2c_b: np.ndarray, t: float) -> np.ndarray:
    """The pose a fraction t in [0, 1] of the way from a to b: slerp of the camera rotation
    (shortest arc), lerp of the camera centre (not of the w2c translation, which would swing)."""
    a = as_world_to_camera(w2c_a)
    b = as_world_to_camera(w2c_b)
    t = _finite(t, "interpolation parameter t")
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"interpolation parameter t must be in [0, 1], got {t}")
    rotation_a, centre_a = _split(a)
    rotation_b, centre_b = _split(b)
    qa, qb = matrix_to_quat_wxyz(np.stack([rotation_a, rotation_b]))
    q = _slerp(qa, qb, t)
    return _compose(quat_wxyz_to_matrix(q)[0], (1.0 - t) * centre_a + t * centre_b)


def _slerp(qa: np.ndarray, qb: np.ndarray, t: float) -> np.ndarray:
    cos_angle = float(np.dot(qa, qb))
    if cos_angle < 0.0:  # q and -q are the same rotation; take the short way round
        qb, cos_angle = -qb, -cos_angle
    if cos_angle > 1.0 - 1e-9:  # nearly equal: slerp's sin(angle) would divide by ~0
        q = (1.0 - t) * qa + t * qb
    else:
        angle = math.acos(cos_angle)
        q = (math.sin((1.0 - t) * angle) * qa + math.sin(t * angle) * qb) / math.sin(angle)
    return q / np.linalg.norm(q)


# --- presets ----------------------------------------------------------------------------------


def parse_preset(spec: str, start_w2c: np.ndarray) -> list[np.ndarray]:
    """'forward:3' | 'orbit:90' | 'outback:3', optionally with a step: 'forward:3:0.5'.

    forward and outback take metres (default step 0.25 m); orbit takes degrees (default step 10,
    a pan in place). ValueError with the accepted forms for anything else.
    """
    usage = "expected NAME:AMOUNT[:STEP] with NAME one of forward, orbit, outback (e.g. forward:3)"
    if not isinstance(spec, str):
        raise ValueError(f"path preset must be a string, {usage}")
    parts = [part.strip() for part in spec.strip().split(":")]
    if len(parts) not in (2, 3) or not all(parts):
        raise ValueError(f"bad path preset {spec!r}: {usage}")
    name = parts[0].lower()
    if name not in PRESETS:
        raise ValueError(f"unknown path preset {parts[0]!r} in {spec!r}: {usage}")
    try:
        numbers = [float(part) for part in parts[1:]]
    except ValueError as error:
        raise ValueError(f"bad number in path preset {spec!r}: {usage}") from error
    amount, *step = numbers
    try:
        if name == "forward":
            return forward(start_w2c, amount, *step)
        if name == "orbit":
            return orbit(start_w2c, amount, *step)
        return out_and_back(start_w2c, amount, *step)
    except ValueError as error:
        raise ValueError(f"bad path preset {spec!r}: {error}") from error


# --- JSON paths -------------------------------------------------------------------------------

_JSON_KEYS: Final = frozenset({"frame", "poses", "vertical_fov_degrees"})


@dataclass(frozen=True)
class JsonPath:
    """A camera path read from JSON, converted to the world frame."""

    poses: list[np.ndarray]  # world_to_camera [4,4] each, OpenCV axes, metres
    vertical_fov_degrees: float | None  # None when the file does not say


def _number_list(value, length: int, what: str) -> list[float]:
    # bool is an int in Python; "rotation": [true, ...] is a mistake, not a number.
    if (
        not isinstance(value, list)
        or len(value) != length
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        raise ValueError(f"{what} must be a list of {length} numbers, got {value!r}")
    try:
        return [float(v) for v in value]
    except OverflowError as error:  # a JSON integer too large for a float
        raise ValueError(f"{what} has a number out of range") from error


def parse_json_path(document: object) -> JsonPath:
    """A decoded JSON document (see docs/paths.md) -> JsonPath; ValueError naming what is wrong."""
    if not isinstance(document, Mapping):
        raise ValueError("camera path JSON must be an object")
    unknown = sorted(set(document) - _JSON_KEYS)
    if unknown:
        raise ValueError(
            f"camera path JSON has unknown keys {unknown}; allowed: {sorted(_JSON_KEYS)}"
        )
    if "frame" not in document:
        raise ValueError("camera path JSON needs a 'frame': 'gltf', 'unity' or 'unreal'")
    frame = EngineFrame.parse(document["frame"])
    fov = document.get("vertical_fov_degrees")
    if fov is not None:
        if isinstance(fov, bool) or not isinstance(fov, int | float):
            raise ValueError(f"vertical_fov_degrees must be a number, got {fov!r}")
        if not 0.0 < fov < 180.0:  # also false for NaN; ints compare exactly, however large
            raise ValueError(f"vertical_fov_degrees must be in (0, 180), got {fov!r}")
        fov = float(fov)
    poses = document.get("poses")
    if not isinstance(poses, list) or not poses:
        raise ValueError("camera path JSON needs 'poses': a non-empty list")
    if len(poses) > MAX_POSES:
        raise ValueError(f"camera path has {len(poses)} poses, more than the limit of {MAX_POSES}")
    converted = []
    for index, pose in enumerate(poses):
        where = f"poses[{index}]"
        if not isinstance(pose, Mapping) or set(pose) != {"position", "rotation"}:
            raise ValueError(f"{where} must be an object with exactly 'position' and 'rotation'")
        position = _number_list(pose["position"], 3, f"{where}.position")
        rotation = _number_list(pose["rotation"], 4, f"{where}.rotation (x, y, z, w)")
        try:
            converted.append(pose_from_engine(position, rotation, frame))
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from error
    return JsonPath(converted, fov)


def read_json_path(path: str | Path) -> JsonPath:
    """Read a camera path file (docs/paths.md): poses and the optional vertical FOV."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON: {error}") from error
    try:
        return parse_json_path(document)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from error


def load_json_path(path: str | Path) -> list[np.ndarray]:
    """Read a camera path file -> world_to_camera [4,4] poses (OpenCV axes, metres)."""
    return read_json_path(path).poses
