"""Assertions on published events. pytest rewrites this module's asserts, so failures explain.

Event types and filters are names users type, checked as operation names are: ``Delivery``,
``delivery`` (v1's ``MatchingEventTypes`` spelling), ``DELIVERY`` (v2's) and ``Rendering
Failure``/``renderingFailure``/``RENDERING_FAILURE`` are understood; anything else is refused with
the closest one, never passed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from ..errors import UnknownNameError, did_you_mean
from ..state.records import EVENT_TYPES, PublishedEvent, describe_events

FILTERS = ("configuration_set", "destination", "message_id", "recipient", "kind", "target")
"""What events may be filtered by, besides their type."""


@cache
def _event_type_names() -> dict[str, str]:
    out: dict[str, str] = {}
    for event_type, (v2, _, metric) in EVENT_TYPES.items():
        v1 = metric[:1].lower() + metric[1:]  # v1's MatchingEventTypes: renderingFailure
        for name in (event_type, v2, v1, metric, event_type.lower(), v2.lower()):
            out[name] = event_type
    return out


def event_type(name: object) -> str:
    """The ``eventType`` a name stands for; ``UnknownNameError`` with the closest if none."""
    if isinstance(name, str):
        found = _event_type_names().get(name)
        if found is not None:
            return found
    known = list(EVENT_TYPES)
    hint = did_you_mean(name, [*known, *_event_type_names()]) if isinstance(name, str) else "."
    raise UnknownNameError(
        f"unknown event type {name!r}{hint} Event types: {', '.join(known)} (or as "
        "MatchingEventTypes spells them: delivery, DELIVERY, ...)"
    )


def check_filters(filters: Mapping[str, Any]) -> None:
    """Refuse a filter name that events do not have."""
    for name in filters:
        if name not in FILTERS:
            raise UnknownNameError(
                f"{name!r} is not an event filter{did_you_mean(name, FILTERS)} "
                f"Filters: {', '.join(FILTERS)}"
            )


def matches(event: PublishedEvent, kind: str | None, filters: Mapping[str, Any]) -> bool:
    """Whether ``event`` is of type ``kind`` (any when None) and passes every filter."""
    if kind is not None and event.event_type != kind:
        return False
    for name, value in filters.items():
        if name == "recipient":
            if str(value).lower() not in {r.lower() for r in event.recipients}:
                return False
        elif getattr(event, name) != value:
            return False
    return True


def describe_filter(kind: str | None, filters: Mapping[str, Any]) -> str:
    """``Delivery(recipient='a@example.com')``, or ``any event``."""
    name = kind or "any event"
    if not filters:
        return name
    return f"{name}({', '.join(f'{key}={value!r}' for key, value in filters.items())})"


def assert_event_count(
    events: Sequence[PublishedEvent], expected: int, kind: str | None, filters: Mapping[str, Any]
) -> None:
    """Exactly ``expected`` published events of type ``kind`` passing ``filters``."""
    __tracebackhide__ = True
    found = [event for event in events if matches(event, kind, filters)]
    assert len(found) == expected, (
        f"expected {expected} published event(s) {describe_filter(kind, filters)}, got "
        f"{len(found)}.\n{describe_events(events)}"
    )


def assert_event_published(
    events: Sequence[PublishedEvent], kind: str, filters: Mapping[str, Any]
) -> None:
    """At least one published event of type ``kind`` passing ``filters``."""
    __tracebackhide__ = True
    found = [event for event in events if matches(event, kind, filters)]
    assert found, (
        f"expected a published event {describe_filter(kind, filters)}, got none.\n"
        f"{describe_events(events)}"
    )


def assert_no_event_published(
    events: Sequence[PublishedEvent], kind: str | None, filters: Mapping[str, Any]
) -> None:
    """No published event of type ``kind`` (any when None) passing ``filters``."""
    __tracebackhide__ = True
    found = [event for event in events if matches(event, kind, filters)]
    assert not found, (
        f"expected no published event {describe_filter(kind, filters)}, got {len(found)}.\n"
        f"{describe_events(events)}"
    )
