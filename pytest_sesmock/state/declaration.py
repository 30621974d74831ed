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

from ..errors import DeclarationError, did_you_mean, shown
from ..protocols.model import V1, V2
from . import rules, spelling
from .configuration_set import ConfigurationSet

# Keys of a pasted describe_configuration_set output that describe the call, not the set.
_IGNORED = ("ResponseMetadata",)


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _got(value: object) -> str:
    """``str 'x'``: what a value is, and the value, for a message."""
    return f"{_type_name(value)} {shown(value)}"


def _not_a_string(value: object) -> str:
    """Why ``value`` is not the string a field takes, and, where YAML made it so, the fix."""
    problem = f"expected a string; got {_got(value)}"
    if isinstance(value, bool):
        # YAML 1.1 (PyYAML) reads unquoted on/off, yes/no, true/false as booleans.
        return (
            f"{problem} (YAML reads unquoted on, off, yes, no, true and false as booleans: "
            "quote the value, as in Name: 'on')"
        )
    if isinstance(value, (int, float)):
        return f"{problem} (YAML reads unquoted numbers as numbers: quote the value)"
    return problem


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
            raise DeclarationError(path, _not_a_string(value))
        if isinstance(shape, StringShape) and shape.enum and value not in shape.enum:
            raise DeclarationError(path, f"{shown(value)} is not one of {', '.join(shape.enum)}")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise DeclarationError(path, f"expected true or false; got {_got(value)}")
        return value
    if kind == "timestamp":
        return _timestamp(value, path)
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise DeclarationError(path, f"expected an integer; got {_got(value)}")
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            raise DeclarationError(path, f"{value} is out of range: SES takes {_bounds(low, high)}")
        return value
    return value


def _bounds(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low} to {high}"
    return f"at least {low}" if low is not None else f"at most {high}"


def _timestamp(value: object, path: str) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise DeclarationError(path, f"{shown(value)} is not an ISO 8601 timestamp") from None
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if not isinstance(value, datetime):
        raise DeclarationError(path, f"expected a timestamp; got {_got(value)}")
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _unknown_key(key: object, allowed: list[str]) -> str:
    name = key if isinstance(key, str) else shown(key)
    return f"unknown key {shown(key)}{did_you_mean(name, allowed)} Allowed: {', '.join(allowed)}"


# Sections both APIs have, each spelled either way; then those only one of them has.
_SHARED = ("EventDestinations", "TrackingOptions", "DeliveryOptions", "ReputationOptions")
_V1_ONLY = ("ConfigurationSet",)
_V2_ONLY = (
    "ConfigurationSetName",
    "SendingOptions",
    "Tags",
    "SuppressionOptions",
    "VdmOptions",
    "ArchivingOptions",
    "MessageSecurityOptions",
)
_SPELLING_NAMES = {
    "v1": "SES v1 (describe_configuration_set)",
    "v2": "SES v2 (get_configuration_set)",
}


def _allowed_keys() -> list[str]:
    v2_members = spelling.v2_output_members()
    return [
        "Name",
        *_V1_ONLY,
        *_SHARED,
        *(key for key in _V2_ONLY if key in v2_members),
        *PLACEMENT_KEYS,
    ]


def parse_declaration(spec: object) -> ConfigurationSet:
    """A ``ConfigurationSet`` from a declaration, or ``DeclarationError`` naming what is wrong.

    ``spec`` has ``Name`` and any sections, spelled as SES v1's ``describe_configuration_set``
    answers them or as SES v2's ``get_configuration_set`` does (``SendingOptions``, ``Tags``, an
    ``SnsDestination`` ...): the whole output of either call (``ConfigurationSet: {Name: ...}``
    or ``ConfigurationSetName``, ``ResponseMetadata``) is accepted as it is. Each section is in
    one spelling; mixing the two inside a section is an error that says which word is which.
    """
    if not isinstance(spec, Mapping):
        raise DeclarationError(
            "",
            "a configuration set declaration must be a mapping with 'Name'; "
            f"got {_type_name(spec)}",
        )
    allowed = _allowed_keys()
    checked: dict[str, Any] = {}  # section -> value in the backend's (v2) spelling
    names: dict[str, object] = {}
    for key, value in spec.items():
        if key in _IGNORED:
            continue
        if key not in allowed or key in PLACEMENT_KEYS:
            raise DeclarationError(str(key), _unknown_key(key, allowed))
        if key in ("Name", "ConfigurationSetName"):
            names[key] = value
        elif value is not None:  # a pasted null means "not set", as in the response
            checked[key] = _section(key, value)
    name, where = _name(names, checked.pop("ConfigurationSet", None))
    problem = rules.name_problem("configuration set name", name)
    if problem:
        raise DeclarationError(where, problem)
    return _configuration_set(name, checked)


def _section(key: str, value: object) -> Any:
    """One declared section, checked against its spelling's shape, in the backend's spelling."""
    if key in _V1_ONLY:
        return check_shape(spelling.v1_shape(key), value, key)
    if key in _V2_ONLY:
        return check_shape(spelling.v2_shape(key), value, key)
    if key == "EventDestinations" and isinstance(value, (list, tuple)):
        return _destinations(value)
    used, v1_word, v2_word = spelling.spelling_of(key, value)
    if used is None and v1_word and v2_word:
        raise DeclarationError(key, _mixed(v1_word, v2_word))
    if used == "v2":
        return check_shape(spelling.v2_shape(key), value, key)
    try:  # v1's spelling, or one that reads the same in both: checked as v1's, the default
        v1_value = check_shape(spelling.v1_shape(key), value, key)
    except DeclarationError:
        if used == "v1":
            raise
        try:  # no word of either: v2's shape may still take it; else v1's complaint stands
            return check_shape(spelling.v2_shape(key), value, key)
        except DeclarationError:
            pass
        raise
    # ReputationOptions stays as v1 spells it: v1's SendingEnabled is v2's SendingOptions.
    return v1_value if key == "ReputationOptions" else spelling.to_v2(key, v1_value)


def _mixed(v1_word: str, v2_word: str) -> str:
    return (
        f"mixes two spellings: {shown(v1_word)} is {_SPELLING_NAMES['v1']}'s, {shown(v2_word)} is "
        f"{_SPELLING_NAMES['v2']}'s; spell a section one way"
    )


def _destinations(value: list[Any] | tuple[Any, ...]) -> list[dict[str, Any]]:
    """Event destinations, each checked in its spelling and by SES's rules, in v2's spelling."""
    out: list[dict[str, Any]] = []
    first: tuple[str, int] | None = None  # the spelling of the section, and where it was seen
    seen: dict[str, int] = {}
    for index, item in enumerate(value):
        where = f"EventDestinations[{index}]"
        # The spelling, told cheaply from the destination type or the event types; a section
        # that mixes spellings fails its shape, and is then told apart word by word.
        used = spelling.quick_spelling_of_destination(item) or (first[0] if first else None)
        if used is None:
            used, v1_word, v2_word = spelling.spelling_of("EventDestinations", [item])
            if used is None and v1_word and v2_word:
                raise DeclarationError(where, _mixed(v1_word, v2_word))
            used = used or "v1"
        if first is not None and used != first[0]:
            raise DeclarationError(
                where,
                f"is spelled as {_SPELLING_NAMES[used]}, but EventDestinations[{first[1]}] as "
                f"{_SPELLING_NAMES[first[0]]}; spell a section one way",
            )
        first = first or (used, index)
        shape = (spelling.v1_shape if used == "v1" else spelling.v2_shape)("EventDestinations")
        assert isinstance(shape, ListShape)
        try:
            destination = check_shape(shape.member, item, where)
        except DeclarationError:
            _, v1_word, v2_word = spelling.spelling_of("EventDestinations", [item])
            if v1_word and v2_word:
                raise DeclarationError(where, _mixed(v1_word, v2_word)) from None
            raise
        types = spelling.destination_types(V1 if used == "v1" else V2)
        for inner, problem in rules.event_destination_problems(destination, types):
            raise DeclarationError(_join(where, inner), problem)
        if used == "v1":
            destination = spelling.to_v2("EventDestinations", [destination])[0]
        for inner, problem in _target_problems(destination, used):
            # Held to the rules of the API that would have created it (SES refuses these with
            # InvalidSNSDestination and InvalidFirehoseDestination).
            raise DeclarationError(_join(where, inner), problem)
        destination.setdefault("Enabled", False)  # SES's documented default
        earlier = seen.setdefault(destination["Name"], index)
        if earlier != index:
            raise DeclarationError(
                f"{where}.Name",
                f"event destination {destination['Name']!r} is already declared at "
                f"EventDestinations[{earlier}]; names are unique within a set",
            )
        out.append(destination)
    return out


def _target_problems(destination: Mapping[str, Any], used: str) -> list[tuple[str, str]]:
    """(path in the user's spelling, problem) for each target ARN of a destination (v2's
    spelling) that is not an ARN of its kind."""
    v1 = used == "v1"
    problems = []
    sns = destination.get("SnsDestination")
    if sns is not None and not rules.is_sns_topic_arn(sns.get("TopicArn", "")):
        where = "SNSDestination.TopicARN" if v1 else "SnsDestination.TopicArn"
        problems.append(
            (
                where,
                f"{shown(sns.get('TopicArn'))} is not an SNS topic ARN such as "
                "'arn:aws:sns:us-east-1:123456789012:ses-events'",
            )
        )
    firehose = destination.get("KinesisFirehoseDestination")
    if firehose is not None:
        role, stream = firehose.get("IamRoleArn", ""), firehose.get("DeliveryStreamArn", "")
        if not rules.is_iam_role_arn(role):
            where = "KinesisFirehoseDestination." + ("IAMRoleARN" if v1 else "IamRoleArn")
            problems.append((where, f"{shown(role)} is not an IAM role ARN"))
        if not rules.is_firehose_arn(stream):
            where = "KinesisFirehoseDestination." + (
                "DeliveryStreamARN" if v1 else "DeliveryStreamArn"
            )
            problems.append((where, f"{shown(stream)} is not a Firehose delivery stream ARN"))
    return problems


def _configuration_set(name: str, checked: dict[str, Any]) -> ConfigurationSet:
    reputation = checked.get("ReputationOptions", {})
    sending = checked.get("SendingOptions", {})
    tracking = checked.get("TrackingOptions")
    return ConfigurationSet(
        name=name,
        event_destinations=checked.get("EventDestinations", []),
        # SES answers TrackingOptions only once a custom redirect domain is set.
        tracking_options=tracking if tracking and tracking.get("CustomRedirectDomain") else None,
        delivery_options=checked.get("DeliveryOptions") or None,
        reputation_metrics_enabled=reputation.get("ReputationMetricsEnabled", False),
        last_fresh_start=reputation.get("LastFreshStart"),
        # v1 spells it inside ReputationOptions, v2 in SendingOptions (both: must agree).
        sending_enabled=_sending_enabled(reputation, sending),
        tags=checked.get("Tags", []),
        suppression_options=checked.get("SuppressionOptions"),
        vdm_options=checked.get("VdmOptions"),
        archiving_options=checked.get("ArchivingOptions"),
        message_security_options=checked.get("MessageSecurityOptions"),
    )


def _sending_enabled(reputation: Mapping[str, Any], sending: Mapping[str, Any]) -> bool:
    v1, v2 = reputation.get("SendingEnabled"), sending.get("SendingEnabled")
    if v1 is not None and v2 is not None and v1 != v2:
        raise DeclarationError(
            "SendingOptions.SendingEnabled",
            f"{shown(v2)} differs from ReputationOptions.SendingEnabled {shown(v1)} (SES v1's "
            "spelling of the same setting); give one of them",
        )
    value = v2 if v2 is not None else v1
    return True if value is None else bool(value)


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
        for key, problem in rules.placement_problems(spec.get("region"), spec.get("account")):
            raise DeclarationError(key, problem)
        region = spec.get("region", region)
        account = spec.get("account", account)
        spec = {key: value for key, value in spec.items() if key not in PLACEMENT_KEYS}
    try:
        return Declared(parse_declaration(spec), region, account)
    except RecursionError:  # a safety net: the checks walk shapes, which are shallow
        raise DeclarationError(
            "", "the declaration nests too deeply, or refers to itself, to be a configuration set"
        ) from None


def _name(names: Mapping[str, object], nested_set: dict[str, Any] | None) -> tuple[str, str]:
    """The set's name, from ``Name``, v2's ``ConfigurationSetName`` or v1's ``ConfigurationSet``."""
    given = [(where, value) for where, value in names.items() if value is not None]
    if nested_set is not None:
        given.append(("ConfigurationSet.Name", nested_set["Name"]))
    if not given:
        raise DeclarationError(
            "Name",
            "is required (or ConfigurationSet.Name, as in a pasted describe_configuration_set "
            "output, or ConfigurationSetName, as in a pasted get_configuration_set output)",
        )
    for where, value in given:
        if not isinstance(value, str):
            raise DeclarationError(where, _not_a_string(value))
    first_where, first = given[0]
    for where, value in given[1:]:
        if value != first:
            raise DeclarationError(
                where, f"{shown(value)} differs from {first_where} {shown(first)}; give one of them"
            )
    return str(first), first_where


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
    return f"{shown(identity)} is neither an email address nor a domain name"


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
            raise DeclarationError(f"{where}[{index}]", f"{shown(arn)} is not an SNS topic ARN")
        out.append(DeclaredTopic(arn))
    return tuple(out)
