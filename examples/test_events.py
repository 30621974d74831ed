"""Sending through a configuration set: SES's checks, and its events where the app reads them."""

from __future__ import annotations

import boto3
import pytest
from notifications import addresses_to_suppress, send_welcome

from pytest_sesmock import SesMock

BOUNCE = "bounce@simulator.amazonses.com"
COMPLAINT = "complaint@simulator.amazonses.com"


def test_the_bounce_handler_reads_what_ses_publishes(ses_mock: SesMock) -> None:
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        sns, sqs = boto3.client("sns"), boto3.client("sqs")
        topic = sns.create_topic(Name="ses-events")["TopicArn"]
        queue = sqs.create_queue(QueueName="ses-events")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn["Attributes"]["QueueArn"])
        ses_mock.add_configuration_set(
            {
                "Name": "welcome",
                "EventDestinations": [
                    {
                        "Name": "to-sns",
                        "Enabled": True,
                        "MatchingEventTypes": ["bounce", "complaint"],
                        "SNSDestination": {"TopicARN": topic},
                    }
                ],
            }
        )
        boto3.client("ses").verify_domain_identity(Domain="example.com")  # moto checks senders
        send_welcome(BOUNCE, configuration_set="welcome")
        send_welcome(COMPLAINT, configuration_set="welcome")
        send_welcome("reader@example.org", configuration_set="welcome")
        received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
        suppressed = sorted(a for m in received for a in addresses_to_suppress(m["Body"]))
    assert suppressed == [BOUNCE, COMPLAINT]
    ses_mock.assert_event_count(2)  # only bounces and complaints were asked for


def test_without_moto_the_mock_answers_and_keeps_the_events(ses_mock: SesMock) -> None:
    ses_mock.add_configuration_set(
        {
            "Name": "welcome",
            "EventDestinations": [
                {
                    "Name": "to-sns",
                    "Enabled": True,
                    "MatchingEventTypes": ["send", "delivery", "bounce"],
                    "SNSDestination": {"TopicARN": "arn:aws:sns:us-east-1:123456789012:events"},
                }
            ],
        }
    )
    ses_mock.set_outcome("full@example.org", "bounce", bounce_type="Transient")
    message_id = send_welcome("full@example.org", configuration_set="welcome")
    ses_mock.assert_event_published("Send", message_id=message_id)
    ses_mock.assert_event_published("Bounce", recipient="full@example.org")
    ses_mock.assert_no_event_published("Delivery")
    (bounce,) = ses_mock.events_of("Bounce")
    assert bounce.record["mail"]["tags"]["campaign"] == ["welcome"]


def test_a_paused_set_refuses_the_send(ses_mock: SesMock, paused_sets: SesMock) -> None:
    ses = boto3.client("ses", region_name="us-east-1")
    with pytest.raises(ses.exceptions.ConfigurationSetSendingPausedException):
        send_welcome("reader@example.org", configuration_set="newsletter", client=ses)
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
        send_welcome("reader@example.org", configuration_set="newsleter", client=ses)
    assert ses_mock.messages == []
