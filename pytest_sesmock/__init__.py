"""pytest-sesmock: Amazon SES configuration sets, answered in-process on botocore's wire path."""

from __future__ import annotations

import sys

if "pytest" in sys.modules:
    # Before the import below: the assertion helpers then explain their failures the pytest way.
    # Outside pytest nothing imports pytest for this.
    sys.modules["pytest"].register_assert_rewrite("pytest_sesmock.assertions")

from .decorator import mock_ses
from .errors import DeclarationError, NotMockedError
from .interception import install as _install
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

# Every botocore session created from here on routes SES requests through the mock while one is
# active. Importing twice (pytester runs pytest again in one process) registers nothing twice.
_install()
