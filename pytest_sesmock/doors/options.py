"""The options every door takes (marker, ``mock_ses``, ini and CLI), checked in one place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import OptionError, did_you_mean, shown
from ..state import rules

RATE_LIMIT_MODES = ("off", "track", "enforce")
DEFAULT_RATE_LIMIT = "track"


@dataclass(frozen=True)
class Options:
    """What one door asked for; ``None`` means "not given here", so another level decides."""

    configuration_sets: tuple[Any, ...] = ()
    identities: tuple[Any, ...] = ()
    sns_topics: tuple[Any, ...] = ()
    yaml: str | None = None
    region: str | None = None
    account: str | None = None
    rate_limit: str | None = None
    assert_all_described: bool | None = None
    sign_requests: bool | None = None


_NAMES = (
    "configuration_sets",
    "identities",
    "sns_topics",
    "yaml",
    "region",
    "account",
    "rate_limit",
    "assert_all_described",
    "sign_requests",
)


def check_options(given: Mapping[str, Any]) -> Options:
    """``given`` (keyword arguments) as ``Options``, or ``OptionError`` saying what is wrong."""
    unknown = sorted(set(given) - set(_NAMES))
    if unknown:
        raise OptionError(
            f"unknown option {unknown[0]!r}{did_you_mean(unknown[0], _NAMES)} "
            f"The options are {', '.join(_NAMES)}"
        )
    sets = given.get("configuration_sets", ())
    if isinstance(sets, (Mapping, str)) or not isinstance(sets, Sequence):
        raise OptionError(
            f"configuration_sets must be a list of declarations; got {type(sets).__name__}"
        )
    lists = {}
    for name in ("identities", "sns_topics"):
        items = given.get(name, ())
        if isinstance(items, (Mapping, str)) or not isinstance(items, Sequence):
            raise OptionError(f"{name} must be a list of strings; got {type(items).__name__}")
        lists[name] = tuple(items)
    yaml = given.get("yaml")
    if yaml is not None and not isinstance(yaml, str) and not hasattr(yaml, "__fspath__"):
        raise OptionError(f"yaml must be a file path; got {type(yaml).__name__}")
    region = given.get("region")
    if region is not None and (problem := rules.region_problem(region)):
        raise OptionError(problem)
    account = given.get("account")
    if account is not None and (problem := rules.account_problem(account)):
        raise OptionError(problem)
    strict = given.get("assert_all_described")
    if strict is not None and not isinstance(strict, bool):
        raise OptionError(f"assert_all_described must be True or False; got {shown(strict)}")
    sign = given.get("sign_requests")
    if sign is not None and not isinstance(sign, bool):
        raise OptionError(f"sign_requests must be True or False; got {shown(sign)}")
    return Options(
        assert_all_described=strict,
        sign_requests=sign,
        configuration_sets=tuple(sets),
        **lists,
        yaml=None if yaml is None else str(yaml),
        region=region,
        account=account,
        rate_limit=check_rate_limit(given.get("rate_limit")),
    )


def check_rate_limit(mode: object) -> str | None:
    """``mode`` if it is a rate-limit mode (or None), else ``OptionError``."""
    if mode is not None and mode not in RATE_LIMIT_MODES:
        raise OptionError(
            f"rate_limit must be one of {', '.join(map(repr, RATE_LIMIT_MODES))}; got {shown(mode)}"
        )
    return mode if mode is None else str(mode)


@dataclass(frozen=True)
class Defaults:
    """Defaults of a pytest session (ini options and CLI flags), for doors that take none."""

    region: str | None = None
    rate_limit: str | None = None
    sign_requests: bool | None = None


# The plugin pushes its session's defaults and pops them at the end; pytester nests sessions.
_defaults: list[Defaults] = []


def push_defaults(defaults: Defaults) -> None:
    """Make ``defaults`` the current ones, until ``pop_defaults``."""
    _defaults.append(defaults)


def pop_defaults(defaults: Defaults) -> None:
    """Forget ``defaults`` (pushed earlier)."""
    if defaults in _defaults:
        _defaults.reverse()
        _defaults.remove(defaults)
        _defaults.reverse()


def current_defaults() -> Defaults:
    """The innermost pytest session's defaults, or none outside pytest."""
    return _defaults[-1] if _defaults else Defaults()


def first_given(*values: bool | None) -> bool | None:
    """The first value given (``False`` counts), else None: how an option is chosen from the
    closest door outwards when ``False`` is a choice."""
    return next((value for value in values if value is not None), None)
