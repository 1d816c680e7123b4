"""A tile's payload for one client: its Gaussians converted to the client's engine frame, encoded.

The engine frame is applied here, at encode time, per session (DESIGN.md § Conventions).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import numpy as np

from worldstream.geometry.engine import EngineFrame, gaussians_to_engine, points_to_engine
from worldstream.geometry.gaussians import Gaussians
from worldstream.tiles import codec, raw
from worldstream.tiles.grid import Tile

# The wire numbers of EngineFrame in the proto and in payload headers.
ENGINE_FRAME_WIRE = {EngineFrame.GLTF: 1, EngineFrame.UNITY: 2, EngineFrame.UNREAL: 3}


class Encoding(enum.Enum):
    """Payload formats, valued as the proto's TileEncoding numbers."""

    RAW_F32 = 1  # docs/tile-raw-format.md
    QUANTIZED_V1 = 2  # docs/tile-format.md


def encode_arrays(
    arrays: Mapping[str, np.ndarray], box_min: np.ndarray, frame: EngineFrame, encoding: Encoding
) -> bytes:
    """World-frame Gaussian arrays (`Gaussians.to_numpy` keys) of one tile -> its payload."""
    engine = gaussians_to_engine(arrays, frame)
    origin = np.asarray(points_to_engine(np.asarray(box_min)[None, :], frame)[0], np.float64)
    write = raw.encode if encoding is Encoding.RAW_F32 else codec.encode
    return write(
        origin,
        engine["means"],
        engine["quats"],
        engine["log_scales"],
        engine["opacity_logits"],
        engine["sh"],
        ENGINE_FRAME_WIRE[frame],
    )


def encode_tile_raw(gaussians: Gaussians, tile: Tile, frame: EngineFrame) -> bytes:
    return encode_arrays(
        gaussians.select(tile.indices).to_numpy(), tile.box_min, frame, Encoding.RAW_F32
    )
