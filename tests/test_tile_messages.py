"""Packing a stream's tile messages: order kept, batches bounded, byte-equal to protobuf's."""

from __future__ import annotations

from worldstream.api.tile_messages import packed
from worldstream.api.wire import TileWire
from worldstream.v1 import worldstream_pb2 as pb


def wire(x: int, sizes: list[int]) -> TileWire:
    chunks = [
        pb.TileChunk(
            key=pb.TileKey(x=x, lod=0),
            chunk_index=i,
            chunk_count=len(sizes),
            payload_bytes=sum(sizes),
            data=bytes([x]) * size,
        )
        for i, size in enumerate(sizes)
    ]
    return TileWire(tuple(c.SerializeToString() for c in chunks), tuple(sizes), sum(sizes))


def chunks_of(message: pb.ExploreResponse) -> list[pb.TileChunk]:
    if isinstance(message, bytes):
        message = pb.ExploreResponse.FromString(message)
    kind = message.WhichOneof("response")
    if kind == "tile_chunk":
        return [message.tile_chunk]
    if kind == "tile_batch":
        return list(message.tile_batch.chunks)
    return []


def test_packing_keeps_the_order_and_never_puts_more_than_a_chunk_of_data_in_a_message():
    removal = pb.ExploreResponse(tile_removal=pb.TileRemoval(key=pb.TileKey(x=9)))
    items = [wire(1, [100]), wire(2, [300, 50]), removal, wire(3, [400]), wire(4, [10])]
    messages = list(packed(items, 400))
    flat = []
    for message in messages:
        got = chunks_of(message)
        assert sum(len(c.data) for c in got) <= 400
        flat.extend((c.key.x, c.chunk_index) for c in got)
        if not got:
            flat.append("removal")
    assert flat == [(1, 0), (2, 0), (2, 1), "removal", (3, 0), (4, 0)]
    # 1+2.0 fit in 400; 2.1 starts a new run, which the removal ends; 3 fills one; 4 alone.
    assert len(messages) == 5


def test_a_lone_chunk_goes_as_a_tile_chunk_and_several_as_one_batch():
    lone = list(packed([wire(1, [10])], 1000))
    assert [chunks_of(m)[0].key.x for m in lone] == [1]
    assert pb.ExploreResponse.FromString(_bytes(lone[0])).WhichOneof("response") == "tile_chunk"
    several = list(packed([wire(1, [10]), wire(2, [10])], 1000))
    assert len(several) == 1
    assert pb.ExploreResponse.FromString(_bytes(several[0])).WhichOneof("response") == "tile_batch"


def _bytes(message) -> bytes:
    return message if isinstance(message, bytes) else message.SerializeToString()
