"""Progress on standard error: a live line on a terminal, one line per region otherwise.

On a terminal the line is rewritten as sets are read (``us-east-1: 3/12 configuration sets,
about 9 s left``); in a log (CI, a pipe) each region gets one line once it is done, so a long
run neither floods the log nor stays silent.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from .pacing import INTERVAL

_CLEAR = "\r\x1b[K"  # back to the start of the line, and erase it


class Progress:
    """Reports the reading of each region; ``live`` (default: whether ``stream`` is a TTY)
    rewrites one line as sets are read."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        live: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if live is None:
            isatty = getattr(self.stream, "isatty", None)
            live = bool(isatty and isatty())
        self.live = live
        self._clock = clock
        self._started = 0.0
        self._shown = False

    def listing(self, region: str, page: int) -> None:
        """Listing the sets of ``region``, page ``page``."""
        more = f" (page {page})" if page > 1 else ""
        self._show(f"{region}: listing configuration sets{more}")

    def start(self, region: str) -> None:
        """Reading the sets of ``region`` begins (its time is counted from here)."""
        self._started = self._clock()

    def reading(self, region: str, done: int, total: int) -> None:
        """``done`` of the ``total`` sets of ``region`` have been read."""
        if total == 0:
            return
        elapsed = self._clock() - self._started
        per_set = max(INTERVAL, elapsed / done) if done else INTERVAL
        left = round((total - done) * per_set)
        self._show(f"{region}: {done}/{total} configuration sets, about {_seconds(left)} left")

    def finished(self, region: str, read: int, listed: int, throttled: int) -> None:
        """The region is done: its one line, on a terminal or not."""
        elapsed = round(self._clock() - self._started)
        if listed == 0:
            line = f"{region}: no configuration sets"
        else:
            line = f"{region}: {read} configuration set{'' if read == 1 else 's'} read"
            if read != listed:
                line += f" (of {listed} listed)"
            line += f" in {_seconds(elapsed)}"
        if throttled:
            line += f"; {throttled} throttled call{'' if throttled == 1 else 's'} retried"
        self.note(line)

    def note(self, line: str) -> None:
        """A line of its own (a region done, a warning), above the live line if any."""
        if self._shown:
            self.stream.write(_CLEAR)
            self._shown = False
        self.stream.write(line + "\n")
        self.stream.flush()

    def _show(self, line: str) -> None:
        if not self.live:
            return
        self.stream.write(_CLEAR + line)
        self.stream.flush()
        self._shown = True


def _seconds(value: float) -> str:
    seconds = int(value)
    if seconds < 120:
        return f"{seconds} s"
    return f"{seconds // 60} min {seconds % 60:02d} s"
