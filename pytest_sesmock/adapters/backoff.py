"""Retries without waiting: botocore's backoff after a mock's answer moves the mock's clock.

botocore sleeps between attempts in ``Endpoint._needs_retry`` (legacy, standard and adaptive
modes alike), right after the ``needs-retry`` handlers gave the delay; in adaptive mode its
client-side token bucket may also wait before sending. The adapters note, per thread (and per
asyncio task: the notes are context variables, and aiobotocore runs many calls on one thread),
when the response ``_needs_retry`` decides about came from an active mock (or the request is being
answered by one); those waits then move the mock's clock instead of blocking: the clock of the
thread (or task) that waited, so that waits of concurrent threads overlap as real ones would
(``core.clock``).
Every other sleep and wait is real. aiobotocore's waits are made free the same way
(``adapters.aiobotocore``).
"""

from __future__ import annotations

import threading
import time
from contextvars import ContextVar
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core.activation import Journal
    from ..core.pipeline import Pipeline

backoff_var: ContextVar[Pipeline | None] = ContextVar("pytest_sesmock_backoff_for", default=None)
"""The pipeline whose answer the coming backoff is for, in this thread or task (None: a real
wait). Written by the botocore adapter's retry decision, on every call."""
answering_var: ContextVar[Pipeline | None] = ContextVar("pytest_sesmock_answering", default=None)
"""The pipeline answering the request being sent in this thread or task, if any."""
# Seconds the mocks' clocks were moved by skipped waits, so far. botocore's adaptive bucket reads
# a clock that includes them, so it sees the time pass that it would have waited; the sum only
# grows, so that clock is monotonic, and it is the real clock as long as nothing was skipped.
_skipped = 0.0
_skipped_lock = threading.Lock()


def skip(mock: Pipeline, seconds: float) -> None:
    """A wait of ``seconds`` that did not happen: the clock of this thread (or task) on ``mock``
    moves instead (``core.clock``: concurrent waits overlap, as real ones would)."""
    global _skipped
    mock.clock.skip(seconds)
    with _skipped_lock:
        _skipped += seconds


def take_backoff() -> Pipeline | None:
    """The pipeline whose answer the coming backoff is for, once (None: a real wait)."""
    pipeline = backoff_var.get()
    if pipeline is not None:
        backoff_var.set(None)
    return pipeline


def answering() -> Pipeline | None:
    """The pipeline answering the request being sent in this thread or task, if any."""
    return answering_var.get()


class ModuleProxy(ModuleType):
    """A stand-in for a standard module inside one library module; unlisted names pass through."""

    def __init__(self, module: ModuleType) -> None:
        super().__init__(module.__name__)
        self._module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)  # looked up each time: freezegun may patch it


class _EndpointTime(ModuleProxy):
    """``time`` as ``botocore.endpoint`` sees it: backoff after a mock's answer is free."""

    def sleep(self, seconds: float) -> None:
        mock = take_backoff()
        if mock is None:
            time.sleep(seconds)
            return
        skip(mock, seconds)


class _BucketTime(ModuleProxy):
    """``time`` as botocore's adaptive token bucket sees it: including the skipped waits."""

    def time(self) -> float:
        return time.time() + _skipped


class _Condition(threading.Condition):
    """A condition whose timed wait is skipped while a mock answers this thread's request."""

    def wait(self, timeout: float | None = None) -> bool:
        mock = answering()
        if mock is None or timeout is None:
            return super().wait(timeout)
        skip(mock, timeout)
        return False


class _BucketThreading(ModuleProxy):
    Condition = _Condition


def patch(journal: Journal, pipeline: Pipeline) -> None:
    """botocore's endpoint and adaptive bucket get the mock-aware stand-ins (registered with
    ``core.activation``)."""
    import botocore.endpoint
    import botocore.retries.bucket

    journal.set(botocore.endpoint, "time", _EndpointTime(time))
    journal.set(botocore.retries.bucket, "time", _BucketTime(time))
    journal.set(botocore.retries.bucket, "threading", _BucketThreading(threading))
