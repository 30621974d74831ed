"""Where requests are caught: botocore event handlers, and a guard on the network path.

``install()`` runs once, when the package is imported (pytest's entry point imports it before
any conftest.py). It adds the handlers to botocore's built-in list, so every botocore session
created afterwards, and every client of it, carries them. They are inert while no mock is
active, and leave other services to whatever else answers them (moto, for instance).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore import handlers
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.httpsession import URLLib3Session

from .credentials import FAKE_CREDENTIALS
from .errors import NotMockedError
from .wire import parse_form

if TYPE_CHECKING:
    from .mock import SesMock


# The active mocks, innermost last. Global, not thread-local: threads a test starts are served.
active: list[SesMock] = []


def on_before_send(request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
    """Answer an SES request from the innermost active mock."""
    if not active:
        return None
    return active[-1].answer(request)


def on_before_sign(request: Any, **_: Any) -> None:
    """Sign SES requests with fake credentials while a mock answers them.

    This also lets a client that was created before any credentials existed sign at all, and
    keeps a user's real secret key out of requests that only the mock will read.
    """
    if active:
        request.context.setdefault("signing", {})["request_credentials"] = FAKE_CREDENTIALS


_SEND_EVENT = "before-send.ses"
_SIGN_EVENT = "before-sign.ses"
_UNIQUE = "pytest-sesmock"


def install() -> None:
    """Register the handlers for all future botocore sessions, and guard the network. Idempotent."""
    for event, handler in ((_SEND_EVENT, on_before_send), (_SIGN_EVENT, on_before_sign)):
        # First, so that we answer the operations we serve before any other in-process mock.
        spec = (event, handler, handlers.REGISTER_FIRST)
        if spec not in handlers.BUILTIN_HANDLERS:
            handlers.BUILTIN_HANDLERS.append(spec)
    if not getattr(URLLib3Session.send, "_sesmock_guard", False):
        # A class attribute, so that every http session (and every client) is guarded.
        setattr(URLLib3Session, "send", _guarded(URLLib3Session.send))  # noqa: B010


def patch_client(client: Any) -> None:
    """Add the handlers to one client, for a client created before ``install()`` ran."""
    events = client.meta.events
    events.register_first(_SEND_EVENT, on_before_send, unique_id=f"{_UNIQUE}-send")
    events.register_first(_SIGN_EVENT, on_before_sign, unique_id=f"{_UNIQUE}-sign")


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
    return parse_form(request.body).get("Action")
