"""Beside moto, one SES: the same test passes alone and beside moto, and moto's records stay true.

pytest-sesmock answers the sends itself whether or not moto's ``mock_aws`` is active, in SES's
shapes and errors; moto's identities, templates, topics and configuration sets are the account's,
and every message sent is kept in moto too (its sent messages and send statistics).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from pytest_sesmock import SesMock

moto = pytest.importorskip("moto")

SENDER = "sender@example.com"
SES_ID = re.compile(r"^0100[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-")


@contextmanager
def beside(with_moto: bool) -> Iterator[SesMock]:
    """The mock, alone or with moto's ``mock_aws`` active around it; the sender verified and a
    template stored either way (declared to the mock alone, in moto beside it)."""
    with moto.mock_aws() if with_moto else nullcontext():
        if with_moto:
            ses = boto3.client("ses", region_name="us-east-1")
            ses.verify_email_identity(EmailAddress=SENDER)
            ses.create_template(
                Template={
                    "TemplateName": "welcome",
                    "SubjectPart": "Hi {{name}}",
                    "TextPart": "Hello {{name}}",
                }
            )
        with SesMock(region="us-east-1") as mock:
            if not with_moto:
                mock.add_identity(SENDER)
                mock.add_template("welcome", subject="Hi {{name}}", text="Hello {{name}}")
            mock.add_configuration_set({"Name": "marketing"})
            yield mock


@pytest.mark.parametrize("with_moto", [False, True], ids=["alone", "beside-moto"])
def test_the_same_bulk_send_is_answered_the_same_alone_and_beside_moto(with_moto: bool) -> None:
    with beside(with_moto) as mock:
        ses = boto3.client("ses", region_name="us-east-1")
        answer = ses.send_bulk_templated_email(
            Source=SENDER,
            Template="welcome",
            DefaultTemplateData='{"name": "friend"}',
            ConfigurationSetName="marketing",
            Destinations=[
                {"Destination": {"ToAddresses": ["a@example.com"]}},
                {"Destination": {"ToAddresses": ["b@example.com"]}},
            ],
        )
        statuses = answer["Status"]
        assert [status["Status"] for status in statuses] == ["Success", "Success"]
        assert all(SES_ID.match(status["MessageId"]) for status in statuses)
        assert [m.message_id for m in mock.messages] == [s["MessageId"] for s in statuses]
        assert {m.answered_by for m in mock.messages} == {"pytest-sesmock"}


@pytest.mark.parametrize("with_moto", [False, True], ids=["alone", "beside-moto"])
def test_an_unverified_sender_gets_ses_s_message_and_tags_are_checked_first(
    with_moto: bool,
) -> None:
    with beside(with_moto):
        ses = boto3.client("ses", region_name="us-east-1")
        send = {
            "Source": "stranger@unverified.example",
            "Destination": {"ToAddresses": ["a@example.com"]},
            "Message": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}},
        }
        with pytest.raises(ClientError) as refused:
            ses.send_email(**send)
        assert refused.value.response["Error"]["Code"] == "MessageRejected"
        assert refused.value.response["Error"]["Message"] == (
            "Email address is not verified. The following identities failed the check in "
            "region US-EAST-1: stranger@unverified.example"
        )
        with pytest.raises(ClientError) as tagged:  # a bad tag is found before the identity
            ses.send_email(**send, Tags=[{"Name": "bad name", "Value": "v"}])
        assert tagged.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_moto_keeps_our_sends_in_its_records_and_statistics() -> None:
    with beside(True) as mock:
        ses = boto3.client("ses", region_name="us-east-1")
        sent = ses.send_email(
            Source=SENDER,
            Destination={"ToAddresses": ["a@example.com", "b@example.com"]},
            Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}},
        )["MessageId"]
        v2 = boto3.client("sesv2", region_name="us-east-1")
        v2.send_email(
            FromEmailAddress=SENDER,
            Destination={"ToAddresses": ["c@example.com"]},
            Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}},
        )
        # GetSendQuota is moto's to answer: its count is the recipients of our two sends.
        assert ses.get_send_quota()["SentLast24Hours"] == 3.0
        from moto.ses.models import ses_backends

        kept = ses_backends["123456789012"]["us-east-1"].sent_messages
        assert [message.id for message in kept] == [m.message_id for m in mock.messages]
        assert kept[0].id == sent
        assert kept[0].subject == "s"


def test_a_set_moto_created_before_the_mock_started_is_adopted() -> None:
    with moto.mock_aws():
        ses = boto3.client("ses", region_name="us-east-1")
        boto3.client("sns", region_name="us-east-1").create_topic(Name="events")
        ses.create_configuration_set(ConfigurationSet={"Name": "from-moto"})
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="from-moto",
            EventDestination={
                "Name": "to-sns",
                "Enabled": True,
                "MatchingEventTypes": ["send"],
                "SNSDestination": {"TopicARN": "arn:aws:sns:us-east-1:123456789012:events"},
            },
        )
        with SesMock(region="us-east-1") as mock:
            out = ses.describe_configuration_set(
                ConfigurationSetName="from-moto",
                ConfigurationSetAttributeNames=["eventDestinations", "reputationOptions"],
            )
            assert [d["Name"] for d in out["EventDestinations"]] == ["to-sns"]
            assert out["ReputationOptions"]["SendingEnabled"] is True
            names = ses.list_configuration_sets()["ConfigurationSets"]
            assert {"Name": "from-moto"} in names
            assert mock.calls_of("DescribeConfigurationSet")[0].status == 200


def test_beside_moto_without_any_topic_an_sns_destination_is_refused() -> None:
    """moto's topic list is complete knowledge: with none, SES finds none."""
    with moto.mock_aws(), SesMock(region="us-east-1") as mock:
        mock.add_configuration_set({"Name": "marketing"})
        ses = boto3.client("ses", region_name="us-east-1")
        arn = "arn:aws:sns:us-east-1:123456789012:ses-events"
        with pytest.raises(ses.exceptions.InvalidSNSDestinationException) as refused:
            ses.create_configuration_set_event_destination(
                ConfigurationSetName="marketing",
                EventDestination={
                    "Name": "to-sns",
                    "MatchingEventTypes": ["send"],
                    "SNSDestination": {"TopicARN": arn},
                },
            )
        assert refused.value.response["Error"]["Message"] == f"SNS topic <{arn}> not found."
        boto3.client("sns", region_name="us-east-1").create_topic(Name="ses-events")
        ses.create_configuration_set_event_destination(  # once the topic exists, it is taken
            ConfigurationSetName="marketing",
            EventDestination={
                "Name": "to-sns",
                "MatchingEventTypes": ["send"],
                "SNSDestination": {"TopicARN": arn},
            },
        )


@pytest.mark.parametrize("with_moto", [False, True], ids=["alone", "beside-moto"])
def test_tags_of_a_set_agree_everywhere(with_moto: bool) -> None:
    with beside(with_moto) as mock:
        v2 = boto3.client("sesv2", region_name="us-east-1")
        arn = "arn:aws:ses:us-east-1:123456789012:configuration-set/marketing"
        v2.tag_resource(
            ResourceArn=arn, Tags=[{"Key": "team", "Value": "mail"}, {"Key": "tier", "Value": "1"}]
        )
        v2.untag_resource(ResourceArn=arn, TagKeys=["tier"])
        v2.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "email"}])
        tags = [{"Key": "team", "Value": "email"}]
        assert v2.list_tags_for_resource(ResourceArn=arn)["Tags"] == tags
        assert v2.get_configuration_set(ConfigurationSetName="marketing")["Tags"] == tags
        assert [c.operation for c in mock.calls_of("sesv2:TagResource")] == ["TagResource"] * 2
        with pytest.raises(v2.exceptions.NotFoundException):
            v2.list_tags_for_resource(
                ResourceArn="arn:aws:ses:us-east-1:123456789012:configuration-set/nope"
            )


def test_tags_of_another_resource_are_moto_s() -> None:
    """An identity's tags are not the mock's: moto answers them, and nothing is recorded."""
    with moto.mock_aws(), SesMock(region="us-east-1") as mock:
        v2 = boto3.client("sesv2", region_name="us-east-1")
        v2.create_email_identity(EmailIdentity=SENDER)
        arn = f"arn:aws:ses:us-east-1:123456789012:identity/{SENDER}"
        v2.tag_resource(ResourceArn=arn, Tags=[{"Key": "k", "Value": "v"}])
        answer: Any = v2.list_tags_for_resource(ResourceArn=arn)
        assert answer["Tags"] == [{"Key": "k", "Value": "v"}]
        assert mock.calls_of("sesv2:TagResource") == []
