"""Living beside moto, in one place: what moto holds and answers, as the account's other services.

moto is never imported here: it is read only when the program already imported it (through
``sys.modules``), so a suite without moto pays nothing and a suite with it is not slowed down.
What is read of moto (its botocore stubber's ``enabled`` flag, its backends' dictionaries) is
what moto 4 and 5 have; anything else found there is treated as "moto knows nothing".

``MotoServices`` is what state and sending ask (``state.other_services``): moto's verified
identities, SNS topics (all of them: none means none), templates and configuration sets (adopted
by a mock when it starts), publishing events into moto's SNS, EventBridge, Firehose and
CloudWatch, and keeping every message pytest-sesmock sent in moto's sent messages and send
statistics. The sends themselves are pytest-sesmock's to answer, beside moto as alone. While
moto's mock is not active it knows nothing and keeps nothing, like ``NO_OTHER_SERVICES``.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..state.configuration_set import ConfigurationSet
    from ..state.other_services import Template
    from ..state.records import SentMessage


def stubber() -> Any:
    """moto's botocore stubber as loaded now (None without moto).

    It is what answers a botocore session's requests: moto adds it to botocore's builtin
    handlers when it is imported, and a session takes those handlers when it is made. A program
    that drops moto from ``sys.modules`` and imports it again (pytester's in-process runs do)
    gets a new stubber that older sessions do not know, so callers key their clients by it.
    """
    return getattr(sys.modules.get("moto.core.models"), "botocore_stubber", None)


def active() -> bool:
    """Whether moto's ``mock_aws`` (or an older ``mock_*``) is active in this process."""
    return bool(getattr(stubber(), "enabled", False))


def backend(module: str, name: str, account: str, region: str) -> Any:
    """moto's backend for a service, when moto is loaded and its mock is active; else None."""
    if not active() or module not in sys.modules:
        return None
    try:
        return getattr(sys.modules[module], name)[account][region]
    except Exception:  # another moto version's layout: know nothing rather than guess
        return None


def _ses_backends() -> list[tuple[str, str, Any]]:
    """(account, region, backend) of every SES backend moto has made."""
    module = sys.modules.get("moto.ses.models")
    try:
        backends = module.ses_backends  # type: ignore[union-attr]
        return [
            (account, region, found)
            for account, regions in list(backends.items())
            for region, found in list(regions.items())
        ]
    except Exception:  # another moto version's layout: nothing to adopt
        return []


class MotoServices:
    """The account's other services, as moto's active mock holds them."""

    def identities(self, account: str, region: str) -> set[str]:
        found = backend("moto.ses.models", "ses_backends", account, region)
        if found is None:
            return set()
        out: set[str] = set()
        for attribute in ("email_identities", "domains", "addresses"):  # moto 5.2, and earlier
            out.update(str(item).lower() for item in getattr(found, attribute, ()) or ())
        return out

    def topics(self, account: str, region: str) -> set[str] | None:
        """Every topic moto holds there (moto's topic list is complete: none means none)."""
        found = backend("moto.sns.models", "sns_backends", account, region)
        if found is None:
            return None
        topics = getattr(found, "topics", None)
        return set(topics) if isinstance(topics, dict) else None

    def template(self, account: str, region: str, name: str) -> Template | None:
        """moto's SES template (v1 ``CreateTemplate``, which v2 shares in moto)."""
        found = backend("moto.ses.models", "ses_backends", account, region)
        stored = getattr(found, "templates", None) if found is not None else None
        item = stored.get(name) if isinstance(stored, dict) else None
        if not isinstance(item, Mapping):
            return None
        from ..state.other_services import Template

        return Template(
            name,
            item.get("subject_part") or None,
            item.get("text_part") or None,
            item.get("html_part") or None,
        )

    def configuration_sets(self) -> Sequence[tuple[str, str, ConfigurationSet]]:
        """moto's configuration sets, as declarations the mock adopts when it starts (moto keeps
        one event destination per set, and sending options in its own way)."""
        if not active():
            return ()
        from ..state.declaration import parse_declaration

        out = []
        for account, region, found in _ses_backends():
            for name, held in dict(getattr(found, "config_sets", {}) or {}).items():
                spec: dict[str, Any] = {"Name": name}
                destination = (getattr(found, "config_set_event_destination", {}) or {}).get(name)
                if isinstance(destination, dict):
                    spec["EventDestinations"] = [destination]
                for key, attribute in (
                    ("TrackingOptions", "tracking_options"),
                    ("DeliveryOptions", "delivery_options"),
                    ("ReputationOptions", "reputation_options"),
                    ("Tags", "tags"),
                    ("SuppressionOptions", "suppression_options"),
                    ("VdmOptions", "vdm_options"),
                ):
                    value = getattr(held, attribute, None)
                    if value:
                        spec[key] = value
                enabled = getattr(held, "enabled", None)
                while isinstance(enabled, dict) and "SendingEnabled" in enabled:
                    enabled = enabled["SendingEnabled"]  # moto nests it as it was given
                if isinstance(enabled, bool):
                    spec["SendingOptions"] = {"SendingEnabled": enabled}
                try:
                    out.append((account, region, parse_declaration(spec)))
                except Exception:  # a shape moto allows and SES does not: not adopted
                    continue
        return out

    def record_sent(self, message: SentMessage) -> None:
        """Keep a sent message in moto's sent messages and send statistics, as moto keeps its
        own (what ``GetSendQuota`` and ``GetSendStatistics`` answered through moto count)."""
        found = backend("moto.ses.models", "ses_backends", message.account, message.region)
        module = sys.modules.get("moto.ses.models")
        if found is None or module is None:
            return
        recipients = list(message.destinations)
        try:
            if message.raw is not None:
                kept = module.RawMessage(
                    message.message_id,
                    message.source,
                    recipients,
                    message.raw.decode("utf-8", "replace"),
                )
            elif message.template is not None:
                kept = module.TemplateMessage(
                    message.message_id,
                    message.source,
                    message.template,
                    message.template_data or "",
                    {"ToAddresses": recipients},
                )
            else:
                kept = module.Message(
                    message.message_id,
                    message.source,
                    message.subject or "",
                    message.text if message.text is not None else message.html or "",
                    {"ToAddresses": recipients},
                )
            found.sent_messages.append(kept)
            found.sent_message_count += len(recipients)
        except Exception:  # another moto version's classes: moto's records stay as they were
            return

    def publish(
        self, service: str, method: str, region: str, account: str, payload: Mapping[str, Any]
    ) -> str:
        if not active():
            from ..state.other_services import NO_OTHER_SERVICES

            return NO_OTHER_SERVICES.publish(service, method, region, account, payload)
        try:
            answer = getattr(_client(service, region, account), method)(**payload)
        except Exception as problem:  # SES drops what its destination refuses; say why
            return f"not published: {service} answered {type(problem).__name__}: {problem}"
        failed = answer.get("FailedEntryCount") if isinstance(answer, Mapping) else None
        if failed:
            return f"not published: events answered {answer.get('Entries')}"
        return "published"


_clients: dict[tuple[str, str, str], Any] = {}
_clients_lock = threading.Lock()
# The session the clients come from and the moto stubber it was made with: a new stubber
# (moto imported again) makes both anew, as the old ones would go past it to the network.
_session: tuple[Any, Any] = (None, None)


def _client(service: str, region: str, account: str) -> Any:
    """A botocore client of ``service`` that moto answers for ``account`` (kept for reuse)."""
    global _session
    key = (service, region, account)
    current = stubber()
    found = _clients.get(key)
    if found is not None and _session[1] is current:
        return found
    with _clients_lock:
        if _session[1] is not current or _session[0] is None:
            import botocore.session

            _session = (botocore.session.Session(), current)
            _clients.clear()
        found = _clients.get(key)
        if found is not None:
            return found
        import botocore.config

        from .environment import FAKE_ACCESS_KEY_ID, FAKE_SECRET_ACCESS_KEY

        client = _session[0].create_client(
            service,
            region_name=region,
            aws_access_key_id=FAKE_ACCESS_KEY_ID,
            aws_secret_access_key=FAKE_SECRET_ACCESS_KEY,
            config=botocore.config.Config(retries={"total_max_attempts": 1}),
        )
        client.meta.events.register("before-sign", _account_header(account))
        _clients[key] = client
        return client


def _account_header(account: str) -> Callable[..., None]:
    """moto serves the account a request names in ``x-moto-account-id``: the resource's."""

    def add(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = account

    return add


MOTO = MotoServices()
"""What the adapters register with the core as the account's other services."""
