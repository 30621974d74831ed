"""The environment a mock needs: fake AWS credentials, and a region when none is configured."""

from __future__ import annotations

import os
from pathlib import Path

from botocore.credentials import Credentials

# Obviously fake, and never a secret: signing needs *some* key, SES never sees it.
FAKE_ACCESS_KEY_ID = "AKIASESMOCKTESTING00"
FAKE_SECRET_ACCESS_KEY = "pytest-sesmock-fake-secret-key"
FAKE_CREDENTIALS = Credentials(FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY)

DEFAULT_REGION = "us-east-1"

_CREDENTIAL_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
_REGION_KEY = "AWS_DEFAULT_REGION"  # the variable botocore reads


def _profile() -> str:
    return os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE") or "default"


def _credentials_configured() -> bool:
    """Whether botocore would find credentials without asking the network (IMDS, containers)."""
    env = os.environ
    if env.get("AWS_ACCESS_KEY_ID") or env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE"):
        return True
    shared = env.get("AWS_SHARED_CREDENTIALS_FILE") or Path.home() / ".aws" / "credentials"
    return Path(shared).is_file()


def profile_region() -> str | None:
    """The ``region`` of the active profile in the AWS config file, as botocore reads it."""
    path = Path(os.environ.get("AWS_CONFIG_FILE") or Path.home() / ".aws" / "config")
    if not path.is_file():
        return None
    import configparser  # only when there is a config file to read

    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeError):
        return None  # botocore would refuse the file too; nothing to follow
    profile = _profile()
    for section in (f"profile {profile}", profile) if profile != "default" else ("default",):
        if parser.has_option(section, "region"):
            return parser.get(section, "region").strip() or None
    return None


def configured_region() -> str | None:
    """The region a client made without ``region_name`` would use, if the environment names one.

    ``AWS_DEFAULT_REGION`` (what botocore reads), then ``AWS_REGION`` (what other AWS SDKs read),
    then the active profile's ``region``.
    """
    env = os.environ
    return env.get(_REGION_KEY) or env.get("AWS_REGION") or profile_region()


def default_region() -> str:
    """The region botocore would resolve from the environment, else ``us-east-1``."""
    return configured_region() or DEFAULT_REGION


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
