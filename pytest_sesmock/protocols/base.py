"""What every protocol offers the pipeline: a plain request in, a plain answer out.

A protocol (Query for SES v1, rest-json for SES v2) is bound to one service model and to the
operations an API serves. It finds the operation a request names and decodes its parameters by
walking the model's input shape, and it writes results and errors the way that protocol does on
the wire. Nothing here knows about botocore's response classes, ``requests`` or HTTP servers: the
adapters turn an ``Answer`` into whatever their client reads.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, NamedTuple, Protocol

from ..errors import SesError

Operation = Callable[[Any, Any, Mapping[str, Any]], Mapping[str, Any]]
"""``(backend, context, params) -> result``: an operation's semantics (see ``apis``)."""


class PlainRequest(Protocol):
    """What the pipeline reads of a request: botocore's, ``requests``', or the server's."""

    @property
    def method(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def headers(self) -> Any:
        """A mapping with ``get``, case-insensitive for the headers the pipeline reads."""

    @property
    def body(self) -> Any:
        """``bytes``, ``str`` or None."""


class Answer(NamedTuple):
    """A plain answer: HTTP status, headers and body, as every adapter sends it on.

    A named tuple: immutable, and cheap to make once per call.
    """

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Served:
    """One served operation, with everything about it prepared once."""

    api: str
    """The botocore service name: ``ses`` or ``sesv2``."""
    name: str
    """The operation's API name, e.g. ``DescribeConfigurationSet``."""
    run: Operation
    encode: Callable[[Mapping[str, Any], str], bytes]
    """``(result, request id) -> body``."""


class KeyedResult(dict[str, Any]):
    """A result whose written form may be reused while ``key`` stays the same.

    ``key`` names the state the result was read from (a configuration set and its revision);
    ``owner`` is that set, kept alive by the cache so that its id cannot be reused by another.
    """

    __slots__ = ("key", "owner")

    def __init__(self, key: tuple[Any, ...], owner: object, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key = key
        self.owner = owner


def field_path(path: str, member: str) -> str:
    """AWS's name for a field in validation messages: lowerCamel members joined by dots."""
    name = member[:1].lower() + member[1:]
    return f"{path}.{name}" if path else name


def iso8601(value: datetime) -> str:
    """A timestamp as SES writes it (in XML and in events): UTC, milliseconds, ``Z``."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    utc = value.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


Decoded = tuple[Served, Mapping[str, Any], "SesError | None"]
"""(operation, parameters, error to answer instead): a request understood."""


class Wire(Protocol):
    """A protocol bound to one API's model and served operations."""

    api: str
    """The botocore service name (``ses``, ``sesv2``)."""
    label: str
    """How messages name the API (``SES``, ``SES v2``)."""

    def cache_key(self, request: PlainRequest) -> Hashable | None:
        """What identifies a request completely (its decoding may be reused), or None."""

    def decode(self, request: PlainRequest) -> Decoded | None:
        """The operation a request calls and its parameters; None when it is not served."""

    def operation_of(self, request: PlainRequest) -> str | None:
        """The operation a request names, served or not (for messages), or None."""

    def translate(self, error: SesError) -> SesError:
        """An error of the shared semantics as this API answers it (its own code, status)."""

    def error_answer(self, error: SesError, request_id: str) -> Answer:
        """The answer for an error (already translated), as this protocol writes it."""

    def result_answer(self, status: int, body: bytes, request_id: str) -> Answer:
        """The answer for a result body."""

    def served_names(self) -> list[str]:
        """The API names of the operations served, sorted."""
