"""The region botocore would resolve from the environment, read as botocore reads it."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_REGION = "us-east-1"
_REGION_KEY = "AWS_DEFAULT_REGION"  # the variable botocore reads


def _profile() -> str:
    return os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE") or "default"


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
