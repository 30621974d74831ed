"""What a mock records: each call, each message sent and each event published, and how they read
in a failure message. One ``Records`` object per mock owns them all."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, NamedTuple

RECORD_TEXT = 1024
"""A refused call's record keeps at most this many characters of each string it sent..."""
RECORD_ITEMS = 64
"""...this many fields (or list items) at each level..."""
RECORD_DEPTH = 6
"""...this many levels deep..."""
RECORD_BUDGET = 16 * 1024
"""...and this many characters in all; what is cut says how much was left out."""


operation_names: Callable[[str], Container[tuple[str, str]]] | None = None
"""What a name users type stands for (``core.names.operations``, registered by the core: the
names of the operations served are the APIs' to tell)."""


class Call(NamedTuple):
    """One SES call the mock answered, as the caller made it and as it was answered.

    Immutable. A named tuple rather than a frozen dataclass: one is made for every call, and a
    frozen dataclass sets each of its eleven fields through ``object.__setattr__``.
    """

    operation: str
    """The SES operation, e.g. ``"DescribeConfigurationSet"``."""
    params: Mapping[str, Any]
    """The parameters as the caller passed them, rebuilt from the wire (lists are lists)."""
    region: str
    account: str
    time: float
    """The mock clock's epoch seconds when the call arrived."""
    status: int
    """The HTTP status answered."""
    error_code: str | None
    """The error code answered, or None for a success."""
    throttled: bool
    """Whether the call was over its rate limit (answered with Throttling when enforced)."""
    attempt: int
    """1 for a first try, 2 and up for botocore's retries (from ``amz-sdk-request``)."""
    hint: str | None = None
    """Why an error may not be what the test meant (the set lives in another region, say)."""
    api: str = "ses"
    """The API it came through: ``"ses"`` (v1, Query) or ``"sesv2"`` (v2, rest-json)."""

    def matches(
        self, operation: str | Container[tuple[str, str]] | None, params: Mapping[str, Any]
    ) -> bool:
        """Whether this call is of ``operation`` (any when None) with these parameter values.

        ``operation`` is the API name or boto3's method name, of either API unless prefixed
        (``sesv2:GetConfigurationSet``), or resolved ``(api, operation)`` pairs; an unknown
        name is refused with the closest one.
        """
        if isinstance(operation, str):
            if operation_names is None:  # the core registers it when it is imported
                raise RuntimeError("pytest-sesmock's core is not loaded")
            operation = operation_names(operation)
        if operation is not None and (self.api, self.operation) not in operation:
            return False
        return all(self.params.get(name, _MISSING) == value for name, value in params.items())

    def describe(self) -> str:
        """One readable line: when, where, what, and how it was answered."""
        when = _clock(self.time)
        arguments = ", ".join(f"{name}={value!r}" for name, value in self.params.items())
        answer = str(self.status) + (f" {self.error_code}" if self.error_code else "")
        notes = "".join(
            (
                f" attempt {self.attempt}" if self.attempt > 1 else "",
                " [over rate limit]" if self.throttled else "",
            )
        )
        shown = self.operation if self.api == "ses" else f"{self.api}:{self.operation}"
        line = f"{when} {self.account}/{self.region} {shown}({arguments}) -> {answer}"
        return f"{line}{notes}\n     hint: {self.hint}" if self.hint else line + notes


_MISSING = object()


def describe_calls(calls: Iterable[Call], heading: str = "Recorded calls") -> str:
    """A numbered listing of ``calls`` for an assertion message."""
    listed = list(calls)
    if not listed:
        return f"{heading}: none."
    lines = [f"{heading} ({len(listed)}):"]
    lines.extend(f"  {number}. {call.describe()}" for number, call in enumerate(listed, 1))
    return "\n".join(lines)


def describe_filter(operation: Any, params: Mapping[str, Any]) -> str:
    """``DescribeConfigurationSet(ConfigurationSetName='x')``, or ``any operation``."""
    name = getattr(operation, "label", operation) or "any operation"
    if not params:
        return name
    return f"{name}({', '.join(f'{key}={value!r}' for key, value in params.items())})"


def capped(params: Mapping[str, Any]) -> Mapping[str, Any]:
    """``params`` with no more than a refused call's record may keep (``RECORD_*`` above).

    A request refused for what it carries (a 1 MiB form, say) would otherwise be kept whole in
    ``SesMock.calls`` for as long as the mock lives. Strings are cut, with how many characters
    were left out; extra fields and items are replaced by one ``"..."`` entry saying how many.
    """
    budget = [RECORD_BUDGET]
    return MappingProxyType(_cap(params, budget, RECORD_DEPTH))


def _cap(value: Any, budget: list[int], depth: int) -> Any:
    if isinstance(value, str):
        keep = max(0, min(len(value), RECORD_TEXT, budget[0]))
        budget[0] -= keep
        if keep == len(value):
            return value
        return f"{value[:keep]}... [{len(value) - keep} more characters]"
    if isinstance(value, (bytes, bytearray)):
        return _cap(bytes(value).decode("utf-8", "replace"), budget, depth)
    if isinstance(value, Mapping):
        if depth <= 0:
            return f"... [{len(value)} fields]"
        out: dict[Any, Any] = {}
        for index, (key, item) in enumerate(value.items()):
            if index == RECORD_ITEMS or budget[0] <= 0:
                out["..."] = f"[{len(value) - index} more fields]"
                break
            out[_cap(key, budget, 0) if isinstance(key, str) else key] = _cap(
                item, budget, depth - 1
            )
        return out
    if isinstance(value, (list, tuple)):
        if depth <= 0:
            return [f"... [{len(value)} items]"]
        items: list[Any] = []
        for index, item in enumerate(value):
            if index == RECORD_ITEMS or budget[0] <= 0:
                items.append(f"... [{len(value) - index} more items]")
                break
            items.append(_cap(item, budget, depth - 1))
        return items
    return value  # numbers, booleans, None, dates: small


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
    """One email a send accepted.

    ``tags`` are the caller's message tags as a ``{name: value}`` dict (the ``Tags`` parameter,
    or else the ``X-SES-MESSAGE-TAGS`` header); the tags on published events
    (``PublishedEvent.record["mail"]["tags"]``) are a dict of lists, SES's auto-tags included.
    """

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
    """Who answered the send: ``pytest-sesmock``, alone and beside moto alike (moto keeps a copy
    of the message in its own records)."""

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


class Records:
    """Everything one mock records: ``calls``, sent ``messages``, published ``events``, and what
    opening or clicking a sent message needs (``sent``, by message id).

    A nested mock's records are seen by the mocks around it too: ``chain`` is this object and the
    records around it while nested (empty for a mock that keeps no records: the serve command's,
    which nothing outside its process could read). Writers add through ``chain``; the lists are
    read by the mock's assertions.
    """

    __slots__ = ("calls", "chain", "events", "keeping", "messages", "outer", "sent")

    def __init__(self, *, keeping: bool = True) -> None:
        self.calls: list[Call] = []
        self.messages: list[SentMessage] = []
        self.events: list[PublishedEvent] = []
        self.sent: dict[str, Any] = {}
        """Message id -> what ``simulate_open`` and ``simulate_click`` need of that message."""
        self.keeping = keeping
        self.outer: Records | None = None
        self.chain: tuple[Records, ...] = (self,) if keeping else ()

    def keep(self, keeping: bool) -> None:
        """Keep records from now on, or not (``python -m pytest_sesmock serve`` keeps none)."""
        self.keeping = keeping
        self.nest_in(self.outer)

    def nest_in(self, outer: Records | None) -> None:
        """Be seen by ``outer``'s records too (None: by nothing else) from now on."""
        self.outer = outer
        around = outer.chain if outer is not None else ()
        self.chain = ((self,) if self.keeping else ()) + around

    def add_call(self, call: Call) -> None:
        """Record a call here and in the records around."""
        for records in self.chain:
            records.calls.append(call)

    def add_message(
        self, message: SentMessage, events: Iterable[PublishedEvent], sent: Any
    ) -> None:
        """Record a sent message, the events it published, and what opening it needs."""
        published = list(events)
        for records in self.chain:
            records.messages.append(message)
            records.events.extend(published)
            records.sent[message.message_id] = sent

    def add_events(self, events: Iterable[PublishedEvent]) -> None:
        """Record events published later (an open, a click)."""
        published = list(events)
        for records in self.chain:
            records.events.extend(published)

    def clear_calls(self) -> None:
        """Forget the calls."""
        self.calls.clear()

    def clear_events(self) -> None:
        """Forget the events and the sent messages, and what opening them needed."""
        self.events.clear()
        self.messages.clear()
        self.sent.clear()
