"""A real seeded world, its tiles as the server encodes them for an engine, and the server's own
reference picture of it.

The world is created as `worldstream create` creates one (a photo, the prior generator), in a
temporary data directory. Its tiles are encoded per engine frame by the server's encoder (the
QUANTIZED_V1 payloads a session streams, the conversion to the engine's frame and units done
server-side). The reference is the server's CPU renderer in the world frame, at the world camera
the engine camera was converted from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from skimage import data

from conftest import jpeg_bytes
from worldstream.geometry.camera import Camera, intrinsics_from_fov, look_at
from worldstream.geometry.engine import EngineFrame
from worldstream.geometry.gaussians import SH_C0
from worldstream.render import render_cpu_view
from worldstream.store.store import Store
from worldstream.tiles.encode import Encoding, encode_arrays
from worldstream.tiles.grid import Tile
from worldstream.world.worlds import CreateOptions, Worlds, WorldSettings

WIDTH, HEIGHT = 128, 96
FOV_Y_DEGREES = 55.0
# Looking down at the coffee photo's world from above and to the right, rolled a little, so a
# mirrored or swapped axis, a flipped image or a transposed matrix would show.
EYE, TARGET, UP = (0.6, 1.9, 0.3), (0.0, 1.5, -5.0), (0.12, 1.0, 0.0)
# The last tile is drawn faded to this alpha (a level fading in), in the reference too.
FADE = 0.6


@dataclass
class SeededWorld:
    arrays: dict[str, np.ndarray]  # Gaussians.to_numpy() of the whole world, world frame
    tiles: list[Tile]  # in the order they are streamed here (by key)

    def payloads(self, frame: EngineFrame, out: Path) -> list[Path]:
        """One QUANTIZED_V1 payload per tile, in the engine frame, as a session streams them."""
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for i, tile in enumerate(self.tiles):
            part = {k: v[tile.indices] for k, v in self.arrays.items()}
            path = out / f"tile{i}.wsqt"
            path.write_bytes(encode_arrays(part, tile.box_min, frame, Encoding.QUANTIZED_V1))
            paths.append(path)
        return paths

    def faded(self) -> dict[str, np.ndarray]:
        """The world as drawn: the last tile's opacities times FADE, and the base colour alone
        (both plugins draw SH degree 0)."""
        arrays = {k: v.copy() for k, v in self.arrays.items()}
        arrays["sh"] = arrays["sh"][:, :1]
        rows = self.tiles[-1].indices
        opacity = FADE / (1.0 + np.exp(-arrays["opacity_logits"][rows].astype(np.float64)))
        arrays["opacity_logits"][rows] = np.log(opacity / (1.0 - opacity)).astype(np.float32)
        return arrays


def seeded_world(data_dir: Path) -> SeededWorld:
    small = np.asarray(Image.fromarray(data.coffee()).resize((120, 80)))
    worlds = Worlds(Store(data_dir), WorldSettings())
    try:
        worlds.create(jpeg_bytes(small), CreateOptions(generator="prior"), world_id="drawn")
        world = worlds.load("drawn")
        tiles = [world.tiles[key] for key in sorted(world.tiles)]
        return SeededWorld(world.gaussians.to_numpy(), tiles)
    finally:
        worlds.store.close()


def camera(width: int = WIDTH, height: int = HEIGHT) -> Camera:
    return Camera(
        intrinsics_from_fov(FOV_Y_DEGREES, width, height), look_at(EYE, TARGET, UP), width, height
    )


def linear_light(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The same splats with their base colours decoded from sRGB to linear light: rendered and
    then encoded back, the picture of blending in linear light (a linear-space engine target)."""
    colour = np.maximum(0.5 + SH_C0 * arrays["sh"][:, 0].astype(np.float64), 0.0)
    linear = np.where(colour <= 0.04045, colour / 12.92, ((colour + 0.055) / 1.055) ** 2.4)
    return {**arrays, "sh": ((linear - 0.5) / SH_C0)[:, None, :].astype(np.float32)}


def seams(world: SeededWorld, arrays: dict[str, np.ndarray], cam: Camera) -> np.ndarray:
    """[H, W] pixels that splats of two tiles or more reach (alpha over 0.02 from each): where
    tiles sorted one by one, rather than together, would show."""
    covered = np.zeros((cam.height, cam.width), np.int64)
    for tile in world.tiles:
        part = {k: v[tile.indices] for k, v in arrays.items()}
        alone = render_cpu_view(part, cam.world_to_camera, cam.K, cam.width, cam.height)
        covered += alone.alpha > 0.02
    return covered >= 2


def reference(arrays: dict[str, np.ndarray], cam: Camera) -> np.ndarray:
    """[H, W, 3] display values in [0, 1] over black, rows top first."""
    rendered = render_cpu_view(arrays, cam.world_to_camera, cam.K, cam.width, cam.height)
    return np.clip(rendered.rgb, 0.0, 1.0)
