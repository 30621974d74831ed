"""A configuration set as the backend holds it, in the shapes DescribeConfigurationSet answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def default_reputation_options() -> dict[str, Any]:
    """A new set's reputation options, as SES documents them (no ``LastFreshStart`` yet)."""
    return {"SendingEnabled": True, "ReputationMetricsEnabled": False}


@dataclass
class ConfigurationSet:
    """One configuration set. Each section is a mapping shaped like the response's member."""

    name: str
    event_destinations: list[dict[str, Any]] = field(default_factory=list)
    # None while not set: SES then leaves the section out of its answer.
    tracking_options: dict[str, Any] | None = None
    delivery_options: dict[str, Any] | None = None
    reputation_options: dict[str, Any] = field(default_factory=default_reputation_options)
    # Counts the writes, so that an answer written for one state is not reused for the next.
    revision: int = field(default=0, compare=False)
