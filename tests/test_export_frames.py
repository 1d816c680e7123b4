"""Each export's frame is the one its readers assume (docs/export-frames.md).

The world is the ground-truth two-room scene: its floors lie at y = 0 and its ceilings at y = 2.8
(world frame = glTF, +Y up), so which way is up in a file's numbers is known exactly.
"""

from __future__ import annotations

import io
from pathlib import Path

import gsply
import numpy as np
import pygltflib
import pytest
from plyfile import PlyData

from worldstream.geometry.engine import EngineFrame, quat_wxyz_to_matrix, sh_basis
from worldstream.geometry.gaussians import Gaussians
from worldstream.testing.rooms import ROOM_A, two_room_scene
from worldstream.world.export_gltf import gltf_bytes
from worldstream.world.export_ply import ply_bytes
from worldstream.world.export_spz import spz_bytes
from worldstream.world.exports import collider_glb, export_file, mesh_glb

CEILING_Y = ROOM_A[1][1]  # 2.8 m; both rooms share floor and ceiling heights

# splat-transform's Transform.PLY (src/lib/utils/math.ts, v3.1.6 and v3.2.0): a 180-degree
# rotation about Z from a PLY's numbers into the PlayCanvas scene (+Y up); SuperSplat 2.32.2 sets
# it as the loaded splat's entity rotation (src/asset-loader.ts, src/io/read/loader.ts).
SUPERSPLAT_PLY_LOAD = np.diag([-1.0, -1.0, 1.0])

HEADER_COMMENTS = {
    None: "worldstream frame=rdf units=m up=-y handed=right",
    EngineFrame.GLTF: "worldstream frame=gltf units=m up=+y handed=right",
    EngineFrame.UNITY: "worldstream frame=unity units=m up=+y handed=left",
    EngineFrame.UNREAL: "worldstream frame=unreal units=cm up=+z handed=left",
}


@pytest.fixture(scope="module")
def rooms() -> tuple[Gaussians, np.ndarray, np.ndarray]:
    """Flat splats on the rooms' surfaces (thin along each surface's normal), SH degree 1, and
    masks of the ones on a floor and on a ceiling."""
    points, normals = two_room_scene().sample_surface_points(4000, seed=7, return_normals=True)
    n = len(points)
    rng = np.random.default_rng(7)
    log_scales = np.where(np.abs(normals) > 0.5, np.log(0.002), np.log(0.02))
    sh = np.zeros((n, 4, 3))
    sh[:, 0] = rng.uniform(-1.0, 1.0, (n, 3))
    sh[:, 1:] = rng.uniform(-0.3, 0.3, (n, 3, 3))
    g = Gaussians.from_numpy(
        {
            "means": points,
            "quats": np.tile([1.0, 0.0, 0.0, 0.0], (n, 1)),
            "log_scales": log_scales,
            "opacity_logits": np.full(n, 2.0),
            "sh": sh,
        }
    )
    floor = (normals[:, 1] > 0.5) & (np.abs(points[:, 1]) < 1e-9)
    ceiling = (normals[:, 1] < -0.5) & (np.abs(points[:, 1] - CEILING_Y) < 1e-9)
    assert floor.sum() > 300 and ceiling.sum() > 300
    return g, floor, ceiling


def vertex_arrays(blob: bytes) -> dict[str, np.ndarray]:
    v = PlyData.read(io.BytesIO(blob))["vertex"]
    names = [p.name for p in v.properties]
    k = 1 + sum(name.startswith("f_rest_") for name in names) // 3
    n = v.count
    dc = np.stack([v[f"f_dc_{i}"] for i in range(3)], axis=1)[:, None, :]
    rest = np.stack([v[f"f_rest_{i}"] for i in range(3 * (k - 1))] or [np.zeros((n, 0))], axis=1)
    rest = rest.reshape(n, 3, k - 1).transpose(0, 2, 1)  # INRIA layout is channel-major
    return {
        "means": np.stack([v[c] for c in "xyz"], axis=1).astype(np.float64),
        "quats": np.stack([v[f"rot_{i}"] for i in range(4)], axis=1).astype(np.float64),
        "log_scales": np.stack([v[f"scale_{i}"] for i in range(3)], axis=1).astype(np.float64),
        "sh": np.concatenate([dc, rest], axis=1).astype(np.float64),
    }


def covariances(quats: np.ndarray, log_scales: np.ndarray) -> np.ndarray:
    r = quat_wxyz_to_matrix(quats / np.linalg.norm(quats, axis=1, keepdims=True))
    return (r * np.exp(2.0 * log_scales)[:, None, :]) @ r.transpose(0, 2, 1)


def header_lines(blob: bytes) -> list[str]:
    return blob[: blob.index(b"end_header\n")].decode("ascii").splitlines()


# --- PLY: the default frame --------------------------------------------------------------------


def test_a_default_ply_has_the_rooms_floor_towards_plus_y_and_ceiling_towards_minus_y(rooms):
    g, floor, ceiling = rooms
    world = g.to_numpy()["means"].astype(np.float64)
    # The writer's default, then the export with no frame asked for (the API's UNSPECIFIED).
    for export in (lambda: ply_bytes(g), lambda: export_file("ply", g, None, None, None).data):
        blob = export()
        y = vertex_arrays(blob)["means"][:, 1]
        # The sky towards -y in the file's numbers, as SuperSplat and splat-transform expect.
        np.testing.assert_array_equal(y[floor], 0.0)
        np.testing.assert_allclose(y[ceiling], -CEILING_Y, rtol=0, atol=1e-6)
        np.testing.assert_allclose(y, -world[:, 1], rtol=0, atol=1e-6)


def test_a_default_ply_turned_as_supersplat_loads_it_is_the_world_itself(rooms):
    # Positions, ellipsoids and view-dependent colour all land back on the world frame: the
    # load transform of SuperSplat and splat-transform undoes exactly what the export did.
    g, _, _ = rooms
    world = {key: value.astype(np.float64) for key, value in g.to_numpy().items()}
    file = vertex_arrays(ply_bytes(g))
    m = SUPERSPLAT_PLY_LOAD
    np.testing.assert_allclose(file["means"] @ m.T, world["means"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(
        m @ covariances(file["quats"], file["log_scales"]) @ m.T,
        covariances(world["quats"], world["log_scales"]),
        rtol=0,
        atol=1e-9,
    )
    # The floor splats stay thin along the vertical: their flat axis is the scene's y.
    dirs = np.random.default_rng(3).normal(size=(len(world["means"]), 3))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    seen = np.einsum("nk,nkc->nc", sh_basis(dirs, 1), world["sh"])
    # A direction d in the scene is m.T @ d in the file's numbers (m is its own inverse).
    seen_in_file = np.einsum("nk,nkc->nc", sh_basis(dirs @ m, 1), file["sh"])
    np.testing.assert_allclose(seen_in_file, seen, rtol=0, atol=1e-6)


def test_the_rooms_floor_splats_stay_flat_on_the_floor_in_the_default_ply(rooms):
    g, floor, _ = rooms
    file = vertex_arrays(ply_bytes(g))
    c = covariances(file["quats"][floor], file["log_scales"][floor])
    # Thin along the file's y (the vertical), wide along x and z.
    np.testing.assert_allclose(np.sqrt(c[:, 1, 1]), 0.002, rtol=1e-5)
    np.testing.assert_allclose(np.sqrt(c[:, 0, 0]), 0.02, rtol=1e-5)
    np.testing.assert_allclose(np.sqrt(c[:, 2, 2]), 0.02, rtol=1e-5)


# --- PLY: the header comment and the readers ------------------------------------------------


@pytest.mark.parametrize("frame", list(HEADER_COMMENTS), ids=lambda f: f.value if f else "default")
def test_the_ply_header_carries_a_comment_naming_frame_units_and_up(rooms, frame):
    g, _, _ = rooms
    blob = ply_bytes(g, frame)
    assert f"comment {HEADER_COMMENTS[frame]}" in header_lines(blob)
    assert PlyData.read(io.BytesIO(blob)).comments == [HEADER_COMMENTS[frame]]


def test_an_unreal_frame_ply_says_centimetres_and_z_up_and_is_so(rooms):
    g, floor, ceiling = rooms
    blob = ply_bytes(g, EngineFrame.UNREAL)
    assert "comment worldstream frame=unreal units=cm up=+z handed=left" in header_lines(blob)
    z = vertex_arrays(blob)["means"][:, 2]
    np.testing.assert_allclose(z[floor], 0.0, atol=1e-4)
    np.testing.assert_allclose(z[ceiling], 100.0 * CEILING_Y, rtol=1e-6)


def test_an_explicit_gltf_frame_ply_is_the_world_frame_unchanged(rooms):
    g, _, _ = rooms
    blob = ply_bytes(g, EngineFrame.GLTF)
    np.testing.assert_array_equal(vertex_arrays(blob)["means"], g.to_numpy()["means"])
    assert "comment worldstream frame=gltf units=m up=+y handed=right" in header_lines(blob)


@pytest.mark.parametrize("frame", list(HEADER_COMMENTS), ids=lambda f: f.value if f else "default")
def test_plyfile_and_gsply_read_every_splat_of_a_ply_whose_header_has_the_comment(
    rooms, frame, tmp_path: Path
):
    g, _, _ = rooms
    blob = ply_bytes(g, frame)
    assert f"comment {HEADER_COMMENTS[frame]}" in header_lines(blob)
    by_plyfile = vertex_arrays(blob)
    path = tmp_path / "world.ply"
    path.write_bytes(blob)
    by_gsply = gsply.plyread(path)
    assert len(by_plyfile["means"]) == len(by_gsply.means) == len(g)
    np.testing.assert_array_equal(by_gsply.means, by_plyfile["means"].astype(np.float32))
    np.testing.assert_array_equal(by_gsply.scales, by_plyfile["log_scales"].astype(np.float32))
    np.testing.assert_array_equal(by_gsply.sh0, by_plyfile["sh"][:, 0].astype(np.float32))


# --- SPZ and GLB splats: their own frames, +y up ---------------------------------------------


def test_the_spz_is_in_the_default_plys_rdf_axes_so_its_floor_is_towards_plus_y(
    rooms, tmp_path: Path
):
    # Standalone SPZ files carry their PLY's RDF numbers (Niantic's ply_to_spz copies them;
    # splat-transform 3.x reads them as a PLY's): the world (glTF, LUF) with x and y negated.
    g, floor, ceiling = rooms
    path = tmp_path / "world.spz"
    path.write_bytes(spz_bytes(g))
    means = gsply.read_spz(path).means.astype(np.float64)
    world = g.to_numpy()["means"].astype(np.float64)
    step = 1.0 / 4096.0
    np.testing.assert_allclose(means[floor, 1], 0.0, atol=step)
    np.testing.assert_allclose(means[ceiling, 1], -CEILING_Y, atol=step)
    np.testing.assert_allclose(means, world * [-1.0, -1.0, 1.0], atol=step)
    ply_path = tmp_path / "world.ply"
    ply_path.write_bytes(ply_bytes(g))
    ply = gsply.plyread(str(ply_path)).means.astype(np.float64)
    np.testing.assert_allclose(means, ply, atol=step)


def test_the_splat_glb_is_in_gltfs_frame_with_plus_y_up(rooms):
    g, floor, ceiling = rooms
    gltf = pygltflib.GLTF2.load_from_bytes(gltf_bytes(g))
    accessor = gltf.accessors[gltf.meshes[0].primitives[0].attributes.POSITION]
    view = gltf.bufferViews[accessor.bufferView]
    blob = gltf.binary_blob()
    positions = np.frombuffer(
        blob, dtype="<f4", count=3 * accessor.count, offset=view.byteOffset
    ).reshape(-1, 3)
    np.testing.assert_array_equal(positions[floor, 1], 0.0)
    np.testing.assert_allclose(positions[ceiling, 1], CEILING_Y, rtol=1e-6)


# --- mesh and collider GLBs: a floor faces +Y -----------------------------------------------


def glb_triangles(glb: bytes) -> np.ndarray:
    """[T, 3, 3] every triangle of every primitive, as glTF says to read them (pygltflib, not
    the writer's trimesh), with each node's translation applied; front faces wind CCW."""
    gltf = pygltflib.GLTF2.load_from_bytes(glb)
    blob = gltf.binary_blob()

    def read(index: int, dtype: str, width: int) -> np.ndarray:
        accessor = gltf.accessors[index]
        view = gltf.bufferViews[accessor.bufferView]
        offset = (view.byteOffset or 0) + (accessor.byteOffset or 0)
        count = accessor.count * width
        return np.frombuffer(blob, dtype=dtype, count=count, offset=offset).reshape(-1, width)

    index_types = {pygltflib.UNSIGNED_INT: "<u4", pygltflib.UNSIGNED_SHORT: "<u2"}
    triangles = []
    for node in gltf.nodes:
        if node.mesh is None:
            continue
        assert node.matrix is None or np.allclose(node.matrix, np.eye(4).ravel())
        assert node.rotation is None or np.allclose(node.rotation, [0, 0, 0, 1])
        assert node.scale is None or np.allclose(node.scale, 1.0)
        for primitive in gltf.meshes[node.mesh].primitives:
            assert primitive.mode in (None, pygltflib.TRIANGLES)
            vertices = read(primitive.attributes.POSITION, "<f4", 3).astype(np.float64)
            vertices = vertices + np.asarray(node.translation or [0.0, 0.0, 0.0])
            kind = index_types[gltf.accessors[primitive.indices].componentType]
            faces = read(primitive.indices, kind, 1).reshape(-1, 3)
            triangles.append(vertices[faces])
    return np.concatenate(triangles)


def test_the_floor_of_the_mesh_and_collider_glbs_faces_plus_y():
    from worldstream.reconstruct.colliders import colliders
    from worldstream.reconstruct.mesh import surface_mesh
    from worldstream.world.surfaces import Collider

    scene = two_room_scene()
    mesh = surface_mesh([scene.frame(scene.camera("spawn", 96, 72))])
    pieces = {
        k: Collider(np.asarray(m.vertices, np.float32), np.asarray(m.faces, np.int32))
        for k, m in colliders(mesh, 4.0, 500).items()
    }
    for name, glb in (("mesh", mesh_glb(mesh)), ("collider", collider_glb(pieces))):
        t = glb_triangles(glb)
        cross = np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0])  # CCW: the front face's side
        area = np.linalg.norm(cross, axis=1) / 2.0
        up = cross[:, 1] / (2.0 * area + 1e-30)
        # Triangles lying on the floor plane (within 5 mm; wider, the junctions with walls and
        # furniture come in) face +Y: all of the mesh's, all but slivers of the colliders'.
        on_floor = np.all(np.abs(t[:, :, 1]) < 0.005, axis=1)
        assert area[on_floor].sum() > 3.0, name  # square metres of floor seen from the spawn
        facing_up = area[on_floor & (up > 0.9)].sum() / area[on_floor].sum()
        assert facing_up > 0.99, (name, facing_up)
        assert not np.any(on_floor & (up < -0.5)), name


# --- through the API -------------------------------------------------------------------------


def test_a_default_ply_export_through_the_api_has_the_worlds_sky_towards_minus_y(client, world):
    default, gltf = io.BytesIO(), io.BytesIO()
    client.export_world(world.name, default, "ply")  # ENGINE_FRAME_UNSPECIFIED
    client.export_world(world.name, gltf, "ply", frame=EngineFrame.GLTF)
    a = vertex_arrays(default.getvalue())["means"]
    b = vertex_arrays(gltf.getvalue())["means"]
    assert len(a) == len(b) == world.splat_count
    # The world's floor side (its lowest y) is the file's highest y, its top the file's lowest.
    assert a[:, 1].max() <= -world.bounds_min.y + 1e-4
    assert a[:, 1].min() >= -world.bounds_max.y - 1e-4
    np.testing.assert_allclose(a @ SUPERSPLAT_PLY_LOAD.T, b, rtol=0, atol=1e-6)
    assert f"comment {HEADER_COMMENTS[None]}" in header_lines(default.getvalue())
    assert f"comment {HEADER_COMMENTS[EngineFrame.GLTF]}" in header_lines(gltf.getvalue())
