"""From SES's answers to a declaration the mock loads back into exactly the same answers.

The spelling, section by section (declarations accept either API's spelling per section):

- A section both APIs have (``EventDestinations``, ``TrackingOptions``, ``DeliveryOptions``) is
  written as SES v1's DescribeConfigurationSet spells it when that says everything SES v2
  answered for it (v2's answer, spelled as v1 and back, is unchanged), and as SES v2 answered it
  when it holds what v1 cannot say: an EventBridge or Pinpoint destination, the event types
  ``DELIVERY_DELAY`` or ``SUBSCRIPTION``, an ``HttpsPolicy``, a sending pool, a maximum delivery
  time. v1's spelling first because it is the one pasted from ``aws ses
  describe-configuration-set`` and the README's, so most files read as users already write them.
- ``ReputationOptions`` is always v1's: it holds ``SendingEnabled`` too, which v2 answers in
  ``SendingOptions``; with ``LastFreshStart`` as an ISO 8601 UTC string when SES has one.
- What only v2 has (``Tags``, ``SuppressionOptions``, ``VdmOptions``, ``ArchivingOptions``,
  ``MessageSecurityOptions``) is written as answered; no event destinations and no tags, the
  defaults, are left out.
- Members are in the order of botocore's model; lists keep SES's order, which is part of what
  it answered (the mock answers them back in that order).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from botocore.model import ListShape, Shape, StructureShape

from ...state.spelling import DROPPED, to_v1, to_v2, v1_shape, v2_output_members, v2_shape
from .reading import SetAnswers

SHARED_SECTIONS = ("EventDestinations", "TrackingOptions", "DeliveryOptions")
V2_ONLY_SECTIONS = (
    "Tags",
    "SuppressionOptions",
    "VdmOptions",
    "ArchivingOptions",
    "MessageSecurityOptions",
)


def declaration(
    name: str,
    answers: SetAnswers,
    *,
    region: str | None = None,
    spell_v2: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], frozenset[str]]:
    """(the declaration of set ``name``, the sections written in v2's spelling).

    ``spell_v2`` names shared sections to write in v2's spelling whatever they hold (``--check``
    compares two declarations of a section in one spelling).
    """
    out: dict[str, Any] = {"Name": name}
    if region is not None:
        out["region"] = region
    spelled_v2: set[str] = set()
    for section in SHARED_SECTIONS:
        if section == "EventDestinations":
            v2_value = answers.destinations.get(section)
        else:
            v2_value = answers.get.get(section)
        written = _shared(section, v2_value, answers.describe.get(section), section in spell_v2)
        if written is not None and written[0] not in ([], {}):
            out[section] = written[0]
            if written[1]:
                spelled_v2.add(section)
    out["ReputationOptions"] = _reputation(answers)
    members = v2_output_members()
    for section in V2_ONLY_SECTIONS:
        value = answers.get.get(section)
        if section in members and value is not None and value != []:
            out[section] = plain(value, v2_shape(section))
    return out, frozenset(spelled_v2)


def _shared(section: str, v2_value: Any, v1_value: Any, force_v2: bool) -> tuple[Any, bool] | None:
    """(the section as written, whether in v2's spelling); None when neither API answered it."""
    if v2_value is None:
        # v2 did not answer it (an older model, an unusual account): v1's answer is all there is.
        return None if v1_value is None else (plain(v1_value, v1_shape(section)), False)
    if not force_v2:
        as_v1 = to_v1(section, v2_value)
        if as_v1 is not DROPPED and to_v2(section, as_v1) == v2_value:
            return plain(as_v1, v1_shape(section)), False
    return plain(v2_value, v2_shape(section)), True


def _reputation(answers: SetAnswers) -> dict[str, Any]:
    """``ReputationOptions`` as v1 spells it, each member from v2's answer, else from v1's."""
    v1 = answers.describe.get("ReputationOptions") or {}
    v2 = answers.get.get("ReputationOptions") or {}
    sending = (answers.get.get("SendingOptions") or {}).get("SendingEnabled")
    found = {
        "SendingEnabled": sending if sending is not None else v1.get("SendingEnabled"),
        "ReputationMetricsEnabled": v2.get(
            "ReputationMetricsEnabled", v1.get("ReputationMetricsEnabled")
        ),
        "LastFreshStart": v2.get("LastFreshStart", v1.get("LastFreshStart")),
    }
    shown: dict[str, Any] = plain(
        {k: v for k, v in found.items() if v is not None}, v1_shape("ReputationOptions")
    )
    return shown


def plain(value: Any, shape: Shape | None = None) -> Any:
    """``value`` as plain YAML-ready data: members in ``shape``'s order (mappings without a
    shape keep theirs), timestamps as ISO 8601 UTC strings."""
    if isinstance(value, Mapping):
        if isinstance(shape, StructureShape):
            members = shape.members
            known = {k: plain(value[k], members[k]) for k in members if value.get(k) is not None}
            # botocore parses only modeled members; anything else is kept, after them, sorted.
            extra = {k: plain(value[k]) for k in sorted(value) if k not in members}
            return {**known, **extra}
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        member = shape.member if isinstance(shape, ListShape) else None
        return [plain(item, member) for item in value]
    if isinstance(value, datetime):
        return iso8601(value)
    return value


def iso8601(value: datetime) -> str:
    """``2024-03-01T12:34:56.789Z``: UTC, with as many fraction digits as the value has."""
    utc = value.astimezone(timezone.utc) if value.tzinfo else value
    if not utc.microsecond:
        spec = "seconds"
    else:
        spec = "milliseconds" if utc.microsecond % 1000 == 0 else "microseconds"
    return utc.replace(tzinfo=None).isoformat(timespec=spec) + "Z"
