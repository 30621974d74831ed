"""The events the mock publishes match the events recorded from real SES (issue 22).

Each test names the public source of what it asserts: REC (localstack/localstack's
``tests/aws/services/ses/test_ses.snapshot.json``, recorded against AWS in 2023-08, and its
``test_ses.validation.json`` of 2024-07; SNS messages captured in public test suites; real
Message-ID headers), DOC (the SES developer guide's pages) or INF. The events are read where a
pipeline reads them, through real boto3 clients: moto's SNS topic, subscribed by an SQS queue.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from test_sending import BOUNCE, COMPLAINT, MESSAGE, SENDER, SUCCESS
from test_sending import Aws as SendingAws

from pytest_sesmock import SesMock

moto = pytest.importorskip("moto")

VALIDATION = "Successfully validated SNS topic for Amazon SES event publishing."
EVERY_V1_TYPE = ["send", "reject", "bounce", "complaint", "delivery", "renderingFailure"]
EVERY_V2_TYPE = ["SEND", "DELIVERY", "BOUNCE", "COMPLAINT", "RENDERING_FAILURE", "DELIVERY_DELAY"]
ORDER = ["Send", "Rendering Failure", "Delivery", "Bounce", "DeliveryDelay", "Complaint"]


class Aws(SendingAws):
    """test_sending's moto SNS and SQS, each topic's records by event type (one of each)."""

    def records(self, topic: str) -> dict[str, dict[str, Any]]:  # type: ignore[override]
        found = [json.loads(n["Message"]) for n in self.notifications(topic)]
        return {r["eventType"]: r for r in found}


@pytest.fixture
def aws(ses_mock: SesMock) -> Iterator[Aws]:
    """moto active beside the mock, the sender verified in moto."""
    with moto.mock_aws():
        found = Aws()
        found.ses.verify_email_identity(EmailAddress=SENDER)
        yield found


def declared(ses_mock: SesMock, topic: str, types: list[str] | None = None) -> None:
    ses_mock.add_configuration_set(
        {
            "Name": "marketing",
            "EventDestinations": [
                {
                    "Name": "to-sns",
                    "Enabled": True,
                    "MatchingEventTypes": types or EVERY_V2_TYPE,
                    "SnsDestination": {"TopicArn": topic},
                }
            ],
        }
    )


# -- 1. the validation message of a new SNS destination (REC) ------------------------------------


@pytest.mark.parametrize("api", ["v1", "v2"])
def test_a_created_sns_destination_gets_the_validation_message_first(
    ses_mock: SesMock, aws: Aws, api: str
) -> None:
    topic = aws.topic("ses-events")
    if api == "v1":
        aws.ses.create_configuration_set(ConfigurationSet={"Name": "marketing"})
        aws.ses.create_configuration_set_event_destination(
            ConfigurationSetName="marketing",
            EventDestination={
                "Name": "to-sns",
                "Enabled": True,
                "MatchingEventTypes": ["send", "delivery"],
                "SNSDestination": {"TopicARN": topic},
            },
        )
    else:
        aws.sesv2.create_configuration_set(ConfigurationSetName="marketing")
        aws.sesv2.create_configuration_set_event_destination(
            ConfigurationSetName="marketing",
            EventDestinationName="to-sns",
            EventDestination={
                "Enabled": True,
                "MatchingEventTypes": ["SEND", "DELIVERY"],
                "SnsDestination": {"TopicArn": topic},
            },
        )
    aws.ses.send_email(
        Source=SENDER,
        Destination={"ToAddresses": [SUCCESS]},
        Message=MESSAGE,
        ConfigurationSetName="marketing",
    )
    first, *events = aws.notifications(topic)
    # REC (localstack snapshot, 2023-08): the first message, plain text, without a Subject.
    assert first["Type"] == "Notification"
    assert first["Message"] == VALIDATION
    assert "Subject" not in first
    assert first["TopicArn"] == topic
    assert sorted(json.loads(n["Message"])["eventType"] for n in events) == ["Delivery", "Send"]
    assert all(n["Subject"] == "Amazon SES Email Event Notification" for n in events)
    # Not an email event: the mock's events hold only the message's.
    assert [e.event_type for e in ses_mock.events] == ["Send", "Delivery"]


def test_a_declared_set_gets_no_validation_message(ses_mock: SesMock, aws: Aws) -> None:
    topic = aws.topic("ses-events")
    declared(ses_mock, topic, ["SEND"])
    aws.ses.send_email(
        Source=SENDER,
        Destination={"ToAddresses": [SUCCESS]},
        Message=MESSAGE,
        ConfigurationSetName="marketing",
    )
    (only,) = aws.notifications(topic)
    assert json.loads(only["Message"])["eventType"] == "Send"


# -- 2. a templated message's headers (REC) -------------------------------------------------------


def test_a_templated_send_shows_three_headers_and_its_delivery_a_date(
    ses_mock: SesMock, aws: Aws
) -> None:
    topic = aws.topic("ses-events")
    declared(ses_mock, topic)
    aws.ses.create_template(
        Template={"TemplateName": "welcome", "SubjectPart": "Hi {{name}}", "TextPart": "Hello"}
    )
    aws.ses.send_templated_email(
        Source=SENDER,
        Destination={"ToAddresses": [SUCCESS]},
        Template="welcome",
        TemplateData='{"name": "Ada"}',
        ConfigurationSetName="marketing",
    )
    records = aws.records(topic)
    send, delivery = records["Send"]["mail"], records["Delivery"]["mail"]
    # REC (localstack snapshot, 2023-08): no Content-Type, no Content-Transfer-Encoding.
    assert [h["name"] for h in send["headers"]] == ["From", "To", "MIME-Version"]
    assert "date" not in send["commonHeaders"]
    names = [h["name"] for h in delivery["headers"]]
    assert names == [
        "Date",
        "From",
        "To",
        "Subject",
        "MIME-Version",
        "Content-Type",
        "Content-Transfer-Encoding",
    ]
    date = delivery["headers"][0]["value"]
    assert re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000", date)
    assert delivery["commonHeaders"]["date"] == date
    assert list(delivery["commonHeaders"]) == ["from", "date", "to", "messageId", "subject"]
    assert delivery["commonHeaders"]["subject"] == "Hi Ada"


# -- 3. a raw message without From (REC) ---------------------------------------------------------


def test_a_raw_message_without_from_has_no_from_domain_tag(ses_mock: SesMock) -> None:
    declared(ses_mock, "arn:aws:sns:us-east-1:123456789012:ses-events", ["SEND"])
    ses = boto3.client("ses", region_name="us-east-1")
    ses.send_raw_email(
        Source=SENDER,
        Destinations=[SUCCESS],
        RawMessage={"Data": b""},
        ConfigurationSetName="marketing",
    )
    (event,) = ses_mock.events
    mail = event.record["mail"]
    # REC (localstack snapshot, 2023-08): empty Data, no From: no headers, no ses:from-domain,
    # although the Source names a domain.
    assert mail["headers"] == []
    assert mail["commonHeaders"] == {"messageId": mail["messageId"]}
    assert "ses:from-domain" not in mail["tags"]
    assert list(mail["tags"]) == [
        "ses:source-tls-version",
        "ses:operation",
        "ses:configuration-set",
        "ses:source-ip",
        "ses:caller-identity",
    ]
    assert json.loads(event.payload["Message"])["mail"]["tags"] == mail["tags"]


def test_a_raw_message_s_from_header_names_the_from_domain(ses_mock: SesMock, aws: Aws) -> None:
    topic = aws.topic("ses-events")
    declared(ses_mock, topic, ["SEND"])
    raw = (
        f"From: Other <someone@Mail.Example.org>\r\nTo: {SUCCESS}\r\nSubject: Hi\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
    )
    aws.ses.verify_email_identity(EmailAddress="someone@mail.example.org")
    aws.ses.send_raw_email(
        Source=SENDER, RawMessage={"Data": raw.encode()}, ConfigurationSetName="marketing"
    )
    tags = aws.records(topic)["Send"]["mail"]["tags"]
    assert tags["ses:from-domain"] == ["mail.example.org"]  # the header's, not the Source's


# -- 4, 7. the tags: which event carries which, in which order (REC) ------------------------------

SEND_ORDER = [
    "ses:source-tls-version",
    "ses:operation",
    "ses:configuration-set",
    "ses:source-ip",
    "ses:from-domain",
    "campaign",
    "tier",
    "ses:caller-identity",
]
DELIVERY_ORDER = [
    "ses:source-tls-version",
    "ses:operation",
    "ses:configuration-set",
    "ses:outgoing-tls-version",
    "ses:source-ip",
    "ses:from-domain",
    "campaign",
    "tier",
    "ses:caller-identity",
    "ses:outgoing-ip",
]


def test_tags_are_in_the_recorded_order_and_outgoing_ones_on_the_delivery_only(
    ses_mock: SesMock, aws: Aws
) -> None:
    topic = aws.topic("ses-events")
    declared(ses_mock, topic, [*EVERY_V2_TYPE, "OPEN", "CLICK"])
    html = '<p><a href="https://example.com/a">A</a></p>'
    message_id = aws.ses.send_email(
        Source=SENDER,
        Destination={"ToAddresses": [COMPLAINT, BOUNCE]},
        Message={**MESSAGE, "Body": {"Html": {"Data": html}}},
        ConfigurationSetName="marketing",
        Tags=[{"Name": "campaign", "Value": "spring"}, {"Name": "tier", "Value": "gold"}],
    )["MessageId"]
    ses_mock.simulate_open(message_id)
    ses_mock.simulate_click(message_id)
    records = aws.records(topic)
    assert sorted(records) == ["Bounce", "Click", "Complaint", "Delivery", "Open", "Send"]
    # REC: localstack snapshot (2023-08) for the order; 2025 captures for the TLS tags.
    assert list(records["Delivery"]["mail"]["tags"]) == DELIVERY_ORDER
    for kind in ("Send", "Bounce", "Complaint", "Open", "Click"):
        assert list(records[kind]["mail"]["tags"]) == SEND_ORDER, kind
    tags = records["Delivery"]["mail"]["tags"]
    assert tags["ses:source-ip"] != tags["ses:outgoing-ip"]  # REC: two addresses
    assert tags["ses:source-tls-version"] == tags["ses:outgoing-tls-version"] == ["TLSv1.3"]
    assert tags["campaign"] == ["spring"]
    # REC (2025 recordings): the receiving server's address, before the reporting MTA.
    delivery = records["Delivery"]["delivery"]
    assert list(delivery) == [
        "timestamp",
        "processingTimeMillis",
        "recipients",
        "smtpResponse",
        "remoteMtaIp",
        "reportingMTA",
    ]
    assert delivery["remoteMtaIp"] not in (tags["ses:source-ip"][0], tags["ses:outgoing-ip"][0])


def test_a_delivery_delay_names_its_reporting_mta(ses_mock: SesMock, aws: Aws) -> None:
    topic = aws.topic("ses-events")
    declared(ses_mock, topic, ["DELIVERY_DELAY"])
    ses_mock.set_outcome("slow@example.org", "delay")
    aws.ses.send_email(
        Source=SENDER,
        Destination={"ToAddresses": ["slow@example.org"]},
        Message=MESSAGE,
        ConfigurationSetName="marketing",
    )
    delay = aws.records(topic)["DeliveryDelay"]["deliveryDelay"]
    # DOC (event-publishing-retrieving-sns-contents): reportingMTA; its value: INF.
    assert delay["reportingMTA"].endswith(".smtp-out.amazonses.com")


# -- 5. a Rendering Failure's tags (REC) ----------------------------------------------------------


def test_a_rendering_failure_carries_the_usual_auto_tags(ses_mock: SesMock, aws: Aws) -> None:
    topic = aws.topic("ses-events")
    declared(ses_mock, topic, ["RENDERING_FAILURE"])
    aws.sesv2.send_email(  # inline template content: pytest-sesmock answers it beside moto
        FromEmailAddress=SENDER,
        Destination={"ToAddresses": [SUCCESS]},
        Content={
            "Template": {
                "TemplateContent": {"Subject": "Hi {{name}}", "Text": "Hello"},
                "TemplateData": "{}",
            }
        },
        ConfigurationSetName="marketing",
        EmailTags=[{"Name": "campaign", "Value": "spring"}],
    )
    failure = aws.records(topic)["Rendering Failure"]
    assert failure["failure"]["errorMessage"] == (
        "Attribute 'name' is not present in the rendering data."
    )
    # REC (a 2024 capture): the usual auto-tags, not only ses:configuration-set as in the guide.
    assert failure["mail"]["tags"] == {
        "ses:source-tls-version": ["TLSv1.3"],
        "ses:operation": ["SendTemplatedEmail"],
        "ses:configuration-set": ["marketing"],
        "ses:source-ip": [failure["mail"]["tags"]["ses:source-ip"][0]],
        "ses:from-domain": ["example.com"],
        "campaign": ["spring"],
        "ses:caller-identity": [failure["mail"]["tags"]["ses:caller-identity"][0]],
    }


# -- 6. the simulator's complaint (REC 2022) ------------------------------------------------------


def test_the_simulator_s_complaint_has_an_arrival_date(ses_mock: SesMock, aws: Aws) -> None:
    topic = aws.topic("ses-events")
    declared(ses_mock, topic, ["COMPLAINT"])
    aws.ses.send_email(
        Source=SENDER,
        Destination={"ToAddresses": [COMPLAINT]},
        Message=MESSAGE,
        ConfigurationSetName="marketing",
    )
    complaint = aws.records(topic)["Complaint"]["complaint"]
    # REC (simulator captures in mozilla/fx-private-relay's tests, 2022): the newest shape has
    # arrivalDate (2020's had none), last.
    assert list(complaint) == [
        "feedbackId",
        "complaintSubType",
        "complainedRecipients",
        "timestamp",
        "userAgent",
        "complaintFeedbackType",
        "arrivalDate",
    ]
    assert complaint["userAgent"] == "Amazon SES Mailbox Simulator"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", complaint["arrivalDate"])


# -- 8. message ids per region (REC; INF for the others) -----------------------------------------


@pytest.mark.parametrize(
    ("region", "code"),
    [
        ("us-east-1", "0100"),
        ("us-west-2", "0101"),
        ("eu-west-1", "0102"),
        ("us-east-2", "010f"),
        ("eu-central-1", "0107"),
        ("ap-southeast-2", "0108"),
    ],
)
def test_message_ids_start_with_their_region_s_recorded_code(
    ses_mock: SesMock, region: str, code: str
) -> None:
    ses = boto3.client("ses", region_name=region)
    answer = ses.send_email(Source=SENDER, Destination={"ToAddresses": [SUCCESS]}, Message=MESSAGE)
    assert answer["MessageId"].startswith(code)


def test_a_region_without_a_recording_gets_a_stable_code_no_recorded_region_has(
    ses_mock: SesMock,
) -> None:
    recorded = {"0100", "0101", "0102", "010f", "0107", "0108"}
    codes = set()
    for region in ("ca-central-1", "ca-central-1", "sa-east-1"):
        ses = boto3.client("ses", region_name=region)
        params = {"Source": SENDER, "Destination": {"ToAddresses": [SUCCESS]}, "Message": MESSAGE}
        code = ses.send_email(**params)["MessageId"][:4]
        assert code.startswith("01")  # INF: two hex digits from the region's name
        assert 0x10 <= int(code[2:], 16) <= 0xEF
        assert code not in recorded
        codes.add((region, code))
    assert len(codes) == 2  # the same region, the same code


# -- 9. tag checks (REC: localstack validation 2024-07; DOC: fine-grained feedback) --------------


def _error(call: Any, **params: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return dict(caught.value.response["Error"])


def test_every_tag_name_is_checked_before_any_value_and_before_the_sender(
    ses_mock: SesMock,
) -> None:
    ses_mock.add_identity("example.com")
    ses = boto3.client("ses", region_name="us-east-1")
    base = {"Destination": {"ToAddresses": [SUCCESS]}, "Message": MESSAGE}
    tags = [{"Name": "fine", "Value": "bad value!"}, {"Name": "bad name!", "Value": "fine"}]
    error = _error(ses.send_email, Source=SENDER, Tags=tags, **base)
    assert error["Code"] == "InvalidParameterValue"
    assert error["Message"].startswith("Invalid tag name <bad name!>")
    # Only values wrong: the first value's problem.
    tags = [{"Name": "a", "Value": "x"}, {"Name": "b", "Value": "bad value!"}]
    error = _error(ses.send_email, Source=SENDER, Tags=tags, **base)
    assert error["Message"].startswith("Invalid tag value <bad value!>")
    # An unverified sender with a bad tag: the tag is reported.
    tags = [{"Name": "bad name!", "Value": "x"}]
    error = _error(ses.send_email, Source="someone@elsewhere.org", Tags=tags, **base)
    assert error["Message"].startswith("Invalid tag name <bad name!>")
    v2 = boto3.client("sesv2", region_name="us-east-1")
    error = _error(
        v2.send_email,
        FromEmailAddress="someone@elsewhere.org",
        Destination={"ToAddresses": [SUCCESS]},
        Content={"Simple": MESSAGE},
        EmailTags=[{"Name": "a", "Value": "bad value!"}, {"Name": "", "Value": "x"}],
    )
    assert error["Code"] == "BadRequestException"
    assert error["Message"] == "The tag name must be specified."


def test_the_fine_grained_feedback_tags_are_the_only_names_with_a_colon(
    ses_mock: SesMock, aws: Aws
) -> None:
    topic = aws.topic("ses-events")
    declared(ses_mock, topic, ["SEND"])
    feedback = [
        {"Name": "ses:feedback-id-a", "Value": "campaign-1"},
        {"Name": "ses:feedback-id-b", "Value": "segment-2"},
    ]
    aws.sesv2.send_email(  # DOC: event-publishing-fine-grained-feedback
        FromEmailAddress=SENDER,
        Destination={"ToAddresses": [SUCCESS]},
        Content={"Simple": MESSAGE},
        ConfigurationSetName="marketing",
        EmailTags=feedback,
    )
    tags = aws.records(topic)["Send"]["mail"]["tags"]
    assert (tags["ses:feedback-id-a"], tags["ses:feedback-id-b"]) == (
        ["campaign-1"],
        ["segment-2"],
    )


def test_other_names_with_a_colon_are_refused(ses_mock: SesMock) -> None:
    ses = boto3.client("ses", region_name="us-east-1")
    for name in ("ses:feedback-id-c", "ses:operation", "custom:tag"):
        error = _error(
            ses.send_email,
            Source=SENDER,
            Destination={"ToAddresses": [SUCCESS]},
            Message=MESSAGE,
            Tags=[{"Name": name, "Value": "x"}],
        )
        assert error["Message"].startswith(f"Invalid tag name <{name}>")
    for name in ("ses:feedback-id-a", "ses:feedback-id-b"):
        ses.send_email(
            Source=SENDER,
            Destination={"ToAddresses": [SUCCESS]},
            Message=MESSAGE,
            Tags=[{"Name": name, "Value": "x"}],
        )
