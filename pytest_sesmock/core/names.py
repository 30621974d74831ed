"""The names users type: operations, parameters and error codes, understood or refused.

A testing tool must not let a test pass because a name was mistyped: an assertion that no call
of ``DescribeConfigSet`` was made would pass for ever. Every method that takes a name resolves it
here once, and a name that is not known is refused with the closest one that is.

An operation is named by its API name (``GetConfigurationSet``) or boto3's method name
(``get_configuration_set``). Names both APIs have (``CreateConfigurationSet``,
``ListConfigurationSets``, ...) stand for the operation of either API; a prefix selects one:
``ses:CreateConfigurationSet`` (v1) or ``sesv2:create_configuration_set`` (v2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from botocore import xform_name

from .. import catalogue
from ..errors import UnknownNameError, did_you_mean
from ..protocols.model import V1, V2, operation_model, service_model
from ..state import records

APIS = (V1, V2)
"""The APIs served, by botocore service name, as a prefix selects them."""

Target = tuple[str, str]
"""(api, operation): ``("sesv2", "GetConfigurationSet")``."""


class Operations(frozenset[Target]):
    """The operations one name stands for, and how messages show that name."""

    label: str

    def __new__(cls, targets: Iterable[Target], label: str) -> Operations:
        made = super().__new__(cls, targets)
        made.label = label
        return made


@cache
def served(api: str) -> tuple[str, ...]:
    """The API names of the operations served through one API, sorted."""
    if api == V1:
        from ..apis import v1

        return tuple(v1.wire().served_names())
    from ..apis import v2

    return tuple(v2.wire().served_names())


@cache
def _spellings(api: str) -> dict[str, str]:
    """Every spelling of an API's served operations -> its API name."""
    out: dict[str, str] = {}
    for name in served(api):
        out[name] = name
        out[xform_name(name)] = name  # boto3's method name
    return out


def label(target: Target) -> str:
    """How messages show one operation: v1's bare, v2's with its prefix."""
    api, name = target
    return name if api == V1 else f"{api}:{name}"


def operations(name: object) -> Operations:
    """The served operations a name stands for; ``UnknownNameError`` with the closest if none."""
    if isinstance(name, Operations):
        return name
    if not isinstance(name, str):
        raise UnknownNameError(
            "an operation is named by a string such as 'DescribeConfigurationSet' or "
            f"'describe_configuration_set' (or 'sesv2:get_configuration_set'); got {name!r}"
        )
    return _operations(name)


@cache
def _operations(name: str) -> Operations:
    prefix, _, bare = name.rpartition(":")
    if prefix and prefix not in APIS:
        raise UnknownNameError(
            f"unknown API {prefix!r} in {name!r}{did_you_mean(prefix, APIS)} "
            f"Prefix an operation with one of: {', '.join(f'{api}:' for api in APIS)}"
        )
    apis = (prefix,) if prefix else APIS
    found = [(api, _spellings(api)[bare]) for api in apis if bare in _spellings(api)]
    if found:
        text = label(found[0]) if len(found) == 1 else f"{found[0][1]} (ses or sesv2)"
        return Operations(found, text)
    elsewhere = [api for api in APIS if api not in apis and bare in _spellings(api)]
    if elsewhere:  # "ses:GetConfigurationSet": a v2 operation under v1's prefix
        raise UnknownNameError(
            f"{name!r}: {bare} is not an operation of {prefix}; did you mean "
            f"'{elsewhere[0]}:{bare}'? It serves through {prefix}: {', '.join(served(prefix))}"
        )
    every = sorted({op for api in apis for op in served(api)})
    spellings = every if bare[:1].isupper() else [xform_name(op) for op in every]
    hint = did_you_mean(bare, spellings)
    what = (
        f"{name!r} is an SES operation that pytest-sesmock does not serve"
        if _known_ses_operation(bare, apis)
        else f"unknown operation {name!r}"
    )
    raise UnknownNameError(
        f"{what}{hint} It serves (as API name or boto3 method name; prefix 'ses:' or 'sesv2:' "
        f"to choose an API): {', '.join(every)}"
    )


def _known_ses_operation(name: str, apis: Iterable[str]) -> bool:
    for api in apis:
        names = service_model(api).operation_names
        if name in names or name in {xform_name(op) for op in names}:
            return True
    return False


@cache
def _parameters(targets: Operations | None) -> tuple[str, ...]:
    """The top-level parameter names of these operations (of every served one when None)."""
    every = targets or [(api, name) for api in APIS for name in served(api)]
    names: dict[str, None] = {}
    for api, name in sorted(every):
        shape = operation_model(name, api).input_shape
        if shape is not None:
            names.update(dict.fromkeys(shape.members))
    return tuple(names)


def check_parameters(targets: Operations | None, params: Mapping[str, Any]) -> None:
    """Refuse a parameter name the operations (any served one when None) do not take."""
    known = _parameters(targets)
    for name in params:
        if name not in known:
            where = targets.label if targets else "any served operation"
            allowed = ", ".join(known) if known else "none"
            raise UnknownNameError(
                f"{name!r} is not a parameter of {where}{did_you_mean(name, known)} "
                f"Its parameters: {allowed}"
            )


def error_code(targets: Operations, code: object, *, unmodeled: bool) -> tuple[str, int, str]:
    """(wire code, status, default message) of a code ``add_error`` may inject into ``targets``.

    Accepted for each operation: its modeled errors (by wire code, or by the exception name boto3
    shows), the codes every AWS API may answer, and the catalogue's codes of its API that no
    other operation models (``TemplateDoesNotExist`` is a templated send's, not a describe's;
    ``ConfigurationSetDoesNotExist`` is v1's, v2 answers ``NotFoundException``). A name that
    stands for both APIs' operations must fit both. With ``unmodeled=True`` any code is accepted
    as it is (testing an unexpected code is legitimate).
    """
    if not isinstance(code, str) or not code:
        raise UnknownNameError(f"code must be an error code such as 'Throttling'; got {code!r}")
    fits = {target: _answerable(*target, code) for target in sorted(targets)}
    found = next((value for value in fits.values() if value is not None), None)
    if found is not None and all(value is not None for value in fits.values()):
        return found
    if unmodeled:
        return code, 400, f"{code} (injected)"
    if found is not None:  # some of the operations answer it, not all: name the one meant
        takes = [f"{api}:{name}" for (api, name), value in fits.items() if value is not None]
        refuse = [label(target) for target, value in fits.items() if value is None]
        raise UnknownNameError(
            f"{code!r} is not an error {', '.join(refuse)} can answer; name the operation "
            f"{' or '.join(repr(name) for name in takes)} to inject it there alone"
        )
    choices = sorted({known for target in targets for known in _choices(*target)})
    modeled_elsewhere = [api for api in APIS if code in _modeled_anywhere(api)]
    why = (
        f"{code!r} is an error of other {modeled_elsewhere[0]} operations, not of {targets.label}"
        if modeled_elsewhere
        else f"unknown error code {code!r} for {targets.label}"
    )
    raise UnknownNameError(
        f"{why}{did_you_mean(code, choices)} Known: {', '.join(choices)}. To inject a code of "
        "your own, pass unmodeled=True."
    )


def _answerable(api: str, operation: str, code: str) -> tuple[str, int, str] | None:
    """(wire code, status, message) if ``operation`` of ``api`` may answer ``code``, else None."""
    modeled = _modeled_errors(api, operation)
    if code in modeled:
        return modeled[code]
    known = catalogue.known_codes({api})
    if code in known and (code in catalogue.COMMON_CODES or code not in _modeled_anywhere(api)):
        status, message = known[code]
        return code, status, message
    return None


def _choices(api: str, operation: str) -> list[str]:
    known = catalogue.known_codes({api})
    elsewhere = _modeled_anywhere(api)
    return [
        *_modeled_errors(api, operation),
        *(code for code in known if code in catalogue.COMMON_CODES or code not in elsewhere),
    ]


@cache
def _modeled_anywhere(api: str) -> frozenset[str]:
    """Every code (and exception name) some operation of ``api`` models."""
    return frozenset(
        code for name in service_model(api).operation_names for code in _modeled_errors(api, name)
    )


@cache
def _modeled_errors(api: str, name: str) -> dict[str, tuple[str, int, str]]:
    """One operation's modeled errors by wire code and by exception name."""
    out: dict[str, tuple[str, int, str]] = {}
    for shape in operation_model(name, api).error_shapes:
        meta = shape.metadata.get("error", {})
        code = meta.get("code", shape.name)
        value = (code, int(meta.get("httpStatusCode", 400)), f"{code} (injected)")
        out[code] = value
        out[shape.name] = value  # the exception boto3 raises for it
    return out


records.operation_names = operations  # ``Call.matches`` understands the names users type
