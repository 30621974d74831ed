"""The options every door takes (marker, ``mock_ses``, ini and CLI), checked in one place."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.rate_limit import check_rate_limit
from ..errors import OptionError, did_you_mean, shown
from ..state import rules


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
    assert_all_described: bool | str | tuple[str, ...] | None = None
    """True: every declared set; ``"own"``: those this door declared itself (not the shared
    YAML's); a list of names: those."""
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
    """``given`` (keyword arguments) as ``Options``, or one ``OptionError`` saying everything
    that is wrong (each unknown option with the closest known one, each bad value)."""
    problems = [
        f"unknown option {name!r}{did_you_mean(name, _NAMES)} The options are {', '.join(_NAMES)}"
        for name in sorted(set(given) - set(_NAMES))
    ]
    sets = given.get("configuration_sets", ())
    if isinstance(sets, (Mapping, str)) or not isinstance(sets, Sequence):
        problems.append(
            f"configuration_sets must be a list of declarations; got {type(sets).__name__}"
        )
        sets = ()
    lists: dict[str, tuple[Any, ...]] = {}
    for name in ("identities", "sns_topics"):
        items = given.get(name, ())
        if isinstance(items, (Mapping, str)) or not isinstance(items, Sequence):
            problems.append(f"{name} must be a list of strings; got {type(items).__name__}")
            items = ()
        lists[name] = tuple(items)
    yaml = given.get("yaml")
    if yaml is not None and not isinstance(yaml, str) and not hasattr(yaml, "__fspath__"):
        problems.append(f"yaml must be a file path; got {type(yaml).__name__}")
    region, account = given.get("region"), given.get("account")
    problems.extend(problem for _place, problem in rules.placement_problems(region, account))
    strict = given.get("assert_all_described")
    if isinstance(strict, (list, tuple)) and all(isinstance(name, str) for name in strict):
        strict = tuple(strict)
    elif strict is not None and not isinstance(strict, bool) and strict != "own":
        problems.append(
            "assert_all_described must be True, False, 'own' (the sets this door declares "
            f"itself) or a list of set names; got {shown(strict)}"
        )
    sign = given.get("sign_requests")
    if sign is not None and not isinstance(sign, bool):
        problems.append(f"sign_requests must be True or False; got {shown(sign)}")
    try:
        rate_limit = check_rate_limit(given.get("rate_limit"))
    except OptionError as error:
        problems.append(str(error))
        rate_limit = None
    if len(problems) == 1:
        raise OptionError(problems[0])
    if problems:  # every mistake of the door at once, not one run per typo
        raise OptionError(f"{len(problems)} mistakes:\n" + "\n".join(f"  {p}" for p in problems))
    return Options(
        assert_all_described=strict,
        sign_requests=sign,
        configuration_sets=tuple(sets),
        **lists,
        yaml=None if yaml is None else str(yaml),
        region=region,
        account=account,
        rate_limit=rate_limit,
    )


def described_names(
    scope: bool | str | tuple[str, ...], layers: Sequence[Sequence[Any]]
) -> tuple[str, ...] | None:
    """The sets ``assert_all_described`` covers: all (None), the door's own (``"own"``: the
    sets its markers, options or YAML file declared, not the directory's shared YAML), or the
    names given."""
    if scope is True:
        return None
    if scope == "own":
        return tuple(  # the declared sets; identities and topics have no configuration_set
            entry.configuration_set.name
            for layer in layers
            for entry in layer
            if getattr(entry, "configuration_set", None) is not None
        )
    return tuple(scope) if not isinstance(scope, (bool, str)) else ()


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


def closest_choice(*values: bool | None) -> bool | None:
    """The first value given, from the closest door outwards (``False`` counts: it is a choice),
    else None."""
    return next((value for value in values if value is not None), None)
