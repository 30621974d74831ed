"""Fake AWS credentials, so that botocore can sign requests that never leave the process."""

from __future__ import annotations

import os
from pathlib import Path

from botocore.credentials import Credentials

# Obviously fake, and never a secret: signing needs *some* key, SES never sees it.
FAKE_ACCESS_KEY_ID = "AKIASESMOCKTESTING00"
FAKE_SECRET_ACCESS_KEY = "pytest-sesmock-fake-secret-key"
FAKE_CREDENTIALS = Credentials(FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY)

_ENV_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")


def _credentials_configured() -> bool:
    """Whether botocore would find credentials without asking the network (IMDS, containers)."""
    env = os.environ
    if env.get("AWS_ACCESS_KEY_ID") or env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE"):
        return True
    shared = env.get("AWS_SHARED_CREDENTIALS_FILE") or Path.home() / ".aws" / "credentials"
    return Path(shared).is_file()


class FakeEnvironment:
    """Puts fake credentials into ``os.environ`` while no real ones are configured.

    Without them botocore would go on to the instance metadata service, over the network, and
    then fail to sign. Real credentials a user has are left exactly as they are.
    """

    def __init__(self) -> None:
        self._saved: dict[str, str | None] | None = None

    def start(self) -> None:
        """Set the fake credentials, if none are configured."""
        if _credentials_configured():
            return
        self._saved = {key: os.environ.get(key) for key in _ENV_KEYS}
        os.environ["AWS_ACCESS_KEY_ID"] = FAKE_ACCESS_KEY_ID
        os.environ["AWS_SECRET_ACCESS_KEY"] = FAKE_SECRET_ACCESS_KEY

    def stop(self) -> None:
        """Put the environment back as it was."""
        if self._saved is None:
            return
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved = None
