"""The other doors into the same mock: the marker, mock_ses, and YAML beside conftest.py."""

from __future__ import annotations

import boto3
import pytest
from notifications import bounce_topics, sending_paused

from pytest_sesmock import SesMock, current_mock, mock_ses

TOPIC = "arn:aws:sns:us-east-1:123456789012:bounces"
MARKETING = {
    "Name": "marketing",
    "EventDestinations": [
        {
            "Name": "bounces",
            "Enabled": True,
            "MatchingEventTypes": ["bounce"],
            "SNSDestination": {"TopicARN": TOPIC},
        },
    ],
}


@pytest.mark.ses_mock(configuration_sets=[MARKETING])
def test_marker_alone_activates_the_mock() -> None:
    assert bounce_topics("marketing") == [TOPIC]


@pytest.mark.ses_mock(configuration_sets=[{"Name": "dublin"}], region="eu-west-1")
def test_marker_region_is_the_default_of_its_declarations(ses_mock: SesMock) -> None:
    dublin = boto3.client("ses", region_name="eu-west-1")
    assert sending_paused("dublin", client=dublin) is False
    assert ses_mock.region == "eu-west-1"


@mock_ses(configuration_sets=[MARKETING])
def test_decorator() -> None:
    assert bounce_topics("marketing") == [TOPIC]
    current_mock().add_configuration_set(
        {"Name": "paused", "ReputationOptions": {"SendingEnabled": False}}
    )
    assert sending_paused("paused") is True


def test_context_manager() -> None:
    with mock_ses(configuration_sets=[MARKETING]) as ses:
        assert bounce_topics("marketing") == [TOPIC]
        ses.add_configuration_set({"Name": "another"})
    with pytest.raises(LookupError):
        current_mock()  # nothing active after the block


def test_conftest_yaml_applies_to_every_test_using_the_mock(ses_mock: SesMock) -> None:
    out = boto3.client("ses", region_name="us-east-1").describe_configuration_set(
        ConfigurationSetName="transactional",
        ConfigurationSetAttributeNames=["deliveryOptions", "reputationOptions"],
    )
    assert out["DeliveryOptions"] == {"TlsPolicy": "Require"}
    assert out["ReputationOptions"]["ReputationMetricsEnabled"] is True


def test_yaml_fixture(paused_sets: SesMock) -> None:
    assert sending_paused("newsletter") is True
    assert bounce_topics("newsletter") == ["arn:aws:sns:us-east-1:123456789012:newsletter-bounces"]


def test_yaml_fixture_sets_exist_only_where_requested(ses_mock: SesMock) -> None:
    assert sending_paused("newsletter") is False  # ConfigurationSetDoesNotExist here
