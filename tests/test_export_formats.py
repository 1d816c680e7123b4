"""Export files read back by third-party readers: plyfile and gsply (PLY), gsply and an
independent decode of the spec (SPZ), pygltflib and the Khronos glTF-Validator (GLB)."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import struct
import subprocess
from pathlib import Path

import gsply
import numpy as np
import pygltflib
import pytest
from plyfile import PlyData

from worldstream.geometry.engine import EngineFrame, quat_wxyz_to_matrix, sh_basis
from worldstream.geometry.gaussians import SH_C0, Gaussians
from worldstream.world import export_spz
from worldstream.world.export_gltf import (
    COLOR_SPACE,
    EXTENSION,
    KERNEL,
    OPACITY,
    ROTATION,
    SCALE,
    gltf_bytes,
    sh_semantic,
)
from worldstream.world.export_ply import ply_bytes
from worldstream.world.export_spz import gltf_to_spz_frame, spz_bytes

ROOT = Path(__file__).resolve().parents[1]
VALIDATOR_DIR = ROOT / "tools" / "gltf-validate"

# SPZ v3 quantization steps (SPZ spec "Arrays Description" and the reference load-spz.cc).
SPZ_POSITION_STEP = 1.0 / 4096.0  # 24-bit fixed point, 12 fractional bits
SPZ_LOG_SCALE_STEP = 1.0 / 16.0  # byte = 16 * (log scale + 10)
SPZ_ALPHA_STEP = 1.0 / 255.0  # byte = 255 * sigmoid(logit)
SPZ_DC_STEP = 1.0 / (0.15 * 255.0)  # byte = 255 * (0.15 * dc + 0.5)
SPZ_SH_STEP = 1.0 / 128.0  # byte = 128 * sh + 128, then buckets of 8 (degree 1) or 16
SPZ_QUAT_STEP = (1.0 / np.sqrt(2.0)) / 511.0  # 9-bit magnitude over [0, 1/sqrt(2)]
F32 = 1e-6  # float32 arithmetic on top of a quantization bound


def unit_wxyz(q: np.ndarray) -> np.ndarray:
    q = np.asarray(q, dtype=np.float64)
    return q / np.linalg.norm(q, axis=1, keepdims=True)


def random_world(n: int, degree: int, seed: int = 0, extent: float = 20.0) -> Gaussians:
    """Random splats inside the ranges SPZ can represent (so clamping does not hide errors)."""
    rng = np.random.default_rng(seed)
    k = (degree + 1) ** 2
    sh = np.empty((n, k, 3))
    sh[:, 0] = np.clip(rng.normal(0.0, 1.0, (n, 3)), -3.0, 3.0)
    sh[:, 1:] = rng.uniform(-0.9, 0.9, (n, k - 1, 3))
    quats = unit_wxyz(rng.normal(size=(n, 4)))
    quats *= np.where(quats[:, :1] < 0.0, -1.0, 1.0)  # unit, w >= 0: the Gaussians convention
    return Gaussians.from_numpy(
        {
            "means": rng.uniform(-extent, extent, (n, 3)),
            "quats": quats,
            "log_scales": rng.uniform(-8.0, 2.0, (n, 3)),
            "opacity_logits": rng.uniform(-5.0, 5.0, n),
            "sh": sh,
        }
    )


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


# --- PLY: plyfile and gsply ------------------------------------------------------------------


@pytest.mark.parametrize("degree", [0, 3])
def test_plyfile_reads_every_ply_attribute_back_bit_for_bit(degree: int) -> None:
    g = random_world(500, degree)
    a = g.to_numpy()
    # In the world's own (glTF) frame, so the numbers are the world's; the default frame's
    # half turn is tested in test_export_frames.py.
    vertex = PlyData.read(io.BytesIO(ply_bytes(g, EngineFrame.GLTF)))["vertex"].data
    assert len(vertex) == 500
    np.testing.assert_array_equal(np.stack([vertex[c] for c in "xyz"], 1), a["means"])
    np.testing.assert_array_equal(
        np.stack([vertex[f"scale_{i}"] for i in range(3)], 1), a["log_scales"]
    )
    # The writer renormalises rotations in float64: equal to float32 rounding.
    rot = np.stack([vertex[f"rot_{i}"] for i in range(4)], 1)
    np.testing.assert_allclose(rot, a["quats"], rtol=0, atol=2e-7)
    np.testing.assert_array_equal(vertex["opacity"], a["opacity_logits"])
    np.testing.assert_array_equal(
        np.stack([vertex[f"f_dc_{i}"] for i in range(3)], 1), a["sh"][:, 0]
    )
    k = (degree + 1) ** 2
    assert sum(name.startswith("f_rest_") for name in vertex.dtype.names) == 3 * (k - 1)
    if degree > 0:
        rest = np.stack([vertex[f"f_rest_{i}"] for i in range(3 * (k - 1))], 1)
        # INRIA layout is channel-major: all of R's higher coefficients, then G's, then B's.
        rest = rest.reshape(500, 3, k - 1).transpose(0, 2, 1)
        np.testing.assert_array_equal(rest, a["sh"][:, 1:])


@pytest.mark.parametrize("degree", [0, 3])
def test_gsply_reads_every_ply_attribute_back_bit_for_bit(degree: int, tmp_path: Path) -> None:
    g = random_world(500, degree)
    a = g.to_numpy()
    path = tmp_path / "world.ply"
    path.write_bytes(ply_bytes(g, EngineFrame.GLTF))  # the world's own frame, as above
    data = gsply.plyread(path)
    np.testing.assert_array_equal(data.means, a["means"])
    np.testing.assert_array_equal(data.scales, a["log_scales"])
    np.testing.assert_allclose(data.quats, a["quats"], rtol=0, atol=2e-7)
    np.testing.assert_array_equal(data.opacities, a["opacity_logits"])
    np.testing.assert_array_equal(data.sh0, a["sh"][:, 0])
    if degree > 0:
        np.testing.assert_array_equal(data.shN, a["sh"][:, 1:])


# --- SPZ: header, an independent decode, gsply -----------------------------------------------


def spz_payload(blob: bytes) -> tuple[tuple[int, ...], bytes]:
    raw = gzip.decompress(blob)  # one gzip member around header and arrays (SPZ v3)
    return struct.unpack("<4sIIBBBB", raw[:16]), raw[16:]


@pytest.mark.parametrize("degree", [0, 1, 3])
def test_spz_header_is_ngsp_version_3_with_the_documented_layout(degree: int) -> None:
    n = 300
    (magic, version, count, sh_degree, bits, flags, reserved), payload = spz_payload(
        spz_bytes(random_world(n, degree))
    )
    assert (magic, version, count, sh_degree) == (b"NGSP", 3, n, degree)
    assert (bits, flags, reserved) == (12, 0, 0)
    sh_dim = {0: 0, 1: 3, 3: 15}[degree]
    # positions 9, alpha 1, colour 3, scale 3, smallest-three rotation 4, SH 3 per coefficient
    assert len(payload) == n * (9 + 1 + 3 + 3 + 4 + 3 * sh_dim)


def test_spz_positions_decoded_by_the_spec_are_the_world_turned_into_the_ply_rdf_axes() -> None:
    # Decoded here from the spec, not by gsply: 24-bit little-endian signed fixed point, in the
    # RDF frame of the default PLY, i.e. glTF (LUF) with x and y negated (export_spz.py).
    g = random_world(400, 0, seed=3)
    (_, _, n, _, bits, _, _), payload = spz_payload(spz_bytes(g))
    b = np.frombuffer(payload[: 9 * n], dtype=np.uint8).reshape(n, 3, 3).astype(np.int32)
    fixed = b[..., 0] | (b[..., 1] << 8) | (b[..., 2] << 16)
    fixed = np.where(fixed >= 1 << 23, fixed - (1 << 24), fixed)
    decoded = fixed / float(1 << bits)
    expected = g.to_numpy()["means"].astype(np.float64) * [-1.0, -1.0, 1.0]
    assert np.max(np.abs(decoded - expected)) <= SPZ_POSITION_STEP / 2 + F32


def spz_read(blob: bytes, tmp_path: Path) -> dict[str, np.ndarray]:
    """gsply's decode of an SPZ, turned back from its RDF axes into the world (glTF) frame."""
    path = tmp_path / "world.spz"
    path.write_bytes(blob)
    data = gsply.read_spz(path)
    n = data.means.shape[0]
    rest = data.shN if data.shN is not None else np.zeros((n, 0, 3))
    sh = np.concatenate([data.sh0[:, None, :], np.asarray(rest).reshape(n, -1, 3)], axis=1)
    return gltf_to_spz_frame(  # its own inverse
        {
            "means": data.means,
            "quats": data.quats,
            "log_scales": data.scales,
            "opacity_logits": data.opacities,
            "sh": sh,
        }
    )


@pytest.mark.parametrize("degree", [0, 3])
def test_gsply_reads_the_spz_back_within_its_quantization(degree: int, tmp_path: Path) -> None:
    g = random_world(2000, degree, seed=1)
    a = {key: value.astype(np.float64) for key, value in g.to_numpy().items()}
    b = spz_read(spz_bytes(g), tmp_path)

    assert np.max(np.abs(b["means"] - a["means"])) <= SPZ_POSITION_STEP / 2 + F32
    assert np.max(np.abs(b["log_scales"] - a["log_scales"])) <= SPZ_LOG_SCALE_STEP / 2 + F32
    alpha_error = np.abs(sigmoid(b["opacity_logits"]) - sigmoid(a["opacity_logits"]))
    assert np.max(alpha_error) <= SPZ_ALPHA_STEP / 2 + F32
    assert np.max(np.abs(b["sh"][:, 0] - a["sh"][:, 0])) <= SPZ_DC_STEP / 2 + F32
    if degree > 0:
        # Rounding to a byte (half a step) plus rounding to a bucket (half a bucket).
        band1 = np.abs(b["sh"][:, 1:4] - a["sh"][:, 1:4])
        rest = np.abs(b["sh"][:, 4:] - a["sh"][:, 4:])
        assert np.max(band1) <= SPZ_SH_STEP * (0.5 + 8 / 2) + F32
        assert np.max(rest) <= SPZ_SH_STEP * (0.5 + 16 / 2) + F32

    q_in, q_out = unit_wxyz(a["quats"]), unit_wxyz(b["quats"])
    q_out *= np.sign(np.sum(q_in * q_out, axis=1, keepdims=True))  # q and -q are one rotation
    # Three components at half a step each; the largest, rebuilt from them, within
    # sum|q_i| * delta / largest <= 1.5 * delta / 0.5 = 3 * delta.
    assert np.max(np.abs(q_out - q_in)) <= 3 * SPZ_QUAT_STEP / 2 + F32


def test_spz_sh_bytes_use_the_reference_buckets_of_5_and_4_bits() -> None:
    n = 200
    (_, _, _, degree, _, _, _), payload = spz_payload(spz_bytes(random_world(n, 3, seed=2)))
    sh = np.frombuffer(payload[n * 20 :], dtype=np.uint8).reshape(n, 15, 3).astype(int)
    assert degree == 3
    assert np.all((sh[:, :3] % 8 == 0) | (sh[:, :3] == 255))
    assert np.all((sh[:, 3:] % 16 == 0) | (sh[:, 3:] == 255))


def test_spz_axes_change_is_a_half_turn_that_keeps_every_splat_and_its_colours() -> None:
    # Before quantization: the turned Gaussians are the same ellipsoids seen from turned axes,
    # and their SH give the same colour along the turned view direction.
    g = random_world(50, 3, seed=4)
    a = {key: value.astype(np.float64) for key, value in g.to_numpy().items()}
    t = gltf_to_spz_frame(a)
    m = np.diag([-1.0, -1.0, 1.0])
    assert np.isclose(np.linalg.det(m), 1.0)  # proper: no mirror, handedness kept
    np.testing.assert_allclose(t["means"], a["means"] @ m.T)

    def covariance(quats: np.ndarray, log_scales: np.ndarray) -> np.ndarray:
        r = quat_wxyz_to_matrix(quats)
        s2 = np.exp(2 * log_scales)[:, None, :]
        return (r * s2) @ r.transpose(0, 2, 1)

    np.testing.assert_allclose(
        covariance(t["quats"], t["log_scales"]),
        m @ covariance(a["quats"], a["log_scales"]) @ m.T,
        atol=1e-12,
    )
    dirs = np.random.default_rng(5).normal(size=(50, 3))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    colour = np.einsum("nk,nkc->nc", sh_basis(dirs, 3), a["sh"])
    colour_turned = np.einsum("nk,nkc->nc", sh_basis(dirs @ m.T, 3), t["sh"])
    np.testing.assert_allclose(colour_turned, colour, atol=1e-12)


def test_spz_is_the_same_file_for_every_engine_frame_and_every_run() -> None:
    g = random_world(100, 1)
    gltf = spz_bytes(g, EngineFrame.GLTF)
    assert spz_bytes(g, EngineFrame.UNITY) == gltf
    assert spz_bytes(g, EngineFrame.UNREAL) == gltf
    assert gltf[4:8] == bytes(4)  # no gzip time stamp, so no run-to-run difference


def test_a_large_world_keeps_fitting_by_lowering_the_spz_fractional_bits(tmp_path: Path) -> None:
    g = random_world(300, 0, extent=5000.0)  # past 2048 m, the reach of 12 fractional bits
    blob = spz_bytes(g)
    (_, _, _, _, bits, _, _), _ = spz_payload(blob)
    assert bits == 10  # 2^23 / 2^10 = 8192 m >= 5000 m > 4096 m
    b = spz_read(blob, tmp_path)
    error = np.max(np.abs(b["means"] - g.to_numpy()["means"]))
    assert error <= 0.5 / (1 << bits) + 1e-4  # float32 spacing near 5000 is ~5e-4 / 2


def test_spz_refuses_more_points_than_the_reference_loader_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(export_spz, "MAX_POINTS", 5)
    with pytest.raises(ValueError, match="refuse more than"):
        spz_bytes(random_world(6, 0))


# --- GLB: pygltflib and the Khronos glTF-Validator -------------------------------------------


def read_accessor(gltf: pygltflib.GLTF2, index: int) -> np.ndarray:
    accessor = gltf.accessors[index]
    view = gltf.bufferViews[accessor.bufferView]
    dtype = {pygltflib.FLOAT: np.float32, pygltflib.UNSIGNED_BYTE: np.uint8}[accessor.componentType]
    width = {"SCALAR": 1, "VEC3": 3, "VEC4": 4}[accessor.type]
    offset = (view.byteOffset or 0) + (accessor.byteOffset or 0)
    data = np.frombuffer(
        gltf.binary_blob(), dtype=dtype, count=accessor.count * width, offset=offset
    )
    return data.reshape(accessor.count, width)


def srgb_to_linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


@pytest.mark.parametrize("degree", [0, 3])
def test_glb_attributes_decode_to_the_values_khr_gaussian_splatting_defines(degree: int) -> None:
    g = random_world(700, degree, seed=6)
    a = g.to_numpy()
    gltf = pygltflib.GLTF2.load_from_bytes(gltf_bytes(g))

    assert gltf.extensionsUsed == [EXTENSION]
    assert not gltf.extensionsRequired  # point-cloud fallback stays possible
    (mesh,) = gltf.meshes
    (primitive,) = mesh.primitives
    assert primitive.mode == pygltflib.POINTS
    assert primitive.material is None
    ext = primitive.extensions[EXTENSION]
    assert ext["kernel"] == KERNEL == "ellipse"
    assert ext["colorSpace"] == COLOR_SPACE == "srgb_rec709_display"
    attributes = primitive.attributes.__dict__
    sh_names = {sh_semantic(d, c) for d in range(degree + 1) for c in range(2 * d + 1)}
    khr = {name for name, index in attributes.items() if index is not None and ":" in name}
    assert khr == {ROTATION, SCALE, OPACITY} | sh_names

    for index in (i for i in attributes.values() if i is not None):
        accessor = gltf.accessors[index]
        assert accessor.count == 700
        assert gltf.bufferViews[accessor.bufferView].byteOffset % 4 == 0

    position = read_accessor(gltf, attributes["POSITION"])
    np.testing.assert_array_equal(position, a["means"])  # float32 in, float32 out
    accessor = gltf.accessors[attributes["POSITION"]]
    assert accessor.min == a["means"].min(axis=0).tolist()
    assert accessor.max == a["means"].max(axis=0).tolist()

    rotation = read_accessor(gltf, attributes[ROTATION]).astype(np.float64)
    np.testing.assert_allclose(np.linalg.norm(rotation, axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(rotation, unit_wxyz(a["quats"])[:, [1, 2, 3, 0]], atol=1e-7)
    scale = read_accessor(gltf, attributes[SCALE])
    np.testing.assert_allclose(scale, np.exp(a["log_scales"].astype(np.float64)), rtol=1e-6)
    assert np.all(scale >= 0.0)
    opacity = read_accessor(gltf, attributes[OPACITY])[:, 0]
    np.testing.assert_allclose(opacity, sigmoid(a["opacity_logits"]), atol=1e-7)
    assert np.all((opacity >= 0.0) & (opacity <= 1.0))
    for d in range(degree + 1):
        for c in range(2 * d + 1):
            coefficient = read_accessor(gltf, attributes[sh_semantic(d, c)])
            np.testing.assert_array_equal(coefficient, a["sh"][:, d * d + c])

    colour = read_accessor(gltf, attributes["COLOR_0"]) / 255.0
    assert gltf.accessors[attributes["COLOR_0"]].normalized
    rgb = np.clip(SH_C0 * a["sh"][:, 0].astype(np.float64) + 0.5, 0.0, 1.0)
    np.testing.assert_allclose(colour[:, :3], srgb_to_linear(rgb), atol=0.5 / 255 + 1e-9)
    np.testing.assert_allclose(colour[:, 3], sigmoid(a["opacity_logits"]), atol=0.5 / 255 + 1e-9)


def test_an_empty_world_is_a_valid_ply_and_spz_but_a_clear_error_as_glb(tmp_path: Path) -> None:
    empty = Gaussians.empty(3)
    assert len(PlyData.read(io.BytesIO(ply_bytes(empty)))["vertex"].data) == 0
    (magic, version, count, *_), payload = spz_payload(spz_bytes(empty))
    assert (magic, version, count, payload) == (b"NGSP", 3, 0, b"")
    path = tmp_path / "empty.spz"
    path.write_bytes(spz_bytes(empty))
    assert gsply.read_spz(path).means.shape == (0, 3)
    with pytest.raises(ValueError, match="empty world"):
        gltf_bytes(empty)


def test_non_finite_splats_are_refused_by_spz_and_glb() -> None:
    arrays = random_world(10, 0).to_numpy()
    arrays["means"] = arrays["means"].copy()
    arrays["means"][3, 1] = np.nan
    bad = Gaussians.from_numpy(arrays)
    with pytest.raises(ValueError, match="non-finite"):
        spz_bytes(bad)
    with pytest.raises(ValueError, match="non-finite"):
        gltf_bytes(bad)


def run_validator(glb: bytes, tmp_path: Path) -> tuple[int, dict, str]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed; scripts/setup installs it with the glTF-Validator")
    if not (VALIDATOR_DIR / "node_modules" / "gltf-validator").is_dir():
        pytest.fail("gltf-validator is missing: run scripts/setup (npm ci in tools/gltf-validate)")
    path = tmp_path / "world.glb"
    path.write_bytes(glb)
    done = subprocess.run(
        [node, str(VALIDATOR_DIR / "validate.mjs"), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout), done.stderr


def validator_errors(report: dict) -> list[dict]:
    return [m for m in report["issues"]["messages"] if m["severity"] == 0]


@pytest.mark.parametrize("degree", [0, 3])
def test_the_khronos_gltf_validator_finds_no_errors_beyond_the_extension_it_predates(
    degree: int, tmp_path: Path
) -> None:
    g = random_world(1000, degree, seed=7)
    code, report, summary = run_validator(gltf_bytes(g), tmp_path)
    assert code == 0, summary
    assert report["issues"]["numWarnings"] == 0, report["issues"]["messages"]
    assert report["info"]["extensionsUsed"] == [EXTENSION]
    # gltf-validator 2.0.0-dev.3.10 predates KHR_gaussian_splatting and calls any semantic that
    # is neither core nor "_"-prefixed invalid. Its only errors may be exactly the extension's
    # own semantics (none at all once a release knows the extension).
    pointer = "/meshes/0/primitives/0/attributes/"
    semantics = {ROTATION, SCALE, OPACITY} | {
        sh_semantic(d, c) for d in range(degree + 1) for c in range(2 * d + 1)
    }
    errors = validator_errors(report)
    assert {m["code"] for m in errors} <= {"MESH_PRIMITIVE_INVALID_ATTRIBUTE"}
    assert {m["pointer"] for m in errors} <= {pointer + s for s in semantics}
    infos = [m["code"] for m in report["issues"]["messages"] if m["severity"] == 2]
    assert set(infos) <= {"UNSUPPORTED_EXTENSION"}


def edited_glb(glb: bytes, edit) -> bytes:
    gltf = pygltflib.GLTF2.load_from_bytes(glb)
    edit(gltf)
    return b"".join(gltf.save_to_bytes())


def test_the_validator_run_fails_on_a_glb_with_a_real_error(tmp_path: Path) -> None:
    glb = gltf_bytes(random_world(50, 1))

    def drop_position_bounds(gltf: pygltflib.GLTF2) -> None:
        position = gltf.accessors[gltf.meshes[0].primitives[0].attributes.POSITION]
        position.min = position.max = None

    code, report, _ = run_validator(edited_glb(glb, drop_position_bounds), tmp_path)
    assert code == 1
    assert "MESH_PRIMITIVE_POSITION_ACCESSOR_WITHOUT_BOUNDS" in {
        m["code"] for m in validator_errors(report)
    }

    def misname_a_coefficient(gltf: pygltflib.GLTF2) -> None:
        attributes = gltf.meshes[0].primitives[0].attributes
        index = getattr(attributes, sh_semantic(1, 2))
        delattr(attributes, sh_semantic(1, 2))
        setattr(attributes, f"{EXTENSION}:SH_DEGREE_1_COEF_3", index)  # degree 1 has 0..2

    code, _, summary = run_validator(edited_glb(glb, misname_a_coefficient), tmp_path)
    assert code == 1, summary


def test_the_validator_finds_no_errors_at_all_in_the_mesh_and_collider_glbs(tmp_path: Path) -> None:
    from worldstream.reconstruct.colliders import colliders
    from worldstream.reconstruct.mesh import surface_mesh
    from worldstream.testing.rooms import two_room_scene
    from worldstream.world.exports import collider_glb, mesh_glb
    from worldstream.world.surfaces import Collider

    scene = two_room_scene()
    mesh = surface_mesh([scene.frame(scene.camera("spawn", 96, 72))])
    pieces = {
        k: Collider(np.asarray(m.vertices, np.float32), np.asarray(m.faces, np.int32))
        for k, m in colliders(mesh, 4.0, 500).items()
    }
    for name, glb in (("mesh", mesh_glb(mesh)), ("collider", collider_glb(pieces))):
        code, report, summary = run_validator(glb, tmp_path)
        assert code == 0 and report["issues"]["numErrors"] == 0, (name, summary)
        assert report["issues"]["numWarnings"] == 0, (name, report["issues"]["messages"])
