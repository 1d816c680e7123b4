"""What one Explore stream has yet to apply: the client's requests and the stream's own events, in
the order they arrived, with the client's share bounded.

The stream reads its client on a task of its own, so that a client that stops reading stops the
sending, not the reading. But the handler applies requests only between writes: while a write
waits on a client that does not read, requests would pile up without end (a client sending views
as fast as it could grew the server by megabytes a second). So the reader waits for room once
`max_requests` requests, or `max_bytes` of them, wait to be applied; it then stops reading, and
gRPC's flow control stops the client's sending in turn. Nothing is dropped: every request is
applied, in order, once the handler gets to it.

The stream's own events (generation progress, plans, the world growing, colliders) are never
refused or delayed: they are put from callbacks that cannot wait, and each is bounded by the
stream's own progress, except the world growing, which does not wait for the stream: of those
only the newest is kept (`latest_only`), which the stream would have reached anyway.

The reader can never hold up the handler: it only ever waits for room, and the handler makes
room by taking requests, which it does whenever it is not writing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

KiB = 1024
MAX_REQUESTS = 64
"""Requests one stream holds unapplied before it stops reading its client (a camera at 120 views
a second waits about half a second behind the handler before it is held back)."""
MAX_REQUEST_BYTES = 256 * KiB
"""Bytes of such requests (a view is about 100 bytes); one request larger than this is still
taken when nothing else waits, so any message the transport accepts can be applied."""


@dataclass(frozen=True)
class _Request:
    request: object
    nbytes: int


@dataclass(frozen=True)
class _Latest:
    """Stands in the queue for the newest event of its kind, held in `StreamInbox._latest`."""

    kind: type


class StreamInbox:
    def __init__(
        self,
        max_requests: int = MAX_REQUESTS,
        max_bytes: int = MAX_REQUEST_BYTES,
        latest_only: tuple[type, ...] = (),
    ) -> None:
        if max_requests < 1 or max_bytes < 1:
            raise ValueError("an inbox must hold at least one request")
        self.max_requests = max_requests
        self.max_bytes = max_bytes
        self._items: asyncio.Queue = asyncio.Queue()
        self._latest_only = latest_only
        self._latest: dict[type, object] = {}
        self.requests = 0  # held, not yet taken by the handler
        self.request_bytes = 0
        self.most_requests = 0  # the most ever held at once
        self.most_request_bytes = 0
        self._room = asyncio.Event()
        self._room.set()

    # -- the reader ------------------------------------------------------------------------

    def _fits(self, nbytes: int) -> bool:
        if self.requests == 0:
            return True
        return self.requests < self.max_requests and self.request_bytes + nbytes <= self.max_bytes

    async def put_request(self, request: object, nbytes: int) -> None:
        """Hold a client request; waits while the stream holds its fill of them."""
        while not self._fits(nbytes):
            self._room.clear()
            await self._room.wait()
        self.requests += 1
        self.request_bytes += nbytes
        self.most_requests = max(self.most_requests, self.requests)
        self.most_request_bytes = max(self.most_request_bytes, self.request_bytes)
        self._items.put_nowait(_Request(request, nbytes))

    # -- the stream's own events -----------------------------------------------------------

    def put_nowait(self, item: object) -> None:
        """An event of the stream; never refused."""
        kind = type(item)
        if kind in self._latest_only:
            pending = kind in self._latest
            self._latest[kind] = item
            if pending:
                return  # its placeholder is queued already, where the first one arrived
            item = _Latest(kind)
        self._items.put_nowait(item)

    async def put(self, item: object) -> None:
        self.put_nowait(item)

    # -- the handler -----------------------------------------------------------------------

    def empty(self) -> bool:
        return self._items.empty()

    def get_nowait(self) -> object:
        return self._taken(self._items.get_nowait())

    async def get(self) -> object:
        # Cancelled while waiting, the get takes nothing: the item stays for the next one.
        return self._taken(await self._items.get())

    def _taken(self, item: object) -> object:
        if isinstance(item, _Request):
            self.requests -= 1
            self.request_bytes -= item.nbytes
            self._room.set()
            return item.request
        if isinstance(item, _Latest):
            return self._latest.pop(item.kind)
        return item
