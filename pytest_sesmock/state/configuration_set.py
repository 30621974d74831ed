"""A configuration set as the backend holds it: one record both APIs read and write.

SES v2 can say everything v1 can, and more (tags, sending, suppression, VDM, archiving and
message-security options, EventBridge and Pinpoint destinations, two more event types), so the
record keeps each section in v2's spelling (the shapes of sesv2's GetConfigurationSet). Each API
derives its own view from it (``apis.v1``, ``apis.v2``); a view is built once per revision.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

T = TypeVar("T")
_VIEWS_KEPT = 64  # views and answers kept per set


@dataclass
class ConfigurationSet:
    """One configuration set. Sections are mappings spelled as sesv2's GetConfigurationSet."""

    name: str
    event_destinations: list[dict[str, Any]] = field(default_factory=list)
    """Each shaped like sesv2's ``EventDestination`` (``SnsDestination``, ``SEND``, ...)."""
    # None while not set: SES then leaves the section out of its answer.
    tracking_options: dict[str, Any] | None = None
    delivery_options: dict[str, Any] | None = None
    reputation_metrics_enabled: bool = False
    last_fresh_start: datetime | None = None
    """Null until sending was disabled and enabled again; then the time of the re-enable."""
    sending_enabled: bool = True
    tags: list[dict[str, str]] = field(default_factory=list)
    suppression_options: dict[str, Any] | None = None
    vdm_options: dict[str, Any] | None = None
    archiving_options: dict[str, Any] | None = None
    message_security_options: dict[str, Any] | None = None
    # Counts the writes, so that an answer written for one state is not reused for the next.
    revision: int = field(default=0, compare=False)
    _views: dict[Hashable, tuple[int, Any]] = field(default_factory=dict, compare=False, repr=False)

    def kept(self, key: Hashable) -> Any:
        """What ``keep`` kept under ``key`` for the set as it is now (None: nothing, or it was
        written since): an API's view of an unchanged set, or its answer to one question."""
        known = self._views.get(key)
        return known[1] if known is not None and known[0] == self.revision else None

    def keep(self, key: Hashable, value: T) -> T:
        """Keep ``value`` under ``key`` until the set's next write; returns it."""
        if len(self._views) >= _VIEWS_KEPT:  # as many questions as callers can make up: bounded
            self._views.clear()
        self._views[key] = (self.revision, value)
        return value

    def __deepcopy__(self, memo: dict[int, Any]) -> ConfigurationSet:
        import copy

        copied = copy.copy(self)
        for name in (
            "event_destinations",
            "tracking_options",
            "delivery_options",
            "tags",
            "suppression_options",
            "vdm_options",
            "archiving_options",
            "message_security_options",
        ):
            setattr(copied, name, copy.deepcopy(getattr(self, name), memo))
        copied._views = {}  # a copy is about to change: nothing built for the original holds
        return copied
