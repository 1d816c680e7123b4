"""Proto messages <-> domain values. Pure translation; validation errors name the field."""

from __future__ import annotations

import math
import re

import numpy as np
from google.protobuf import timestamp_pb2

from worldstream.errors import InvalidArgument
from worldstream.geometry.camera import Camera
from worldstream.geometry.engine import (
    EngineFrame,
    camera_from_engine,
    points_from_engine,
    pose_to_engine,
)
from worldstream.store.catalog import WorldRecord
from worldstream.tiles.grid import TileKey
from worldstream.v1 import worldstream_pb2 as pb

_WORLD_NAME = re.compile(r"^worlds/([a-z][a-z0-9-]{2,62})\Z")  # "$" allows a final "\n"
MAX_VIEWPORT_SIDE = 16384
"""Largest viewport side a view may declare (16K: above any display). Bounds what a view can
make the server allocate per pixel; a bigger one is INVALID_VIEW."""
MAX_VIEW_COORDINATE_M = 100_000.0
"""Largest |x|, |y| or |z| of a view's position, in metres from the world's origin (100 km). A
world grows from one photo by walking, metres to kilometres; at 100 km a float32 engine position
(Unity's Transform, Unreal without large world coordinates) still resolves 7.8 mm, beyond it a
camera cannot be placed to the centimetre, so a position out there is garbage, not a place."""
MAX_VIEW_SPEED_M_PER_S = 100_000.0
"""Largest |x|, |y| or |z| of a view's velocity, metres per second (100 km/s). The server
prefetches where the velocity takes the camera in a second, and this is leaving the 100 km of
positions in about one. Teleports stay under it: the Unity and Unreal clients smooth the speed
over a quarter second, so a 25 km jump in one 60 Hz frame reports about 100 km/s."""
MIN_VIEW_FOV_DEGREES = 1e-5
"""Narrowest vertical field of view a view may declare (Unity's own lower clamp of
Camera.fieldOfView); far below any lens (a 2,000 mm telephoto sees 0.7 degrees), and above the
fields of view whose focal length in pixels overflows (about 1e-300 degrees)."""

_STATES = {
    "creating": pb.WORLD_STATE_CREATING,
    "ready": pb.WORLD_STATE_READY,
    "failed": pb.WORLD_STATE_FAILED,
}
ENGINE_FRAMES = {
    pb.ENGINE_FRAME_GLTF: EngineFrame.GLTF,
    pb.ENGINE_FRAME_UNITY: EngineFrame.UNITY,
    pb.ENGINE_FRAME_UNREAL: EngineFrame.UNREAL,
}


def world_id_from_name(name: str, field: str = "name") -> str:
    match = _WORLD_NAME.fullmatch(name)
    if match is None:
        raise InvalidArgument(
            "INVALID_WORLD_NAME",
            f"{field} must look like worlds/{{world}}, got {name[:80]!r}",
            field=field,
        )
    return match.group(1)


def engine_frame(value: int, field: str = "engine_frame") -> EngineFrame:
    frame = ENGINE_FRAMES.get(value)
    if frame is None:
        raise InvalidArgument(
            "INVALID_ENGINE_FRAME",
            f"{field} must be GLTF, UNITY or UNREAL, got {value}",
            field=field,
        )
    return frame


def _timestamp(seconds: float) -> timestamp_pb2.Timestamp:
    ts = timestamp_pb2.Timestamp()
    ts.FromNanoseconds(int(seconds * 1e9))
    return ts


def world_to_proto(record: WorldRecord) -> pb.World:
    position, rotation = spawn_in_frame(record, EngineFrame.GLTF)
    return pb.World(
        name=record.name,
        display_name=record.display_name,
        state=_STATES[record.state],
        create_time=_timestamp(record.create_time),
        update_time=_timestamp(record.update_time),
        splat_count=record.splat_count,
        frame_count=record.frame_count,
        tile_size_m=record.tile_size_m,
        sh_degree=record.sh_degree,
        bounds_min=pb.Vec3(x=record.bounds_min[0], y=record.bounds_min[1], z=record.bounds_min[2]),
        bounds_max=pb.Vec3(x=record.bounds_max[0], y=record.bounds_max[1], z=record.bounds_max[2]),
        scale=pb.WorldScale(
            depth_source=record.depth_source,
            metric=record.metric,
            median_depth_m=record.median_depth_m,
        ),
        generator=record.generator,
        failure_message=record.failure_message,
        spawn_position=position,
        spawn_rotation=rotation,
        spawn_vertical_fov_degrees=record.spawn_fov_y_degrees,
        uid=record.uid,
    )


def spawn_in_frame(record: WorldRecord, frame: EngineFrame) -> tuple[pb.Vec3, pb.Quat]:
    w2c = np.array(record.spawn_world_to_camera, dtype=np.float64).reshape(4, 4)
    p, q = pose_to_engine(w2c, frame)
    return pb.Vec3(x=p[0], y=p[1], z=p[2]), pb.Quat(x=q[0], y=q[1], z=q[2], w=q[3])


def view_to_camera(view: pb.ViewUpdate, frame: EngineFrame) -> Camera:
    """The view's camera; INVALID_VIEW (naming the view's sequence) when any of its values is
    not finite or out of range. Checked in plain Python floats before any array is made, so
    bad values are refused rather than turned into NaN by numpy (with a RuntimeWarning)."""
    p, q = view.position, view.rotation
    if max(view.viewport_width, view.viewport_height) > MAX_VIEWPORT_SIDE:
        raise InvalidArgument(
            "INVALID_VIEW",
            f"view {view.sequence}: viewport {view.viewport_width}x{view.viewport_height} is "
            f"above {MAX_VIEWPORT_SIDE} pixels per side",
        )
    _check_range(view, "position", (p.x, p.y, p.z), MAX_VIEW_COORDINATE_M, "m", frame)
    fov = view.vertical_fov_degrees
    if math.isfinite(fov) and 0.0 < fov < MIN_VIEW_FOV_DEGREES:
        raise InvalidArgument(
            "INVALID_VIEW",
            f"view {view.sequence}: vertical field of view {fov!r} degrees is below "
            f"{MIN_VIEW_FOV_DEGREES:g}",
        )
    try:
        return camera_from_engine(
            (p.x, p.y, p.z),
            (q.x, q.y, q.z, q.w),
            fov,
            view.viewport_width,
            view.viewport_height,
            frame,
        )
    except ValueError as exc:
        raise InvalidArgument("INVALID_VIEW", f"view {view.sequence}: {exc}") from exc


def view_velocity(view: pb.ViewUpdate, frame: EngineFrame) -> np.ndarray:
    """The view's velocity in the world frame, metres per second; INVALID_VIEW when a component
    is not finite or above MAX_VIEW_SPEED_M_PER_S (an unknown velocity is zero, not NaN)."""
    v = view.velocity
    values = (v.x, v.y, v.z)
    for value in values:
        if not math.isfinite(value):
            raise InvalidArgument(
                "INVALID_VIEW", f"view {view.sequence}: velocity has non-finite values: {values}"
            )
    _check_range(view, "velocity", values, MAX_VIEW_SPEED_M_PER_S, "m/s", frame)
    return points_from_engine(np.array(values, np.float64), frame)


def view_from_proto(view: pb.ViewUpdate, frame: EngineFrame) -> tuple[Camera, np.ndarray]:
    """(camera, velocity in world metres per second) of a ViewUpdate; INVALID_VIEW if bad."""
    return view_to_camera(view, frame), view_velocity(view, frame)


def _check_range(
    view: pb.ViewUpdate, what: str, values, limit_m: float, unit: str, frame: EngineFrame
) -> None:
    # Limits are in metres; the wire is in engine units (Unreal: centimetres). Non-finite
    # values are left to the caller's own message.
    limit = limit_m * frame.unit_scale
    for value in values:
        if math.isfinite(value) and abs(value) > limit:
            raise InvalidArgument(
                "INVALID_VIEW",
                f"view {view.sequence}: {what} component {value:g} (engine units) is beyond "
                f"{limit_m:g} {unit}",
            )


def tile_key(key: pb.TileKey) -> TileKey:
    return TileKey(key.x, key.y, key.z, key.lod)


def tile_key_to_proto(key: TileKey) -> pb.TileKey:
    return pb.TileKey(x=key.x, y=key.y, z=key.z, lod=key.lod)
