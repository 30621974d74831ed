"""Handing an event to a configuration set's destinations, as SES hands it to each service.

An event goes, once, to every **enabled** destination of the message's set whose
``MatchingEventTypes`` include its type, and to no other set's (DOC, developer guide; LocalStack
pull 12972 quotes it). Each destination type gets what SES sends it:

- SNS: ``Publish`` with ``Subject`` ``Amazon SES Email Event Notification`` and the record as
  compact JSON followed by a newline (REC: recorded notifications);
- EventBridge (default bus): ``PutEvents`` with source ``aws.ses``, the documented detail-type
  (``Email Delivered``, ...) and the record as ``detail`` (DOC; the envelope's ``resources``: INF);
- Kinesis Data Firehose: ``PutRecord`` of the record and a newline (DOC);
- CloudWatch: ``PutMetricData`` in ``AWS/SES``, one count per event with the destination's
  dimensions (DOC; one datum carrying every dimension: INF).

The calls are handed to the account's other services (``state.other_services``): beside moto,
its adapter makes them in moto (its SNS delivering to its SQS subscriptions, say), never leaving
the process; without moto nothing is called and the event is recorded as not published. Either
way it is on the mock's records.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ..state.other_services import OtherServices
from ..state.records import EVENT_TYPES, PublishedEvent
from .events import Event
from .message import Message

SNS_SUBJECT = "Amazon SES Email Event Notification"
SNS_VALIDATION = "Successfully validated SNS topic for Amazon SES event publishing."
"""What SES publishes, without a Subject, to the topic of an SNS event destination it creates
(REC: localstack/localstack ``tests/aws/services/ses/test_ses.snapshot.json``, 2023-08, the first
message of each SNS topic)."""
NAMESPACE = "AWS/SES"
# DOC (model): what a CloudWatch dimension value may hold.
_DIMENSION_VALUE = re.compile(r"[A-Za-z0-9_\-@.]{1,256}")

_KINDS = (
    ("SnsDestination", "sns"),
    ("EventBridgeDestination", "eventbridge"),
    ("KinesisFirehoseDestination", "firehose"),
    ("CloudWatchDestination", "cloudwatch"),
    ("PinpointDestination", "pinpoint"),
)


def compact(record: Mapping[str, Any]) -> str:
    """The record as SES writes it: compact JSON."""
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False)


def recipients_of(event: Event) -> tuple[str, ...]:
    """The recipients an event is about."""
    record = event.record
    if "bounce" in record:
        return tuple(r["emailAddress"] for r in record["bounce"]["bouncedRecipients"])
    if "complaint" in record:
        return tuple(r["emailAddress"] for r in record["complaint"]["complainedRecipients"])
    if "delivery" in record:
        return tuple(record["delivery"]["recipients"])
    if "deliveryDelay" in record:
        return tuple(r["emailAddress"] for r in record["deliveryDelay"]["delayedRecipients"])
    from .message import bare

    return tuple(bare(address) for address in record["mail"]["destination"])


_TARGETS = {
    "sns": "TopicArn",
    "eventbridge": "EventBusArn",
    "firehose": "DeliveryStreamArn",
    "pinpoint": "ApplicationArn",
}


def kind_and_target(destination: Mapping[str, Any]) -> tuple[str, str]:
    """``("sns", topic ARN)``: what kind of destination it is and where it publishes (the
    CloudWatch namespace for CloudWatch); ``("", "")`` for none of the five."""
    for key, kind in _KINDS:
        spec = destination.get(key)
        if isinstance(spec, Mapping):
            if kind == "cloudwatch":
                return kind, NAMESPACE
            return kind, str(spec.get(_TARGETS[kind], ""))
    return "", ""


def matching(destinations: list[dict[str, Any]], event_type: str) -> list[dict[str, Any]]:
    """The enabled destinations whose ``MatchingEventTypes`` include ``event_type``."""
    wanted = EVENT_TYPES[event_type][0]
    return [
        d for d in destinations if d.get("Enabled") and wanted in d.get("MatchingEventTypes", ())
    ]


def _arn_parts(arn: str) -> tuple[str, str, str]:
    """(region, account, resource) of an ARN; empty strings where it has none."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return "", "", ""
    return parts[3], parts[4], parts[5]


def dimensions(
    destination: Mapping[str, Any], event: Event, message: Message, tags: Mapping[str, list[str]]
) -> list[dict[str, str]] | str:
    """A CloudWatch destination's dimensions for one event, or why SES sends no metric."""
    out = []
    headers = {name.lower(): value for name, value in message.headers}
    link_tags = event.record.get("click", {}).get("linkTags", {})
    for config in destination.get("DimensionConfigurations", ()):
        name = config.get("DimensionName", "")
        source = config.get("DimensionValueSource", "")
        value: str | None = None
        if source == "MESSAGE_TAG":  # the Tags parameter, X-SES-MESSAGE-TAGS, or an auto-tag
            value = next(iter(tags.get(name) or ()), None)
        elif source == "EMAIL_HEADER":
            value = headers.get(name.lower())
            if value is not None and not _DIMENSION_VALUE.fullmatch(value):
                # DOC: "the email sending call will still succeed, but the event metrics will
                # not be sent".
                return f"not published: header {name} value {value!r} cannot be a dimension"
        elif source == "LINK_TAG":
            value = next(iter(link_tags.get(name) or ()), None)
        out.append({"Name": name, "Value": value or config.get("DefaultDimensionValue", "")})
    if message.tags_from_header and any(
        not _DIMENSION_VALUE.fullmatch(f"{n}{v}") for n, v in message.tags.items()
    ):
        return "not published: X-SES-MESSAGE-TAGS holds characters metrics cannot (DOC)"
    return out


def payload_for(
    kind: str,
    spec: Mapping[str, Any],
    event: Event,
    message: Message,
    tags: Mapping[str, list[str]],
    region: str,
    account: str,
    configuration_set: str,
) -> tuple[str, dict[str, Any] | str]:
    """(target, call parameters) for one destination; the parameters are a reason when SES
    would send nothing."""
    record = event.record
    if kind == "sns":
        arn = spec.get("TopicArn", "")
        return arn, {"TopicArn": arn, "Subject": SNS_SUBJECT, "Message": compact(record) + "\n"}
    if kind == "eventbridge":
        arn = spec.get("EventBusArn", "")
        entry = {
            "Source": "aws.ses",
            "DetailType": EVENT_TYPES[event.event_type][1],
            "Detail": compact(record),
            "EventBusName": arn,
            "Resources": [f"arn:aws:ses:{region}:{account}:configuration-set/{configuration_set}"],
        }
        return arn, {"Entries": [entry]}
    if kind == "firehose":
        arn = spec.get("DeliveryStreamArn", "")
        stream = _arn_parts(arn)[2].partition("/")[2]
        data = (compact(record) + "\n").encode()
        return arn, {"DeliveryStreamName": stream, "Record": {"Data": data}}
    if kind == "cloudwatch":
        dims = dimensions(spec, event, message, tags)
        if isinstance(dims, str):
            return NAMESPACE, dims
        from datetime import datetime, timezone

        datum = {
            "MetricName": EVENT_TYPES[event.event_type][2],
            "Dimensions": dims,
            "Timestamp": datetime.fromtimestamp(event.time, timezone.utc),
            "Value": 1.0,
            "Unit": "Count",
        }
        return NAMESPACE, {"Namespace": NAMESPACE, "MetricData": [datum]}
    return spec.get(
        "ApplicationArn", ""
    ), "not published: pytest-sesmock does not publish to Pinpoint"


# kind -> (botocore service, operation method)
_CALLS = {
    "sns": ("sns", "publish"),
    "eventbridge": ("events", "put_events"),
    "firehose": ("firehose", "put_record"),
    "cloudwatch": ("cloudwatch", "put_metric_data"),
}


def publish(
    destinations: list[dict[str, Any]],
    event: Event,
    message: Message,
    message_id: str,
    tags: Mapping[str, list[str]],
    region: str,
    account: str,
    configuration_set: str,
    other: OtherServices,
) -> list[PublishedEvent]:
    """Publish one event to each matching destination of its set (through ``other``, the
    account's other services); what was published."""
    out = []
    recipients = recipients_of(event)
    for destination in matching(destinations, event.event_type):
        kind = next((k for key, k in _KINDS if key in destination), "")
        if not kind:
            continue
        spec = destination[next(key for key, k in _KINDS if k == kind)]
        target, payload = payload_for(
            kind, spec, event, message, tags, region, account, configuration_set
        )
        if isinstance(payload, str):
            delivery, payload = payload, {}
        else:
            service, method = _CALLS[kind]
            target_region, target_account, _ = _arn_parts(target)
            delivery = other.publish(
                service, method, target_region or region, target_account or account, payload
            )
        out.append(
            PublishedEvent(
                event.event_type,
                event.record,
                message_id,
                configuration_set,
                destination.get("Name", ""),
                kind,
                target,
                payload,
                delivery,
                region,
                account,
                event.time,
                recipients,
            )
        )
    return out


def validate_sns_topic(
    destination: Mapping[str, Any], region: str, account: str, other: OtherServices
) -> str | None:
    """An SNS event destination created through the API: SES first publishes its validation
    message to the topic (REC). Not an email event: nothing is recorded for it. What the call
    gave (``"published"``, or why not), or None when the destination is not an SNS one."""
    spec = destination.get("SnsDestination")
    if not isinstance(spec, Mapping):
        return None
    arn = str(spec.get("TopicArn", ""))
    target_region, target_account, _ = _arn_parts(arn)
    payload = {"TopicArn": arn, "Message": SNS_VALIDATION}
    return other.publish(
        "sns", "publish", target_region or region, target_account or account, payload
    )
