"""The network boundary: which hosts are AWS, and a last-resort guard at name resolution.

The adapters refuse a request to AWS that nothing in-process answers with a precise message
(botocore names the operation, ``requests`` the URL). This guard is the backstop for every other
way out of the process (``urllib.request``, ``http.client``, ``urllib3``, aiohttp, httpx, a raw
socket): an audit hook (PEP 578) that, while a mock is active, refuses to resolve or connect to
an AWS host name. Python raises those audit events in C, before any DNS lookup, whichever module
asked, so nothing slips past it; hosts that are not AWS are never touched.

An audit hook cannot be removed once added, so it is added at the first activation (never at
import) and does nothing but one check while no mock is active.
"""

from __future__ import annotations

import functools
import socket
import sys
from typing import TYPE_CHECKING, Any

from ..errors import NotMockedError
from ..protocols.endpoint import is_aws_host

if TYPE_CHECKING:
    from ..core.activation import Journal
    from ..core.pipeline import Pipeline

_guarding = False
_hook_added = False
# The audit events that name a host before Python resolves or reaches it, and where the host is.
_HOST_OF = {
    "socket.getaddrinfo": lambda args: args[0],
    "socket.gethostbyname": lambda args: args[0],
    "socket.gethostbyname_ex": lambda args: args[0],
    "socket.connect": lambda args: _address_host(args[1]),
    "socket.sendto": lambda args: _address_host(args[1]),
}


def _address_host(address: Any) -> Any:
    return address[0] if isinstance(address, tuple) and address else None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _guarding:
        return
    host_of = _HOST_OF.get(event)
    if host_of is None:
        return
    _refuse(host_of(args))


def _refuse(host: Any) -> None:
    """``NotMockedError`` when ``host`` is AWS."""
    if is_aws_host(host):
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        raise NotMockedError(
            f"pytest-sesmock is active and a connection to {host} (an AWS endpoint) was "
            "attempted outside botocore and requests; nothing in-process answered it, and it was "
            "refused before any DNS lookup. Mock that service in-process (moto, say), or make "
            "the call outside the mock."
        )


def patch(journal: Journal, pipeline: Pipeline) -> None:
    """Guard ``socket.socket``'s own connects and every name lookup while a mock is active
    (registered with ``core.activation``).

    A socket connected to a host *name* resolves it in C before Python audits the connect, so
    the audit hook alone would stop the connection only after the DNS lookup.
    """
    for name in ("connect", "connect_ex"):
        journal.set(socket.socket, name, _checked_connect(getattr(socket.socket, name)))
    guard()
    journal.defer(unguard)


def _checked_connect(connect: Any) -> Any:
    @functools.wraps(connect)
    def checked_connect(self: socket.socket, address: Any) -> Any:
        if _guarding:
            _refuse(_address_host(address))
        return connect(self, address)

    return checked_connect


def guard() -> None:
    """Refuse AWS hosts from now on (adds the audit hook the first time)."""
    global _guarding, _hook_added
    if not _hook_added:
        sys.addaudithook(_audit)
        _hook_added = True
    _guarding = True


def unguard() -> None:
    """Leave every host alone again (the hook stays, doing nothing)."""
    global _guarding
    _guarding = False
