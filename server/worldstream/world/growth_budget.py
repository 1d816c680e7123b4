"""How far generation on demand may grow a world: up to `max_world_splats` for the world, and up
to `max_tenant_splats` for all of its tenant's worlds together.

Without a bound one client walking into the unknown grew a world from 96 thousand to 5.4 million
splats in 150 s (2.4 GB of server memory), and nothing stopped it. A world at its budget streams
as it is: nothing more is generated for it (WORLD_GROWTH_LIMIT, a stream warning, not an end).
The check runs before a job is queued and again before it runs, so a world ends at most one job's
views past its budget.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from worldstream.errors import ResourceExhausted
from worldstream.store.catalog import Catalog, WorldRecord

TENANT_TOTAL_TTL_S = 1.0
"""A tenant's total is read from the catalog (every world's row) at most this often; within it,
a job or two more may be queued on a total a few splats stale, which the check before the job
runs catches."""
_PAGE = 1000


@dataclass(frozen=True)
class GrowthLimits:
    max_world_splats: int = 0
    """0: no limit (tools and tests)."""
    max_tenant_splats: int = 0

    @property
    def any(self) -> bool:
        return bool(self.max_world_splats or self.max_tenant_splats)


class GrowthBudget:
    def __init__(
        self,
        catalog: Catalog,
        limits: GrowthLimits,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.catalog = catalog
        self.limits = limits
        self.clock = clock
        self._totals: dict[str, tuple[float, int]] = {}  # tenant -> (read at, splats)
        self._lock = threading.Lock()

    def check(self, record: WorldRecord) -> None:
        """Raises RESOURCE_EXHAUSTED (WORLD_GROWTH_LIMIT) when the world may not grow."""
        limit = self.limits.max_world_splats
        if limit and record.splat_count >= limit:
            raise ResourceExhausted(
                "WORLD_GROWTH_LIMIT",
                f"worlds/{record.id} holds {record.splat_count} splats; generation on demand "
                f"grows a world to {limit}",
                world=record.id,
                splats=record.splat_count,
                limit=limit,
            )
        limit = self.limits.max_tenant_splats
        if limit:
            total = self.tenant_total(record.tenant)
            if total >= limit:
                raise ResourceExhausted(
                    "WORLD_GROWTH_LIMIT",
                    f"the worlds of tenant {record.tenant} hold {total} splats; generation on "
                    f"demand grows them to {limit} in all",
                    world=record.id,
                    tenant=record.tenant,
                    splats=total,
                    limit=limit,
                )

    def tenant_total(self, tenant: str) -> int:
        now = self.clock()
        with self._lock:
            cached = self._totals.get(tenant)
        if cached is not None and now - cached[0] < TENANT_TOTAL_TTL_S:
            return cached[1]
        total, token = 0, ""
        while True:
            records, token = self.catalog.list(_PAGE, token, tenant=tenant)
            total += sum(r.splat_count for r in records)
            if not token:
                break
        with self._lock:
            self._totals[tenant] = (now, total)
        return total
