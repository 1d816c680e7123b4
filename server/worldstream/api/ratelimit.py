"""A token bucket for per-session rates (camera updates per second on an Explore stream).

Written here rather than taken from a library: the few maintained ones are built for
cross-process quotas (Redis, SQLite backends) or sleep instead of answering; a stream needs a
yes/no per message, in a few lines, on one event loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class RateLimiter:
    """`rate` events per second on average, in bursts of up to `burst` (default: one second's
    worth). Not thread-safe: one per stream, used on its event loop."""

    def __init__(
        self, rate: float, burst: float | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if not rate > 0:
            raise ValueError(f"rate must be positive, got {rate}")
        self.rate = float(rate)
        self.burst = float(burst if burst is not None else max(1.0, rate))
        self._clock = clock
        self._tokens = self.burst
        self._last = clock()
        self._warned_at = float("-inf")

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now

    def allow(self) -> bool:
        """Take one token; False when the rate is exceeded (the event should be deferred or
        dropped)."""
        self._refill()
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False

    def seconds_until_allowed(self) -> float:
        """How long until `allow` would succeed: when to apply a deferred event."""
        self._refill()
        return max(0.0, (1.0 - self._tokens) / self.rate)

    def should_warn(self, every_s: float = 1.0) -> bool:
        """True at most once per `every_s`: one warning per second of excess, not one per
        refused event."""
        now = self._clock()
        if now - self._warned_at >= every_s:
            self._warned_at = now
            return True
        return False
