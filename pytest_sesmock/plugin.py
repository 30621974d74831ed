"""The pytest plugin (entry point ``pytest11``): the ``ses_mock`` fixture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .mock import SesMock


@pytest.fixture
def ses_mock() -> Iterator[SesMock]:
    """An active in-memory SES for this test; declare sets with ``add_configuration_set``."""
    with SesMock() as mock:
        yield mock
