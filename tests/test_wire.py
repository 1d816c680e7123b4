"""Hand-assembled Explore tile messages (api/wire.py) against protobuf's own."""

from __future__ import annotations

import numpy as np

from worldstream.api.wire import (
    batch_response,
    batch_response_reference,
    chunk_response,
    tile_wire,
    varint,
)
from worldstream.v1 import worldstream_pb2 as pb


def chunk(rng: np.random.Generator, size: int, x: int) -> pb.TileChunk:
    return pb.TileChunk(
        key=pb.TileKey(x=x, y=-3, z=70000, lod=2),
        version=5,
        encoding=pb.TILE_ENCODING_QUANTIZED_V1,
        chunk_index=0,
        chunk_count=1,
        splat_count=size // 13,
        payload_bytes=size,
        data=rng.integers(0, 256, size, dtype=np.uint8).tobytes(),
        geometric_error=0.125 * x,
    )


def test_varints_match_protobufs_encoding_across_length_boundaries():
    assert varint(0) == b"\x00"
    for value in (1, 127, 128, 300, 16383, 16384, 2**21, 2**28 + 5, 2**35):
        message = pb.TileAck(bytes=value)  # field 1, varint
        assert message.SerializeToString() == b"\x08" + varint(value)


def test_a_batch_written_by_hand_is_byte_for_byte_the_batch_protobuf_writes():
    rng = np.random.default_rng(0)
    for sizes in ([10], [0, 5], [127, 128, 129], [20_000, 300, 70_000, 1]):
        chunks = [chunk(rng, size, i) for i, size in enumerate(sizes)]
        serialized = [c.SerializeToString() for c in chunks]
        fast = batch_response(serialized)
        slow = batch_response_reference(serialized)
        assert fast == slow
        assert fast.SerializeToString() == slow.SerializeToString()
        assert list(fast.tile_batch.chunks) == chunks


def test_a_lone_chunk_response_holds_the_chunk_and_the_wire_counts_its_data():
    rng = np.random.default_rng(1)
    one = chunk(rng, 4096, 7)
    wire = tile_wire([one])
    assert wire.payload_bytes == 4096 and wire.data_bytes == (4096,)
    assert len(wire) == len(one.SerializeToString())
    assert chunk_response(wire.chunks[0]) == pb.ExploreResponse(tile_chunk=one)
