"""No silent stalls, over a real channel: a view the splat budget cannot hold is warned about
(VIEW_OVER_BUDGET) and never called complete; a client resuming with tiles of an older world
version under a tight budget gets its view; every ViewStatus names its world version."""

from __future__ import annotations

import queue
import time

import grpc
import numpy as np
import pytest

from conftest import fresh_server
from test_api_explore import cells_held, drain_until_complete
from test_explore_half_close import half_closed
from worldstream.cli.commands import spawn_camera
from worldstream.client import Client, ClientError
from worldstream.geometry.camera import look_at
from worldstream.v1 import worldstream_pb2 as pb


def read_for(stream, seconds: float, until=None) -> list[pb.ExploreResponse]:
    """Everything the stream says within `seconds`, or up to the first response `until`
    accepts (acknowledging tiles as they come)."""
    out, deadline = [], time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            response = stream.next(timeout=left)
        except queue.Empty:  # the stream said nothing more
            break
        if response is None:
            break
        out.append(response)
        if response.WhichOneof("response") == "tile_chunk":
            stream.ack(len(response.tile_chunk.data))
        if until is not None and until(response):
            break
    return out


def over_budget(response: pb.ExploreResponse) -> bool:
    return (
        response.WhichOneof("response") == "warning"
        and response.warning.reason == "VIEW_OVER_BUDGET"
    )


def of_kind(responses, kind: str) -> list:
    return [getattr(r, kind) for r in responses if r.WhichOneof("response") == kind]


def test_a_view_the_budget_cannot_hold_is_warned_once_and_never_called_complete(client, world):
    camera = spawn_camera(world, 160, 120)
    with client.explore(world.name, splat_budget=1) as stream:
        stream.send_view(camera, 0)
        said = read_for(stream, 60.0, until=over_budget)
        said += read_for(stream, 1.0)  # and nothing more of it
    warnings = [w for w in of_kind(said, "warning") if w.reason == "VIEW_OVER_BUDGET"]
    assert len(warnings) == 1  # once per view, not once per turn of the stream
    meta = warnings[0].metadata
    assert meta["sequence"] == "0" and meta["budget"] == "1"
    assert int(meta["need"]) > 1 and int(meta["left_out"]) > 0
    statuses = of_kind(said, "view_status")
    assert statuses and not any(s.complete for s in statuses)
    assert all(s.pending_tiles > 0 and s.resident_splats == 0 for s in statuses)


def test_the_last_status_after_a_half_close_says_a_view_over_budget_is_not_complete(
    shared_server, world
):
    camera = spawn_camera(world, 160, 120)
    ended = half_closed(shared_server.address, world, camera, 4, splat_budget=1)
    final = ended.statuses[-1]
    assert final.sequence == 4 and not final.complete and final.pending_tiles > 0
    assert final.world_version >= 1


def test_every_view_status_names_the_world_version_its_tiles_are_current_at(client, world):
    camera = spawn_camera(world, 160, 120)
    with client.explore(world.name) as stream:
        stream.send_view(camera, 0)
        responses, payloads = drain_until_complete(stream, 0)
    statuses = of_kind(responses, "view_status")
    versions = {version for version, _ in payloads.values()}
    assert {s.world_version for s in statuses} == {max(versions)}


def test_a_negative_held_splat_count_is_refused_with_a_precise_reason(client, world):
    held = {(0, 0, 0, 0): (1, -5)}
    with (
        pytest.raises(ClientError) as caught,
        client.explore(world.name, held=held, world_uid=world.uid) as stream,
    ):
        stream.send_view(spawn_camera(world, 64, 48), 0)
        drain_until_complete(stream, 0, timeout=10)
    assert caught.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert caught.value.reason == "INVALID_HELD_TILE"


def test_resuming_with_tiles_of_an_older_version_under_a_tight_budget_completes_the_view(
    client, world
):
    """The reported stall: a client holds tiles of an older version, whose splat counts differ
    from the current version's (here: half), and resumes with a budget just above what it
    holds. A server that assumed the current counts thought it over its budget and sent
    nothing more, saying nothing."""
    camera = spawn_camera(world, 160, 120)
    with client.explore(world.name, no_generation=True) as stream:
        stream.send_view(camera, 0)
        _, payloads = drain_until_complete(stream, 0)
    held = cells_held(payloads)  # cell -> (lod, version, count): one level per cell
    older = {
        (*cell, lod): (version - 1, count // 2) for cell, (lod, version, count) in held.items()
    }
    holds = sum(count for _, count in older.values())
    budget = holds + 50
    assert sum(count for _, _, count in held.values()) > budget
    with client.explore(
        world.name, held=older, world_uid=world.uid, splat_budget=budget, no_generation=True
    ) as stream:
        stream.send_view(camera, 1)
        responses, _ = drain_until_complete(stream, 1, timeout=20)
    statuses = of_kind(responses, "view_status")
    # Counted as the client said, before any tile was sent.
    assert statuses[0].resident_splats == holds
    assert statuses[-1].complete and statuses[-1].resident_splats <= budget
    assert {t.version for t in of_kind(responses, "tile_chunk")} == {max(older.values())[0] + 1}
    assert not of_kind(responses, "warning")


def test_a_view_left_by_a_half_close_while_it_waited_for_generation_is_not_complete(
    tmp_path, photo
):
    """The client turns its back to what the photo saw and leaves at once: the world does not
    cover that view and the generation it needed is given back, so the last status must not
    call it complete (it did: nothing planned counted as nothing missing)."""
    with fresh_server(tmp_path) as server:  # generates on demand
        with Client(server.address, timeout=60) as c:
            world = c.create_world(photo)
        camera = spawn_camera(world, 96, 72)
        behind = camera.with_pose(
            look_at(tuple(camera.position), tuple(camera.position + np.array([0.0, 0.0, 3.0])))
        )
        ended = half_closed(server.address, world, behind, 2)
    final = ended.statuses[-1]
    assert (final.sequence, final.complete, final.pending_generation) == (2, False, 0)
