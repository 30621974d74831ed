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


def send_welcome(to: str, *, configuration_set: str = "transactional", client: Any = None) -> str:
    """Send the welcome email through ``configuration_set``; its SES message id."""
    ses = client or boto3.client("ses", region_name="us-east-1")
    out = ses.send_email(
        Source="Example <hello@example.com>",
        Destination={"ToAddresses": [to]},
        Message={"Subject": {"Data": "Welcome"}, "Body": {"Text": {"Data": "Hello!"}}},
        ConfigurationSetName=configuration_set,
        Tags=[{"Name": "campaign", "Value": "welcome"}],
    )
    message_id: str = out["MessageId"]
    return message_id


def addresses_to_suppress(sqs_message_body: str) -> list[str]:
    """What a bounce handler reads from an SQS message of an SNS event destination."""
    import json

    event = json.loads(json.loads(sqs_message_body)["Message"])
    if event["eventType"] == "Bounce" and event["bounce"]["bounceType"] == "Permanent":
        return [r["emailAddress"] for r in event["bounce"]["bouncedRecipients"]]
    if event["eventType"] == "Complaint":
        return [r["emailAddress"] for r in event["complaint"]["complainedRecipients"]]
    return []
