"""Message and feedback ids in SES's format, and the timestamps events carry.

REC (real SES Message-ID headers, and the ids in SNS messages captured in public test suites):
``0100017e25edab6a-296197bf-50c0-4754-91e7-7f13e59acf60-000000``: four
hex digits naming the region, twelve hex digits of epoch milliseconds (the message's
``mail.timestamp``), a lowercase UUID, and ``-000000``.
"""

from __future__ import annotations

import uuid
import zlib
from datetime import datetime, timezone

from ..protocols.base import iso8601

# REC: the regions whose ids appear in real, public Message-ID headers; no other is kept.
_REGION_CODES = {
    "us-east-1": "0100",
    "us-west-2": "0101",
    "eu-west-1": "0102",
    "eu-central-1": "0107",
    "ap-southeast-2": "0108",
    "us-east-2": "010f",
}


def region_code(region: str) -> str:
    """The four hex digits an id starts with.

    INF for a region no public recording shows: ``01`` and two hex digits from ``10`` to
    ``ef``, derived from the region's name (stable across runs), never one of the recorded codes.
    """
    known = _REGION_CODES.get(region)
    if known is not None:
        return known
    return f"01{zlib.crc32(region.encode()) % 0xE0 + 0x10:02x}"


def message_id(region: str, when: float) -> str:
    """A new SES message id for a message accepted at ``when`` (epoch seconds)."""
    millis = round(when * 1000) & 0xFFFFFFFFFFFF
    return f"{region_code(region)}{millis:012x}-{uuid.uuid4()}-000000"


def timestamp(when: float) -> str:
    """ISO 8601 with milliseconds and a ``Z``, as events write it: ``2022-01-04T16:30:39.978Z``."""
    return iso8601(datetime.fromtimestamp(round(when, 3), timezone.utc))
