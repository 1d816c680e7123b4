"""Reading Explore responses, shared by the sync and asyncio clients."""

from __future__ import annotations

from worldstream.v1 import worldstream_pb2 as pb


def unbatch(response: pb.ExploreResponse) -> list[pb.ExploreResponse]:
    """A TileBatch as the tile_chunk responses it stands for, in order; any other response as
    itself. Clients then handle one kind of tile message, as the protocol allows."""
    if response.WhichOneof("response") != "tile_batch":
        return [response]
    return [pb.ExploreResponse(tile_chunk=chunk) for chunk in response.tile_batch.chunks]


def tile_chunks(response: pb.ExploreResponse) -> list[pb.TileChunk]:
    """The tile chunks a response carries: one, several (a batch) or none."""
    kind = response.WhichOneof("response")
    if kind == "tile_chunk":
        return [response.tile_chunk]
    if kind == "tile_batch":
        return list(response.tile_batch.chunks)
    return []
