"""The event records SES publishes for a message sent through a configuration set.

The format is the one SES documents for event publishing (``eventType``, a ``mail`` object and
one object per type; DOC: developer guide, "Contents of event data" and "Examples of event
data"), with what recordings add (REC: the ``ses:operation`` tag, ``ses:outgoing-ip`` only from
the delivery on, no ``sourceArn`` on a templated message's Send, a bounce's key order). Where no
source says, the choice is marked INF here and in the README.

Each message gives a ``Send``, then per its recipients' outcomes: one ``Delivery`` per recipient
domain, one ``Bounce`` per bounce type and subtype (DOC: the simulator combines bounces of one
request), a ``DeliveryDelay`` per delay type, a ``Complaint`` per complaining recipient (after its
delivery). A message SES's virus scan rejects gives ``Send`` and ``Reject``; a template that does
not render gives ``Send`` and ``Rendering Failure``. Timestamps come from the mock's clock: the
message's is the send's; later events follow it by SES-like processing times (INF).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .ids import message_id, timestamp
from .message import Message, bare, domain_of
from .outcomes import Outcome

SOURCE_IP = "192.0.2.0"
"""``ses:source-ip`` and ``ses:outgoing-ip`` (the documentation address of the guide's examples)."""
CALLER_IDENTITY = "ses_user"
"""``ses:caller-identity``: the IAM identity that called (the guide's examples' value)."""

DELIVERY_SECONDS = 0.6
"""How long after the send a delivery, bounce or delay is reported (INF: recordings show 0.6 s
for the simulator)."""
COMPLAINT_SECONDS = 1.2
DELAY_EXPIRY_SECONDS = 14 * 3600
"""A delayed message is retried for up to 14 hours (INF, the guide's retry period)."""


@dataclass(frozen=True)
class Event:
    """One event record, and when it happened (epoch seconds on the mock's clock)."""

    event_type: str
    record: dict[str, Any]
    time: float


def _mta(region: str, prefix: str) -> str:
    # REC: a8-90/a8-44.smtp-out.amazonses.com in us-east-1, a7-17.smtp-out.eu-west-1... elsewhere.
    return (
        f"{prefix}.smtp-out.amazonses.com"
        if region == "us-east-1"
        else (f"{prefix}.smtp-out.{region}.amazonses.com")
    )


class MailWriter:
    """Writes the ``mail`` object of one message's events."""

    def __init__(
        self,
        message: Message,
        message_id: str,
        account: str,
        region: str,
        when: float,
        configuration_set: str,
    ) -> None:
        self.message = message
        self.message_id = message_id
        self.account = account
        self.region = region
        self.when = when
        self.configuration_set = configuration_set

    def tags(self, *, outgoing: bool = False, minimal: bool = False) -> dict[str, list[str]]:
        """Auto-tags (DOC; ``ses:operation``: REC), then the caller's own tags."""
        tags: dict[str, list[str]] = {}
        if not minimal:
            tags["ses:operation"] = [self.message.operation]
        tags["ses:configuration-set"] = [self.configuration_set]
        if minimal:
            return tags  # DOC: the Rendering Failure and DeliveryDelay examples carry only this
        tags["ses:source-ip"] = [SOURCE_IP]
        domain = domain_of(self.message.source)
        if domain:  # REC: absent when the raw message had no From
            tags["ses:from-domain"] = [domain]
        tags["ses:caller-identity"] = [CALLER_IDENTITY]
        if outgoing:
            tags["ses:outgoing-ip"] = [SOURCE_IP]
        for name, value in self.message.tags.items():
            tags[name] = [value]
        return tags

    def headers(self, *, rendered: bool) -> list[dict[str, str]]:
        """The message's headers; a templated one gains its Subject once rendered (DOC)."""
        headers = list(self.message.headers)
        message = self.message
        if rendered and message.templated and message.subject is not None:
            at = next((i for i, (n, _) in enumerate(headers) if n == "MIME-Version"), len(headers))
            headers.insert(at, ("Subject", message.subject))
        return [{"name": name, "value": value} for name, value in headers]

    def common_headers(self, *, rendered: bool) -> dict[str, Any]:
        """``commonHeaders``: from, date, replyTo, to, cc, messageId, subject, when present."""
        message = self.message
        out: dict[str, Any] = {}
        senders = message.from_header if message.from_header is not None else [message.source]
        if senders:
            out["from"] = senders
        if message.date is not None:
            out["date"] = message.date
        if message.reply_to:
            out["replyTo"] = list(message.reply_to)  # REC
        if message.to:
            out["to"] = list(message.to)
        if message.cc:
            out["cc"] = list(message.cc)  # INF
        out["messageId"] = self.message_id  # DOC/REC: SES's id, also for a raw message
        if message.subject is not None and (rendered or not message.templated):
            out["subject"] = message.subject
        return out

    def mail(self, *, stage: str) -> dict[str, Any]:
        """The ``mail`` object. ``stage``: ``send`` (the Send and Reject events), ``later``
        (delivery and after), ``minimal`` (Rendering Failure, DeliveryDelay: DOC examples)."""
        message = self.message
        out: dict[str, Any] = {
            "timestamp": timestamp(self.when),
            "source": message.source,
        }
        sender = bare(message.source)
        # REC: a templated message's Send event has no sourceArn; later ones have it.
        if sender and not (stage == "send" and message.templated):
            out["sourceArn"] = f"arn:aws:ses:{self.region}:{self.account}:identity/{sender}"
        out["sendingAccountId"] = self.account
        out["messageId"] = self.message_id
        out["destination"] = message.destinations
        out["headersTruncated"] = False
        if stage == "minimal":
            out["tags"] = self.tags(minimal=True)
            return out
        rendered = stage == "later"
        out["headers"] = self.headers(rendered=rendered)
        out["commonHeaders"] = self.common_headers(rendered=rendered)
        out["tags"] = self.tags(outgoing=rendered)
        return out


def for_message(
    writer: MailWriter,
    outcomes: Sequence[tuple[str, Outcome]],
    *,
    rejected: bool = False,
    rendering_failure: str | None = None,
) -> list[Event]:
    """Every event of one message, in the order SES publishes them."""
    t0 = writer.when
    region = writer.region
    events = [
        Event("Send", {"eventType": "Send", "mail": writer.mail(stage="send"), "send": {}}, t0)
    ]
    if rejected:  # DOC: accepted, found to carry a virus, not delivered
        record = {
            "eventType": "Reject",
            "mail": writer.mail(stage="send"),
            "reject": {"reason": "Bad content"},
        }
        return [*events, Event("Reject", record, t0)]
    if rendering_failure is not None:
        failure = {"errorMessage": rendering_failure, "templateName": writer.message.template or ""}
        record = {
            "eventType": "Rendering Failure",
            "mail": writer.mail(stage="minimal"),
            "failure": failure,
        }
        return [*events, Event("Rendering Failure", record, t0)]
    t1 = t0 + DELIVERY_SECONDS
    delivered: dict[str, list[str]] = {}
    bounced: dict[tuple[str, str], list[tuple[str, Outcome]]] = {}
    delayed: dict[str, list[str]] = {}
    complained: list[tuple[str, Outcome]] = []
    for address, outcome in outcomes:
        if outcome.kind in ("delivery", "complaint"):
            delivered.setdefault(domain_of(address), []).append(bare(address))
            if outcome.kind == "complaint":
                complained.append((address, outcome))
        elif outcome.kind == "bounce":
            key = (outcome.bounce_type, outcome.bounce_subtype)
            bounced.setdefault(key, []).append((address, outcome))
        elif outcome.kind == "delay":
            delayed.setdefault(outcome.delay_type, []).append(bare(address))
    for recipients in delivered.values():
        detail = {
            "timestamp": timestamp(t1),
            "processingTimeMillis": int(DELIVERY_SECONDS * 1000),
            "recipients": recipients,
            "smtpResponse": "250 2.6.0 Message received",  # REC (simulator)
            "reportingMTA": _mta(region, "a8-90"),  # REC (simulator, us-east-1)
        }
        record = {"eventType": "Delivery", "mail": writer.mail(stage="later"), "delivery": detail}
        events.append(Event("Delivery", record, t1))
    for (bounce_type, subtype), group in bounced.items():
        first = group[0][1]
        status, diagnostic = first.bounce_details
        bounce = {
            "feedbackId": message_id(region, t1),
            "bounceType": bounce_type,
            "bounceSubType": subtype,
            "bouncedRecipients": [
                {
                    "emailAddress": bare(address),
                    "action": "failed",
                    "status": status,
                    "diagnosticCode": diagnostic,
                }
                for address, _ in group
            ],
            "timestamp": timestamp(t1),
            # REC: the simulator's hard bounce, and SES's own suppression bounces.
            "reportingMTA": "dns; amazonses.com"
            if first.suppressed
            else "dns; " + _mta(region, "a8-44"),
        }
        # REC: no ses:outgoing-ip on a bounce; the rendered subject is there (DOC).
        mail = writer.mail(stage="later")
        mail["tags"].pop("ses:outgoing-ip", None)
        events.append(Event("Bounce", {"eventType": "Bounce", "bounce": bounce, "mail": mail}, t1))
    for delay_type, recipients in delayed.items():
        delay = {
            "timestamp": timestamp(t1),
            "delayType": delay_type,
            "expirationTime": timestamp(t0 + DELAY_EXPIRY_SECONDS),
            "delayedRecipients": [
                {
                    "emailAddress": address,
                    "status": "4.4.1",
                    "diagnosticCode": "smtp; 421 4.4.1 Unable to connect to remote host",
                }  # DOC
                for address in recipients
            ],
        }
        events.append(
            Event(
                "DeliveryDelay",
                {
                    "eventType": "DeliveryDelay",
                    "mail": writer.mail(stage="minimal"),
                    "deliveryDelay": delay,
                },
                t1,
            )
        )
    t2 = t0 + COMPLAINT_SECONDS
    for address, outcome in complained:
        complaint: dict[str, Any] = {
            "feedbackId": message_id(region, t2),
            "complaintSubType": None,
            "complainedRecipients": [{"emailAddress": bare(address)}],
            "timestamp": timestamp(t2),
        }
        if outcome.simulator:  # REC: the simulator's complaint (no arrivalDate)
            complaint["userAgent"] = "Amazon SES Mailbox Simulator"
            complaint["complaintFeedbackType"] = outcome.feedback_type
        else:  # DOC: with a feedback report, its user agent, type and arrival date
            complaint["userAgent"] = "pytest-sesmock"
            complaint["complaintFeedbackType"] = outcome.feedback_type
            complaint["arrivalDate"] = timestamp(t2)
        record = {
            "eventType": "Complaint",
            "complaint": complaint,
            "mail": writer.mail(stage="later"),
        }
        events.append(Event("Complaint", record, t2))
    return events
