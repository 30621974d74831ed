"""One configuration set, two spellings: SES v1's and SES v2's, converted by walking the models.

The two APIs name the same things differently: ``SNSDestination.TopicARN`` and
``SnsDestination.TopicArn``, event type ``renderingFailure`` and ``RENDERING_FAILURE``, TLS policy
``Require`` and ``REQUIRE``. The differences are only of case and underscores, so a value is
re-spelled by walking the target shape beside the source one: members match by name, ignoring
case; enum values match once case and underscores are set aside. What the target cannot express
(an EventBridge destination, the event type ``DELIVERY_DELAY`` in v1) is left out.

The backend holds every set in v2's spelling, v2 being the superset; v1's view is derived.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from botocore.model import ListShape, Shape, StringShape, StructureShape

from ..protocols.model import V1, V2, operation_model

DROPPED: Any = object()
"""What ``convert`` returns for a value the target spelling cannot express."""


def _plain(name: str) -> str:
    return name.replace("_", "").lower()


@cache
def _members(shape: StructureShape) -> dict[str, str]:
    """Each member by its plain name (``topicarn``), to its name in this shape (``TopicArn``)."""
    return {_plain(name): name for name in shape.members}


@cache
def _enum(shape: StringShape) -> dict[str, str]:
    return {_plain(value): value for value in shape.enum}


def convert(value: Any, source: Shape, target: Shape) -> Any:
    """``value``, shaped like ``source``, spelled as ``target``; ``DROPPED`` if inexpressible."""
    if isinstance(target, StructureShape) and isinstance(source, StructureShape):
        if not isinstance(value, Mapping):
            return DROPPED
        names = _members(target)
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = names.get(_plain(key))
            if name is None or key not in source.members or item is None:
                continue  # a member the target does not have: left out
            converted = convert(item, source.members[key], target.members[name])
            if converted is not DROPPED:
                out[name] = converted
        return out
    if isinstance(target, ListShape) and isinstance(source, ListShape):
        items = [convert(item, source.member, target.member) for item in value]
        return [item for item in items if item is not DROPPED]
    if isinstance(target, StringShape) and target.enum and isinstance(value, str):
        return _enum(target).get(_plain(value), DROPPED)
    return value


# -- the shapes of each spelling --------------------------------------------------------------


@cache
def v1_shape(section: str) -> Shape:
    """A member of v1's DescribeConfigurationSet output (``EventDestinations``, ...)."""
    output = operation_model("DescribeConfigurationSet", V1).output_shape
    assert output is not None
    return output.members[section]


@cache
def v2_shape(section: str) -> Shape:
    """A member of v2's GetConfigurationSet output, or ``EventDestinations`` of
    GetConfigurationSetEventDestinations."""
    name = (
        "GetConfigurationSetEventDestinations"
        if section == "EventDestinations"
        else "GetConfigurationSet"
    )
    output = operation_model(name, V2).output_shape
    assert output is not None
    return output.members[section]


@cache
def v2_output_members() -> frozenset[str]:
    """The members of v2's GetConfigurationSet output in the installed botocore."""
    output = operation_model("GetConfigurationSet", V2).output_shape
    assert output is not None
    return frozenset(output.members)


@cache
def destination_types(api: str) -> tuple[str, ...]:
    """The destination types of an event destination in one API's model, as it spells them
    (v2's grew EventBridge in botocore 1.43)."""
    section = v1_shape if api == V1 else v2_shape
    shape = section("EventDestinations")
    assert isinstance(shape, ListShape)
    assert isinstance(shape.member, StructureShape)
    found = [name for name in shape.member.members if name.endswith("Destination")]
    # In the order SES's documentation lists them (SNS, CloudWatch, Firehose), new ones after.
    first = {_plain(name): index for index, name in enumerate(_DOCUMENTED_ORDER)}
    return tuple(sorted(found, key=lambda name: first.get(_plain(name), len(first))))


_DOCUMENTED_ORDER = ("SNSDestination", "CloudWatchDestination", "KinesisFirehoseDestination")


def v2_input_shape(operation: str, member: str) -> Shape:
    """A member of a v2 operation's input shape."""
    shape = operation_model(operation, V2).input_shape
    assert shape is not None
    return shape.members[member]


def to_v2(section: str, value: Any) -> Any:
    """A v1-spelled section (``EventDestinations``, ``TrackingOptions``, ...) in v2's spelling."""
    return convert(value, v1_shape(section), v2_shape(section))


def to_v1(section: str, value: Any) -> Any:
    """A v2-spelled section in v1's spelling, leaving out what v1 cannot express."""
    return convert(value, v2_shape(section), v1_shape(section))


# -- telling the spellings apart ----------------------------------------------------------------


@cache
def _words(shape: Shape) -> tuple[frozenset[str], frozenset[str]]:
    """(every member name and enum value reachable from ``shape``, as spelled there; the names
    of the members whose values are enums)."""
    out: set[str] = set()
    enum_members: set[str] = set()
    stack: list[tuple[Shape, str | None]] = [(shape, None)]
    seen = set()
    while stack:
        current, member = stack.pop()
        if current.name in seen:
            continue
        seen.add(current.name)
        if isinstance(current, StructureShape):
            out.update(current.members)
            stack.extend((child, name) for name, child in current.members.items())
        elif isinstance(current, ListShape):
            stack.append((current.member, member))
        elif isinstance(current, StringShape) and current.enum:
            out.update(current.enum)
            if member is not None:
                enum_members.add(member)
    return frozenset(out), frozenset(enum_members)


def _tokens(value: Any, enum_members: frozenset[str]) -> set[str]:
    """Keys in a (nested) declaration, and the strings under members whose values are enums.

    A name a user chose (a destination called ``bounce``, a sending pool called ``Require``) is
    free text, not a word of either spelling.
    """
    out: set[str] = set()
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        current, enum = stack.pop()
        if isinstance(current, Mapping):
            out.update(str(key) for key in current)
            stack.extend((item, key in enum_members) for key, item in current.items())
        elif isinstance(current, (list, tuple)):
            stack.extend((item, enum) for item in current)
        elif isinstance(current, str) and enum:
            out.add(current)
    return out


def spelling_of(section: str, value: Any) -> tuple[str | None, str | None, str | None]:
    """(``v1``/``v2``/None, a word only v1 has, a word only v2 has) for a declared section.

    None when the section reads the same in both (``{"ReputationMetricsEnabled": true}``);
    both words are given when the section mixes the spellings, which is an error.
    """
    v1_words, v1_enums = _words(v1_shape(section))
    v2_words, v2_enums = _words(v2_shape(section))
    used = _tokens(value, v1_enums | v2_enums)
    only_v1 = sorted(used & (v1_words - v2_words))
    only_v2 = sorted(used & (v2_words - v1_words))
    first_v1 = only_v1[0] if only_v1 else None
    first_v2 = only_v2[0] if only_v2 else None
    if first_v1 and not first_v2:
        return "v1", first_v1, None
    if first_v2 and not first_v1:
        return "v2", None, first_v2
    return None, first_v1, first_v2
