"""aiobotocore (and aioboto3) clients: the same handlers and pipeline, async-readable answers.

aiobotocore sessions copy botocore's built-in handlers, so pytest-sesmock's ``before-sign`` and
``before-send`` handlers run for async clients too; only three things differ, and this module
supplies them (nothing here is imported unless aiobotocore is):

- the signer awaits ``get_frozen_credentials()``: an async signer gets ``AioCredentials``;
- the endpoint awaits the response's content: an async client gets an ``AioAWSResponse`` whose
  body has an ``async read()`` (and the ``raw_headers`` aiobotocore up to 2.20 reads);
- retry backoff and the adaptive bucket wait with ``asyncio`` (``anyio`` for httpx clients), and
  the HTTP sessions are aiohttp's or httpx's: ``patch`` makes those waits free after an answer of
  ours and refuses real AWS endpoints before any DNS lookup. ``before-send`` stops at its first
  answer as for sync clients: aiobotocore's emitter inherits the ``emit`` that
  ``adapters.botocore`` patches.

Which kind of client a request comes from is told by its signer (the ``request_signer`` that
``before-sign`` receives): aiobotocore's is an ``AioRequestSigner``, whose type this module
registers with ``adapters.botocore`` (``AsyncClients``) once aiobotocore is imported, with its
credentials and response class; ``adapters.botocore`` never imports this module.
"""

from __future__ import annotations

import functools
import importlib
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..core.activation import active
from ..errors import NotMockedError
from ..protocols.endpoint import is_aws_host
from . import backoff
from .botocore import AsyncClients, note_retry_decision, stop_at_first_answer
from .environment import FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY
from .imports import when_imported

if TYPE_CHECKING:
    from ..core.activation import Journal
    from ..core.pipeline import Pipeline
    from ..protocols.base import Answer


@cache
def credentials() -> Any:
    """The fake credentials, as aiobotocore's signer awaits them."""
    from aiobotocore.credentials import AioCredentials

    return AioCredentials(FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY)


class _AioBody:
    """What ``AioAWSResponse.content`` awaits: an ``async read()``; and ``raw_headers``, which
    aiobotocore up to 2.20 builds the response headers from."""

    __slots__ = ("_data", "_headers")

    def __init__(self, data: bytes, headers: dict[str, str]) -> None:
        self._data = data
        self._headers = headers

    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        # Built only when read (aiobotocore up to 2.20): later versions never ask.
        return tuple((k.lower().encode(), v.encode()) for k, v in self._headers.items())

    async def read(self, *_: Any, **__: Any) -> bytes:
        data, self._data = self._data, b""
        return data


@cache
def _response_class() -> type[Any]:
    from aiobotocore.awsrequest import AioAWSResponse

    class AioMockResponse(AioAWSResponse):  # type: ignore[misc]
        """A response the mock answered (so aiobotocore's backoff after it can be free)."""

        answered_by_mock = True

    return AioMockResponse


def response(url: str, answer: Answer) -> Any:
    """The mock's answer as aiobotocore reads a response."""
    body = _AioBody(answer.body, answer.headers)
    return _response_class()(url, answer.status, answer.headers, body)


# -- while a mock is active ----------------------------------------------------------------------


def patch(journal: Journal, pipeline: Pipeline) -> None:
    """Apply this module's patches now if aiobotocore is loaded, else once it is imported (the
    wait for the import ends at the last stop)."""
    journal.defer(when_imported("aiobotocore.endpoint", lambda: _patch(journal)))


def _patch(journal: Journal) -> None:
    import asyncio  # here, not at the top: the plugin's import stays cheap for sync suites

    import aiobotocore.endpoint as endpoint
    import aiobotocore.hooks as hooks
    import aiobotocore.httpsession as httpsession
    import aiobotocore.retries.bucket as bucket
    import aiobotocore.signers as signers

    AsyncClients.signer_types.update(
        kind
        for kind in (getattr(signers, name, None) for name in ("AioRequestSigner",))
        if isinstance(kind, type)
    )
    AsyncClients.credentials = credentials
    AsyncClients.response = response
    emitter = hooks.AioHierarchicalEmitter
    if "emit" in vars(emitter):  # none so far: it inherits botocore's, patched in adapters.botocore
        journal.set(emitter, "emit", stop_at_first_answer)
    journal.set(endpoint, "asyncio", _EndpointAsyncio(asyncio))
    needs_retry = endpoint.AioEndpoint._needs_retry
    journal.set(endpoint.AioEndpoint, "_needs_retry", _backoff_free_after_ours(needs_retry))
    journal.set(bucket, "asyncio", _BucketAsyncio(asyncio))
    anyio_endpoint = getattr(endpoint, "AnyioEndpoint", None)  # httpx clients, 3.9 and later
    if anyio_endpoint is not None:
        journal.set(anyio_endpoint, "_sleep", _free_anyio_sleep(anyio_endpoint._sleep))
    anyio_bucket = getattr(bucket, "AnyioTokenBucket", None)
    if anyio_bucket is not None:
        wait = anyio_bucket._wait_for_new_fill_rate
        journal.set(anyio_bucket, "_wait_for_new_fill_rate", _free_anyio_wait(wait))
    journal.set(httpsession.AIOHTTPSession, "send", _guarded(httpsession.AIOHTTPSession.send))
    try:  # aiobotocore 2.23 and later, with httpx (or httpx2) installed
        httpx = importlib.import_module("aiobotocore.httpxsession")
    except ImportError:
        return
    session = getattr(httpx, "HttpxSession", None)
    if session is not None:
        journal.set(session, "send", _guarded(session.send))


def _backoff_free_after_ours(needs_retry: Any) -> Any:
    """``AioEndpoint._needs_retry``, as ``adapters.botocore`` wraps botocore's."""

    @functools.wraps(needs_retry)
    async def needs_retry_free_after_ours(
        self: Any,
        attempts: int,
        operation_model: Any,
        request_dict: Any,
        response: Any = None,
        caught_exception: Any = None,
    ) -> Any:
        pipeline = note_retry_decision(operation_model, response)
        try:
            return await needs_retry(
                self, attempts, operation_model, request_dict, response, caught_exception
            )
        finally:
            if pipeline is not None and backoff.backoff_var.get() is not None:
                backoff.backoff_var.set(None)  # no sleep came: nothing of this call is left

    return needs_retry_free_after_ours


def _guarded(send: Any) -> Any:
    """An aiobotocore HTTP session's ``send`` that refuses AWS endpoints nobody answered."""

    @functools.wraps(send)
    async def guarded_send(self: Any, request: Any) -> Any:
        if active and is_aws_host(urlsplit(request.url).hostname):
            raise NotMockedError(active[-1].explain_unanswered(request))
        return await send(self, request)

    return guarded_send


class _EndpointAsyncio(backoff.ModuleProxy):
    """``asyncio`` as ``aiobotocore.endpoint`` sees it: backoff after our answer is free."""

    async def sleep(self, delay: float, result: Any = None) -> Any:
        mock = backoff.take_backoff()
        if mock is None:
            return await self._module.sleep(delay, result)
        backoff.skip(mock, delay)
        await self._module.sleep(0)  # still let other tasks run, as a real sleep would
        return result


class _BucketAsyncio(backoff.ModuleProxy):
    """``asyncio`` as aiobotocore's adaptive bucket sees it: its waits for our requests skipped."""

    async def wait_for(self, awaitable: Any, timeout: float | None) -> Any:
        mock = backoff.answering()
        if mock is None or timeout is None:
            return await self._module.wait_for(awaitable, timeout)
        close = getattr(awaitable, "close", None)
        if close is not None:
            close()  # the condition's wait, never to be awaited now
        backoff.skip(mock, timeout)
        raise self._module.TimeoutError


def _free_anyio_sleep(original: Any) -> Any:
    @functools.wraps(original)
    async def _sleep(self: Any, sleep_amount: float) -> None:
        mock = backoff.take_backoff()
        if mock is None:
            await original(self, sleep_amount)
            return
        backoff.skip(mock, sleep_amount)
        import anyio

        await anyio.sleep(0)

    return _sleep


def _free_anyio_wait(original: Any) -> Any:
    @functools.wraps(original)
    async def _wait_for_new_fill_rate(self: Any, sleep_amount: float) -> None:
        mock = backoff.answering()
        if mock is None:
            await original(self, sleep_amount)
            return
        backoff.skip(mock, sleep_amount)

    return _wait_for_new_fill_rate
