"""What an Explore stream's start asks for, checked against the server's limits, and the warning
responses a stream uses for problems that do not end it."""

from __future__ import annotations

from worldstream.api.config import ServerConfig
from worldstream.errors import InvalidArgument
from worldstream.session.explore import SessionLimits
from worldstream.tiles.encode import Encoding
from worldstream.v1 import worldstream_pb2 as pb

_WRITES = (Encoding.QUANTIZED_V1, Encoding.RAW_F32)  # what this server writes, preferred first


def warning(reason: str, message: str, **metadata: object) -> pb.ExploreResponse:
    meta = {k: str(v) for k, v in metadata.items()}
    return pb.ExploreResponse(
        warning=pb.StreamWarning(reason=reason, message=message, metadata=meta)
    )


def session_limits(start: pb.ExploreStart, cfg: ServerConfig) -> SessionLimits:
    if start.splat_budget < 0 or start.splat_budget > cfg.max_splat_budget:
        raise InvalidArgument(
            "INVALID_SPLAT_BUDGET",
            f"splat_budget must be in [0, {cfg.max_splat_budget}], got {start.splat_budget}",
        )
    if start.credit_bytes < 0 or start.credit_bytes > cfg.max_credit_bytes:
        raise InvalidArgument(
            "INVALID_CREDIT_BYTES",
            f"credit_bytes must be in [0, {cfg.max_credit_bytes}], got {start.credit_bytes}",
        )
    if len(start.held_tiles) > cfg.max_held_tiles:
        raise InvalidArgument(
            "MANIFEST_TOO_LARGE",
            f"held_tiles has {len(start.held_tiles)} entries; the limit is {cfg.max_held_tiles}",
        )
    return SessionLimits(
        start.splat_budget or cfg.default_splat_budget,
        start.credit_bytes or cfg.default_credit_bytes,
        cfg.max_sse_px,
    )


def chosen_encoding(start: pb.ExploreStart) -> Encoding:
    """The first encoding in the client's list that this server writes."""
    asked = list(start.encodings) or [pb.TILE_ENCODING_RAW_F32]
    for number in asked:
        for encoding in _WRITES:
            if encoding.value == number:
                return encoding
    raise InvalidArgument(
        "NO_SUPPORTED_ENCODING",
        "the client accepts no encoding this server writes (QUANTIZED_V1, RAW_F32)",
    )
