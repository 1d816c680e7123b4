"""Which Explore streams may send now, and in what order.

On one event loop every stream that writes at once makes each turn of the loop longer, and the
loop's turns pace everything else: reading camera updates, and accepting new streams (gRPC's
asyncio server accepts one call per turn). With 32 clients connecting together, unbounded
writers stretched a turn to ~10 ms, so the 32nd stream was entered 330 ms after it arrived.

The gate lets at most `slots` streams write at a time and hands the slots out by priority, then
in the order asked:

- FIRST: the first message after a view shows cells the client lacks (one small message: what a
  moving camera waits for);
- URGENT: the rest of the cells the view shows that the client lacks;
- BULK: refinements and prefetch.

A slot is handed from one stream to the next directly, so a release wakes one waiter, not all.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from enum import IntEnum


class Priority(IntEnum):
    FIRST = 0
    URGENT = 1
    BULK = 2


class SendGate:
    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError(f"slots must be >= 1, got {slots}")
        self.free = slots
        self._waiters: list[tuple[int, int, asyncio.Future]] = []  # heap: priority, then order
        self._order = itertools.count()

    def request(self, priority: Priority = Priority.BULK) -> asyncio.Future:
        """A future that resolves when the caller holds a slot (at once when one is free and
        nobody waits); give the slot back with `release`, or `withdraw` the request."""
        future = asyncio.get_running_loop().create_future()
        if self.free > 0 and not self.waiting:
            self.free -= 1
            future.set_result(True)
        else:
            heapq.heappush(self._waiters, (int(priority), next(self._order), future))
        return future

    def release(self) -> None:
        """Give a held slot back: straight to the most pressing stream still waiting, if any."""
        while self._waiters:
            _, _, waiter = heapq.heappop(self._waiters)
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
        return sum(not w.done() for _, _, w in self._waiters)
