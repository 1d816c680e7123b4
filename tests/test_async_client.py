"""The asyncio client against a real server."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from worldstream.cli.commands import spawn_camera
from worldstream.client import AsyncClient, ClientError
from worldstream.tiles.chunks import Reassembler
from worldstream.tiles.decode import decode_payload


def test_the_async_client_creates_lists_exports_and_deletes(shared_server, photo):
    async def scenario():
        async with AsyncClient(shared_server.address, timeout=60) as client:
            stages = []
            world = await client.create_world(photo, on_progress=lambda p: stages.append(p.stage))
            assert stages[0] == "decode" and stages[-1] == "done"
            assert (await client.get_world(world.name)) == world
            names = [w.name async for w in client.list_worlds(page_size=1)]
            assert world.name in names
            data = await client.export_world(world.name)
            assert data.startswith(b"ply\n")
            await client.delete_world(world.name)
            with pytest.raises(ClientError) as err:
                await client.get_world(world.name)
            assert err.value.code == grpc.StatusCode.NOT_FOUND

    asyncio.run(scenario())


def test_the_async_client_explores_until_the_view_is_complete(shared_server, world):
    async def scenario():
        async with AsyncClient(shared_server.address, timeout=60) as client:
            stream = await client.explore(world.name)
            await stream.send_view(spawn_camera(world, 128, 96), 3)
            assembler, splats = Reassembler(), 0
            while True:
                response = await asyncio.wait_for(stream.next(), timeout=30)
                kind = response.WhichOneof("response")
                if kind == "tile_chunk":
                    c = response.tile_chunk
                    payload = assembler.add(c.key, c.version, c.chunk_index, c.chunk_count, c.data)
                    if payload is not None:
                        splats += decode_payload(payload).count
                        await stream.ack(len(payload))
                elif kind == "view_status" and response.view_status.complete:
                    assert response.view_status.sequence == 3
                    resident = response.view_status.resident_splats
                    break
            await stream.close()
            assert await stream.next() is None  # the server ends the call after a half-close
            return splats, resident

    splats, resident = asyncio.run(scenario())
    # Coarse levels first, then refinements that replace them: more arrives than stays.
    assert 0 < resident <= splats


def test_the_async_client_raises_typed_errors(shared_server):
    async def scenario():
        async with AsyncClient(shared_server.address) as client:
            with pytest.raises(ClientError) as err:
                await client.create_world(b"")
            return err.value

    error = asyncio.run(scenario())
    assert (error.code, error.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "PHOTO_EMPTY")
