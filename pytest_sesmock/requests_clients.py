"""SES for code that calls the Query API through ``requests``, answered via ``responses``.

While a mock is active and ``requests`` is loaded, every ``requests`` call goes to one callback:
the SES endpoint (``https://email.<region>.amazonaws.com/``) is answered by the active mock,
with the same records and limits as botocore's calls; anything else is refused with
``NotMockedError``, so nothing reaches the network. ``responses`` is imported only then.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from . import interception
from .errors import NotMockedError

_SES_HOST = re.compile(r"^https?://email(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?(?::\d+)?/")
_AWS_HOST = re.compile(r"^https?://[^/]*amazonaws\.com(?:\.cn)?(?::\d+)?(?:/|$)")
_ANY = re.compile(r".*")


def _callback(request: Any) -> Any:
    if not interception.active:  # a request after the mock stopped, on a lingering patch
        return NotMockedError(f"pytest-sesmock refused {request.method} {request.url}")
    mock = interception.active[-1]
    url = request.url or ""
    if _SES_HOST.match(url):
        response = mock.answer(request)
        if response is not None:
            return response.status_code, dict(response.headers), response.content
        return NotMockedError(mock.explain_unanswered(request))
    if _AWS_HOST.match(url):
        return NotMockedError(
            f"pytest-sesmock is active: {request.method} {url} (through requests) is an AWS "
            "endpoint it does not mock; the request was not sent."
        )
    return NotMockedError(
        f"pytest-sesmock is active: {request.method} {url} (through requests) would have left "
        "the process; the request was not sent."
    )


class RequestsInterception:
    """Routes ``requests`` through the mock while it is started; a no-op without ``requests``."""

    def __init__(self) -> None:
        self._patch: Any = None

    def start(self) -> None:
        if self._patch is not None or "requests" not in sys.modules:
            return
        import responses

        patch = responses.RequestsMock(assert_all_requests_are_fired=False)
        for method in ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"):
            # One catch-all per method: overlapping registrations would be rotated by responses.
            patch.add_callback(method, _ANY, callback=_callback)
        patch.start()
        self._patch = patch

    def stop(self) -> None:
        if self._patch is not None:
            patch, self._patch = self._patch, None
            patch.stop()
            patch.reset()
