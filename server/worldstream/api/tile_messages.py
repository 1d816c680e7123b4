"""The messages that carry one stream's tiles and colliders: payloads encoded for the client's
engine frame and encoding, cached per (tile, version, frame, encoding), and packed in order into
as few Explore messages as the protocol allows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from worldstream.api import convert
from worldstream.api.wire import TileWire, batch_response, chunk_response, tile_wire
from worldstream.geometry.engine import EngineFrame
from worldstream.session.explore import Send
from worldstream.tiles.chunks import split
from worldstream.tiles.collider import encode_collider
from worldstream.tiles.encode import Encoding, encode_arrays
from worldstream.v1 import worldstream_pb2 as pb


@dataclass(frozen=True)
class TileMessages:
    world_id: str
    world_instance: str  # WorldRecord.dir_name: one world, even where a deleted one had its id
    frame: EngineFrame
    encoding: Encoding
    chunk_bytes: int  # the most payload bytes one message carries

    def payload_key(self, send: Send) -> tuple:
        """The payload cache's key: the same bytes for every client that shares it."""
        return (
            self.world_id,
            self.world_instance,
            send.key,
            send.cell.version,
            self.frame,
            self.encoding,
        )

    def estimate_bytes(self, level) -> int:
        """A payload's size before it is encoded (credit and batch accounting are corrected to
        the real size once it is): generous, so a batch rarely overshoots."""
        coefficients = int(level.arrays["sh"].shape[1])
        per_splat = 4 * (11 + 3 * coefficients) if self.encoding is Encoding.RAW_F32 else 16
        return 256 + level.count * per_splat

    def wire(self, send: Send) -> TileWire:
        """The tile's TileChunk messages, encoded and serialized (for the payload cache)."""
        level = send.cell.levels[send.lod]
        payload = encode_arrays(level.arrays, send.cell.box_min, self.frame, self.encoding)
        chunks = split(payload, self.chunk_bytes)
        proto_key = convert.tile_key_to_proto(send.key)
        error = level.geometric_error * self.frame.unit_scale  # in engine units
        return tile_wire(
            [
                pb.TileChunk(
                    key=proto_key,
                    version=send.cell.version,
                    encoding=self.encoding.value,
                    chunk_index=index,
                    chunk_count=len(chunks),
                    splat_count=level.count,
                    payload_bytes=len(payload),
                    data=data,
                    geometric_error=error,
                )
                for index, data in enumerate(chunks)
            ]
        )

    def collider(self, cell, collider) -> list[pb.ExploreResponse]:
        payload = encode_collider(collider.vertices, collider.triangles, cell.box_min, self.frame)
        chunks = split(payload, self.chunk_bytes)
        return [
            pb.ExploreResponse(
                collider_chunk=pb.ColliderChunk(
                    key=convert.tile_key_to_proto(cell.key),
                    version=cell.version,
                    chunk_index=index,
                    chunk_count=len(chunks),
                    triangle_count=len(collider.triangles),
                    payload_bytes=len(payload),
                    data=data,
                )
            )
            for index, data in enumerate(chunks)
        ]


def packed(
    items: list[TileWire | pb.ExploreResponse], chunk_bytes: int
) -> Iterator[pb.ExploreResponse]:
    """The messages that write `items` in order: runs of tile chunks as TileBatch messages of at
    most `chunk_bytes` of data (a lone chunk as itself), other responses as they are."""
    run: list[bytes] = []
    run_bytes = 0
    for item in items:
        if isinstance(item, TileWire):
            for chunk, data_bytes in zip(item.chunks, item.data_bytes, strict=True):
                if run and run_bytes + data_bytes > chunk_bytes:
                    yield _flushed(run)
                    run, run_bytes = [], 0
                run.append(chunk)
                run_bytes += data_bytes
        else:
            if run:
                yield _flushed(run)
                run, run_bytes = [], 0
            yield item
    if run:
        yield _flushed(run)


def _flushed(run: list[bytes]) -> pb.ExploreResponse:
    return chunk_response(run[0]) if len(run) == 1 else batch_response(run)
