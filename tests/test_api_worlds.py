"""CreateWorld, GetWorld, ListWorlds, DeleteWorld over a real channel, and their errors."""

from __future__ import annotations

import io

import grpc
import numpy as np
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from PIL import Image

from conftest import fresh_server, jpeg_bytes, png_declaring
from worldstream.client import Client, ClientError
from worldstream.client.errors import from_rpc_error
from worldstream.generate.photo import PhotoLimits
from worldstream.reconstruct.seed_lift import seed_splat_count
from worldstream.v1 import worldstream_pb2 as pb
from worldstream.v1 import worldstream_pb2_grpc as pb_grpc


def assert_serving(address: str) -> None:
    with grpc.insecure_channel(address) as ch:
        reply = health_pb2_grpc.HealthStub(ch).Check(
            health_pb2.HealthCheckRequest(service="worldstream.v1.WorldStream"), timeout=10
        )
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


def test_create_world_streams_progress_then_the_ready_world(shared_server, photo):
    stub = pb_grpc.WorldStreamStub(grpc.insecure_channel(shared_server.address))
    responses = list(stub.CreateWorld(pb.CreateWorldRequest(photo=photo, display_name="cup")))
    kinds = [r.WhichOneof("response") for r in responses]
    assert kinds[-1] == "world" and kinds.count("world") == 1
    assert kinds[:-1] and all(k == "progress" for k in kinds[:-1])
    fractions = [r.progress.fraction for r in responses[:-1]]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    world = responses[-1].world
    assert world.name.startswith("worlds/") and world.display_name == "cup"
    assert world.state == pb.WORLD_STATE_READY
    assert world.splat_count == seed_splat_count(240, 160)
    # The default classic backend: coffee is a close-up with no room, so the layout falls back.
    assert world.scale.depth_source == "layout:ground-plane" and not world.scale.metric
    assert world.bounds_min.y < world.bounds_max.y


def test_get_world_returns_what_create_returned(client, world):
    got = client.get_world(world.name)
    assert got == world


def test_unknown_world_is_not_found_with_its_reason(client):
    with pytest.raises(ClientError) as err:
        client.get_world("worlds/no-such-world")
    assert err.value.code == grpc.StatusCode.NOT_FOUND
    assert err.value.reason == "WORLD_NOT_FOUND"
    assert err.value.metadata["world"] == "worlds/no-such-world"


def raw_error(call, request) -> ClientError:
    """Call a raw stub method expecting failure; the error as the client library reads it."""
    with pytest.raises(grpc.RpcError) as rpc:
        call(request)
    return from_rpc_error(rpc.value)


@pytest.mark.parametrize("name", ["", "worlds/", "lobby", "worlds/UPPER", "worlds/a/b", "w" * 300])
def test_malformed_world_names_are_invalid_arguments(client, name):
    for call, request in [
        (client.stub.GetWorld, pb.GetWorldRequest(name=name)),
        (client.stub.DeleteWorld, pb.DeleteWorldRequest(name=name)),
    ]:
        error = raw_error(call, request)
        assert (error.code, error.reason) == (
            grpc.StatusCode.INVALID_ARGUMENT,
            "INVALID_WORLD_NAME",
        )


def _bad_upload(client: Client, data: bytes) -> ClientError:
    with pytest.raises(ClientError) as err:
        client.create_world(data)
    return err.value


def test_empty_upload_is_invalid_and_the_server_keeps_serving(shared_server, client):
    error = _bad_upload(client, b"")
    assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "PHOTO_EMPTY")
    assert_serving(shared_server.address)


def test_non_image_upload_is_invalid_and_the_server_keeps_serving(shared_server, client):
    error = _bad_upload(client, b"this is a text file, not a photo" * 10)
    assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "PHOTO_NOT_AN_IMAGE")
    assert_serving(shared_server.address)


def test_decompression_bomb_is_refused_by_its_declared_size(shared_server, client):
    # 7000 x 7000 passes Pillow's own guard and is caught by ours, by the header alone.
    error = _bad_upload(client, png_declaring(7000, 7000))
    assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "PHOTO_TOO_MANY_PIXELS")
    assert error.metadata["width"] == "7000"
    # 20000 x 20000 trips Pillow's guard first; the answer is the same.
    error = _bad_upload(client, png_declaring(20000, 20000))
    assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "PHOTO_TOO_MANY_PIXELS")
    assert error.metadata["limit"] == str(PhotoLimits().max_pixels)
    assert_serving(shared_server.address)


def test_oversized_upload_is_invalid_and_the_server_keeps_serving(tmp_path):
    limits = PhotoLimits(max_bytes=200_000)
    noise = np.random.default_rng(0).integers(0, 256, (600, 600, 3), dtype=np.uint8)
    big = jpeg_bytes(noise, quality=100)
    assert len(big) > limits.max_bytes
    with fresh_server(tmp_path, photo_limits=limits) as server, Client(server.address) as c:
        error = _bad_upload(c, big)
        assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "PHOTO_TOO_LARGE")
        assert error.metadata["limit"] == "200000"
        assert_serving(server.address)
        assert list(c.list_worlds()) == []  # the refused upload left nothing behind


def test_a_message_above_the_transport_limit_is_resource_exhausted_and_harmless(tmp_path):
    with fresh_server(
        tmp_path, max_receive_message_bytes=1_000_000, photo_limits=PhotoLimits(max_bytes=500_000)
    ) as server:
        with Client(server.address) as c:
            error = _bad_upload(c, b"\xff" * 1_500_000)
            assert error.code == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert_serving(server.address)


def test_a_chosen_world_id_is_used_and_a_second_use_already_exists(client, photo):
    made = client.create_world(photo, world_id="chosen-id")
    assert made.name == "worlds/chosen-id"
    with pytest.raises(ClientError) as err:
        client.create_world(photo, world_id="chosen-id")
    assert (err.value.code, err.value.reason) == (
        grpc.StatusCode.ALREADY_EXISTS,
        "WORLD_ALREADY_EXISTS",
    )


def test_bad_creation_options_are_invalid_arguments_naming_the_option(client, photo):
    cases = [
        ({"world_id": "Bad_Id"}, "INVALID_WORLD_ID"),
        ({"generator": "no-such-backend"}, "UNKNOWN_GENERATOR"),
        ({"tile_size_m": -1.0}, "INVALID_TILE_SIZE"),
        ({"max_side_px": 5}, "INVALID_MAX_SIDE"),
        ({"horizontal_fov_degrees": 179.5}, "INVALID_FIELD_OF_VIEW"),
    ]
    for options, reason in cases:
        with pytest.raises(ClientError) as err:
            client.create_world(photo, **options)
        assert (err.value.code, err.value.reason) == (grpc.StatusCode.INVALID_ARGUMENT, reason)


def test_list_worlds_pages_through_every_world_newest_first(tmp_path, photo):
    with fresh_server(tmp_path) as server, Client(server.address) as c:
        made = [c.create_world(photo, world_id=f"page-{i}").name for i in range(5)]
        page = c.stub.ListWorlds(pb.ListWorldsRequest(page_size=2))
        assert len(page.worlds) == 2 and page.next_page_token
        listed = [w.name for w in c.list_worlds(page_size=2)]
        assert listed == list(reversed(made))


def test_list_worlds_rejects_a_forged_page_token_and_a_negative_size(client):
    for request, reason in [
        (pb.ListWorldsRequest(page_token="not-a-token"), "INVALID_PAGE_TOKEN"),
        (pb.ListWorldsRequest(page_size=-1), "INVALID_PAGE_SIZE"),
    ]:
        error = raw_error(client.stub.ListWorlds, request)
        assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, reason)


def test_delete_world_removes_it_and_its_files(tmp_path, photo):
    with fresh_server(tmp_path) as server, Client(server.address) as c:
        world = c.create_world(photo, world_id="doomed")
        directory = tmp_path / "worlds" / f"doomed.{world.uid}"
        assert (directory / "manifest.json").exists()
        c.delete_world(world.name)
        with pytest.raises(ClientError) as err:
            c.get_world(world.name)
        assert err.value.reason == "WORLD_NOT_FOUND"
        assert not directory.exists()
        assert list((tmp_path / "worlds").iterdir()) == []
        with pytest.raises(ClientError) as err:
            c.delete_world(world.name)
        assert err.value.code == grpc.StatusCode.NOT_FOUND


def test_a_restarted_server_lists_the_worlds_created_before(tmp_path, photo):
    with fresh_server(tmp_path) as server, Client(server.address) as c:
        before = [c.create_world(photo, world_id=f"kept-{i}") for i in range(2)]
    with fresh_server(tmp_path) as server, Client(server.address) as c:
        after = {w.name: w for w in c.list_worlds()}
        assert set(after) == {w.name for w in before}
        for w in before:
            assert after[w.name] == w
        # And the data behind them is intact: the world still streams and exports.
        buffer = io.BytesIO()
        header = c.export_world(before[0].name, buffer)
        assert header.total_bytes == len(buffer.getvalue()) > 0


def test_the_photo_orientation_and_size_shape_the_world(client):
    rgb = np.zeros((120, 200, 3), dtype=np.uint8)
    rgb[:, :100] = (255, 0, 0)
    image = Image.fromarray(rgb)
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90: the world is built from a 120 wide x 200 high photo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    world = client.create_world(buffer.getvalue())
    assert world.splat_count == seed_splat_count(120, 200)
    assert world.spawn_vertical_fov_degrees > 60  # portrait: taller than it is wide


def test_a_loaded_world_remembers_its_seed_frame_and_retrieves_it_for_the_spawn(tmp_path, photo):
    from worldstream.api.convert import world_to_proto
    from worldstream.cli.commands import spawn_camera
    from worldstream.store.store import Store
    from worldstream.world.worlds import Worlds

    worlds = Worlds(Store(tmp_path))
    record = worlds.create(photo, world_id="memory-seed")
    loaded = worlds.load(record.id)
    assert len(loaded.memory) == 1
    picked = loaded.memory.retrieve(spawn_camera(world_to_proto(record), 64, 48), k=5)
    assert [p.frame_id for p in picked] == [0] and picked[0].fraction > 0.9
