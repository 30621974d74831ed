"""Where requests are caught: botocore event handlers, and a guard on the network path.

``install()`` runs once, when the package is imported (pytest's entry point imports it before
any conftest.py). It adds the handlers to botocore's built-in list, so every botocore session
created afterwards, and every client of it, carries them. They are inert while no mock is
active, and leave other services to whatever else answers them (moto, for instance).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import botocore.endpoint
import botocore.retries.bucket
from botocore import handlers
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.httpsession import URLLib3Session

from . import backoff
from .credentials import FAKE_CREDENTIALS
from .errors import NotMockedError

if TYPE_CHECKING:
    from .mock import SesMock


# The active mocks, innermost last. Global, not thread-local: threads a test starts are served.
active: list[SesMock] = []


def on_before_send(request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
    """Answer an SES request from the innermost active mock."""
    if not active:
        return None
    mock = active[-1]
    response = mock.answer(request)
    backoff.note_answering(mock if response is not None else None)
    return response


def on_before_sign(request: Any, **_: Any) -> None:
    """Sign SES requests with fake credentials while a mock answers them.

    This also lets a client that was created before any credentials existed sign at all, and
    keeps a user's real secret key out of requests that only the mock will read.
    """
    if active:
        request.context.setdefault("signing", {})["request_credentials"] = FAKE_CREDENTIALS


def on_needs_retry(response: Any = None, **_: Any) -> None:
    """Note whether botocore is deciding about a response of ours (its backoff is then free)."""
    answered_by_mock = (
        active and response is not None and getattr(response[0], "answered_by_mock", False)
    )
    backoff.note_response(active[-1] if answered_by_mock else None)


def on_after_call(**_: Any) -> None:
    """The call is over: no backoff of it is still to come."""
    backoff.note_response(None)


_HANDLERS = (
    ("before-send.ses", on_before_send),
    ("before-sign.ses", on_before_sign),
    ("needs-retry.ses", on_needs_retry),
    ("after-call.ses", on_after_call),
    ("after-call-error.ses", on_after_call),
)
_UNIQUE = "pytest-sesmock"


def install() -> None:
    """Register the handlers for all future botocore sessions, and guard the network. Idempotent."""
    for event, handler in _HANDLERS:
        # First, so that we answer the operations we serve before any other in-process mock.
        spec = (event, handler, handlers.REGISTER_FIRST)
        if spec not in handlers.BUILTIN_HANDLERS:
            handlers.BUILTIN_HANDLERS.append(spec)
    backoff.install(botocore.endpoint, botocore.retries.bucket)
    if not getattr(URLLib3Session.send, "_sesmock_guard", False):
        # A class attribute, so that every http session (and every client) is guarded.
        setattr(URLLib3Session, "send", _guarded(URLLib3Session.send))  # noqa: B010


def patch_client(client: Any) -> None:
    """Add the handlers to one client, for a client created before ``install()`` ran."""
    for event, handler in _HANDLERS:
        client.meta.events.register_first(event, handler, unique_id=f"{_UNIQUE}-{event}")


def _guarded(send: Any) -> Any:
    """``URLLib3Session.send`` that refuses to reach the network while a mock is active."""

    def guarded_send(self: URLLib3Session, request: AWSPreparedRequest) -> Any:
        if active:
            raise NotMockedError(active[-1].explain_unanswered(request))
        return send(self, request)

    guarded_send._sesmock_guard = True  # type: ignore[attr-defined]
    return guarded_send


def action_of(request: AWSPreparedRequest) -> str | None:
    """The Query ``Action`` of a request, if it has one."""
    from .wire import parse_form

    return parse_form(request.body).get("Action")
