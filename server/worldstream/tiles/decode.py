"""Decoding a tile payload in whichever encoding it came, told apart by its magic bytes."""

from __future__ import annotations

from worldstream.tiles import codec, raw


def decode_payload(payload: bytes | memoryview) -> raw.RawTile:
    """A WSQT (quantized) or WSRF (raw) payload -> its arrays; ValueError when it is neither or
    is malformed."""
    magic = bytes(payload[:4])
    if magic == codec.MAGIC:
        return codec.decode(payload)
    if magic == raw.MAGIC:
        return raw.decode(bytes(payload))
    raise ValueError(f"not a tile payload: magic {magic!r}")
