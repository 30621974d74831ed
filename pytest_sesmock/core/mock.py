"""``SesMock``: the one mock object that every door (fixture, marker, decorator, YAML) feeds.

It is the user's face of a ``Pipeline`` (what answers the requests): declaring, the clock and
limits, faults, records and assertions. The adapters talk to the pipeline, never to this.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..errors import DeclarationError, UnknownNameError, did_you_mean, shown
from ..protocols.base import Answer, PlainRequest
from ..state import rules
from ..state.backend import STATE_LOCK, Backend, resolve
from ..state.declaration import Declaration, parse_entry, parse_identities, parse_topics
from ..state.region import default_region
from . import activation, assertions, names
from .clock import Clock
from .faults import Faults, make_fault
from .pipeline import Pipeline
from .rate_limit import DEFAULT_RATE_LIMIT, RateLimiter, check_rate_limit

if TYPE_CHECKING:
    from ..state.records import Call, PublishedEvent, SentMessage

DEFAULT_ACCOUNT = "123456789012"


class SesMock:
    """An in-memory Amazon SES that answers botocore's SES requests while it is active.

    Use it through the ``ses_mock`` fixture, the ``ses_mock`` marker, ``mock_ses`` or as a context
    manager. ``region`` is the default region of declarations and of requests whose region cannot
    be told; ``account`` is the account every request is answered for; ``sign_requests=True``
    has botocore sign the requests it answers (left unsigned by default); ``rate_limit`` is
    ``"off"``, ``"track"`` (the default) or ``"enforce"``.
    """

    def __init__(
        self,
        *,
        region: str | None = None,
        account: str | None = None,
        rate_limit: str | None = None,
        sign_requests: bool | None = None,
    ) -> None:
        region = region or default_region()
        account = account or DEFAULT_ACCOUNT
        for _place, problem in rules.placement_problems(region, account):
            raise DeclarationError("", problem)
        self.pipeline = Pipeline(
            region=region,
            account=account,
            rate_limit=check_rate_limit(rate_limit) or DEFAULT_RATE_LIMIT,
            sign_requests=bool(sign_requests),
            owner=self,
        )
        """What answers this mock's requests (the adapters hand it theirs)."""
        pipeline = self.pipeline
        if activation.other_services is not None:
            pipeline.backend.resources.other = activation.other_services
        self._active = False

    @property
    def backend(self) -> Backend:
        """What the mock holds: configuration sets, identities, topics and templates."""
        return self.pipeline.backend

    @property
    def calls(self) -> list[Call]:
        """Every call answered while active, in order (``clear_calls()`` empties it)."""
        return self.pipeline.records.calls

    @property
    def messages(self) -> list[SentMessage]:
        """Every email a send accepted, in order, whoever answered it (moto or the mock)."""
        return self.pipeline.records.messages

    @property
    def events(self) -> list[PublishedEvent]:
        """Every event published to an event destination, in order (``clear_events()``)."""
        return self.pipeline.records.events

    @property
    def clock(self) -> Clock:
        """The mock's clock (see ``time()``, ``advance()``)."""
        return self.pipeline.clock

    @property
    def rate_limiter(self) -> RateLimiter:
        """The token buckets of the rate limits (see ``set_rate_limit``)."""
        return self.pipeline.rate_limiter

    @property
    def faults(self) -> Faults:
        """The injected faults not used up yet (see ``add_error``); assign a new ``Faults`` to
        drop them all."""
        return self.pipeline.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self.pipeline.faults = faults

    @property
    def region(self) -> str:
        """The default region of declarations and of requests whose region cannot be told."""
        return self.pipeline.region

    @property
    def account(self) -> str:
        """The account every request is answered for."""
        return self.pipeline.account

    @property
    def rate_limit(self) -> str:
        """``"off"``, ``"track"`` or ``"enforce"`` (may be changed at any time)."""
        return self.pipeline.rate_limit

    @rate_limit.setter
    def rate_limit(self, mode: str) -> None:
        self.pipeline.rate_limit = check_rate_limit(mode) or DEFAULT_RATE_LIMIT

    @property
    def sign_requests(self) -> bool:
        """Whether botocore signs the requests this mock answers (by default it does not: nobody
        checks the signature, and signing is most of a call's cost)."""
        return self.pipeline.sign_requests

    @sign_requests.setter
    def sign_requests(self, sign: bool) -> None:
        self.pipeline.sign_requests = bool(sign)

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
        for _place, problem in rules.placement_problems(region, account):
            raise DeclarationError("", problem)
        for place, value in (("region", region), ("account", account)):
            if value is not None and isinstance(spec, Mapping) and spec.get(place, value) != value:
                raise DeclarationError(
                    place, f"{shown(spec[place])} differs from the keyword {place}={shown(value)}"
                )
        declared = parse_entry(spec, region=region, account=account)
        account = declared.account or self.account
        region = declared.region or self.region
        key = (account, region, declared.configuration_set.name)
        with STATE_LOCK:
            if self.backend.configuration_sets.get(key) is not None:
                raise DeclarationError(
                    "Name",
                    f"configuration set {key[2]!r} is already declared in "
                    f"account {account}, region {region}",
                )
            self.backend.declare(key, declared.configuration_set)

    def add_identity(
        self, identity: str, *, region: str | None = None, account: str | None = None
    ) -> None:
        """Declare a verified identity (an email address or a domain) of the account.

        Once a test declares identities (or moto, active beside the mock, holds some), a tracking
        redirect domain that is neither a verified domain nor below one is refused with SES's
        ``InvalidTrackingOptions``, as real SES refuses it. Without any, nothing is checked.
        """
        (declared,) = parse_identities([identity], "identity")
        with STATE_LOCK:  # a call in another thread may be reading them
            self.backend.resources.identities.add(
                (account or self.account, region or self.region, declared.identity)
            )

    def add_sns_topic(self, arn: str) -> None:
        """Declare an SNS topic that exists (its ARN names its account and region).

        Once a test declares topics (or moto, active beside the mock, holds some in that account
        and region), an SNS event destination naming another topic is refused with SES's
        ``InvalidSNSDestination``, as real SES refuses it. Without any, nothing is checked.
        """
        (declared,) = parse_topics([arn], "sns_topic")
        with STATE_LOCK:
            self.backend.resources.topics.add(declared.arn)

    def add_template(
        self,
        name: str,
        *,
        subject: str | None = None,
        text: str | None = None,
        html: str | None = None,
        region: str | None = None,
        account: str | None = None,
    ) -> None:
        """Declare an email template, for the templated sends the mock answers itself.

        ``subject``, ``text`` and ``html`` may name ``{{attributes}}`` of the template data; an
        attribute the data lacks makes a ``Rendering Failure`` event, as SES does. With moto
        active, moto's templates (``create_template`` through moto) count too.
        """
        from ..state.other_services import Template

        if not isinstance(name, str) or not name:
            raise DeclarationError(
                "name", f"a template name must be a non-empty string; got {shown(name)}"
            )
        for part, value in (("subject", subject), ("text", text), ("html", html)):
            if value is not None and not isinstance(value, str):
                raise DeclarationError(part, f"must be a string; got {shown(value)}")
        if subject is None:
            raise DeclarationError(
                "subject", 'a template needs a subject (SES: "The subject must be specified.")'
            )
        for place, problem in rules.placement_problems(region, account):
            raise DeclarationError(place, problem)
        key = (account or self.account, region or self.region, name)
        self.backend.own_templates[key] = Template(name, subject, text, html)

    def set_outcome(
        self,
        recipient: str,
        outcome: str,
        *,
        bounce_type: str | None = None,
        bounce_subtype: str | None = None,
        feedback_type: str | None = None,
        delay_type: str | None = None,
    ) -> None:
        """Make what happens to ``recipient`` when a message is sent to it.

        ``outcome`` is ``"delivery"`` (the default for every address outside the mailbox
        simulator), ``"bounce"`` (``bounce_type`` ``Permanent``, ``Transient`` or
        ``Undetermined``, and its ``bounce_subtype``), ``"complaint"`` (delivered, then a
        complaint of ``feedback_type``, ``abuse`` by default) or ``"delay"`` (a
        ``DeliveryDelay`` of ``delay_type``). Names are checked; a typo is refused with the
        closest one.
        """
        from ..sending.message import address_problem, bare
        from ..sending.outcomes import make

        if not isinstance(recipient, str) or address_problem(recipient) is not None:
            raise ValueError(f"recipient must be an email address; got {shown(recipient)}")
        self.pipeline.outcomes.chosen[bare(recipient).lower()] = make(
            outcome,
            bounce_type=bounce_type,
            bounce_subtype=bounce_subtype,
            feedback_type=feedback_type,
            delay_type=delay_type,
        )

    def add_layer(self, declared: Sequence[Declaration]) -> list[tuple[str, str, str]]:
        """Add checked declarations as one layer over the earlier ones (what the doors use);
        the (account, region, name) of each set it declares.

        Declarations without a region or account take this mock's. The layer's sets are shared,
        not copied: the mock never changes them.
        """
        layer = resolve(declared, self.region, self.account)
        with STATE_LOCK:
            self.backend.add_layer(layer)
            self.backend.resources.identities.update(layer.identities)
            self.backend.resources.topics.update(layer.topics)
        return sorted(layer.configuration_sets)

    # -- activation ----------------------------------------------------------------------------

    def start(self) -> SesMock:
        """Begin answering SES requests. Pair with ``stop()``; prefer ``with SesMock() as ses:``."""
        if self._active:
            raise RuntimeError("this SesMock is already active")
        # Nested in another mock: see its sets too; ours vanish with us. It records our calls too.
        self.pipeline.nest_in(activation.activate(self.pipeline))
        self._active = True
        # Sets moto created before we started are the account's: adopted, not hidden.
        with STATE_LOCK:
            for account, region, held in self.backend.resources.other.configuration_sets():
                key = (account, region, held.name)
                if self.backend.find(key) is None:
                    self.backend.declare(key, held)
        return self

    def stop(self) -> None:
        """Stop answering; a no-op when not active."""
        if not self._active:
            return
        self._active = False
        activation.deactivate(self.pipeline)
        self.pipeline.nest_in(None)

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
        The same as ``pytest_sesmock.patch_client(client)``.
        """
        if activation.client_patcher is None:  # the adapters register it when they install
            raise RuntimeError("pytest-sesmock's botocore adapter is not installed")
        activation.client_patcher(client)
        return client

    # -- time, limits and faults ---------------------------------------------------------------

    def time(self) -> float:
        """The mock's clock, in epoch seconds: the standard library's clock, plus ``advance()``,
        plus the retry waits this thread (or asyncio task) skipped.

        Read through ``time.time()`` at each call, so freezegun and time-machine control it.
        Each thread has a timeline of its own: botocore's free backoff moves only the clock of
        the thread that backed off, so that waits of concurrent threads overlap, as real waits
        would (see the README's "Rate limiting").
        """
        return self.clock.now()

    def advance(self, seconds: float) -> None:
        """Move the mock's clock forward by ``seconds`` (a finite number, not negative), for
        every thread."""
        seconds = _number("seconds", seconds)
        if seconds < 0:
            raise ValueError(f"the mock's clock only moves forward; got {shown(seconds)}")
        self.clock.advance(seconds)

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
        targets = names.operations(operation)
        if per_second is not None:
            per_second = _number("per_second", per_second, "calls a second, or None for no limit")
            if not per_second > 0:
                raise ValueError(f"per_second must be positive or None; got {shown(per_second)}")
        if burst is not None:
            burst = _number("burst", burst, "calls at once")
            if not burst >= 1:
                raise ValueError(f"burst must be at least 1; got {shown(burst)}")
        for target in targets:
            self.rate_limiter.set_limit(target, per_second, burst)

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
        targets = names.operations(operation)
        wire_code, known_status, default_message = names.error_code(
            targets, code, unmodeled=unmodeled
        )
        self.faults.add(
            make_fault(
                wire_code,
                message if message is not None else default_message,
                known_status if status is None else status,
                targets,
                configuration_set,
                times,
            )
        )

    # -- calls and assertions ------------------------------------------------------------------

    def clear_calls(self) -> None:
        """Forget the calls recorded so far (``calls``), and release what they held: their
        parameters, and the requests kept decoded for reuse. Sets, messages and events stay."""
        with STATE_LOCK:
            self.pipeline.records.clear_calls()
            self.pipeline.decoded.clear()

    def calls_of(self, operation: str | None = None, **params: Any) -> list[Call]:
        """The recorded calls of ``operation`` (any when None) with these parameter values.

        Operations and parameters are checked as the assertions check them.
        """
        targets = _resolved(operation, params)
        return [call for call in self.calls if call.matches(targets, params)]

    def assert_call_count(self, expected: int, operation: str | None = None, **params: Any) -> None:
        """Exactly ``expected`` calls of ``operation`` (of any operation when None, as every
        assertion and ``calls_of`` take it) with these parameters.

        ``operation`` is the API name or boto3's method name; it and the parameter names are
        checked, so a mistyped name is an error, never a passing assertion.
        """
        __tracebackhide__ = True
        assertions.assert_call_count(self.calls, expected, _resolved(operation, params), params)

    def assert_called_once_with(self, operation: str, **params: Any) -> None:
        """Exactly one call of ``operation``, with exactly these parameters."""
        __tracebackhide__ = True
        targets = names.operations(operation)
        names.check_parameters(targets, params)
        assertions.assert_called_once_with(self.calls, targets, params)

    def assert_not_called(self, operation: str | None = None) -> None:
        """No call of ``operation`` (of any operation when None)."""
        __tracebackhide__ = True
        assertions.assert_not_called(self.calls, _resolved(operation, {}))

    def assert_within_rate_limit(self, operation: str | None = None) -> None:
        """No call of ``operation`` (of any operation when None) went over its rate limit."""
        __tracebackhide__ = True
        assertions.assert_within_rate_limit(self.calls, _resolved(operation, {}))

    def assert_all_described(self, names: Iterable[str] | None = None) -> None:
        """Every set this mock declared (itself or through YAML and markers) was described, or
        only the sets called ``names`` (say, the ones a test declared itself, not those of a
        shared ``ses_mock.yaml``); a name that is not declared is refused."""
        __tracebackhide__ = True
        declared = self._declared()
        if names is not None:
            wanted = [names] if isinstance(names, str) else list(names)
            known = {name for _, _, name in declared}
            for name in wanted:
                if name not in known:
                    raise UnknownNameError(
                        f"{name!r} is not a declared configuration set{did_you_mean(name, known)}"
                        f" Declared: {', '.join(sorted(known)) or 'none'}"
                    )
            declared = [key for key in declared if key[2] in set(wanted)]
        assertions.assert_all_described(self.calls, declared)

    def never_described(self) -> list[tuple[str, str, str]]:
        """The (account, region, name) of each declared set no call described (successfully)."""
        return assertions.never_described(self.calls, self._declared())

    def _declared(self) -> list[tuple[str, str, str]]:
        with STATE_LOCK:  # a server thread may be creating sets meanwhile
            return list(
                dict.fromkeys(
                    [
                        *self.backend.configuration_sets,
                        *(k for layer in self.backend.layers for k in layer),
                    ]
                )
            )

    # -- sent messages and published events ----------------------------------------------------

    def simulate_open(
        self, message_id: str, *, user_agent: str | None = None
    ) -> list[PublishedEvent]:
        """A recipient opened the message ``message_id``: its ``Open`` event is published to the
        set's destinations that match ``open``. Returns what was published."""
        from ..sending.publishing import open_or_click

        pipeline = self.pipeline
        return open_or_click(
            pipeline.backend,
            pipeline.records,
            self.time(),
            message_id,
            "Open",
            user_agent=user_agent,
        )

    def simulate_click(
        self,
        message_id: str,
        link: str | None = None,
        *,
        link_tags: Mapping[str, str] | None = None,
        user_agent: str | None = None,
    ) -> list[PublishedEvent]:
        """A recipient clicked ``link`` (the first link of the HTML body when None) in the
        message ``message_id``: its ``Click`` event is published. ``linkTags`` come from
        ``link_tags``, else from the anchor's ``ses:tags="name:value;..."`` attribute, as SES
        reads them; CloudWatch ``LINK_TAG`` dimensions read them."""
        from ..sending.publishing import open_or_click

        pipeline = self.pipeline
        return open_or_click(
            pipeline.backend,
            pipeline.records,
            self.time(),
            message_id,
            "Click",
            link=link,
            link_tags=link_tags,
            user_agent=user_agent,
        )

    def clear_events(self) -> None:
        """Forget the published events (``events``) and the sent messages (``messages``) so far,
        and release what they held, the messages' bodies and attachments among them. A message
        forgotten can no longer be opened or clicked (``simulate_open``). Calls and sets stay."""
        with STATE_LOCK:
            self.pipeline.records.clear_events()

    def events_of(self, event_type: str | None = None, **filters: Any) -> list[PublishedEvent]:
        """The published events of ``event_type`` (any when None) passing ``filters``.

        ``event_type`` is ``Delivery``, ``delivery`` or ``DELIVERY`` (and so on); filters are
        ``configuration_set``, ``destination``, ``message_id``, ``recipient``, ``kind`` (``sns``,
        ``eventbridge``, ``firehose``, ``cloudwatch``) and ``target`` (the ARN).
        """
        from ..sending import assertions as events

        kind = None if event_type is None else events.event_type(event_type)
        events.check_filters(filters)
        return [event for event in self.events if events.matches(event, kind, filters)]

    def assert_event_published(self, event_type: str, **filters: Any) -> None:
        """At least one event of ``event_type`` was published, passing ``filters``."""
        __tracebackhide__ = True
        from ..sending import assertions as events

        kind = events.event_type(event_type)
        events.check_filters(filters)
        events.assert_event_published(self.events, kind, filters)

    def assert_event_count(
        self, expected: int, event_type: str | None = None, **filters: Any
    ) -> None:
        """Exactly ``expected`` published events of ``event_type`` (any when None)."""
        __tracebackhide__ = True
        from ..sending import assertions as events

        kind = None if event_type is None else events.event_type(event_type)
        events.check_filters(filters)
        events.assert_event_count(self.events, expected, kind, filters)

    def assert_no_event_published(self, event_type: str | None = None, **filters: Any) -> None:
        """No event of ``event_type`` (any when None) passing ``filters`` was published."""
        __tracebackhide__ = True
        from ..sending import assertions as events

        kind = None if event_type is None else events.event_type(event_type)
        events.check_filters(filters)
        events.assert_no_event_published(self.events, kind, filters)

    # -- answering --------------------------------------------------------------------------

    def answer(
        self,
        request: PlainRequest,
        region: str | None = None,
        attempt: int | None = None,
        *,
        others_may_answer: bool = False,
    ) -> Answer | None:
        """The plain answer to one SES request (``method``, ``url``, ``headers``, ``body``), or
        None for an operation this mock does not serve: what the adapters get from its
        pipeline (``Pipeline.answer``), for a request made by hand."""
        return self.pipeline.answer(request, region, attempt, others_may_answer=others_may_answer)


def _resolved(operation: str | None, params: Mapping[str, Any]) -> names.Operations | None:
    """The operations ``operation`` names (None: any), its parameter names checked."""
    targets = None if operation is None else names.operations(operation)
    names.check_parameters(targets, params)
    return targets


def _number(name: str, value: object, what: str = "seconds") -> float:
    """``value`` as a finite number, or an error naming the argument and what it takes."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"{name} must be a number of {what}; got {type(value).__name__} {shown(value)}"
        )
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number of {what}; got {shown(value)}")
    return float(value)


def current_mock() -> SesMock:
    """The innermost active ``SesMock`` (in a function decorated with ``mock_ses``, say).

    Raises ``LookupError`` when no mock is active.
    """
    pipeline = activation.innermost()
    owner = pipeline.owner if pipeline is not None else None
    if not isinstance(owner, SesMock):
        raise LookupError("no SES mock is active (use the ses_mock fixture, marker or mock_ses)")
    return owner
