"""Asserting on how the code talked to SES: call counts, the rate limit, retries, faults."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from freezegun import freeze_time
from notifications import bounce_topics, sending_paused

from pytest_sesmock import SesMock

MARKETING = {"Name": "marketing"}


@pytest.mark.ses_mock(configuration_sets=[MARKETING])
def test_code_reads_each_set_once(ses_mock: SesMock) -> None:
    bounce_topics("marketing")
    ses_mock.assert_called_once_with(
        "DescribeConfigurationSet",
        ConfigurationSetName="marketing",
        ConfigurationSetAttributeNames=["eventDestinations"],
    )
    ses_mock.assert_within_rate_limit()


@pytest.mark.ses_mock(configuration_sets=[MARKETING])
def test_two_reads_in_one_second_are_over_the_limit(ses_mock: SesMock) -> None:
    with freeze_time("2026-06-01 12:00:00") as clock:
        bounce_topics("marketing")
        sending_paused("marketing")  # same second: SES allows one call per second
        assert [call.throttled for call in ses_mock.calls] == [False, True]
        clock.tick(1)
        bounce_topics("marketing")
    with pytest.raises(AssertionError, match="1 call\\(s\\) of DescribeConfigurationSet went over"):
        ses_mock.assert_within_rate_limit("DescribeConfigurationSet")


@pytest.mark.ses_mock(configuration_sets=[MARKETING], rate_limit="enforce")
def test_enforced_limit_answers_throttling(ses_mock: SesMock) -> None:
    ses_mock.set_rate_limit(per_second=0.01)  # so the retries cannot outwait it
    # botocore's standard retry mode: 3 attempts (the default from botocore 1.44 on)
    ses = boto3.client("ses", region_name="us-east-1", config=Config(retries={"mode": "standard"}))
    ses.describe_configuration_set(ConfigurationSetName="marketing")
    with pytest.raises(ClientError, match="Rate exceeded"):
        ses.describe_configuration_set(ConfigurationSetName="marketing")
    # botocore retried twice without sleeping for real; each attempt is on record
    assert [(call.attempt, call.error_code) for call in ses_mock.calls] == [
        (1, None),
        (1, "Throttling"),
        (2, "Throttling"),
        (3, "Throttling"),
    ]


@pytest.mark.ses_mock(configuration_sets=[MARKETING])
def test_survives_throttling(ses_mock: SesMock) -> None:
    ses_mock.add_error("Throttling", times=2)
    ses = boto3.client("ses", region_name="us-east-1")  # botocore's default retry settings
    ses.describe_configuration_set(ConfigurationSetName="marketing")  # no real sleeping
    assert [call.attempt for call in ses_mock.calls] == [1, 2, 3]
    assert ses_mock.calls[2].time > ses_mock.calls[0].time  # the backoff passed on the mock's clock


@pytest.mark.ses_mock(configuration_sets=[MARKETING])
def test_an_outage_reaches_the_code(ses_mock: SesMock) -> None:
    ses_mock.add_error("ConfigurationSetDoesNotExist", configuration_set="marketing")
    assert sending_paused("marketing") is False  # the code treats a missing set as not paused
