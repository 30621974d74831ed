"""The inspection API (``/_sesmock/``), the inbox page, and LocalStack's ``/_aws/ses``.

What a test in another language, or a person, needs to see of what the server did: the messages
it accepted, the events each published (or why not), the calls it answered and the sets it holds;
and what such a test needs to set up and tear down: declaring sets (YAML, posted), clearing, and
a reset to how the server started. The JSON shapes are ``server.views``'; the page is three
static files in ``server/inbox`` that read this API (no build step, nothing fetched).

Safe by construction: these paths answer only requests whose ``Host`` names the address the
server listens on (a web page elsewhere cannot reach them by DNS rebinding), a write must come
from the server's own origin when a browser says where it comes from, every answer forbids
sniffing, framing and any script but the page's own (``Content-Security-Policy``), and the page
writes every value as text. Every mistake is a 4xx with a JSON ``error`` saying what was wrong.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

from ..core import names
from ..core.faults import Faults, configuration_set_of
from ..core.pipeline import Pipeline
from ..errors import DeclarationError, SesError, UnknownNameError, did_you_mean
from ..protocols.base import Answer
from ..sending.assertions import event_type
from ..sending.assertions import matches as event_matches
from ..state.backend import STATE_LOCK, Checkpoint
from ..state.records import PublishedEvent, Records, SentMessage
from . import views

PREFIX = "/_sesmock/"
LOCALSTACK = "/_aws/ses"

_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; frame-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
# An email's HTML, framed by the inbox: ``sandbox`` (no scripts, forms or popups, an opaque
# origin) even when opened on its own; its styles and inline images, but no request anywhere.
_EMAIL_CSP = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "frame-ancestors 'self'"
)
_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_STATIC = {
    "": ("index.html", "text/html; charset=utf-8"),
    "inbox.js": ("inbox.js", "text/javascript; charset=utf-8"),
    "inbox.css": ("inbox.css", "text/css; charset=utf-8"),
}
_YAML_SOURCE = Path("<POST /_sesmock/configuration-sets>")


def handles(path: str) -> bool:
    """Whether ``path`` is the inspection API's (or LocalStack's), not SES's."""
    return path.startswith(PREFIX) or path in ("/_sesmock", LOCALSTACK) or path.startswith("/_aws/")


def error(code: str, message: str, status: int = 400, **headers: str) -> Answer:
    """A JSON error: ``{"error": {"code": ..., "message": ...}}``."""
    return _json({"error": {"code": code, "message": message}}, status, headers)


def _json(value: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Answer:
    body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    out = {**_HEADERS, "Content-Type": "application/json; charset=utf-8", **(headers or {})}
    return Answer(status, out, body)


class _Refused(Exception):
    """A request the inspection API will not answer; carries the error to answer with."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.body.decode("utf-8", "replace"))
        self.answer = answer


def _refuse(code: str, message: str, status: int = 400, **headers: str) -> _Refused:
    return _Refused(error(code, message, status, **headers))


class Inspection:
    """Answers ``/_sesmock/`` and ``/_aws/ses`` for one server's pipeline.

    ``hosts``: the ``Host`` values a request may carry (None: any, for a server listening on
    every address); ``start``: the state ``POST /_sesmock/reset`` returns to.
    """

    def __init__(
        self,
        pipeline: Pipeline,
        hosts: frozenset[str] | None,
        start: Checkpoint,
        declare: Callable[[Any], list[tuple[str, str, str]]],
    ) -> None:
        self.pipeline = pipeline
        self.hosts = hosts
        self.start = start
        self.declare = declare
        self._static: dict[str, bytes] = {}
        routes: dict[str, dict[str, Callable[[dict[str, str], bytes], Answer]]] = {
            "health": {"GET": self._health},
            "messages": {
                "GET": self._messages,
                # The messages and their events: an event is about a message.
                "DELETE": self._clearer("messages", _messages_of, Records.clear_events),
            },
            "events": {
                "GET": self._events,
                "DELETE": self._clearer("events", _events_of, Records.clear_published),
            },
            "calls": {
                "GET": self._calls,
                "DELETE": self._clearer("calls", _calls_of, Records.clear_calls),
            },
            "configuration-sets": {
                "GET": self._sets,
                "POST": self._declare,
                "DELETE": self._delete_sets,
            },
            "reset": {"POST": self._reset},
        }
        self.routes = routes

    # -- the door ----------------------------------------------------------------------------

    def answer(
        self, method: str, path: str, query: str, headers: Any, body: bytes, scheme: str
    ) -> Answer:
        """The answer to one request under ``/_sesmock/`` or ``/_aws/``."""
        try:
            self._check_origin(method, headers, scheme)
            if method == "HEAD":
                method = "GET"
            return self._route(method, path, _filters(query), body, headers)
        except _Refused as refused:
            return refused.answer
        except (DeclarationError, UnknownNameError) as mistake:
            return error("InvalidParameter", str(mistake))

    def _check_origin(self, method: str, headers: Any, scheme: str) -> None:
        host = (headers.get("Host") or "").strip().lower()
        if self.hosts is not None and host not in self.hosts:
            shown = ", ".join(sorted(self.hosts))
            raise _refuse(
                "Forbidden",
                f"the inspection API answers only requests to this server's own address "
                f"({shown}); the Host header was {host or '(none)'!r}",
                403,
            )
        origin = headers.get("Origin")
        # A browser names where a write comes from ("null" from a sandboxed frame or a file):
        # only the page itself may change state; clients that are not browsers send no Origin.
        own = f"{scheme}://{host}"
        if method not in ("GET", "HEAD") and origin is not None and origin.lower() != own:
            raise _refuse(
                "Forbidden",
                f"a {method} from another origin ({origin}) is refused: only the server's "
                "own page, or a client that is not a browser, may change its state",
                403,
            )

    def _route(
        self, method: str, path: str, filters: dict[str, str], body: bytes, headers: Any
    ) -> Answer:
        if path == LOCALSTACK:
            return self._localstack(method, filters)
        if path == "/_sesmock":
            return Answer(301, {**_HEADERS, "Location": PREFIX}, b"")
        if not path.startswith(PREFIX):
            raise _refuse(
                "NotFound",
                f"{path} is not a path of this server; see {PREFIX} and {LOCALSTACK}",
                404,
            )
        rest = path[len(PREFIX) :]
        if rest in _STATIC:
            _allow(method, ("GET",), path)
            _no_filters(filters, path)
            return self._file(rest)
        head, _, tail = rest.partition("/")
        if head == "messages" and tail.endswith("/html"):
            _allow(method, ("GET",), path)
            _no_filters(filters, path)
            return self._html(unquote(tail[: -len("/html")]))
        if head == "messages" and tail:
            _allow(method, ("GET", "DELETE"), path)
            _no_filters(filters, path)
            message_id = unquote(tail)
            if method == "DELETE":
                return self._forget(message_id)
            return self._message(message_id)
        handlers = self.routes.get(rest.rstrip("/"))
        if handlers is None:
            known = [*self.routes, *(name for name in _STATIC if name)]
            raise _refuse(
                "NotFound",
                f"{path} is not a path of the inspection API{did_you_mean(rest, known)} "
                f"It has {', '.join(PREFIX + name for name in known)}, and "
                f"{PREFIX}messages/ID.",
                404,
            )
        _allow(method, tuple(handlers), path)
        return handlers[method](filters, body)

    # -- reading -----------------------------------------------------------------------------

    @property
    def records(self) -> Records:
        return self.pipeline.records

    def _health(self, filters: dict[str, str], body: bytes) -> Answer:
        _no_filters(filters, "health")
        records = self.records
        dropped = records.dropped
        revision = (
            f"{records.cleared}.{len(records.calls) + dropped.calls}."
            f"{len(records.messages) + dropped.messages}.{len(records.events) + dropped.events}."
            f"{self.pipeline.backend.version}"
        )
        return _json(
            {
                "status": "ok",
                "revision": revision,
                "region": self.pipeline.region,
                "account": self.pipeline.account,
                "store": {
                    "limit": {
                        "messages": records.limit,
                        "events": records.event_limit,
                        "calls": records.limit,
                    },
                    "held": {
                        "messages": len(records.messages),
                        "events": len(records.events),
                        "calls": len(records.calls),
                    },
                    "dropped": dropped.as_dict(),
                },
            }
        )

    def _messages(self, filters: dict[str, str], body: bytes) -> Answer:
        _known(filters, ("id", "from", "to", "configuration_set", "since", "until"), "messages")
        since, until = _time(filters, "since"), _time(filters, "until")
        wanted_id, sender = filters.get("id"), filters.get("from")
        recipient, name = filters.get("to"), filters.get("configuration_set")
        records = self.records
        messages = list(records.messages)
        by_message = _events_by_message(list(records.events))
        lost = records.events_dropped_of
        listed = [
            views.message(sent, by_message.get(sent.message_id, ()), lost.get(sent.message_id, 0))
            for sent in reversed(messages)
            if (wanted_id is None or sent.message_id == wanted_id)
            and (sender is None or views.matches_address(sender, (sent.source,)))
            and (recipient is None or views.matches_address(recipient, sent.destinations))
            and (name is None or sent.configuration_set == name)
            and (since is None or sent.time >= since)
            and (until is None or sent.time <= until)
        ]
        return self._listing("messages", listed, len(messages), records.dropped.messages)

    def _message(self, message_id: str) -> Answer:
        found = self._held(message_id)
        records = self.records
        events = _events_by_message(list(records.events)).get(message_id, [])
        lost = records.events_dropped_of.get(message_id, 0)
        return _json(views.message(found, events, lost, whole=True))

    def _html(self, message_id: str) -> Answer:
        """A message's HTML part as a page of its own, for the inbox's sandboxed frame: its own
        policy lets the email's styles and inline images show, and nothing else (no script, no
        request anywhere, an origin of its own)."""
        found = self._held(message_id)
        if found.html is None:
            raise _refuse("NotFound", f"message {message_id!r} has no HTML part", 404)
        headers = {
            **_HEADERS,
            "Content-Security-Policy": _EMAIL_CSP,
            "X-Frame-Options": "SAMEORIGIN",
            "Content-Type": "text/html; charset=utf-8",
        }
        return Answer(200, headers, found.html.encode("utf-8"))

    def _held(self, message_id: str) -> SentMessage:
        records = self.records
        found = _find(list(records.messages), message_id)
        if found is None:
            dropped = records.dropped.messages
            gone = (
                f", or was one of the {dropped} the store let go (--store-size)" if dropped else ""
            )
            raise _refuse(
                "NotFound",
                f"no message {message_id!r} is held: it was not sent to this server, was "
                f"cleared{gone}",
                404,
            )
        return found

    def _events(self, filters: dict[str, str], body: bytes) -> Answer:
        allowed = ("message_id", "type", "configuration_set", "destination", "published")
        _known(filters, allowed, "events")
        # The names and filters the in-process assertions take (``events_of``), read as they are.
        kind = event_type(filters["type"]) if "type" in filters else None
        published = _flag(filters, "published")
        wanted: dict[str, str] = {
            key: filters[key]
            for key in ("message_id", "configuration_set", "destination")
            if key in filters
        }
        held = list(self.records.events)
        listed = [
            views.event(event)
            for event in reversed(held)
            if event_matches(event, kind, wanted)
            and (published is None or (event.delivery == views.PUBLISHED) == published)
        ]
        return self._listing("events", listed, len(held), self.records.dropped.events)

    def _calls(self, filters: dict[str, str], body: bytes) -> Answer:
        allowed = ("api", "operation", "region", "account", "configuration_set", "status", "error")
        _known(filters, allowed, "calls")
        api = filters.get("api")
        if api is not None and api not in ("ses", "sesv2"):
            raise _refuse(
                "InvalidParameter",
                f"api={api!r} is neither 'ses' nor 'sesv2'{did_you_mean(api, ('ses', 'sesv2'))}",
            )
        operations = names.operations(filters["operation"]) if "operation" in filters else None
        status = _status(filters.get("status"))
        plain = {key: filters.get(key) for key in ("region", "account")}
        name, code = filters.get("configuration_set"), filters.get("error")
        calls = list(self.records.calls)
        listed = [
            views.call(call)
            for call in reversed(calls)
            if (api is None or call.api == api)
            and (operations is None or (call.api, call.operation) in operations)
            and (plain["region"] is None or call.region == plain["region"])
            and (plain["account"] is None or call.account == plain["account"])
            and (name is None or configuration_set_of(call.params) == name)
            and (status is None or call.status == status)
            and (code is None or (call.error_code or "") == code)
        ]
        return self._listing("calls", listed, len(calls), self.records.dropped.calls)

    def _sets(self, filters: dict[str, str], body: bytes) -> Answer:
        _known(filters, ("region", "account", "name"), "configuration-sets")
        backend = self.pipeline.backend
        listed = []
        with STATE_LOCK:
            for account, region in backend.places():
                if filters.get("account", account) != account:
                    continue
                if filters.get("region", region) != region:
                    continue
                for name, held in backend.visible(account, region).items():
                    if filters.get("name", name) == name:
                        listed.append(views.configuration_set(held, account, region))
        return _json({"configuration_sets": listed, "count": len(listed)})

    def _listing(self, name: str, listed: list[Any], held: int, dropped: int) -> Answer:
        return _json({name: listed, "count": len(listed), "held": held, "dropped": dropped})

    def _file(self, name: str) -> Answer:
        filename, content_type = _STATIC[name]
        data = self._static.get(filename)
        if data is None:
            data = (Path(__file__).parent / "inbox" / filename).read_bytes()
            self._static[filename] = data
        return Answer(200, {**_HEADERS, "Content-Type": content_type}, data)

    # -- changing ----------------------------------------------------------------------------

    def _clearer(
        self, name: str, held: Callable[[Records], list[Any]], clear: Callable[[Records], None]
    ) -> Callable[[dict[str, str], bytes], Answer]:
        """``DELETE /_sesmock/NAME``: forget what ``held`` lists (``clear`` does), say how many."""

        def delete(filters: dict[str, str], body: bytes) -> Answer:
            _no_filters(filters, name)
            with STATE_LOCK:
                count = len(held(self.records))
                clear(self.records)
            return _json({"deleted": count})

        return delete

    def _forget(self, message_id: str) -> Answer:
        with STATE_LOCK:
            if not self.records.forget_message(message_id):
                raise _refuse("NotFound", f"no message {message_id!r} is held", 404)
        return _json({"deleted": 1})

    def _declare(self, filters: dict[str, str], body: bytes) -> Answer:
        _no_filters(filters, "configuration-sets")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise _refuse("InvalidParameter", "the YAML posted is not UTF-8 text") from None
        if not text.strip():
            raise _refuse(
                "InvalidParameter",
                "nothing was posted: send the YAML format of ses_mock.yaml as the body "
                "(curl --data-binary @ses_mock.yaml)",
            )
        from ..state.yaml_file import parse_yaml

        loaded = parse_yaml(text, _YAML_SOURCE)
        if loaded.fixtures:
            raise _refuse(
                "InvalidParameter",
                "'fixtures' are pytest's; the server declares configuration_sets, identities "
                "and sns_topics",
            )
        declared = self.declare(loaded.layer)
        shown = [{"account": a, "region": r, "name": n} for a, r, n in declared]
        return _json({"declared": shown, "count": len(shown)}, 201)

    def _delete_sets(self, filters: dict[str, str], body: bytes) -> Answer:
        _no_filters(filters, "configuration-sets")
        return _json({"deleted": self.pipeline.backend.delete_all()})

    def _reset(self, filters: dict[str, str], body: bytes) -> Answer:
        _no_filters(filters, "reset")
        pipeline = self.pipeline
        with STATE_LOCK:
            pipeline.backend.rollback(self.start)
            pipeline.records.clear_calls()
            pipeline.records.clear_events()
            pipeline.faults = Faults()
            pipeline.rate_limiter.forget()
        return _json({"status": "reset"})

    # -- LocalStack ----------------------------------------------------------------------------

    def _localstack(self, method: str, filters: dict[str, str]) -> Answer:
        _allow(method, ("GET", "DELETE"), LOCALSTACK)
        if method == "DELETE":
            _known(filters, ("id",), LOCALSTACK)
            wanted = filters.get("id")
            with STATE_LOCK:
                if wanted is None:
                    self.records.clear_events()
                elif not self.records.forget_message(wanted):
                    raise _refuse("NotFound", f"no message {wanted!r} is held", 404)
            return Answer(204, dict(_HEADERS), b"")
        _known(filters, ("id", "email"), LOCALSTACK)
        wanted, email = filters.get("id") or None, filters.get("email") or None
        listed = [
            views.localstack(sent)
            for sent in list(self.records.messages)
            if (wanted is None or sent.message_id == wanted)
            and (email is None or sent.source == email)
        ]
        return _json({"messages": listed})


def _allow(method: str, allowed: tuple[str, ...], path: str) -> None:
    if method not in allowed:
        shown = ", ".join(allowed)
        raise _refuse(
            "MethodNotAllowed", f"{method} {path} is not served; it takes {shown}", 405, Allow=shown
        )


def _filters(query: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(query, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise _refuse("InvalidParameter", "the query string is not UTF-8 form data") from None
    out: dict[str, str] = {}
    for key, value in pairs:
        if key in out:
            raise _refuse("InvalidParameter", f"filter {key!r} is given twice; give it once")
        out[key] = value
    return out


def _known(filters: Mapping[str, str], allowed: tuple[str, ...], where: str) -> None:
    for key in filters:
        if key not in allowed:
            raise _refuse(
                "InvalidParameter",
                f"{where} has no filter {key!r}{did_you_mean(key, allowed)} "
                f"Its filters: {', '.join(allowed)}",
            )


def _no_filters(filters: Mapping[str, str], where: str) -> None:
    if filters:
        raise _refuse(
            "InvalidParameter", f"{where} takes no query parameters; got {', '.join(filters)}"
        )


def _time(filters: Mapping[str, str], key: str) -> float | None:
    text = filters.get(key)
    if text is None:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise _refuse(
                "InvalidParameter",
                f"{key}={text!r} is not a time: give ISO 8601 (2026-12-07T18:20:01Z) or epoch "
                "seconds",
            ) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.timestamp()
    if not math.isfinite(seconds):
        raise _refuse("InvalidParameter", f"{key}={text!r} is not a time")
    return seconds


def _flag(filters: Mapping[str, str], key: str) -> bool | None:
    text = filters.get(key)
    if text is None:
        return None
    if text.lower() in ("true", "1", "yes"):
        return True
    if text.lower() in ("false", "0", "no"):
        return False
    raise _refuse("InvalidParameter", f"{key}={text!r} is neither true nor false")


def _status(text: str | None) -> int | None:
    if text is None:
        return None
    if not text.isdigit() or not 100 <= int(text) <= 599:
        raise _refuse("InvalidParameter", f"status={text!r} is not an HTTP status (200, 400...)")
    return int(text)


def _messages_of(records: Records) -> list[Any]:
    return records.messages


def _events_of(records: Records) -> list[Any]:
    return records.events


def _calls_of(records: Records) -> list[Any]:
    return records.calls


def _events_by_message(events: list[PublishedEvent]) -> dict[str, list[PublishedEvent]]:
    out: dict[str, list[PublishedEvent]] = {}
    for event in events:
        out.setdefault(event.message_id, []).append(event)
    return out


def _find(messages: list[SentMessage], message_id: str) -> SentMessage | None:
    return next((sent for sent in messages if sent.message_id == message_id), None)


def error_for(failure: SesError) -> Answer:
    """The HTTP stack's refusal of a request to these paths (too large, malformed), in JSON."""
    return error(failure.code, failure.message, failure.status)
