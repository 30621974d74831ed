"""Code under test: an application's own reading of its SES configuration sets."""

from __future__ import annotations

from typing import Any

import boto3


def bounce_topics(configuration_set: str, *, client: Any = None) -> list[str]:
    """The SNS topics that receive bounce events of ``configuration_set`` (enabled ones only)."""
    ses = client or boto3.client("ses", region_name="us-east-1")
    out = ses.describe_configuration_set(
        ConfigurationSetName=configuration_set, ConfigurationSetAttributeNames=["eventDestinations"]
    )
    return [
        destination["SNSDestination"]["TopicARN"]
        for destination in out["EventDestinations"]
        if destination["Enabled"]
        and "bounce" in destination["MatchingEventTypes"]
        and "SNSDestination" in destination
    ]


def sending_paused(configuration_set: str, *, client: Any = None) -> bool:
    """Whether SES sending is paused for ``configuration_set``; False when it does not exist."""
    ses = client or boto3.client("ses", region_name="us-east-1")
    try:
        out = ses.describe_configuration_set(
            ConfigurationSetName=configuration_set,
            ConfigurationSetAttributeNames=["reputationOptions"],
        )
    except ses.exceptions.ConfigurationSetDoesNotExistException:
        return False
    return not out["ReputationOptions"]["SendingEnabled"]


def provision(configuration_set: str, topic_arn: str, *, client: Any = None) -> None:
    """Create a configuration set that sends bounces and complaints to an SNS topic."""
    ses = client or boto3.client("ses", region_name="us-east-1")
    ses.create_configuration_set(ConfigurationSet={"Name": configuration_set})
    ses.create_configuration_set_event_destination(
        ConfigurationSetName=configuration_set,
        EventDestination={
            "Name": "bounces",
            "Enabled": True,
            "MatchingEventTypes": ["bounce", "complaint"],
            "SNSDestination": {"TopicARN": topic_arn},
        },
    )
    ses.update_configuration_set_reputation_metrics_enabled(
        ConfigurationSetName=configuration_set, Enabled=True
    )
