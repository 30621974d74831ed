"""SES's rate limits: a token bucket per (account, region, API and operation), on the mock's clock.

Calls reach a bucket in the order they are answered, but not always in the order of their times:
each thread has a timeline of its own (``core.clock``: a thread's skipped retry waits move only
its clock), so a thread that waited may call "later" than one that calls after it. The bucket
judges every call on the one virtual timeline: a call is allowed when the calls allowed so far,
with it added at its time, are what SES's bucket allows (``burst`` at once, ``per_second`` a
second on average, over any stretch of time). In time order (the usual case) that is the plain
token bucket, at the cost of one comparison.
"""

from __future__ import annotations

import bisect
import threading

from ..errors import OptionError, shown

RATE_LIMIT_MODES = ("off", "track", "enforce")
"""What a call over its limit gets: nothing counted, recorded as over, or ``Throttling``."""
DEFAULT_RATE_LIMIT = "track"


def check_rate_limit(mode: object) -> str | None:
    """``mode`` if it is a rate-limit mode (or None), else ``OptionError``."""
    if mode is not None and mode not in RATE_LIMIT_MODES:
        raise OptionError(
            f"rate_limit must be one of {', '.join(map(repr, RATE_LIMIT_MODES))}; got {shown(mode)}"
        )
    return mode if mode is None else str(mode)


class Limit:
    """``per_second`` calls a second on average, and at most ``burst`` at once."""

    __slots__ = ("burst", "per_second")

    def __init__(self, per_second: float, burst: float) -> None:
        self.per_second = per_second
        self.burst = burst


# "You can execute this operation no more than once per second" (SES API reference).
DEFAULT_LIMITS = {("ses", "DescribeConfigurationSet"): Limit(per_second=1.0, burst=1.0)}

Target = tuple[str, str]  # (api, operation)

MAX_BUCKETS = 10_000
"""Buckets kept at most: a region is whatever a request's signature says (server mode), so a
client naming ever new regions must not grow the limiter without bound. The oldest goes first
(a bucket made again starts full)."""

KEPT_GRANTS = 1024
"""Allowed calls a bucket remembers, to judge a call that comes out of time order; a call older
than all of them is refused (an hour of calls at SES's one a second)."""


class _Bucket:
    """The calls one bucket allowed, in time order, and the tokens left after each."""

    __slots__ = ("base", "floor", "grants", "levels")

    def __init__(self, base: float) -> None:
        self.grants: list[float] = []
        self.levels: list[float] = []
        self.base = base
        """The standard library's time at the latest call: it going back is time travel."""
        self.floor = float("-inf")
        """The time of the latest call forgotten (``KEPT_GRANTS``): no call before it is allowed."""


class RateLimiter:
    """Decides whether a call is within its operation's limit; thread-safe."""

    def __init__(self) -> None:
        self.limits: dict[Target, Limit] = dict(DEFAULT_LIMITS)
        self._buckets: dict[tuple[str, str, Target], _Bucket] = {}
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Forget every call counted so far: each bucket starts full again (limits are kept)."""
        with self._lock:
            self._buckets = {}

    def set_limit(self, operation: Target, per_second: float | None, burst: float | None) -> None:
        """Limit ``operation``; ``per_second=None`` removes its limit."""
        with self._lock:
            self._buckets = {key: b for key, b in self._buckets.items() if key[2] != operation}
            if per_second is None:
                self.limits.pop(operation, None)
            else:
                self.limits[operation] = Limit(per_second, burst if burst is not None else 1.0)

    def allow(
        self, account: str, region: str, operation: Target, now: float, base: float | None = None
    ) -> bool:
        """Take a token for one call at ``now`` (the caller's time on the mock's clock); False
        when the call is over the limit. ``base`` is the standard library's time then: when it
        goes back (freezegun or time-machine travelling to the past), a new timeline starts,
        in which nothing has used the bucket yet."""
        limit = self.limits.get(operation)
        if limit is None:
            return True
        key = (account, region, operation)
        base = now if base is None else base
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None or base < bucket.base:
                if bucket is None and len(self._buckets) >= MAX_BUCKETS:
                    del self._buckets[next(iter(self._buckets))]
                bucket = self._buckets[key] = _Bucket(base)
            bucket.base = base
            grants, levels = bucket.grants, bucket.levels
            if not grants or now >= grants[-1]:  # in time order: the plain token bucket
                level = (
                    limit.burst
                    if not grants
                    else min(limit.burst, levels[-1] + (now - grants[-1]) * limit.per_second)
                )
                if level < 1.0:
                    return False
                grants.append(now)
                levels.append(level - 1.0)
                if len(grants) > 2 * KEPT_GRANTS:
                    bucket.floor = grants[-KEPT_GRANTS - 1]
                    del grants[:-KEPT_GRANTS], levels[:-KEPT_GRANTS]
                return True
            return _insert(bucket, limit, now)


def _insert(bucket: _Bucket, limit: Limit, now: float) -> bool:
    """Allow a call earlier than the latest allowed one if every allowed call, this one among
    them, still has its token; the later calls' tokens are then recomputed."""
    if now < bucket.floor:
        return False
    grants, levels = bucket.grants, bucket.levels
    at = bisect.bisect_right(grants, now)
    if at == 0:  # before every call remembered: a full bucket, or what the forgotten left
        forgotten = bucket.floor != float("-inf")
        level = (
            min(limit.burst, (now - bucket.floor) * limit.per_second) if forgotten else limit.burst
        )
    else:
        level = min(limit.burst, levels[at - 1] + (now - grants[at - 1]) * limit.per_second)
    if level < 1.0:
        return False
    changed = [level - 1.0]
    last = now
    for index in range(at, len(grants)):
        level = min(limit.burst, changed[-1] + (grants[index] - last) * limit.per_second)
        if level < 1.0:
            return False  # a call allowed already would lose its token
        if level - 1.0 == levels[index]:
            break  # the bucket refilled to where it was: the rest is as before
        changed.append(level - 1.0)
        last = grants[index]
    grants.insert(at, now)
    levels[at : at + len(changed) - 1] = changed
    return True
