"""The HTTP stack under server mode: waitress, with what a mock server on a test machine adds.

It serves any WSGI application and owns its limits (``server.protocol``); what it refuses
itself is written by the ``refusal`` it is given, so it knows nothing of SES.

waitress (the Pylons project's production WSGI server: pure Python, no dependencies of its own)
speaks HTTP/1.1. Its I/O loop reads each request whole (headers, then the body by
``Content-Length`` or chunked, within limits) before anything answers it, so a body is never run
as a request, a repeated or malformed ``Content-Length`` is refused, and a slow client costs a
buffer, not a thread. It sets ``TCP_NODELAY`` on every connection. On top of it, here:

- requests are answered in the loop's own thread once read whole (``Server.add_task``): an
  answer is pure computation that never blocks, and handing it to worker threads cost more;
- its own refusals (a malformed request, a body or header too large, ...) are answered in SES's
  error envelope, like every other error of the server (``_ErrorTask``);
- ``Content-Length`` together with chunked is refused (request smuggling), a request already
  refused is not invited to send its body (no ``100 Continue``), and an HTTP version other than
  1.0 and 1.1 is refused with 505 (``_Parser``);
- an answer's status line, headers and body leave in one write (``_OneWrite``);
- a request must arrive whole within ``REQUEST_TIMEOUT`` seconds, however it trickles in
  (slowloris), and an idle kept-alive connection is closed after ``IDLE_TIMEOUT``;
- after refusing a body the client is still sending, the connection lingers, dropping what
  arrives, so that the client reads the answer rather than a reset (``_Channel``);
- ``stop()`` is graceful: stop accepting, answer what is in flight (a bounded wait), close.

Imported only when a server starts: importing the plugin never imports waitress.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, WSGITask
from waitress.utilities import (
    Error,
    InternalServerError,
    RequestEntityTooLarge,
    RequestHeaderFieldsTooLarge,
    ServerNotImplemented,
)

from ..errors import SesError
from .protocol import (
    IDLE_TIMEOUT,
    MAX_BODY,
    MAX_CONNECTIONS,
    MAX_HEADER,
    REQUEST_TIMEOUT,
    status_line,
)

LINGER_BYTES = 64 * MAX_BODY
LINGER_SECONDS = 5.0

Refusal = Callable[[SesError, str], Any]
"""``(error, request path) -> (status, headers, body)``: how the application writes a refusal
of this stack (a malformed request, a body over ``MAX_BODY``, ...); the stack knows no API."""


class _VersionNotSupported(Error):  # type: ignore[misc]
    code = 505
    reason = "HTTP Version Not Supported"


class _Parser(HTTPRequestParser):  # type: ignore[misc]
    """waitress's request parser, refusing what a server alone on its port should refuse too."""

    error: Any  # waitress's: the Error that refused the request, or None

    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(header_plus)
        # Two framings for one body: the Content-Length a client (or a proxy) meant may not be
        # the chunks waitress would read, and the rest would be taken for another request
        # (request smuggling). Refused, as RFC 9112 allows (6.1), and the connection closed.
        if self.chunked and "CONTENT_LENGTH" in self.headers:
            raise ParsingError("Content-Length and Transfer-Encoding: chunked together")
        if self.version == "1.0" and "TRANSFER_ENCODING" in self.headers:
            raise ParsingError("Transfer-Encoding in an HTTP/1.0 request")

    def received(self, data: bytes) -> int:
        consumed: int = super().received(data)
        if self.error is None and self.headers_finished and self.version not in ("1.0", "1.1"):
            self.error = _VersionNotSupported(f"HTTP/{self.version or '0.9'}")
            self.completed = True
        if self.error is not None:
            self.expect_continue = False  # refused already: the body is not wanted
        return consumed


def framing_error(request: Any) -> SesError:
    """The SES error for a request waitress refused while reading it."""
    error = request.error
    if isinstance(error, RequestEntityTooLarge):
        length = request.content_length
        size = f"{length} bytes" if length > MAX_BODY else f"over {MAX_BODY} bytes"
        return SesError(
            "ValidationError",
            f"The request body is {size}; pytest-sesmock accepts at most {MAX_BODY} bytes.",
            413,
        )
    if isinstance(error, RequestHeaderFieldsTooLarge):
        return SesError(
            "ValidationError",
            f"The request line and headers are over {MAX_HEADER} bytes; pytest-sesmock accepts "
            f"at most {MAX_HEADER} bytes.",
            431,
        )
    if isinstance(error, ServerNotImplemented):
        return SesError(
            "NotImplemented",
            f"{error.body} Send the body with a Content-Length, or chunked.",
            501,
        )
    if isinstance(error, _VersionNotSupported):
        return SesError(
            "ValidationError", f"{error.body} is not supported; send HTTP/1.1 or HTTP/1.0.", 505
        )
    if isinstance(error, InternalServerError) or error.code >= 500:
        return SesError("InternalFailure", "The request processing has failed.", 500)
    return SesError("ValidationError", f"Malformed HTTP request: {error.body}.", error.code)


class _OneWrite:
    """A task whose answer leaves in one write: status line, headers and body together.

    waitress writes the head and the body apart; with the body small, one write is one packet,
    and the client has the whole answer at once. A server that is stopping closes each
    connection after the answer in progress.
    """

    if TYPE_CHECKING:  # what waitress's Task has
        wrote_header: bool
        complete: bool
        has_body: bool
        chunked_response: bool
        content_length: int | None
        content_bytes_written: int
        channel: Any

        def set_close_on_finish(self) -> None: ...
        def build_response_header(self) -> bytes: ...

    def write(self, data: bytes) -> None:
        if not self.wrote_header:
            if self.channel.server.draining:
                self.set_close_on_finish()
            if data and self.complete and self.has_body:
                head = self.build_response_header()
                self.wrote_header = True
                if self.chunked_response:
                    self.channel.write_soon(head)
                else:
                    length = self.content_length
                    body = data if length is None else data[: length - self.content_bytes_written]
                    self.content_bytes_written += len(body)
                    self.channel.write_soon(head + body)
                    return
        super().write(data)  # type: ignore[misc]


class _Task(_OneWrite, WSGITask):  # type: ignore[misc]
    """Runs the WSGI application for one request."""


class _ErrorTask(_OneWrite, ErrorTask):  # type: ignore[misc]
    """waitress's own refusal of a request, in SES's error envelope; the connection closes."""

    def execute(self) -> None:
        request = self.request
        path = str(getattr(request, "path", "") or "/")
        answer = self.channel.server.refusal(framing_error(request), path)
        self.status = status_line(answer.status)
        self.response_headers.extend(
            (name, value) for name, value in answer.headers.items() if name != "Content-Length"
        )
        self.set_close_on_finish()
        self.content_length = len(answer.body)
        # The client may still be sending what was refused: drop it before closing.
        self.channel.linger_after_answer = True
        self.write(answer.body)


class _Channel(HTTPChannel):  # type: ignore[misc]
    """One connection."""

    task_class = _Task
    error_task_class = _ErrorTask
    parser_class = _Parser

    began = 0.0
    """``time.monotonic()`` when the request arriving now began arriving."""
    linger_after_answer = False
    lingering = False
    linger_until = 0.0
    linger_left = 0

    def _flush_outbufs_below_high_watermark(self) -> None:
        # waitress makes a worker thread wait here for the loop to flush a large backlog; the
        # loop answers itself, and would wait for itself. Nothing to wait for: a connection is
        # not read while an answer waits to be sent, so a backlog is at most the answers to the
        # requests of one read (8 KiB of them), and the loop sends it on its next turn.
        pass

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.began = time.monotonic()
        return bool(super().received(data))

    def handle_close(self) -> None:
        if self.linger_after_answer and not self.lingering and self.connected:
            # The answer is out; a FIN says so. What the client still sends is read and dropped
            # (closing with unread data would reset the connection, losing the answer).
            self.linger_after_answer = False
            try:
                self.socket.shutdown(socket.SHUT_WR)
            except OSError:
                super().handle_close()
                return
            self.lingering = True
            self.will_close = False
            self.linger_until = time.monotonic() + LINGER_SECONDS
            self.linger_left = LINGER_BYTES
            return
        self.lingering = False
        super().handle_close()

    def readable(self) -> bool:
        return True if self.lingering else bool(super().readable())

    def writable(self) -> bool:
        return False if self.lingering and not self.will_close else bool(super().writable())

    def handle_read(self) -> None:
        if not self.lingering:
            super().handle_read()
            return
        try:
            data = self.socket.recv(65536)
        except OSError:
            data = b""
        self.linger_left -= len(data)
        if not data or self.linger_left <= 0:
            self.handle_close()

    def close_now(self) -> None:
        """Close at once, lingering or not."""
        self.linger_after_answer = self.lingering = False
        super().handle_close()

    def idle(self) -> bool:
        """Nothing in flight: no request arriving (not even unread), answered or being written."""
        if self.requests or self.request is not None or self.total_outbufs_len or self.lingering:
            return False
        try:  # bytes the loop has not read yet are a request arriving too
            return not self.socket.recv(1, socket.MSG_PEEK)  # the socket does not block
        except BlockingIOError:
            return True
        except OSError:
            return True  # gone: nothing to finish


class _NoWorkers:
    """waitress's task dispatcher, without threads: ``Server`` answers in its loop."""

    def set_thread_count(self, count: int) -> None:
        pass

    def add_task(self, task: Any) -> None:
        raise AssertionError("Server.add_task answers in the loop")

    def shutdown(self, cancel_pending: bool = True, timeout: float = 5) -> bool:
        return True


class Server(TcpWSGIServer):  # type: ignore[misc]
    """waitress's TCP server, with server mode's limits, deadlines and graceful stop.

    Requests are answered in the I/O loop's thread, once read whole, not handed to worker
    threads: an answer is a fraction of a millisecond of pure computation under the GIL, and
    handing each to a worker and its answer back cost more than the answer (measured: 8
    kept-alive clients got 400-500 requests/s with a p99 of 75-90 ms through waitress's four
    workers). Nothing an answer does blocks: no I/O, and the state lock is held by another
    thread (a test's own in-process call) for as long as one call takes, at most.
    """

    channel_class = _Channel

    def __init__(self, application: Any, host: str, port: int, refusal: Refusal) -> None:
        try:
            adjustments = self._adjustments(host, port)
        except ValueError:  # waitress's "Invalid host/port specified."
            raise ValueError(
                f"cannot listen on {host}:{port}: {host!r} is neither an address of this machine "
                "nor a host name that resolves to one"
            ) from None
        self.refusal = refusal
        """How refusals of this stack are written (the application's error envelope)."""
        self.draining = False
        self._stopping = threading.Event()
        self._deadline = 0.0
        self._ready: list[Any] = []  # channels with a request read whole, to answer
        self._loop_thread: int | None = None
        try:
            super().__init__(
                application,
                map={},
                dispatcher=_NoWorkers(),
                adj=adjustments,
                sockinfo=adjustments.listen[0],
            )
        except OSError:
            self._release()
            raise

    @staticmethod
    def _adjustments(host: str, port: int) -> Adjustments:
        return Adjustments(
            host=host,
            port=port,
            threads=1,  # none is started (_NoWorkers): requests are answered in the loop
            ident="pytest-sesmock",
            # waitress counts its own listening socket and wake-up trigger among the
            # connections: without them, MAX_CONNECTIONS clients would get two fewer.
            connection_limit=MAX_CONNECTIONS + 2,
            backlog=1024,
            asyncore_use_poll=True,  # select() cannot watch more than 1,024 connections
            max_request_header_size=MAX_HEADER,
            max_request_body_size=MAX_BODY + 1,  # waitress refuses a body of this size or more
            channel_timeout=IDLE_TIMEOUT,
            cleanup_interval=1,  # how often the deadlines are checked
            expose_tracebacks=False,
            log_socket_errors=False,  # a client resetting its connection is routine
            clear_untrusted_proxy_headers=False,  # no proxy in front: nothing to clear
        )

    @property
    def address(self) -> tuple[str, int]:
        """The host and port listened on."""
        return str(self.effective_host), int(self.effective_port)

    def add_task(self, channel: Any) -> None:
        """A request of ``channel`` is read whole: answer it once the loop is done reading."""
        self._ready.append(channel)  # (waitress calls this holding the channel's lock)

    def pull_trigger(self) -> None:
        """Wake the loop, unless this is the loop, awake already."""
        if threading.get_ident() != self._loop_thread:
            super().pull_trigger()

    def maintenance(self, now: float) -> None:
        """Close idle connections (waitress), and those whose request is overdue (slowloris)."""
        super().maintenance(now)
        moment = time.monotonic()
        for channel in self.active_channels.values():
            if channel.lingering:
                if moment > channel.linger_until:
                    channel.will_close = True
            elif (
                channel.request is not None
                and not channel.requests
                and moment - channel.began > REQUEST_TIMEOUT
            ):
                channel.will_close = True  # closed by the loop, as waitress closes idle ones

    def serve(self) -> None:
        """Serve until ``stop()``; then answer what is in flight, and close."""
        self._loop_thread = threading.get_ident()
        ready = self._ready
        try:
            while True:
                wasyncore.loop(
                    timeout=0.05 if self.draining else 1.0,
                    map=self._map,
                    use_poll=True,
                    count=1,
                )
                while ready:
                    ready.pop(0).service()  # answers, writes; queues a pipelined next one
                if self._stopping.is_set():
                    if not self.draining:
                        self._begin_draining()
                    if self._drained() or time.monotonic() > self._deadline:
                        break
        finally:
            self._release()

    def stop(self, timeout: float) -> None:
        """Ask ``serve`` to stop: it answers what is in flight for ``timeout`` seconds at most."""
        self._deadline = time.monotonic() + timeout
        self._stopping.set()
        with contextlib.suppress(OSError, AttributeError):  # already closed
            self.pull_trigger()

    def _begin_draining(self) -> None:
        self.draining = True
        # Stop listening: the listening socket leaves the loop and closes (not the trigger).
        self.accepting = False
        wasyncore.dispatcher.close(self)

    def _drained(self) -> bool:
        self.maintenance(time.time())
        for channel in list(self.active_channels.values()):
            if channel.idle():
                channel.will_close = True  # an idle kept-alive connection: nothing to finish
        return not self.active_channels

    def _release(self) -> None:
        """Close every connection, the listening socket and the trigger."""
        for channel in list(getattr(self, "active_channels", {}).values()):
            with contextlib.suppress(Exception):
                channel.close_now()
        for closing in ("socket", "trigger"):
            with contextlib.suppress(Exception):
                getattr(self, closing).close()
