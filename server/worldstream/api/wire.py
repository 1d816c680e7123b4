"""Tile messages of the Explore stream, serialized once and reused by every session.

A whole tile's TileChunk is the same bytes for every client that streams the same (tile,
version, engine frame, encoding), so it is serialized once, when the payload is encoded, and kept
in the payload cache (`TileWire`). A TileBatch of such chunks is then written by concatenation:
the protobuf wire format of a repeated message field is each element's bytes behind its tag and
length. Building the messages field by field in Python for every tile of every session cost more
than everything else the stream does per tile; `batch_response` is held equal to the message
protobuf itself builds (`batch_response_reference`) by tests/test_wire.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from worldstream.v1 import worldstream_pb2 as pb

# Tags (field number << 3 | wire type 2, length-delimited) of the fields written by hand.
_TILE_CHUNK_TAG = b"\x12"  # ExploreResponse.tile_chunk = 2
_TILE_BATCH_TAG = b"\x42"  # ExploreResponse.tile_batch = 8
_CHUNKS_TAG = b"\x0a"  # TileBatch.chunks = 1


def varint(value: int) -> bytes:
    """Protobuf base-128 varint of a non-negative int."""
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


@dataclass(frozen=True)
class TileWire:
    """One tile's TileChunk messages, serialized, in chunk order."""

    chunks: tuple[bytes, ...]  # serialized TileChunk messages
    data_bytes: tuple[int, ...]  # len(TileChunk.data) of each
    payload_bytes: int

    def __len__(self) -> int:  # what the payload cache counts
        return sum(len(c) for c in self.chunks)


def tile_wire(chunks: list[pb.TileChunk]) -> TileWire:
    return TileWire(
        tuple(c.SerializeToString() for c in chunks),
        tuple(len(c.data) for c in chunks),
        int(chunks[0].payload_bytes),
    )


def chunk_response(chunk: bytes) -> pb.ExploreResponse:
    """An ExploreResponse holding one serialized TileChunk."""
    return pb.ExploreResponse.FromString(_TILE_CHUNK_TAG + varint(len(chunk)) + chunk)


def batch_response(chunks: list[bytes]) -> pb.ExploreResponse:
    """An ExploreResponse holding a TileBatch of serialized TileChunks, in order."""
    heads = [_CHUNKS_TAG + varint(len(c)) for c in chunks]
    inner = sum(len(h) + len(c) for h, c in zip(heads, chunks, strict=True))
    parts = [_TILE_BATCH_TAG, varint(inner)]
    for head, chunk in zip(heads, chunks, strict=True):
        parts.append(head)
        parts.append(chunk)
    return pb.ExploreResponse.FromString(b"".join(parts))


def batch_response_reference(chunks: list[bytes]) -> pb.ExploreResponse:
    """The readable version: protobuf builds the batch from parsed chunks."""
    parsed = [pb.TileChunk.FromString(c) for c in chunks]
    return pb.ExploreResponse(tile_batch=pb.TileBatch(chunks=parsed))
