"""SES's rate limits: a token bucket per (account, region, API and operation), on the mock's
clock."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """``per_second`` calls a second on average, and at most ``burst`` at once."""

    per_second: float
    burst: float


# "You can execute this operation no more than once per second" (SES API reference).
DEFAULT_LIMITS = {("ses", "DescribeConfigurationSet"): Limit(per_second=1.0, burst=1.0)}

Target = tuple[str, str]  # (api, operation)

MAX_BUCKETS = 10_000
"""Buckets kept at most: a region is whatever a request's signature says (server mode), so a
client naming ever new regions must not grow the limiter without bound. The oldest goes first
(a bucket made again starts full)."""


class RateLimiter:
    """Decides whether a call is within its operation's limit; thread-safe."""

    def __init__(self) -> None:
        self.limits: dict[Target, Limit] = dict(DEFAULT_LIMITS)
        # (account, region, (api, operation)) -> [tokens, last refill time]
        self._buckets: dict[tuple[str, str, Target], list[float]] = {}
        self._lock = threading.Lock()

    def set_limit(self, operation: Target, per_second: float | None, burst: float | None) -> None:
        """Limit ``operation``; ``per_second=None`` removes its limit."""
        with self._lock:
            self._buckets = {key: b for key, b in self._buckets.items() if key[2] != operation}
            if per_second is None:
                self.limits.pop(operation, None)
            else:
                self.limits[operation] = Limit(per_second, burst if burst is not None else 1.0)

    def allow(self, account: str, region: str, operation: Target, now: float) -> bool:
        """Take a token for one call at ``now``; False when the call is over the limit."""
        limit = self.limits.get(operation)
        if limit is None:
            return True
        key = (account, region, operation)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None or now < bucket[1]:
                # A clock set back (freezegun or time-machine travelling to the past) starts a
                # new timeline: nothing in it has used the bucket yet.
                if bucket is None and len(self._buckets) >= MAX_BUCKETS:
                    del self._buckets[next(iter(self._buckets))]
                bucket = self._buckets[key] = [limit.burst, now]
            elif now > bucket[1]:
                bucket[0] = min(limit.burst, bucket[0] + (now - bucket[1]) * limit.per_second)
                bucket[1] = now
            if bucket[0] >= 1.0:
                bucket[0] -= 1.0
                return True
            return False
