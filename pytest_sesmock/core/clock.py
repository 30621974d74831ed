"""The mock's clock: the standard library's time, what the test advanced, and each thread's waits.

Retries after the mock's answers are free: botocore's backoff does not sleep, it moves the clock
(``adapters.backoff``). Whose clock? Each thread (and each asyncio task) has a timeline of its
own, as it would in real time: its skipped waits move only its own clock, so waits of threads
that back off at the same time overlap instead of adding up, and a thread that never waited is
not pushed into the future by one that did. ``advance()`` moves every timeline.

A thread's own offset is a context variable: a thread starts at none, an asyncio task starts at
its creator's. Calls of several timelines reach the rate limiter out of time order; it judges
them on the one virtual timeline (``rate_limit``). freezegun and time-machine are obeyed: the
standard library's ``time.time()`` is read at every call.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from contextvars import ContextVar

_tokens = itertools.count(1)

# (the clock it belongs to, seconds this thread or task skipped waiting on that clock). One pair,
# not a map: a thread waits on the innermost active mock's clock, and an old pair is ignored.
_own: ContextVar[tuple[int, float]] = ContextVar("pytest_sesmock_own_wait", default=(0, 0.0))


class Clock:
    """One mock's clock. ``read()`` and ``now()`` are on the hot path: a read of ``time.time``,
    an attribute and a context variable."""

    __slots__ = ("_lock", "offset", "token")

    def __init__(self) -> None:
        self.offset = 0.0
        """Seconds ``advance()`` moved every timeline, in all."""
        self.token = next(_tokens)
        self._lock = threading.Lock()

    def read(self) -> tuple[float, float]:
        """(the standard library's time, this thread's time on this clock), in epoch seconds."""
        base = time.time()
        token, own = _own.get()
        return base, base + self.offset + (own if token == self.token else 0.0)

    def now(self) -> float:
        """This thread's (or task's) time on this clock, in epoch seconds."""
        token, own = _own.get()
        return time.time() + self.offset + (own if token == self.token else 0.0)

    def advance(self, seconds: float) -> None:
        """Move every timeline forward by ``seconds`` (checked by the caller)."""
        with self._lock:
            self.offset += seconds

    def skip(self, seconds: float) -> None:
        """A wait of ``seconds`` that did not happen: this thread's (or task's) clock moves."""
        if not math.isfinite(seconds) or seconds <= 0:
            return
        token, own = _own.get()
        _own.set((self.token, (own if token == self.token else 0.0) + seconds))
