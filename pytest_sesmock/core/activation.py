"""Which mocks are active, and every patch pytest-sesmock makes while one is.

This is the architecture note on patching: each change pytest-sesmock makes to another library
is listed here with the reason it exists. The adapters register what they patch (``register``,
when the package is imported: the way respx's mockers register with their router); the core
never imports an adapter. The first mock to start applies every registered patch, the last one
to stop undoes them exactly (an undo journal, as freezegun keeps), in whatever order mocks stop,
so a suite that never activates a mock runs on untouched libraries.

While a mock is active:

=====================================================  ==========================================
patch                                                  why
=====================================================  ==========================================
``botocore.hooks.HierarchicalEmitter.emit``, for       botocore calls *every* ``before-send``
``before-send`` events only                            handler; the first answer must be the only
                                                       one, or moto would run after us (raising
                                                       ``NotImplementedError``, writing its own
                                                       backend) for requests we answered.
``botocore.signers.RequestSigner.sign``                an SES client made before the plugin was
                                                       imported, without credentials, is refused
                                                       with the fix, not ``NoCredentialsError``.
``botocore.httpsession.URLLib3Session.send``           a request to a real AWS endpoint that no
                                                       in-process mock answered is refused with a
                                                       message naming the operation; others pass.
``botocore.endpoint.Endpoint._needs_retry``,          botocore's retry backoff after one of our
``botocore.endpoint.time``,                            answers moves the mock's clock instead of
``botocore.retries.bucket.time`` and ``.threading``    sleeping (see ``backoff``): the first tells
                                                       whose response the sleep is for.
``requests.Session.get_adapter`` (once ``requests``    ``requests`` calls to AWS hosts go to the
is imported)                                           mock, whatever other ``responses`` mocks
                                                       are active; other hosts are left alone.
aiobotocore (once it is imported):                     the same for async clients: backoff
``AioEndpoint._needs_retry``, ``asyncio`` in           after our answer is free, and AWS hosts
``aiobotocore.endpoint`` and ``.retries.bucket``,      nobody answered are refused
``AnyioEndpoint._sleep``,                              (``adapters.aiobotocore``). Its emitter
``AnyioTokenBucket._wait_for_new_fill_rate``,          inherits the patched ``emit``: the first
``AIOHTTPSession.send``, ``HttpxSession.send``         ``before-send`` answer is the only one.
``os.environ``: ``AWS_ACCESS_KEY_ID``,                 only the ones not configured: fake
``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``      credentials and the mock's default region.
an audit hook, ``socket.socket.connect`` and           the backstop: no other library resolves or
``connect_ex`` (``network``)                           reaches an AWS host name.
=====================================================  ==========================================

At import, and for good (both inert while no mock is active): the handlers in botocore's
``BUILTIN_HANDLERS`` (botocore's own extension point, as moto uses it), and a wrapper of
``botocore.session.Session.create_client`` that gives those handlers to sessions created before
``pytest_sesmock`` was imported (``adapters.botocore``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..state.other_services import OtherServices
    from .pipeline import Pipeline

active: list[Pipeline] = []
"""The pipelines of the active mocks, innermost last. Global, not thread-local: threads a test
starts are served. Adapters read ``active[-1]`` on every request."""

other_services: OtherServices | None = None
"""What the account's other services hold (the moto adapter registers moto's): every mock's
state and sending ask it (None: nothing registered, nothing else known)."""

client_patcher: Callable[[Any], None] | None = None
"""What routes a client made before the package was imported through the mock (registered by
the botocore adapter; ``SesMock.patch_client`` calls it)."""

_lock = threading.RLock()


class Journal:
    """An undo journal: ``set`` remembers what it replaces; ``undo`` puts it all back."""

    def __init__(self) -> None:
        self._entries: list[tuple[Any, str, Any]] = []

    def set(self, owner: Any, name: str, value: Any) -> None:
        """``setattr(owner, name, value)``, remembered."""
        self._entries.append((owner, name, owner.__dict__.get(name, _ABSENT)))
        setattr(owner, name, value)

    def defer(self, undo: Callable[[], None]) -> None:
        """Run ``undo`` when the journal is undone (in its turn, latest first)."""
        self._entries.append((undo, "", _DEFERRED))

    def undo(self) -> None:
        """Restore every attribute set, latest first."""
        while self._entries:
            owner, name, original = self._entries.pop()
            if original is _DEFERRED:
                owner()
            elif original is _ABSENT:
                delattr(owner, name)
            else:
                setattr(owner, name, original)


_ABSENT: Any = object()
_DEFERRED: Any = object()

Patch = Callable[[Journal, "Pipeline"], None]
"""An adapter's patches: applied with the first active mock's pipeline, undone through the
journal (``journal.set``, ``journal.defer``)."""

_patches: dict[str, Patch] = {}
_journal = Journal()


def register(name: str, patch: Patch) -> None:
    """Apply ``patch`` at every first activation from now on (once per ``name``: importing the
    package twice registers nothing twice)."""
    _patches[name] = patch


def activate(pipeline: Pipeline) -> Pipeline | None:
    """Make ``pipeline`` the innermost active one; returns the one it is nested in, if any."""
    with _lock:
        outer = active[-1] if active else None
        if outer is None:
            try:
                for patch in _patches.values():
                    patch(_journal, pipeline)
            except BaseException:
                _journal.undo()
                raise
        active.append(pipeline)
        return outer


def deactivate(pipeline: Pipeline) -> None:
    """``pipeline`` is no longer active; the last one to go undoes the patches."""
    with _lock:
        if pipeline in active:
            active.remove(pipeline)
            if not active:
                _journal.undo()


def innermost() -> Pipeline | None:
    """The innermost active pipeline, or None."""
    return active[-1] if active else None
