"""The quantized tile codec WSQT: fast == reference, error bounds, sizes, bad input, vectors."""

from __future__ import annotations

import importlib.util
import json
import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from worldstream.generate import get_generator
from worldstream.geometry.camera import moved
from worldstream.geometry.gaussians import Gaussians
from worldstream.reconstruct.fit import psnr
from worldstream.reconstruct.lift import lift_new
from worldstream.reconstruct.seed_lift import lift_seed
from worldstream.render import render
from worldstream.testing.rooms import two_room_scene
from worldstream.tiles import codec, codec_reference

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "tests" / "vectors"
FIELDS = ("positions", "quats", "log_scales", "opacity_logits", "sh")
DECODERS = {"fast": codec.decode, "reference": codec_reference.decode}


def random_tile(n: int, degree: int, seed: int, box: float = 4.0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    sh = rng.normal(0.0, 0.3, (n, (degree + 1) ** 2, 3)).astype(np.float32)
    sh[:, 0] = rng.normal(0.0, 1.0, (n, 3))
    return {
        "origin": np.array([10.0, -2.0, 5.0]),
        "means": (rng.uniform(0.0, box, (n, 3)) + np.array([10.0, -2.0, 5.0])).astype(np.float32),
        "quats": rng.normal(size=(n, 4)).astype(np.float32),
        "log_scales": rng.uniform(-6.0, -1.0, (n, 3)).astype(np.float32),
        "opacity_logits": rng.normal(0.0, 2.0, n).astype(np.float32),
        "sh": sh,
    }


def encode(tile: dict[str, np.ndarray], frame: int = 1, module=codec) -> bytes:
    return module.encode(
        tile["origin"],
        tile["means"],
        tile["quats"],
        tile["log_scales"],
        tile["opacity_logits"],
        tile["sh"],
        frame,
    )


def chunks(n: int) -> list[slice]:
    return [slice(s, min(n, s + codec.CHUNK_SPLATS)) for s in range(0, n, codec.CHUNK_SPLATS)]


# --- fast path against the reference ------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "degree"), [(0, 0), (1, 0), (3, 3), (255, 1), (256, 2), (600, 3), (1500, 0)]
)
def test_the_fast_codec_writes_and_reads_exactly_what_the_reference_does(n, degree):
    tile = random_tile(n, degree, seed=n + degree)
    payload = encode(tile)
    assert payload == encode(tile, module=codec_reference)
    fast, slow = codec.decode(payload), codec_reference.decode(payload)
    for field in FIELDS:
        np.testing.assert_array_equal(getattr(fast, field), getattr(slow, field), err_msg=field)
    assert (fast.sh_degree, fast.engine_frame, fast.count) == (degree, 1, n)


def test_any_splat_order_round_trips_and_float64_input_gives_the_float32_bytes():
    tile = random_tile(700, 1, seed=4)
    shuffled = {k: v if k == "origin" else v[::-1].copy() for k, v in tile.items()}
    assert encode(shuffled) == encode(shuffled, module=codec_reference)
    as64 = {k: v.astype(np.float64) for k, v in tile.items()}
    assert encode(as64) == encode(tile)


# --- sizes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("degree", [0, 1, 2, 3])
@pytest.mark.parametrize("n", [0, 1, 255, 256, 257, 1000])
def test_payload_length_is_the_documented_formula(n, degree):
    payload = encode(random_tile(n, degree, seed=1))
    full, rest = divmod(n, 256)
    sh_bits = [0, 54, 129, 234][degree]

    def chunk(m: int) -> int:
        return 4 * (16 + degree) + 13 * m + (m * sh_bits + 7) // 8

    assert len(payload) == codec.payload_bytes(n, degree)
    assert len(payload) == 40 + full * chunk(256) + (chunk(rest) if rest else 0)


def test_a_tile_of_4096_splats_at_degree_0_takes_at_most_14_bytes_a_splat():
    assert codec.payload_bytes(4096, 0) / 4096 <= 14.0
    assert len(encode(random_tile(4096, 0, seed=2))) / 4096 <= 14.0


# --- error bounds --------------------------------------------------------------------------------


def step_bound(values: np.ndarray, bits: int, axis=None) -> np.ndarray:
    """Half a quantization step of a chunk range, plus float32 rounding of the stored range."""
    extent = values.max(axis=axis) - values.min(axis=axis)
    scale = np.abs(values).max(axis=axis)
    return extent / (2 * ((1 << bits) - 1)) + 4e-7 * (scale + extent)


def test_every_attribute_comes_back_within_half_a_step_of_its_chunk_range():
    tile = random_tile(1000, 3, seed=5)
    tile["log_scales"][0] = [-30.0, 20.0, -3.0]  # clamped to [-16, 12] first
    tile["opacity_logits"][1] = 40.0  # clamped to 8
    decoded = codec.decode(encode(tile))
    relative = tile["means"].astype(np.float64) - tile["origin"]
    scales = np.clip(tile["log_scales"], codec.LOG_SCALE_MIN, codec.LOG_SCALE_MAX)
    opacity = np.clip(tile["opacity_logits"], -8.0, 8.0)
    for rows in chunks(1000):
        pos_error = np.abs(decoded.positions[rows] - relative[rows])
        for axis, bits in enumerate(codec.POSITION_BITS):
            assert np.all(pos_error[:, axis] <= step_bound(relative[rows, axis], bits))
        assert np.all(
            np.abs(decoded.log_scales[rows] - scales[rows]) <= step_bound(scales[rows], 6)
        )
        assert np.all(
            np.abs(decoded.opacity_logits[rows] - opacity[rows]) <= step_bound(opacity[rows], 7)
        )
        dc = tile["sh"][rows, 0]
        assert np.all(np.abs(decoded.sh[rows, 0] - dc) <= step_bound(dc, 7, axis=0))
        for band, (lo, hi) in enumerate([(1, 4), (4, 9), (9, 16)]):
            rest = tile["sh"][rows, lo:hi]
            half = (1 << (codec.SH_BAND_BITS[band] - 1)) - 1
            bound = np.abs(rest).max() / (2 * half) + 1e-6
            assert np.all(np.abs(decoded.sh[rows, lo:hi] - rest) <= bound)


def test_decoded_quats_are_unit_sign_canonical_and_the_same_rotation():
    tile = random_tile(2000, 0, seed=6)
    tile["quats"][:5] = [
        [0, 0, 0, 0],
        [0, 0, 0, -2],
        [-1, 0, 0, 0],
        [0.5, -0.5, 0.5, -0.5],
        [0, 0, 0, 0],
    ]
    decoded = codec.decode(encode(tile)).quats.astype(np.float64)
    assert np.all(np.abs(np.linalg.norm(decoded, axis=1) - 1.0) < 1e-6)
    # q and -q are one rotation: the encoder makes the largest component positive, so both give
    # the same bytes.
    flipped = {**tile, "quats": -tile["quats"]}
    assert encode(flipped) == encode(tile)
    original = tile["quats"].astype(np.float64)
    norm = np.linalg.norm(original, axis=1, keepdims=True)
    unit = np.where(norm > 0, original / np.where(norm > 0, norm, 1), [1.0, 0, 0, 0])
    # Three components off by at most half a step (sqrt(1/2) / 127 / 2) each and the derived
    # fourth by at most 3x that (it is at least 1/2): under 0.019 in 4D, 1.1 degrees of rotation.
    cos_half_angle = np.abs(np.sum(unit * decoded, axis=1))
    assert np.all(np.degrees(2 * np.arccos(np.minimum(cos_half_angle, 1.0))) < 1.1)
    np.testing.assert_array_equal(decoded[[0, 4]], [[1, 0, 0, 0], [1, 0, 0, 0]])


def test_decoded_positions_stay_inside_the_box_of_their_chunk():
    tile = random_tile(1000, 0, seed=7, box=50.0)
    decoded = codec.decode(encode(tile))
    relative = tile["means"].astype(np.float64) - tile["origin"]
    for rows in chunks(1000):
        lo, hi = relative[rows].min(axis=0), relative[rows].max(axis=0)
        slack = 1e-6 * np.abs(relative[rows]).max()
        assert np.all(decoded.positions[rows] >= lo - slack)
        assert np.all(decoded.positions[rows] <= hi + slack)


def test_a_chunk_of_equal_splats_decodes_exactly():
    tile = random_tile(300, 1, seed=8)
    for key in ("means", "quats", "log_scales", "opacity_logits", "sh"):
        tile[key][:] = tile[key][0]
    tile["quats"][:] = [0.0, 1.0, 0.0, 0.0]
    tile["log_scales"][:] = -3.5  # one range serves all three axes: isotropic keeps it empty
    decoded = codec.decode(encode(tile))
    expected_pos = (tile["means"][0].astype(np.float64) - tile["origin"]).astype(np.float32)
    np.testing.assert_array_equal(decoded.positions, np.broadcast_to(expected_pos, (300, 3)))
    np.testing.assert_array_equal(decoded.quats, np.broadcast_to([0, 1, 0, 0], (300, 4)))
    np.testing.assert_array_equal(decoded.log_scales, tile["log_scales"])
    np.testing.assert_array_equal(decoded.opacity_logits, tile["opacity_logits"])
    np.testing.assert_array_equal(decoded.sh[:, 0], tile["sh"][:, 0])
    # Higher bands are quantized against their band's magnitude, identically for every splat.
    assert np.all(decoded.sh[:, 1:] == decoded.sh[:1, 1:])


# --- spatial order -------------------------------------------------------------------------------


def test_spatial_order_is_a_permutation_that_makes_every_chunk_compact():
    points = np.random.default_rng(9).uniform(0.0, 8.0, (5000, 3))
    order = codec.spatial_order(points)
    assert np.array_equal(np.sort(order), np.arange(5000))
    assert np.array_equal(codec.spatial_order(points), order)  # deterministic

    def worst_chunk_extent(p: np.ndarray) -> float:
        return max(float(np.max(p[r].max(0) - p[r].min(0))) for r in chunks(len(p)))

    # 5000 uniform points: 256 of them fill about 1/20 of the volume, a box of ~3 m edge.
    assert worst_chunk_extent(points[order]) < 4.5 < worst_chunk_extent(points)
    decoded = codec.decode(encode({**random_tile(5000, 0, 9), "means": points[order]}))
    unordered = codec.decode(encode({**random_tile(5000, 0, 9), "means": points}))
    error = np.abs(decoded.absolute_positions() - points[order]).mean()
    assert error < np.abs(unordered.absolute_positions() - points).mean() / 2


def test_spatial_order_handles_empty_single_and_rejects_nan():
    assert codec.spatial_order(np.zeros((0, 3))).shape == (0,)
    assert codec.spatial_order(np.zeros((1, 3))).tolist() == [0]
    with pytest.raises(ValueError, match="finite"):
        codec.spatial_order(np.array([[0.0, np.nan, 0.0]]))


# --- bad input -----------------------------------------------------------------------------------


def corrupt(payload: bytes, offset: int, fmt: str, value) -> bytes:
    out = bytearray(payload)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


GOOD = encode(random_tile(300, 1, seed=10))
BAD_PAYLOADS = {
    "shorter than the 40-byte header": GOOD[:39],
    "bad magic": b"WSRF" + GOOD[4:],
    "unsupported quantized tile version 2": corrupt(GOOD, 4, "<H", 2),
    "SH degree 4 is above 3": corrupt(GOOD, 6, "<B", 4),
    "engine frame byte 0": corrupt(GOOD, 7, "<B", 0),
    "300 splats at SH degree 1 need": GOOD[:-1],
    "301 splats at SH degree 1 need": corrupt(GOOD, 8, "<I", 301),
    "4294967295 splats": corrupt(GOOD, 8, "<I", 0xFFFFFFFF),
    "reserved header word": corrupt(GOOD, 12, "<I", 1),
    "tile origin": corrupt(GOOD, 24, "<d", float("nan")),
    "chunk 0: position min": corrupt(GOOD, 40, "<f", float("nan")),
    "chunk 1: log-scale extent": corrupt(GOOD, 40 + codec.chunk_bytes(256, 1) + 28, "<f", -1.0),
    "chunk 1: SH band magnitudes": corrupt(GOOD, 40 + codec.chunk_bytes(256, 1) + 64, "<f", np.inf),
}


@pytest.mark.parametrize("decoder", DECODERS)
@pytest.mark.parametrize("problem", BAD_PAYLOADS)
def test_a_malformed_payload_raises_a_value_error_naming_the_problem(decoder, problem):
    with pytest.raises(ValueError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        DECODERS[decoder](BAD_PAYLOADS[problem])


def test_every_truncation_of_a_payload_is_rejected_and_memoryviews_decode():
    payload = encode(random_tile(20, 2, seed=11))
    for cut in range(len(payload)):
        with pytest.raises(ValueError):
            codec.decode(memoryview(payload)[:cut])
    np.testing.assert_array_equal(codec.decode(memoryview(payload)).sh, codec.decode(payload).sh)


@pytest.mark.parametrize("module", [codec, codec_reference])
def test_encode_rejects_non_finite_values_bad_shapes_and_unknown_frames(module):
    tile = random_tile(300, 0, seed=12)
    bad = {**tile, "quats": tile["quats"].copy()}
    bad["quats"][280, 2] = np.nan
    with pytest.raises(ValueError, match="finite"):
        encode(bad, module=module)
    with pytest.raises(ValueError, match="log_scales has shape"):
        encode({**tile, "log_scales": tile["log_scales"][:, :2]}, module=module)
    with pytest.raises(ValueError, match="SH coefficients"):
        encode({**tile, "sh": np.zeros((300, 5, 3), np.float32)}, module=module)
    with pytest.raises(ValueError, match="engine frame"):
        encode(tile, frame=4, module=module)


# --- golden vectors ------------------------------------------------------------------------------


def vector_names() -> list[str]:
    return sorted(p.stem for p in VECTORS.glob("tile_v1_*.json"))


@pytest.mark.parametrize("decoder", DECODERS)
@pytest.mark.parametrize("name", vector_names())
def test_every_golden_vector_decodes_to_the_values_in_its_json(name, decoder):
    expected = json.loads((VECTORS / f"{name}.json").read_text())
    payload = (VECTORS / expected["payload"]).read_bytes()
    assert len(payload) == expected["payload_bytes"]
    assert payload[:4].decode() == expected["magic"] == "WSQT"
    tile = DECODERS[decoder](payload)
    assert tile.count == expected["count"]
    assert tile.sh_degree == expected["sh_degree"]
    assert tile.engine_frame == expected["engine_frame"]
    assert tile.origin.tolist() == expected["origin"]
    for field in FIELDS:
        want = np.array(expected["decoded"][field], dtype=np.float32).reshape(
            getattr(tile, field).shape
        )
        # Python decodes with the spec's float64 formula: bit-exact, not just within tolerance.
        np.testing.assert_array_equal(getattr(tile, field), want, err_msg=field)


def test_the_vectors_cover_the_cases_the_clients_must_handle():
    docs = [json.loads((VECTORS / f"{n}.json").read_text()) for n in vector_names()]
    assert {d["engine_frame"] for d in docs} == {1, 2, 3}
    assert {d["sh_degree"] for d in docs} >= {0, 3}
    assert {d["count"] for d in docs} >= {0, 1, 3, 257, 260, 300}
    assert sum(p.stat().st_size for p in VECTORS.iterdir()) < 1_000_000


def test_the_generator_script_rewrites_the_committed_vectors_byte_for_byte(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "gen_vectors", ROOT / "scripts" / "gen_vectors.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.write_vectors(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in VECTORS.iterdir())
    for path in written:
        assert path.read_bytes() == (VECTORS / path.name).read_bytes(), path.name


# --- what it looks like ------------------------------------------------------------------------


def round_trip_psnrs(gaussians: Gaussians, cameras) -> list[float]:
    """PSNR of the decoded tile's render against the float world's, per camera."""
    world = gaussians.to_numpy()
    order = codec.spatial_order(world["means"])
    world = {k: v[order] for k, v in world.items()}
    origin = np.floor(world["means"].min(axis=0)).astype(np.float64)
    tile = codec.decode(encode({"origin": origin, **world}))
    decoded = {
        "means": tile.absolute_positions(),
        "quats": tile.quats,
        "log_scales": tile.log_scales,
        "opacity_logits": tile.opacity_logits,
        "sh": tile.sh,
    }
    return [
        psnr(
            render(Gaussians.from_numpy(decoded), camera).rgb,
            render(Gaussians.from_numpy(world), camera).rgb,
        )
        for camera in cameras
    ]


def test_a_lifted_photo_renders_at_40_db_or_more_after_the_round_trip():
    photo = np.asarray(Image.fromarray(data.coffee()).resize((96, 64), Image.Resampling.LANCZOS))
    frame, _ = get_generator("prior").seed(photo, 60.0)
    assert min(round_trip_psnrs(lift_new(frame, Gaussians.empty()), [frame.camera])) >= 40.0


def test_the_rooms_world_as_the_server_lifts_it_renders_at_40_db_or_more_after_the_round_trip():
    # The textured rooms: the seed lift's staggered, partly transparent front layer keeps
    # one depth order under quantization, where one opaque splat per pixel reshuffles coplanar
    # neighbours (bench/RESULTS.md: jitter floor).
    scene = two_room_scene()
    frame = scene.frame(scene.camera("spawn", 160, 120))
    cameras = [frame.camera, moved(frame.camera, 0.3, 10.0)]
    assert min(round_trip_psnrs(lift_seed(frame), cameras)) >= 40.0
