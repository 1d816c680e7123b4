"""A memory budget shared by the work of one kind (world creations): each piece reserves what it
will take before it starts, and waits while the others hold the rest.

A server that runs two creations at once would otherwise peak at the sum of their worst cases;
with the budget its creations together stay under one figure, and a third waits its turn
instead of taking the server past its memory. A reservation larger than the whole budget is cut
to the budget: that work runs alone (the request limits, not the budget, refuse work too large
for any server).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

CREATION_BYTES_PER_WORKING_PIXEL = 1100
"""Peak memory of a world creation per pixel of its working frame, decode excluded: measured as
the peak RSS of a fresh process running Worlds.create less its RSS before (1,060 MiB at
1024x1024, 824 MiB at 1024x768; bench/bench_photo_memory.py), rounded up."""


class MemoryBudget:
    def __init__(self, capacity_bytes: int) -> None:
        if capacity_bytes <= 0:
            raise ValueError(f"a memory budget must be positive, got {capacity_bytes}")
        self.capacity = capacity_bytes
        self._used = 0
        self._changed = threading.Condition()

    @property
    def used(self) -> int:
        with self._changed:
            return self._used

    @contextmanager
    def reserve(self, nbytes: int) -> Iterator[None]:
        """Hold `nbytes` (at most the whole budget) for the block, waiting until they are free."""
        nbytes = max(0, min(int(nbytes), self.capacity))
        with self._changed:
            self._changed.wait_for(lambda: self._used + nbytes <= self.capacity)
            self._used += nbytes
        try:
            yield
        finally:
            with self._changed:
                self._used -= nbytes
                self._changed.notify_all()
