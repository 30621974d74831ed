"""Message and feedback ids in SES's format, and the timestamps events carry.

REC (public recordings, listed in the project's research note): ``0100017e25edab6a-296197bf-
50c0-4754-91e7-7f13e59acf60-000000``: four hex digits naming the region, twelve hex digits of
epoch milliseconds (the message's ``mail.timestamp``), a lowercase UUID, and ``-000000``.
"""

from __future__ import annotations

import uuid
import zlib
from datetime import datetime, timezone

from ..protocols.base import iso8601

# REC: us-east-1, us-west-2, eu-west-1, ca-central-1 (recorded ids and their regions).
_REGION_CODES = {
    "us-east-1": "0100",
    "us-west-2": "0101",
    "eu-west-1": "0102",
    "ca-central-1": "010d",
}


def region_code(region: str) -> str:
    """The four hex digits an id starts with (INF for regions no recording shows)."""
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
