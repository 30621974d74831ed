"""Hints for a failing test: what the mock noticed that the test may not have meant.

The mock notes them as it answers; the plugin shows the ones noted during a test in that test's
report when it fails. Kept apart from the records so that the plugin imports nothing heavier.
"""

from __future__ import annotations

_hints: list[str] = []


def note_hint(hint: str) -> None:
    """Keep ``hint`` for the report of the test running now (the plugin shows it on failure)."""
    if hint not in _hints:
        _hints.append(hint)


def take_hints() -> list[str]:
    """The hints noted since the last call, forgotten as they are returned."""
    taken = _hints[:]
    del _hints[: len(taken)]
    return taken
