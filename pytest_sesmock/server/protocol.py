"""What both halves of server mode share: its limits, and HTTP's status lines.

The HTTP stack (``server.http``) enforces the limits; the WSGI application (``server.application``)
and the documentation name them. Importing this imports nothing else, so the limits can be read
(``pytest_sesmock.server.MAX_BODY``) without loading the HTTP stack.
"""

from __future__ import annotations

MAX_BODY = 1024 * 1024
"""The largest request body the server reads, in bytes (1 MiB); SES's own requests are tiny."""
MAX_HEADER = 64 * 1024
"""The largest request line and headers the server reads, in bytes (64 KiB)."""
MAX_CONNECTIONS = 1000
"""Connections served at once; more wait in the listen queue until one closes."""
IDLE_TIMEOUT = 60
"""Seconds a kept-alive connection may sit idle before it is closed."""
REQUEST_TIMEOUT = 30
"""Seconds a request (line, headers and body) may take to arrive: a slow client is cut off."""
DEFAULT_STORE_SIZE = 1000
"""Messages and calls (and four times as many events) that the server's own mock keeps, the
newest; older ones are let go and counted, so that memory stays flat however long a server
runs."""
STOP_TIMEOUT = 10.0
"""Seconds ``stop()`` waits for requests in flight to be answered before closing anyway."""

_REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    201: "Created",
    204: "No Content",
    301: "Moved Permanently",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    413: "Content Too Large",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
    505: "HTTP Version Not Supported",
}


def status_line(status: int) -> str:
    """``"400 Bad Request"``: the status as WSGI's ``start_response`` takes it."""
    return f"{status} {_REASONS.get(status, 'Error')}"
