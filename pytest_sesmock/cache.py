"""``BoundedCache``: a small thread-safe cache, bounded by entries and by bytes; and
``CompiledOnce``, the functions compiled once per shape by the protocols and the spellings.

Every cache of the mock (decoded requests, written answers, resolved declarations) is one of
these, so that none can grow without bound whatever a client sends, and none can be corrupted by
threads that fill it at once. It is a ``dict`` of the values kept: reading is ``dict.get``, which
takes no lock (a ``dict`` read is atomic) and runs no Python code on the hot path; writing and
evicting lock. Eviction is first in, first out: the entries worth keeping (the few requests a test
repeats) are put back as soon as they are asked for again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class BoundedCache(dict[Hashable, V]):
    """At most ``max_entries`` values and ``max_bytes`` bytes (as the caller measures them).

    A value larger than ``max_entry_bytes`` (a quarter of ``max_bytes`` unless given) is not
    kept at all: one huge request must not push out every small one. Read it as a ``dict``
    (``get``); write it only with ``put`` and ``clear``.
    """

    __slots__ = ("_lock", "_sizes", "bytes", "max_bytes", "max_entries", "max_entry_bytes")

    def __init__(
        self, max_entries: int, max_bytes: int, max_entry_bytes: int | None = None
    ) -> None:
        super().__init__()
        if max_entries < 1 or max_bytes < 1:
            raise ValueError("a cache must have room for at least one entry and one byte")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // 4 if max_entry_bytes is None else max_entry_bytes
        self._sizes: dict[Hashable, int] = {}
        self.bytes = 0
        """The bytes held now, as the callers measured them."""
        self._lock = threading.Lock()

    def put(self, key: Hashable, value: V, size: int) -> None:
        """Keep ``value`` (``size`` bytes) under ``key``, evicting the oldest entries for room."""
        if size > self.max_entry_bytes:
            return
        sizes = self._sizes
        with self._lock:
            old = sizes.pop(key, None)
            if old is not None:
                self.bytes -= old
                dict.__delitem__(self, key)
            while sizes and (len(sizes) >= self.max_entries or self.bytes + size > self.max_bytes):
                # next(iter(...)) under the lock: no other thread can evict the same key.
                evicted = next(iter(sizes))
                self.bytes -= sizes.pop(evicted)
                dict.__delitem__(self, evicted)
            dict.__setitem__(self, key, value)
            sizes[key] = size
            self.bytes += size

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            dict.clear(self)
            self._sizes.clear()
            self.bytes = 0


S = TypeVar("S")


class CompiledOnce(Generic[S, V]):
    """Functions compiled once per source (a shape, a pair of shapes) and kept for the process.

    ``compile(source)`` builds the function; for a recursive shape it calls
    ``started(source, function)`` before compiling its members, so that the members find it.
    What is being compiled is published only once whole, under one lock, so that another thread
    never uses a function whose members are still being compiled. Reading takes no lock.
    ``key(source)`` names a source (shapes by name, pairs by identity).
    """

    def __init__(self, compile: Callable[[S], V], key: Callable[[S], Hashable]) -> None:
        self._compile = compile
        self._key = key
        self._done: dict[Hashable, V] = {}
        self._building: dict[Hashable, V] = {}
        self._lock = threading.RLock()

    def __call__(self, source: S) -> V:
        """The function for ``source``, compiled now if it was not yet."""
        key = self._key(source)
        found = self._done.get(key)
        if found is not None:
            return found
        with self._lock:
            found = self._done.get(key) or self._building.get(key)
            if found is not None:
                return found
            outermost = not self._building
            try:
                value = self._building[key] = self._compile(source)
                if outermost:
                    self._done.update(self._building)
            finally:
                if outermost:
                    self._building.clear()
            return value

    def started(self, source: S, value: V) -> None:
        """``value`` is the function for ``source``, its members still to compile."""
        self._building[self._key(source)] = value
