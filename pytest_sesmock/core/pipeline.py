"""The one path every request takes: a plain request in, a plain answer out.

Every adapter (botocore's ``before-send`` hook, ``requests``, the HTTP server, the async clients)
hands the active ``Pipeline`` a plain request and gets a plain ``Answer`` back, or None when the
request is not one the mock serves (another in-process mock may answer it; the network guard
stops the rest). A pipeline holds everything a call needs: the account's state, its clock, its
limits, its injected faults and its records; ``SesMock`` is the user's face of one, and the
pipeline never calls back into it.

Sends are answered here too, beside moto as alone, in SES's shapes and errors: moto's identities
and templates count as the account's (``state.other_services``), and the message is recorded in
moto as well, so that moto's sent messages and send statistics see it. The events are published
after the answer (``sending.publishing``).
"""

from __future__ import annotations

import itertools
import os
import sys
import traceback
from collections.abc import Callable, Hashable, Mapping
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from .. import catalogue
from ..cache import BoundedCache
from ..errors import NotTheMocks, SesError
from ..protocols.base import Answer, Decoded, PlainRequest, Served, Wire
from ..protocols.endpoint import URL_REGIONS, region_of
from ..protocols.model import V1, V2
from ..sending.outcomes import Outcomes
from ..state.backend import STATE_LOCK, Backend, Context
from ..state.records import Call, Records, capped
from . import hints
from .clock import Clock
from .faults import Faults, configuration_set_of
from .rate_limit import RateLimiter

# Requests smaller than this cannot carry a record worth capping (their parameters are smaller).
_CAP_FROM = 4096

SENDS = frozenset(
    [
        (V1, "SendEmail"),
        (V1, "SendRawEmail"),
        (V1, "SendTemplatedEmail"),
        (V1, "SendBulkTemplatedEmail"),
        (V2, "SendEmail"),
        (V2, "SendBulkEmail"),
    ]
)
"""The send operations: their messages are recorded and their events published after the answer."""


def wire_for(request: PlainRequest) -> Wire:
    """The API a request is for: SES v2's paths start with ``/v2/``; the rest is v1's Query."""
    url = request.url
    # The path starts after the scheme and host: "https://email.us-east-1.amazonaws.com/v2/..."
    host = url.find("//")
    path = url.find("/", host + 2 if host >= 0 else 0)
    if path >= 0 and url.startswith("/v2/", path):
        return _wires(V2)
    return _wires(V1)


@cache
def _wires(api: str) -> Wire:
    if api == V2:
        from ..apis import v2

        return v2.wire()
    from ..apis import v1

    return v1.wire()


def _uuid_prefix() -> str:
    raw = bytearray(os.urandom(10))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # the RFC 4122 variant
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-"


_REQUEST_IDS = itertools.count(int.from_bytes(os.urandom(5), "big"))
_PREFIX = _uuid_prefix()


def request_id() -> str:
    """A version 4 UUID, as SES's request ids are: a random prefix for this process, then a
    counter, so every id is unique (and costs far less than ``str(uuid4())`` per call)."""
    return f"{_PREFIX}{next(_REQUEST_IDS) & 0xFFFFFFFFFFFF:012x}"


def _attempt(header: str | bytes | None) -> int:
    """The attempt number in ``amz-sdk-request: attempt=2; max=3``; 1 when absent.

    Read for clients that do not say it otherwise (``requests``, server mode): botocore's
    adapter passes the attempt from botocore's retry context."""
    if isinstance(header, bytes):
        header = header.decode("latin-1")
    if not header or not header.startswith("attempt="):
        return 1
    number = header[8:].partition(";")[0].strip()
    return int(number) if number.isdigit() else 1


def _size_of(key: Hashable) -> int:
    """About the bytes a decoded request keeps: its key, and parameters of about its size."""
    parts = key if isinstance(key, tuple) else (key,)
    return 256 + 2 * sum(len(part) for part in parts if isinstance(part, (str, bytes)))


def _request_size(request: PlainRequest) -> int:
    body = request.body
    return len(request.url) + (len(body) if isinstance(body, (str, bytes, bytearray)) else 0)


@cache
def _served(api: str) -> frozenset[str]:
    return frozenset(_wires(api).served_names())


def serves(api: str, operation: str) -> bool:
    """Whether the mock answers this operation of this API (``ses``, ``sesv2``) itself. Fixed for
    the process: callers may keep the answer."""
    return api in (V1, V2) and operation in _served(api)


class Pipeline:
    """Everything one mock answers with: the account's state, clock, limits, faults and
    records. ``answer`` is the hot path; the rest is set up once, by ``SesMock``."""

    def __init__(
        self,
        *,
        region: str,
        account: str,
        rate_limit: str,
        sign_requests: bool,
        owner: Any = None,
    ) -> None:
        self.region = region
        """The default region of declarations, and of requests whose region cannot be told."""
        self.account = account
        self.rate_limit = rate_limit
        self.sign_requests = sign_requests
        self.owner = owner
        """The ``SesMock`` this is the pipeline of (``current_mock()`` returns it)."""
        self.backend = Backend()
        self.clock = Clock()
        self.rate_limiter = RateLimiter()
        self.faults = Faults()
        self.records = Records()
        self.outcomes = Outcomes()
        # Requests decoded once, reused when repeated: bounded by count and bytes, thread-safe.
        self.decoded: BoundedCache[Decoded] = BoundedCache(1024, 4 * 2**20, 64 * 1024)
        self.outer: Pipeline | None = None
        self.on_call: Callable[[Call], None] | None = None
        """Told of every call answered, in the thread that made it, whether records are kept or
        not (the server's request log reads it)."""

    def nest_in(self, outer: Pipeline | None) -> None:
        """Nested in ``outer`` (a mock active around this one): see its sets, identities and
        outcomes too, and have it record this one's calls, messages and events (None: alone)."""
        self.outer = outer
        self.backend.parent = outer.backend if outer else None
        self.backend.resources.parent = outer.backend.resources if outer else None
        self.outcomes.parent = outer.outcomes if outer else None
        self.records.nest_in(outer.records if outer else None)

    def answer(
        self,
        request: PlainRequest,
        region: str | None = None,
        attempt: int | None = None,
        *,
        others_may_answer: bool = False,
    ) -> Answer | None:
        """The answer to one request, or None for an operation this mock does not serve.

        Whatever goes wrong inside, the caller gets an AWS error (``InternalFailure`` for a bug
        of ours, its traceback on standard error), and the call is recorded once.

        ``region`` is the region the client signs for and ``attempt`` the retry it is on, when
        its adapter knows them (a request left unsigned carries no credential scope to read the
        region from; the attempt is otherwise read from the ``amz-sdk-request`` header).
        ``others_may_answer``: another in-process mock may answer what this one does not
        (botocore's ``before-send``; nothing this mock serves is left to it).
        """
        wire = wire_for(request)
        # Code under test sends the same few requests again and again, and botocore's retries
        # repeat them exactly: a request seen before in this mock is decoded once (per mock, so
        # that nothing decoded in one test is shared with the next; the parameters are
        # read-only). Bounded by entries and bytes; a large request is not kept at all.
        key = wire.cache_key(request)
        decoded = self.decoded.get(key) if key is not None else None
        if decoded is None:
            try:
                decoded = wire.decode(request)
            except Exception as bug:
                decoded = _undecodable(wire, request, bug)
            if decoded is None:
                return None  # another in-process mock may answer; the network guard stops the rest
            if key is not None and decoded[2] is None:
                self.decoded.put(key, decoded, _size_of(key))
        served, params, invalid = decoded
        operation = served.name
        headers = request.headers
        url = request.url
        # The endpoint host usually tells the region; else the client's (from its adapter), else
        # the signature's credential scope (server mode, requests).
        region = (
            URL_REGIONS.get(url)
            or region_of(url, None)
            or region
            or region_of(url, headers.get("Authorization"))
            or self.region
        )
        rid = request_id()
        attempt = attempt or _attempt(headers.get("amz-sdk-request"))
        sending = (served.api, operation) in SENDS
        account = self.account
        result: Any = None
        # One call at a time, whole: the clock, the limiter, the state, the answer and the record
        # agree on one order.
        with STATE_LOCK:
            base, now = self.clock.read()
            throttled = False
            hint: str | None = None
            code: str | None = None
            try:
                if invalid is not None:
                    raise invalid
                if self.rate_limit != "off":
                    throttled = not self.rate_limiter.allow(
                        account, region, (served.api, operation), now, base
                    )
                    if throttled and self.rate_limit == "enforce":
                        # A new error each time: Python chains each raise's traceback onto the
                        # exception raised, so one shared object would keep every refused
                        # call's frames alive.
                        raise catalogue.error("Throttling")
                if self.faults.pending:
                    fault = self.faults.take(served.api, operation, params)
                    if fault is not None:
                        raise fault
                try:
                    result = served.run(self.backend, Context(account, region, now), params)
                except NotTheMocks:
                    return None  # another in-process mock may answer; nothing is recorded
                reply = wire.result_answer(200, served.encode(result, rid), rid)
            except SesError as error:
                result = None
                answered = wire.translate(error)  # v2 answers the shared semantics' errors its way
                reply, code = wire.error_answer(answered, rid), answered.code
                if error.code == "ConfigurationSetDoesNotExist":
                    hint = self._hint_elsewhere(operation, params, region)
            except Exception as bug:
                result = None
                failure = internal_failure(bug, f"{served.api} {operation}", rid)
                reply, code = wire.error_answer(failure, rid), failure.code
            if (reply.status >= 400 or self.records.limit is not None) and _request_size(
                request
            ) > _CAP_FROM:
                # A refused request is not kept whole, however large; nor is any in a bounded
                # store (server mode's), which must stay small whatever is sent to it.
                params = capped(params)
            call = Call(
                operation,
                params,
                region,
                account,
                now,
                reply.status,
                code,
                throttled,
                attempt,
                hint,
                served.api,
            )
            for records in self.records.chain:  # this mock's, and those of the mocks around it
                records.calls.append(call)
                if records.limit is not None:  # server mode's bounded store
                    records.trim_calls()
        if self.on_call is not None:  # the server's request log, say
            self.on_call(call)
        if sending and result is not None:
            # Outside the lock: publishing calls moto through botocore, which other threads share.
            self._deliver(served.api, operation, result, region, now, "pytest-sesmock")
        return reply

    def _deliver(
        self,
        api: str,
        operation: str,
        result: Any,
        region: str,
        now: float,
        answered_by: str,
        ids: list[str | None] | None = None,
    ) -> None:
        from ..sending.publishing import deliver

        sent = result.messages
        if ids is not None:
            sent = [(message, mid) for (message, _), mid in zip(sent, ids, strict=False)]
        delivered = [(message, mid) for message, mid in sent if mid]
        context = Context(self.account, region, now)
        deliver(
            self.backend,
            self.records,
            self.outcomes,
            api,
            operation,
            delivered,
            context,
            answered_by,
        )

    def _hint_elsewhere(self, operation: str, params: Mapping[str, Any], region: str) -> str | None:
        """When the set a call did not find lives in another region or account, say where."""
        name = configuration_set_of(params)
        if name is None:
            return None
        places = [
            place_region if account == self.account else f"{place_region} (account {account})"
            for account, place_region in self.backend.placements(name)
            if (account, place_region) != (self.account, region)
        ]
        if not places:
            return self._hint_spelling(operation, name, region)
        hint = (
            f"configuration set {name!r} exists in {' and '.join(places)}, but this {operation} "
            f"call was made in {region} (account {self.account}), where it does not exist. "
            f"Declare it in {region} too, or create the client with region_name (or "
            "AWS_DEFAULT_REGION) naming the region it lives in."
        )
        hints.note_hint(hint)
        return hint

    def _hint_spelling(self, operation: str, name: str, region: str) -> str | None:
        """When a set of a close name exists where the call was made: the name was mistyped."""
        import itertools

        from ..errors import did_you_mean

        nearby = list(itertools.islice(self.backend.names(self.account, region), 10_000))
        closest = did_you_mean(name, nearby)
        if closest == ".":
            return None
        hint = (
            f"configuration set {name!r} does not exist in {region} (account {self.account})"
            f"{closest} That one exists there; this {operation} call named {name!r}."
        )
        hints.note_hint(hint)
        return hint

    def explain_unanswered(self, request: PlainRequest) -> str:
        """Why a request to AWS that nobody in-process answered is refused, and what to do."""
        host = urlsplit(request.url).hostname or request.url
        wire = wire_for(request)
        operation = wire.operation_of(request) if host.startswith("email") else None
        served = wire.served_names()
        if operation in served:
            return (
                f"{wire.label} {operation} was sent by a botocore client that pytest-sesmock does "
                "not intercept (created before pytest_sesmock was imported?); route it through "
                "the mock with ses_mock.patch_client(client) (or pytest_sesmock.patch_client). "
                "The request was not sent."
            )
        if operation:
            templates = (
                " Declare the templates your sends use with ses_mock.add_template(...), or let "
                "moto's mock_aws hold them."
                if "Template" in operation
                else ""
            )
            return (
                f"{wire.label} operation {operation} is not mocked by pytest-sesmock (it serves "
                f"{', '.join(served)}) and no other in-process mock answered it; the request was "
                f"not sent.{templates}"
            )
        return (
            f"pytest-sesmock is active and {request.method} {request.url} would have left the "
            "process; only SES is mocked here (use an in-process mock such as moto for other "
            "services). The request was not sent."
        )


def internal_failure(bug: BaseException, doing: str, request_id: str) -> SesError:
    """A bug of ours, as AWS answers its own failures; the traceback goes to standard error.

    Never a Python exception from deep inside the mock: the caller gets ``InternalFailure``
    (botocore retries it, then raises its ``ClientError``), and the message says what broke.
    """
    print(
        f"pytest-sesmock: internal failure answering {doing} (RequestId {request_id}):\n"
        + "".join(traceback.format_exception(type(bug), bug, bug.__traceback__)),
        file=sys.stderr,
        end="",
        flush=True,
    )
    return SesError(
        "InternalFailure",
        "The request processing has failed because of an unknown error, exception or failure. "
        f"(pytest-sesmock: {type(bug).__name__}: {bug}; this is a bug of pytest-sesmock, its "
        "traceback is on standard error)",
        500,
    )


def _undecodable(wire: Wire, request: PlainRequest, bug: Exception) -> Decoded | None:
    """What a request that made the decoder fail is recorded as: its operation, no parameters."""
    try:
        name = wire.operation_of(request)
    except Exception:
        name = None
    if name not in wire.served_names():
        print(
            "pytest-sesmock: internal failure decoding a request:\n"
            + "".join(traceback.format_exception(type(bug), bug, bug.__traceback__)),
            file=sys.stderr,
            end="",
            flush=True,
        )
        return None
    assert name is not None

    def fail(*_: object) -> Mapping[str, Any]:
        raise bug

    served = Served(wire.api, name, fail, lambda result, rid: b"")
    return served, {}, None
