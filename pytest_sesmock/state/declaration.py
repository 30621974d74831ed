"""Turning a user's declaration (a mapping) into a checked ``ConfigurationSet``.

A declaration is spelled like DescribeConfigurationSet's response, so it is checked by walking
that operation's output shape (types, required keys, enums), then SES's own naming rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from botocore.model import ListShape, Shape, StringShape, StructureShape

from ..errors import DeclarationError, did_you_mean
from ..protocols.model import operation_model
from . import rules
from .configuration_set import ConfigurationSet, default_reputation_options

_OUTPUT = "DescribeConfigurationSet"
# Keys of a pasted describe_configuration_set output that describe the call, not the set.
_IGNORED = ("ResponseMetadata",)


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _join(path: str, key: str) -> str:
    if not key:
        return path
    return f"{path}.{key}" if path else key


def check_shape(shape: Shape, value: object, path: str) -> Any:
    """``value`` checked against ``shape`` and copied; a ``DeclarationError`` names the place."""
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        if not isinstance(value, Mapping):
            raise DeclarationError(
                path,
                f"expected a mapping with keys {', '.join(shape.members)}; got {_type_name(value)}",
            )
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key not in shape.members:
                raise DeclarationError(
                    _join(path, str(key)), _unknown_key(key, list(shape.members))
                )
            if item is not None:  # a pasted null means "not set", as in the response
                out[key] = check_shape(shape.members[key], item, _join(path, key))
        for key in shape.required_members:
            if key not in out:
                raise DeclarationError(_join(path, key), "is required")
        return out
    if isinstance(shape, ListShape):
        if not isinstance(value, (list, tuple)):
            raise DeclarationError(path, f"expected a list; got {_type_name(value)}")
        return [
            check_shape(shape.member, item, f"{path}[{index}]") for index, item in enumerate(value)
        ]
    if kind == "string":
        if not isinstance(value, str):
            raise DeclarationError(path, f"expected a string; got {_type_name(value)} {value!r}")
        if isinstance(shape, StringShape) and shape.enum and value not in shape.enum:
            raise DeclarationError(path, f"{value!r} is not one of {', '.join(shape.enum)}")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise DeclarationError(
                path, f"expected true or false; got {_type_name(value)} {value!r}"
            )
        return value
    if kind == "timestamp":
        return _timestamp(value, path)
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise DeclarationError(path, f"expected an integer; got {_type_name(value)} {value!r}")
        return value
    return value


def _timestamp(value: object, path: str) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise DeclarationError(path, f"{value!r} is not an ISO 8601 timestamp") from None
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        raise DeclarationError(path, f"expected a timestamp; got {_type_name(value)} {value!r}")
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _unknown_key(key: object, allowed: list[str]) -> str:
    return f"unknown key {key!r}{did_you_mean(str(key), allowed)} Allowed: {', '.join(allowed)}"


def parse_declaration(spec: object) -> ConfigurationSet:
    """A ``ConfigurationSet`` from a declaration, or ``DeclarationError`` naming what is wrong.

    ``spec`` has ``Name`` and any of the response's sections; the whole output of a real
    ``describe_configuration_set`` call (``ConfigurationSet: {Name: ...}``, ``ResponseMetadata``)
    is accepted as it is.
    """
    if not isinstance(spec, Mapping):
        raise DeclarationError(
            "",
            "a configuration set declaration must be a mapping with 'Name'; "
            f"got {_type_name(spec)}",
        )
    output = operation_model(_OUTPUT).output_shape
    assert output is not None
    sections = {key: value for key, value in spec.items() if key not in _IGNORED and key != "Name"}
    allowed = ["Name", *output.members, *PLACEMENT_KEYS]
    checked: dict[str, Any] = {}
    for key, value in sections.items():
        if key not in output.members:
            raise DeclarationError(str(key), _unknown_key(key, allowed))
        if value is not None:
            checked[key] = check_shape(output.members[key], value, key)
    name, where = _name(spec.get("Name"), checked.get("ConfigurationSet"))
    problem = rules.name_problem("configuration set name", name)
    if problem:
        raise DeclarationError(where, problem)
    destinations = checked.get("EventDestinations", [])
    seen: dict[str, int] = {}
    for index, destination in enumerate(destinations):
        for inner, problem in rules.event_destination_problems(destination):
            raise DeclarationError(_join(f"EventDestinations[{index}]", inner), problem)
        destination.setdefault("Enabled", False)  # SES's documented default
        first = seen.setdefault(destination["Name"], index)
        if first != index:
            raise DeclarationError(
                f"EventDestinations[{index}].Name",
                f"event destination {destination['Name']!r} is already declared at "
                f"EventDestinations[{first}]; names are unique within a set",
            )
    tracking = checked.get("TrackingOptions")
    reputation = default_reputation_options()
    reputation.update(checked.get("ReputationOptions", {}))
    return ConfigurationSet(
        name=name,
        event_destinations=destinations,
        # SES answers TrackingOptions only once a custom redirect domain is set.
        tracking_options=tracking if tracking and tracking.get("CustomRedirectDomain") else None,
        delivery_options=checked.get("DeliveryOptions") or None,
        reputation_options=reputation,
    )


@dataclass(frozen=True)
class Declared:
    """A checked declaration, with the region and account it named (None: the mock's default)."""

    configuration_set: ConfigurationSet
    region: str | None = None
    account: str | None = None


# Besides the response's own keys, a declaration may say where its set lives.
PLACEMENT_KEYS = ("region", "account")


def parse_entry(spec: object, *, region: str | None = None, account: str | None = None) -> Declared:
    """A declaration that may carry its own ``region`` and ``account`` keys.

    ``region`` and ``account`` given here are the defaults of the door it came through (a YAML
    file's top level, say); the declaration's own keys win over them.
    """
    if isinstance(spec, Mapping) and any(key in spec for key in PLACEMENT_KEYS):
        for key, check in (("region", rules.region_problem), ("account", rules.account_problem)):
            if key in spec and (problem := check(spec[key])):
                raise DeclarationError(key, problem)
        region = spec.get("region", region)
        account = spec.get("account", account)
        spec = {key: value for key, value in spec.items() if key not in PLACEMENT_KEYS}
    return Declared(parse_declaration(spec), region, account)


def _name(name: object, configuration_set: dict[str, Any] | None) -> tuple[str, str]:
    nested = configuration_set["Name"] if configuration_set else None
    if name is None and nested is None:
        raise DeclarationError(
            "Name",
            "is required (or ConfigurationSet.Name, as in a pasted "
            "describe_configuration_set output)",
        )
    if name is not None and not isinstance(name, str):
        raise DeclarationError("Name", f"expected a string; got {_type_name(name)} {name!r}")
    if name is not None and nested is not None and name != nested:
        raise DeclarationError(
            "ConfigurationSet.Name", f"{nested!r} differs from Name {name!r}; give one of them"
        )
    if name is not None:
        return name, "Name"
    assert isinstance(nested, str)
    return nested, "ConfigurationSet.Name"


@dataclass(frozen=True)
class DeclaredIdentity:
    """A verified identity (email address or domain) the account has; None: the mock's."""

    identity: str
    region: str | None = None
    account: str | None = None


@dataclass(frozen=True)
class DeclaredTopic:
    """An SNS topic that exists (its ARN says where)."""

    arn: str


Declaration = Declared | DeclaredIdentity | DeclaredTopic
"""Anything a door declares: a configuration set, an identity or an SNS topic."""


def identity_problem(identity: object) -> str | None:
    """What is wrong with ``identity`` as an SES identity (email address or domain), or None."""
    if isinstance(identity, str):
        domain = identity.rpartition("@")[2]
        if rules.is_domain(domain) and identity.count("@") <= 1 and not identity.startswith("@"):
            return None
    return f"{identity!r} is neither an email address nor a domain name"


def parse_identities(
    items: object, where: str, region: str | None = None, account: str | None = None
) -> tuple[DeclaredIdentity, ...]:
    """Checked identities from a list of strings; errors name ``where[index]``."""
    if items is None:
        return ()
    if isinstance(items, (str, Mapping)) or not isinstance(items, (list, tuple)):
        raise DeclarationError(where, f"expected a list of identities; got {_type_name(items)}")
    out = []
    for index, identity in enumerate(items):
        if problem := identity_problem(identity):
            raise DeclarationError(f"{where}[{index}]", problem)
        out.append(DeclaredIdentity(str(identity).lower(), region, account))
    return tuple(out)


def parse_topics(items: object, where: str) -> tuple[DeclaredTopic, ...]:
    """Checked SNS topic ARNs from a list of strings; errors name ``where[index]``."""
    if items is None:
        return ()
    if isinstance(items, (str, Mapping)) or not isinstance(items, (list, tuple)):
        raise DeclarationError(where, f"expected a list of SNS topic ARNs; got {_type_name(items)}")
    out = []
    for index, arn in enumerate(items):
        if not isinstance(arn, str) or not rules.is_sns_topic_arn(arn):
            raise DeclarationError(f"{where}[{index}]", f"{arn!r} is not an SNS topic ARN")
        out.append(DeclaredTopic(arn))
    return tuple(out)
