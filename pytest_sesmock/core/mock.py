"""``SesMock``: the one mock object that every door (fixture, marker, decorator, YAML) feeds."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType, TracebackType
from typing import Any, cast
from urllib.parse import urlsplit

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.model import Shape

from .. import catalogue
from ..adapters import botocore as interception
from ..adapters.environment import default_region
from ..apis.v1 import OPERATIONS, Operation
from ..doors.options import DEFAULT_RATE_LIMIT, check_rate_limit
from ..errors import DeclarationError, SesError
from ..protocols.model import operation_model
from ..protocols.query import decode_params, parse_form, region_of
from ..protocols.query_xml import ResponseSerializer, serialize_error
from ..state import rules
from ..state.backend import Backend, Context, resolve
from ..state.declaration import Declaration, parse_entry, parse_identities, parse_topics
from . import active as activation
from . import assertions, hints, names
from .faults import Faults, configuration_set_of, make_fault
from .rate_limit import RateLimiter
from .records import Call

DEFAULT_ACCOUNT = "123456789012"


@dataclass(frozen=True)
class _Served:
    """One served operation, with everything about it that can be prepared once."""

    input_shape: Shape | None
    run: Operation
    serializer: ResponseSerializer


_served: dict[str, _Served] = {}


def _served_operation(action: str) -> _Served | None:
    found = _served.get(action)
    if found is None and action in OPERATIONS:
        model = operation_model(action)
        found = _served[action] = _Served(
            model.input_shape, OPERATIONS[action], ResponseSerializer(model)
        )
    return found


Decoded = tuple[str, _Served, Mapping[str, Any], "SesError | None"]
_DECODED_KEPT = 1024


class MockResponse(AWSResponse):
    """A response the mock answered (so botocore's backoff after it can be free)."""

    answered_by_mock = True


_THROTTLED = catalogue.error("Throttling")


def _attempt(header: str | bytes | None) -> int:
    """The attempt number in ``amz-sdk-request: attempt=2; max=3``; 1 when absent."""
    if isinstance(header, bytes):
        header = header.decode("latin-1")
    if not header or not header.startswith("attempt="):
        return 1
    number = header[8:].partition(";")[0].strip()
    return int(number) if number.isdigit() else 1


def request_id() -> str:
    """A random (version 4) UUID, as SES's request ids are; cheaper than ``str(uuid4())``."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


class _Body:
    """The raw body botocore reads a response from."""

    __slots__ = ("_data",)

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data

    def read(self, *_: Any, **__: Any) -> bytes:
        data, self._data = self._data, b""
        return data


class SesMock:
    """An in-memory Amazon SES that answers botocore's SES requests while it is active.

    Use it through the ``ses_mock`` fixture, the ``ses_mock`` marker, ``mock_ses`` or as a context
    manager. ``region`` is the default region of declarations and of requests whose region cannot
    be told; ``account`` is the account every request is answered for; ``rate_limit`` is
    ``"off"``, ``"track"`` (the default) or ``"enforce"``.
    """

    def __init__(
        self,
        *,
        region: str | None = None,
        account: str | None = None,
        rate_limit: str | None = None,
    ) -> None:
        region = region or default_region()
        account = account or DEFAULT_ACCOUNT
        for problem in (rules.region_problem(region), rules.account_problem(account)):
            if problem:
                raise DeclarationError("", problem)
        self.region: str = region
        self.account: str = account
        self.rate_limit: str = check_rate_limit(rate_limit) or DEFAULT_RATE_LIMIT
        self.backend = Backend()
        self.calls: list[Call] = []
        """Every call answered while active, in order (``clear_calls()`` empties it)."""
        self.rate_limiter = RateLimiter()
        self.faults = Faults()
        self._clock_offset = 0.0
        self._decoded: dict[str, Decoded] = {}
        self._clock_lock = threading.Lock()
        self._outer: SesMock | None = None
        self._active = False

    # -- declaring -----------------------------------------------------------------------------

    def add_configuration_set(
        self, spec: Mapping[str, Any], *, region: str | None = None, account: str | None = None
    ) -> None:
        """Declare a configuration set, spelled as DescribeConfigurationSet answers it.

        ``spec`` has ``Name`` and any of ``EventDestinations``, ``TrackingOptions``,
        ``DeliveryOptions`` and ``ReputationOptions``; a whole pasted ``describe_configuration_set``
        output works too, and so do ``region`` and ``account`` keys, as in YAML. It is checked at
        once and copied. Raises ``DeclarationError`` naming the place inside ``spec`` that is
        wrong. A set declared here overrides one of the same name that YAML or a marker declared.
        """
        for place, value, check in (
            ("region", region, rules.region_problem),
            ("account", account, rules.account_problem),
        ):
            if value is not None and (problem := check(value)):
                raise DeclarationError("", problem)
            if value is not None and isinstance(spec, Mapping) and spec.get(place, value) != value:
                raise DeclarationError(
                    place, f"{spec[place]!r} differs from the keyword {place}={value!r}"
                )
        declared = parse_entry(spec, region=region, account=account)
        account = declared.account or self.account
        region = declared.region or self.region
        key = (account, region, declared.configuration_set.name)
        if self.backend.configuration_sets.get(key) is not None:
            raise DeclarationError(
                "Name",
                f"configuration set {key[2]!r} is already declared in "
                f"account {account}, region {region}",
            )
        self.backend.configuration_sets[key] = declared.configuration_set

    def add_identity(
        self, identity: str, *, region: str | None = None, account: str | None = None
    ) -> None:
        """Declare a verified identity (an email address or a domain) of the account.

        Once a test declares identities (or moto, active beside the mock, holds some), a tracking
        redirect domain that is neither a verified domain nor below one is refused with SES's
        ``InvalidTrackingOptions``, as real SES refuses it. Without any, nothing is checked.
        """
        (declared,) = parse_identities([identity], "identity")
        self.backend.known.identities.add(
            (account or self.account, region or self.region, declared.identity)
        )

    def add_sns_topic(self, arn: str) -> None:
        """Declare an SNS topic that exists (its ARN names its account and region).

        Once a test declares topics (or moto, active beside the mock, holds some in that account
        and region), an SNS event destination naming another topic is refused with SES's
        ``InvalidSNSDestination``, as real SES refuses it. Without any, nothing is checked.
        """
        (declared,) = parse_topics([arn], "sns_topic")
        self.backend.known.topics.add(declared.arn)

    def add_layer(self, declared: Sequence[Declaration]) -> None:
        """Add checked declarations as one layer over the earlier ones (what the doors use).

        Declarations without a region or account take this mock's. The layer's sets are shared,
        not copied: the mock never changes them.
        """
        layer = resolve(declared, self.region, self.account)
        self.backend.layers.insert(0, layer.configuration_sets)
        self.backend.known.identities.update(layer.identities)
        self.backend.known.topics.update(layer.topics)

    # -- activation ----------------------------------------------------------------------------

    def start(self) -> SesMock:
        """Begin answering SES requests. Pair with ``stop()``; prefer ``with SesMock() as ses:``."""
        if self._active:
            raise RuntimeError("this SesMock is already active")
        # Nested in another mock: see its sets too; ours vanish with us. It records our calls too.
        self._outer = activation.activate(self)
        self.backend.parent = self._outer.backend if self._outer else None
        self.backend.known.parent = self._outer.backend.known if self._outer else None
        self._active = True
        return self

    def stop(self) -> None:
        """Stop answering; a no-op when not active."""
        if not self._active:
            return
        self._active = False
        activation.deactivate(self)
        self.backend.parent = None
        self.backend.known.parent = None
        self._outer = None

    def __enter__(self) -> SesMock:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @staticmethod
    def patch_client(client: Any) -> Any:
        """Route ``client`` through the mock although it was created before the plugin loaded.

        Clients created after ``pytest_sesmock`` was imported need no patching. Returns ``client``.
        """
        interception.patch_client(client)
        return client

    # -- time, limits and faults ---------------------------------------------------------------

    def time(self) -> float:
        """The mock's clock, in epoch seconds: the standard library's clock plus ``advance()``.

        Read through ``time.time()`` at each call, so freezegun and time-machine control it.
        """
        return time.time() + self._clock_offset

    def advance(self, seconds: float) -> None:
        """Move the mock's clock forward (botocore's retry backoff does this too)."""
        if seconds < 0:
            raise ValueError(f"the mock's clock only moves forward; got {seconds!r}")
        with self._clock_lock:
            self._clock_offset += seconds

    def set_rate_limit(
        self,
        operation: str = "DescribeConfigurationSet",
        *,
        per_second: float | None = 1.0,
        burst: float | None = 1.0,
    ) -> None:
        """Limit ``operation`` to ``per_second`` calls a second, ``burst`` at once, per account
        and region (``per_second=None``: no limit). DescribeConfigurationSet starts at 1 and 1.

        ``operation`` is the API name or boto3's method name (``describe_configuration_set``);
        any other name is refused with the closest served one.
        """
        api_name = names.operation(operation)
        if per_second is not None and not per_second > 0:
            raise ValueError(f"per_second must be positive or None; got {per_second!r}")
        if burst is not None and not burst >= 1:
            raise ValueError(f"burst must be at least 1; got {burst!r}")
        self.rate_limiter.set_limit(api_name, per_second, burst)

    def add_error(
        self,
        code: str,
        message: str | None = None,
        status: int | None = None,
        *,
        operation: str = "DescribeConfigurationSet",
        configuration_set: str | None = None,
        times: int = 1,
        unmodeled: bool = False,
    ) -> None:
        """Answer the next ``times`` matching calls with this error (Sender for 4xx, Receiver for
        5xx). Modeled codes raise boto3's modeled exceptions; ``Throttling`` and 5xx are retried.

        ``code`` is one of the operation's modeled errors (its wire code, or the exception name
        boto3 shows), a code of the catalogue, or one every AWS API may answer; anything else is
        refused with the closest known code, unless ``unmodeled=True`` says it is deliberate.
        ``status`` defaults to the code's own (500 for ``InternalFailure``, 400 when unknown).
        """
        api_name = names.operation(operation)
        wire_code, known_status, default_message = names.error_code(
            api_name, code, unmodeled=unmodeled
        )
        self.faults.add(
            make_fault(
                wire_code,
                message if message is not None else default_message,
                known_status if status is None else status,
                api_name,
                configuration_set,
                times,
            )
        )

    # -- calls and assertions ------------------------------------------------------------------

    def clear_calls(self) -> None:
        """Forget the calls recorded so far."""
        self.calls.clear()

    def calls_of(self, operation: str | None = None, **params: Any) -> list[Call]:
        """The recorded calls of ``operation`` (any when None) with these parameter values.

        Operations and parameters are checked as the assertions check them.
        """
        api_name = _resolved(operation, params)
        return [call for call in self.calls if call.matches(api_name, params)]

    def assert_call_count(
        self, expected: int, operation: str | None = "DescribeConfigurationSet", **params: Any
    ) -> None:
        """Exactly ``expected`` calls of ``operation`` (any when None) with these parameters.

        ``operation`` is the API name or boto3's method name; it and the parameter names are
        checked, so a mistyped name is an error, never a passing assertion.
        """
        __tracebackhide__ = True
        assertions.assert_call_count(self.calls, expected, _resolved(operation, params), params)

    def assert_called_once_with(self, operation: str, **params: Any) -> None:
        """Exactly one call of ``operation``, with exactly these parameters."""
        __tracebackhide__ = True
        api_name = names.operation(operation)
        names.check_parameters(api_name, params)
        assertions.assert_called_once_with(self.calls, api_name, params)

    def assert_not_called(self, operation: str | None = None) -> None:
        """No call of ``operation`` (of any operation when None)."""
        __tracebackhide__ = True
        assertions.assert_not_called(self.calls, _resolved(operation, {}))

    def assert_within_rate_limit(self, operation: str | None = "DescribeConfigurationSet") -> None:
        """No call of ``operation`` (any when None) went over its rate limit."""
        __tracebackhide__ = True
        assertions.assert_within_rate_limit(self.calls, _resolved(operation, {}))

    def assert_all_described(self) -> None:
        """Every set this mock declared (itself or through YAML and markers) was described."""
        __tracebackhide__ = True
        declared = list(
            dict.fromkeys(
                [
                    *self.backend.configuration_sets,
                    *(k for layer in self.backend.layers for k in layer),
                ]
            )
        )
        assertions.assert_all_described(self.calls, declared)

    # -- answering (the hot path) --------------------------------------------------------------

    def _decode(self, body: object, url: str) -> Decoded | None:
        """(action, operation, parameters, error to answer) of a request; None if not served.

        Code under test sends the same few requests again and again, and botocore's retries
        repeat them exactly: a body seen before in this mock is decoded once. Per mock, so that
        nothing decoded in one test is shared with the next; the parameters are read-only.
        """
        if type(body) is str:
            known = self._decoded.get(body)
            if known is not None:
                return known
        # A Query request carries its form in the body (botocore), or in the URL (a GET).
        flat = parse_form(body) or parse_form(urlsplit(url).query)
        action = flat.get("Action", "")
        served = _served_operation(action)
        if served is None:
            return None
        invalid: SesError | None = None
        try:
            params: Mapping[str, Any] = MappingProxyType(decode_params(served.input_shape, flat))
        except SesError as error:  # recorded with what was sent, as it could not be decoded
            sent = {k: v for k, v in flat.items() if k not in ("Action", "Version")}
            params, invalid = MappingProxyType(sent), error
        decoded = (action, served, params, invalid)
        if type(body) is str and invalid is None:
            if len(self._decoded) >= _DECODED_KEPT:
                self._decoded.pop(next(iter(self._decoded)))
            self._decoded[body] = decoded
        return decoded

    def answer(self, request: AWSPreparedRequest) -> AWSResponse | None:
        """The response to one SES request, or None for an operation this mock does not serve."""
        decoded = self._decode(request.body, request.url)
        if decoded is None:
            return None  # another in-process mock may answer; the network guard stops the rest
        action, served, params, invalid = decoded
        headers = request.headers
        url = request.url
        # The endpoint host usually tells the region; the signature is read only when it does not.
        region = region_of(url, None) or region_of(url, headers.get("Authorization")) or self.region
        now = self.time()
        rid = request_id()
        throttled = False
        hint: str | None = None
        try:
            if invalid is not None:
                raise invalid
            if self.rate_limit != "off":
                throttled = not self.rate_limiter.allow(self.account, region, action, now)
                if throttled and self.rate_limit == "enforce":
                    raise _THROTTLED
            fault = self.faults.take(action, params)
            if fault is not None:
                raise fault
            result = served.run(self.backend, Context(self.account, region, now), params)
            status, body, code = 200, served.serializer.serialize(result, rid), None
        except SesError as error:
            status, body, code = error.status, serialize_error(error, rid), error.code
            if code == "ConfigurationSetDoesNotExist":
                hint = self._hint_elsewhere(action, params, region)
        call = Call(
            action,
            params,
            region,
            self.account,
            now,
            status,
            code,
            throttled,
            _attempt(headers.get("amz-sdk-request")),
            hint,
        )
        mock: SesMock | None = self
        while mock is not None:  # the mocks around a nested one see its calls too
            mock.calls.append(call)
            mock = mock._outer
        response_headers = {
            "x-amzn-RequestId": rid,
            "Content-Type": "text/xml",
            "Content-Length": str(len(body)),
        }
        # AWSResponse copies the headers into its own case-insensitive mapping.
        return MockResponse(request.url, status, cast(Any, response_headers), _Body(body))

    def _hint_elsewhere(self, action: str, params: Mapping[str, Any], region: str) -> str | None:
        """When the set a call did not find lives in another region or account, say where."""
        name = configuration_set_of(params)
        if name is None:
            return None
        places = [
            region_ if account == self.account else f"{region_} (account {account})"
            for account, region_ in self.backend.placements(name)
            if (account, region_) != (self.account, region)
        ]
        if not places:
            return None
        hint = (
            f"configuration set {name!r} exists in {' and '.join(places)}, but this {action} "
            f"call was made in {region} (account {self.account}), where it does not exist. "
            f"Declare it in {region} too, or create the client with region_name (or "
            "AWS_DEFAULT_REGION) naming the region it lives in."
        )
        hints.note_hint(hint)
        return hint

    def explain_unanswered(self, request: AWSPreparedRequest) -> str:
        """Why a request that reached botocore's network path is refused, and what to do."""
        host = urlsplit(request.url).hostname or request.url
        action = interception.action_of(request) if host.startswith("email") else None
        served = ", ".join(sorted(OPERATIONS))
        if action in OPERATIONS:
            return (
                f"SES {action} was sent by a botocore client that pytest-sesmock does not "
                "intercept (created before pytest_sesmock was imported?); route it through "
                "the mock with ses_mock.patch_client(client). The request was not sent."
            )
        if action:
            return (
                f"SES operation {action} is not mocked by pytest-sesmock (it serves {served}) "
                "and no other in-process mock answered it; the request was not sent."
            )
        return (
            f"pytest-sesmock is active and {request.method} {request.url} would have left the "
            "process; only SES is mocked here (use an in-process mock such as moto for other "
            "services). The request was not sent."
        )


def _resolved(operation: str | None, params: Mapping[str, Any]) -> str | None:
    """The API name of ``operation`` (None: any), its parameter names checked."""
    api_name = None if operation is None else names.operation(operation)
    names.check_parameters(api_name, params)
    return api_name


def current_mock() -> SesMock:
    """The innermost active ``SesMock`` (in a function decorated with ``mock_ses``, say).

    Raises ``LookupError`` when no mock is active.
    """
    mock = activation.innermost()
    if mock is None:
        raise LookupError("no SES mock is active (use the ses_mock fixture, marker or mock_ses)")
    return mock
