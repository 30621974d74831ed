"""``SesMock``: the one mock object that every door (fixture, marker, decorator, YAML) feeds."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, cast
from urllib.parse import urlsplit

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.model import Shape

from . import interception, rules
from .backend import OPERATIONS, Backend, Context, Operation, resolve
from .credentials import FakeEnvironment
from .declaration import Declared, parse_entry
from .errors import DeclarationError, SesError
from .model import operation_model
from .options import DEFAULT_RATE_LIMIT, check_rate_limit
from .serializer import ResponseSerializer, serialize_error
from .wire import decode_params, parse_form, region_of

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


def default_region() -> str:
    """The region botocore would take from the environment, else ``us-east-1``."""
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION


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
        self._environment = FakeEnvironment()
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
        if key in self.backend.configuration_sets:
            raise DeclarationError(
                "Name",
                f"configuration set {key[2]!r} is already declared in "
                f"account {account}, region {region}",
            )
        self.backend.configuration_sets[key] = declared.configuration_set

    def add_layer(self, declared: Sequence[Declared]) -> None:
        """Add checked declarations as one layer over the earlier ones (what the doors use).

        Declarations without a region or account take this mock's. The layer's sets are shared,
        not copied: the mock never changes them.
        """
        self.backend.layers.insert(0, resolve(declared, self.region, self.account))

    # -- activation ----------------------------------------------------------------------------

    def start(self) -> SesMock:
        """Begin answering SES requests. Pair with ``stop()``; prefer ``with SesMock() as ses:``."""
        if self._active:
            raise RuntimeError("this SesMock is already active")
        self._environment.start()
        # Nested in another mock: see its sets too; ours vanish with us.
        self.backend.parent = interception.active[-1].backend if interception.active else None
        interception.active.append(self)
        self._active = True
        return self

    def stop(self) -> None:
        """Stop answering; a no-op when not active."""
        if not self._active:
            return
        self._active = False
        if self in interception.active:
            interception.active.remove(self)
        self.backend.parent = None
        self._environment.stop()

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

    # -- answering (the hot path) --------------------------------------------------------------

    def answer(self, request: AWSPreparedRequest) -> AWSResponse | None:
        """The response to one SES request, or None for an operation this mock does not serve."""
        flat = parse_form(request.body)
        served = _served_operation(flat.get("Action", ""))
        if served is None:
            return None  # another in-process mock may answer; the network guard stops the rest
        region = region_of(request.url, request.headers.get("Authorization")) or self.region
        request_id = str(uuid.uuid4())
        try:
            params = decode_params(served.input_shape, flat)
            result = served.run(self.backend, Context(self.account, region), params)
            status, body = 200, served.serializer.serialize(result, request_id)
        except SesError as error:
            status, body = error.status, serialize_error(error, request_id)
        headers = {
            "x-amzn-RequestId": request_id,
            "Content-Type": "text/xml",
            "Content-Length": str(len(body)),
        }
        # AWSResponse copies the headers into its own case-insensitive mapping.
        return AWSResponse(request.url, status, cast(Any, headers), _Body(body))

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


def current_mock() -> SesMock:
    """The innermost active ``SesMock`` (in a function decorated with ``mock_ses``, say).

    Raises ``LookupError`` when no mock is active.
    """
    if not interception.active:
        raise LookupError("no SES mock is active (use the ses_mock fixture, marker or mock_ses)")
    return interception.active[-1]
