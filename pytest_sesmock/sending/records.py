"""What the mock keeps of each send and each published event, and how they read in a message."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

# eventType -> (MatchingEventTypes value (v2's spelling, the backend's), EventBridge detail-type,
# CloudWatch metric name). DOC: event contents, the models, the EventBridge reference; CloudWatch
# names: AWS's metric specification as the CDK publishes it (DeliveryDelay, Subscription: INF).
EVENT_TYPES: dict[str, tuple[str, str, str]] = {
    "Send": ("SEND", "Email Sent", "Send"),
    "Reject": ("REJECT", "Email Rejected", "Reject"),
    "Bounce": ("BOUNCE", "Email Bounced", "Bounce"),
    "Complaint": ("COMPLAINT", "Email Complaint Received", "Complaint"),
    "Delivery": ("DELIVERY", "Email Delivered", "Delivery"),
    "Open": ("OPEN", "Email Opened", "Open"),
    "Click": ("CLICK", "Email Clicked", "Click"),
    "Rendering Failure": ("RENDERING_FAILURE", "Email Rendering Failed", "RenderingFailure"),
    "DeliveryDelay": ("DELIVERY_DELAY", "Email Delivery Delayed", "DeliveryDelay"),
    "Subscription": ("SUBSCRIPTION", "Email Subscribed", "Subscription"),
}


def _clock(when: float) -> str:
    return datetime.fromtimestamp(when, timezone.utc).strftime("%H:%M:%S.%f")[:-3]


@dataclass(frozen=True)
class SentMessage:
    """One email a send accepted, whoever answered it."""

    message_id: str
    operation: str
    """The API operation: ``SendEmail``, ``SendRawEmail``, ``SendBulkEmail``..."""
    api: str
    """``ses`` (v1) or ``sesv2``."""
    source: str
    destinations: tuple[str, ...]
    subject: str | None
    text: str | None
    html: str | None
    raw: bytes | None
    configuration_set: str | None
    tags: Mapping[str, str]
    template: str | None
    template_data: str | None
    region: str
    account: str
    time: float
    answered_by: str
    """``pytest-sesmock``, or ``moto`` when moto's mock answered the send."""

    def describe(self) -> str:
        """One readable line."""
        shown = self.operation if self.api == "ses" else f"{self.api}:{self.operation}"
        where = f" via {self.configuration_set!r}" if self.configuration_set else ""
        return (
            f"{_clock(self.time)} {shown} {self.message_id} from {self.source} to "
            f"{', '.join(self.destinations)}{where} (answered by {self.answered_by})"
        )


@dataclass(frozen=True)
class PublishedEvent:
    """One event published to one event destination, as SES publishes it."""

    event_type: str
    """``Send``, ``Delivery``, ``Bounce``, ``Complaint``, ``Reject``, ``DeliveryDelay``,
    ``Rendering Failure``..."""
    record: Mapping[str, Any]
    """The event record (``eventType``, ``mail``, ...), as destinations receive it."""
    message_id: str
    configuration_set: str
    destination: str
    """The event destination's name."""
    kind: str
    """``sns``, ``eventbridge``, ``firehose``, ``cloudwatch`` or ``pinpoint``."""
    target: str
    """The topic, event bus or delivery stream ARN, or the CloudWatch namespace."""
    payload: Mapping[str, Any]
    """The parameters of the call made to that service (``Publish``, ``PutEvents``,
    ``PutRecord``, ``PutMetricData``)."""
    delivery: str
    """``published`` (an in-process mock took it), or why not: ``not published: ...``."""
    region: str
    account: str
    time: float
    """The event's time on the mock's clock."""
    recipients: tuple[str, ...] = field(default=())
    """The recipients the event is about (all of the message's for Send, Reject...)."""

    def describe(self) -> str:
        """One readable line."""
        return (
            f"{_clock(self.time)} {self.event_type} of {self.message_id} "
            f"[{', '.join(self.recipients)}] set {self.configuration_set!r} -> "
            f"{self.destination} ({self.kind} {self.target}): {self.delivery}"
        )


def describe_events(events: Iterable[PublishedEvent], heading: str = "Published events") -> str:
    """A numbered listing for an assertion message."""
    listed = list(events)
    if not listed:
        return f"{heading}: none."
    lines = [f"{heading} ({len(listed)}):"]
    lines.extend(f"  {number}. {event.describe()}" for number, event in enumerate(listed, 1))
    return "\n".join(lines)


def describe_messages(messages: Iterable[SentMessage], heading: str = "Sent messages") -> str:
    """A numbered listing for an assertion message."""
    listed = list(messages)
    if not listed:
        return f"{heading}: none."
    lines = [f"{heading} ({len(listed)}):"]
    lines.extend(f"  {number}. {message.describe()}" for number, message in enumerate(listed, 1))
    return "\n".join(lines)
