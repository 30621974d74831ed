"""Server mode: the same mock, reached over HTTP by another process (here, the AWS CLI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest


def aws(server: Any, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run the AWS CLI (``awscli`` from PyPI) against the server, with throwaway credentials."""
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_PAGER": "",
    }
    command = [sys.executable, "-m", "awscli", "ses", *arguments, "--region", "us-east-1"]
    command += ["--endpoint-url", server.endpoint_url]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.ses_mock(configuration_sets=[{"Name": "marketing"}])
def test_the_cli_describes_a_declared_set(ses_mock_server: Any) -> None:
    done = aws(
        ses_mock_server,
        "describe-configuration-set",
        "--configuration-set-name",
        "marketing",
        "--configuration-set-attribute-names",
        "reputationOptions",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "ConfigurationSet": {"Name": "marketing"},
        "ReputationOptions": {"SendingEnabled": True, "ReputationMetricsEnabled": False},
    }
    ses_mock_server.mock.assert_call_count(1, ConfigurationSetName="marketing")


def test_the_cli_sees_ses_s_error_for_an_unknown_set(ses_mock_server: Any) -> None:
    done = aws(ses_mock_server, "describe-configuration-set", "--configuration-set-name", "nope")
    assert done.returncode == 255  # the AWS CLI (version 1) on a service error
    assert "ConfigurationSetDoesNotExist" in done.stderr
    assert "Configuration set <nope> does not exist." in done.stderr
