"""ExportWorld, health checking and reflection over a real channel."""

from __future__ import annotations

import io

import grpc
import numpy as np
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)
from PIL import Image
from plyfile import PlyData

from worldstream.client import ClientError
from worldstream.geometry.engine import EngineFrame, points_to_engine
from worldstream.geometry.gaussians import SH_C0
from worldstream.v1 import worldstream_pb2 as pb


def test_ply_export_is_the_inria_layout_and_holds_every_splat(client, world, photo):
    buffer = io.BytesIO()
    header = client.export_world(world.name, buffer, "ply")
    assert header.format == pb.EXPORT_FORMAT_PLY and header.file_name.endswith(".ply")
    ply = PlyData.read(io.BytesIO(buffer.getvalue()))
    vertex = ply["vertex"]
    names = [p.name for p in vertex.properties]
    assert names[:3] == ["x", "y", "z"]
    assert {"f_dc_0", "f_dc_1", "f_dc_2", "opacity", "scale_0", "rot_0", "rot_3"} <= set(names)
    assert vertex.count == world.splat_count
    colour = SH_C0 * np.stack([vertex[f"f_dc_{i}"] for i in range(3)], axis=1) + 0.5
    # Colours are fitted (slightly sharpened), so they are the photo's on average, not per splat.
    photo_mean = np.asarray(Image.open(io.BytesIO(photo)), dtype=np.float64).mean(axis=(0, 1))
    np.testing.assert_allclose(colour.mean(axis=0), photo_mean / 255.0, atol=0.02)
    rot = np.stack([vertex[f"rot_{i}"] for i in range(4)], axis=1)
    np.testing.assert_allclose(np.linalg.norm(rot, axis=1), 1.0, atol=1e-5)
    # By default in RDF (the world turned half a turn about z: the sky towards -y).
    assert -vertex["y"].max() >= world.bounds_min.y - 1e-4
    assert -vertex["y"].min() <= world.bounds_max.y + 1e-4


def test_ply_export_in_unreal_frame_is_the_same_world_in_centimetres(client, world):
    gltf, unreal = io.BytesIO(), io.BytesIO()
    client.export_world(world.name, gltf, "ply", frame=EngineFrame.GLTF)
    client.export_world(world.name, unreal, "ply", frame=EngineFrame.UNREAL)
    a = PlyData.read(io.BytesIO(gltf.getvalue()))["vertex"]
    b = PlyData.read(io.BytesIO(unreal.getvalue()))["vertex"]
    xyz_a = np.stack([a["x"], a["y"], a["z"]], axis=1).astype(np.float64)
    xyz_b = np.stack([b["x"], b["y"], b["z"]], axis=1)
    np.testing.assert_allclose(
        points_to_engine(xyz_a, EngineFrame.UNREAL), xyz_b, rtol=1e-5, atol=1e-3
    )


def test_export_streams_chunks_in_order_no_larger_than_a_mebibyte(client, world):
    request = pb.ExportWorldRequest(name=world.name, format=pb.EXPORT_FORMAT_PLY)
    responses = list(client.stub.ExportWorld(request))
    kinds = [r.WhichOneof("response") for r in responses]
    assert kinds[0] == "progress" and kinds[1] == "header"
    assert set(kinds[2:]) == {"chunk"}
    header = responses[1].header
    chunks = [r.chunk for r in responses[2:]]
    assert all(len(c.data) <= 1024 * 1024 for c in chunks)
    offsets = np.cumsum([0] + [len(c.data) for c in chunks])
    assert [c.offset for c in chunks] == list(offsets[:-1])
    assert offsets[-1] == header.total_bytes


@pytest.mark.parametrize(
    ("fmt", "extension", "magic"),
    [
        ("spz", ".spz", b"\x1f\x8b"),
        ("gltf", ".glb", b"glTF"),
        ("mesh", ".mesh.glb", b"glTF"),
        ("collider", ".colliders.glb", b"glTF"),
    ],
)
def test_every_format_exports_through_the_api(client, world, fmt, extension, magic):
    buffer = io.BytesIO()
    header = client.export_world(world.name, buffer, fmt)
    assert header.file_name.endswith(extension)
    assert buffer.getvalue().startswith(magic) and header.total_bytes == len(buffer.getvalue())


def test_an_engine_frame_for_a_format_with_its_own_frame_is_refused(client, world):
    for fmt in ("spz", "gltf", "mesh", "collider"):
        with pytest.raises(ClientError) as err:
            client.export_world(world.name, io.BytesIO(), fmt, frame=EngineFrame.UNITY)
        assert (err.value.code, err.value.reason) == (
            grpc.StatusCode.INVALID_ARGUMENT,
            "FRAME_NOT_APPLICABLE",
        )


def test_an_unknown_export_format_is_an_invalid_argument(client, world):
    from worldstream.client.errors import from_rpc_error

    with pytest.raises(grpc.RpcError) as err:
        list(client.stub.ExportWorld(pb.ExportWorldRequest(name=world.name, format=42)))
    error = from_rpc_error(err.value)
    assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_EXPORT_FORMAT")


def test_exporting_an_unknown_world_is_not_found(client):
    with pytest.raises(ClientError) as err:
        client.export_world("worlds/missing-world", io.BytesIO())
    assert err.value.reason == "WORLD_NOT_FOUND"


def test_health_check_reports_the_service_serving(channel):
    stub = health_pb2_grpc.HealthStub(channel)
    for service in ("", "worldstream.v1.WorldStream"):
        reply = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_reflection_lists_the_service_and_describes_its_methods(channel):
    # What `grpcurl -plaintext HOST:PORT list` and `describe` ask for.
    database = ProtoReflectionDescriptorDatabase(channel)
    services = database.get_services()
    assert "worldstream.v1.WorldStream" in services
    assert "grpc.health.v1.Health" in services
    from google.protobuf.descriptor_pool import DescriptorPool

    pool = DescriptorPool(database)
    service = pool.FindServiceByName("worldstream.v1.WorldStream")
    assert {m.name for m in service.methods} == {
        "CreateWorld",
        "GetWorld",
        "ListWorlds",
        "DeleteWorld",
        "Explore",
        "ExportWorld",
    }
