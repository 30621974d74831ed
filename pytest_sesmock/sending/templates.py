"""Email templates: the ones a test declares, moto's beside them, and rendering them as SES does.

SES renders a template after it accepted the send: data that lacks an attribute the template
names does not fail the call, it becomes a ``Rendering Failure`` event and nothing is delivered
(DOC: the developer guide's event types and its Rendering Failure example, whose message this
module reproduces). Rendering here covers what templates mostly use, ``{{name}}`` and
``{{person.name}}``; block helpers (``{{#if}}``, ``{{#each}}``) are left as they are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ..state.other_services import OtherServices, Template, Templates

_VARIABLE = re.compile(r"{{\s*([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\s*}}")


def find(
    templates: Templates, other: OtherServices, account: str, region: str, name: str
) -> Template | None:
    """The template ``name``: declared in the test, else the account's (moto's, beside moto)."""
    return templates.get((account, region, name)) or other.template(account, region, name)


def data_of(text: str | None) -> dict[str, Any] | None:
    """Template data as a JSON object; None when it is not one."""
    if text is None or text == "":
        return {}
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


class RenderingFailure(Exception):
    """An attribute the template names is not in the data (SES's ``errorMessage``)."""


def render(text: str | None, data: Mapping[str, Any]) -> str | None:
    """``text`` with its ``{{variables}}`` filled in; ``RenderingFailure`` for a missing one."""
    if text is None:
        return None

    def value(found: re.Match[str]) -> str:
        current: Any = data
        for part in found.group(1).split("."):
            # A null counts as missing (aws/aws-sdk-js issue 2239: the message is not sent).
            if not isinstance(current, Mapping) or current.get(part) is None:
                raise RenderingFailure(
                    f"Attribute '{found.group(1)}' is not present in the rendering data."
                )
            current = current[part]
        return current if isinstance(current, str) else json.dumps(current)

    return _VARIABLE.sub(value, text)
