"""The environment a mock needs: fake AWS credentials, and a region when none is configured."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from botocore.credentials import Credentials

from ..state.region import profile_region

if TYPE_CHECKING:
    from ..core.activation import Journal
    from ..core.pipeline import Pipeline

# Obviously fake, and never a secret: signing needs *some* key, SES never sees it.
FAKE_ACCESS_KEY_ID = "AKIASESMOCKTESTING00"
FAKE_SECRET_ACCESS_KEY = "pytest-sesmock-fake-secret-key"
FAKE_CREDENTIALS = Credentials(FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY)

_REGION_KEY = "AWS_DEFAULT_REGION"  # the variable botocore reads


def _credentials_configured() -> bool:
    """Whether botocore would find credentials without asking the network (IMDS, containers)."""
    env = os.environ
    if env.get("AWS_ACCESS_KEY_ID") or env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE"):
        return True
    shared = env.get("AWS_SHARED_CREDENTIALS_FILE") or Path.home() / ".aws" / "credentials"
    return Path(shared).is_file()


class FakeEnvironment:
    """What a mock puts into ``os.environ`` while it is active, and takes out again after.

    Fake credentials while no real ones are configured: without them botocore would go on to the
    instance metadata service, over the network, and then fail to sign. ``AWS_DEFAULT_REGION``
    while no region is configured, so that ``boto3.client("ses")`` works and lands where the
    mock's declarations live. What a user configured is left exactly as it is.
    """

    def __init__(self) -> None:
        self._saved: dict[str, str | None] = {}

    def start(self, region: str) -> None:
        """Set what is missing; ``region`` is the mock's default region."""
        wanted: dict[str, str] = {}
        if not _credentials_configured():
            wanted["AWS_ACCESS_KEY_ID"] = FAKE_ACCESS_KEY_ID
            wanted["AWS_SECRET_ACCESS_KEY"] = FAKE_SECRET_ACCESS_KEY
        if not os.environ.get(_REGION_KEY) and not profile_region():
            # AWS_REGION alone names a region botocore does not read: pass it on to botocore.
            wanted[_REGION_KEY] = os.environ.get("AWS_REGION") or region
        for key, value in wanted.items():
            self._saved[key] = os.environ.get(key)
            os.environ[key] = value

    def stop(self) -> None:
        """Put the environment back as it was."""
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved = {}


def patch(journal: Journal, pipeline: Pipeline) -> None:
    """The environment a mock needs while one is active (registered with ``core.activation``);
    the first mock's region is the default region put there."""
    environment = FakeEnvironment()
    environment.start(pipeline.region)
    journal.defer(environment.stop)
