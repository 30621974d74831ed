"""Calling SES no faster than it allows, and waiting longer when it says "too fast".

SES documents DescribeConfigurationSet (and ListConfigurationSets) at "no more than once per
second"; each operation has its own budget in each region. ``Pacer`` spaces the calls of one
(region, operation) by the interval, counted from the previous *answer*: the previous request
reached SES before its answer came back, so the next one reaches SES at least an interval after
it, whatever the network's delays. A throttled call is retried after ``backoff``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Hashable

from botocore.exceptions import ClientError

from .failure import error_code, http_status

INTERVAL = 1.0
"""Seconds between two calls of one operation in one region: SES's documented rate."""
# Added to each wait: two clocks (ours and SES's) never agree to the millisecond.
_MARGIN = 0.02
BACKOFF_CAP = 20.0
"""The longest wait before retrying a throttled call, in seconds (as botocore caps it)."""

# What AWS answers for "too fast" (botocore's own list, without LimitExceededException, which SES
# v2 answers for a quota, not a rate).
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "SlowDown",
    }
)


def is_throttling(error: ClientError) -> bool:
    """Whether SES answered ``error`` because the calls came too fast."""
    return error_code(error) in THROTTLING_CODES or http_status(error) == 429


def backoff(attempt: int, interval: float = INTERVAL) -> float:
    """Seconds to wait before retry number ``attempt`` (1, 2, ...) of a refused call.

    Exponential with jitter (so that several clients do not retry in step), capped at
    ``BACKOFF_CAP``, and never shorter than the interval the rate allows.
    """
    ceiling = min(BACKOFF_CAP, interval * 2.0 ** (attempt - 1))
    return max(interval, ceiling * random.uniform(0.5, 1.0))


class Pacer:
    """At most one call per ``interval`` seconds for each key (a region and an operation)."""

    def __init__(
        self,
        interval: float = INTERVAL,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._next: dict[Hashable, float] = {}

    def wait(self, key: Hashable) -> None:
        """Return once a call for ``key`` may be sent."""
        delay = self._next.get(key, 0.0) - self._clock()
        if delay > 0:
            self._sleep(delay)

    def answered(self, key: Hashable, wait: float = 0.0) -> None:
        """A call for ``key`` has been answered; the next waits the interval, or ``wait``."""
        if self.interval <= 0 and wait <= 0:
            return
        self._next[key] = self._clock() + max(self.interval + _MARGIN, wait)
