"""Assertions on a mock's calls. pytest rewrites this module's asserts, so failures explain."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..state.records import Call, describe_calls, describe_filter
from .names import Operations


def assert_call_count(
    calls: Sequence[Call], expected: int, operation: Operations | None, params: Mapping[str, Any]
) -> None:
    """Exactly ``expected`` calls of ``operation`` with these parameter values."""
    __tracebackhide__ = True
    matching = [call for call in calls if call.matches(operation, params)]
    assert len(matching) == expected, (
        f"expected {expected} call(s) of {describe_filter(operation, params)}, "
        f"got {len(matching)}.\n{describe_calls(calls)}"
    )


def assert_called_once_with(
    calls: Sequence[Call], operation: Operations, params: Mapping[str, Any]
) -> None:
    """Exactly one call of ``operation``, and its parameters are exactly ``params``."""
    __tracebackhide__ = True
    of_operation = [call for call in calls if call.matches(operation, {})]
    assert len(of_operation) == 1, (
        f"expected exactly one call of {operation.label}, got {len(of_operation)}.\n"
        f"{describe_calls(calls)}"
    )
    actual = dict(of_operation[0].params)
    assert actual == dict(params), (
        f"{operation.label} was called with {actual!r}, not {dict(params)!r}.\n"
        f"{describe_calls(calls)}"
    )


def assert_not_called(calls: Sequence[Call], operation: Operations | None) -> None:
    """No call of ``operation`` (of any operation when None)."""
    __tracebackhide__ = True
    matching = [call for call in calls if call.matches(operation, {})]
    assert not matching, (
        f"expected no call of {describe_filter(operation, {})}, got {len(matching)}.\n"
        f"{describe_calls(calls)}"
    )


# The calls that read a whole set: v1's describe and v2's get.
_READS = {("ses", "DescribeConfigurationSet"), ("sesv2", "GetConfigurationSet")}


def never_described(
    calls: Sequence[Call], declared: Sequence[tuple[str, str, str]]
) -> list[tuple[str, str, str]]:
    """The declared (account, region, name) keys no call described successfully, in order."""
    described = {
        (call.account, call.region, call.params.get("ConfigurationSetName"))
        for call in calls
        if (call.api, call.operation) in _READS and call.status == 200
    }
    return [key for key in declared if key not in described]


def assert_all_described(calls: Sequence[Call], declared: Sequence[tuple[str, str, str]]) -> None:
    """Every declared (account, region, name) was described at least once, successfully."""
    __tracebackhide__ = True
    missing = never_described(calls, declared)
    listing = "\n".join(
        f"  {name} (account {account}, region {region})" for account, region, name in missing
    )
    assert not missing, (
        f"{len(missing)} declared configuration set(s) were never described:\n{listing}\n"
        f"{describe_calls(calls)}"
    )


def assert_within_rate_limit(calls: Sequence[Call], operation: Operations | None) -> None:
    """No call of ``operation`` (any when None) went over its rate limit."""
    __tracebackhide__ = True
    over = [call for call in calls if call.throttled and call.matches(operation, {})]
    assert not over, (
        f"{len(over)} call(s) of {describe_filter(operation, {})} went over the rate limit.\n"
        f"{describe_calls(over, 'Calls over the limit')}\n{describe_calls(calls)}"
    )
