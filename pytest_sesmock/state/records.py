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
EVENTS_PER_MESSAGE = 4
"""A bounded ``Records`` keeps this many events for each message it may keep: a message publishes
a Send and a Delivery (or Bounce...) at least, so that the messages held keep their events."""
STORE_BYTES = 32 * 1024 * 1024
"""A bounded ``Records`` keeps messages whose text, HTML and raw MIME come to this many bytes at
most (the newest first; always the newest one): 1,000 messages of 1 MiB would not fit in a small
test machine's memory."""


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
    to: tuple[str, ...] = ()
    """The To addresses (of a raw message, its To header); ``destinations`` has every one."""
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    outcome: str = ""
    """What became of it when it was sent: ``delivered``, ``bounced``, ``complained``,
    ``delayed``, ``rejected`` or ``rendering failure``; for recipients of different fates, each
    address with its own (``a@example.com delivered; b@example.com bounced``)."""

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
    records around it while nested (empty for a mock that keeps no records). Writers add through
    ``chain``; the lists are read by the mock's assertions.

    ``bound(limit)`` keeps only the newest ``limit`` calls and messages, and
    ``EVENTS_PER_MESSAGE`` times as many events (server mode's store, which must not grow for as
    long as a server runs); what was let go is counted in ``dropped``, and the events a held
    message lost in ``events_dropped_of``.
    """

    __slots__ = (
        "calls",
        "chain",
        "cleared",
        "dropped",
        "event_limit",
        "events",
        "events_dropped_of",
        "held_bytes",
        "keeping",
        "limit",
        "messages",
        "outer",
        "sent",
    )

    def __init__(self, *, keeping: bool = True) -> None:
        self.calls: list[Call] = []
        self.messages: list[SentMessage] = []
        self.events: list[PublishedEvent] = []
        self.sent: dict[str, Any] = {}
        """Message id -> what ``simulate_open`` and ``simulate_click`` need of that message."""
        self.keeping = keeping
        self.outer: Records | None = None
        self.chain: tuple[Records, ...] = (self,) if keeping else ()
        self.limit: int | None = None
        """The most calls and messages that are kept (None: all)."""
        self.event_limit: int | None = None
        """The most events that are kept (None: all)."""
        self.dropped = Dropped()
        """How many calls, messages and events were let go to stay within ``limit``."""
        self.events_dropped_of: dict[str, int] = {}
        """Message id of a held message -> how many of its events were let go."""
        self.cleared = 0
        """How many times something was cleared: a reader's sign that the records changed."""
        self.held_bytes = 0
        """What the messages held weigh (``STORE_BYTES`` at most, when bounded)."""

    def keep(self, keeping: bool) -> None:
        """Keep records from now on, or not."""
        self.keeping = keeping
        self.nest_in(self.outer)

    def bound(self, limit: int | None) -> None:
        """Keep at most ``limit`` of the newest calls and messages, and ``EVENTS_PER_MESSAGE``
        times as many events (None: all)."""
        if limit is not None and limit < 1:
            raise ValueError(f"a store keeps at least one of each; got {limit}")
        self.limit = limit
        self.event_limit = None if limit is None else limit * EVENTS_PER_MESSAGE
        self.held_bytes = sum(map(_weight, self.messages)) if limit is not None else 0
        if limit is not None:
            self.trim_calls()
            self._trim_messages()
            self._trim_events()

    def nest_in(self, outer: Records | None) -> None:
        """Be seen by ``outer``'s records too (None: by nothing else) from now on."""
        self.outer = outer
        around = outer.chain if outer is not None else ()
        self.chain = ((self,) if self.keeping else ()) + around

    def add_call(self, call: Call) -> None:
        """Record a call here and in the records around."""
        for records in self.chain:
            records.calls.append(call)
            if records.limit is not None:
                records.trim_calls()

    def trim_calls(self) -> None:
        """Let the oldest calls go, down to ``limit`` (the pipeline appends calls itself)."""
        limit = self.limit
        if limit is not None and len(self.calls) > limit:
            over = len(self.calls) - limit
            del self.calls[:over]
            self.dropped.calls += over

    def add_message(
        self, message: SentMessage, events: Iterable[PublishedEvent], sent: Any
    ) -> None:
        """Record a sent message, the events it published, and what opening it needs."""
        published = list(events)
        for records in self.chain:
            records.messages.append(message)
            records.events.extend(published)
            records.sent[message.message_id] = sent
            if records.limit is not None:
                records.held_bytes += _weight(message)
                records._trim_messages()
                records._trim_events()

    def add_events(self, events: Iterable[PublishedEvent]) -> None:
        """Record events published later (an open, a click)."""
        published = list(events)
        for records in self.chain:
            records.events.extend(published)
            if records.limit is not None:
                records._trim_events()

    def _trim_messages(self) -> None:
        limit = self.limit
        messages = self.messages
        if limit is None or (len(messages) <= limit and self.held_bytes <= STORE_BYTES):
            return
        over = max(0, len(messages) - limit)
        for gone in messages[:over]:
            self.held_bytes -= _weight(gone)
        # Then the oldest of the rest, while they weigh too much (the newest always stays).
        while self.held_bytes > STORE_BYTES and over < len(messages) - 1:
            self.held_bytes -= _weight(messages[over])
            over += 1
        for gone in messages[:over]:
            self.sent.pop(gone.message_id, None)
            self.events_dropped_of.pop(gone.message_id, None)
        del messages[:over]
        self.dropped.messages += over

    def _trim_events(self) -> None:
        limit = self.event_limit
        if limit is None or len(self.events) <= limit:
            return
        over = len(self.events) - limit
        held, lost = self.sent, self.events_dropped_of
        for gone in self.events[:over]:
            if gone.message_id in held:  # its message is still shown: say what it lost
                lost[gone.message_id] = lost.get(gone.message_id, 0) + 1
        del self.events[:over]
        self.dropped.events += over

    def forget_message(self, message_id: str) -> bool:
        """Forget one message and its events; whether it was held."""
        if message_id not in self.sent and not any(
            held.message_id == message_id for held in self.messages
        ):
            return False
        if self.limit is not None:
            self.held_bytes -= sum(
                _weight(held) for held in self.messages if held.message_id == message_id
            )
        self.messages[:] = [held for held in self.messages if held.message_id != message_id]
        self.events[:] = [event for event in self.events if event.message_id != message_id]
        self.sent.pop(message_id, None)
        self.events_dropped_of.pop(message_id, None)
        self.cleared += 1
        return True

    def clear_calls(self) -> None:
        """Forget the calls (and how many were let go)."""
        self.calls.clear()
        self.dropped.calls = 0
        self.cleared += 1

    def clear_events(self) -> None:
        """Forget the events and the sent messages, and what opening them needed."""
        self.events.clear()
        self.messages.clear()
        self.sent.clear()
        self.events_dropped_of.clear()
        self.dropped.messages = self.dropped.events = 0
        self.held_bytes = 0
        self.cleared += 1

    def clear_published(self) -> None:
        """Forget the events only, keeping the messages they were published for."""
        self.events.clear()
        self.events_dropped_of.clear()
        self.dropped.events = 0
        self.cleared += 1


def _weight(message: SentMessage) -> int:
    """Roughly what a message holds in memory: its text, HTML and raw MIME."""
    return len(message.raw or b"") + len(message.text or "") + len(message.html or "") + 512


class Dropped:
    """How many calls, messages and events a bounded ``Records`` let go."""

    __slots__ = ("calls", "events", "messages")

    def __init__(self) -> None:
        self.calls = 0
        self.messages = 0
        self.events = 0

    def as_dict(self) -> dict[str, int]:
        """``{"calls": n, "messages": n, "events": n}``."""
        return {"calls": self.calls, "messages": self.messages, "events": self.events}
