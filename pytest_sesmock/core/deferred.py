"""A send left to moto: checked by us, answered by moto, its events published once we see how.

The ``before-send`` hook checks a send's configuration set and, when moto answers the operation,
returns None so that moto's handler answers it (its identities, its quotas, its message id). What
the check read is kept here, per thread and task, until botocore's retry decision
(``Endpoint._needs_retry``) shows the answer of that same attempt
(``pipeline.record_moto_answer``). Kept apart so that the hook reads one context variable and
imports nothing more.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

pending: ContextVar[Any] = ContextVar("pytest_sesmock_deferred_send", default=None)
"""The deferred send of the request being answered on this thread (a ``pipeline.Deferred``)."""
checked: ContextVar[Any] = ContextVar("pytest_sesmock_deferred_result", default=None)
"""What checking it made: its messages, to publish once moto gave their ids."""
