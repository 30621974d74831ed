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

The calls are made through botocore only while moto's mock is active, so they land in moto (its
SNS delivering to its SQS subscriptions, say) and never leave the process; without moto nothing
is called and the event is recorded as not published. Either way it is on the mock's records.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any

from ..adapters import moto
from ..adapters.environment import FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY
from .events import Event
from .message import Message
from .records import EVENT_TYPES, PublishedEvent

SNS_SUBJECT = "Amazon SES Email Event Notification"
NAMESPACE = "AWS/SES"
# DOC (model): what a CloudWatch dimension value may hold.
_DIMENSION_VALUE = re.compile(r"[A-Za-z0-9_\-@.]{1,256}")
_NO_MOCK = "not published: no in-process mock answers {service} (moto's mock_aws is not active)"

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
) -> list[PublishedEvent]:
    """Publish one event to each matching destination of its set; what was published."""
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
            delivery = _call(kind, target, region, account, payload)
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


def _call(kind: str, target: str, region: str, account: str, payload: dict[str, Any]) -> str:
    service, method = _CALLS[kind]
    if not moto.active():
        return _NO_MOCK.format(service=service.upper() if service == "sns" else service)
    target_region, target_account, _ = _arn_parts(target)
    try:
        client = _client(service, target_region or region, target_account or account)
        answer = getattr(client, method)(**payload)
    except Exception as problem:  # SES drops what its destination refuses; say why
        return f"not published: {service} answered {type(problem).__name__}: {problem}"
    failed = answer.get("FailedEntryCount") if isinstance(answer, Mapping) else None
    if failed:
        return f"not published: events answered {answer.get('Entries')}"
    return "published"


_clients: dict[tuple[str, str, str], Any] = {}
_clients_lock = threading.Lock()
# The session the clients come from and the moto stubber it was made with: a new stubber
# (moto imported again) makes both anew, as the old ones would go past it to the network.
_session: tuple[Any, Any] = (None, None)


def _client(service: str, region: str, account: str) -> Any:
    """A botocore client of ``service`` that moto answers for ``account`` (kept for reuse)."""
    global _session
    key = (service, region, account)
    current = moto.stubber()
    found = _clients.get(key)
    if found is not None and _session[1] is current:
        return found
    with _clients_lock:
        if _session[1] is not current or _session[0] is None:
            import botocore.session

            _session = (botocore.session.Session(), current)
            _clients.clear()
        found = _clients.get(key)
        if found is not None:
            return found
        import botocore.config

        client = _session[0].create_client(
            service,
            region_name=region,
            aws_access_key_id=FAKE_ACCESS_KEY_ID,
            aws_secret_access_key=FAKE_SECRET_ACCESS_KEY,
            config=botocore.config.Config(retries={"total_max_attempts": 1}),
        )
        client.meta.events.register("before-sign", _account_header(account))
        _clients[key] = client
        return client


def _account_header(account: str) -> Callable[..., None]:
    """moto serves the account a request names in ``x-moto-account-id``: the resource's."""

    def add(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = account

    return add
