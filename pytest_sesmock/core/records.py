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

    def matches(self, operation: str | None, params: Mapping[str, Any]) -> bool:
        """Whether this call is of ``operation`` (any when None) with these parameter values.

        ``operation`` is the API name or boto3's method name; an unknown one is refused.
        """
        if operation is not None and self.operation != operation:
            from .names import operation as api_name  # the usual case needs no lookup

            if self.operation != api_name(operation):
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
        line = f"{when} {self.account}/{self.region} {self.operation}({arguments}) -> {answer}"
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


def describe_filter(operation: str | None, params: Mapping[str, Any]) -> str:
    """``DescribeConfigurationSet(ConfigurationSetName='x')``, or ``any operation``."""
    name = operation or "any operation"
    if not params:
        return name
    return f"{name}({', '.join(f'{key}={value!r}' for key, value in params.items())})"
