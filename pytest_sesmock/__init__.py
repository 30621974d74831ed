"""pytest-sesmock: Amazon SES configuration sets, answered in-process on botocore's wire path."""

from __future__ import annotations

import sys
from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import DeclarationError, NotMockedError
from .interception import install as _install

if "pytest" in sys.modules:
    # Before the helpers are imported: their failures then explain themselves the pytest way.
    # Outside pytest nothing imports pytest for this.
    sys.modules["pytest"].register_assert_rewrite("pytest_sesmock.assertions")

if TYPE_CHECKING:
    from .decorator import mock_ses
    from .mock import SesMock, current_mock
    from .records import Call

__all__ = [
    "Call",
    "DeclarationError",
    "NotMockedError",
    "SesMock",
    "current_mock",
    "mock_ses",
]

# The mock itself is imported on first use, so that a suite that never uses it pays only for
# the hooks below (pytest imports this package through the plugin's entry point).
_LAZY = {"Call": "records", "SesMock": "mock", "current_mock": "mock", "mock_ses": "decorator"}


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
