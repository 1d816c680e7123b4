"""Tiles: the world grid, the raw payload codec, wire chunks and per-engine tile encoding."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from worldstream.geometry.engine import EngineFrame, gaussians_to_engine, points_to_engine
from worldstream.geometry.gaussians import Gaussians
from worldstream.tiles import chunks, raw
from worldstream.tiles.encode import ENGINE_FRAME_WIRE, encode_tile_raw
from worldstream.tiles.grid import TileKey, build_tiles


def random_arrays(count: int, sh_degree: int = 0, seed: int = 0, extent: float = 10.0) -> dict:
    rng = np.random.default_rng(seed)
    quats = rng.normal(size=(count, 4))
    quats /= np.linalg.norm(quats, axis=1, keepdims=True)
    return {
        "means": rng.uniform(-extent, extent, (count, 3)).astype(np.float32),
        "quats": quats.astype(np.float32),
        "log_scales": rng.uniform(-5, 0, (count, 3)).astype(np.float32),
        "opacity_logits": rng.normal(size=count).astype(np.float32),
        "sh": rng.normal(size=(count, (sh_degree + 1) ** 2, 3)).astype(np.float32),
    }


def random_gaussians(count: int, sh_degree: int = 0, seed: int = 0, extent: float = 10.0):
    return Gaussians.from_numpy(random_arrays(count, sh_degree, seed, extent))


# --- grid --------------------------------------------------------------------------------------


def test_every_gaussian_lands_in_the_cell_holding_its_mean_exactly_once():
    gaussians = random_gaussians(2000, seed=1)
    tiles = build_tiles(gaussians, tile_size=4.0, version=7)
    means = gaussians.to_numpy()["means"].astype(np.float64)

    all_indices = np.concatenate([t.indices for t in tiles.values()])
    assert np.array_equal(np.sort(all_indices), np.arange(len(gaussians)))
    for key, tile in tiles.items():
        assert tile.key == key and tile.version == 7 and key.lod == 0
        assert tile.splat_count == len(tile.indices) > 0
        inside = means[tile.indices]
        assert np.all(inside >= tile.box_min) and np.all(inside < tile.box_max)
        np.testing.assert_array_equal(tile.box_min, np.array([key.x, key.y, key.z]) * 4.0)
        np.testing.assert_array_equal(tile.box_max - tile.box_min, [4.0, 4.0, 4.0])


def test_a_mean_on_a_cell_boundary_belongs_to_the_cell_above_it():
    arrays = random_arrays(4)
    arrays["means"] = np.array(
        [[4.0, 0.0, 0.0], [3.999, 0.0, 0.0], [-4.0, 0.0, 0.0], [0.0, -0.001, 8.0]], np.float32
    )
    tiles = build_tiles(Gaussians.from_numpy(arrays), tile_size=4.0, version=0)
    where = {int(i): key for key, tile in tiles.items() for i in tile.indices}

    assert where == {
        0: TileKey(1, 0, 0),
        1: TileKey(0, 0, 0),
        2: TileKey(-1, 0, 0),
        3: TileKey(0, -1, 2),
    }


def test_an_empty_world_has_no_tiles_and_a_non_positive_tile_size_is_refused():
    assert build_tiles(Gaussians.empty(), 4.0, 0) == {}
    with pytest.raises(ValueError, match="tile_size"):
        build_tiles(random_gaussians(3), 0.0, 0)


# --- raw codec ---------------------------------------------------------------------------------


def encode_arrays(arrays: dict, origin, frame: int = 1) -> bytes:
    return raw.encode(
        np.asarray(origin, dtype=np.float64),
        arrays["means"],
        arrays["quats"],
        arrays["log_scales"],
        arrays["opacity_logits"],
        arrays["sh"],
        frame,
    )


@pytest.mark.parametrize("degree", [0, 1, 3])
def test_a_raw_payload_round_trips_exactly_in_float32(degree):
    arrays = random_arrays(50, sh_degree=degree, seed=degree, extent=3.0)
    arrays["means"] += np.float32(1000.0)  # far from the world origin: why offsets exist
    origin = np.array([1000.0, 999.0, 1001.0])
    payload = encode_arrays(arrays, origin, frame=2)
    tile = raw.decode(payload)

    assert tile.sh_degree == degree and tile.engine_frame == 2 and tile.count == 50
    np.testing.assert_array_equal(tile.origin, origin)
    expected_positions = (arrays["means"].astype(np.float64) - origin).astype(np.float32)
    np.testing.assert_array_equal(tile.positions, expected_positions)
    for name in ("quats", "log_scales", "opacity_logits", "sh"):
        assert getattr(tile, name).dtype == np.float32
        np.testing.assert_array_equal(getattr(tile, name), arrays[name])
    np.testing.assert_allclose(tile.absolute_positions(), arrays["means"], atol=1e-4)


def test_a_raw_payload_has_the_documented_header():
    arrays = random_arrays(3, sh_degree=3)
    payload = encode_arrays(arrays, [1.5, -2.0, 3.25], frame=3)

    assert payload[:4] == b"WSRF"
    assert struct.unpack_from("<HBBII", payload, 4) == (1, 3, 3, 3, 0)
    assert struct.unpack_from("<3d", payload, 16) == (1.5, -2.0, 3.25)
    assert raw.HEADER_BYTES == 40


@pytest.mark.parametrize("count,degree", [(0, 0), (1, 0), (17, 1), (5, 2), (40, 3)])
def test_payload_bytes_is_the_length_of_the_encoded_payload(count, degree):
    payload = encode_arrays(random_arrays(count, sh_degree=degree), [0.0, 0.0, 0.0])
    assert raw.payload_bytes(count, degree) == len(payload)


def test_a_payload_of_no_splats_decodes_to_empty_arrays():
    tile = raw.decode(encode_arrays(random_arrays(0, sh_degree=2), [1.0, 2.0, 3.0]))
    assert tile.count == 0
    assert tile.sh.shape == (0, 9, 3)
    assert tile.quats.shape == (0, 4)


def good_payload() -> bytes:
    return encode_arrays(random_arrays(4, sh_degree=1), [0.0, 0.0, 0.0])


def patched(payload: bytes, fmt: str, offset: int, *values) -> bytes:
    data = bytearray(payload)
    struct.pack_into(fmt, data, offset, *values)
    return bytes(data)


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda p: p[:39], "shorter than the 40-byte header"),
        (lambda p: b"", "shorter than the 40-byte header"),
        (lambda p: b"XXXX" + p[4:], "bad magic"),
        (lambda p: patched(p, "<H", 4, 2), "version 2"),
        (lambda p: patched(p, "<B", 6, 4), "SH degree 4"),
        (lambda p: p[:-1], "need"),
        (lambda p: p + b"\x00\x00\x00\x00", "need"),
        (lambda p: patched(p, "<I", 8, 5), "5 splats"),
    ],
    ids=[
        "short",
        "empty",
        "magic",
        "version",
        "degree",
        "truncated",
        "trailing",
        "count",
    ],
)
def test_a_malformed_payload_is_refused_with_a_message_naming_the_problem(make, message):
    with pytest.raises(ValueError, match=message):
        raw.decode(make(good_payload()))


# --- chunks ------------------------------------------------------------------------------------


@pytest.mark.parametrize("length,limit", [(1, 1), (10, 3), (12, 4), (1000, 999), (5, 100)])
def test_chunks_cover_the_payload_exactly_and_none_exceeds_the_limit(length, limit):
    payload = bytes(np.random.default_rng(length).integers(0, 256, length, dtype=np.uint8))
    parts = chunks.split(payload, limit)

    assert b"".join(parts) == payload
    assert all(0 < len(p) <= limit for p in parts)
    assert len(parts) == -(-length // limit)


def test_an_empty_payload_is_one_empty_chunk():
    assert chunks.split(b"", 10) == [b""]


def test_a_non_positive_chunk_size_is_refused():
    with pytest.raises(ValueError):
        chunks.split(b"abc", 0)


def send(reassembler: chunks.Reassembler, key, version: int, payload: bytes, limit: int):
    parts = chunks.split(payload, limit)
    results = [reassembler.add(key, version, i, len(parts), p) for i, p in enumerate(parts)]
    return results


def test_the_reassembler_rebuilds_consecutive_payloads():
    reassembler = chunks.Reassembler()
    first, second, empty = b"a" * 25, bytes(range(200)), b""

    results = send(reassembler, TileKey(0, 0, 0), 1, first, 10)
    assert results == [None, None, first]
    assert send(reassembler, TileKey(1, 0, 0), 3, second, 64)[-1] == second
    assert send(reassembler, TileKey(2, 0, 0), 1, empty, 64) == [b""]


def test_a_chunk_that_skips_one_is_refused():
    reassembler = chunks.Reassembler()
    reassembler.add("k", 1, 0, 3, b"a")
    with pytest.raises(ValueError, match="out of order"):
        reassembler.add("k", 1, 2, 3, b"c")


def test_a_chunk_without_its_first_is_refused():
    with pytest.raises(ValueError, match="out of order"):
        chunks.Reassembler().add("k", 1, 1, 2, b"b")


def test_a_chunk_of_another_tile_or_version_in_the_middle_is_refused():
    reassembler = chunks.Reassembler()
    reassembler.add("k", 1, 0, 2, b"a")
    with pytest.raises(ValueError, match="out of order"):
        reassembler.add("other", 1, 1, 2, b"b")
    reassembler.add("k", 1, 0, 2, b"a")
    with pytest.raises(ValueError, match="out of order"):
        reassembler.add("k", 2, 1, 2, b"b")


def test_a_chunk_after_a_completed_payload_is_refused():
    reassembler = chunks.Reassembler()
    assert reassembler.add("k", 1, 0, 1, b"whole") == b"whole"
    with pytest.raises(ValueError):
        reassembler.add("k", 1, 1, 1, b"extra")


def test_a_chunk_whose_count_changes_or_index_exceeds_it_is_refused():
    reassembler = chunks.Reassembler()
    reassembler.add("k", 1, 0, 3, b"a")
    with pytest.raises(ValueError, match="inconsistent"):
        reassembler.add("k", 1, 1, 4, b"b")
    with pytest.raises(ValueError, match="inconsistent"):
        chunks.Reassembler().add("k", 1, 0, 0, b"a")


# --- per-engine tile encoding ------------------------------------------------------------------


@pytest.mark.parametrize("frame", [EngineFrame.GLTF, EngineFrame.UNITY, EngineFrame.UNREAL])
def test_an_encoded_tile_decodes_to_the_world_means_in_the_engine_frame(frame):
    gaussians = random_gaussians(600, sh_degree=3, seed=5, extent=20.0)
    tiles = build_tiles(gaussians, tile_size=8.0, version=1)
    means = gaussians.to_numpy()["means"]
    unit = frame.unit_scale

    assert len(tiles) > 8
    for tile in tiles.values():
        decoded = raw.decode(encode_tile_raw(gaussians, tile, frame))
        expected = points_to_engine(means[tile.indices], frame)
        assert decoded.engine_frame == ENGINE_FRAME_WIRE[frame]
        assert decoded.count == tile.splat_count
        np.testing.assert_allclose(
            decoded.origin, points_to_engine(tile.box_min[None, :], frame)[0]
        )
        # float32 offsets within an 8 m tile: far below a micrometre in any unit.
        np.testing.assert_allclose(decoded.absolute_positions(), expected, atol=1e-5 * unit)
        # Positions are relative to the origin, so they stay within one tile of it.
        assert np.all(np.abs(decoded.positions) <= 8.0 * unit * (1 + 1e-6))


def test_an_encoded_tile_carries_the_engine_attributes_of_its_own_gaussians():
    gaussians = random_gaussians(300, sh_degree=3, seed=6)
    tile = max(build_tiles(gaussians, 4.0, 1).values(), key=lambda t: t.splat_count)
    expected = gaussians_to_engine(gaussians.select(tile.indices), EngineFrame.UNREAL)
    decoded = raw.decode(encode_tile_raw(gaussians, tile, EngineFrame.UNREAL))

    assert decoded.sh_degree == 3
    np.testing.assert_array_equal(decoded.quats, expected["quats"])
    np.testing.assert_array_equal(decoded.log_scales, expected["log_scales"])
    np.testing.assert_array_equal(decoded.opacity_logits, expected["opacity_logits"])
    np.testing.assert_array_equal(decoded.sh, expected["sh"])
