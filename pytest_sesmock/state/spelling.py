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

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from botocore.model import ListShape, Shape, StringShape, StructureShape

from ..cache import CompiledOnce
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
    return _converter((source, target))(value)


Converter = Callable[[Any], Any]


def _compile(pair: tuple[Shape, Shape]) -> Converter:
    source, target = pair
    converter: Converter
    if isinstance(target, StructureShape) and isinstance(source, StructureShape):
        names = _members(target)
        pairs: dict[str, tuple[str, Converter]] = {}

        def structure(value: Any) -> Any:
            if not isinstance(value, Mapping):
                return DROPPED
            out: dict[str, Any] = {}
            for key, item in value.items():
                pair = pairs.get(key)
                if pair is None or item is None:
                    continue  # a member the target does not have: left out
                converted = pair[1](item)
                if converted is not DROPPED:
                    out[pair[0]] = converted
            return out

        _converter.started(pair, structure)  # before the members: shapes may be recursive
        for member, shape in source.members.items():
            name = names.get(_plain(member))
            if name is not None:
                pairs[member] = (name, _converter((shape, target.members[name])))
        return structure
    if isinstance(target, ListShape) and isinstance(source, ListShape):
        items: list[Converter] = []

        def listing(value: Any) -> Any:
            each = items[0]
            return [converted for item in value if (converted := each(item)) is not DROPPED]

        _converter.started(pair, listing)
        items.append(_converter((source.member, target.member)))
        return listing
    if isinstance(target, StringShape) and target.enum:
        values = _enum(target)

        def enum(value: Any) -> Any:
            return values.get(_plain(value), DROPPED) if isinstance(value, str) else value

        converter = enum
    else:

        def same(value: Any) -> Any:
            return value

        converter = same
    return converter


# By the shapes' identities: models are loaded once and kept, so their shapes live as long.
_converter: CompiledOnce[tuple[Shape, Shape], Converter] = CompiledOnce(
    _compile, lambda pair: (id(pair[0]), id(pair[1]))
)
"""A converter compiled once per pair of shapes (declarations convert thousands of sets)."""


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


@cache
def _markers(section: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(words only v1 has, words only v2 has, members whose values are enums) of a section."""
    v1_words, v1_enums = _words(v1_shape(section))
    v2_words, v2_enums = _words(v2_shape(section))
    return v1_words - v2_words, v2_words - v1_words, v1_enums | v2_enums


_DEEPEST = 16
"""Levels below a section that may hold words of a spelling: more than any section's shape has
(a declaration nested deeper, or one that refers to itself, is then refused by its shape)."""


def spelling_of(section: str, value: Any) -> tuple[str | None, str | None, str | None]:
    """(``v1``/``v2``/None, a word only v1 has, a word only v2 has) for a declared section.

    None when the section reads the same in both (``{"ReputationMetricsEnabled": true}``);
    both words are given when the section mixes the spellings, which is an error. Words are the
    keys, and the values of members whose values are enums: a name a user chose (a destination
    called ``bounce``, a sending pool called ``Require``) is free text, not a word of either.
    """
    only_v1, only_v2, enum_members = _markers(section)
    found_v1: list[str] = []
    found_v2: list[str] = []

    def walk(current: Any, enum: bool, depth: int = 0) -> None:
        if depth > _DEEPEST:  # deeper than any section's shape: no word of either is there
            return
        kind = type(current)
        if kind is dict or isinstance(current, Mapping):
            for key, item in current.items():
                if key in only_v1:
                    found_v1.append(key)
                elif key in only_v2:
                    found_v2.append(key)
                if type(item) is not bool:  # flags say nothing about spelling
                    walk(item, key in enum_members, depth + 1)
        elif kind is list or kind is tuple:
            for item in current:
                walk(item, enum, depth + 1)
        elif enum and kind is str:
            if current in only_v1:
                found_v1.append(current)
            elif current in only_v2:
                found_v2.append(current)

    walk(value, False)
    first_v1 = min(found_v1) if found_v1 else None
    first_v2 = min(found_v2) if found_v2 else None
    if first_v1 and not first_v2:
        return "v1", first_v1, None
    if first_v2 and not first_v1:
        return "v2", None, first_v2
    return None, first_v1, first_v2


def quick_spelling_of_destination(item: Any) -> str | None:
    """``v1`` or ``v2`` for an event destination, from its top-level keys or its first event
    type; None when those read the same in both (``spelling_of`` then looks at every word)."""
    if not isinstance(item, Mapping):
        return None
    only_v1, only_v2, _ = _markers("EventDestinations")
    for key in item:
        if key in only_v1:
            return "v1"
        if key in only_v2:
            return "v2"
    types = item.get("MatchingEventTypes")
    if isinstance(types, list) and types and isinstance(types[0], str):
        if types[0] in only_v1:
            return "v1"
        if types[0] in only_v2:
            return "v2"
    return None
