"""After a send was answered: the messages recorded, their events built and published.

Called by the pipeline with the answer's message ids, whoever answered (pytest-sesmock, or moto
with its own ids). A message without a configuration set publishes nothing (DOC); one whose set
is gone by now publishes nothing either.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..state.backend import Context
from . import destinations, events, templates
from .message import Message, bare
from .operations import prepare, rejected
from .outcomes import DELIVERED, Outcome, simulated
from .records import PublishedEvent, SentMessage

if TYPE_CHECKING:
    from ..core.mock import SesMock


def outcome_for(mock: SesMock, address: str) -> Outcome:
    """What happens to ``address``: the test's choice (inner mocks first), the simulator's,
    else delivered."""
    key = bare(address).lower()
    owner: SesMock | None = mock
    while owner is not None:
        chosen = owner.outcomes.get(key)
        if chosen is not None:
            return chosen
        owner = owner._outer
    return simulated(key) or DELIVERED


def deliver(
    mock: SesMock,
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
                mock.backend.templates, context.account, context.region, message.template or ""
            )
        failure = prepare(message, template)
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
        )
        published = _publish(mock, message, message_id, context, failure)
        owner: SesMock | None = mock
        while owner is not None:  # the mocks around a nested one see its sends too
            owner.messages.append(record)
            owner.events.extend(published)
            owner = owner._outer


def _publish(
    mock: SesMock, message: Message, message_id: str, context: Context, failure: str | None
) -> list[PublishedEvent]:
    name = message.configuration_set
    if not name:
        return []  # DOC: events are published only for a send through a configuration set
    found = mock.backend.find((context.account, context.region, name))
    if found is None or not found.event_destinations:
        return []
    writer = events.MailWriter(
        message, message_id, context.account, context.region, context.now, name
    )
    outcomes = [(address, outcome_for(mock, address)) for address in message.destinations]
    tags = writer.tags(outgoing=True)
    out: list[PublishedEvent] = []
    for event in events.for_message(
        writer, outcomes, rejected=rejected(message), rendering_failure=failure
    ):
        out.extend(
            destinations.publish(
                found.event_destinations,
                event,
                message,
                message_id,
                tags,
                context.region,
                context.account,
                name,
            )
        )
    return out
