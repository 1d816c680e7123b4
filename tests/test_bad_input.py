"""Bad input over a real channel: each case gets its exact gRPC code and ErrorInfo reason (or,
inside a live Explore stream, its StreamWarning), odd but valid photos make worlds of the right
shape, and after every case the server still answers its health check."""

from __future__ import annotations

import io
import math
import struct

import grpc
import numpy as np
import pytest
from PIL import Image

from conftest import fresh_server, png_declaring
from security_support import RawExplore, assert_serving, raw_unary, rpc_error, world_dir
from worldstream.cli.commands import spawn_camera
from worldstream.client import Client
from worldstream.client.requests import start_request, view_request
from worldstream.reconstruct.seed_lift import seed_splat_count
from worldstream.store.catalog import WorldRecord
from worldstream.store.store import Store
from worldstream.v1 import worldstream_pb2 as pb

INVALID = grpc.StatusCode.INVALID_ARGUMENT
RNG = np.random.default_rng(7)
RGB = (RNG.random((32, 48, 3)) * 255).astype(np.uint8)  # 48 wide, 32 high


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


JPEG = encode(Image.fromarray(RGB), "JPEG", quality=90)
PNG = encode(Image.fromarray(RGB), "PNG")


def jpeg_declaring(width: int, height: int) -> bytes:
    """A real JPEG whose frame header (SOF0) is rewritten to declare width x height."""
    at = JPEG.index(b"\xff\xc0")
    return JPEG[: at + 5] + struct.pack(">HH", height, width) + JPEG[at + 9 :]


def gif_declaring(width: int, height: int) -> bytes:
    gif = encode(Image.fromarray(RGB).convert("P"), "GIF")
    return gif[:6] + struct.pack("<HH", width, height) + gif[10:]


def animated_gif() -> bytes:
    frames = [Image.fromarray(np.full((32, 48, 3), c, np.uint8)).convert("P") for c in (40, 200)]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)


def with_orientation(orientation: int) -> bytes:
    image = Image.fromarray(RGB)
    exif = image.getexif()
    exif[0x0112] = orientation
    return encode(image, "JPEG", exif=exif)


def sixteen_bit_png() -> bytes:
    ramp = np.tile(np.linspace(0, 65535, 48, dtype=np.uint16), (32, 1))
    return encode(Image.fromarray(ramp), "PNG")


def cmyk_jpeg() -> bytes:
    return encode(Image.fromarray(RGB).convert("CMYK"), "JPEG")


@pytest.fixture(scope="module")
def address(shared_server) -> str:
    return shared_server.address


# -- uploads that must be refused -----------------------------------------------------------

REFUSED_UPLOADS = [
    ("zero bytes", b"", {}, "PHOTO_EMPTY"),
    ("truncated JPEG", JPEG[: len(JPEG) // 2], {}, "PHOTO_CORRUPT"),
    ("JPEG without its end marker", JPEG[:-2], {}, "PHOTO_CORRUPT"),
    ("truncated PNG", PNG[: len(PNG) // 2], {}, "PHOTO_CORRUPT"),
    ("1x1 PNG", encode(Image.new("RGB", (1, 1)), "PNG"), {}, "PHOTO_TOO_SMALL"),
    ("20000x20000 PNG bomb", png_declaring(20000, 20000), {}, "PHOTO_TOO_MANY_PIXELS"),
    ("7000x7000 PNG bomb", png_declaring(7000, 7000), {}, "PHOTO_TOO_MANY_PIXELS"),
    ("20000x20000 JPEG bomb", jpeg_declaring(20000, 20000), {}, "PHOTO_TOO_MANY_PIXELS"),
    ("20000x20000 GIF bomb", gif_declaring(20000, 20000), {}, "PHOTO_TOO_MANY_PIXELS"),
    ("text", b"a text file, not a photo\n" * 20, {}, "PHOTO_NOT_AN_IMAGE"),
    (
        "random bytes",
        RNG.integers(0, 256, 4096, dtype=np.uint8).tobytes(),
        {},
        "PHOTO_NOT_AN_IMAGE",
    ),
    ("NaN field of view", JPEG, {"horizontal_fov_degrees": math.nan}, "INVALID_FIELD_OF_VIEW"),
    ("infinite field of view", JPEG, {"horizontal_fov_degrees": math.inf}, "INVALID_FIELD_OF_VIEW"),
    ("180 degree field of view", JPEG, {"horizontal_fov_degrees": 180.0}, "INVALID_FIELD_OF_VIEW"),
    ("negative field of view", JPEG, {"horizontal_fov_degrees": -30.0}, "INVALID_FIELD_OF_VIEW"),
    ("NaN tile size", JPEG, {"tile_size_m": math.nan}, "INVALID_TILE_SIZE"),
    ("negative max side", JPEG, {"max_side_px": -640}, "INVALID_MAX_SIDE"),
    ("upper-case world id", JPEG, {"world_id": "Lobby"}, "INVALID_WORLD_ID"),
    ("world id with a slash", JPEG, {"world_id": "a/b/c"}, "INVALID_WORLD_ID"),
    ("unknown generator", JPEG, {"generator": "lyra9"}, "UNKNOWN_GENERATOR"),
    ("world id with a final newline", JPEG, {"world_id": "abc\n"}, "INVALID_WORLD_ID"),
    ("max side above the memory limit", JPEG, {"max_side_px": 4096}, "MAX_SIDE_TOO_LARGE"),
    ("EPS", encode(Image.fromarray(RGB), "EPS"), {}, "PHOTO_FORMAT_UNSUPPORTED"),
    ("PPM", encode(Image.fromarray(RGB), "PPM"), {}, "PHOTO_FORMAT_UNSUPPORTED"),
    ("escapes in the display name", JPEG, {"display_name": "\x1b[2J"}, "INVALID_DISPLAY_NAME"),
]


@pytest.mark.parametrize(
    "photo, options, reason", [c[1:] for c in REFUSED_UPLOADS], ids=[c[0] for c in REFUSED_UPLOADS]
)
def test_a_bad_upload_is_refused_with_its_reason_and_leaves_the_server_serving(
    address, photo, options, reason
):
    with Client(address, timeout=60) as c:
        error = rpc_error(c.create_world, photo, **options)
    assert (error.code, error.reason) == (INVALID, reason), error.message
    assert_serving(address)


def test_a_png_cut_inside_its_header_is_corrupt_not_an_unknown_format(address):
    with Client(address, timeout=60) as c:
        error = rpc_error(c.create_world, PNG[:33])
    assert (error.code, error.reason) == (INVALID, "PHOTO_CORRUPT")


# -- uploads that are odd but valid ---------------------------------------------------------

ODD_PHOTOS = [
    ("CMYK JPEG", cmyk_jpeg()),
    ("16-bit greyscale PNG", sixteen_bit_png()),
    ("8-bit greyscale PNG", encode(Image.fromarray(RGB).convert("L"), "PNG")),
    ("RGBA PNG", encode(Image.fromarray(RGB).convert("RGBA"), "PNG")),
    ("animated GIF", animated_gif()),
    ("WebP", encode(Image.fromarray(RGB), "WEBP")),
]


@pytest.mark.parametrize("photo", [c[1] for c in ODD_PHOTOS], ids=[c[0] for c in ODD_PHOTOS])
def test_an_odd_but_valid_photo_makes_a_ready_world_of_its_size(address, photo):
    with Client(address, timeout=60) as c:
        world = c.create_world(photo)
    assert world.state == pb.WORLD_STATE_READY and world.splat_count == seed_splat_count(48, 32)
    assert_serving(address)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_makes_a_world_the_right_way_up(address, orientation):
    with Client(address, timeout=60) as c:
        world = c.create_world(with_orientation(orientation), horizontal_fov_degrees=60.0)
    assert world.splat_count == seed_splat_count(48, 32)
    # Orientations 5-8 turn the 48x32 photo on its side: a portrait, taller than 60 degrees.
    portrait = orientation >= 5
    assert (world.spawn_vertical_fov_degrees > 60.0) == portrait
    assert_serving(address)


# -- Explore: a broken start ends the stream before anything is sent -------------------------


def _start(world: str, **fields) -> pb.ExploreRequest:
    start = start_request("worlds/placeholder").start
    start.world = world  # as given: no client-side fixing of the name
    for name, value in fields.items():
        if name == "encodings":
            del start.encodings[:]
            start.encodings.extend(value)
        else:
            setattr(start, name, value)
    return pb.ExploreRequest(start=start)


BROKEN_STARTS = [
    (
        "a view before the start",
        lambda w: pb.ExploreRequest(view=pb.ViewUpdate()),
        INVALID,
        "START_REQUIRED",
    ),
    (
        "an ack before the start",
        lambda w: pb.ExploreRequest(ack=pb.TileAck(bytes=10)),
        INVALID,
        "START_REQUIRED",
    ),
    ("an empty first message", lambda w: pb.ExploreRequest(), INVALID, "START_REQUIRED"),
    (
        "an unknown world",
        lambda w: _start("worlds/no-such-world"),
        grpc.StatusCode.NOT_FOUND,
        "WORLD_NOT_FOUND",
    ),
    ("a malformed world name", lambda w: _start("worlds/Lobby!"), INVALID, "INVALID_WORLD_NAME"),
    (
        "an unknown engine frame enum",
        lambda w: _start(w, engine_frame=99),
        INVALID,
        "INVALID_ENGINE_FRAME",
    ),
    (
        "an unspecified engine frame",
        lambda w: _start(w, engine_frame=0),
        INVALID,
        "INVALID_ENGINE_FRAME",
    ),
    (
        "a negative splat budget",
        lambda w: _start(w, splat_budget=-1),
        INVALID,
        "INVALID_SPLAT_BUDGET",
    ),
    (
        "a splat budget above the maximum",
        lambda w: _start(w, splat_budget=10**12),
        INVALID,
        "INVALID_SPLAT_BUDGET",
    ),
    (
        "negative credit bytes",
        lambda w: _start(w, credit_bytes=-4096),
        INVALID,
        "INVALID_CREDIT_BYTES",
    ),
    (
        "only an unknown encoding",
        lambda w: _start(w, encodings=[77]),
        INVALID,
        "NO_SUPPORTED_ENCODING",
    ),
    ("a huge resume manifest", lambda w: _huge_manifest(w), INVALID, "MANIFEST_TOO_LARGE"),
]


def _huge_manifest(world: str) -> pb.ExploreRequest:
    """100,001 held tiles (about 1.7 MB): one more than the server accepts."""
    request = _start(world)
    held = request.start.held_tiles
    for i in range(100_001):
        tile = held.add()
        tile.key.x, tile.key.lod, tile.version = i, 0, 1
    return request


@pytest.mark.parametrize(
    "first, code, reason", [c[1:] for c in BROKEN_STARTS], ids=[c[0] for c in BROKEN_STARTS]
)
def test_a_broken_start_ends_explore_with_its_reason_before_any_header(
    address, world, first, code, reason
):
    with grpc.insecure_channel(address) as channel:
        stream = RawExplore(channel)
        stream.send(first(world.name))
        item = stream.next()
        assert not isinstance(item, pb.ExploreResponse), f"got {item} before the error"
        assert item is not None, "the stream ended without an error"
        assert (item.code, item.reason) == (code, reason), item.message
        stream.close()
    assert_serving(address)


# -- Explore: problems inside a live stream are warnings; the stream goes on ------------------


def _view(world, **changes) -> pb.ExploreRequest:
    request = view_request(spawn_camera(world, 96, 72), sequence=changes.pop("sequence", 1))
    view = request.view
    for path, value in changes.items():
        target = view
        *parents, leaf = path.split(".")
        for parent in parents:
            target = getattr(target, parent)
        setattr(target, leaf, value)
    return request


LIVE_PROBLEMS = [
    ("a NaN position", lambda w: _view(w, **{"position.x": math.nan}), "INVALID_VIEW"),
    ("an infinite position", lambda w: _view(w, **{"position.z": -math.inf}), "INVALID_VIEW"),
    ("a NaN rotation", lambda w: _view(w, **{"rotation.w": math.nan}), "INVALID_VIEW"),
    ("a non-unit rotation", lambda w: _view(w, **{"rotation.w": 2.0}), "INVALID_VIEW"),
    (
        "a zero rotation",
        lambda w: _view(
            w, **{"rotation.x": 0.0, "rotation.y": 0.0, "rotation.z": 0.0, "rotation.w": 0.0}
        ),
        "INVALID_VIEW",
    ),
    ("a zero field of view", lambda w: _view(w, vertical_fov_degrees=0.0), "INVALID_VIEW"),
    ("a 180 degree field of view", lambda w: _view(w, vertical_fov_degrees=180.0), "INVALID_VIEW"),
    ("a NaN field of view", lambda w: _view(w, vertical_fov_degrees=math.nan), "INVALID_VIEW"),
    ("a zero viewport", lambda w: _view(w, viewport_width=0, viewport_height=0), "INVALID_VIEW"),
    ("a negative viewport", lambda w: _view(w, viewport_width=-640), "INVALID_VIEW"),
    (
        "a 20000x20000 viewport",
        lambda w: _view(w, viewport_width=20000, viewport_height=20000),
        "INVALID_VIEW",
    ),
    ("a second start", lambda w: _start(w.name), "DUPLICATE_START"),
    ("an empty request", lambda w: pb.ExploreRequest(), "EMPTY_REQUEST"),
    (
        "an ack of bytes never sent",
        lambda w: pb.ExploreRequest(ack=pb.TileAck(bytes=1 << 40)),
        "ACK_EXCEEDS_SENT",
    ),
    ("a negative ack", lambda w: pb.ExploreRequest(ack=pb.TileAck(bytes=-5)), "ACK_EXCEEDS_SENT"),
]


@pytest.mark.parametrize(
    "bad, reason", [c[1:] for c in LIVE_PROBLEMS], ids=[c[0] for c in LIVE_PROBLEMS]
)
def test_a_bad_message_in_a_live_stream_is_a_warning_and_the_next_view_completes(
    address, world, bad, reason
):
    with grpc.insecure_channel(address) as channel:
        stream = RawExplore(channel)
        stream.send(_start(world.name))
        assert stream.next().WhichOneof("response") == "header"
        stream.send(bad(world))
        warning = stream.until(lambda r: r.WhichOneof("response") == "warning")
        assert isinstance(warning, pb.ExploreResponse), warning
        assert warning.warning.reason == reason, warning.warning.message
        if reason == "INVALID_VIEW":
            assert warning.warning.metadata["sequence"] == "1"
        stream.send(_view(world, sequence=2))
        done = stream.until(
            lambda r: (
                r.WhichOneof("response") == "view_status"
                and r.view_status.sequence == 2
                and r.view_status.complete
            )
        )
        assert isinstance(done, pb.ExploreResponse), done
        stream.close()
        assert stream.until(lambda r: False) is None  # and it ends cleanly
    assert_serving(address)


# -- bytes that are not a message at all -----------------------------------------------------

GARBAGE = b"\xff\xff\xff\xff\x0f not protobuf"


@pytest.mark.parametrize(
    "method", ["GetWorld", "ListWorlds", "DeleteWorld", "ExportWorld", "CreateWorld"]
)
def test_bytes_that_are_not_a_message_are_malformed_request(address, method):
    with grpc.insecure_channel(address) as channel:
        if method in ("ExportWorld", "CreateWorld"):
            call = channel.unary_stream(f"/worldstream.v1.WorldStream/{method}")
            error = rpc_error(lambda: list(call(GARBAGE, timeout=10)))
        else:
            error = raw_unary(channel, f"/worldstream.v1.WorldStream/{method}", GARBAGE)
    assert (error.code, error.reason) == (INVALID, "MALFORMED_REQUEST")
    assert_serving(address)


def test_garbage_as_the_first_explore_message_is_malformed_request(address):
    with grpc.insecure_channel(address) as channel:
        stream = RawExplore(channel)
        stream.send(GARBAGE)
        error = stream.error()
    assert (error.code, error.reason) == (INVALID, "MALFORMED_REQUEST")
    assert_serving(address)


def test_garbage_in_a_live_explore_stream_ends_it_with_malformed_request(address, world):
    with grpc.insecure_channel(address) as channel:
        stream = RawExplore(channel)
        stream.send(_start(world.name))
        assert stream.next().WhichOneof("response") == "header"
        stream.send(GARBAGE)
        error = stream.error()
    assert (error.code, error.reason) == (INVALID, "MALFORMED_REQUEST")
    assert_serving(address)


# -- unary calls ----------------------------------------------------------------------------

UNARY = [
    (
        "GetWorld of an unknown world",
        "GetWorld",
        pb.GetWorldRequest(name="worlds/none-here"),
        grpc.StatusCode.NOT_FOUND,
        "WORLD_NOT_FOUND",
    ),
    (
        "GetWorld of a malformed name",
        "GetWorld",
        pb.GetWorldRequest(name="worlds/../../etc"),
        INVALID,
        "INVALID_WORLD_NAME",
    ),
    (
        "DeleteWorld of an unknown world",
        "DeleteWorld",
        pb.DeleteWorldRequest(name="worlds/none-here"),
        grpc.StatusCode.NOT_FOUND,
        "WORLD_NOT_FOUND",
    ),
    (
        "a negative page size",
        "ListWorlds",
        pb.ListWorldsRequest(page_size=-1),
        INVALID,
        "INVALID_PAGE_SIZE",
    ),
    (
        "a forged page token",
        "ListWorlds",
        pb.ListWorldsRequest(page_token="eyJ4Ijog"),
        INVALID,
        "INVALID_PAGE_TOKEN",
    ),
]


@pytest.mark.parametrize(
    "method, request_, code, reason", [c[1:] for c in UNARY], ids=[c[0] for c in UNARY]
)
def test_a_bad_unary_request_gets_its_reason(client, address, method, request_, code, reason):
    error = rpc_error(getattr(client.stub, method), request_, timeout=10)
    assert (error.code, error.reason) == (code, reason), error.message
    assert_serving(address)


EXPORTS = [
    ("an unknown export format enum", {"format": 42}, INVALID, "INVALID_EXPORT_FORMAT"),
    ("an unspecified export format", {"format": 0}, INVALID, "INVALID_EXPORT_FORMAT"),
    (
        "an unknown engine frame enum",
        {"format": 1, "engine_frame": 99},
        INVALID,
        "INVALID_ENGINE_FRAME",
    ),
    (
        "a frame for a format with its own",
        {"format": 3, "engine_frame": 2},
        INVALID,
        "FRAME_NOT_APPLICABLE",
    ),
]


@pytest.mark.parametrize(
    "fields, code, reason", [c[1:] for c in EXPORTS], ids=[c[0] for c in EXPORTS]
)
def test_a_bad_export_request_gets_its_reason(client, address, world, fields, code, reason):
    request = pb.ExportWorldRequest(name=world.name, **fields)
    error = rpc_error(lambda: list(client.stub.ExportWorld(request, timeout=30)))
    assert (error.code, error.reason) == (code, reason), error.message
    assert_serving(address)


# -- worlds that cannot be streamed ---------------------------------------------------------


def test_a_failed_world_is_not_ready_and_a_damaged_one_is_data_corrupt(tmp_path, photo):
    with fresh_server(tmp_path) as server, Client(server.address) as c:
        damaged = c.create_world(photo, world_id="damaged")
    splats = world_dir(tmp_path, "damaged") / "splats" / "000001.npz"
    data = bytearray(splats.read_bytes())
    data[len(data) // 2] ^= 0xFF
    splats.write_bytes(bytes(data))
    store = Store(tmp_path)
    store.catalog.insert(WorldRecord(id="never-made", state="failed", failure_message="test"))
    store.close()
    with fresh_server(tmp_path) as server, Client(server.address) as c:
        error = rpc_error(c.explore("worlds/never-made").next, timeout=20)
        assert (error.code, error.reason) == (
            grpc.StatusCode.FAILED_PRECONDITION,
            "WORLD_NOT_READY",
        )
        assert error.metadata == {"world": "worlds/never-made", "state": "failed"}
        error = rpc_error(c.explore(damaged.name).next, timeout=20)
        assert (error.code, error.reason) == (grpc.StatusCode.INTERNAL, "WORLD_DATA_CORRUPT")
        error = rpc_error(c.export_world, damaged.name, io.BytesIO())
        assert (error.code, error.reason) == (grpc.StatusCode.INTERNAL, "WORLD_DATA_CORRUPT")
        assert_serving(server.address)
