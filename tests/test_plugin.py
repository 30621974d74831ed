"""The ``ses_mock`` fixture in real pytest runs."""

from __future__ import annotations

import pytest


def test_fixture_is_listed_with_its_docstring(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--fixtures")
    result.stdout.fnmatch_lines(["ses_mock*", "*An active in-memory SES for this test*"])


def test_state_is_reset_after_a_failing_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3, pytest
        from pytest_sesmock.adapters import botocore as interception

        def test_declares_and_fails(ses_mock):
            ses_mock.add_configuration_set({"Name": "leaky"})
            assert False, "boom"

        def test_raises_inside_code_under_test(ses_mock):
            ses_mock.add_configuration_set({"Name": "leaky"})
            raise RuntimeError("code under test broke")

        def test_next_test_sees_a_clean_mock(ses_mock):
            assert interception.active == [ses_mock.pipeline]
            ses = boto3.client("ses", region_name="us-east-1")
            with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
                ses.describe_configuration_set(ConfigurationSetName="leaky")
            ses_mock.add_configuration_set({"Name": "leaky"})  # not "already declared"

        def test_no_mock_outside_the_fixture():
            assert interception.active == []
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2, failed=2)


def test_running_pytest_twice_in_one_process_registers_once(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        from botocore import handlers
        from pytest_sesmock.adapters import botocore as interception

        def test_once(ses_mock):
            ours = [s for s in handlers.BUILTIN_HANDLERS if s[1] is interception.on_before_send]
            assert len(ours) == 2  # ses and sesv2
            ses_mock.add_configuration_set({"Name": "marketing"})
            ses = boto3.client("ses", region_name="us-east-1")
            assert ses.describe_configuration_set(ConfigurationSetName="marketing")
        """
    )
    for _ in range(2):
        pytester.runpytest().assert_outcomes(passed=1)


# What a suite that never uses the mock pays for the plugin: nothing heavy, and none of the mock.
_LOADED_BY_THE_PLUGIN = """
import sys
import pytest, botocore.session, botocore.client
before = set(sys.modules)
import pytest_sesmock.plugin.pytest_plugin
print("\\n".join(sorted(set(sys.modules) - before)))
"""


def test_importing_the_plugin_loads_nothing_heavy() -> None:
    import subprocess
    import sys

    loaded = subprocess.run(
        [sys.executable, "-c", _LOADED_BY_THE_PLUGIN], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "pytest_sesmock.adapters.botocore" in loaded  # the hooks are in: the check can fail
    heavy = ("yaml", "responses", "freezegun", "time_machine", "requests", "waitress", "moto")
    heavy += ("asyncio", "aiobotocore")
    assert [m for m in loaded if m.split(".")[0] in heavy or m == "http.server"] == []
    # The mock itself (its pipeline, protocols, APIs and state) loads with the first SesMock;
    # of the protocols, only which hosts are AWS's (a few regular expressions) is read before.
    mock_modules = ("pytest_sesmock.core.pipeline", "pytest_sesmock.core.mock")
    assert [
        m
        for m in loaded
        if m in mock_modules
        or m.startswith(("pytest_sesmock.protocols.q", "pytest_sesmock.protocols.rest"))
        or m in ("pytest_sesmock.protocols.model", "pytest_sesmock.protocols.base")
        or m.startswith(("pytest_sesmock.apis", "pytest_sesmock.sending"))
        or m in ("pytest_sesmock.state.backend", "pytest_sesmock.state.declaration")
    ] == []
