"""SES for code that calls the Query API through ``requests``; other hosts left alone.

While a mock is active, ``requests.Session.get_adapter`` hands requests for AWS hosts to an
adapter of ours; requests for any other host (a local service, a test double) get their usual
adapter, untouched. Our adapter answers the SES endpoint (``https://email.<region>.amazonaws.com/``)
from the active mock, with the same records and limits as botocore's calls. A request to AWS we
do not answer goes on to the usual adapter only when another in-process mock holds it (a
``responses`` mock, moto's among them); otherwise it is refused with ``NotMockedError``.

Working at the adapter, not by patching ``HTTPAdapter.send`` as ``responses`` does, means the
order in which the user's ``responses`` mocks and ours start does not matter: theirs keep the URLs
they registered, ours keeps SES. ``requests`` itself is never imported here: when it is not
loaded yet, an import hook waits for it, so code that imports it in the middle of a test is
covered from its first call.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..core.activation import active
from ..errors import NotMockedError
from ..protocols.endpoint import is_aws_host, is_ses_host
from .imports import when_imported

if TYPE_CHECKING:
    from ..core.activation import Journal
    from ..core.pipeline import Pipeline


def _usual_send_is_real(adapter: Any) -> bool:
    """Whether ``adapter`` would put the request on the network (not another mock's patch)."""
    send = getattr(type(adapter), "send", None)
    return getattr(send, "__module__", None) == "requests.adapters"


@cache
def _adapter_class() -> type[Any]:
    import requests.adapters

    class AwsAdapter(requests.adapters.BaseAdapter):
        """Answers ``requests`` calls to AWS hosts from the active mock, or passes them on."""

        def __init__(self, usual: Any) -> None:
            super().__init__()
            self.usual = usual

        def send(self, request: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            pipeline = active[-1] if active else None
            if pipeline is None:  # stopped between get_adapter and send
                return self.usual.send(request, **kwargs)
            url = request.url or ""
            host = urlsplit(url).hostname or ""
            if is_ses_host(host):
                answer = pipeline.answer(request)
                if answer is not None:
                    return _response(self, request, answer)
            if not _usual_send_is_real(self.usual):
                return self.usual.send(request, **kwargs)  # another in-process mock's to answer
            if is_ses_host(host):
                raise NotMockedError(pipeline.explain_unanswered(request))
            raise NotMockedError(
                f"pytest-sesmock is active: {request.method} {url} (through requests) is an AWS "
                "endpoint that no in-process mock answers; the request was not sent."
            )

        def close(self) -> None:
            pass  # the usual adapter belongs to its session, which closes it

    return AwsAdapter


def _response(adapter: Any, request: Any, answer: Any) -> Any:
    """A ``requests.Response`` built by ``requests`` itself from the mock's answer."""
    from http.client import responses as reasons

    import requests.adapters
    from urllib3 import HTTPResponse

    raw = HTTPResponse(
        body=io.BytesIO(answer.body),
        headers=answer.headers,
        status=answer.status,
        reason=reasons.get(answer.status, ""),
        preload_content=False,
        decode_content=False,
    )
    return requests.adapters.HTTPAdapter.build_response(adapter, request, raw)


class RequestsPatch:
    """Routes ``requests`` calls to AWS hosts through the mock while it is started."""

    def __init__(self) -> None:
        self._original: Any = None
        self._forget_watcher: Callable[[], None] | None = None

    def start(self) -> None:
        if self._original is None and self._forget_watcher is None:
            # Now if ``requests`` is loaded; else the moment code imports it.
            self._forget_watcher = when_imported("requests", self._patch)

    def _patch(self) -> None:
        session = sys.modules["requests"].Session
        original = self._original = session.__dict__["get_adapter"]
        adapter_class = _adapter_class()

        def get_adapter(self: Any, url: str) -> Any:
            usual = original(self, url)
            if active and is_aws_host(urlsplit(url).hostname):
                return adapter_class(usual)
            return usual

        get_adapter.__wrapped__ = original  # type: ignore[attr-defined]
        session.get_adapter = get_adapter

    def stop(self) -> None:
        if self._forget_watcher is not None:
            self._forget_watcher()
            self._forget_watcher = None
        if self._original is not None:
            sys.modules["requests"].Session.get_adapter = self._original
            self._original = None


def patch(journal: Journal, pipeline: Pipeline) -> None:
    """``requests`` through the mock while one is active (registered with ``core.activation``)."""
    patched = RequestsPatch()
    patched.start()
    journal.defer(patched.stop)
