"""How many request bodies each tenant may have the server read at once.

gRPC reads a whole request message into memory (up to the 32 MiB receive limit) before any
handler sees it. Calls are let in to be read a few at a time per tenant (api/auth.py reads them
itself, so a call that waits has not been read). Uploads (CreateWorld: a photo of up to 20 MiB,
maybe over a slow link) have slots of their own, so a slow upload never holds up the tenant's
small calls; an upload beyond them is refused at once (UPLOAD_LIMIT_REACHED) rather than kept
waiting, because a waiting call still holds what its connection's flow-control window let the
client send ahead, and for uploads that grows with the link. Small calls wait for a slot.

Touched only on the event loop, so no lock.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from worldstream.errors import ResourceExhausted


class RequestGate:
    def __init__(self, reads_per_tenant: int, uploads_per_tenant: int) -> None:
        if reads_per_tenant <= 0 or uploads_per_tenant <= 0:
            raise ValueError("a tenant must be allowed at least one read of each kind")
        self._limits = {False: reads_per_tenant, True: uploads_per_tenant}
        self._slots: dict[tuple[str, bool], asyncio.Semaphore] = {}
        self._users: dict[tuple[str, bool], int] = {}

    @contextlib.asynccontextmanager
    async def reading(self, tenant: str, upload: bool) -> AsyncIterator[None]:
        """Held while one request body of `tenant` is read and parsed. A small call waits for
        a slot; an upload raises UPLOAD_LIMIT_REACHED when there is none."""
        key = (tenant, upload)
        if upload and self._users.get(key, 0) >= self._limits[True]:
            limit = self._limits[True]
            raise ResourceExhausted(
                "UPLOAD_LIMIT_REACHED",
                f"tenant {tenant} has {limit} uploads being received; the limit is {limit}",
                tenant=tenant,
                limit=limit,
            )
        slots = self._slots.get(key)
        if slots is None:
            slots = self._slots[key] = asyncio.Semaphore(self._limits[upload])
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with slots:
                yield
        finally:
            self._users[key] -= 1
            if self._users[key] == 0:  # no holder, no waiter: tenants leave nothing behind
                del self._users[key], self._slots[key]

    def reading_now(self, tenant: str, upload: bool) -> int:
        """Bodies of `tenant` being read or waiting to be (for tests)."""
        return self._users.get((tenant, upload), 0)
