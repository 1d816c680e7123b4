"""Fuzzing, bounded to seconds: hypothesis writes requests (NaN, infinities, huge and negative
numbers, odd strings, broken bytes) into the servicer over a real channel, and mutated payloads
into the Python decoders. The server answers each with success or an error whose code is not
INTERNAL/UNKNOWN and whose reason docs/errors.md lists; the decoders return a tile or raise
ValueError, never anything else; the server answers its health check after every example."""

from __future__ import annotations

import base64
import io
import json
import re
import time
from pathlib import Path

import grpc
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from security_support import RawExplore, assert_serving
from worldstream.cli.commands import spawn_camera
from worldstream.client import Client, ClientError
from worldstream.client.errors import from_rpc_error
from worldstream.client.requests import view_request
from worldstream.geometry.engine import EngineFrame
from worldstream.tiles import codec, collider, raw
from worldstream.tiles.decode import decode_payload
from worldstream.tiles.encode import Encoding, encode_arrays
from worldstream.v1 import worldstream_pb2 as pb

DOCS = Path(__file__).resolve().parents[1] / "docs" / "errors.md"
DOCUMENTED = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", DOCS.read_text()))
NEVER = {grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN, grpc.StatusCode.UNAVAILABLE}
VECTORS = Path(__file__).resolve().parent / "vectors"

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI stays reproducible and bounded
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e-300, 1e300, -1e300, 0.5, 1.0, 60.0, 179.999, 180.0]),
)
# Half plausible, so that many views pass validation and reach the scheduler.
plausible = st.one_of(st.floats(-20.0, 20.0), numbers)
ints64 = st.one_of(st.integers(-(2**63), 2**63 - 1), st.integers(-5, 5))
ints32 = st.one_of(st.integers(-(2**31), 2**31 - 1), st.integers(-2, 20000))
enums = st.one_of(st.sampled_from([1, 2, 3]), st.integers(-3, 100))
texts = st.text(max_size=80)


def assert_documented(error: ClientError) -> None:
    assert error.code not in NEVER, f"{error.code.name}: {error.message}"
    # gRPC's own RESOURCE_EXHAUSTED for a message over the transport limit has no reason.
    assert error.reason in DOCUMENTED or (
        error.code == grpc.StatusCode.RESOURCE_EXHAUSTED and not error.reason
    ), f"undocumented reason {error.reason!r}: {error.message}"


@pytest.fixture(scope="module")
def address(shared_server) -> str:
    return shared_server.address


# -- Explore ----------------------------------------------------------------------------------


def vec3():
    return st.builds(pb.Vec3, x=plausible, y=plausible, z=plausible)


def quats():
    unit = st.sampled_from([(0, 0, 0, 1), (0, 1, 0, 0), (0.5, 0.5, 0.5, 0.5)])
    return st.one_of(
        unit.map(lambda q: pb.Quat(x=q[0], y=q[1], z=q[2], w=q[3])),
        st.builds(pb.Quat, x=numbers, y=numbers, z=numbers, w=numbers),
    )


views = st.builds(
    pb.ViewUpdate,
    # Below the final view's (2**63 - 1): a view must come after every view taken before it.
    sequence=st.one_of(st.integers(-(2**63), 2**63 - 2), st.integers(-5, 5)),
    position=vec3(),
    rotation=quats(),
    vertical_fov_degrees=st.one_of(st.floats(1.0, 179.0), numbers),
    viewport_width=st.one_of(st.integers(1, 2000), ints32),
    viewport_height=st.one_of(st.integers(1, 2000), ints32),
    velocity=vec3(),
)
held = st.builds(
    pb.HeldTile,
    key=st.builds(pb.TileKey, x=ints32, y=ints32, z=ints32, lod=ints32),
    version=ints64,
)


def starts(world: str):
    return st.builds(
        pb.ExploreStart,
        world=st.one_of(st.just(world), st.just(world), texts, st.just("worlds/not-here")),
        engine_frame=enums,
        splat_budget=ints64,
        credit_bytes=ints64,
        encodings=st.lists(enums, max_size=4),
        held_tiles=st.lists(held, max_size=6),
        colliders=st.just(False),  # colliders are built once per world (seconds): not here
        no_generation=st.booleans(),
    )


def explore_messages(world: str):
    request = st.one_of(
        starts(world).map(lambda s: pb.ExploreRequest(start=s).SerializeToString()),
        views.map(lambda v: pb.ExploreRequest(view=v).SerializeToString()),
        ints64.map(lambda n: pb.ExploreRequest(ack=pb.TileAck(bytes=n)).SerializeToString()),
        st.just(b""),  # an empty ExploreRequest
        st.binary(min_size=1, max_size=40),  # usually not a message at all
    )
    first = st.one_of(
        starts(world).map(lambda s: pb.ExploreRequest(start=s).SerializeToString()),
        st.just(pb.ExploreRequest(start=pb.ExploreStart(world=world, engine_frame=1))),
    ).map(lambda m: m if isinstance(m, bytes) else m.SerializeToString())
    return st.tuples(first, st.lists(request, max_size=8))


LAST = 2**63 - 1  # the final view's sequence: after any the fuzz sends


@FUZZ
@given(data=st.data())
def test_any_explore_conversation_ends_well_or_with_a_documented_error(address, world, data):
    """Random messages, one at a time (so each valid view reaches the scheduler), then a valid
    view: the stream either serves that view to completion (the client acking what arrives) or
    has ended with a documented error; every warning on the way is documented."""
    first, rest = data.draw(explore_messages(world.name))
    final = pb.ExploreRequest(view=view_request(spawn_camera(world, 64, 48), LAST).view)
    with grpc.insecure_channel(address) as channel:
        stream = RawExplore(channel)
        for message in [first, *rest]:
            stream.send(message)
            time.sleep(0.005)
        stream.send(final)

        def settled(item) -> bool:
            kind = item.WhichOneof("response")
            # A well-behaved client acks what it received, so credits never stall the view.
            if kind == "tile_chunk":
                stream.send(pb.ExploreRequest(ack=pb.TileAck(bytes=len(item.tile_chunk.data))))
            elif kind == "tile_batch":
                received = sum(len(c.data) for c in item.tile_batch.chunks)
                stream.send(pb.ExploreRequest(ack=pb.TileAck(bytes=received)))
            if kind == "warning":
                assert item.warning.reason in DOCUMENTED, item.warning
            status = item.view_status
            return kind == "view_status" and status.sequence == LAST and status.complete

        item = stream.until(settled, timeout=30)
        if isinstance(item, ClientError):
            assert_documented(item)
        else:
            # A stream that took a valid start serves the valid view (a stream whose start
            # was only ever refused as a duplicate would have ended with the first error).
            assert item is not None, "the stream ended without an error or serving the view"
        stream.close()
    assert_serving(address)


# -- unary calls ----------------------------------------------------------------------------

page_tokens = st.one_of(
    texts,
    st.binary(max_size=60).map(lambda b: base64.urlsafe_b64encode(b).decode()),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)),
        lambda inner: st.lists(inner, max_size=3),
        max_leaves=6,
    ).map(lambda v: base64.urlsafe_b64encode(json.dumps(v).encode()).decode()),
    st.just(base64.urlsafe_b64encode(b"[1e999, 1]").decode()),
    st.just(base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).decode()),
)


@FUZZ
@given(
    name=st.one_of(texts, texts.map(lambda t: f"worlds/{t}")),
    page_size=ints32,
    page_token=page_tokens,
)
def test_any_unary_request_is_answered_or_refused_with_a_documented_reason(
    client, address, name, page_size, page_token
):
    calls = [
        (client.stub.GetWorld, pb.GetWorldRequest(name=name)),
        (client.stub.ListWorlds, pb.ListWorldsRequest(page_size=page_size, page_token=page_token)),
        (client.stub.DeleteWorld, pb.DeleteWorldRequest(name=name + "-fuzz")),
    ]
    for call, request in calls:
        try:
            call(request, timeout=10)
        except grpc.RpcError as rpc:
            assert_documented(from_rpc_error(rpc))
    assert_serving(address)


# -- CreateWorld --------------------------------------------------------------------------------


def _small_photo(fmt: str) -> bytes:
    rgb = (np.random.default_rng(3).random((24, 32, 3)) * 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, fmt)
    return buffer.getvalue()


SEEDS = [_small_photo("JPEG"), _small_photo("PNG"), _small_photo("GIF")]


@st.composite
def mutated_photos(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 6))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(data)))
    return bytes(data[: max(cut, len(data) // 2)]) if draw(st.booleans()) else bytes(data)


@FUZZ
@given(
    photo=st.one_of(mutated_photos(), st.binary(max_size=200)),
    world_id=st.one_of(st.just(""), texts),
    display_name=st.one_of(texts, st.just("x" * 300)),
    fov=numbers,
    tile=numbers,
    max_side=ints32,
    generator=st.sampled_from(["", "classic", "prior", "nope", "\x00"]),
)
def test_any_create_request_makes_a_world_or_a_documented_error(
    address, photo, world_id, display_name, fov, tile, max_side, generator
):
    with Client(address, timeout=60) as c:
        try:
            world = c.create_world(
                photo,
                world_id=world_id,
                display_name=display_name,
                generator=generator,
                horizontal_fov_degrees=fov,
                tile_size_m=tile,
                max_side_px=max(0, min(max_side, 64)),  # big worlds would only be slow
            )
        except ClientError as error:
            assert_documented(error)
        else:
            assert world.state == pb.WORLD_STATE_READY and world.splat_count > 0
    assert_serving(address)


# -- the Python decoders --------------------------------------------------------------------


def _server_payloads() -> list[bytes]:
    rng = np.random.default_rng(5)
    n = 40
    quats = rng.normal(size=(n, 4))
    arrays = {
        "means": rng.uniform(0, 4, (n, 3)),
        "quats": quats / np.linalg.norm(quats, axis=1, keepdims=True),
        "log_scales": rng.uniform(-5, -1, (n, 3)),
        "opacity_logits": rng.normal(size=n),
        "sh": rng.normal(size=(n, 4, 3)),
    }
    return [
        encode_arrays(arrays, np.zeros(3), EngineFrame.GLTF, encoding)
        for encoding in (Encoding.QUANTIZED_V1, Encoding.RAW_F32)
    ]


PAYLOADS = [p.read_bytes() for p in sorted(VECTORS.glob("*.bin"))] + _server_payloads()
COLLIDER = collider.encode_collider(
    np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float64),
    np.array([[0, 1, 2], [0, 2, 3]], np.int64),
    np.zeros(3),
    EngineFrame.GLTF,
)


@st.composite
def mutations(draw, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    kind = draw(st.sampled_from(["flip", "cut", "grow", "splice", "header"]))
    if kind == "flip" and data:
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] ^= 1 << draw(st.integers(0, 7))
    elif kind == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif kind == "grow":
        data += draw(st.binary(min_size=1, max_size=64))
    elif kind == "splice" and data:
        at = draw(st.integers(0, len(data) - 1))
        data[at : at + 4] = draw(st.binary(min_size=4, max_size=4))
    else:  # the header's count, degree and frame fields: the parts most likely to mislead
        for at in range(4, min(len(data), 48), 4):
            if draw(st.booleans()):
                data[at : at + 4] = draw(st.binary(min_size=4, max_size=4))
    return bytes(data)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(payload=mutations(PAYLOADS))
def test_a_mutated_tile_payload_decodes_or_raises_value_error(payload):
    try:
        tile = decode_payload(payload)
    except ValueError:
        return
    # A clean decode is a well-formed tile: arrays of one length, finite positions.
    n = tile.count
    assert tile.positions.shape == (n, 3) and tile.quats.shape == (n, 4)
    assert tile.sh.shape[0] == n


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(payload=mutations([COLLIDER]))
def test_a_mutated_collider_payload_decodes_or_raises_value_error(payload):
    try:
        mesh = collider.decode_collider(payload)
    except ValueError:
        return
    assert mesh.triangles.size == 0 or mesh.triangles.max() < len(mesh.vertices)


def test_the_decoders_fuzzed_here_are_the_ones_the_clients_use():
    """The golden vectors and server payloads above decode cleanly before mutation, so the
    mutations start from real payloads, not from bytes the decoders reject at once."""
    for payload in PAYLOADS:
        assert decode_payload(payload).count >= 0
    assert codec.MAGIC in {p[:4] for p in PAYLOADS} and raw.MAGIC in {p[:4] for p in PAYLOADS}
    assert len(collider.decode_collider(COLLIDER).triangles) == 2
