"""Errors a test asks the mock to answer with (``SesMock.add_error``)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import SesError, shown


@dataclass
class Fault:
    """Answer the next ``times`` matching calls with ``error``."""

    error: SesError
    operations: frozenset[tuple[str, str]]
    """(api, operation) pairs it answers."""
    configuration_set: str | None
    times: int

    def matches(self, api: str, operation: str, params: Mapping[str, Any]) -> bool:
        if (api, operation) not in self.operations:
            return False
        return self.configuration_set is None or configuration_set_of(params) == (
            self.configuration_set
        )


def configuration_set_of(params: Mapping[str, Any]) -> str | None:
    """The configuration set a call is about, whichever operation it is."""
    name = params.get("ConfigurationSetName")
    if name is None and isinstance(params.get("ConfigurationSet"), Mapping):
        name = params["ConfigurationSet"].get("Name")
    return name if isinstance(name, str) else None


class Faults:
    """The pending faults of one mock, consumed in the order they were added; thread-safe."""

    def __init__(self) -> None:
        self.pending: list[Fault] = []
        """The faults not used up yet, in order (the pipeline reads it before calling ``take``:
        the common case, no fault, costs one check)."""
        self.fired = 0
        """How many calls a fault answered (the session summary of the plugin reports it)."""
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self.pending.append(fault)

    def take(self, api: str, operation: str, params: Mapping[str, Any]) -> SesError | None:
        """The error for this call, if a pending fault matches it (using up one of its times)."""
        with self._lock:
            for fault in self.pending:
                if fault.matches(api, operation, params):
                    fault.times -= 1
                    self.fired += 1
                    if fault.times == 0:
                        self.pending.remove(fault)
                    # A new error for each call: raising one object again and again would chain
                    # every call's traceback onto it, keeping their frames alive.
                    error = fault.error
                    return SesError(error.code, error.message, error.status, error.key)
        return None


def make_fault(
    code: str,
    message: str,
    status: int,
    operations: frozenset[tuple[str, str]],
    configuration_set: str | None,
    times: int,
) -> Fault:
    """A checked ``Fault`` (names already resolved); ``ValueError`` says which argument is wrong."""
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise ValueError(f"status must be an HTTP error status, 400 to 599; got {shown(status)}")
    if isinstance(times, bool) or not isinstance(times, int) or times < 1:
        raise ValueError(f"times must be a positive integer; got {shown(times)}")
    return Fault(SesError(code, message, status), operations, configuration_set, times)
