"""What the inspection API shows of the records and the sets: plain JSON-ready values.

One function per kind of thing (a message, an event, a call, a configuration set), and
LocalStack's shape of a sent message for ``/_aws/ses``. Nothing here reads a request or writes
HTTP; ``server.inspection`` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from ..core.faults import configuration_set_of
from ..protocols.base import iso8601
from ..sending.destinations import kind_and_target
from ..sending.message import bare
from ..state.configuration_set import ConfigurationSet
from ..state.records import Call, PublishedEvent, SentMessage

PUBLISHED = "published"


def when(epoch: float) -> str:
    """``2026-12-07T18:20:01.123Z``: how every time is shown."""
    return iso8601(datetime.fromtimestamp(epoch, timezone.utc))


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("utf-8", "replace")


def message(
    sent: SentMessage, events: Iterable[PublishedEvent], lost: int, *, whole: bool = False
) -> dict[str, Any]:
    """A sent message; ``whole`` adds its parts, raw MIME and events (else counts of them).

    ``lost``: how many of its events the bounded store let go.
    """
    own = list(events)
    published = sum(event.delivery == PUBLISHED for event in own)
    shown: dict[str, Any] = {
        "id": sent.message_id,
        "api": sent.api,
        "operation": sent.operation,
        "region": sent.region,
        "account": sent.account,
        "time": when(sent.time),
        "from": sent.source,
        "to": list(sent.to),
        "cc": list(sent.cc),
        "bcc": list(sent.bcc),
        "destinations": list(sent.destinations),
        "subject": sent.subject,
        "configuration_set": sent.configuration_set,
        "tags": dict(sent.tags),
        "template": sent.template,
        "outcome": sent.outcome,
    }
    counts = {"published": published, "unpublished": len(own) - published, "dropped": lost}
    if not whole:
        shown["events"] = counts
        return shown
    shown.update(
        text=sent.text,
        html=sent.html,
        raw=_text(sent.raw),
        template_data=sent.template_data,
        event_counts=counts,
        events=[event(published_event) for published_event in own],
    )
    return shown


def event(published: PublishedEvent) -> dict[str, Any]:
    """One event, as published to one destination (or why it was not)."""
    return {
        "type": published.event_type,
        "message_id": published.message_id,
        "configuration_set": published.configuration_set,
        "destination": published.destination,
        "kind": published.kind,
        "target": published.target,
        "published": published.delivery == PUBLISHED,
        "delivery": published.delivery,
        "region": published.region,
        "account": published.account,
        "time": when(published.time),
        "recipients": list(published.recipients),
        "record": _plain(published.record),
        "payload": _plain(published.payload),
    }


def call(made: Call) -> dict[str, Any]:
    """One call the server answered."""
    return {
        "api": made.api,
        "operation": made.operation,
        "region": made.region,
        "account": made.account,
        "configuration_set": configuration_set_of(made.params),
        "time": when(made.time),
        "status": made.status,
        "error": made.error_code,
        "hint": made.hint,
        "throttled": made.throttled,
        "attempt": made.attempt,
        "params": _plain(made.params),
    }


def configuration_set(held: ConfigurationSet, account: str, region: str) -> dict[str, Any]:
    """One configuration set and its event destinations."""
    destinations = []
    for destination in held.event_destinations:
        kind, target = kind_and_target(destination)
        destinations.append(
            {
                "name": destination.get("Name", ""),
                "enabled": bool(destination.get("Enabled", False)),
                "matching_event_types": list(destination.get("MatchingEventTypes", ())),
                "kind": kind,
                "target": target,
            }
        )
    return {
        "name": held.name,
        "region": region,
        "account": account,
        "event_destinations": destinations,
        "tracking_options": _plain(held.tracking_options),
        "delivery_options": _plain(held.delivery_options),
        "reputation_options": {"ReputationMetricsEnabled": held.reputation_metrics_enabled},
        "sending_options": {"SendingEnabled": held.sending_enabled},
        "tags": _plain(held.tags),
    }


def localstack(sent: SentMessage) -> dict[str, Any]:
    """A sent message in the shape LocalStack's ``GET /_aws/ses`` gives it (its ``SentEmail``):
    ``RawData`` for a raw send, ``Template`` and ``TemplateData`` for a templated one, else
    ``Subject`` and ``Body``; ``Destination`` for all but a raw send."""
    shown: dict[str, Any] = {"Id": sent.message_id, "Region": sent.region, "Source": sent.source}
    if sent.raw is not None:
        shown["RawData"] = _text(sent.raw)
    else:
        destination: dict[str, list[str]] = {"ToAddresses": list(sent.to)}
        if sent.cc:
            destination["CcAddresses"] = list(sent.cc)
        if sent.bcc:
            destination["BccAddresses"] = list(sent.bcc)
        shown["Destination"] = destination
        if sent.template is not None:
            shown["Template"] = sent.template
            shown["TemplateData"] = sent.template_data
        else:
            shown["Subject"] = sent.subject
            shown["Body"] = {"text_part": sent.text, "html_part": sent.html}
    # LocalStack's timestamp: seconds, no zone (its ``timestamp()``); UTC here.
    shown["Timestamp"] = datetime.fromtimestamp(sent.time, timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S"
    )
    return shown


def matches_address(wanted: str, addresses: Iterable[str]) -> bool:
    """Whether ``wanted`` is one of ``addresses``, display names and case aside."""
    key = bare(wanted).lower()
    return any(bare(address).lower() == key for address in addresses)


def _plain(value: Any) -> Any:
    """``value`` as JSON can hold it: mappings to dicts, tuples to lists, dates to ISO 8601,
    bytes to text."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, datetime):
        return iso8601(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
