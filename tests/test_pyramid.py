"""Tile pyramids shared by sessions (tiles/pyramid.py) and the payload cache (tiles/payloads.py)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from worldstream.geometry.engine import EngineFrame
from worldstream.geometry.gaussians import Gaussians
from worldstream.tiles import codec
from worldstream.tiles.decode import decode_payload
from worldstream.tiles.encode import Encoding, encode_arrays
from worldstream.tiles.grid import build_tiles
from worldstream.tiles.lod import opacity_mass
from worldstream.tiles.payloads import PayloadCache
from worldstream.tiles.pyramid import LodOptions, build_pyramids


def splats(n: int, seed: int, spread: float = 3.0) -> Gaussians:
    rng = np.random.default_rng(seed)
    return Gaussians.from_numpy(
        {
            "means": rng.uniform(0.0, spread, (n, 3)).astype(np.float32),
            "quats": rng.normal(size=(n, 4)).astype(np.float32),
            "log_scales": rng.uniform(-4.0, -2.0, (n, 3)).astype(np.float32),
            "opacity_logits": rng.normal(size=n).astype(np.float32),
            "sh": rng.normal(size=(n, 1, 3)).astype(np.float32),
        }
    )


def test_level_zero_holds_exactly_the_tiles_gaussians_in_the_codecs_spatial_order():
    g = splats(3000, 0)
    tiles = build_tiles(g, 2.0, 1)
    cells = build_pyramids(g, tiles)
    for key, cell in cells.items():
        level = cell.levels[0]
        assert level.count == tiles[key].splat_count
        original = g.means.numpy()[tiles[key].indices]
        order = np.lexsort(original.T)
        mine = level.arrays["means"]
        np.testing.assert_array_equal(mine[np.lexsort(mine.T)], original[order])
        # Every run of 256 is one compact k-d leaf: its box is far smaller than the tile's.
        if level.count > 2 * codec.CHUNK_SPLATS:
            run = mine[: codec.CHUNK_SPLATS]
            assert np.prod(run.max(0) - run.min(0)) < 0.75 * np.prod(mine.max(0) - mine.min(0))
        # Each coarser level is smaller, with a growing error, and never loses opacity mass
        # (filling saturated cells may add some: tiles/lod.py).
        counts, errors = cell.counts, cell.errors
        assert all(a > b for a, b in itertools.pairwise(counts))
        assert all(a < b for a, b in itertools.pairwise(errors))
        mass0 = opacity_mass(level.arrays["opacity_logits"], level.arrays["log_scales"]).sum()
        top = cell.levels[-1].arrays
        mass = opacity_mass(top["opacity_logits"], top["log_scales"]).sum()
        assert mass >= mass0 * (1.0 - 1e-3)


def test_a_grown_world_rebuilds_only_the_cells_whose_version_changed():
    g = splats(2000, 1, spread=4.0)
    tiles = build_tiles(g, 2.0, np.ones(len(g), np.int32))
    before = build_pyramids(g, tiles)
    extra = splats(300, 2, spread=1.5)  # lands in cell (0, 0, 0) only
    grown = Gaussians.concat([g, extra])
    versions = np.concatenate([np.ones(len(g), np.int32), np.full(len(extra), 2, np.int32)])
    after = build_pyramids(grown, build_tiles(grown, 2.0, versions), previous=before)
    changed = {k for k in after if after[k] is not before.get(k)}
    assert changed == {k for k in after if after[k].version == 2}
    assert len(changed) == 1 and len(after) == len(before) > 1


def test_a_payload_decodes_to_the_level_in_the_engine_frame_and_units():
    g = splats(600, 3)
    cell = next(iter(build_pyramids(g, build_tiles(g, 4.0, 1), LodOptions()).values()))
    level = cell.levels[1]
    payload = encode_arrays(level.arrays, cell.box_min, EngineFrame.UNREAL, Encoding.QUANTIZED_V1)
    tile = decode_payload(payload)
    assert tile.count == level.count and len(payload) <= 14 * level.count + 40 + 64
    assert EngineFrame.UNREAL.unit_scale == pytest.approx(100.0)
    raw_tile = decode_payload(
        encode_arrays(level.arrays, cell.box_min, EngineFrame.UNREAL, Encoding.RAW_F32)
    )
    # Quantized positions within half a step of the chunk's fixed-point grid (one chunk here).
    exact = raw_tile.absolute_positions()
    steps = (exact.max(0) - exact.min(0)) / (2.0 ** np.array(codec.POSITION_BITS) - 1)
    error = np.abs(tile.absolute_positions() - exact)
    assert np.all(error <= 0.5 * steps + 1e-3)


def test_a_payload_that_is_neither_encoding_is_refused():
    with pytest.raises(ValueError, match="not a tile payload"):
        decode_payload(b"JUNKJUNKJUNK")


def test_the_payload_cache_serves_hits_and_stays_within_its_byte_bound():
    cache = PayloadCache(max_bytes=100)
    made = []

    def make(n: int):
        def build() -> bytes:
            made.append(n)
            return bytes(n)

        return build

    assert cache.get("a", make(40)) == bytes(40)
    assert cache.get("a", make(40)) == bytes(40) and made == [40]  # a hit encodes nothing
    cache.get("b", make(50))
    cache.get("c", make(30))  # 120 > 100: the least recently used ("a") goes
    assert cache.peek("a") is None and cache.peek("b") is not None
    assert cache.size_bytes <= 100
    assert cache.get("huge", make(500)) == bytes(500)  # returned, never kept
    assert cache.peek("huge") is None and cache.size_bytes <= 100
