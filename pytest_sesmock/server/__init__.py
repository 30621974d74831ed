"""Server mode: SES's Query API and SES v2 over HTTP on a local port, answered by one mock.

For clients the in-process hooks cannot reach: the AWS CLI or any program in another process or
language, pointed at ``endpoint_url``. Every request is answered by the mock's pipeline, the same
path botocore's in-process calls take, so both are answered and recorded alike. The WSGI
application is ``server.application``; the HTTP stack under it, ``server.http``, is imported only
when a server starts (waitress never loads with the plugin).
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .protocol import (
    DEFAULT_STORE_SIZE,
    IDLE_TIMEOUT,
    MAX_BODY,
    MAX_CONNECTIONS,
    MAX_HEADER,
    REQUEST_TIMEOUT,
    STOP_TIMEOUT,
)

if TYPE_CHECKING:
    from ..core.mock import SesMock
    from .http import Server

__all__ = [
    "DEFAULT_STORE_SIZE",
    "IDLE_TIMEOUT",
    "MAX_BODY",
    "MAX_CONNECTIONS",
    "MAX_HEADER",
    "REQUEST_TIMEOUT",
    "STOP_TIMEOUT",
    "SesServer",
]


class SesServer:
    """SES's Query API and SES v2 on ``http://host:port/``, answered by ``mock`` (a new
    ``SesMock`` if None).

    ``start()`` listens and serves in a daemon thread; ``stop()`` (or leaving the ``with`` block)
    stops listening, answers the requests in flight (waiting ``timeout`` seconds at most) and
    closes every connection. ``port=0`` picks a free port: read it from ``endpoint_url``. The mock
    need not be started (active) to answer here. ``log_requests`` writes an access log line per
    request to stderr.

    What was sent, published and called is shown under ``/_sesmock/`` (JSON, and an inbox page)
    and at LocalStack's ``/_aws/ses``. ``store_size`` bounds what the mock keeps: the newest
    ``store_size`` messages and calls, four times as many events (``DEFAULT_STORE_SIZE`` for the
    server's own mock; a mock you pass in keeps all unless you say). ``POST /_sesmock/reset``
    returns to the state the mock had when the server started.
    """

    def __init__(
        self,
        mock: SesMock | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        log_requests: bool = False,
        store_size: int | None = None,
    ) -> None:
        if store_size is not None and (
            isinstance(store_size, bool) or not isinstance(store_size, int) or store_size < 1
        ):
            raise ValueError(f"store_size must be a whole number of 1 or more; got {store_size!r}")
        if mock is None:
            from ..core.mock import SesMock

            mock = SesMock()
            store_size = store_size or DEFAULT_STORE_SIZE
        if store_size is not None:
            mock.pipeline.records.bound(store_size)
        self.mock: SesMock = mock
        """The mock that answers every request."""
        self.host = host
        self.port = port
        self.log_requests = log_requests
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._base_url = ""

    @property
    def endpoint_url(self) -> str:
        """``http://host:port/`` of the running server: ``--endpoint-url`` or ``endpoint_url``."""
        if self._server is None:
            raise RuntimeError("the SesServer is not running; call start() first")
        return self._base_url

    def start(self) -> SesServer:
        """Listen on ``host:port`` and serve in a daemon thread; ``OSError`` if it cannot bind."""
        if self._server is not None:
            raise RuntimeError("this SesServer is already running")
        from .application import Application, refusal
        from .http import Server  # the HTTP stack, imported only now
        from .inspection import Inspection

        application = Application(self.mock.pipeline, self.log_requests)
        server = Server(application, self.host, self.port, refusal)
        host, port = server.address
        shown = f"[{host}]" if ":" in host else host
        self._base_url = application.base_url = f"http://{shown}:{port}/"
        application.inspection = Inspection(
            self.mock.pipeline, _hosts(host, port), self.mock.backend.checkpoint(), self._declare
        )
        thread = threading.Thread(
            target=server.serve, name=f"pytest-sesmock server {self._base_url}", daemon=True
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def _declare(self, layer: Any) -> list[tuple[str, str, str]]:
        """Declare sets posted to the inspection API: they replace what the API did to sets of
        the same names."""
        keys = self.mock.add_layer(layer)
        self.mock.backend.uncover(keys)
        return keys

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Stop listening, answer what is in flight (``timeout`` seconds at most), close every
        connection; a no-op when not running."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        server.stop(timeout)
        if thread is not None:
            thread.join(timeout + 5)

    def __enter__(self) -> SesServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self._base_url if self._server else f"{self.host}:{self.port}, stopped"
        return f"<SesServer {where}>"


_LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _hosts(host: str, port: int) -> frozenset[str] | None:
    """The ``Host`` values the inspection API answers: the address listened on, under any name
    of it (None: any, for a server listening on every address)."""
    if host in ("0.0.0.0", "::", ""):
        return None
    names = {host.lower()}
    if host in _LOOPBACK or host.startswith("127."):
        names.update(_LOOPBACK)
    return frozenset(f"[{name}]:{port}" if ":" in name else f"{name}:{port}" for name in names)
