"""Server mode's WSGI application: SES's Query API and SES v2, answered by one mock's pipeline.

For clients the in-process hooks cannot reach: the AWS CLI or any program in another process or
language, pointed at ``endpoint_url``. Every request is answered by ``SesMock.answer``, the same
path botocore's in-process calls take (decoding, backend, records, rate limits, faults and
serializer), so both are answered and recorded alike.

HTTP itself is the job of ``server.http`` (waitress, with server mode's limits): it reads every
request whole (by ``Content-Length`` or chunked) before any of it is answered, so a body is never
taken for a request, whatever the method, and hands it to this application. Limits
(``server.protocol``): ``MAX_CONNECTIONS`` connections at once (more wait in the listen queue),
``MAX_HEADER`` bytes of request line and headers, ``MAX_BODY`` bytes of body,
``REQUEST_TIMEOUT`` seconds for a request to arrive, ``IDLE_TIMEOUT`` seconds idle.

A Query request is a POST with a form body (what SDKs and the AWS CLI send) or a GET with the
form in the query string; SES v2's requests are the routes under ``/v2/``. Whatever else a client
sends, the answer is in the Query protocol's ``ErrorResponse`` envelope (v2's JSON error under
``/v2/``) with an ``x-amzn-RequestId`` header, never a Python traceback, and the server keeps
serving:

=========================================  ======  ==============================
request                                    status  code
=========================================  ======  ==============================
no SigV4 ``Authorization`` header          403     ``MissingAuthenticationToken``
body not a form, or not UTF-8              400     ``ValidationError``
body over ``MAX_BODY`` bytes               413     ``ValidationError``
header over ``MAX_HEADER`` bytes           431     ``ValidationError``
no ``Action``, or one the mock does not    400     ``InvalidAction``
serve (``ListIdentities``, say)
a method other than POST and GET           400     ``ValidationError``
malformed HTTP (request line, a bad or     400     ``ValidationError``
repeated ``Content-Length``, bad chunks)
a transfer coding other than chunked       501     ``NotImplemented``
anything going wrong inside                500     ``InternalFailure`` (logged to stderr)
=========================================  ======  ==============================

The signature itself is not checked (any key signs), as the in-process mock does not check it.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

from ..apis.v1 import OPERATIONS
from ..core.faults import configuration_set_of
from ..core.pipeline import Pipeline, request_id
from ..errors import SesError
from ..protocols.base import Answer
from ..protocols.model import service_model
from ..protocols.query_xml import serialize_error
from ..state.records import Call
from . import inspection
from .protocol import status_line

_FORM = "application/x-www-form-urlencoded"


class _Request:
    """What ``SesMock.answer`` reads of a request: ``method``, ``url``, ``headers``, ``body``."""

    __slots__ = ("body", "headers", "method", "url")

    def __init__(self, method: str, url: str, headers: Any, body: str | bytes) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body


class _Headers:
    """A WSGI environ's request headers, read by name in any case (what the pipeline asks)."""

    __slots__ = ("_environ",)

    def __init__(self, environ: Mapping[str, Any]) -> None:
        self._environ = environ

    def get(self, name: str, default: str | None = None) -> str | None:
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        value = self._environ.get(key)
        return default if value is None else str(value)


def _decode_form(data: bytes | str, where: str) -> dict[str, str]:
    """The fields of a form, or ``ValidationError`` when ``data`` cannot be one."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        # errors="strict": a percent-escape that is not UTF-8 is refused, not silently replaced.
        return dict(parse_qsl(text, keep_blank_values=True, errors="strict"))
    except (UnicodeDecodeError, ValueError):
        raise SesError(
            "ValidationError", f"The {where} is not {_FORM} data encoded as UTF-8."
        ) from None


def _served_list() -> str:
    return ", ".join(sorted(OPERATIONS))


def _unserved_v2(method: str, path: str) -> SesError:
    from ..apis import v2

    served = ", ".join(v2.wire().served_names())
    return SesError(
        "UnknownOperationException",
        f"{method} {path} is not an SES v2 operation pytest-sesmock serves; it serves {served}.",
        404,
    )


def _unserved(action: str) -> SesError:
    if not action:
        return SesError(
            "InvalidAction",
            f"The request has no Action parameter; pytest-sesmock serves {_served_list()}.",
        )
    if action in service_model().operation_names:
        return SesError(
            "InvalidAction",
            f"SES operation {action} is not served by pytest-sesmock; it serves {_served_list()}.",
        )
    version = service_model().api_version
    return SesError(
        "InvalidAction",
        f"Could not find operation {action} for version {version}; "
        f"pytest-sesmock serves {_served_list()}.",
    )


def _method_not_supported(method: str) -> SesError:
    return SesError(
        "ValidationError",
        f"HTTP method {method} is not supported; send the Query request as POST with a form "
        "body, or as GET with a query string.",
    )


# The call the pipeline answered for the request being served, in this thread: what its log line
# says beyond HTTP's (the server answers one request at a time in its loop thread).
_this_call: ContextVar[Call | None] = ContextVar("pytest_sesmock_logged_call", default=None)


def _note_call(call: Call) -> None:
    _this_call.set(call)


def _described(call: Call | None, answer: Answer) -> str:
    """`` ses DescribeConfigurationSet us-east-1 set=NAME ConfigurationSetDoesNotExist hint: ...``:
    what a log reader needs to tell why a call failed (the API, operation, region, set, error
    code and hint); for a request the mock refused before any operation, the error code."""
    if call is None:
        code = answer.headers.get("x-amzn-ErrorType")
        if code is None and answer.status >= 400 and b"<Code>" in answer.body:
            code = answer.body.split(b"<Code>", 1)[1].split(b"</Code>", 1)[0].decode()
        return f" {code}" if code else ""
    name = configuration_set_of(call.params)
    parts = [call.api, call.operation, call.region]
    if name is not None:
        parts.append(f"set={name}")
    if call.error_code:
        parts.append(call.error_code)
    if call.throttled:
        parts.append("[over rate limit]")
    line = " " + " ".join(parts)
    return f"{line} hint: {call.hint}" if call.hint else line


def refusal(error: SesError, path: str) -> Answer:
    """A refusal of the HTTP stack (a malformed request, say), as the API of ``path`` writes an
    error, with a request id of its own: what ``server.http`` is given to answer with."""
    return error_answer(error, path, request_id())


def error_answer(error: SesError, path: str, rid: str) -> Answer:
    """An error as the API the path belongs to writes it: Query's XML envelope, v2's JSON, or the
    inspection API's JSON."""
    if inspection.handles(path):
        return inspection.error_for(error)
    if path.startswith("/v2/"):
        from ..apis import v2

        wire = v2.wire()
        return wire.error_answer(wire.translate(error), rid)
    body = serialize_error(error, rid)
    return Answer(error.status, {"x-amzn-RequestId": rid, "Content-Type": "text/xml"}, body)


def _target(environ: Mapping[str, Any]) -> str:
    """The request target as sent (its path still percent-encoded), from ``/`` on."""
    raw = str(environ.get("REQUEST_URI") or "/")
    if raw.startswith("/"):
        return raw
    parts = urlsplit(raw)  # an absolute URI (``POST http://host/ HTTP/1.1``) names its path
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class Application:
    """The WSGI application: one request in, ``SesMock``'s answer (or an envelope) out."""

    def __init__(self, pipeline: Pipeline, log_requests: bool) -> None:
        self.pipeline = pipeline
        if log_requests:
            pipeline.on_call = _note_call
        self.log_requests = log_requests
        self.base_url = ""
        self.inspection: inspection.Inspection | None = None
        """``/_sesmock/`` and ``/_aws/ses`` (set once the server knows its address)."""

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        rid = request_id()
        target = _target(environ)
        path = urlsplit(target).path
        method = str(environ.get("REQUEST_METHOD", "GET"))
        try:
            answer = self._answer(environ, method, target, path)
        except SesError as error:
            answer = error_answer(error, path, rid)
        except Exception:
            # A bug of ours: say so on stderr, answer as AWS does for its own failures, go on.
            print(
                f"pytest-sesmock server: internal failure answering {method} {target} "
                f"(RequestId {rid}):\n{traceback.format_exc()}",
                file=sys.stderr,
                end="",
                flush=True,
            )
            failure = SesError("InternalFailure", "The request processing has failed.", 500)
            answer = error_answer(failure, path, rid)
        headers = [(k, v) for k, v in answer.headers.items() if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(answer.body))))
        start_response(status_line(answer.status), headers)
        if self.log_requests:
            when = time.strftime("%d/%b/%Y %H:%M:%S")
            call = _this_call.get()
            _this_call.set(None)
            print(
                f'{environ.get("REMOTE_ADDR", "-")} - - [{when}] "{method} {target} '
                f'{environ.get("SERVER_PROTOCOL", "")}" {answer.status} {len(answer.body)}'
                f"{_described(call, answer)}",
                file=sys.stderr,
                flush=True,
            )
        return [] if method == "HEAD" else [answer.body]

    def _answer(self, environ: Mapping[str, Any], method: str, target: str, path: str) -> Answer:
        length = int(environ.get("CONTENT_LENGTH") or 0)  # waitress has checked it
        body: bytes = environ["wsgi.input"].read(length) if length else b""
        headers = _Headers(environ)
        if self.inspection is not None and inspection.handles(path):
            # Not AWS's API: no signature, answered in JSON (or the inbox page).
            scheme = str(environ.get("wsgi.url_scheme", "http"))
            query = urlsplit(target).query
            return self.inspection.answer(method, path, query, headers, body, scheme)
        authorization = headers.get("Authorization") or ""
        if not (authorization.startswith("AWS4-") and "Credential=" in authorization):
            raise SesError(
                "MissingAuthenticationToken", "Request is missing Authentication Token", 403
            )
        url = self.base_url + target.lstrip("/")
        if path.startswith("/v2/"):
            # SES v2 (rest-json): the route names the operation, the pipeline does the rest.
            answer = self.pipeline.answer(cast(Any, _Request(method, url, headers, body)))
            if answer is None:
                raise _unserved_v2(method, path)
            return answer
        if method not in ("GET", "POST"):
            raise _method_not_supported(method)
        if body:
            content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if content_type != _FORM:
                raise SesError(
                    "ValidationError",
                    f"The request body must be {_FORM}; got Content-Type "
                    f"{content_type or '(none)'}.",
                )
            form = _decode_form(body, "request body")
        else:
            # SesMock.answer reads the URL's query string when the body is empty, as we do here.
            form = _decode_form(urlsplit(target).query, "query string")
        action = form.get("Action", "")
        if action not in OPERATIONS:
            raise _unserved(action)
        # The region comes from the SigV4 scope: SesMock.answer reads it (the host is ours).
        answer = self.pipeline.answer(
            # The body as text (checked UTF-8 above): the mock then decodes a repeated one once.
            cast(Any, _Request(method, url, headers, body.decode("utf-8")))
        )
        if answer is None:  # not expected after the check above; answered all the same
            raise _unserved(action)
        return answer
