"""Bad view input inside a live Explore stream: every non-finite or absurd value of a ViewUpdate
(position, rotation, velocity, field of view, viewport) is an INVALID_VIEW warning, a sequence
that does not increase is VIEW_SEQUENCE_NOT_INCREASING, the view is ignored, and the stream
keeps serving. Run with RuntimeWarnings as errors (in this process, so in the server's threads
too): numpy must never be the one that notices a bad value."""

from __future__ import annotations

import math
import warnings

import grpc
import numpy as np
import pytest

from security_support import RawExplore, assert_serving
from worldstream.api import convert
from worldstream.cli.commands import spawn_camera
from worldstream.client.requests import start_request, view_request
from worldstream.errors import InvalidArgument
from worldstream.geometry.engine import EngineFrame
from worldstream.v1 import worldstream_pb2 as pb

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

FRAMES = {
    EngineFrame.GLTF: pb.ENGINE_FRAME_GLTF,
    EngineFrame.UNITY: pb.ENGINE_FRAME_UNITY,
    EngineFrame.UNREAL: pb.ENGINE_FRAME_UNREAL,
}


@pytest.fixture(scope="module")
def address(shared_server) -> str:
    return shared_server.address


def _view(world, sequence: int = 1, frame: EngineFrame = EngineFrame.GLTF, **changes):
    request = view_request(spawn_camera(world, 96, 72), sequence=sequence, frame=frame)
    view = request.view
    for path, value in changes.items():
        target = view
        *parents, leaf = path.split("__")
        for parent in parents:
            target = getattr(target, parent)
        setattr(target, leaf, value)
    return request


def _start(world, frame: EngineFrame = EngineFrame.GLTF) -> pb.ExploreRequest:
    return start_request(world.name, frame)


def _is_status(sequence: int):
    return lambda r: (
        r.WhichOneof("response") == "view_status"
        and r.view_status.sequence == sequence
        and r.view_status.complete
    )


def _is_warning(r) -> bool:
    return r.WhichOneof("response") == "warning"


# (case, changes to the spawn view, engine frame)
BAD_VIEWS = [
    ("a NaN velocity", {"velocity__x": math.nan}, EngineFrame.GLTF),
    ("an infinite velocity", {"velocity__y": math.inf}, EngineFrame.GLTF),
    ("a negative infinite velocity", {"velocity__z": -math.inf}, EngineFrame.UNITY),
    ("a 1e30 velocity", {"velocity__z": 1e30}, EngineFrame.GLTF),
    ("a 1e300 velocity", {"velocity__x": 1e300, "velocity__y": -1e300}, EngineFrame.GLTF),
    ("a velocity of 200 km/s", {"velocity__x": 2e5}, EngineFrame.UNITY),
    ("a velocity of 200 km/s in centimetres", {"velocity__x": 2e7}, EngineFrame.UNREAL),
    ("a NaN position", {"position__x": math.nan}, EngineFrame.GLTF),
    ("an infinite position", {"position__y": math.inf}, EngineFrame.UNITY),
    ("a 1e30 position", {"position__z": 1e30}, EngineFrame.GLTF),
    ("the largest double as a position", {"position__x": 1.7976931348623157e308}, EngineFrame.GLTF),
    ("a position 200 km away", {"position__x": -2e5}, EngineFrame.GLTF),
    ("a position 200 km away in centimetres", {"position__z": 2e7}, EngineFrame.UNREAL),
    ("a NaN rotation", {"rotation__w": math.nan}, EngineFrame.GLTF),
    ("an infinite rotation", {"rotation__x": -math.inf}, EngineFrame.UNREAL),
    ("a non-unit rotation", {"rotation__w": 2.0}, EngineFrame.GLTF),
    ("a huge rotation", {"rotation__x": 1e200, "rotation__w": 1e200}, EngineFrame.GLTF),
    (
        "a zero rotation",
        {"rotation__x": 0.0, "rotation__y": 0.0, "rotation__z": 0.0, "rotation__w": 0.0},
        EngineFrame.UNITY,
    ),
    ("a zero field of view", {"vertical_fov_degrees": 0.0}, EngineFrame.GLTF),
    ("a negative field of view", {"vertical_fov_degrees": -30.0}, EngineFrame.GLTF),
    ("a 180 degree field of view", {"vertical_fov_degrees": 180.0}, EngineFrame.GLTF),
    ("a 1e300 degree field of view", {"vertical_fov_degrees": 1e300}, EngineFrame.GLTF),
    ("a NaN field of view", {"vertical_fov_degrees": math.nan}, EngineFrame.GLTF),
    ("an infinite field of view", {"vertical_fov_degrees": math.inf}, EngineFrame.GLTF),
    ("a subnormal field of view", {"vertical_fov_degrees": 5e-324}, EngineFrame.GLTF),
    ("a 1e-6 degree field of view", {"vertical_fov_degrees": 1e-6}, EngineFrame.GLTF),
    ("a zero-wide viewport", {"viewport_width": 0}, EngineFrame.GLTF),
    ("a negative viewport", {"viewport_height": -72}, EngineFrame.GLTF),
    ("a viewport too wide", {"viewport_width": 16385}, EngineFrame.GLTF),
    ("a viewport too tall", {"viewport_height": 2**31 - 1}, EngineFrame.GLTF),
]


@pytest.mark.parametrize(
    "changes, frame", [c[1:] for c in BAD_VIEWS], ids=[c[0] for c in BAD_VIEWS]
)
def test_a_bad_view_is_refused_by_the_conversion_without_a_numpy_warning(world, changes, frame):
    request = _view(world, frame=frame, **changes)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(InvalidArgument) as caught:
            convert.view_from_proto(request.view, frame)
    assert caught.value.reason == "INVALID_VIEW"
    assert caught.value.message.startswith("view 1:"), caught.value.message


@pytest.mark.parametrize(
    "changes, frame", [c[1:] for c in BAD_VIEWS], ids=[c[0] for c in BAD_VIEWS]
)
def test_a_bad_view_is_warned_about_and_a_good_view_after_it_completes(
    address, world, changes, frame
):
    with grpc.insecure_channel(address) as channel:
        stream = RawExplore(channel)
        stream.send(_start(world, frame))
        assert stream.next().WhichOneof("response") == "header"
        stream.send(_view(world, sequence=1, frame=frame, **changes))
        said = stream.until(lambda r: _is_warning(r) or r.WhichOneof("response") == "view_status")
        assert isinstance(said, pb.ExploreResponse), said
        assert said.WhichOneof("response") == "warning", f"the bad view was applied: {said}"
        assert said.warning.reason == "INVALID_VIEW", said.warning.message
        assert said.warning.metadata["sequence"] == "1"
        stream.send(_view(world, sequence=2, frame=frame))
        done = stream.until(lambda r: _is_warning(r) or _is_status(2)(r))
        assert isinstance(done, pb.ExploreResponse) and done.WhichOneof("response") == (
            "view_status"
        ), done
        stream.close()
        assert stream.until(lambda r: False) is None  # and it ends cleanly
    assert_serving(address)


# Values at the edges of what is allowed, and what the engines send when they know nothing.
GOOD_EDGES = [
    ("a zero velocity (unknown)", {}, EngineFrame.UNITY),
    ("a velocity of 100 km/s", {"velocity__x": 1e5, "velocity__z": -1e5}, EngineFrame.GLTF),
    ("a velocity of 100 km/s in centimetres", {"velocity__y": 1e7}, EngineFrame.UNREAL),
    ("a position 100 km away", {"position__x": 1e5, "position__z": -1e5}, EngineFrame.GLTF),
    ("a position 100 km away in centimetres", {"position__x": -1e7}, EngineFrame.UNREAL),
    ("Unity's narrowest field of view", {"vertical_fov_degrees": 1e-5}, EngineFrame.UNITY),
    ("a field of view just under 180", {"vertical_fov_degrees": 179.999999}, EngineFrame.GLTF),
    ("a 16384 x 1 viewport", {"viewport_width": 16384, "viewport_height": 1}, EngineFrame.GLTF),
    ("a 1 x 16384 viewport", {"viewport_width": 1, "viewport_height": 16384}, EngineFrame.GLTF),
    ("a rotation 0.5 % longer than unit length", {"scale_rotation": 1.005}, EngineFrame.GLTF),
]


@pytest.mark.parametrize(
    "changes, frame", [c[1:] for c in GOOD_EDGES], ids=[c[0] for c in GOOD_EDGES]
)
def test_a_view_at_the_edge_of_the_limits_completes_without_a_warning(
    address, world, changes, frame
):
    changes = dict(changes)
    scale = changes.pop("scale_rotation", 1.0)
    request = _view(world, sequence=0, frame=frame, **changes)
    q = request.view.rotation
    q.x, q.y, q.z, q.w = (scale * v for v in (q.x, q.y, q.z, q.w))
    with grpc.insecure_channel(address) as channel:
        stream = RawExplore(channel)
        stream.send(_start(world, frame))
        assert stream.next().WhichOneof("response") == "header"
        stream.send(request)  # a first sequence of 0, as the Unity and Unreal clients send
        done = stream.until(lambda r: _is_warning(r) or _is_status(0)(r))
        assert isinstance(done, pb.ExploreResponse), done
        assert done.WhichOneof("response") == "view_status", done.warning.message
        stream.close()
        assert stream.until(lambda r: False) is None
    assert_serving(address)


# -- sequences -----------------------------------------------------------------------------


def _looking_back(world, sequence: int) -> pb.ExploreRequest:
    """The spawn view turned round: a view that, if applied, plans other cells."""
    camera = spawn_camera(world, 96, 72)
    turn = np.diag([-1.0, 1.0, -1.0])  # 180 degrees about the camera's y axis
    w2c = camera.world_to_camera.copy()
    w2c[:3, :3] = turn @ w2c[:3, :3]
    w2c[:3, 3] = turn @ w2c[:3, 3]
    return view_request(camera.with_pose(w2c), sequence=sequence)


@pytest.mark.parametrize(
    "earlier, later",
    [(5, 5), (5, 4), (5, -1), (0, 0)],
    ids=["a repeated sequence", "a sequence going back", "a negative sequence", "a repeated 0"],
)
def test_a_sequence_that_does_not_increase_is_warned_about_and_ignored(
    address, world, earlier, later
):
    with grpc.insecure_channel(address) as channel:
        stream = RawExplore(channel)
        stream.send(_start(world))
        assert stream.next().WhichOneof("response") == "header"
        stream.send(_view(world, sequence=earlier))
        assert isinstance(stream.until(_is_status(earlier)), pb.ExploreResponse)
        stream.send(_looking_back(world, later))
        said = stream.until(lambda r: _is_warning(r) or r.WhichOneof("response") == "view_status")
        assert isinstance(said, pb.ExploreResponse), said
        assert said.WhichOneof("response") == "warning", f"the old view was applied: {said}"
        assert said.warning.reason == "VIEW_SEQUENCE_NOT_INCREASING", said.warning.message
        assert said.warning.metadata["sequence"] == str(later)
        assert said.warning.metadata["latest"] == str(earlier)
        # The ignored view changed nothing: the next one is planned against the first.
        stream.send(_view(world, sequence=earlier + 1))
        after = stream.until(lambda r: _is_warning(r) or r.WhichOneof("response") != "header")
        assert isinstance(after, pb.ExploreResponse), after
        assert after.WhichOneof("response") == "view_status", after
        assert after.view_status.sequence == earlier + 1 and after.view_status.complete
        stream.close()
        assert stream.until(lambda r: False) is None
    assert_serving(address)


def test_a_first_view_with_a_negative_sequence_is_warned_about(address, world):
    with grpc.insecure_channel(address) as channel:
        stream = RawExplore(channel)
        stream.send(_start(world))
        assert stream.next().WhichOneof("response") == "header"
        stream.send(_view(world, sequence=-3))
        said = stream.until(lambda r: _is_warning(r) or r.WhichOneof("response") == "view_status")
        assert isinstance(said, pb.ExploreResponse), said
        assert said.warning.reason == "VIEW_SEQUENCE_NOT_INCREASING", said
        stream.send(_view(world, sequence=0))
        assert isinstance(stream.until(_is_status(0)), pb.ExploreResponse)
        stream.close()
        assert stream.until(lambda r: False) is None
    assert_serving(address)
