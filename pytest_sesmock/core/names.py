"""The names users type: operations, parameters and error codes, understood or refused.

A testing tool must not let a test pass because a name was mistyped: an assertion that no call
of ``DescribeConfigSet`` was made would pass for ever. Every method that takes a name resolves it
here once, and a name that is not known is refused with the closest one that is.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from botocore import xform_name

from .. import catalogue
from ..apis.v1 import OPERATIONS
from ..errors import did_you_mean
from ..protocols.model import operation_model


class UnknownNameError(ValueError):
    """A name (operation, parameter, error code) that pytest-sesmock does not know."""


@cache
def _operations() -> dict[str, str]:
    """Every spelling of a served operation -> its API name."""
    out: dict[str, str] = {}
    for name in OPERATIONS:
        out[name] = name
        out[xform_name(name)] = name  # boto3's method name
    return out


def operation(name: object) -> str:
    """The API name of a served operation, from its API name or boto3's method name."""
    if isinstance(name, str):
        found = _operations().get(name)
        if found is not None:
            return found
    served = sorted(OPERATIONS)
    if not isinstance(name, str):
        raise UnknownNameError(
            f"an operation is named by a string such as 'DescribeConfigurationSet' or "
            f"'describe_configuration_set'; got {name!r}"
        )
    spellings = served if name[:1].isupper() else [xform_name(op) for op in served]
    hint = did_you_mean(name, spellings)
    known = _known_ses_operation(name)
    what = (
        f"{name!r} is an SES operation that pytest-sesmock does not serve"
        if known
        else f"unknown operation {name!r}"
    )
    raise UnknownNameError(
        f"{what}{hint} It serves (as API name or boto3 method name): {', '.join(served)}"
    )


def _known_ses_operation(name: str) -> bool:
    from ..protocols.model import service_model

    names = service_model().operation_names
    return name in names or name in {xform_name(op) for op in names}


@cache
def _parameters(api_name: str | None) -> tuple[str, ...]:
    """The top-level parameter names of one operation (of every served one when None)."""
    names: dict[str, None] = {}
    for name in [api_name] if api_name else sorted(OPERATIONS):
        shape = operation_model(name).input_shape
        if shape is not None:
            names.update(dict.fromkeys(shape.members))
    return tuple(names)


def check_parameters(api_name: str | None, params: Mapping[str, Any]) -> None:
    """Refuse a parameter name the operation (any served one when None) does not take."""
    known = _parameters(api_name)
    for name in params:
        if name not in known:
            where = f"{api_name}" if api_name else "any served operation"
            allowed = ", ".join(known) if known else "none"
            raise UnknownNameError(
                f"{name!r} is not a parameter of {where}{did_you_mean(name, known)} "
                f"Its parameters: {allowed}"
            )


def error_code(api_name: str, code: object, *, unmodeled: bool) -> tuple[str, int, str]:
    """(wire code, status, default message) of a code ``add_error`` may inject into ``api_name``.

    Accepted: the operation's modeled errors (by wire code, or by the exception name boto3
    shows), the codes the catalogue answers, and the codes every AWS API may answer. With
    ``unmodeled=True`` any code is accepted as it is (testing an unexpected code is legitimate).
    """
    if not isinstance(code, str) or not code:
        raise UnknownNameError(f"code must be an error code such as 'Throttling'; got {code!r}")
    modeled = _modeled_errors(api_name)
    if code in modeled:
        return modeled[code]
    known = catalogue.known_codes()
    if code in known:
        status, message = known[code]
        return code, status, message
    if unmodeled:
        return code, 400, f"{code} (injected)"
    choices = sorted({*modeled, *known})
    raise UnknownNameError(
        f"unknown error code {code!r} for {api_name}{did_you_mean(code, choices)} "
        f"Known: {', '.join(choices)}. To inject a code of your own, pass unmodeled=True."
    )


@cache
def _modeled_errors(api_name: str) -> dict[str, tuple[str, int, str]]:
    """The operation's modeled errors by wire code and by exception name."""
    out: dict[str, tuple[str, int, str]] = {}
    for shape in operation_model(api_name).error_shapes:
        meta = shape.metadata.get("error", {})
        code = meta.get("code", shape.name)
        value = (code, int(meta.get("httpStatusCode", 400)), f"{code} (injected)")
        out[code] = value
        out[shape.name] = value  # the exception boto3 raises for it
    return out
