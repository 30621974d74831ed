"""How requests reach the core and leave it: botocore, aiobotocore, ``requests``, the network,
the environment, and moto beside us.

Each adapter hands the core's pipeline a plain request and turns its plain answer back into what
its client expects. ``install()`` (run when the package is imported) puts botocore's handlers in
place and registers every adapter's patches with the core (``core.activation``), which applies
them while a mock is active; the core never imports an adapter.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.activation import Journal
    from ..core.pipeline import Pipeline


def install() -> None:
    """Install botocore's handlers and register the adapters with the core. Idempotent.

    Only botocore's adapter is imported now (its handlers must be in place before any client is
    made); the others are imported at the first activation, so that a suite that never uses the
    mock pays for none of them.
    """
    from ..core import activation
    from . import botocore, moto

    botocore.install()
    activation.other_services = moto.MOTO
    # In this order at the first activation; undone in the reverse order at the last stop.
    for name in ("botocore", "environment", "backoff", "network", "aiobotocore", "requests"):
        activation.register(name, _patch_of(name))


def _patch_of(name: str) -> Callable[[Journal, Pipeline], None]:
    def patch(journal: Journal, pipeline: Pipeline) -> None:
        import_module(f"{__name__}.{name}").patch(journal, pipeline)

    return patch
