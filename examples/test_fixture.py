"""pytest-sesmock at work: the ``ses_mock`` fixture serving the code in notifications.py."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from notifications import bounce_topics, sending_paused

from pytest_sesmock import DeclarationError, SesMock

TOPIC = "arn:aws:sns:us-east-1:123456789012:bounces"


def test_bounce_topics_reads_every_event_destination(ses_mock: SesMock) -> None:
    ses_mock.add_configuration_set(
        {
            "Name": "marketing",
            "EventDestinations": [
                {
                    "Name": "bounces-to-sns",
                    "Enabled": True,
                    "MatchingEventTypes": ["bounce", "complaint"],
                    "SNSDestination": {"TopicARN": TOPIC},
                },
                {
                    "Name": "opens-to-cloudwatch",
                    "Enabled": True,
                    "MatchingEventTypes": ["open"],
                    "CloudWatchDestination": {
                        "DimensionConfigurations": [
                            {
                                "DimensionName": "campaign",
                                "DimensionValueSource": "messageTag",
                                "DefaultDimensionValue": "none",
                            }
                        ]
                    },
                },
                {
                    "Name": "disabled-bounces",  # Enabled defaults to false, as in SES
                    "MatchingEventTypes": ["bounce"],
                    "SNSDestination": {"TopicARN": TOPIC + "-old"},
                },
            ],
        }
    )
    assert bounce_topics("marketing") == [TOPIC]


def test_sending_paused_reads_reputation_options(ses_mock: SesMock) -> None:
    ses_mock.add_configuration_set(
        {"Name": "paused", "ReputationOptions": {"SendingEnabled": False}}
    )
    ses_mock.add_configuration_set({"Name": "active"})  # SES's defaults: sending enabled
    assert sending_paused("paused") is True
    assert sending_paused("active") is False
    assert sending_paused("never-declared") is False  # ConfigurationSetDoesNotExist, as for real


def test_a_mistyped_declaration_fails_where_it_is_written(ses_mock: SesMock) -> None:
    with pytest.raises(DeclarationError, match=r"EventDestinations\[0\]\.MatchingEventTypes\[0\]"):
        ses_mock.add_configuration_set(
            {
                "Name": "marketing",
                "EventDestinations": [
                    {
                        "Name": "x",
                        "MatchingEventTypes": ["bounced"],
                        "SNSDestination": {"TopicARN": TOPIC},
                    }
                ],
            }
        )


def test_sets_are_regional(ses_mock: SesMock) -> None:
    import boto3

    ses_mock.add_configuration_set({"Name": "dublin"}, region="eu-west-1")
    assert sending_paused("dublin", client=boto3.client("ses", region_name="eu-west-1")) is False
    with pytest.raises(ClientError, match="Configuration set <dublin> does not exist"):
        bounce_topics("dublin")  # us-east-1 has no such set
