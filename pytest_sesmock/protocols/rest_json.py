"""The rest-json protocol (SES v2): routes, JSON in and out, errors as AWS writes them.

Routes come from the model: each operation's HTTP method and ``requestUri`` template
(``/v2/email/configuration-sets/{ConfigurationSetName}``) compile into one pattern; a request's
parameters are read from where the input shape puts each member (path label, query string,
header, or the JSON body) and checked against the shape (types, enums, required members,
numeric ranges) the way AWS checks what botocore does not. Results are written by walking the
output shape; errors carry the code in ``x-amzn-ErrorType`` and in the body's ``__type``, and
the message in ``message``, which every botocore release reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from botocore.model import ListShape, MapShape, OperationModel, Shape, StringShape, StructureShape

from .. import catalogue
from ..cache import BoundedCache
from ..errors import SesError
from .base import Answer, Decoded, Operation, PlainRequest, Served, field_path
from .model import service_model

Problems = list[str]
_ABSENT: Any = object()

LegacyRoute = tuple[str, str, tuple[str, ...], "tuple[str, ...] | None"]
"""(method, path, members in the query string, members in the body or None for the rest)."""


@dataclass(frozen=True)
class Route:
    """One operation's method and path pattern (and where its input members live)."""

    method: str
    template: str
    pattern: re.Pattern[str]
    operation: str
    labels: tuple[tuple[str, str], ...]
    """(member, label) for each path label."""
    in_query: tuple[tuple[str, str], ...] = ()
    """(member, query key) for members read from the query string."""
    body_members: tuple[str, ...] | None = None
    """The members in the JSON body; None: every member the shape does not place elsewhere."""


def _route(model: OperationModel) -> Route:
    http = model.http
    path = http["requestUri"].split("?", 1)[0]
    labels: list[tuple[str, str]] = []
    shape = model.input_shape
    by_label = {}
    if shape is not None:
        for name, member in shape.members.items():
            if member.serialization.get("location") == "uri":
                by_label[member.serialization.get("name", name)] = name

    def label(found: re.Match[str]) -> str:
        key, greedy = found.group(1), found.group(2)
        labels.append((by_label.get(key, key), f"l{len(labels)}"))
        # An empty label still routes (to a "not found"), rather than to another operation.
        return f"(?P<l{len(labels) - 1}>.*)" if greedy else f"(?P<l{len(labels) - 1}>[^/]*)"

    pattern = re.sub(r"\\\{([^}+]+)(\\\+)?\\\}", label, re.escape(path))
    query: tuple[tuple[str, str], ...] = ()
    if shape is not None:
        query = tuple(
            (name, member.serialization.get("name", name))
            for name, member in shape.members.items()
            if member.serialization.get("location") == "querystring"
        )
    return Route(http["method"], path, re.compile(pattern + "$"), model.name, tuple(labels), query)


def _depth(route: Route) -> int:
    # Longer paths first, so that a label never swallows a fixed segment of another route.
    return -route.template.count("/")


class RestJsonWire:
    """The rest-json protocol bound to one service's model and served operations (SES v2).

    ``legacy_routes`` adds routes an older botocore used for the same operation (with the
    members it sent in the query string), so that clients of either release are served.
    """

    def __init__(
        self,
        api: str,
        label: str,
        operations: Mapping[str, Operation],
        translate: Callable[[SesError], SesError],
        legacy_routes: Mapping[str, tuple[LegacyRoute, ...]] = MappingProxyType({}),
    ) -> None:
        self.api = api
        self.label = label
        self._operations = operations
        self._translate = translate
        self._legacy = legacy_routes
        # (served routes, every route), built on first use; one attribute, so that a thread never
        # sees one built and the other not.
        self._route_lists: tuple[list[Route], list[Route]] | None = None
        self._served: dict[str, tuple[Served, Shape | None]] = {}

    # -- routing ----------------------------------------------------------------------------

    def _build(self) -> tuple[list[Route], list[Route]]:
        model = service_model(self.api)
        routes, every = [], []
        for name in model.operation_names:
            route = _route(model.operation_model(name))
            every.append(route)
            if name in self._operations:
                routes.append(route)
                for method, path, query_members, body_members in self._legacy.get(name, ()):
                    if (method, path) != (route.method, route.template):
                        legacy = Route(
                            method,
                            path,
                            re.compile(re.escape(path) + "$"),
                            name,
                            (),
                            tuple((member, member) for member in query_members),
                            body_members,
                        )
                        routes.append(legacy)
                        every.append(legacy)
        # Literal paths before patterns, so that a label never swallows a fixed segment.
        return sorted(routes, key=_depth), sorted(every, key=_depth)

    def _find(
        self, request: PlainRequest, every: bool = False
    ) -> tuple[Route, re.Match[str]] | None:
        lists = self._route_lists
        if lists is None:
            lists = self._route_lists = self._build()
        routes = lists[1] if every else lists[0]
        path = urlsplit(request.url).path
        method = request.method.upper()
        for route in routes:
            if route.method == method:
                found = route.pattern.match(path)
                if found is not None:
                    return route, found
        return None

    def served_names(self) -> list[str]:
        """The API names of the operations served, sorted."""
        return sorted(self._operations)

    def operation_of(self, request: PlainRequest) -> str | None:
        """The operation a request's method and path name, served or not."""
        found = self._find(request, every=True)
        return found[0].operation if found else None

    def cache_key(self, request: PlainRequest) -> Hashable | None:
        """Method, URL and body: together they say everything a rest-json request asks."""
        body = request.body
        if body is None or type(body) is str or type(body) is bytes:
            return (request.method, request.url, body)
        return None

    # -- decoding ---------------------------------------------------------------------------

    def _serve(self, name: str) -> tuple[Served, Shape | None]:
        found = self._served.get(name)
        if found is None:
            model = service_model(self.api).operation_model(name)
            writer = JsonWriter(model.output_shape)
            served = Served(self.api, name, self._operations[name], writer.write)
            found = self._served[name] = (served, model.input_shape)
        return found

    def decode(self, request: PlainRequest) -> Decoded | None:
        """The operation and its parameters; None when no served route matches."""
        found = self._find(request)
        if found is None:
            return None
        route, matched = found
        served, shape = self._serve(route.operation)
        raw: dict[str, Any] = {}
        for member, group in route.labels:
            raw[member] = unquote(matched.group(group))
        if route.in_query:
            pairs = parse_qsl(urlsplit(request.url).query, keep_blank_values=True)
            members = shape.members if isinstance(shape, StructureShape) else {}
            for member, key in route.in_query:
                values = [value for name, value in pairs if name == key]
                if not values:
                    continue
                # A list in the query string repeats its key (UntagResource's TagKeys).
                listed = isinstance(members.get(member), ListShape)
                raw[member] = values if listed else values[-1]
        try:
            body = _json_body(request.body)
        except SesError as error:
            return served, MappingProxyType(raw), error
        raw.update(
            {key: value for key, value in body.items() if key not in raw}
            if route.body_members is None
            else {key: body[key] for key in route.body_members if key in body}
        )
        problems: Problems = []
        params = _read_structure(shape, raw, "", problems, top=True) if shape is not None else {}
        if problems:
            count = len(problems)
            invalid = catalogue.error(
                "v2.BadRequest.Validation",
                count=count,
                noun="error" if count == 1 else "errors",
                problems="; ".join(problems),
            )
            return served, MappingProxyType(raw), invalid
        return served, MappingProxyType(params), None

    # -- answers ----------------------------------------------------------------------------

    def result_answer(self, status: int, body: bytes, request_id: str) -> Answer:
        """A result, as JSON."""
        return Answer(status, self._headers(request_id, body), body)

    def translate(self, error: SesError) -> SesError:
        """An error of the shared semantics, with this API's code and status."""
        return self._translate(error)

    def error_answer(self, error: SesError, request_id: str) -> Answer:
        """An error as rest-json writes it: code in a header and in ``__type``."""
        body = json.dumps({"__type": error.code, "message": error.message}).encode()
        headers = self._headers(request_id, body)
        headers["x-amzn-ErrorType"] = error.code
        return Answer(error.status, headers, body)

    @staticmethod
    def _headers(request_id: str, body: bytes) -> dict[str, str]:
        return {
            "x-amzn-RequestId": request_id,
            "Content-Type": "application/json",
            "Content-Length": str(len(body)),
        }


def _json_body(body: object) -> dict[str, Any]:
    if body is None or body in (b"", ""):
        return {}
    try:
        text = body.decode("utf-8") if isinstance(body, (bytes, bytearray)) else str(body)
        value = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):  # nested beyond Python's stack
        raise catalogue.error("v2.BadRequest.Body") from None
    if not isinstance(value, dict):
        raise catalogue.error("v2.BadRequest.Body")
    return value


# -- reading values by walking the input shape -------------------------------------------------


def _read(shape: Shape, value: Any, path: str, problems: Problems) -> Any:
    if isinstance(shape, StructureShape):
        if not isinstance(value, Mapping):
            problems.append(
                f"Value at '{path}' failed to satisfy constraint: Member must be an object"
            )
            return value
        return _read_structure(shape, value, path, problems)
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            problems.append(
                f"Value at '{path}' failed to satisfy constraint: Member must be a list"
            )
            return value
        member = shape.member
        if isinstance(member, StringShape) and member.enum:
            bad = [item for item in value if item not in member.enum]
            if bad:
                problems.append(
                    f"Value at '{path}' failed to satisfy constraint: Member must satisfy "
                    f"constraint: [Member must satisfy enum value set: [{', '.join(member.enum)}]]"
                )
                return value
        return [_read(member, item, path, problems) for item in value]
    if isinstance(shape, MapShape):
        if not isinstance(value, Mapping):
            problems.append(f"Value at '{path}' failed to satisfy constraint: Member must be a map")
            return value
        return {
            _read(shape.key, key, path, problems): _read(shape.value, item, path, problems)
            for key, item in value.items()
        }
    return _scalar(shape, value, path, problems)


def _read_structure(
    shape: StructureShape | Shape,
    value: Mapping[str, Any],
    path: str,
    problems: Problems,
    *,
    top: bool = False,
) -> dict[str, Any]:
    assert isinstance(shape, StructureShape)
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        item = value.get(name, _ABSENT)
        member_path = field_path(path, name)
        if item is _ABSENT or item is None:
            if name in shape.required_members:
                problems.append(
                    f"Value null at '{member_path}' failed to satisfy constraint: "
                    "Member must not be null"
                )
            continue
        out[name] = _read(member, item, member_path, problems)
    if shape.metadata.get("union") and len(out) != 1:
        problems.append(
            f"Value at '{path or 'input'}' failed to satisfy constraint: Member must have exactly "
            "one member set"
        )
    return out


def _scalar(shape: Shape, value: Any, path: str, problems: Problems) -> Any:
    kind = shape.type_name
    meta = shape.metadata
    if kind == "string":
        if not isinstance(value, str):
            problems.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: Member must be a string"
            )
            return value
        enum = shape.enum if isinstance(shape, StringShape) else None
        if enum and value not in enum:
            problems.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: Member must satisfy "
                f"enum value set: [{', '.join(enum)}]"
            )
        elif "min" in meta and len(value) < meta["min"]:
            problems.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: Member must have "
                f"length greater than or equal to {meta['min']}"
            )
        elif "max" in meta and len(value) > meta["max"]:
            problems.append(
                f"Value at '{path}' failed to satisfy constraint: Member must have length less "
                f"than or equal to {meta['max']}"
            )
        elif "pattern" in meta and not re.fullmatch(meta["pattern"], value):
            problems.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: Member must satisfy "
                f"regular expression pattern: {meta['pattern']}"
            )
        return value
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):  # from a query string
            return value == "true"
        problems.append(
            f"Value '{value}' at '{path}' failed to satisfy constraint: Member must be a boolean"
        )
        return value
    if kind in ("integer", "long"):
        if isinstance(value, str) and value.lstrip("-").isdigit():  # from a query string
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: Member must be a number"
            )
            return value
        if "min" in meta and value < meta["min"]:
            problems.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: Member must have value "
                f"greater than or equal to {meta['min']}"
            )
        elif "max" in meta and value > meta["max"]:
            problems.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: Member must have value "
                f"less than or equal to {meta['max']}"
            )
        return value
    if kind == "timestamp":
        parsed = _timestamp(value)
        if parsed is None:
            problems.append(
                f"Value '{value}' at '{path}' failed to satisfy constraint: Member must be a "
                "timestamp"
            )
            return value
        return parsed
    return value


def _timestamp(value: Any) -> datetime | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc)
    if isinstance(value, str):
        try:
            return datetime.fromtimestamp(float(value), timezone.utc)
        except ValueError:
            pass
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return None


# -- writing results by walking the output shape ---------------------------------------------


def epoch(value: datetime) -> float:
    """A timestamp as rest-json writes it: epoch seconds, to the millisecond."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return round(value.timestamp(), 3)


class JsonWriter:
    """Writes one operation's results as JSON, walking its output shape.

    Only members of the shape are written, None values are left out, timestamps become epoch
    seconds. A result whose ``key`` attribute is set (the state it was read from) is written
    once per key.
    """

    def __init__(self, shape: StructureShape | Shape | None) -> None:
        self._shape = shape
        # Bodies written for an unchanged set, reused: bounded by count and by bytes.
        self._written: BoundedCache[tuple[object, bytes]] = BoundedCache(4096, 4 * 2**20)

    def write(self, result: Mapping[str, Any], request_id: str) -> bytes:
        """The JSON body of ``result``."""
        key = getattr(result, "key", None)
        if key is not None:
            known = self._written.get(key)
            if known is not None and known[0] is getattr(result, "owner", None):
                return known[1]
        if self._shape is None:
            body = b"{}"
        else:
            body = json.dumps(_value(self._shape, result), separators=(",", ":")).encode()
        if key is not None:
            self._written.put(key, (getattr(result, "owner", None), body), 64 + len(body))
        return body


def _value(shape: Shape, value: Any) -> Any:
    if isinstance(shape, StructureShape):
        return {
            name: _value(member, value[name])
            for name, member in shape.members.items()
            if value.get(name) is not None
        }
    if isinstance(shape, ListShape):
        return [_value(shape.member, item) for item in value]
    if isinstance(shape, MapShape):
        return {key: _value(shape.value, item) for key, item in value.items()}
    if shape.type_name == "timestamp" and isinstance(value, datetime):
        return epoch(value)
    return value
