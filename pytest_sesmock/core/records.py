"""What the mock records of each call, and how a list of calls reads in a failure message."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any


@dataclass(frozen=True, slots=True)
class Call:
    """One SES call the mock answered, as the caller made it and as it was answered."""

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
