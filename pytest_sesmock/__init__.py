"""pytest-sesmock: Amazon SES configuration sets, answered in-process on botocore's wire path."""

from __future__ import annotations

import sys
from importlib import import_module
from typing import TYPE_CHECKING, Any

from .adapters import install as _install
from .errors import DeclarationError, NotMockedError, OptionError, SesMockError, UnknownNameError

if "pytest" in sys.modules:
    # Before the helpers are imported: their failures then explain themselves the pytest way.
    # Outside pytest nothing imports pytest for this.
    sys.modules["pytest"].register_assert_rewrite(
        "pytest_sesmock.core.assertions", "pytest_sesmock.sending.assertions"
    )

if TYPE_CHECKING:
    from .core.mock import SesMock, current_mock
    from .plugin.decorator import mock_ses
    from .state.records import Call, PublishedEvent, SentMessage

__all__ = [
    "Call",
    "DeclarationError",
    "NotMockedError",
    "OptionError",
    "PublishedEvent",
    "SentMessage",
    "SesMock",
    "SesMockError",
    "UnknownNameError",
    "current_mock",
    "mock_ses",
    "patch_client",
]

# The mock itself is imported on first use, so that a suite that never uses it pays only for
# the hooks below (pytest imports this package through the plugin's entry point).
_LAZY = {
    "Call": "state.records",
    "PublishedEvent": "state.records",
    "SentMessage": "state.records",
    "SesMock": "core.mock",
    "current_mock": "core.mock",
    "mock_ses": "plugin.decorator",
}


def patch_client(client: Any) -> Any:
    """Route ``client`` (a botocore or boto3 client) through the mock although it was created
    before ``pytest_sesmock`` was imported; returns it. Clients created afterwards need nothing.

    Without it, such a client's SES requests are refused while a mock is active (never sent to
    AWS), with a message naming this function.
    """
    from .adapters.botocore import patch_client as patch

    patch(client)
    return client


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pytest_sesmock' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


# Every botocore session created from here on routes SES requests through the mock while one is
# active. Importing twice (pytester runs pytest again in one process) registers nothing twice.
_install()
