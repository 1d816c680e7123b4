"""A tile's payload for one client: its Gaussians converted to the client's engine frame, encoded.

The engine frame is applied here, at encode time, per session (DESIGN.md § Conventions).
"""

from __future__ import annotations

import numpy as np

from worldstream.geometry.engine import EngineFrame, gaussians_to_engine, points_to_engine
from worldstream.geometry.gaussians import Gaussians
from worldstream.tiles import raw
from worldstream.tiles.grid import Tile

# The wire numbers of EngineFrame in the proto and in raw payload headers.
ENGINE_FRAME_WIRE = {EngineFrame.GLTF: 1, EngineFrame.UNITY: 2, EngineFrame.UNREAL: 3}


def encode_tile_raw(gaussians: Gaussians, tile: Tile, frame: EngineFrame) -> bytes:
    arrays = gaussians_to_engine(gaussians.select(tile.indices), frame)
    origin = points_to_engine(tile.box_min[None, :], frame)[0]
    return raw.encode(
        np.asarray(origin, dtype=np.float64),
        arrays["means"],
        arrays["quats"],
        arrays["log_scales"],
        arrays["opacity_logits"],
        arrays["sh"],
        ENGINE_FRAME_WIRE[frame],
    )
