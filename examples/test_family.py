"""Code that writes configuration sets, then reads them: one backend answers both."""

from __future__ import annotations

import boto3
import pytest
from notifications import bounce_topics, provision, sending_paused

from pytest_sesmock import SesMock

TOPIC = "arn:aws:sns:us-east-1:123456789012:bounces"


@pytest.mark.ses_mock(rate_limit="off")
def test_provision_then_read(ses_mock: SesMock) -> None:
    provision("marketing", TOPIC)
    assert bounce_topics("marketing") == [TOPIC]
    assert [call.operation for call in ses_mock.calls] == [
        "CreateConfigurationSet",
        "CreateConfigurationSetEventDestination",
        "UpdateConfigurationSetReputationMetricsEnabled",
        "DescribeConfigurationSet",
    ]


@pytest.mark.ses_mock(configuration_sets=[{"Name": "marketing"}], rate_limit="off")
def test_provisioning_twice_fails_like_ses() -> None:
    ses = boto3.client("ses", region_name="us-east-1")
    with pytest.raises(ses.exceptions.ConfigurationSetAlreadyExistsException):
        provision("marketing", TOPIC)


@pytest.mark.ses_mock(configuration_sets=[{"Name": "marketing"}], rate_limit="off")
def test_pausing_and_resuming_is_a_fresh_start(ses_mock: SesMock) -> None:
    ses = boto3.client("ses", region_name="us-east-1")
    ses.update_configuration_set_sending_enabled(ConfigurationSetName="marketing", Enabled=False)
    assert sending_paused("marketing") is True
    ses_mock.advance(3600)
    ses.update_configuration_set_sending_enabled(ConfigurationSetName="marketing", Enabled=True)
    out = ses.describe_configuration_set(
        ConfigurationSetName="marketing", ConfigurationSetAttributeNames=["reputationOptions"]
    )
    assert out["ReputationOptions"]["LastFreshStart"].timestamp() == pytest.approx(
        ses_mock.time(), abs=5
    )
