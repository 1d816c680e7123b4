"""Splitting payloads into wire chunks, and putting them back together on the client."""

from __future__ import annotations

from dataclasses import dataclass, field


def split(payload: bytes, max_chunk_bytes: int) -> list[bytes]:
    """At least one chunk (an empty payload is one empty chunk), each at most max_chunk_bytes."""
    if max_chunk_bytes <= 0:
        raise ValueError("max_chunk_bytes must be positive")
    if len(payload) <= max_chunk_bytes:
        return [payload]  # nearly every tile: no copy
    view = memoryview(payload)
    return [bytes(view[i : i + max_chunk_bytes]) for i in range(0, len(payload), max_chunk_bytes)]


@dataclass
class Reassembler:
    """Collects the chunks of one tile at a time, in order, as the Explore stream guarantees."""

    key: object = None
    version: int = -1
    expected: int = 0
    parts: list[bytes] = field(default_factory=list)

    def add(self, key: object, version: int, index: int, count: int, data: bytes) -> bytes | None:
        """Returns the whole payload when this chunk completes it; ValueError on a broken order."""
        if index == 0:
            self.key, self.version, self.expected, self.parts = key, version, count, []
        elif key != self.key or version != self.version or index != len(self.parts):
            raise ValueError(f"chunk {index} of {key} arrived out of order")
        if count != self.expected or index >= count:
            raise ValueError(f"chunk {index}/{count} of {key} is inconsistent")
        self.parts.append(data)
        if len(self.parts) == self.expected:
            payload = b"".join(self.parts)
            self.key, self.parts = None, []
            return payload
        return None
