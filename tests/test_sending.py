"""Sending through a configuration set: checked as SES checks it, events published as SES does.

The events are read where a pipeline reads them: moto's SNS topic, subscribed by an SQS queue,
through real boto3 clients. Without moto the mock answers the send itself and keeps the events.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from pytest_sesmock import SesMock, UnknownNameError
from pytest_sesmock.sending.ids import timestamp

moto = pytest.importorskip("moto")

SENDER = "sender@example.com"
SUCCESS = "success@simulator.amazonses.com"
BOUNCE = "bounce@simulator.amazonses.com"
COMPLAINT = "complaint@simulator.amazonses.com"
SUPPRESSED = "suppressionlist@simulator.amazonses.com"
MESSAGE = {"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "Hi there"}}}
SIMPLE_V2 = {"Simple": MESSAGE}
SES_ID = re.compile(
    r"^[0-9a-f]{16}-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-000000$"
)
EVERY_TYPE = ["send", "reject", "bounce", "complaint", "delivery", "renderingFailure"]


class Aws:
    """moto's SNS and SQS: a topic per name, each subscribed by its own queue."""

    def __init__(self) -> None:
        self.sns = boto3.client("sns", region_name="us-east-1")
        self.sqs = boto3.client("sqs", region_name="us-east-1")
        self.ses = boto3.client("ses", region_name="us-east-1")
        self.sesv2 = boto3.client("sesv2", region_name="us-east-1")
        self.queues: dict[str, str] = {}

    def topic(self, name: str) -> str:
        arn: str = self.sns.create_topic(Name=name)["TopicArn"]
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        self.sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)
        self.queues[arn] = url
        return arn

    def notifications(self, topic: str) -> list[dict[str, Any]]:
        """Every SNS notification the topic's queue received (and took off the queue)."""
        out = []
        while True:
            got = self.sqs.receive_message(QueueUrl=self.queues[topic], MaxNumberOfMessages=10)
            messages = got.get("Messages", [])
            if not messages:
                return out
            for message in messages:
                out.append(json.loads(message["Body"]))
                self.sqs.delete_message(
                    QueueUrl=self.queues[topic], ReceiptHandle=message["ReceiptHandle"]
                )

    def records(self, topic: str) -> list[dict[str, Any]]:
        """The event records the topic's queue received, in publishing order."""
        found = [json.loads(n["Message"]) for n in self.notifications(topic)]
        order = ["Send", "Delivery", "Bounce", "DeliveryDelay", "Complaint"]
        return sorted(
            found, key=lambda r: order.index(r["eventType"]) if r["eventType"] in order else 9
        )


@pytest.fixture
def aws(ses_mock: SesMock) -> Iterator[Aws]:
    """moto active beside the mock, the sender verified in moto."""
    with moto.mock_aws():
        found = Aws()
        found.ses.verify_email_identity(EmailAddress=SENDER)
        yield found


def sns_destination(
    topic: str, types: list[str], name: str = "to-sns", enabled: bool = True
) -> dict[str, Any]:
    return {
        "Name": name,
        "Enabled": enabled,
        "MatchingEventTypes": types,
        "SNSDestination": {"TopicARN": topic},
    }


def send(
    client: Any, to: list[str], configuration_set: str | None = "marketing", **extra: Any
) -> str:
    params: dict[str, Any] = {
        "Source": SENDER,
        "Destination": {"ToAddresses": to},
        "Message": MESSAGE,
        **extra,
    }
    if configuration_set is not None:
        params["ConfigurationSetName"] = configuration_set
    message_id: str = client.send_email(**params)["MessageId"]
    return message_id


# -- events at the queue, as SES delivers them --------------------------------------------------


def test_a_delivered_message_reaches_the_queue_as_ses_publishes_it(
    ses_mock: SesMock, aws: Aws
) -> None:
    topic = aws.topic("ses-events")
    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(topic, EVERY_TYPE)]}
    )
    message_id = send(aws.ses, [SUCCESS], Tags=[{"Name": "campaign", "Value": "spring"}])
    notifications = aws.notifications(topic)
    assert len(notifications) == 2
    for notification in notifications:
        assert notification["Type"] == "Notification"
        assert notification["Subject"] == "Amazon SES Email Event Notification"
        assert notification["TopicArn"] == topic
        assert notification["Message"].endswith("}\n")  # compact JSON and a newline, as recorded
        assert ": " not in notification["Message"].split('"headers"')[0]
    send_record, delivery = sorted(
        (json.loads(n["Message"]) for n in notifications), key=lambda r: r["eventType"] != "Send"
    )
    assert send_record["eventType"] == "Send"
    assert send_record["send"] == {}
    assert delivery["eventType"] == "Delivery"
    for record in (send_record, delivery):
        mail = record["mail"]
        assert mail["messageId"] == message_id  # SES's id, beside moto too
        assert mail["source"] == SENDER
        assert mail["destination"] == [SUCCESS]
        assert mail["sendingAccountId"] == "123456789012"
        assert mail["sourceArn"] == f"arn:aws:ses:us-east-1:123456789012:identity/{SENDER}"
        assert mail["timestamp"] == timestamp(ses_mock.calls[-1].time)  # the mock's clock
        assert mail["commonHeaders"] == {
            "from": [SENDER],
            "to": [SUCCESS],
            "messageId": message_id,
            "subject": "Hello",
        }
        assert {"name": "Subject", "value": "Hello"} in mail["headers"]
        assert mail["tags"]["ses:configuration-set"] == ["marketing"]
        assert mail["tags"]["ses:operation"] == ["SendEmail"]
        assert mail["tags"]["ses:from-domain"] == ["example.com"]
        assert mail["tags"]["campaign"] == ["spring"]
    assert "ses:outgoing-ip" not in send_record["mail"]["tags"]  # REC: from the delivery on
    assert "ses:outgoing-ip" in delivery["mail"]["tags"]
    assert delivery["delivery"]["recipients"] == [SUCCESS]
    assert delivery["delivery"]["smtpResponse"] == "250 2.6.0 Message received"
    assert delivery["delivery"]["timestamp"] > delivery["mail"]["timestamp"]
    # The same events are on the mock, with what was sent to SNS.
    assert [e.event_type for e in ses_mock.events] == ["Send", "Delivery"]
    assert all(e.delivery == "published" for e in ses_mock.events)
    assert ses_mock.events[1].payload["Message"] == next(
        n["Message"] for n in notifications if '"eventType":"Delivery"' in n["Message"]
    )
    ses_mock.assert_event_published("Delivery", recipient=SUCCESS, message_id=message_id)
    (sent,) = ses_mock.messages
    assert (sent.message_id, sent.answered_by, sent.configuration_set) == (
        message_id,
        "pytest-sesmock",
        "marketing",
    )
    (call,) = ses_mock.calls_of("SendEmail")
    assert (call.status, call.error_code) == (200, None)


def test_a_bounce_is_permanent_and_names_the_bounced_recipient(ses_mock: SesMock, aws: Aws) -> None:
    topic = aws.topic("ses-events")
    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(topic, EVERY_TYPE)]}
    )
    message_id = send(aws.ses, [BOUNCE])
    records = aws.records(topic)
    assert [r["eventType"] for r in records] == ["Send", "Bounce"]  # no delivery
    bounce = records[1]["bounce"]
    assert (bounce["bounceType"], bounce["bounceSubType"]) == ("Permanent", "General")
    assert bounce["bouncedRecipients"] == [
        {
            "emailAddress": BOUNCE,
            "action": "failed",
            "status": "5.1.1",
            "diagnosticCode": "smtp; 550 5.1.1 user unknown",
        }
    ]
    assert bounce["reportingMTA"] == "dns; a8-44.smtp-out.amazonses.com"
    assert list(bounce) == [
        "feedbackId",
        "bounceType",
        "bounceSubType",
        "bouncedRecipients",
        "timestamp",
        "reportingMTA",
    ]
    assert SES_ID.match(bounce["feedbackId"])
    assert records[1]["mail"]["messageId"] == message_id
    assert "ses:outgoing-ip" not in records[1]["mail"]["tags"]  # REC: never sent out


def test_the_suppression_list_address_bounces_as_suppressed(ses_mock: SesMock, aws: Aws) -> None:
    topic = aws.topic("ses-events")
    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(topic, ["bounce"])]}
    )
    send(aws.ses, [SUPPRESSED, "bounce+label@simulator.amazonses.com"])
    records = aws.records(topic)
    subtypes = sorted(r["bounce"]["bounceSubType"] for r in records)
    assert subtypes == ["General", "Suppressed"]  # one bounce per kind, both recipients named
    suppressed = next(r["bounce"] for r in records if r["bounce"]["bounceSubType"] == "Suppressed")
    assert suppressed["reportingMTA"] == "dns; amazonses.com"
    assert suppressed["bouncedRecipients"][0]["diagnosticCode"].endswith(
        "remove-from-suppressionlist.html "
    )


def test_a_complaint_follows_the_delivery(ses_mock: SesMock, aws: Aws) -> None:
    topic = aws.topic("ses-events")
    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(topic, EVERY_TYPE)]}
    )
    send(aws.ses, [COMPLAINT])
    records = aws.records(topic)
    assert [r["eventType"] for r in records] == ["Send", "Delivery", "Complaint"]
    complaint = records[2]["complaint"]
    assert complaint["complainedRecipients"] == [{"emailAddress": COMPLAINT}]
    assert complaint["complaintFeedbackType"] == "abuse"
    assert complaint["userAgent"] == "Amazon SES Mailbox Simulator"
    assert complaint["complaintSubType"] is None
    assert complaint["timestamp"] > records[1]["delivery"]["timestamp"]


def test_matching_event_types_are_honoured(ses_mock: SesMock, aws: Aws) -> None:
    bounces, everything = aws.topic("bounces"), aws.topic("everything")
    ses_mock.add_configuration_set(
        {
            "Name": "marketing",
            "EventDestinations": [
                sns_destination(bounces, ["bounce"], "bounces-only"),
                sns_destination(everything, ["send", "delivery", "bounce"], "all"),
            ],
        }
    )
    send(aws.ses, [SUCCESS, BOUNCE])
    assert [r["eventType"] for r in aws.records(bounces)] == ["Bounce"]
    assert [r["eventType"] for r in aws.records(everything)] == ["Send", "Delivery", "Bounce"]
    ses_mock.assert_event_count(1, "Bounce", destination="bounces-only")
    ses_mock.assert_no_event_published("Delivery", destination="bounces-only")
    ses_mock.assert_event_count(4)


def test_a_disabled_destination_and_another_sets_receive_nothing(
    ses_mock: SesMock, aws: Aws
) -> None:
    used, disabled, other = aws.topic("used"), aws.topic("disabled"), aws.topic("other")
    aws.ses.create_configuration_set(ConfigurationSet={"Name": "marketing"})
    for destination in (
        sns_destination(used, EVERY_TYPE, "on"),
        sns_destination(disabled, EVERY_TYPE, "off", enabled=False),
    ):
        aws.ses.create_configuration_set_event_destination(
            ConfigurationSetName="marketing", EventDestination=destination
        )
    # REC: SES validates each topic as its destination is created (enabled or not: INF).
    validated = "Successfully validated SNS topic for Amazon SES event publishing."
    for topic in (used, disabled):
        assert [n["Message"] for n in aws.notifications(topic)] == [validated]
    ses_mock.add_configuration_set(
        {"Name": "transactional", "EventDestinations": [sns_destination(other, EVERY_TYPE)]}
    )
    send(aws.ses, [SUCCESS])
    assert [r["eventType"] for r in aws.records(used)] == ["Send", "Delivery"]
    assert aws.notifications(disabled) == []
    assert aws.notifications(other) == []
    assert {e.destination for e in ses_mock.events} == {"on"}
    ses_mock.assert_no_event_published(configuration_set="transactional")


def test_no_events_without_a_configuration_set(ses_mock: SesMock, aws: Aws) -> None:
    topic = aws.topic("ses-events")
    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(topic, EVERY_TYPE)]}
    )
    message_id = send(aws.ses, [SUCCESS, BOUNCE], configuration_set=None)
    v2_id = aws.sesv2.send_email(
        FromEmailAddress=SENDER, Destination={"ToAddresses": [SUCCESS]}, Content=SIMPLE_V2
    )["MessageId"]
    assert aws.notifications(topic) == []
    assert ses_mock.events == []
    assert [m.message_id for m in ses_mock.messages] == [message_id, v2_id]
    assert {m.answered_by for m in ses_mock.messages} == {"pytest-sesmock"}


def test_no_events_without_a_configuration_set_when_the_mock_answers(
    ses_mock: SesMock, ses: Any
) -> None:
    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(ARN, EVERY_TYPE)]}
    )
    send(ses, [SUCCESS], configuration_set=None)
    assert ses_mock.events == []
    assert [m.answered_by for m in ses_mock.messages] == ["pytest-sesmock"]


# -- the two errors, on both APIs, whoever answers the rest ---------------------------------------

ARN = "arn:aws:sns:us-east-1:123456789012:ses-events"
RAW = (
    f"From: {SENDER}\r\nTo: {SUCCESS}\r\nSubject: Raw\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=UTF-8\r\n\r\nbody\r\n"
)


def _v1_sends(set_name: str) -> dict[str, Any]:
    return {
        "send_email": {
            "Source": SENDER,
            "Destination": {"ToAddresses": [SUCCESS]},
            "Message": MESSAGE,
            "ConfigurationSetName": set_name,
        },
        "send_raw_email": {"RawMessage": {"Data": RAW.encode()}, "ConfigurationSetName": set_name},
        "send_templated_email": {
            "Source": SENDER,
            "Destination": {"ToAddresses": [SUCCESS]},
            "Template": "welcome",
            "TemplateData": '{"name": "Ada"}',
            "ConfigurationSetName": set_name,
        },
        "send_bulk_templated_email": {
            "Source": SENDER,
            "Template": "welcome",
            "DefaultTemplateData": '{"name": "Ada"}',
            "Destinations": [{"Destination": {"ToAddresses": [SUCCESS]}}],
            "ConfigurationSetName": set_name,
        },
    }


def _v2_sends(set_name: str) -> dict[str, dict[str, Any]]:
    to = {"ToAddresses": [SUCCESS]}
    return {
        "simple": {"FromEmailAddress": SENDER, "Destination": to, "Content": SIMPLE_V2},
        "raw": {"Content": {"Raw": {"Data": RAW.encode()}}},
        "template": {
            "FromEmailAddress": SENDER,
            "Destination": to,
            "Content": {"Template": {"TemplateName": "welcome", "TemplateData": "{}"}},
        },
        "bulk": {
            "FromEmailAddress": SENDER,
            "DefaultContent": {"Template": {"TemplateName": "welcome", "TemplateData": "{}"}},
            "BulkEmailEntries": [{"Destination": to}],
        },
    }


@pytest.mark.parametrize("with_moto", [False, True], ids=["mock-alone", "beside-moto"])
@pytest.mark.parametrize("operation", list(_v1_sends("x")))
def test_v1_refuses_a_missing_and_a_paused_set(
    ses_mock: SesMock, with_moto: bool, operation: str
) -> None:
    ses_mock.add_configuration_set(
        {"Name": "paused", "ReputationOptions": {"SendingEnabled": False}}
    )
    ses_mock.add_template("welcome", subject="Hi {{name}}")
    with moto.mock_aws() if with_moto else _nothing():
        ses = boto3.client("ses", region_name="us-east-1")
        with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException) as missing:
            getattr(ses, operation)(**_v1_sends("typo-set")[operation])
        assert missing.value.response["Error"] == {
            "Type": "Sender",
            "Code": "ConfigurationSetDoesNotExist",
            "Message": "Configuration set <typo-set> does not exist.",
        }
        assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        with pytest.raises(ses.exceptions.ConfigurationSetSendingPausedException) as paused:
            getattr(ses, operation)(**_v1_sends("paused")[operation])
        assert paused.value.response["Error"]["Code"] == "ConfigurationSetSendingPausedException"
        assert paused.value.response["Error"]["Message"] == (
            "Sending is paused for configuration set <paused>."
        )
        if with_moto:  # moto never saw the refused sends
            from moto.ses.models import ses_backends

            assert ses_backends["123456789012"]["us-east-1"].sent_message_count == 0
    assert [c.error_code for c in ses_mock.calls] == [
        "ConfigurationSetDoesNotExist",
        "ConfigurationSetSendingPausedException",
    ]
    assert ses_mock.messages == []


@pytest.mark.parametrize("with_moto", [False, True], ids=["mock-alone", "beside-moto"])
@pytest.mark.parametrize("content", list(_v2_sends("x")))
def test_v2_refuses_a_missing_and_a_paused_set(
    ses_mock: SesMock, with_moto: bool, content: str
) -> None:
    ses_mock.add_template("welcome", subject="Hi")
    with moto.mock_aws() if with_moto else _nothing():
        sesv2 = boto3.client("sesv2", region_name="us-east-1")
        sesv2.create_configuration_set(ConfigurationSetName="paused")
        sesv2.put_configuration_set_sending_options(
            ConfigurationSetName="paused", SendingEnabled=False
        )
        operation = "send_bulk_email" if content == "bulk" else "send_email"
        params = _v2_sends("x")[content]
        with pytest.raises(sesv2.exceptions.NotFoundException) as missing:
            getattr(sesv2, operation)(**params, ConfigurationSetName="typo-set")
        assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
        assert missing.value.response["Error"]["Message"] == (
            "Configuration set <typo-set> does not exist."
        )
        with pytest.raises(sesv2.exceptions.SendingPausedException) as paused:
            getattr(sesv2, operation)(**params, ConfigurationSetName="paused")
        assert paused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert [c.error_code for c in ses_mock.calls_of("sesv2:SendEmail")] + [
        c.error_code for c in ses_mock.calls_of("sesv2:SendBulkEmail")
    ] == ["NotFoundException", "SendingPausedException"]


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: Any) -> None:
        return None


# -- raw messages -------------------------------------------------------------------------------


def test_a_raw_message_names_its_set_in_a_header(ses_mock: SesMock, aws: Aws) -> None:
    topic = aws.topic("ses-events")
    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(topic, EVERY_TYPE)]}
    )
    raw = (
        f"From: Sender Name <{SENDER}>\r\nTo: {SUCCESS}\r\nSubject: From the header\r\n"
        "X-SES-CONFIGURATION-SET: marketing\r\n"
        "X-SES-MESSAGE-TAGS: campaign=spring, tier=gold\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
    )
    message_id = aws.ses.send_raw_email(RawMessage={"Data": raw.encode()})["MessageId"]
    records = aws.records(topic)
    assert [r["eventType"] for r in records] == ["Send", "Delivery"]
    mail = records[0]["mail"]
    assert mail["messageId"] == message_id
    assert mail["source"] == f"Sender Name <{SENDER}>"
    assert mail["destination"] == [SUCCESS]
    assert mail["tags"]["ses:configuration-set"] == ["marketing"]
    assert mail["tags"]["ses:operation"] == ["SendRawEmail"]
    assert (mail["tags"]["campaign"], mail["tags"]["tier"]) == (["spring"], ["gold"])
    assert {"name": "X-SES-CONFIGURATION-SET", "value": "marketing"} in mail["headers"]
    assert mail["commonHeaders"]["subject"] == "From the header"
    assert mail["commonHeaders"]["from"] == [f"Sender Name <{SENDER}>"]
    # A header naming a set that does not exist is refused like the parameter.
    with pytest.raises(aws.ses.exceptions.ConfigurationSetDoesNotExistException):
        aws.ses.send_raw_email(RawMessage={"Data": raw.replace("marketing", "nope").encode()})
    # The tags given as parameters replace the header's (DOC), they are not merged.
    aws.ses.send_raw_email(
        RawMessage={"Data": raw.encode()}, Tags=[{"Name": "only", "Value": "this"}]
    )
    tags = aws.records(topic)[0]["mail"]["tags"]
    assert tags["only"] == ["this"]
    assert "campaign" not in tags


def test_a_v2_raw_message_names_its_set_in_a_header_when_the_mock_answers(
    ses_mock: SesMock,
) -> None:
    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(ARN, ["send"])]}
    )
    raw = RAW.replace("Subject: Raw", "Subject: Raw\r\nX-SES-CONFIGURATION-SET: marketing")
    sesv2 = boto3.client("sesv2", region_name="us-east-1")
    message_id = sesv2.send_email(Content={"Raw": {"Data": raw.encode()}})["MessageId"]
    (event,) = ses_mock.events
    assert (event.event_type, event.message_id, event.configuration_set) == (
        "Send",
        message_id,
        "marketing",
    )
    assert ses_mock.messages[0].raw == raw.encode()


# -- answered by pytest-sesmock alone -----------------------------------------------------------


def test_a_send_answered_by_pytest_sesmock_alone(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(ARN, EVERY_TYPE)]}
    )
    message_id = send(ses, [SUCCESS, "friend@example.org"], ReplyToAddresses=["help@example.com"])
    call = ses_mock.calls[-1]
    assert SES_ID.match(message_id)
    assert message_id.startswith("0100")  # us-east-1
    assert int(message_id[4:16], 16) == round(call.time * 1000)  # the mock's clock, in ms
    (sent,) = ses_mock.messages
    assert (sent.source, sent.destinations, sent.subject, sent.text) == (
        SENDER,
        (SUCCESS, "friend@example.org"),
        "Hello",
        "Hi there",
    )
    assert sent.answered_by == "pytest-sesmock"
    # Without an in-process SNS the events are kept on the mock, and nothing left the process.
    assert [e.event_type for e in ses_mock.events] == ["Send", "Delivery", "Delivery"]
    assert all(e.delivery.startswith("not published: no in-process mock") for e in ses_mock.events)
    assert ses_mock.events[0].record["mail"]["commonHeaders"]["replyTo"] == ["help@example.com"]
    ses_mock.assert_event_published("Delivery", recipient="friend@example.org")
    # v2 too, with its own id.
    sesv2 = boto3.client("sesv2", region_name="us-east-1")
    v2_id = sesv2.send_email(
        FromEmailAddress=SENDER,
        Destination={"ToAddresses": [BOUNCE]},
        Content=SIMPLE_V2,
        ConfigurationSetName="marketing",
        EmailTags=[{"Name": "tier", "Value": "gold"}],
    )["MessageId"]
    assert SES_ID.match(v2_id)
    ses_mock.assert_event_published("Bounce", message_id=v2_id, recipient=BOUNCE)
    bounce = ses_mock.events_of("bounce", message_id=v2_id)[0]
    assert bounce.record["mail"]["tags"]["tier"] == ["gold"]


def test_bulk_sends_get_one_message_and_id_per_destination(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(ARN, EVERY_TYPE)]}
    )
    ses_mock.add_template("welcome", subject="Hi {{name}}", text="Dear {{name}}")
    out = ses.send_bulk_templated_email(
        Source=SENDER,
        Template="welcome",
        DefaultTemplateData='{"name": "friend"}',
        ConfigurationSetName="marketing",
        Destinations=[
            {
                "Destination": {"ToAddresses": [SUCCESS]},
                "ReplacementTemplateData": '{"name": "Ada"}',
            },
            {"Destination": {"ToAddresses": [BOUNCE]}},
        ],
    )
    statuses = out["Status"]
    assert [s["Status"] for s in statuses] == ["Success", "Success"]
    assert [m.subject for m in ses_mock.messages] == ["Hi Ada", "Hi friend"]
    assert [m.message_id for m in ses_mock.messages] == [s["MessageId"] for s in statuses]
    ses_mock.assert_event_published("Delivery", message_id=statuses[0]["MessageId"])
    ses_mock.assert_event_published("Bounce", message_id=statuses[1]["MessageId"])


def _v2_model_has(shape: str, member: str) -> bool:
    """Whether the installed botocore's SES v2 model has ``member`` in ``shape``."""
    from botocore.session import get_session

    found = get_session().get_service_model("sesv2").shape_for(shape)
    return member in getattr(found, "members", {})


@pytest.mark.parametrize("inline", [False, True], ids=["stored-template", "inline-template"])
def test_v2_bulk_and_templated_sends_are_answered_by_the_mock_beside_moto(
    ses_mock: SesMock, aws: Aws, inline: bool
) -> None:
    """moto raises NotImplementedError for them; the mock answers instead, moto's SNS publishes."""
    if inline and not _v2_model_has("Template", "TemplateContent"):
        pytest.skip("this botocore's SES v2 model has no inline template content")
    topic = aws.topic("ses-events")
    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(topic, EVERY_TYPE)]}
    )
    parts = {"Subject": "Hi {{name}}", "Text": "Hello {{name}}"}
    if inline:
        template: dict[str, Any] = {"TemplateContent": parts}
    else:
        ses_mock.add_template("welcome", subject=parts["Subject"], text=parts["Text"])
        template = {"TemplateName": "welcome"}
    out = aws.sesv2.send_bulk_email(
        FromEmailAddress=SENDER,
        DefaultContent={"Template": {**template, "TemplateData": '{"name": "friend"}'}},
        BulkEmailEntries=[
            {"Destination": {"ToAddresses": [SUCCESS]}},
            {
                "Destination": {"ToAddresses": [COMPLAINT]},
                "ReplacementEmailContent": {
                    "ReplacementTemplate": {"ReplacementTemplateData": '{"name": "Ada"}'}
                },
            },
        ],
        ConfigurationSetName="marketing",
    )
    results = out["BulkEmailEntryResults"]
    assert [r["Status"] for r in results] == ["SUCCESS", "SUCCESS"]
    records = aws.records(topic)
    assert sorted(r["eventType"] for r in records) == sorted(
        ["Send", "Send", "Delivery", "Delivery", "Complaint"]
    )
    delivery = next(r for r in records if r["eventType"] == "Complaint")
    assert delivery["mail"]["commonHeaders"]["subject"] == "Hi Ada"
    assert {m.answered_by for m in ses_mock.messages} == {"pytest-sesmock"}


# -- templates ------------------------------------------------------------------------------------


def test_a_template_renders_after_the_send_and_a_missing_attribute_fails_rendering(
    ses_mock: SesMock, ses: Any
) -> None:
    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(ARN, EVERY_TYPE)]}
    )
    ses_mock.add_template("welcome", subject="Hi {{name}}", html="<p>{{ person.city }}</p>")
    message_id = ses.send_templated_email(
        Source=SENDER,
        Destination={"ToAddresses": [SUCCESS]},
        Template="welcome",
        TemplateData='{"name": "Ada", "person": {"city": "London"}}',
        ConfigurationSetName="marketing",
    )["MessageId"]
    send_event, delivery = ses_mock.events_of(message_id=message_id)
    # REC: the Send event of a templated message has no sourceArn and no subject yet (DOC).
    assert "sourceArn" not in send_event.record["mail"]
    assert "subject" not in send_event.record["mail"]["commonHeaders"]
    assert delivery.record["mail"]["commonHeaders"]["subject"] == "Hi Ada"
    assert "sourceArn" in delivery.record["mail"]
    assert ses_mock.messages[0].html == "<p>London</p>"
    failed_id = ses.send_templated_email(
        Source=SENDER,
        Destination={"ToAddresses": [SUCCESS]},
        Template="welcome",
        TemplateData='{"name": "Ada"}',
        ConfigurationSetName="marketing",
    )["MessageId"]  # accepted: SES renders later
    assert [e.event_type for e in ses_mock.events_of(message_id=failed_id)] == [
        "Send",
        "Rendering Failure",
    ]
    failure = ses_mock.events_of("renderingFailure")[0].record
    assert failure["failure"] == {
        "errorMessage": "Attribute 'person.city' is not present in the rendering data.",
        "templateName": "welcome",
    }
    # REC (a 2024 capture): the usual auto-tags, not only the set's as in the guide's example.
    assert failure["mail"]["tags"]["ses:configuration-set"] == ["marketing"]
    assert failure["mail"]["tags"]["ses:operation"] == ["SendTemplatedEmail"]


def test_moto_templates_render_the_events_of_sends_moto_answers(
    ses_mock: SesMock, aws: Aws
) -> None:
    topic = aws.topic("ses-events")
    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(topic, ["delivery"])]}
    )
    aws.ses.create_template(
        Template={"TemplateName": "welcome", "SubjectPart": "Hi {{name}}", "TextPart": "x"}
    )
    aws.ses.send_templated_email(
        Source=SENDER,
        Destination={"ToAddresses": [SUCCESS]},
        Template="welcome",
        TemplateData='{"name": "Ada"}',
        ConfigurationSetName="marketing",
    )
    (record,) = aws.records(topic)
    assert record["mail"]["commonHeaders"]["subject"] == "Hi Ada"
    assert record["mail"]["tags"]["ses:operation"] == ["SendTemplatedEmail"]


# -- other destinations -------------------------------------------------------------------------


def test_eventbridge_firehose_and_cloudwatch_destinations_get_what_ses_sends(
    ses_mock: SesMock, aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.events.models import EventsBackend

    put_events: list[Any] = []
    original = EventsBackend.put_events

    def spy(self: Any, events: Any) -> Any:  # moto needs an extra to route events to targets
        put_events.extend(events)
        return original(self, events)

    monkeypatch.setattr(EventsBackend, "put_events", spy)
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="ses-archive")
    firehose = boto3.client("firehose", region_name="us-east-1")
    stream = firehose.create_delivery_stream(
        DeliveryStreamName="ses",
        ExtendedS3DestinationConfiguration={
            "RoleARN": "arn:aws:iam::123456789012:role/firehose",
            "BucketARN": "arn:aws:s3:::ses-archive",
        },
    )["DeliveryStreamARN"]
    aws.sesv2.create_configuration_set(ConfigurationSetName="marketing")
    # EventBridge destinations came into the model after botocore 1.34.70, the oldest supported.
    eventbridge = _v2_model_has("EventDestinationDefinition", "EventBridgeDestination")
    bus = "arn:aws:events:us-east-1:123456789012:event-bus/default"
    for name, destination in {
        **({"bus": {"EventBridgeDestination": {"EventBusArn": bus}}} if eventbridge else {}),
        "stream": {
            "KinesisFirehoseDestination": {
                "IamRoleArn": "arn:aws:iam::123456789012:role/firehose",
                "DeliveryStreamArn": stream,
            }
        },
        "metrics": {
            "CloudWatchDestination": {
                "DimensionConfigurations": [
                    {
                        "DimensionName": "campaign",
                        "DimensionValueSource": "MESSAGE_TAG",
                        "DefaultDimensionValue": "none",
                    },
                    {
                        "DimensionName": "X-Team",
                        "DimensionValueSource": "EMAIL_HEADER",
                        "DefaultDimensionValue": "nobody",
                    },
                    {
                        "DimensionName": "ses:configuration-set",
                        "DimensionValueSource": "MESSAGE_TAG",
                        "DefaultDimensionValue": "x",
                    },
                ]
            }
        },
    }.items():
        aws.sesv2.create_configuration_set_event_destination(
            ConfigurationSetName="marketing",
            EventDestinationName=name,
            EventDestination={"Enabled": True, "MatchingEventTypes": ["DELIVERY"], **destination},
        )
    raw = RAW.replace("Subject: Raw", "Subject: Raw\r\nX-Team: growth")
    message_id = aws.sesv2.send_email(
        Content={"Raw": {"Data": raw.encode()}},
        EmailTags=[{"Name": "campaign", "Value": "spring"}],
        ConfigurationSetName="marketing",
    )["MessageId"]
    assert {e.kind: e.delivery for e in ses_mock.events} == {
        **({"eventbridge": "published"} if eventbridge else {}),
        "firehose": "published",
        "cloudwatch": "published",
    }
    if eventbridge:
        (entry,) = put_events
        assert (entry["Source"], entry["DetailType"]) == ("aws.ses", "Email Delivered")
        assert entry["EventBusName"] == bus
        assert json.loads(entry["Detail"])["mail"]["messageId"] == message_id
    (stored,) = s3.list_objects_v2(Bucket="ses-archive")["Contents"]
    body = s3.get_object(Bucket="ses-archive", Key=stored["Key"])["Body"].read().decode()
    assert body.endswith("\n")
    assert json.loads(body)["eventType"] == "Delivery"
    (metric,) = boto3.client("cloudwatch", region_name="us-east-1").list_metrics(
        Namespace="AWS/SES"
    )["Metrics"]
    assert metric["MetricName"] == "Delivery"
    assert sorted((d["Name"], d["Value"]) for d in metric["Dimensions"]) == [
        ("X-Team", "growth"),
        ("campaign", "spring"),
        ("ses:configuration-set", "marketing"),
    ]


def test_a_header_value_metrics_cannot_hold_sends_no_metric(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(
        {
            "Name": "marketing",
            "EventDestinations": [
                {
                    "Name": "metrics",
                    "Enabled": True,
                    "MatchingEventTypes": ["send"],
                    "CloudWatchDestination": {
                        "DimensionConfigurations": [
                            {
                                "DimensionName": "Subject",
                                "DimensionValueSource": "emailHeader",
                                "DefaultDimensionValue": "none",
                            }
                        ]
                    },
                }
            ],
        }
    )
    send(ses, [SUCCESS])  # "Hello" is a fine value
    send(ses, [SUCCESS], Message={**MESSAGE, "Subject": {"Data": "Hello, world!"}})
    first, second = ses_mock.events
    assert first.payload["MetricData"][0]["Dimensions"] == [{"Name": "Subject", "Value": "Hello"}]
    assert second.delivery.startswith("not published: header Subject value")  # DOC


# -- what the test makes happen to a recipient --------------------------------------------------


def test_a_recipient_can_be_made_to_bounce_complain_or_be_delayed(
    ses_mock: SesMock, ses: Any
) -> None:
    ses_mock.add_configuration_set(
        {
            "Name": "marketing",
            "EventDestinations": [
                {
                    "Name": "all",
                    "Enabled": True,
                    "MatchingEventTypes": [
                        "SEND",
                        "DELIVERY",
                        "BOUNCE",
                        "COMPLAINT",
                        "DELIVERY_DELAY",
                    ],
                    "SnsDestination": {"TopicArn": ARN},
                }
            ],
        }
    )
    ses_mock.set_outcome(
        "full@example.com", "bounce", bounce_type="Transient", bounce_subtype="MailboxFull"
    )
    ses_mock.set_outcome("Angry <ANGRY@example.com>", "complaint", feedback_type="not-spam")
    ses_mock.set_outcome("slow@example.com", "delay", delay_type="MailboxFull")
    send(ses, ["full@example.com", "angry@example.com", "slow@example.com", "fine@example.com"])
    by_type = {e.event_type: e.record for e in ses_mock.events}
    assert sorted(by_type) == ["Bounce", "Complaint", "Delivery", "DeliveryDelay", "Send"]
    bounce = by_type["Bounce"]["bounce"]
    assert (bounce["bounceType"], bounce["bounceSubType"]) == ("Transient", "MailboxFull")
    assert bounce["bouncedRecipients"][0]["emailAddress"] == "full@example.com"
    assert by_type["Complaint"]["complaint"]["complaintFeedbackType"] == "not-spam"
    delay = by_type["DeliveryDelay"]["deliveryDelay"]
    assert delay["delayType"] == "MailboxFull"
    assert delay["delayedRecipients"][0]["emailAddress"] == "slow@example.com"
    assert by_type["Delivery"]["delivery"]["recipients"] == [
        "angry@example.com",
        "fine@example.com",
    ]


@pytest.mark.parametrize(
    ("outcome", "details", "error", "message"),
    [
        (
            "bounced",
            {},
            UnknownNameError,
            "'bounced' is not a known outcome; did you mean 'bounce'?",
        ),
        (
            "bounce",
            {"bounce_subtype": "Full"},
            UnknownNameError,
            "'Full' is not a known bounce_subtype of a Permanent bounce",
        ),
        ("delay", {"delay_type": "MailboxFul"}, UnknownNameError, "did you mean 'MailboxFull'?"),
        ("bounce", {"feedback_type": "abuse"}, ValueError, "feedback_type applies to another"),
    ],
)
def test_outcome_typos_are_refused(
    ses_mock: SesMock, outcome: str, details: dict[str, str], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        ses_mock.set_outcome("a@example.com", outcome, **details)
    with pytest.raises(ValueError, match="recipient must be an email address"):
        ses_mock.set_outcome("no-domain", "bounce")
    assert ses_mock.pipeline.outcomes.chosen == {}


EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def test_the_virus_test_string_is_rejected(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(ARN, EVERY_TYPE)]}
    )
    send(ses, [SUCCESS], Message={**MESSAGE, "Body": {"Text": {"Data": EICAR}}})
    assert [e.event_type for e in ses_mock.events] == ["Send", "Reject"]
    assert ses_mock.events[1].record["reject"] == {"reason": "Bad content"}


def test_a_raw_message_with_the_virus_test_file_attached_is_rejected(
    ses_mock: SesMock, ses: Any
) -> None:
    """DOC: the simulator page tests a Reject with the EICAR file in an attachment (base64)."""
    from email.message import EmailMessage

    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(ARN, ["reject", "delivery"])]}
    )
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = SENDER, SUCCESS, "Report"
    mail.set_content("See the attachment.")
    mail.add_attachment(
        EICAR.encode(), maintype="application", subtype="octet-stream", filename="eicar.com"
    )
    assert EICAR.encode() not in mail.as_bytes()  # only its base64 is in the raw message
    ses.send_raw_email(RawMessage={"Data": mail.as_bytes()}, ConfigurationSetName="marketing")
    assert [e.event_type for e in ses_mock.events] == ["Reject"]
    (sent,) = ses_mock.messages
    assert sent.text == "See the attachment.\n"


# -- hostile and careless input -----------------------------------------------------------------


def _raw(text: str) -> dict[str, Any]:
    return {"RawMessage": {"Data": text.encode()}}


@pytest.mark.parametrize(
    ("operation", "params", "code", "message"),
    [
        (
            "send_raw_email",
            _raw("this is not an email at all"),
            "InvalidParameterValue",
            "Missing required header 'From'.",
        ),
        (
            "send_raw_email",
            _raw(f"From: {SENDER}\r\nSubject: x\r\n\r\nbody"),
            "InvalidParameterValue",
            "Missing required header 'To'.",
        ),
        (
            "send_raw_email",
            _raw(f": nameless\r\nFrom: {SENDER}\r\nTo: {SUCCESS}\r\n\r\nbody"),
            "InvalidParameterValue",
            "Empty header names are illegal.",
        ),
        (
            "send_email",
            {"Source": "nodomain", "Destination": {"ToAddresses": [SUCCESS]}, "Message": MESSAGE},
            "InvalidParameterValue",
            "Missing final '@domain'",
        ),
        (
            "send_email",
            {
                "Source": SENDER,
                "Destination": {"ToAddresses": ["Ada, L <a@x.com>"]},
                "Message": MESSAGE,
            },
            "InvalidParameterValue",
            "Illegal address",
        ),
        (
            "send_email",
            {"Source": SENDER, "Destination": {"ToAddresses": ["a b@x.com"]}, "Message": MESSAGE},
            "InvalidParameterValue",
            "Local address contains control or whitespace",
        ),
        (
            "send_email",
            {"Source": SENDER, "Destination": {"ToAddresses": []}, "Message": MESSAGE},
            "InvalidParameterValue",
            "Missing required header 'To'.",
        ),
        (
            "send_email",
            {
                "Source": SENDER,
                "Destination": {"BccAddresses": [f"r{i}@x.com" for i in range(51)]},
                "Message": MESSAGE,
            },
            "InvalidParameterValue",
            "Recipient count exceeds 50.",
        ),
        (
            "send_email",
            {
                "Source": SENDER,
                "Destination": {"ToAddresses": [SUCCESS]},
                "Message": MESSAGE,
                "Tags": [{"Name": "a b", "Value": "x"}],
            },
            "InvalidParameterValue",
            "Invalid tag name <a b>: only alphanumeric ASCII characters, '_',  '-' are allowed.",
        ),
        (
            "send_templated_email",
            {
                "Source": SENDER,
                "Destination": {"ToAddresses": [SUCCESS]},
                "Template": "nope",
                "TemplateData": "{}",
            },
            "TemplateDoesNotExist",
            "Template nope does not exist.",
        ),
        (
            "send_templated_email",
            {
                "Source": SENDER,
                "Destination": {"ToAddresses": [SUCCESS]},
                "Template": "welcome",
                "TemplateData": "[1, 2",
            },
            "InvalidParameterValue",
            "The template data is invalid",
        ),
    ],
)
def test_careless_sends_get_ses_errors_not_tracebacks(
    ses_mock: SesMock, ses: Any, operation: str, params: dict[str, Any], code: str, message: str
) -> None:
    ses_mock.add_template("welcome", subject="Hi")
    with pytest.raises(ClientError) as caught:
        getattr(ses, operation)(**params)
    assert caught.value.response["Error"]["Code"] == code
    assert caught.value.response["Error"]["Message"] == message
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert ses_mock.messages == []


def test_v2_careless_sends_get_bad_request(ses_mock: SesMock) -> None:
    sesv2 = boto3.client("sesv2", region_name="us-east-1")
    with pytest.raises(sesv2.exceptions.BadRequestException, match="Missing required header"):
        sesv2.send_email(Content={"Raw": {"Data": b"no headers here"}})
    with pytest.raises(sesv2.exceptions.NotFoundException, match="Template nope does not exist"):
        sesv2.send_email(
            FromEmailAddress=SENDER,
            Destination={"ToAddresses": [SUCCESS]},
            Content={"Template": {"TemplateName": "nope", "TemplateData": "{}"}},
        )


def test_a_hand_written_raw_message_that_is_not_base64_is_refused(ses_mock: SesMock) -> None:
    form = {"Action": "SendRawEmail", "Version": "2010-12-01", "RawMessage.Data": "%%%not-b64"}
    answer = requests.post("https://email.us-east-1.amazonaws.com/", data=form, timeout=5)
    assert answer.status_code == 400
    assert b"<Code>InvalidParameterValue</Code>" in answer.content
    assert b"The raw message data is not valid base64." in answer.content


def test_an_unverified_sender_is_rejected_once_identities_are_declared(
    ses_mock: SesMock, ses: Any
) -> None:
    ses_mock.add_identity("example.com")
    send(ses, [SUCCESS], configuration_set=None)  # any address of a verified domain
    with pytest.raises(ses.exceptions.MessageRejected) as caught:
        ses.send_email(
            Source="someone@elsewhere.org", Destination={"ToAddresses": [SUCCESS]}, Message=MESSAGE
        )
    assert caught.value.response["Error"]["Message"] == (
        "Email address is not verified. The following identities failed the check in region "
        "US-EAST-1: someone@elsewhere.org"
    )


# -- names, assertions, faults ------------------------------------------------------------------


def test_sends_are_served_operations_for_names_limits_and_faults(
    ses_mock: SesMock, ses: Any
) -> None:
    ses_mock.add_error("MessageRejected", operation="send_email", message="Email rejected")
    with pytest.raises(ses.exceptions.MessageRejected, match="Email rejected"):
        send(ses, [SUCCESS], configuration_set=None)
    ses_mock.set_rate_limit("ses:SendEmail", per_second=1, burst=1)
    send(ses, [SUCCESS], configuration_set=None)
    send(ses, [SUCCESS], configuration_set=None)
    ses_mock.assert_call_count(3, "send_email")
    with pytest.raises(AssertionError, match="went over the rate limit"):
        ses_mock.assert_within_rate_limit("SendEmail")
    with pytest.raises(UnknownNameError, match="did you mean 'SendEmail'"):
        ses_mock.assert_not_called("SendEmails")


def test_event_assertions_explain_and_refuse_typos(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(ARN, EVERY_TYPE)]}
    )
    message_id = send(ses, [SUCCESS])
    with pytest.raises(AssertionError) as caught:
        ses_mock.assert_event_published("Bounce", recipient=SUCCESS)
    text = str(caught.value)
    assert "expected a published event Bounce(recipient=" in text
    assert "Published events (2):" in text
    assert f"Delivery of {message_id} [{SUCCESS}] set 'marketing' -> to-sns (sns {ARN})" in text
    with pytest.raises(UnknownNameError, match="did you mean 'Delivery'"):
        ses_mock.assert_event_published("Delivered")
    with pytest.raises(UnknownNameError, match="did you mean 'recipient'"):
        ses_mock.events_of("Delivery", recipients=SUCCESS)
    ses_mock.assert_event_count(2, configuration_set="marketing")
    ses_mock.assert_event_count(1, "DELIVERY")
    with pytest.raises(AssertionError, match="expected no published event any event"):
        ses_mock.assert_no_event_published()
    ses_mock.clear_events()
    ses_mock.assert_no_event_published()
    assert ses_mock.messages == []


def test_a_nested_mock_s_events_are_seen_by_the_outer_one(ses_mock: SesMock) -> None:
    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(ARN, ["send"])]}
    )
    with SesMock() as inner:
        inner.set_outcome(SUCCESS, "bounce")
        send(boto3.client("ses", region_name="us-east-1"), [SUCCESS])
        assert [e.event_type for e in inner.events] == ["Send"]
    assert [e.event_type for e in ses_mock.events] == ["Send"]
    assert len(ses_mock.messages) == 1


def test_v1_destinations_declared_in_any_spelling_match(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(
        {
            "Name": "marketing",
            "EventDestinations": [
                {**sns_destination(ARN, ["renderingFailure"], "v1"), "Enabled": True},
                {
                    "Name": "off-by-default",
                    "MatchingEventTypes": ["send"],
                    "SNSDestination": {"TopicARN": ARN},
                },
            ],
        }
    )
    send(ses, [SUCCESS])
    assert ses_mock.events == []  # Enabled defaults to false; v1 matches only its own types


def test_sends_from_many_threads_are_all_recorded(ses_mock: SesMock) -> None:
    from concurrent.futures import ThreadPoolExecutor

    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [sns_destination(ARN, ["send", "delivery"])]}
    )
    ses = boto3.client("ses", region_name="us-east-1")
    with ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(lambda i: send(ses, [f"r{i}@example.com"]), range(40)))
    assert len(set(ids)) == 40
    assert sorted(m.message_id for m in ses_mock.messages) == sorted(ids)
    assert len(ses_mock.events) == 80
    for message_id in ids:
        ses_mock.assert_event_count(2, message_id=message_id)


def test_raw_data_in_base64_from_a_hand_written_v2_request(ses_mock: SesMock) -> None:
    body = json.dumps({"Content": {"Raw": {"Data": base64.b64encode(RAW.encode()).decode()}}})
    answer = requests.post(
        "https://email.us-east-1.amazonaws.com/v2/email/outbound-emails", data=body, timeout=5
    )
    assert answer.status_code == 200
    assert SES_ID.match(answer.json()["MessageId"])


def test_opens_and_clicks_are_published_with_link_tags_as_dimensions(
    ses_mock: SesMock, ses: Any
) -> None:
    ses_mock.add_configuration_set(
        {
            "Name": "marketing",
            "EventDestinations": [
                sns_destination(ARN, ["open", "click"]),
                {
                    "Name": "metrics",
                    "Enabled": True,
                    "MatchingEventTypes": ["click"],
                    "CloudWatchDestination": {
                        "DimensionConfigurations": [
                            {
                                "DimensionName": "offer",
                                "DimensionValueSource": "linkTag",
                                "DefaultDimensionValue": "none",
                            }
                        ]
                    },
                },
            ],
        }
    )
    html = (
        '<p><a href="https://example.com/a" ses:tags="offer:spring;tier:gold">A</a>'
        "<a href='https://example.com/b'>B</a></p>"
    )
    message_id = send(ses, [SUCCESS], Message={**MESSAGE, "Body": {"Html": {"Data": html}}})
    (opened,) = ses_mock.simulate_open(message_id)
    assert opened.event_type == "Open"
    assert opened.record["open"]["ipAddress"]
    assert "sourceArn" not in opened.record["mail"]  # DOC: the Open and Click examples
    sns_click, metric = ses_mock.simulate_click(message_id)
    assert sns_click.record["click"]["link"] == "https://example.com/a"
    assert sns_click.record["click"]["linkTags"] == {"offer": ["spring"], "tier": ["gold"]}
    assert metric.payload["MetricData"][0]["MetricName"] == "Click"
    assert metric.payload["MetricData"][0]["Dimensions"] == [{"Name": "offer", "Value": "spring"}]
    _, other = ses_mock.simulate_click(message_id, "https://example.com/b")
    assert other.payload["MetricData"][0]["Dimensions"] == [{"Name": "offer", "Value": "none"}]
    ses_mock.assert_event_count(2, "click", destination="to-sns")
    with pytest.raises(ValueError, match="no message 'nope' was sent through this mock"):
        ses_mock.simulate_open("nope")


def test_a_client_without_moto_s_handler_still_sends_beside_moto(
    ses_mock: SesMock, aws: Aws
) -> None:
    """Sends are the mock's to answer beside moto too: a client made before moto was imported
    (without moto's handler) is answered like any other, and moto keeps the message as well."""
    from moto.core.models import botocore_stubber

    ses = boto3.client("ses", region_name="us-east-1")
    ses.meta.events.unregister("before-send", botocore_stubber)  # as if made before moto
    first = send(ses, [SUCCESS], configuration_set=None)
    second = send(aws.ses, [SUCCESS], configuration_set=None)
    assert [m.message_id for m in ses_mock.messages] == [first, second]
    assert {m.answered_by for m in ses_mock.messages} == {"pytest-sesmock"}


def test_events_reach_a_moto_imported_again(pytester: pytest.Pytester) -> None:
    """pytester's in-process runs drop moto from ``sys.modules``; the next import is a new moto.

    Its stubber is new too, and a client made for the old one would go past it: the events of
    the next send must land in the moto the test is using, not be refused on the way to AWS.
    """
    pytester.makepyfile(
        """
        import json
        import sys

        import boto3


        def send_and_read(ses_mock, name):
            from moto import mock_aws

            with mock_aws():
                sns = boto3.client("sns", region_name="us-east-1")
                sqs = boto3.client("sqs", region_name="us-east-1")
                topic = sns.create_topic(Name=name)["TopicArn"]
                queue = sqs.create_queue(QueueName=name)["QueueUrl"]
                arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
                sns.subscribe(
                    TopicArn=topic, Protocol="sqs", Endpoint=arn["Attributes"]["QueueArn"]
                )
                ses_mock.add_configuration_set({
                    "Name": name,
                    "EventDestinations": [{
                        "Name": "to-sns", "Enabled": True, "MatchingEventTypes": ["send"],
                        "SNSDestination": {"TopicARN": topic},
                    }],
                })
                ses = boto3.client("ses", region_name="us-east-1")
                ses.verify_email_identity(EmailAddress="sender@example.com")
                ses.send_email(
                    Source="sender@example.com",
                    Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
                    Message={"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}},
                    ConfigurationSetName=name,
                )
                got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)
                return [
                    json.loads(json.loads(m["Body"])["Message"])["eventType"]
                    for m in got.get("Messages", [])
                ]


        def test_send_then_moto_again(ses_mock):
            assert send_and_read(ses_mock, "first") == ["Send"]
            for name in [n for n in sys.modules if n == "moto" or n.startswith("moto.")]:
                del sys.modules[name]
            assert send_and_read(ses_mock, "second") == ["Send"]
            published = [(e.configuration_set, e.delivery) for e in ses_mock.events]
            assert published == [("first", "published"), ("second", "published")]
        """
    )
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=1)
