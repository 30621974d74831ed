"""What the mock records of each call, and how a list of calls reads in a failure message."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, NamedTuple

RECORD_TEXT = 1024
"""A refused call's record keeps at most this many characters of each string it sent..."""
RECORD_ITEMS = 64
"""...this many fields (or list items) at each level..."""
RECORD_DEPTH = 6
"""...this many levels deep..."""
RECORD_BUDGET = 16 * 1024
"""...and this many characters in all; what is cut says how much was left out."""


class Call(NamedTuple):
    """One SES call the mock answered, as the caller made it and as it was answered.

    Immutable. A named tuple rather than a frozen dataclass: one is made for every call, and a
    frozen dataclass sets each of its eleven fields through ``object.__setattr__``.
    """

    operation: str
    """The SES operation, e.g. ``"DescribeConfigurationSet"``."""
    params: Mapping[str, Any]
    """The parameters as the caller passed them, rebuilt from the wire (lists are lists)."""
    region: str
    account: str
    time: float
    """The mock clock's epoch seconds when the call arrived."""
    status: int
    """The HTTP status answered."""
    error_code: str | None
    """The error code answered, or None for a success."""
    throttled: bool
    """Whether the call was over its rate limit (answered with Throttling when enforced)."""
    attempt: int
    """1 for a first try, 2 and up for botocore's retries (from ``amz-sdk-request``)."""
    hint: str | None = None
    """Why an error may not be what the test meant (the set lives in another region, say)."""
    api: str = "ses"
    """The API it came through: ``"ses"`` (v1, Query) or ``"sesv2"`` (v2, rest-json)."""

    def matches(self, operation: object, params: Mapping[str, Any]) -> bool:
        """Whether this call is of ``operation`` (any when None) with these parameter values.

        ``operation`` is the API name or boto3's method name, of either API unless prefixed
        (``sesv2:GetConfigurationSet``); an unknown one is refused.
        """
        if operation is not None:
            from .names import operations

            if (self.api, self.operation) not in operations(operation):
                return False
        return all(self.params.get(name, _MISSING) == value for name, value in params.items())

    def describe(self) -> str:
        """One readable line: when, where, what, and how it was answered."""
        when = datetime.fromtimestamp(self.time, timezone.utc).strftime("%H:%M:%S.%f")[:-3]
        arguments = ", ".join(f"{name}={value!r}" for name, value in self.params.items())
        answer = str(self.status) + (f" {self.error_code}" if self.error_code else "")
        notes = "".join(
            (
                f" attempt {self.attempt}" if self.attempt > 1 else "",
                " [over rate limit]" if self.throttled else "",
            )
        )
        shown = self.operation if self.api == "ses" else f"{self.api}:{self.operation}"
        line = f"{when} {self.account}/{self.region} {shown}({arguments}) -> {answer}"
        return f"{line}{notes}\n     hint: {self.hint}" if self.hint else line + notes


_MISSING = object()


def describe_calls(calls: Iterable[Call], heading: str = "Recorded calls") -> str:
    """A numbered listing of ``calls`` for an assertion message."""
    listed = list(calls)
    if not listed:
        return f"{heading}: none."
    lines = [f"{heading} ({len(listed)}):"]
    lines.extend(f"  {number}. {call.describe()}" for number, call in enumerate(listed, 1))
    return "\n".join(lines)


def describe_filter(operation: Any, params: Mapping[str, Any]) -> str:
    """``DescribeConfigurationSet(ConfigurationSetName='x')``, or ``any operation``."""
    name = getattr(operation, "label", operation) or "any operation"
    if not params:
        return name
    return f"{name}({', '.join(f'{key}={value!r}' for key, value in params.items())})"


def capped(params: Mapping[str, Any]) -> Mapping[str, Any]:
    """``params`` with no more than a refused call's record may keep (``RECORD_*`` above).

    A request refused for what it carries (a 1 MiB form, say) would otherwise be kept whole in
    ``SesMock.calls`` for as long as the mock lives. Strings are cut, with how many characters
    were left out; extra fields and items are replaced by one ``"..."`` entry saying how many.
    """
    budget = [RECORD_BUDGET]
    return MappingProxyType(_cap(params, budget, RECORD_DEPTH))


def _cap(value: Any, budget: list[int], depth: int) -> Any:
    if isinstance(value, str):
        keep = max(0, min(len(value), RECORD_TEXT, budget[0]))
        budget[0] -= keep
        if keep == len(value):
            return value
        return f"{value[:keep]}... [{len(value) - keep} more characters]"
    if isinstance(value, (bytes, bytearray)):
        return _cap(bytes(value).decode("utf-8", "replace"), budget, depth)
    if isinstance(value, Mapping):
        if depth <= 0:
            return f"... [{len(value)} fields]"
        out: dict[Any, Any] = {}
        for index, (key, item) in enumerate(value.items()):
            if index == RECORD_ITEMS or budget[0] <= 0:
                out["..."] = f"[{len(value) - index} more fields]"
                break
            out[_cap(key, budget, 0) if isinstance(key, str) else key] = _cap(
                item, budget, depth - 1
            )
        return out
    if isinstance(value, (list, tuple)):
        if depth <= 0:
            return [f"... [{len(value)} items]"]
        items: list[Any] = []
        for index, item in enumerate(value):
            if index == RECORD_ITEMS or budget[0] <= 0:
                items.append(f"... [{len(value) - index} more items]")
                break
            items.append(_cap(item, budget, depth - 1))
        return items
    return value  # numbers, booleans, None, dates: small
