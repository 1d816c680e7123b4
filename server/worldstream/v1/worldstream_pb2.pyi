import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WorldState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WORLD_STATE_UNSPECIFIED: _ClassVar[WorldState]
    WORLD_STATE_CREATING: _ClassVar[WorldState]
    WORLD_STATE_READY: _ClassVar[WorldState]
    WORLD_STATE_FAILED: _ClassVar[WorldState]

class EngineFrame(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENGINE_FRAME_UNSPECIFIED: _ClassVar[EngineFrame]
    ENGINE_FRAME_GLTF: _ClassVar[EngineFrame]
    ENGINE_FRAME_UNITY: _ClassVar[EngineFrame]
    ENGINE_FRAME_UNREAL: _ClassVar[EngineFrame]

class TileEncoding(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TILE_ENCODING_UNSPECIFIED: _ClassVar[TileEncoding]
    TILE_ENCODING_RAW_F32: _ClassVar[TileEncoding]
    TILE_ENCODING_QUANTIZED_V1: _ClassVar[TileEncoding]

class TileRemovalReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TILE_REMOVAL_REASON_UNSPECIFIED: _ClassVar[TileRemovalReason]
    TILE_REMOVAL_REASON_BUDGET: _ClassVar[TileRemovalReason]
    TILE_REMOVAL_REASON_DELETED: _ClassVar[TileRemovalReason]

class ExportFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EXPORT_FORMAT_UNSPECIFIED: _ClassVar[ExportFormat]
    EXPORT_FORMAT_PLY: _ClassVar[ExportFormat]
    EXPORT_FORMAT_SPZ: _ClassVar[ExportFormat]
    EXPORT_FORMAT_GLTF: _ClassVar[ExportFormat]
    EXPORT_FORMAT_MESH: _ClassVar[ExportFormat]
    EXPORT_FORMAT_COLLIDER: _ClassVar[ExportFormat]
WORLD_STATE_UNSPECIFIED: WorldState
WORLD_STATE_CREATING: WorldState
WORLD_STATE_READY: WorldState
WORLD_STATE_FAILED: WorldState
ENGINE_FRAME_UNSPECIFIED: EngineFrame
ENGINE_FRAME_GLTF: EngineFrame
ENGINE_FRAME_UNITY: EngineFrame
ENGINE_FRAME_UNREAL: EngineFrame
TILE_ENCODING_UNSPECIFIED: TileEncoding
TILE_ENCODING_RAW_F32: TileEncoding
TILE_ENCODING_QUANTIZED_V1: TileEncoding
TILE_REMOVAL_REASON_UNSPECIFIED: TileRemovalReason
TILE_REMOVAL_REASON_BUDGET: TileRemovalReason
TILE_REMOVAL_REASON_DELETED: TileRemovalReason
EXPORT_FORMAT_UNSPECIFIED: ExportFormat
EXPORT_FORMAT_PLY: ExportFormat
EXPORT_FORMAT_SPZ: ExportFormat
EXPORT_FORMAT_GLTF: ExportFormat
EXPORT_FORMAT_MESH: ExportFormat
EXPORT_FORMAT_COLLIDER: ExportFormat

class World(_message.Message):
    __slots__ = ("name", "display_name", "state", "create_time", "update_time", "splat_count", "frame_count", "tile_size_m", "sh_degree", "bounds_min", "bounds_max", "scale", "generator", "failure_message", "spawn_position", "spawn_rotation", "spawn_vertical_fov_degrees", "uid")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SPLAT_COUNT_FIELD_NUMBER: _ClassVar[int]
    FRAME_COUNT_FIELD_NUMBER: _ClassVar[int]
    TILE_SIZE_M_FIELD_NUMBER: _ClassVar[int]
    SH_DEGREE_FIELD_NUMBER: _ClassVar[int]
    BOUNDS_MIN_FIELD_NUMBER: _ClassVar[int]
    BOUNDS_MAX_FIELD_NUMBER: _ClassVar[int]
    SCALE_FIELD_NUMBER: _ClassVar[int]
    GENERATOR_FIELD_NUMBER: _ClassVar[int]
    FAILURE_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SPAWN_POSITION_FIELD_NUMBER: _ClassVar[int]
    SPAWN_ROTATION_FIELD_NUMBER: _ClassVar[int]
    SPAWN_VERTICAL_FOV_DEGREES_FIELD_NUMBER: _ClassVar[int]
    UID_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    state: WorldState
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    splat_count: int
    frame_count: int
    tile_size_m: float
    sh_degree: int
    bounds_min: Vec3
    bounds_max: Vec3
    scale: WorldScale
    generator: str
    failure_message: str
    spawn_position: Vec3
    spawn_rotation: Quat
    spawn_vertical_fov_degrees: float
    uid: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., state: _Optional[_Union[WorldState, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., splat_count: _Optional[int] = ..., frame_count: _Optional[int] = ..., tile_size_m: _Optional[float] = ..., sh_degree: _Optional[int] = ..., bounds_min: _Optional[_Union[Vec3, _Mapping]] = ..., bounds_max: _Optional[_Union[Vec3, _Mapping]] = ..., scale: _Optional[_Union[WorldScale, _Mapping]] = ..., generator: _Optional[str] = ..., failure_message: _Optional[str] = ..., spawn_position: _Optional[_Union[Vec3, _Mapping]] = ..., spawn_rotation: _Optional[_Union[Quat, _Mapping]] = ..., spawn_vertical_fov_degrees: _Optional[float] = ..., uid: _Optional[str] = ...) -> None: ...

class WorldScale(_message.Message):
    __slots__ = ("depth_source", "metric", "median_depth_m")
    DEPTH_SOURCE_FIELD_NUMBER: _ClassVar[int]
    METRIC_FIELD_NUMBER: _ClassVar[int]
    MEDIAN_DEPTH_M_FIELD_NUMBER: _ClassVar[int]
    depth_source: str
    metric: bool
    median_depth_m: float
    def __init__(self, depth_source: _Optional[str] = ..., metric: _Optional[bool] = ..., median_depth_m: _Optional[float] = ...) -> None: ...

class Vec3(_message.Message):
    __slots__ = ("x", "y", "z")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    Z_FIELD_NUMBER: _ClassVar[int]
    x: float
    y: float
    z: float
    def __init__(self, x: _Optional[float] = ..., y: _Optional[float] = ..., z: _Optional[float] = ...) -> None: ...

class Quat(_message.Message):
    __slots__ = ("x", "y", "z", "w")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    Z_FIELD_NUMBER: _ClassVar[int]
    W_FIELD_NUMBER: _ClassVar[int]
    x: float
    y: float
    z: float
    w: float
    def __init__(self, x: _Optional[float] = ..., y: _Optional[float] = ..., z: _Optional[float] = ..., w: _Optional[float] = ...) -> None: ...

class Progress(_message.Message):
    __slots__ = ("stage", "fraction", "message")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    FRACTION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    stage: str
    fraction: float
    message: str
    def __init__(self, stage: _Optional[str] = ..., fraction: _Optional[float] = ..., message: _Optional[str] = ...) -> None: ...

class CreateWorldRequest(_message.Message):
    __slots__ = ("world_id", "display_name", "photo", "options")
    WORLD_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    PHOTO_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    world_id: str
    display_name: str
    photo: bytes
    options: CreateWorldOptions
    def __init__(self, world_id: _Optional[str] = ..., display_name: _Optional[str] = ..., photo: _Optional[bytes] = ..., options: _Optional[_Union[CreateWorldOptions, _Mapping]] = ...) -> None: ...

class CreateWorldOptions(_message.Message):
    __slots__ = ("generator", "horizontal_fov_degrees", "tile_size_m", "max_side_px")
    GENERATOR_FIELD_NUMBER: _ClassVar[int]
    HORIZONTAL_FOV_DEGREES_FIELD_NUMBER: _ClassVar[int]
    TILE_SIZE_M_FIELD_NUMBER: _ClassVar[int]
    MAX_SIDE_PX_FIELD_NUMBER: _ClassVar[int]
    generator: str
    horizontal_fov_degrees: float
    tile_size_m: float
    max_side_px: int
    def __init__(self, generator: _Optional[str] = ..., horizontal_fov_degrees: _Optional[float] = ..., tile_size_m: _Optional[float] = ..., max_side_px: _Optional[int] = ...) -> None: ...

class CreateWorldResponse(_message.Message):
    __slots__ = ("progress", "world")
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    WORLD_FIELD_NUMBER: _ClassVar[int]
    progress: Progress
    world: World
    def __init__(self, progress: _Optional[_Union[Progress, _Mapping]] = ..., world: _Optional[_Union[World, _Mapping]] = ...) -> None: ...

class GetWorldRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetWorldResponse(_message.Message):
    __slots__ = ("world",)
    WORLD_FIELD_NUMBER: _ClassVar[int]
    world: World
    def __init__(self, world: _Optional[_Union[World, _Mapping]] = ...) -> None: ...

class ListWorldsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListWorldsResponse(_message.Message):
    __slots__ = ("worlds", "next_page_token")
    WORLDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    worlds: _containers.RepeatedCompositeFieldContainer[World]
    next_page_token: str
    def __init__(self, worlds: _Optional[_Iterable[_Union[World, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteWorldRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteWorldResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TileKey(_message.Message):
    __slots__ = ("x", "y", "z", "lod")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    Z_FIELD_NUMBER: _ClassVar[int]
    LOD_FIELD_NUMBER: _ClassVar[int]
    x: int
    y: int
    z: int
    lod: int
    def __init__(self, x: _Optional[int] = ..., y: _Optional[int] = ..., z: _Optional[int] = ..., lod: _Optional[int] = ...) -> None: ...

class HeldTile(_message.Message):
    __slots__ = ("key", "version", "splat_count")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SPLAT_COUNT_FIELD_NUMBER: _ClassVar[int]
    key: TileKey
    version: int
    splat_count: int
    def __init__(self, key: _Optional[_Union[TileKey, _Mapping]] = ..., version: _Optional[int] = ..., splat_count: _Optional[int] = ...) -> None: ...

class ExploreRequest(_message.Message):
    __slots__ = ("start", "view", "ack")
    START_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    ACK_FIELD_NUMBER: _ClassVar[int]
    start: ExploreStart
    view: ViewUpdate
    ack: TileAck
    def __init__(self, start: _Optional[_Union[ExploreStart, _Mapping]] = ..., view: _Optional[_Union[ViewUpdate, _Mapping]] = ..., ack: _Optional[_Union[TileAck, _Mapping]] = ...) -> None: ...

class ExploreStart(_message.Message):
    __slots__ = ("world", "engine_frame", "splat_budget", "credit_bytes", "encodings", "held_tiles", "colliders", "no_generation", "world_uid")
    WORLD_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FRAME_FIELD_NUMBER: _ClassVar[int]
    SPLAT_BUDGET_FIELD_NUMBER: _ClassVar[int]
    CREDIT_BYTES_FIELD_NUMBER: _ClassVar[int]
    ENCODINGS_FIELD_NUMBER: _ClassVar[int]
    HELD_TILES_FIELD_NUMBER: _ClassVar[int]
    COLLIDERS_FIELD_NUMBER: _ClassVar[int]
    NO_GENERATION_FIELD_NUMBER: _ClassVar[int]
    WORLD_UID_FIELD_NUMBER: _ClassVar[int]
    world: str
    engine_frame: EngineFrame
    splat_budget: int
    credit_bytes: int
    encodings: _containers.RepeatedScalarFieldContainer[TileEncoding]
    held_tiles: _containers.RepeatedCompositeFieldContainer[HeldTile]
    colliders: bool
    no_generation: bool
    world_uid: str
    def __init__(self, world: _Optional[str] = ..., engine_frame: _Optional[_Union[EngineFrame, str]] = ..., splat_budget: _Optional[int] = ..., credit_bytes: _Optional[int] = ..., encodings: _Optional[_Iterable[_Union[TileEncoding, str]]] = ..., held_tiles: _Optional[_Iterable[_Union[HeldTile, _Mapping]]] = ..., colliders: _Optional[bool] = ..., no_generation: _Optional[bool] = ..., world_uid: _Optional[str] = ...) -> None: ...

class ViewUpdate(_message.Message):
    __slots__ = ("sequence", "position", "rotation", "vertical_fov_degrees", "viewport_width", "viewport_height", "velocity")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    ROTATION_FIELD_NUMBER: _ClassVar[int]
    VERTICAL_FOV_DEGREES_FIELD_NUMBER: _ClassVar[int]
    VIEWPORT_WIDTH_FIELD_NUMBER: _ClassVar[int]
    VIEWPORT_HEIGHT_FIELD_NUMBER: _ClassVar[int]
    VELOCITY_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    position: Vec3
    rotation: Quat
    vertical_fov_degrees: float
    viewport_width: int
    viewport_height: int
    velocity: Vec3
    def __init__(self, sequence: _Optional[int] = ..., position: _Optional[_Union[Vec3, _Mapping]] = ..., rotation: _Optional[_Union[Quat, _Mapping]] = ..., vertical_fov_degrees: _Optional[float] = ..., viewport_width: _Optional[int] = ..., viewport_height: _Optional[int] = ..., velocity: _Optional[_Union[Vec3, _Mapping]] = ...) -> None: ...

class TileAck(_message.Message):
    __slots__ = ("bytes",)
    BYTES_FIELD_NUMBER: _ClassVar[int]
    bytes: int
    def __init__(self, bytes: _Optional[int] = ...) -> None: ...

class ExploreResponse(_message.Message):
    __slots__ = ("header", "tile_chunk", "tile_removal", "generation", "warning", "view_status", "collider_chunk", "tile_batch")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    TILE_CHUNK_FIELD_NUMBER: _ClassVar[int]
    TILE_REMOVAL_FIELD_NUMBER: _ClassVar[int]
    GENERATION_FIELD_NUMBER: _ClassVar[int]
    WARNING_FIELD_NUMBER: _ClassVar[int]
    VIEW_STATUS_FIELD_NUMBER: _ClassVar[int]
    COLLIDER_CHUNK_FIELD_NUMBER: _ClassVar[int]
    TILE_BATCH_FIELD_NUMBER: _ClassVar[int]
    header: ExploreHeader
    tile_chunk: TileChunk
    tile_removal: TileRemoval
    generation: GenerationProgress
    warning: StreamWarning
    view_status: ViewStatus
    collider_chunk: ColliderChunk
    tile_batch: TileBatch
    def __init__(self, header: _Optional[_Union[ExploreHeader, _Mapping]] = ..., tile_chunk: _Optional[_Union[TileChunk, _Mapping]] = ..., tile_removal: _Optional[_Union[TileRemoval, _Mapping]] = ..., generation: _Optional[_Union[GenerationProgress, _Mapping]] = ..., warning: _Optional[_Union[StreamWarning, _Mapping]] = ..., view_status: _Optional[_Union[ViewStatus, _Mapping]] = ..., collider_chunk: _Optional[_Union[ColliderChunk, _Mapping]] = ..., tile_batch: _Optional[_Union[TileBatch, _Mapping]] = ...) -> None: ...

class ExploreHeader(_message.Message):
    __slots__ = ("world", "engine_frame", "encoding", "splat_budget", "credit_bytes", "max_chunk_bytes", "resumed_tiles", "spawn_position", "spawn_rotation")
    WORLD_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FRAME_FIELD_NUMBER: _ClassVar[int]
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    SPLAT_BUDGET_FIELD_NUMBER: _ClassVar[int]
    CREDIT_BYTES_FIELD_NUMBER: _ClassVar[int]
    MAX_CHUNK_BYTES_FIELD_NUMBER: _ClassVar[int]
    RESUMED_TILES_FIELD_NUMBER: _ClassVar[int]
    SPAWN_POSITION_FIELD_NUMBER: _ClassVar[int]
    SPAWN_ROTATION_FIELD_NUMBER: _ClassVar[int]
    world: World
    engine_frame: EngineFrame
    encoding: TileEncoding
    splat_budget: int
    credit_bytes: int
    max_chunk_bytes: int
    resumed_tiles: int
    spawn_position: Vec3
    spawn_rotation: Quat
    def __init__(self, world: _Optional[_Union[World, _Mapping]] = ..., engine_frame: _Optional[_Union[EngineFrame, str]] = ..., encoding: _Optional[_Union[TileEncoding, str]] = ..., splat_budget: _Optional[int] = ..., credit_bytes: _Optional[int] = ..., max_chunk_bytes: _Optional[int] = ..., resumed_tiles: _Optional[int] = ..., spawn_position: _Optional[_Union[Vec3, _Mapping]] = ..., spawn_rotation: _Optional[_Union[Quat, _Mapping]] = ...) -> None: ...

class TileChunk(_message.Message):
    __slots__ = ("key", "version", "encoding", "chunk_index", "chunk_count", "splat_count", "payload_bytes", "data", "geometric_error")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    CHUNK_INDEX_FIELD_NUMBER: _ClassVar[int]
    CHUNK_COUNT_FIELD_NUMBER: _ClassVar[int]
    SPLAT_COUNT_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_BYTES_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    GEOMETRIC_ERROR_FIELD_NUMBER: _ClassVar[int]
    key: TileKey
    version: int
    encoding: TileEncoding
    chunk_index: int
    chunk_count: int
    splat_count: int
    payload_bytes: int
    data: bytes
    geometric_error: float
    def __init__(self, key: _Optional[_Union[TileKey, _Mapping]] = ..., version: _Optional[int] = ..., encoding: _Optional[_Union[TileEncoding, str]] = ..., chunk_index: _Optional[int] = ..., chunk_count: _Optional[int] = ..., splat_count: _Optional[int] = ..., payload_bytes: _Optional[int] = ..., data: _Optional[bytes] = ..., geometric_error: _Optional[float] = ...) -> None: ...

class TileBatch(_message.Message):
    __slots__ = ("chunks",)
    CHUNKS_FIELD_NUMBER: _ClassVar[int]
    chunks: _containers.RepeatedCompositeFieldContainer[TileChunk]
    def __init__(self, chunks: _Optional[_Iterable[_Union[TileChunk, _Mapping]]] = ...) -> None: ...

class ColliderChunk(_message.Message):
    __slots__ = ("key", "version", "chunk_index", "chunk_count", "triangle_count", "payload_bytes", "data")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CHUNK_INDEX_FIELD_NUMBER: _ClassVar[int]
    CHUNK_COUNT_FIELD_NUMBER: _ClassVar[int]
    TRIANGLE_COUNT_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_BYTES_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    key: TileKey
    version: int
    chunk_index: int
    chunk_count: int
    triangle_count: int
    payload_bytes: int
    data: bytes
    def __init__(self, key: _Optional[_Union[TileKey, _Mapping]] = ..., version: _Optional[int] = ..., chunk_index: _Optional[int] = ..., chunk_count: _Optional[int] = ..., triangle_count: _Optional[int] = ..., payload_bytes: _Optional[int] = ..., data: _Optional[bytes] = ...) -> None: ...

class TileRemoval(_message.Message):
    __slots__ = ("key", "reason")
    KEY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    key: TileKey
    reason: TileRemovalReason
    def __init__(self, key: _Optional[_Union[TileKey, _Mapping]] = ..., reason: _Optional[_Union[TileRemovalReason, str]] = ...) -> None: ...

class GenerationProgress(_message.Message):
    __slots__ = ("job", "progress")
    JOB_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    job: str
    progress: Progress
    def __init__(self, job: _Optional[str] = ..., progress: _Optional[_Union[Progress, _Mapping]] = ...) -> None: ...

class StreamWarning(_message.Message):
    __slots__ = ("reason", "message", "metadata")
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    reason: str
    message: str
    metadata: _containers.ScalarMap[str, str]
    def __init__(self, reason: _Optional[str] = ..., message: _Optional[str] = ..., metadata: _Optional[_Mapping[str, str]] = ...) -> None: ...

class ViewStatus(_message.Message):
    __slots__ = ("sequence", "complete", "pending_tiles", "resident_splats", "pending_generation", "world_version")
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    PENDING_TILES_FIELD_NUMBER: _ClassVar[int]
    RESIDENT_SPLATS_FIELD_NUMBER: _ClassVar[int]
    PENDING_GENERATION_FIELD_NUMBER: _ClassVar[int]
    WORLD_VERSION_FIELD_NUMBER: _ClassVar[int]
    sequence: int
    complete: bool
    pending_tiles: int
    resident_splats: int
    pending_generation: int
    world_version: int
    def __init__(self, sequence: _Optional[int] = ..., complete: _Optional[bool] = ..., pending_tiles: _Optional[int] = ..., resident_splats: _Optional[int] = ..., pending_generation: _Optional[int] = ..., world_version: _Optional[int] = ...) -> None: ...

class ExportWorldRequest(_message.Message):
    __slots__ = ("name", "format", "engine_frame")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FRAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    format: ExportFormat
    engine_frame: EngineFrame
    def __init__(self, name: _Optional[str] = ..., format: _Optional[_Union[ExportFormat, str]] = ..., engine_frame: _Optional[_Union[EngineFrame, str]] = ...) -> None: ...

class ExportWorldResponse(_message.Message):
    __slots__ = ("progress", "header", "chunk")
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    HEADER_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    progress: Progress
    header: ExportHeader
    chunk: ExportChunk
    def __init__(self, progress: _Optional[_Union[Progress, _Mapping]] = ..., header: _Optional[_Union[ExportHeader, _Mapping]] = ..., chunk: _Optional[_Union[ExportChunk, _Mapping]] = ...) -> None: ...

class ExportHeader(_message.Message):
    __slots__ = ("format", "file_name", "media_type", "total_bytes", "world_version")
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    MEDIA_TYPE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_BYTES_FIELD_NUMBER: _ClassVar[int]
    WORLD_VERSION_FIELD_NUMBER: _ClassVar[int]
    format: ExportFormat
    file_name: str
    media_type: str
    total_bytes: int
    world_version: int
    def __init__(self, format: _Optional[_Union[ExportFormat, str]] = ..., file_name: _Optional[str] = ..., media_type: _Optional[str] = ..., total_bytes: _Optional[int] = ..., world_version: _Optional[int] = ...) -> None: ...

class ExportChunk(_message.Message):
    __slots__ = ("offset", "data")
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    offset: int
    data: bytes
    def __init__(self, offset: _Optional[int] = ..., data: _Optional[bytes] = ...) -> None: ...
