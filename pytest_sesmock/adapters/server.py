"""Server mode: SES's Query API over HTTP on a local port, answered by one ``SesMock``.

For clients the in-process hooks cannot reach: the AWS CLI or any program in another process or
language, pointed at ``endpoint_url``. Every request is answered by ``SesMock.answer``, the same
path botocore's in-process calls take (decoding, backend, records, rate limits, faults and
serializer), so both are answered and recorded alike.

A Query request is a POST with a form body (what SDKs and the AWS CLI send) or a GET with the
form in the query string. Whatever else a client sends, the answer is in the Query protocol's
``ErrorResponse`` envelope with an ``x-amzn-RequestId`` header, never a Python traceback, and the
server keeps serving:

=========================================  ======  ==============================
request                                    status  code
=========================================  ======  ==============================
no SigV4 ``Authorization`` header          403     ``MissingAuthenticationToken``
body not a form, or not UTF-8              400     ``ValidationError``
body over ``MAX_BODY`` bytes               413     ``ValidationError``
no ``Action``, or one the mock does not    400     ``InvalidAction``
serve (``ListIdentities``, say)
a method other than POST and GET           400     ``ValidationError``
malformed HTTP (request line, bad          400     ``ValidationError``
``Content-Length``, a chunked body)
anything going wrong inside                500     ``InternalFailure`` (logged to stderr)
=========================================  ======  ==============================

The signature itself is not checked (any key signs), as the in-process mock does not check it.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import sys
import threading
import traceback
import uuid
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

from ..apis.v1 import OPERATIONS
from ..core.mock import SesMock
from ..errors import SesError
from ..protocols.model import service_model
from ..protocols.query_xml import serialize_error

MAX_BODY = 1024 * 1024
"""The largest request body the server reads, in bytes (1 MiB); SES's own requests are tiny."""

_FORM = "application/x-www-form-urlencoded"
# A body refused for its size is still read (and dropped, a chunk at a time) up to this many
# bytes, waiting at most _DISCARD_IDLE seconds for each chunk: a client that sends the whole body
# before reading the answer (urllib, say) would otherwise see the connection reset, not the 413.
_DISCARD_LIMIT = 64 * MAX_BODY
_DISCARD_IDLE = 0.5


class _ClientGone(Exception):
    """The client closed the connection or stopped sending: nobody is left to answer."""


class _Request:
    """What ``SesMock.answer`` reads of a request: ``method``, ``url``, ``headers``, ``body``."""

    __slots__ = ("body", "headers", "method", "url")

    def __init__(self, method: str, url: str, headers: Any, body: str | bytes) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body


def _decode_form(data: bytes | str, where: str) -> dict[str, str]:
    """The fields of a form, or ``ValidationError`` when ``data`` cannot be one."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        # errors="strict": a percent-escape that is not UTF-8 is refused, not silently replaced.
        return dict(parse_qsl(text, keep_blank_values=True, errors="strict"))
    except (UnicodeDecodeError, ValueError):
        raise SesError(
            "ValidationError", f"The {where} is not {_FORM} data encoded as UTF-8."
        ) from None


def _served_list() -> str:
    return ", ".join(sorted(OPERATIONS))


def _unserved_v2(method: str, path: str) -> SesError:
    from ..apis import v2

    served = ", ".join(v2.wire().served_names())
    return SesError(
        "UnknownOperationException",
        f"{method} {path} is not an SES v2 operation pytest-sesmock serves; it serves {served}.",
        404,
    )


def _unserved(action: str) -> SesError:
    if not action:
        return SesError(
            "InvalidAction",
            f"The request has no Action parameter; pytest-sesmock serves {_served_list()}.",
        )
    if action in service_model().operation_names:
        return SesError(
            "InvalidAction",
            f"SES operation {action} is not served by pytest-sesmock; it serves {_served_list()}.",
        )
    version = service_model().api_version
    return SesError(
        "InvalidAction",
        f"Could not find operation {action} for version {version}; "
        f"pytest-sesmock serves {_served_list()}.",
    )


class _Handler(BaseHTTPRequestHandler):
    """One connection: Query requests in, ``SesMock`` answers out."""

    server: _HTTPServer
    # HTTP/1.1 keeps connections open, as botocore's connection pool expects; every answer
    # therefore carries a Content-Length.
    protocol_version = "HTTP/1.1"
    server_version = "pytest-sesmock"
    # Seconds a connection may sit idle (or a body take to arrive) before it is closed.
    timeout = 60
    # The length of a body refused for its size, in the request being answered.
    _refused_length = 0

    # -- the connection's life: tracked so that stop() can close idle keep-alive connections --

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass  # the client is gone; there is nothing left to flush to
        finally:
            self.server.track(self.connection, False)

    # -- methods -------------------------------------------------------------------------------

    def do_POST(self) -> None:
        """A Query request, its form in the body (what botocore and the AWS CLI send)."""
        self._serve()

    def do_GET(self) -> None:
        """A Query request with its form in the query string (the protocol allows GET), or an
        SES v2 request."""
        self._serve()

    def do_PUT(self) -> None:
        """An SES v2 request (``/v2/...``); the Query protocol has no PUT."""
        self._serve()

    def do_DELETE(self) -> None:
        """An SES v2 request (``/v2/...``); the Query protocol has no DELETE."""
        self._serve()

    def handle_expect_100(self) -> bool:
        # Refuse a body that is too large before the client sends it, not after.
        try:
            self._content_length()
        except SesError as error:
            self._send_error(error, str(uuid.uuid4()))
            return False
        return super().handle_expect_100()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (unknown method, malformed request line), in the envelope."""
        if self.request_version == "HTTP/0.9":  # a request line too garbled to tell a version:
            self.request_version = "HTTP/1.0"  # answer with a status line, not a bare body
        if code == 501:  # no do_<METHOD>: answer like any other bad request of ours
            error = SesError(
                "ValidationError",
                f"HTTP method {self.command} is not supported; send the Query request as POST "
                "with a form body, or as GET with a query string.",
            )
        else:
            error = SesError(
                "ValidationError" if code < 500 else "InternalFailure",
                message or self.responses.get(code, ("Bad request",))[0],
                code,
            )
        self._send_error(error, str(uuid.uuid4()))

    # -- answering -----------------------------------------------------------------------------

    def _serve(self) -> None:
        request_id = str(uuid.uuid4())
        self._refused_length = 0
        try:
            response = self._answer()
            status, headers, body = response.status, response.headers, response.body
        except _ClientGone:
            self.close_connection = True
            return
        except SesError as error:
            self._send_error(error, request_id)
            if self._refused_length:
                self._discard(self._refused_length)
            return
        except Exception:
            # A bug of ours: say so on stderr, answer as AWS does for its own failures, go on.
            print(
                f"pytest-sesmock server: internal failure answering {self.command} {self.path} "
                f"(RequestId {request_id}):\n{traceback.format_exc()}",
                file=sys.stderr,
                end="",
                flush=True,
            )
            self.close_connection = True  # the request's body may not have been read in full
            self._send_error(
                SesError("InternalFailure", "The request processing has failed.", 500),
                request_id,
            )
            return
        self._send(status, headers, body)

    def _answer(self) -> Any:
        length = self._content_length()
        body = self._read(length)
        authorization = self.headers.get("Authorization") or ""
        if not (authorization.startswith("AWS4-") and "Credential=" in authorization):
            raise SesError(
                "MissingAuthenticationToken", "Request is missing Authentication Token", 403
            )
        url = self.server.base_url + self.path.lstrip("/")
        if self._is_v2():
            # SES v2 (rest-json): the route names the operation, the pipeline does the rest.
            answer = self.server.mock.answer(
                cast(Any, _Request(self.command, url, self.headers, body))
            )
            if answer is None:
                raise _unserved_v2(self.command, urlsplit(self.path).path)
            return answer
        if self.command not in ("GET", "POST"):
            raise SesError(
                "ValidationError",
                f"HTTP method {self.command} is not supported; send the Query request as POST "
                "with a form body, or as GET with a query string.",
            )
        if body:
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if content_type != _FORM:
                raise SesError(
                    "ValidationError",
                    f"The request body must be {_FORM}; got Content-Type "
                    f"{content_type or '(none)'}.",
                )
            form = _decode_form(body, "request body")
        else:
            # SesMock.answer reads the URL's query string when the body is empty, as we do here.
            form = _decode_form(urlsplit(self.path).query, "query string")
        action = form.get("Action", "")
        if action not in OPERATIONS:
            raise _unserved(action)
        # The region comes from the SigV4 scope: SesMock.answer reads it (the host is ours).
        response = self.server.mock.answer(
            # The body as text (checked UTF-8 above): the mock then decodes a repeated one once.
            cast(Any, _Request(self.command, url, self.headers, body.decode("utf-8")))
        )
        if response is None:  # not expected after the check above; answered all the same
            raise _unserved(action)
        return response

    def _content_length(self) -> int:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True  # the unread chunks would be taken for the next request
            raise SesError(
                "ValidationError", "Chunked request bodies are not supported; send Content-Length."
            )
        raw = self.headers.get("Content-Length")
        if raw is None:
            return 0
        try:
            length = int(raw)
            if length < 0:
                raise ValueError(raw)
        except ValueError:
            self.close_connection = True
            raise SesError("ValidationError", f"Invalid Content-Length {raw!r}.") from None
        if length > MAX_BODY:
            self.close_connection = True  # the body is dropped unread: the connection is spent
            self._refused_length = length
            raise SesError(
                "ValidationError",
                f"The request body is {length} bytes; pytest-sesmock accepts at most "
                f"{MAX_BODY} bytes.",
                413,
            )
        return length

    def _read(self, length: int) -> bytes:
        if not length:
            return b""
        try:
            body = self.rfile.read(length)
        except OSError as error:  # includes the socket timeout
            raise _ClientGone() from error
        if len(body) < length:
            raise _ClientGone()
        return body

    def _discard(self, length: int) -> None:
        """Drop a refused body the client may still be sending, then let the connection close.

        Closing a socket with unread data resets the connection, and a client still sending
        would never read the answer; only a bounded amount is read, in small chunks.
        """
        remaining = min(length, _DISCARD_LIMIT)
        try:
            self.connection.settimeout(_DISCARD_IDLE)
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 65536))
                if not chunk:
                    break
                remaining -= len(chunk)
        except OSError:
            pass  # the client stopped sending (or went away): close all the same

    def _is_v2(self) -> bool:
        return urlsplit(getattr(self, "path", "") or "").path.startswith("/v2/")

    def _send_error(self, error: SesError, request_id: str) -> None:
        # As the API the path belongs to writes errors: Query's XML envelope, or v2's JSON.
        if self._is_v2():
            from ..apis import v2

            wire = v2.wire()
            answer = wire.error_answer(wire.translate(error), request_id)
            self._send(answer.status, answer.headers, answer.body)
            return
        body = serialize_error(error, request_id)
        self._send(error.status, {"x-amzn-RequestId": request_id, "Content-Type": "text/xml"}, body)

    def _send(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        try:
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in ("content-length", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            self.close_connection = True  # the client went away mid-answer

    def version_string(self) -> str:
        return self.server_version  # not the Python version: nobody needs it on the wire

    def log_message(self, format: str, *args: Any) -> None:
        # Silent unless asked: a test run's output is no place for an access log.
        if self.server.log_requests:
            super().log_message(format, *args)


def _shut(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the client
        connection.shutdown(socket.SHUT_RDWR)


class _HTTPServer(ThreadingHTTPServer):
    """The listening socket and its connection threads, tied to one ``SesMock``."""

    daemon_threads = True  # a connection left open by a client never keeps the process alive
    request_queue_size = 128  # many clients connecting at once are queued, not refused

    def __init__(
        self, address: tuple[str, int], mock: SesMock, log_requests: bool, family: int
    ) -> None:
        self.address_family = family
        self.mock = mock
        self.log_requests = log_requests
        self.base_url = ""
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self._closing = False
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind asks for the host's fully qualified name, a DNS lookup that can
        # be slow or leave the machine; the name is never used here.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def track(self, connection: socket.socket, open_: bool) -> None:
        """Remember an open connection (``open_``) or forget a closed one."""
        with self._connections_lock:
            if not open_:
                self._connections.discard(connection)
                return
            if not self._closing:
                self._connections.add(connection)
                return
        _shut(connection)  # accepted just before stop(): not to be served

    def close_connections(self) -> None:
        """Shut every open connection, so that no keep-alive client is answered any more."""
        with self._connections_lock:
            self._closing = True
            connections = list(self._connections)
        for connection in connections:
            _shut(connection)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that resets or abandons its connection is routine, not worth a traceback.
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)):
            return
        print(
            f"pytest-sesmock server: error on the connection from {client_address}:\n"
            f"{traceback.format_exc()}",
            file=sys.stderr,
            end="",
            flush=True,
        )


class SesServer:
    """SES's Query API on ``http://host:port/``, answered by ``mock`` (a new ``SesMock`` if None).

    ``start()`` listens and serves in a daemon thread; ``stop()`` (or leaving the ``with`` block)
    stops listening and closes open connections. ``port=0`` picks a free port: read it from
    ``endpoint_url``. The mock need not be started (active) to answer here. ``log_requests``
    writes an access log line per request to stderr.
    """

    def __init__(
        self,
        mock: SesMock | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        log_requests: bool = False,
    ) -> None:
        self.mock: SesMock = mock if mock is not None else SesMock()
        """The mock that answers every request."""
        self.host = host
        self.port = port
        self.log_requests = log_requests
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        """``http://host:port/`` of the running server: ``--endpoint-url`` or ``endpoint_url``."""
        if self._httpd is None:
            raise RuntimeError("the SesServer is not running; call start() first")
        return self._httpd.base_url

    def start(self) -> SesServer:
        """Listen on ``host:port`` and serve in a daemon thread; ``OSError`` if it cannot bind."""
        if self._httpd is not None:
            raise RuntimeError("this SesServer is already running")
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        httpd = _HTTPServer((self.host, self.port), self.mock, self.log_requests, family)
        host = httpd.server_name  # the address bound, as server_bind recorded it
        shown = f"[{host}]" if family == socket.AF_INET6 else host
        httpd.base_url = f"http://{shown}:{httpd.server_port}/"
        thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.1},  # how soon stop() is noticed
            name=f"pytest-sesmock server {httpd.base_url}",
            daemon=True,
        )
        thread.start()
        self._httpd, self._thread = httpd, thread
        return self

    def stop(self) -> None:
        """Stop listening and close open connections; a no-op when not running."""
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self._httpd = self._thread = None
        httpd.shutdown()  # waits for serve_forever to return
        httpd.server_close()
        httpd.close_connections()
        if thread is not None:
            thread.join()

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
        where = self._httpd.base_url if self._httpd else f"{self.host}:{self.port}, stopped"
        return f"<SesServer {where}>"
