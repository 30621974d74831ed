"""Reading a Query-protocol request off the wire: form body to parameters, and its region.

The form body is decoded by walking the operation's input shape (the inverse of botocore's
Query serializer), so ``X.member.N`` lists come back as lists and booleans as booleans. Values
botocore would never send (a client speaking the protocol by hand) are checked the way SES
checks them and answered with ``ValidationError``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote_plus, urlsplit

from botocore.model import ListShape, MapShape, Shape, StringShape, StructureShape

from .. import catalogue

Flat = Mapping[str, str]
Problems = list[str]
# A reader returns the decoded value at ``prefix`` or _ABSENT when the body holds none.
Reader = Callable[[Flat, str, str, Problems], Any]

_ABSENT: Any = object()

# Where SES was recorded listing an enum in another order than the model's, its order is used.
_RECORDED_ENUM_ORDER = {
    "EventType": (
        "click",
        "bounce",
        "send",
        "open",
        "complaint",
        "delivery",
        "renderingFailure",
        "reject",
    ),
}

_HOST_REGION = re.compile(r"^email(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$")
_SCOPE_REGION = re.compile(r"Credential=[^/,]*/\d{8}/([^/,]+)/")


def parse_form(body: object) -> dict[str, str]:
    """The form fields of a request body; the last one wins for a repeated key.

    What ``urllib.parse.parse_qsl`` does, three times faster: most fields need no unquoting.
    """
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8", "replace")
    if not isinstance(body, str) or not body:
        return {}  # a Query request always has a form body; anything else has no Action
    out: dict[str, str] = {}
    for field in body.split("&"):
        if not field:
            continue
        key, _, value = field.partition("=")
        if "%" in key or "+" in key:
            key = unquote_plus(key)
        if "%" in value or "+" in value:
            value = unquote_plus(value)
        out[key] = value
    return out


_url_regions: dict[str, str] = {}


def region_of(url: str, authorization: str | bytes | None) -> str | None:
    """The region a request is for: from ``email.<region>.amazonaws.com``, else the SigV4 scope."""
    known = _url_regions.get(url)
    if known is not None:
        return known
    host = urlsplit(url).hostname or ""
    found = _HOST_REGION.match(host)
    if found:
        if len(_url_regions) < 1024:  # a handful of endpoints in practice; bounded all the same
            _url_regions[url] = found.group(1)
        return found.group(1)
    if authorization:
        if isinstance(authorization, bytes):  # botocore's signer writes the header as bytes
            authorization = authorization.decode("latin-1")
        scoped = _SCOPE_REGION.search(authorization)
        if scoped:
            return scoped.group(1)
    return None


def field_path(path: str, member: str) -> str:
    """AWS's name for a field in validation messages: lowerCamel members joined by dots."""
    name = member[:1].lower() + member[1:]
    return f"{path}.{name}" if path else name


def _scalar(shape: Shape) -> Reader:
    kind = shape.type_name
    enum = shape.enum if isinstance(shape, StringShape) else None

    def read(flat: Flat, key: str, path: str, problems: Problems) -> Any:
        raw = flat.get(key, _ABSENT)
        if raw is _ABSENT:
            return _ABSENT
        if kind == "string":
            if enum and raw not in enum:
                problems.append(
                    f"Value '{raw}' at '{path}' failed to satisfy constraint: "
                    f"Member must satisfy enum value set: [{', '.join(enum)}]"
                )
            return raw
        if kind == "boolean":
            if raw in ("true", "false"):
                return raw == "true"
        elif kind in ("integer", "long"):
            try:
                return int(raw)
            except ValueError:
                pass
        elif kind in ("double", "float"):
            try:
                return float(raw)
            except ValueError:
                pass
        elif kind == "timestamp":
            try:
                parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                pass
            else:
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        else:
            return raw
        problems.append(
            f"Value '{raw}' at '{path}' failed to satisfy constraint: Member must be {kind}"
        )
        return raw

    return read


_readers: dict[str, Reader] = {}


def reader(shape: Shape) -> Reader:
    """The (cached) reader of one shape's value from a flat form."""
    cached = _readers.get(shape.name)
    if cached is not None:
        return cached
    read: Reader
    if isinstance(shape, StructureShape):
        members: list[tuple[str, str, bool]] = []
        compiled: list[Reader] = []
        required = set(shape.required_members)

        def read_structure(flat: Flat, key: str, path: str, problems: Problems) -> Any:
            prefix = f"{key}." if key else ""
            if key and not any(k.startswith(prefix) for k in flat):
                return _ABSENT
            out: dict[str, Any] = {}
            for (name, location, needed), member_reader in zip(members, compiled, strict=True):
                member_path = field_path(path, name)
                value = member_reader(flat, prefix + location, member_path, problems)
                if value is not _ABSENT:
                    out[name] = value
                elif needed:
                    problems.append(
                        f"Value null at '{member_path}' failed to satisfy constraint: "
                        "Member must not be null"
                    )
            return out

        _readers[shape.name] = read_structure
        for name, member in shape.members.items():
            members.append((name, member.serialization.get("name", name), name in required))
            compiled.append(reader(member))
        return read_structure
    if isinstance(shape, ListShape):
        read = _list(shape)
    elif isinstance(shape, MapShape):
        read = _map(shape)
    else:
        read = _scalar(shape)
    _readers[shape.name] = read
    return read


def _list(shape: ListShape) -> Reader:
    flattened = bool(shape.serialization.get("flattened"))
    member = shape.member
    enum = member.enum if isinstance(member, StringShape) else None
    if enum:
        enum = list(_RECORDED_ENUM_ORDER.get(member.name, enum))

    def read(flat: Flat, key: str, path: str, problems: Problems) -> Any:
        if flat.get(key) == "":
            return []  # botocore writes an empty list as a bare ``Key=``.
        item_reader = reader(member)
        items = []
        base = f"{key}." if flattened else f"{key}.member."
        index = 1
        # The items' own problems (an enum, say) are reported once for the list, as AWS does.
        item_problems: Problems = []
        while True:
            item = item_reader(flat, f"{base}{index}", path, item_problems)
            if item is _ABSENT:
                break
            items.append(item)
            index += 1
        if enum and item_problems:
            problems.append(
                f"Value at '{path}' failed to satisfy constraint: Member must satisfy "
                f"constraint: [Member must satisfy enum value set: [{', '.join(enum)}]]"
            )
        else:
            problems.extend(item_problems)
        return items if items else _ABSENT

    return read


def _map(shape: MapShape) -> Reader:
    flattened = bool(shape.serialization.get("flattened"))
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")

    def read(flat: Flat, key: str, path: str, problems: Problems) -> Any:
        base = f"{key}." if flattened else f"{key}.entry."
        out: dict[Any, Any] = {}
        index = 1
        while True:
            entry = f"{base}{index}"
            k = reader(shape.key)(flat, f"{entry}.{key_name}", path, problems)
            if k is _ABSENT:
                break
            out[k] = reader(shape.value)(flat, f"{entry}.{value_name}", path, problems)
            index += 1
        return out if out else _ABSENT

    return read


def decode_params(shape: Shape | None, flat: Flat) -> dict[str, Any]:
    """The operation's parameters from its form fields, or ``ValidationError`` as SES answers."""
    if shape is None:
        return {}
    problems: Problems = []
    params = reader(shape)(flat, "", "", problems)
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise catalogue.error(
            "ValidationError", count=count, noun=noun, problems="; ".join(problems)
        )
    return params if params is not _ABSENT else {}
