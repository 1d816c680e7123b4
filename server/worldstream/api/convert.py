"""Proto messages <-> domain values. Pure translation; validation errors name the field."""

from __future__ import annotations

import re

import numpy as np
from google.protobuf import timestamp_pb2

from worldstream.errors import InvalidArgument
from worldstream.geometry.camera import Camera
from worldstream.geometry.engine import EngineFrame, camera_from_engine, pose_to_engine
from worldstream.store.catalog import WorldRecord
from worldstream.tiles.grid import TileKey
from worldstream.v1 import worldstream_pb2 as pb

_WORLD_NAME = re.compile(r"^worlds/([a-z][a-z0-9-]{2,62})\Z")  # "$" allows a final "\n"
MAX_VIEWPORT_SIDE = 16384
"""Largest viewport side a view may declare (16K: above any display). Bounds what a view can
make the server allocate per pixel; a bigger one is INVALID_VIEW."""

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
    p, q = view.position, view.rotation
    if max(view.viewport_width, view.viewport_height) > MAX_VIEWPORT_SIDE:
        raise InvalidArgument(
            "INVALID_VIEW",
            f"view {view.sequence}: viewport {view.viewport_width}x{view.viewport_height} is "
            f"above {MAX_VIEWPORT_SIDE} pixels per side",
        )
    try:
        return camera_from_engine(
            (p.x, p.y, p.z),
            (q.x, q.y, q.z, q.w),
            view.vertical_fov_degrees,
            view.viewport_width,
            view.viewport_height,
            frame,
        )
    except ValueError as exc:
        raise InvalidArgument("INVALID_VIEW", f"view {view.sequence}: {exc}") from exc


def tile_key(key: pb.TileKey) -> TileKey:
    return TileKey(key.x, key.y, key.z, key.lod)


def tile_key_to_proto(key: TileKey) -> pb.TileKey:
    return pb.TileKey(x=key.x, y=key.y, z=key.z, lod=key.lod)
