"""Where botocore's requests are caught: event handlers, and what botocore may send on.

``install()`` runs once, when the package is imported (pytest's entry point imports it before
any conftest.py). It adds the handlers to botocore's built-in list, so every botocore session
created afterwards, and every client of it, carries them; sessions created before the import
(boto3's default session made by application code, say) get them when they next create a
client. The handlers are inert while no mock is active, and leave other services to whatever
else answers them (moto, for instance).

``patch(journal, pipeline)`` is registered with the core (``core.activation``) and applied while a
mock is active: the first ``before-send`` answer is the only one, and requests to AWS that nobody
answered are refused (other hosts pass).

Every SES call of a test comes through ``on_choose_signer``, ``on_before_sign``, ``on_before_send``
and ``note_retry_decision``: they read and write context variables directly (the backoff's
notes, aiobotocore's signer kinds) rather than calling other modules, and hand the request to the
core's ``Pipeline``, which calls nothing back.
"""

from __future__ import annotations

import functools
import sys
import weakref
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ClassVar, cast
from urllib.parse import urlsplit

import botocore
import botocore.session
from botocore import handlers
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.endpoint import Endpoint
from botocore.exceptions import NoCredentialsError
from botocore.hooks import HierarchicalEmitter
from botocore.httpsession import URLLib3Session
from botocore.signers import RequestSigner

from ..core import activation
from ..core.activation import active
from ..errors import NotMockedError
from ..protocols.endpoint import is_aws_host
from .backoff import answering_var, backoff_var
from .environment import FAKE_ACCESS_KEY_ID, FAKE_CREDENTIALS

if TYPE_CHECKING:
    from ..core.activation import Journal
    from ..core.pipeline import Pipeline


class MockResponse(AWSResponse):
    """A response the mock answered (so botocore's backoff after it can be free)."""

    answered_by_mock = True


class _Body:
    """The raw body botocore reads a response from."""

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data

    def read(self, *_: Any, **__: Any) -> bytes:
        data, self._data = self._data, b""
        return data


# What before-sign learns of the request being sent in this thread or task, for the before-send
# that follows: (region, attempt, whether the client is aiobotocore's). One variable, one write.
_signing: ContextVar[tuple[str | None, int | None, bool]] = ContextVar(
    "pytest_sesmock_signing", default=(None, None, False)
)


class AsyncClients:
    """What aiobotocore's clients need instead (registered by ``adapters.aiobotocore`` once
    aiobotocore is imported): its signers' types, its credentials, its response class."""

    signer_types: ClassVar[set[type]] = set()
    """The types of aiobotocore's request signers (they await their credentials)."""
    credentials: ClassVar[Callable[[], Any] | None] = None
    response: ClassVar[Callable[[str, Any], Any] | None] = None


def on_before_send(request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
    """Answer an SES request from the innermost active mock's pipeline."""
    if not active:
        return None
    pipeline = active[-1]
    region, attempt, is_async = _signing.get()
    answer = pipeline.answer(request, region, attempt, others_may_answer=True)
    # The backoff's note: this request is being answered by ``pipeline`` (or by nobody of ours).
    answering = pipeline if answer is not None else None
    if answering_var.get() is not answering:
        answering_var.set(answering)
    if answer is None:
        return None
    if is_async and AsyncClients.response is not None:  # an aiobotocore client awaits content
        return cast(AWSResponse, AsyncClients.response(request.url, answer))
    # AWSResponse copies the headers into its own case-insensitive mapping.
    return MockResponse(request.url, answer.status, cast(Any, answer.headers), _Body(answer.body))


def on_before_sign(
    request: Any,
    request_signer: object = None,
    region_name: str | None = None,
    signature_version: object = None,
    **_: Any,
) -> None:
    """While a mock is active: what the ``before-send`` that follows needs to know, and fake
    credentials for the SES requests that are signed.

    Signed requests are those the mock does not answer (moto's, a local endpoint's) and every
    request when the mock asks for signing. Fake credentials let a client that was created before
    any credentials existed sign at all, and keep a user's real secret key out of SES requests.
    An aiobotocore client's signer awaits its credentials, so it gets the async kind (and the
    answer to its request will be one it can await).
    """
    if active:
        is_async = type(request_signer) in AsyncClients.signer_types
        signing = request.context.setdefault("signing", {})
        if signature_version is not botocore.UNSIGNED:  # unsigned: no credentials are read
            credentials = AsyncClients.credentials
            signing["request_credentials"] = (
                credentials() if is_async and credentials is not None else FAKE_CREDENTIALS
            )
        # The region the request is for, as the signature's scope would name it (an unsigned
        # request to a custom endpoint_url has no scope to read it from), and its attempt.
        retries = request.context.get("retries")
        attempt = retries.get("attempt") if retries else None
        _signing.set((signing.get("region") or region_name, attempt, is_async))


def on_choose_signer(event_name: str = "", **_: Any) -> Any:
    """Leave unsigned the requests the active mock will answer: nobody checks the signature.

    Decided per operation (``choose-signer.ses.DescribeConfigurationSet``); inert when no mock is
    active, for other services, for SES operations the mock does not answer (moto's, a local
    endpoint's), and when the mock asks for signing (``sign_requests=True``).
    """
    if not active or active[-1].sign_requests:
        return None
    answered = _answered_by_event.get(event_name)
    if answered is None:
        answered = _learn_answered(event_name)
    return botocore.UNSIGNED if answered else None


# choose-signer event name -> whether the mock answers its operation: a handful of names, the
# operations of two APIs, so that the hot path reads one dictionary.
_answered_by_event: dict[str, bool] = {}


def _learn_answered(event_name: str) -> bool:
    from ..core.pipeline import serves  # loaded with any mock: the plugin's import stays cheap

    api, _dot, operation = event_name.partition(".")[2].partition(".")
    answered = serves(api, operation)
    if len(_answered_by_event) < 4096:
        _answered_by_event[event_name] = answered
    return answered


def note_retry_decision(operation_model: Any, response: Any) -> Pipeline | None:
    """botocore is about to decide whether to retry after ``response``: the active pipeline when
    the response is one of its answers (the backoff that follows is then free), else None."""
    pipeline = (
        active[-1]
        if active and response is not None and getattr(response[0], "answered_by_mock", False)
        else None
    )
    # The backoff's notes: the response at hand is ``pipeline``'s; no request is being answered.
    if backoff_var.get() is not pipeline:
        backoff_var.set(pipeline)
    if answering_var.get() is not None:
        answering_var.set(None)
    return pipeline


def _backoff_free_after_ours(needs_retry: Any) -> Any:
    """``Endpoint._needs_retry`` (which asks the ``needs-retry`` handlers and sleeps the delay
    they give): its sleep moves the mock's clock when the response is the mock's."""

    @functools.wraps(needs_retry)
    def needs_retry_free_after_ours(
        self: Any,
        attempts: int,
        operation_model: Any,
        request_dict: Any,
        response: Any = None,
        caught_exception: Any = None,
    ) -> Any:
        pipeline = note_retry_decision(operation_model, response)
        try:
            return needs_retry(
                self, attempts, operation_model, request_dict, response, caught_exception
            )
        finally:
            if pipeline is not None and backoff_var.get() is not None:
                backoff_var.set(None)  # no sleep came: nothing of this call is left

    return needs_retry_free_after_ours


def _installed(**_: Any) -> bool:
    """Answers ``_PROBE``: an emitter that has it has all of our handlers."""
    return True


_PROBE = "pytest-sesmock-installed"
_HANDLERS = (
    *(
        (f"{event}.{service}", handler)
        for service in ("ses", "sesv2")  # botocore's event names for SES v1 and v2 clients
        for event, handler in (
            ("before-send", on_before_send),
            ("before-sign", on_before_sign),
            ("choose-signer", on_choose_signer),
        )
    ),
    (_PROBE, _installed),
)
_UNIQUE = "pytest-sesmock"


def _has_handlers(events: Any) -> bool:
    return events.emit_until_response(_PROBE)[1] is True


def _register(events: Any) -> None:
    """Add the handlers to one emitter (a session's or a client's) that lacks them."""
    if _has_handlers(events):
        return
    for event, handler in _HANDLERS:
        # First, so that we answer the operations we serve before any other in-process mock.
        events.register_first(event, handler, unique_id=f"{_UNIQUE}-{event}")


def install() -> None:
    """Register the handlers for all future botocore sessions, and for earlier ones. Idempotent."""
    for event, handler in _HANDLERS:
        spec = (event, handler, handlers.REGISTER_FIRST)
        if spec not in handlers.BUILTIN_HANDLERS:
            handlers.BUILTIN_HANDLERS.append(spec)
    create_client = botocore.session.Session.create_client
    if not getattr(create_client, "_sesmock", False):
        setattr(botocore.session.Session, "create_client", _registering(create_client))  # noqa: B010


def _registering(create_client: Any) -> Any:
    """``Session.create_client`` that first gives a session made before ``install()`` our handlers.

    A session copies botocore's built-in handlers when it is made; one made before the import
    (``boto3.setup_default_session()`` in application code, say) has none of ours.
    """

    @functools.wraps(create_client)
    def create_client_with_handlers(self: Any, *args: Any, **kwargs: Any) -> Any:
        _register(self.get_component("event_emitter"))
        if active:
            _sessions_while_active.add(self)
        return create_client(self, *args, **kwargs)

    create_client_with_handlers._sesmock = True  # type: ignore[attr-defined]
    return create_client_with_handlers


# Sessions that made clients while a mock was active: they may have resolved (and cached) the
# fake credentials the environment held then.
_sessions_while_active: weakref.WeakSet[Any] = weakref.WeakSet()


def forget_fake_credentials() -> None:
    """Sessions that cached the fake credentials while a mock was active forget them.

    A session resolves its credentials once and keeps them; boto3's default session would go on
    signing with the mock's fake key after the test that activated it (botocore keeps no public
    way to forget them, hence its private attribute).
    """
    boto3 = sys.modules.get("boto3")
    default = getattr(getattr(boto3, "DEFAULT_SESSION", None), "_session", None)
    for session in [*_sessions_while_active, *([default] if default is not None else [])]:
        cached = getattr(session, "_credentials", None)
        if getattr(cached, "access_key", None) == FAKE_ACCESS_KEY_ID:
            session._credentials = None
    _sessions_while_active.clear()


def patch_client(client: Any) -> None:
    """Add the handlers to one client, for a client created before ``install()`` ran."""
    _register(client.meta.events)


activation.client_patcher = patch_client


# -- while a mock is active ----------------------------------------------------------------------


def patch(journal: Journal, pipeline: Pipeline) -> None:
    """Apply this module's patches for as long as a mock is active (see ``core.activation``)."""
    # Undone last: sessions may have cached the fake credentials of the environment's patch.
    journal.defer(forget_fake_credentials)
    journal.set(HierarchicalEmitter, "emit", _first_answer_only(HierarchicalEmitter.emit))
    journal.set(URLLib3Session, "send", _guarded(URLLib3Session.send))
    needs_retry = getattr(Endpoint, "_needs_retry")  # noqa: B009 - private: not in the stubs
    journal.set(Endpoint, "_needs_retry", _backoff_free_after_ours(needs_retry))
    journal.set(RequestSigner, "sign", _explained_when_unrouted(RequestSigner.sign))


def _explained_when_unrouted(sign: Any) -> Any:
    """``RequestSigner.sign`` that, when an SES client made before the plugin was imported (it
    lacks our handlers) cannot sign for want of credentials (typical in CI), refuses the request
    with the fix instead of botocore's ``NoCredentialsError``: such a request never reaches the
    network guard, whose message names the fix. Nothing is added while signing succeeds."""

    @functools.wraps(sign)
    def sign_or_explain(
        self: Any, operation_name: str, request: Any, *args: Any, **kwargs: Any
    ) -> Any:
        try:
            return sign(self, operation_name, request, *args, **kwargs)
        except NoCredentialsError:
            service = getattr(self._service_id, "hyphenize", lambda: "")()
            if not active or service not in ("ses", "sesv2") or _has_handlers(self._event_emitter):
                raise
            raise NotMockedError(
                f"SES {operation_name} was sent by a botocore client that pytest-sesmock does not "
                "intercept (created before pytest_sesmock was imported?), and it has no "
                "credentials to sign with; route it through the mock with "
                "ses_mock.patch_client(client) (or pytest_sesmock.patch_client). The request was "
                "not sent."
            ) from None

    return sign_or_explain


def _first_answer_only(emit: Any) -> Any:
    """``HierarchicalEmitter.emit``, stopping a ``before-send`` event at its first answer.

    botocore takes the first answer anyway (``first_non_none_response``), but calls every other
    handler too: after we answered, moto's would still act on the request (and raise for the
    operations it lacks). Other events are emitted as before.

    Every event of every client goes through this while a mock is active, so for botocore's own
    ``emit`` (``return self._emit(event_name, kwargs)``) it is that one line with the stop added:
    no second frame, no second copy of the arguments. ``_emit`` takes the same arguments in
    aiobotocore's emitter (where it is a coroutine), which inherits this ``emit``.
    """
    if emit is not _BOTOCORE_EMIT:
        # Another library wrapped botocore's emit first (tracing, say): every other event still
        # goes through it; before-send goes to the handlers, stopping at the first answer.

        @functools.wraps(emit)
        def emit_through(self: HierarchicalEmitter, event_name: str, **kwargs: Any) -> Any:
            if event_name.startswith("before-send."):
                return self._emit(event_name, kwargs, True)  # type: ignore[attr-defined]
            return emit(self, event_name, **kwargs)

        return emit_through
    return stop_at_first_answer


def stop_at_first_answer(self: Any, event_name: str, **kwargs: Any) -> Any:
    """botocore's ``emit``, with ``stop_on_response`` for ``before-send`` events."""
    return self._emit(event_name, kwargs, event_name.startswith("before-send."))


_BOTOCORE_EMIT = HierarchicalEmitter.emit


def _guarded(send: Any) -> Any:
    """``URLLib3Session.send`` that refuses requests to AWS nobody in-process answered."""

    @functools.wraps(send)
    def guarded_send(self: URLLib3Session, request: AWSPreparedRequest) -> Any:
        if active and is_aws_host(urlsplit(request.url).hostname):
            raise NotMockedError(active[-1].explain_unanswered(request))
        return send(self, request)

    return guarded_send
