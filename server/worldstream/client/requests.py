"""Building request messages, shared by the sync and asyncio clients."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from worldstream.geometry.camera import Camera
from worldstream.geometry.engine import EngineFrame, camera_to_engine, points_to_engine
from worldstream.v1 import worldstream_pb2 as pb

FRAMES = {
    EngineFrame.GLTF: pb.ENGINE_FRAME_GLTF,
    EngineFrame.UNITY: pb.ENGINE_FRAME_UNITY,
    EngineFrame.UNREAL: pb.ENGINE_FRAME_UNREAL,
}
EXPORT_FORMATS = {
    "ply": pb.EXPORT_FORMAT_PLY,
    "spz": pb.EXPORT_FORMAT_SPZ,
    "gltf": pb.EXPORT_FORMAT_GLTF,
    "mesh": pb.EXPORT_FORMAT_MESH,
    "collider": pb.EXPORT_FORMAT_COLLIDER,
}


def world_name(world: str) -> str:
    """Accept `worlds/x` or a bare id `x`."""
    return world if world.startswith("worlds/") else f"worlds/{world}"


def create_request(
    photo: bytes,
    world_id: str = "",
    display_name: str = "",
    generator: str = "",
    horizontal_fov_degrees: float = 0.0,
    tile_size_m: float = 0.0,
    max_side_px: int = 0,
) -> pb.CreateWorldRequest:
    return pb.CreateWorldRequest(
        world_id=world_id,
        display_name=display_name,
        photo=photo,
        options=pb.CreateWorldOptions(
            generator=generator,
            horizontal_fov_degrees=horizontal_fov_degrees,
            tile_size_m=tile_size_m,
            max_side_px=max_side_px,
        ),
    )


def start_request(
    world: str,
    frame: EngineFrame = EngineFrame.GLTF,
    splat_budget: int = 0,
    credit_bytes: int = 0,
    held: Mapping[tuple[int, int, int, int], int | tuple[int, int]] | None = None,
    colliders: bool = False,
    encodings: tuple[int, ...] = (pb.TILE_ENCODING_QUANTIZED_V1, pb.TILE_ENCODING_RAW_F32),
    no_generation: bool = False,
    world_uid: str = "",
) -> pb.ExploreRequest:
    """`held` and `world_uid`: the tiles kept from an earlier stream of the world, key ->
    (version, splat count) or version alone, and the World.uid that stream's header named
    (tiles of another instance are all removed). Send the counts: a tile of an older version
    may hold another number of splats than the current one, and the server keeps the budget
    against what the client holds (without them it assumes the current version's counts)."""
    held_tiles = []
    for k, entry in (held or {}).items():
        version, count = entry if isinstance(entry, tuple) else (entry, 0)
        key = pb.TileKey(x=k[0], y=k[1], z=k[2], lod=k[3])
        held_tiles.append(pb.HeldTile(key=key, version=version, splat_count=count))
    return pb.ExploreRequest(
        start=pb.ExploreStart(
            world=world_name(world),
            engine_frame=FRAMES[frame],
            splat_budget=splat_budget,
            credit_bytes=credit_bytes,
            encodings=list(encodings),
            held_tiles=held_tiles,
            colliders=colliders,
            no_generation=no_generation,
            world_uid=world_uid,
        )
    )


def view_request(
    camera: Camera,
    sequence: int,
    frame: EngineFrame = EngineFrame.GLTF,
    velocity: tuple[float, float, float] = (0.0, 0.0, 0.0),
) -> pb.ExploreRequest:
    """`velocity`: the camera's, world frame, metres per second (the server prefetches ahead)."""
    position, rotation = camera_to_engine(camera, frame)
    v = points_to_engine(np.asarray(velocity, np.float64)[None, :], frame)[0]
    return pb.ExploreRequest(
        view=pb.ViewUpdate(
            sequence=sequence,
            position=pb.Vec3(x=position[0], y=position[1], z=position[2]),
            rotation=pb.Quat(x=rotation[0], y=rotation[1], z=rotation[2], w=rotation[3]),
            vertical_fov_degrees=camera.fov_y_degrees,
            viewport_width=camera.width,
            viewport_height=camera.height,
            velocity=pb.Vec3(x=v[0], y=v[1], z=v[2]),
        )
    )


def ack_request(nbytes: int) -> pb.ExploreRequest:
    return pb.ExploreRequest(ack=pb.TileAck(bytes=nbytes))
