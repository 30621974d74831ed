"""The event records SES publishes for a message sent through a configuration set.

The format is the one SES documents for event publishing (``eventType``, a ``mail`` object and
one object per type; DOC: developer guide, ``event-publishing-retrieving-sns-contents`` and
``event-publishing-retrieving-sns-examples``), with what recordings add or change. REC, unless a
line says otherwise, is localstack/localstack ``tests/aws/services/ses/test_ses.snapshot.json``
(recorded against AWS, 2023-08): the ``ses:operation`` tag and the tags' key order,
``ses:outgoing-ip`` on the Delivery only, no ``sourceArn`` and no content headers on a templated
message's Send, the Date header its Delivery gains, no ``ses:from-domain`` for a raw message
without From. Where the guide's examples differ from a recording, the recording wins; where
recordings of different years differ, the newest wins. Where no source says, the choice is marked
INF here and in docs/evidence.md.

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
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any

from .ids import message_id, timestamp
from .message import Message, bare, content_headers, domain_of
from .outcomes import Outcome

SOURCE_IP = "192.0.2.0"
"""``ses:source-ip``: where the caller called from (a documentation address, RFC 5737; the
guide's examples use it)."""
OUTGOING_IP = "198.51.100.1"
"""``ses:outgoing-ip``: the address SES sent from; another documentation address, since in every
recording it differs from the source (REC)."""
REMOTE_MTA_IP = "203.0.113.1"
"""``delivery.remoteMtaIp``: the receiving server (REC: 2025 recordings carry it; a third
documentation address)."""
TLS_VERSION = "TLSv1.3"
"""``ses:source-tls-version`` and ``ses:outgoing-tls-version`` (REC: the value of 2025 captures)."""
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
        """Auto-tags and the caller's, in the key order of the recordings.

        REC (localstack snapshot 2023-08; the guide's examples order them otherwise, the
        recording wins): ``ses:operation``, ``ses:configuration-set``, ``ses:source-ip``,
        ``ses:from-domain``, the caller's tags, ``ses:caller-identity``, ``ses:outgoing-ip``.
        REC (public Delivery captures of 2025): ``ses:source-tls-version`` comes first, and
        ``ses:outgoing-tls-version`` right after ``ses:configuration-set``, where
        ``ses:outgoing-ip`` is (``outgoing``: the Delivery only).
        """
        tags: dict[str, list[str]] = {}
        if minimal:  # DOC: the DeliveryDelay example carries only this one
            tags["ses:configuration-set"] = [self.configuration_set]
            return tags
        tags["ses:source-tls-version"] = [TLS_VERSION]
        tags["ses:operation"] = [self.message.operation]
        tags["ses:configuration-set"] = [self.configuration_set]
        if outgoing:
            tags["ses:outgoing-tls-version"] = [TLS_VERSION]
        tags["ses:source-ip"] = [SOURCE_IP]
        domain = self.from_domain()
        if domain:
            tags["ses:from-domain"] = [domain]
        for name, value in self.message.tags.items():
            tags[name] = [value]
        tags["ses:caller-identity"] = [CALLER_IDENTITY]
        if outgoing:
            tags["ses:outgoing-ip"] = [OUTGOING_IP]
        return tags

    def from_domain(self) -> str:
        """``ses:from-domain``: the domain of the From header. REC: a raw message without From
        has none, whatever its ``Source``; SES builds the From of other content from the
        sender."""
        message = self.message
        if message.from_header is not None:
            return domain_of(message.from_header[0]) if message.from_header else ""
        return domain_of(message.source)

    def date(self) -> str:
        """The Date header SES adds once it renders a template (the send's time, as RFC 5322
        writes it: ``Fri, 25 Aug 2023 22:00:03 +0000``)."""
        return format_datetime(datetime.fromtimestamp(int(self.when), timezone.utc))

    def headers(self, *, rendered: bool) -> list[dict[str, str]]:
        """The message's headers. REC: a templated message's Send shows From, To and
        MIME-Version only; once rendered, a ``Date`` header comes first, its Subject before
        MIME-Version and its content headers after it."""
        headers = list(self.message.headers)
        message = self.message
        if rendered and message.templated:
            at = next((i for i, (n, _) in enumerate(headers) if n == "MIME-Version"), None)
            if at is not None:
                headers[at + 1 : at + 1] = content_headers(message)
                if message.subject is not None:
                    headers.insert(at, ("Subject", message.subject))
            headers.insert(0, ("Date", self.date()))
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
        elif rendered and message.templated:
            out["date"] = self.date()  # REC: the rendered message's Date header
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

    def mail(self, *, stage: str, outgoing: bool = False) -> dict[str, Any]:
        """The ``mail`` object. ``stage``: ``send`` (the Send and Reject events), ``later``
        (delivery and after), ``failure`` (Rendering Failure: the short ``mail`` of the DOC
        example, with the usual auto-tags: REC, a 2024 capture), ``minimal`` (DeliveryDelay: DOC
        example). ``outgoing``: the message left SES (the Delivery: ``ses:outgoing-ip``)."""
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
        if stage in ("minimal", "failure"):
            out["tags"] = self.tags(minimal=stage == "minimal")
            return out
        rendered = stage == "later"
        out["headers"] = self.headers(rendered=rendered)
        out["commonHeaders"] = self.common_headers(rendered=rendered)
        out["tags"] = self.tags(outgoing=outgoing)
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
            "mail": writer.mail(stage="failure"),
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
            "remoteMtaIp": REMOTE_MTA_IP,  # REC: 2025 recordings, before reportingMTA
            "reportingMTA": _mta(region, "a8-90"),  # REC (simulator, us-east-1)
        }
        mail = writer.mail(stage="later", outgoing=True)
        record = {"eventType": "Delivery", "mail": mail, "delivery": detail}
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
            # DOC (event-publishing-retrieving-sns-contents): the MTA that reported the delay;
            # its value here, the delivery's MTA: INF.
            "reportingMTA": _mta(region, "a8-90"),
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
        # REC (SNS messages from the simulator captured in public test suites, 2022:
        # mozilla/fx-private-relay's emails tests): the simulator's complaint has an
        # arrivalDate, last; the 2020 shape had none, the newest is reproduced. DOC: a feedback
        # report's user agent, type and arrival date.
        simulated = "Amazon SES Mailbox Simulator"
        complaint["userAgent"] = simulated if outcome.simulator else "pytest-sesmock"
        complaint["complaintFeedbackType"] = outcome.feedback_type
        complaint["arrivalDate"] = timestamp(t2)
        record = {
            "eventType": "Complaint",
            "complaint": complaint,
            "mail": writer.mail(stage="later"),
        }
        events.append(Event("Complaint", record, t2))
    return events
