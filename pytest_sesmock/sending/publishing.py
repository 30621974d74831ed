"""After a send was answered: the messages recorded, their events built and published; and the
opens and clicks a test simulates later.

Called by the pipeline with the answer's message ids, whoever answered (pytest-sesmock, or moto
with its own ids). A message without a configuration set publishes nothing (DOC); one whose set
is gone by now publishes nothing either. Events go to the set's destinations through the
account's other services (``state.other_services``), and into the mock's ``Records``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..state.backend import STATE_LOCK, Backend, Context
from ..state.records import PublishedEvent, Records, SentMessage
from . import destinations, events, templates
from .ids import timestamp
from .message import Message, bare
from .operations import prepare, rejected
from .outcomes import Outcome, Outcomes


def deliver(
    backend: Backend,
    records: Records,
    outcomes: Outcomes,
    api: str,
    operation: str,
    sent: Sequence[tuple[Message, str]],
    context: Context,
    answered_by: str,
) -> None:
    """Record each sent message and publish its events to its set's destinations."""
    for message, message_id in sent:
        template = None
        if message.templated and message.template_content is None:
            template = templates.find(
                backend.templates,
                backend.resources.other,
                context.account,
                context.region,
                message.template or "",
            )
        failure = prepare(message, template)
        refused = rejected(message)
        fates = [(address, outcomes.of(bare(address))) for address in message.destinations]
        record = SentMessage(
            message_id,
            operation,
            api,
            message.source,
            tuple(message.destinations),
            message.subject,
            message.text,
            message.html,
            message.raw,
            message.configuration_set,
            dict(message.tags),
            message.template,
            message.template_data,
            context.region,
            context.account,
            context.now,
            answered_by,
            tuple(message.to),
            tuple(message.cc),
            tuple(message.bcc),
            _outcome(fates, refused, failure),
        )
        backend.resources.other.record_sent(record)  # moto's sent messages and statistics
        published = _publish(backend, message, message_id, context, failure, fates, refused)
        opened = failure is None and not refused
        with STATE_LOCK:  # the mocks around a nested one see its sends too
            records.add_message(record, published, Delivered(message, context, opened))


_FATES = {
    "delivery": "delivered",
    "bounce": "bounced",
    "complaint": "complained",
    "delay": "delayed",
}


def _outcome(fates: Sequence[tuple[str, Outcome]], refused: bool, failure: str | None) -> str:
    """What became of a message, in a word (or a word per recipient when they differ)."""
    if refused:
        return "rejected"
    if failure is not None:
        return "rendering failure"
    words = [(address, _FATES.get(outcome.kind, outcome.kind)) for address, outcome in fates]
    if len({word for _, word in words}) == 1:
        return words[0][1]
    return "; ".join(f"{bare(address)} {word}" for address, word in words)


@dataclass(frozen=True)
class Delivered:
    """What an open or a click of a sent message needs: the message, when and where it was
    sent, and whether it could be opened at all (not rejected, rendered)."""

    message: Message
    context: Context
    openable: bool


def _publish(
    backend: Backend,
    message: Message,
    message_id: str,
    context: Context,
    failure: str | None,
    fates: Sequence[tuple[str, Outcome]],
    refused: bool,
) -> list[PublishedEvent]:
    writer = _writer(backend, message, message_id, context)
    if writer is None:
        return []
    return _to_destinations(
        backend,
        writer,
        events.for_message(writer, fates, rejected=refused, rendering_failure=failure),
    )


def _writer(
    backend: Backend, message: Message, message_id: str, context: Context
) -> events.MailWriter | None:
    name = message.configuration_set
    if not name:
        return None  # DOC: events are published only for a send through a configuration set
    found = backend.find((context.account, context.region, name))
    if found is None or not found.event_destinations:
        return None
    return events.MailWriter(
        message, message_id, context.account, context.region, context.now, name
    )


def _to_destinations(
    backend: Backend, writer: events.MailWriter, made: Sequence[events.Event]
) -> list[PublishedEvent]:
    found = backend.find((writer.account, writer.region, writer.configuration_set))
    if found is None:
        return []
    message, message_id, name = writer.message, writer.message_id, writer.configuration_set
    tags = writer.tags(outgoing=True)
    out: list[PublishedEvent] = []
    for event in made:
        out.extend(
            destinations.publish(
                found.event_destinations,
                event,
                message,
                message_id,
                tags,
                writer.region,
                writer.account,
                name,
                backend.resources.other,
            )
        )
    return out


# An anchor's href and SES's link tags (DOC: ``ses:tags="name1:value1;name2:value2"``).
_ANCHOR = re.compile(r"<a\s[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _anchors(html: str | None) -> list[dict[str, str]]:
    out = []
    for anchor in _ANCHOR.findall(html or ""):
        found = {
            m.group(1).lower(): m.group(2) or m.group(3) or "" for m in _ATTRIBUTE.finditer(anchor)
        }
        if "href" in found:
            out.append(found)
    return out


def _link_tags(value: str) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for part in value.split(";"):
        name, sep, tag_value = part.partition(":")
        if sep and name.strip():
            tags.setdefault(name.strip(), []).append(tag_value.strip())
    return tags


def open_or_click(
    backend: Backend,
    records: Records,
    now: float,
    message_id: str,
    kind: str,
    *,
    link: str | None = None,
    link_tags: Mapping[str, str] | None = None,
    user_agent: str | None = None,
) -> list[PublishedEvent]:
    """A recipient opened the message (``kind`` ``Open``) or clicked a link in it (``Click``) at
    ``now``: the event published to the set's destinations, as SES publishes it (DOC: the Open
    and Click examples, which have no ``sourceArn``)."""
    sent = records.sent.get(message_id)
    if sent is None:
        known = ", ".join(records.sent) or "none"
        raise ValueError(f"no message {message_id!r} was sent through this mock (sent: {known})")
    if not sent.openable:
        raise ValueError(
            f"message {message_id} was never delivered (rejected, or its template did not "
            "render): nobody can open it"
        )
    message, context = sent.message, sent.context
    writer = _writer(backend, message, message_id, context)
    if writer is None:
        return []  # SES tracks opens and clicks only of messages sent through a set
    mail = writer.mail(stage="later")
    mail.pop("sourceArn", None)
    agent = user_agent or "Mozilla/5.0 (pytest-sesmock)"
    if kind == "Open":
        record: dict[str, object] = {
            "eventType": "Open",
            "mail": mail,
            "open": {
                "ipAddress": events.SOURCE_IP,
                "timestamp": timestamp(now),
                "userAgent": agent,
            },
        }
    else:
        anchors = _anchors(message.html)
        if link is None:
            if not anchors:
                raise ValueError(
                    f"message {message_id} has no link to click (no <a href> in its HTML)"
                )
            link = anchors[0]["href"]
        if link_tags is not None:
            tags = {str(name): [str(value)] for name, value in link_tags.items()}
        else:
            anchor = next((a for a in anchors if a["href"] == link), {})
            tags = _link_tags(anchor.get("ses:tags", ""))
        record = {
            "eventType": "Click",
            "click": {
                "ipAddress": events.SOURCE_IP,
                "link": link,
                "linkTags": tags,
                "timestamp": timestamp(now),
                "userAgent": agent,
            },
            "mail": mail,
        }
    published = _to_destinations(backend, writer, [events.Event(kind, record, now)])
    with STATE_LOCK:
        records.add_events(published)
    return published
