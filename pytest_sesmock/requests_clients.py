"""SES for code that calls the Query API through ``requests``, answered via ``responses``.

While a mock is active and ``requests`` is loaded, every ``requests`` call goes to one callback:
the SES endpoint (``https://email.<region>.amazonaws.com/``) is answered by the active mock,
with the same records and limits as botocore's calls; anything else is refused with
``NotMockedError``, so nothing reaches the network. ``responses`` is imported only then (or
when code imports ``requests`` while a mock is active).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import re
import sys
from collections.abc import Callable
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
    """Routes ``requests`` through the mock while it is started.

    When ``requests`` is not loaded yet, nothing is imported: an import hook waits for it, so code
    that imports ``requests`` in the middle of a test is covered from its first call.
    """

    def __init__(self) -> None:
        self._patch: Any = None
        self._watcher: _ImportWatcher | None = None

    def start(self) -> None:
        if self._patch is not None or self._watcher is not None:
            return
        if "requests" not in sys.modules:
            self._watcher = _ImportWatcher(self._requests_imported)
            sys.meta_path.insert(0, self._watcher)
            return
        import responses

        patch = responses.RequestsMock(assert_all_requests_are_fired=False)
        for method in ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"):
            # One catch-all per method: overlapping registrations would be rotated by responses.
            patch.add_callback(method, _ANY, callback=_callback)
        patch.start()
        self._patch = patch

    def _requests_imported(self) -> None:
        self._forget_watcher()
        self.start()

    def _forget_watcher(self) -> None:
        if self._watcher is not None:
            if self._watcher in sys.meta_path:
                sys.meta_path.remove(self._watcher)
            self._watcher = None

    def stop(self) -> None:
        self._forget_watcher()
        if self._patch is not None:
            patch, self._patch = self._patch, None
            patch.stop()
            patch.reset()


class _ImportWatcher(importlib.abc.MetaPathFinder):
    """Calls back once ``requests`` has been imported (its module fully executed)."""

    def __init__(self, imported: Callable[[], None]) -> None:
        self._imported = imported

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "requests":
            return None
        sys.meta_path.remove(self)  # let the other finders find the real module
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        loader, imported = spec.loader, self._imported

        class Loader(importlib.abc.Loader):
            def create_module(self, spec: Any) -> Any:
                return loader.create_module(spec)

            def exec_module(self, module: Any) -> None:
                loader.exec_module(module)
                imported()

        spec.loader = Loader()
        return spec
