"""Injected faults, strictness at teardown, and many threads at once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import marketing
from freezegun import freeze_time

from pytest_sesmock import SesMock


@pytest.fixture
def instant_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if botocore really sleeps (the mock should make retries free)."""

    def refuse(seconds: float) -> None:
        raise AssertionError(f"really slept {seconds}s")

    monkeypatch.setattr(time, "sleep", refuse)


def test_a_modeled_code_raises_the_modeled_exception(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(marketing())
    ses_mock.add_error("ConfigurationSetDoesNotExist", "Configuration set <marketing> is gone.")
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException) as caught:
        ses.describe_configuration_set(ConfigurationSetName="marketing")
    assert caught.value.response["Error"] == {
        "Type": "Sender",
        "Code": "ConfigurationSetDoesNotExist",
        "Message": "Configuration set <marketing> is gone.",
    }
    ses.describe_configuration_set(ConfigurationSetName="marketing")  # times=1: used up
    assert [call.error_code for call in ses_mock.calls] == ["ConfigurationSetDoesNotExist", None]


def test_throttling_is_retried_by_botocore(
    ses_mock: SesMock, ses: Any, instant_retries: None
) -> None:
    ses_mock.add_configuration_set(marketing())
    ses_mock.add_error("Throttling", times=2)
    out = ses.describe_configuration_set(ConfigurationSetName="marketing")
    assert out["ResponseMetadata"]["RetryAttempts"] == 2
    assert [(c.attempt, c.status, c.error_code) for c in ses_mock.calls] == [
        (1, 400, "Throttling"),
        (2, 400, "Throttling"),
        (3, 200, None),
    ]


def test_a_5xx_is_a_receiver_fault_and_retried(ses_mock: SesMock, instant_retries: None) -> None:
    ses_mock.add_configuration_set(marketing())
    ses_mock.add_error("InternalFailure", times=5)  # 500, its catalogued status
    client = boto3.client("ses", region_name="us-east-1", config=Config(retries={"mode": "legacy"}))
    with pytest.raises(ClientError) as caught:
        client.describe_configuration_set(ConfigurationSetName="marketing")
    assert caught.value.response["Error"] == {
        "Type": "Receiver",
        "Code": "InternalFailure",
        "Message": "The request processing has failed because of an unknown error, "
        "exception or failure.",
    }
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert [c.attempt for c in ses_mock.calls] == [1, 2, 3, 4, 5]


def test_faults_can_target_one_configuration_set(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.set_rate_limit(per_second=None)
    ses_mock.add_configuration_set(marketing())
    ses_mock.add_configuration_set({"Name": "other"})
    ses_mock.add_error("AccessDenied", "nope", 403, configuration_set="other")
    ses.describe_configuration_set(ConfigurationSetName="marketing")
    with pytest.raises(ClientError, match=r"\(AccessDenied\).*nope") as caught:
        ses.describe_configuration_set(ConfigurationSetName="other")
    assert caught.value.response["Error"]["Type"] == "Sender"
    ses.describe_configuration_set(ConfigurationSetName="other")


def test_an_unmodeled_code_is_a_plain_client_error(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(marketing())
    ses_mock.add_error("SomethingNew", unmodeled=True)
    with pytest.raises(ClientError) as caught:
        ses.describe_configuration_set(ConfigurationSetName="marketing")
    assert caught.value.response["Error"]["Code"] == "SomethingNew"
    assert caught.value.response["Error"]["Message"] == "SomethingNew (injected)"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"code": ""}, "code must be an error code"),
        ({"code": "Throttling", "status": 200}, "status must be an HTTP error status"),
        ({"code": "Throttling", "times": 0}, "times must be a positive integer"),
        (
            {"code": "Throttling", "operation": "ListIdentities"},
            "'ListIdentities' is an SES operation that pytest-sesmock does not serve. It serves",
        ),
        (
            {"code": "Throttling", "operation": "DescribeConfigSet"},
            "unknown operation 'DescribeConfigSet'; did you mean 'DescribeConfigurationSet'?",
        ),
        ({"code": "Throtling"}, "unknown error code 'Throtling' .*did you mean 'Throttling'?"),
        ({"code": "X", "status": 200, "unmodeled": True}, "status must be an HTTP error status"),
    ],
)
def test_bad_fault_arguments(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SesMock().add_error(**arguments)


STRICT = """
import boto3, pytest

pytestmark = pytest.mark.ses_mock(
    configuration_sets=[{"Name": "used"}, {"Name": "unused"}], assert_all_described=True)

def test_describes_one():
    boto3.client("ses", region_name="us-east-1").describe_configuration_set(
        ConfigurationSetName="used")

def test_describes_both():
    client = boto3.client("ses", region_name="us-east-1")
    for name in ("used", "unused"):
        client.describe_configuration_set(ConfigurationSetName=name)

@pytest.mark.ses_mock(assert_all_described=False)
def test_relaxed():
    pass
"""


def test_assert_all_described_fails_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(STRICT)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_describes_one*",
            "*1 declared configuration set(s) were never described:",
            "*unused (account 123456789012, region us-east-1)",
        ]
    )


def test_assert_all_described_with_mock_ses() -> None:
    from pytest_sesmock import mock_ses

    with (
        pytest.raises(AssertionError, match="unused"),
        mock_ses(configuration_sets=[{"Name": "unused"}], assert_all_described=True),
    ):
        pass


def test_many_threads_are_counted_exactly() -> None:
    with SesMock() as mock, freeze_time("2026-01-01"):
        mock.add_configuration_set(marketing())
        client = boto3.client("ses", region_name="us-east-1")
        start = threading.Barrier(8)

        def hammer(_: int) -> int:
            start.wait()
            for _ in range(500):
                client.describe_configuration_set(ConfigurationSetName="marketing")
            return 500

        with ThreadPoolExecutor(8) as pool:
            assert sum(pool.map(hammer, range(8))) == 4000
        assert len(mock.calls) == 4000
        assert len({id(call) for call in mock.calls}) == 4000
        # The clock stood still: exactly one call had the token, whatever the interleaving.
        assert sum(not call.throttled for call in mock.calls) == 1
        mock.assert_call_count(4000, ConfigurationSetName="marketing")
