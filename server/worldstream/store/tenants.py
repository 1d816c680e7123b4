"""Tenants: the team a call acts for. Every world belongs to exactly one tenant.

The API layer resolves a caller's bearer token to a tenant and sets it for the call with
`acting_for`; world lookups (Worlds.get, load, list, delete, export) then see only that tenant's
worlds. A context variable rather than a parameter, because the Explore stream loads its world
through `Worlds.load(world_id)`, which must stay as it is; the server's worker threads run each
task in a copy of the calling context (api/servicer.py `run_io`), so the tenant follows the call.
No tenant set (None) means a trusted in-process caller: generation jobs, tools, tests.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextvars import ContextVar

LOCAL_TENANT = "local"
"""Owner of every world made with authentication off, and of worlds made before tenants."""
TENANT_NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}\Z")  # "$" allows a final "\n"

_current: ContextVar[str | None] = ContextVar("worldstream_tenant", default=None)


def current_tenant() -> str | None:
    """The tenant this call acts for; None for trusted in-process callers (no scoping)."""
    return _current.get()


@contextlib.contextmanager
def acting_for(tenant: str | None) -> Iterator[None]:
    token = _current.set(tenant)
    try:
        yield
    finally:
        _current.reset(token)


def set_tenant(tenant: str | None) -> None:
    """Set the tenant for the rest of the current context (one gRPC call's task)."""
    _current.set(tenant)
