"""Reading a Query-protocol request off the wire: form body to parameters, and its region.

The form body is decoded by walking the operation's input shape (the inverse of botocore's
Query serializer), so ``X.member.N`` lists come back as lists and booleans as booleans. Values
botocore would never send (a client speaking the protocol by hand) are checked the way SES
checks them and answered with ``ValidationError``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote_plus, urlsplit

from botocore.model import ListShape, MapShape, Shape, StringShape, StructureShape

from .. import catalogue
from ..cache import CompiledOnce
from ..errors import SesError
from .base import Answer, Decoded, Operation, PlainRequest, Served, field_path
from .model import operation_model

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


def _compile(shape: Shape) -> Reader:
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

        # Registered before its members are compiled, so that recursive shapes terminate.
        reader.started(shape, read_structure)
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
    return read


reader: CompiledOnce[Shape, Reader] = CompiledOnce(_compile, lambda shape: shape.name)
"""The reader of one shape's value from a flat form, compiled once per shape."""


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


class QueryWire:
    """The Query protocol bound to one service's model and served operations (SES v1).

    A request names its operation in the form's ``Action`` (the body of a POST, or the query
    string of a GET); its parameters are decoded by walking the operation's input shape, and
    results are written by a serializer compiled from its output shape.
    """

    def __init__(self, api: str, label: str, operations: Mapping[str, Operation]) -> None:
        self.api = api
        self.label = label
        self._operations = operations
        self._served: dict[str, tuple[Served, Shape | None]] = {}

    def _serve(self, action: str) -> tuple[Served, Shape | None] | None:
        found = self._served.get(action)
        if found is None and action in self._operations:
            from .query_xml import ResponseSerializer

            model = operation_model(action, self.api)
            served = Served(
                self.api, action, self._operations[action], ResponseSerializer(model).serialize
            )
            found = self._served[action] = (served, model.input_shape)
        return found

    def served_names(self) -> list[str]:
        """The API names of the operations served, sorted."""
        return sorted(self._operations)

    def cache_key(self, request: PlainRequest) -> Hashable | None:
        """The body: a Query request's form holds all of it (the URL only names the endpoint)."""
        body = request.body
        return body if type(body) is str else None

    @staticmethod
    def _form(request: PlainRequest) -> dict[str, str]:
        # A Query request carries its form in the body (botocore), or in the URL (a GET).
        return parse_form(request.body) or parse_form(urlsplit(request.url).query)

    def operation_of(self, request: PlainRequest) -> str | None:
        """The ``Action`` a request names, served or not."""
        return self._form(request).get("Action") or None

    def decode(self, request: PlainRequest) -> Decoded | None:
        """The operation and its parameters; None when the action is not served."""
        flat = self._form(request)
        found = self._serve(flat.get("Action", ""))
        if found is None:
            return None
        served, input_shape = found
        try:
            return served, MappingProxyType(decode_params(input_shape, flat)), None
        except SesError as error:  # recorded with what was sent, as it could not be decoded
            sent = {k: v for k, v in flat.items() if k not in ("Action", "Version")}
            return served, MappingProxyType(sent), error

    def translate(self, error: SesError) -> SesError:
        """v1's errors are the catalogue's own: nothing to translate."""
        return error

    def result_answer(self, status: int, body: bytes, request_id: str) -> Answer:
        """A result, as XML."""
        return Answer(status, self._headers(request_id, body), body)

    def error_answer(self, error: SesError, request_id: str) -> Answer:
        """An ``ErrorResponse`` envelope."""
        from .query_xml import serialize_error

        body = serialize_error(error, request_id, self.api)
        return Answer(error.status, self._headers(request_id, body), body)

    @staticmethod
    def _headers(request_id: str, body: bytes) -> dict[str, str]:
        return {
            "x-amzn-RequestId": request_id,
            "Content-Type": "text/xml",
            "Content-Length": str(len(body)),
        }
