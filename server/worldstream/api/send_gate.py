"""Which Explore streams may send bulk tiles now.

A moving camera waits for the first tiles of cells it has just turned towards; a client that
has just connected wants hundreds of tiles of refinements. On one event loop, streams take turns
in arrival order, so one urgent tile would wait behind every other stream's bulk turn. The gate
lets at most `slots` streams send bulk (refinements, prefetch) at a time, in the order they
asked; urgent sends never wait for it. Slots are handed from one stream to the next directly,
so a release wakes one waiter, not all of them.
"""

from __future__ import annotations

import asyncio
import collections


class SendGate:
    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError(f"slots must be >= 1, got {slots}")
        self.free = slots
        self._waiters: collections.deque[asyncio.Future] = collections.deque()

    def request(self) -> asyncio.Future:
        """A future that resolves when the caller holds a slot (at once when one is free);
        give the slot back with `release`, or `withdraw` the request."""
        future = asyncio.get_running_loop().create_future()
        if self.free > 0 and not self._waiters:
            self.free -= 1
            future.set_result(True)
        else:
            self._waiters.append(future)
        return future

    def release(self) -> None:
        """Give a held slot back: straight to the first stream still waiting, if any."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(True)
                return
        self.free += 1

    def withdraw(self, future: asyncio.Future) -> None:
        """Forget a request: release its slot if it was granted, else stop waiting."""
        if future.done() and not future.cancelled():
            self.release()
        else:
            future.cancel()

    @property
    def waiting(self) -> int:
        return sum(not w.done() for w in self._waiters)
