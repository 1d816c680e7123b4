"""Encoded payloads shared by every session: a tile level is encoded once per engine frame and
encoding, then served from memory to every client that needs it, within a byte bound."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sized


class PayloadCache:
    """A least-recently-used map of encoded values (payload bytes, or anything with a length in
    bytes, such as the Explore stream's serialized tile messages), bounded by their total size.

    A payload larger than the whole bound is returned but not kept. Two threads asking for the
    same missing key may both encode it; the result is the same bytes, and serialising encodes
    behind one lock would cost more than the rare duplicate.
    """

    def __init__(self, max_bytes: int) -> None:
        if max_bytes < 0:
            raise ValueError("max_bytes must be >= 0")
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, Sized] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def peek(self, key: Hashable):
        """The cached payload, or None; never encodes (cheap enough for the event loop)."""
        with self._lock:
            payload = self._items.get(key)
            if payload is not None:
                self._items.move_to_end(key)
                self.hits += 1
            return payload

    def get(self, key: Hashable, make: Callable[[], Sized]):
        payload = self.peek(key)
        if payload is not None:
            return payload
        with self._lock:
            self.misses += 1
        payload = make()
        with self._lock:
            if len(payload) <= self.max_bytes and key not in self._items:
                self._items[key] = payload
                self._bytes += len(payload)
                while self._bytes > self.max_bytes:
                    _, old = self._items.popitem(last=False)
                    self._bytes -= len(old)
        return payload
