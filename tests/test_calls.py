"""Call records and the assertions on them, through real boto3 clients."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import marketing
from freezegun import freeze_time

from pytest_sesmock import Call, SesMock


def test_every_call_is_recorded_in_order(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(marketing())
    with freeze_time("2026-05-06 07:08:09"):
        ses.describe_configuration_set(
            ConfigurationSetName="marketing",
            ConfigurationSetAttributeNames=["eventDestinations", "reputationOptions"],
        )
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
        ses.describe_configuration_set(ConfigurationSetName="missing")
    first, second = ses_mock.calls
    assert first == Call(
        operation="DescribeConfigurationSet",
        params={
            "ConfigurationSetName": "marketing",
            "ConfigurationSetAttributeNames": ["eventDestinations", "reputationOptions"],
        },
        region="us-east-1",
        account="123456789012",
        time=1778051289.0,
        status=200,
        error_code=None,
        throttled=False,
        attempt=1,
    )
    assert (second.status, second.error_code, second.params) == (
        400,
        "ConfigurationSetDoesNotExist",
        {"ConfigurationSetName": "missing"},
    )


def test_validation_errors_are_recorded_with_what_was_sent(ses_mock: SesMock, ses: Any) -> None:
    with pytest.raises(ses.exceptions.ClientError):
        ses.describe_configuration_set(
            ConfigurationSetName="m", ConfigurationSetAttributeNames=["bogus"]
        )
    (call,) = ses_mock.calls
    assert call.error_code == "ValidationError"
    assert call.params["ConfigurationSetName"] == "m"


def test_counts_and_filters(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.set_rate_limit(per_second=None)  # many calls in a row, no limit to think about
    ses_mock.add_configuration_set(marketing())
    ses_mock.add_configuration_set({"Name": "other"})
    ses_mock.assert_not_called()
    for name in ("marketing", "marketing", "other"):
        ses.describe_configuration_set(ConfigurationSetName=name)
    ses_mock.assert_call_count(3)
    ses_mock.assert_call_count(2, ConfigurationSetName="marketing")
    ses_mock.assert_call_count(1, ConfigurationSetName="other")
    ses_mock.assert_call_count(0, ConfigurationSetName="nope")
    ses_mock.assert_call_count(3, operation=None)
    ses_mock.assert_not_called("CreateConfigurationSet")
    ses_mock.clear_calls()
    assert ses_mock.calls == []
    ses.describe_configuration_set(ConfigurationSetName="other")
    ses_mock.assert_called_once_with("DescribeConfigurationSet", ConfigurationSetName="other")


def test_no_secret_in_records(ses_mock: SesMock, monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY000000000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "top/secret/value")
    ses_mock.add_configuration_set(marketing())
    boto3.client("ses", region_name="us-east-1").describe_configuration_set(
        ConfigurationSetName="marketing"
    )
    text = repr(ses_mock.calls) + "".join(call.describe() for call in ses_mock.calls)
    assert "top/secret" not in text
    assert "AKIA" not in text
    assert "Signature" not in text


FAILING = """
import boto3, pytest

@pytest.fixture
def ses(ses_mock):
    ses_mock.set_rate_limit(per_second=None)
    ses_mock.add_configuration_set({"Name": "marketing"})
    client = boto3.client("ses", region_name="us-east-1")
    client.describe_configuration_set(ConfigurationSetName="marketing",
                                      ConfigurationSetAttributeNames=["eventDestinations"])
    try:
        client.describe_configuration_set(ConfigurationSetName="gone")
    except client.exceptions.ConfigurationSetDoesNotExistException:
        pass
    return ses_mock

def test_count(ses):
    ses.assert_call_count(2, ConfigurationSetName="marketing")

def test_once(ses):
    ses.assert_called_once_with("DescribeConfigurationSet", ConfigurationSetName="marketing")

def test_not_called(ses):
    ses.assert_not_called()
"""


def test_failure_messages_list_the_calls(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(FAILING)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=3)
    out = result.stdout.str()
    assert (
        "AssertionError: expected 2 call(s) of any operation("
        "ConfigurationSetName='marketing'), got 1.\n"
    ) in out
    assert "  Recorded calls (2):\n" in out
    assert (
        " 123456789012/us-east-1 DescribeConfigurationSet(ConfigurationSetName='marketing', "
        "ConfigurationSetAttributeNames=['eventDestinations']) -> 200\n"
    ) in out
    assert "2. " in out
    assert " DescribeConfigurationSet(ConfigurationSetName='gone') -> 400 " in out
    assert "expected exactly one call of DescribeConfigurationSet, got 2." in out
    assert "expected no call of any operation, got 2." in out
    # Assertion rewriting is on for the helpers: pytest explains the failing comparison too.
    assert "assert 1 == 2" in out


def test_called_once_with_compares_all_parameters(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(marketing())
    ses.describe_configuration_set(
        ConfigurationSetName="marketing", ConfigurationSetAttributeNames=["reputationOptions"]
    )
    with pytest.raises(AssertionError, match="was called with"):
        ses_mock.assert_called_once_with(
            "DescribeConfigurationSet", ConfigurationSetName="marketing"
        )
    ses_mock.assert_called_once_with(
        "DescribeConfigurationSet",
        ConfigurationSetName="marketing",
        ConfigurationSetAttributeNames=["reputationOptions"],
    )


def test_a_nested_mock_s_calls_are_seen_by_the_outer_one(ses_mock: SesMock, ses: Any) -> None:
    from pytest_sesmock import mock_ses

    with mock_ses(configuration_sets=[marketing()]) as inner:
        ses.describe_configuration_set(ConfigurationSetName="marketing")
    assert len(inner.calls) == 1
    assert ses_mock.calls == inner.calls
