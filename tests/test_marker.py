"""The ``ses_mock`` marker, ini options and CLI flags, in real pytest runs."""

from __future__ import annotations

import pytest

HELPERS = """
import boto3, pytest
from pytest_sesmock.adapters import botocore as interception

def names(region="us-east-1"):
    ses = boto3.client("ses", region_name=region)
    out = []
    for name in ("module-set", "class-set", "function-set", "fixture-set", "marketing"):
        try:
            ses.describe_configuration_set(ConfigurationSetName=name)
            out.append(name)
        except ses.exceptions.ConfigurationSetDoesNotExistException:
            pass
    return out
"""


def test_the_marker_alone_activates_the_mock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HELPERS
        + """
@pytest.mark.ses_mock(configuration_sets=[{"Name": "marketing"}])
def test_marked():
    assert len(interception.active) == 1
    assert names() == ["marketing"]

@pytest.mark.ses_mock(configuration_sets=[{"Name": "function-set"}])
def test_marked_with_fixture(ses_mock):
    assert interception.active == [ses_mock.pipeline]  # the same mock, not a second one
    ses_mock.add_configuration_set({"Name": "fixture-set"})
    assert names() == ["function-set", "fixture-set"]

def test_unmarked_has_no_mock():
    assert interception.active == []
"""
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=3)


def test_levels_combine_and_the_closest_wins(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HELPERS
        + """
pytestmark = pytest.mark.ses_mock(
    configuration_sets=[{"Name": "module-set"}], region="eu-west-1", rate_limit="off")

@pytest.mark.ses_mock(configuration_sets=[{"Name": "class-set"}], rate_limit="track")
class TestLevels:
    @pytest.mark.ses_mock(configuration_sets=[{"Name": "function-set"}], account="210987654321")
    def test_all_levels(self, ses_mock):
        assert (ses_mock.region, ses_mock.account, ses_mock.rate_limit) == (
            "eu-west-1", "210987654321", "track")
        # region and account of the closest level apply to declarations of every level
        assert names("eu-west-1") == ["module-set", "class-set", "function-set"]
        assert names("us-east-1") == []

    def test_class_and_module(self, ses_mock):
        assert (ses_mock.region, ses_mock.account, ses_mock.rate_limit) == (
            "eu-west-1", "123456789012", "track")
        assert names("eu-west-1") == ["module-set", "class-set"]

@pytest.mark.ses_mock(region="ap-south-1")
def test_function_region_moves_module_sets(ses_mock):
    assert ses_mock.rate_limit == "off"
    assert names("ap-south-1") == ["module-set"]

@pytest.mark.ses_mock(configuration_sets=[{"Name": "function-set", "region": "us-east-1"}])
def test_own_region_stays(ses_mock):
    assert names("us-east-1") == ["function-set"]
    assert names("eu-west-1") == ["module-set"]
"""
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=4)


def test_closer_declarations_override_farther_ones(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import boto3, pytest
pytestmark = pytest.mark.ses_mock(configuration_sets=[
    {"Name": "marketing", "DeliveryOptions": {"TlsPolicy": "Optional"}}])

def tls():
    out = boto3.client("ses", region_name="us-east-1").describe_configuration_set(
        ConfigurationSetName="marketing", ConfigurationSetAttributeNames=["deliveryOptions"])
    return out.get("DeliveryOptions", {}).get("TlsPolicy")

def test_module_level():
    assert tls() == "Optional"

@pytest.mark.ses_mock(configuration_sets=[
    {"Name": "marketing", "DeliveryOptions": {"TlsPolicy": "Require"}}])
def test_function_level_overrides(ses_mock):
    assert tls() == "Require"
    ses_mock.add_configuration_set({"Name": "marketing"})  # the test's own call wins
    assert tls() is None
"""
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_no_state_leaks_between_marked_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HELPERS
        + """
pytestmark = pytest.mark.ses_mock(configuration_sets=[{"Name": "module-set"}])

def test_first(ses_mock):
    ses_mock.add_configuration_set({"Name": "fixture-set"})
    assert names() == ["module-set", "fixture-set"]
    raise RuntimeError("fails after declaring")

def test_second():
    assert names() == ["module-set"]
"""
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1, failed=1)


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ('regoin="eu-west-1"', "unknown option 'regoin'; did you mean 'region'? The options are"),
        ('rate_limit="sometimes"', "rate_limit must be one of 'off', 'track', 'enforce'; got "),
        ('region="Ireland"', "region 'Ireland' is not an AWS region name"),
        ("account=123456789012", "account 123456789012 is not a 12-digit AWS account id"),
        ('configuration_sets={"Name": "x"}', "configuration_sets must be a list of declarations"),
        ('"marketing"', "takes keyword options only"),
        (
            'configuration_sets=[{"Name": "ok"}, {"Name": "bad name"}]',
            "configuration_sets[1].Name: the configuration set name 'bad name' may contain only",
        ),
        ('yaml="missing.yaml"', "cannot read SES mock YAML"),
    ],
)
def test_bad_marker_is_a_usage_error_naming_the_test(
    pytester: pytest.Pytester, marker: str, message: str
) -> None:
    pytester.makepyfile(
        f"""
import pytest

@pytest.mark.ses_mock({marker})
def test_wrong():
    pass

def test_innocent():
    pass
"""
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    error = result.stderr.str()
    assert (
        "ERROR: test_bad_marker_is_a_usage_error_naming_the_test.py::test_wrong: "
        "@pytest.mark.ses_mock: " in error
    )
    assert message in error
    result.assert_outcomes()  # nothing ran


def test_ini_options_and_cli_flags(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini(
        """
[pytest]
ses_mock_region = eu-west-1
ses_mock_rate_limit = off
"""
    )
    pytester.makepyfile(
        """
import os, pytest

def test_defaults(ses_mock):
    assert (ses_mock.region, ses_mock.rate_limit) == tuple(os.environ["EXPECTED"].split())

@pytest.mark.ses_mock(region="ap-south-1", rate_limit="track")
def test_marker_beats_ini_and_cli(ses_mock):
    assert (ses_mock.region, ses_mock.rate_limit) == ("ap-south-1", "track")
"""
    )
    monkeypatch.setenv("EXPECTED", "eu-west-1 off")
    pytester.runpytest().assert_outcomes(passed=2)
    monkeypatch.setenv("EXPECTED", "us-west-2 enforce")
    pytester.runpytest(
        "--ses-mock-region", "us-west-2", "--ses-mock-rate-limit", "enforce"
    ).assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ses-mock-region", "nowhere"], "region 'nowhere' is not an AWS region name"),
        (["--ses-mock-rate-limit", "fast"], "invalid choice: 'fast'"),
    ],
)
def test_bad_flags(pytester: pytest.Pytester, args: list[str], message: str) -> None:
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*{message}*"])


def test_bad_ini_rate_limit(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nses_mock_rate_limit = sometimes\n")
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: pytest-sesmock: rate_limit must be one of*"])


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.ses_mock(configuration_sets=*"])
    pytester.makepyfile("import pytest\n@pytest.mark.ses_mock()\ndef test_x(ses_mock): pass\n")
    pytester.runpytest("--strict-markers").assert_outcomes(passed=1)


def test_mock_ses_takes_the_session_defaults_too(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nses_mock_region = eu-west-1\nses_mock_rate_limit = off\n")
    pytester.makepyfile(
        """
from pytest_sesmock import current_mock, mock_ses

@mock_ses()
def test_decorated():
    assert (current_mock().region, current_mock().rate_limit) == ("ap-south-1", "off")
"""
    )
    pytester.runpytest("--ses-mock-region", "ap-south-1").assert_outcomes(passed=1)
