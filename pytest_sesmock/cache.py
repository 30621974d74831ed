"""``BoundedCache``: a small thread-safe cache, bounded by entries and by bytes.

Every cache of the mock (decoded requests, written answers, resolved declarations) is one of
these, so that none can grow without bound whatever a client sends, and none can be corrupted by
threads that fill it at once. Reading takes no lock (a ``dict`` read is atomic); writing and
evicting do. Eviction is first in, first out: the entries worth keeping (the few requests a test
repeats) are put back as soon as they are asked for again.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class BoundedCache(Generic[V]):
    """At most ``max_entries`` values and ``max_bytes`` bytes (as the caller measures them).

    A value larger than ``max_entry_bytes`` (a quarter of ``max_bytes`` unless given) is not
    kept at all: one huge request must not push out every small one.
    """

    __slots__ = ("_bytes", "_entries", "_lock", "max_bytes", "max_entries", "max_entry_bytes")

    def __init__(
        self, max_entries: int, max_bytes: int, max_entry_bytes: int | None = None
    ) -> None:
        if max_entries < 1 or max_bytes < 1:
            raise ValueError("a cache must have room for at least one entry and one byte")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // 4 if max_entry_bytes is None else max_entry_bytes
        self._entries: dict[Hashable, tuple[V, int]] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """The value kept under ``key``, or None."""
        found = self._entries.get(key)
        return None if found is None else found[0]

    def put(self, key: Hashable, value: V, size: int) -> None:
        """Keep ``value`` (``size`` bytes) under ``key``, evicting the oldest entries for room."""
        if size > self.max_entry_bytes:
            return
        entries = self._entries
        with self._lock:
            old = entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            while entries and (
                len(entries) >= self.max_entries or self._bytes + size > self.max_bytes
            ):
                # next(iter(...)) under the lock: no other thread can evict the same key.
                _, evicted = entries.pop(next(iter(entries)))
                self._bytes -= evicted
            entries[key] = (value, size)
            self._bytes += size

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        """The bytes held now, as the callers measured them."""
        return self._bytes
