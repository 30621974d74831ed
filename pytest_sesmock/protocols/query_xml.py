"""The Query-protocol response serializer: one walker over botocore's output shapes.

Each shape is compiled once into a small writer function, so a call only runs the writers its
answer needs. No operation has its own template: the output shape, the result wrapper and the
namespace all come from the service model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

from ..cache import BoundedCache, CompiledOnce
from ..errors import SesError
from .base import KeyedResult, iso8601
from .model import service_model

Writer = Callable[[Any, list[str]], None]


@cache
def _not_xml() -> re.Pattern[str]:
    # Characters XML 1.0 cannot carry at all; a name echoed in an error message may hold them.
    # Compiled on first need: a pattern over all of Unicode takes milliseconds to compile.
    return re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _escape(value: str) -> str:
    if "&" in value or "<" in value or ">" in value:
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def xml_text(value: str) -> str:
    """``value`` as XML character data: escaped, and with characters XML cannot hold replaced."""
    text = _escape(value)
    if value.isascii() and value.isprintable():  # the usual case: no character XML refuses
        return text
    return _not_xml().sub("\ufffd", text)


def _scalar_writer(shape: Shape) -> Callable[[Any], str]:
    kind = shape.type_name
    if kind == "boolean":
        return lambda value: "true" if value else "false"
    if kind == "timestamp":
        return iso8601
    if kind in ("integer", "long", "double", "float"):
        return str
    if kind == "blob":
        import base64

        return lambda value: base64.b64encode(value).decode("ascii")
    return _string_text


def _string_text(value: Any) -> str:
    return xml_text(value if type(value) is str else str(value))


def _compile(shape: Shape) -> Writer:
    writer: Writer
    if isinstance(shape, StructureShape):
        members = [
            (name, member.serialization.get("name", name), member)
            for name, member in shape.members.items()
        ]
        # Filled after registering, so recursive shapes terminate.
        compiled: list[tuple[str, Writer]] = []

        def write_structure(value: Any, out: list[str]) -> None:
            get = value.get
            for name, element_writer in compiled:
                item = get(name)
                if item is not None:
                    element_writer(item, out)

        _writer.started(shape, write_structure)
        compiled.extend((name, _element(tag, member)) for name, tag, member in members)
        return write_structure
    if isinstance(shape, ListShape):
        item_tag = shape.member.serialization.get("name", "member")
        item = _element(item_tag, shape.member)

        def write_list(value: Any, out: list[str]) -> None:
            for entry in value:
                item(entry, out)

        writer = write_list
    elif isinstance(shape, MapShape):
        key = _element(shape.key.serialization.get("name", "key"), shape.key)
        val = _element(shape.value.serialization.get("name", "value"), shape.value)

        def write_map(value: Any, out: list[str]) -> None:
            for k, v in value.items():
                out.append("<entry>")
                key(k, out)
                val(v, out)
                out.append("</entry>")

        writer = write_map
    else:
        text = _scalar_writer(shape)

        def write_scalar(value: Any, out: list[str]) -> None:
            out.append(text(value))

        writer = write_scalar
    return writer


_writer: CompiledOnce[Shape, Writer] = CompiledOnce(_compile, lambda shape: shape.name)
"""The writer of a shape's contents, without its own enclosing element, compiled once."""


def _element(tag: str, shape: Shape) -> Writer:
    """A writer of ``<tag>contents</tag>``; a flattened list writes one ``<tag>`` per item."""
    if isinstance(shape, ListShape) and shape.serialization.get("flattened"):
        item = _element(tag, shape.member)

        def write_flat(value: Any, out: list[str]) -> None:
            for entry in value:
                item(entry, out)

        return write_flat
    open_tag, close_tag = f"<{tag}>", f"</{tag}>"
    if shape.type_name in ("structure", "list", "map"):
        inner: list[Writer] = []  # looked up on first use: the shape may still be compiling

        def write_nested(value: Any, out: list[str]) -> None:
            if not inner:
                inner.append(_writer(shape))
            out.append(open_tag)
            inner[0](value, out)
            out.append(close_tag)

        return write_nested
    text = _scalar_writer(shape)

    def write_text(value: Any, out: list[str]) -> None:
        out.append(open_tag)
        out.append(text(value))
        out.append(close_tag)

    return write_text


# Answers written for an unchanged set, reused: bounded by count and by bytes.
_REUSED_KEPT = 4096
_REUSED_BYTES = 4 * 2**20


class ResponseSerializer:
    """Writes one operation's success answers, compiled from its output shape once.

    A ``KeyedResult`` result is written once per state: a describe of an unchanged set only
    adds its request id to the text written the first time.
    """

    def __init__(self, operation: OperationModel) -> None:
        namespace = operation.service_model.metadata["xmlNamespace"]
        name = operation.name
        self._head = f'<?xml version="1.0" encoding="UTF-8"?>\n<{name}Response xmlns="{namespace}">'
        self._tail = f"</{name}Response>"
        output = operation.output_shape
        if output is None:
            self._result: Writer | None = None
            self._wrapper = ("", "")
        else:
            # The result wrapper is written even when empty: botocore looks it up by name.
            tag = output.serialization.get("resultWrapper", f"{name}Result")
            self._result = _writer(output)
            self._wrapper = (f"<{tag}>", f"</{tag}>")
        self._reused: BoundedCache[tuple[object, str]] = BoundedCache(_REUSED_KEPT, _REUSED_BYTES)

    def serialize(self, result: Mapping[str, Any], request_id: str) -> bytes:
        """The whole XML body for ``result`` (a mapping shaped like the output shape)."""
        return "".join(
            (
                self._head,
                self._result_text(result),
                f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>",
                self._tail,
            )
        ).encode("utf-8")

    def _result_text(self, result: Mapping[str, Any]) -> str:
        if self._result is None:
            return ""
        if type(result) is KeyedResult:
            cached = self._reused.get(result.key)
            if cached is not None and cached[0] is result.owner:
                return cached[1]
        out = [self._wrapper[0]]
        self._result(result, out)
        out.append(self._wrapper[1])
        text = "".join(out)
        if type(result) is KeyedResult:
            self._reused.put(result.key, (result.owner, text), 64 + len(text))
        return text


def serialize_error(error: SesError, request_id: str, service: str = "ses") -> bytes:
    """The Query ``ErrorResponse`` envelope; ``RequestId`` is a sibling of ``Error``."""
    namespace = service_model(service).metadata["xmlNamespace"]
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="{namespace}">'
        f"<Error><Type>{error.fault}</Type><Code>{xml_text(error.code)}</Code>"
        f"<Message>{xml_text(error.message)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
