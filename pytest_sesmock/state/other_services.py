"""What the account has beyond the mock, and where its events go: one small interface.

SES checks what other parts of the account hold: a sender is a verified identity, an SNS event
destination names a topic that exists, a templated send names a stored template. It also
publishes events to other services (SNS, EventBridge, Firehose, CloudWatch). The mock holds none
of those; it asks ``OtherServices``, and tells it what was sent (SES counts every send towards the
account's statistics). Without anything else in-process, nothing is known and
nothing is published (``NO_OTHER_SERVICES``); beside moto, the moto adapter answers from moto's
backends and publishes into them. Nothing below the adapters knows which.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .configuration_set import ConfigurationSet
    from .records import SentMessage


@dataclass(frozen=True)
class Template:
    """A stored email template: its name and parts (any of them may be None)."""

    name: str
    subject: str | None = None
    text: str | None = None
    html: str | None = None


Templates = dict[tuple[str, str, str], Template]
"""(account, region, name) -> template."""


class OtherServices(Protocol):
    """The rest of the account, as something in-process (moto, say) holds it."""

    def identities(self, account: str, region: str) -> set[str]:
        """Verified identities (lower case addresses and domains); empty: none known."""

    def topics(self, account: str, region: str) -> set[str] | None:
        """SNS topic ARNs that exist (all of them: an empty set means there are none), or None
        when nothing is known of the account's topics."""

    def template(self, account: str, region: str, name: str) -> Template | None:
        """The stored template ``name``, or None."""

    def configuration_sets(self) -> Sequence[tuple[str, str, ConfigurationSet]]:
        """(account, region, set) for every configuration set held there (moto's, created before
        the mock started): the mock adopts them."""

    def record_sent(self, message: SentMessage) -> None:
        """A message SES sent: counted, and kept where the account's other tools read sends."""

    def publish(
        self, service: str, method: str, region: str, account: str, payload: Mapping[str, Any]
    ) -> str:
        """Hand one event to a service (``sns``/``publish``, ...): ``"published"``, or why not
        (``"not published: ..."``)."""


class NoOtherServices:
    """Nothing else in-process: nothing known, nothing published, nothing kept of sends."""

    def identities(self, account: str, region: str) -> set[str]:
        return set()

    def topics(self, account: str, region: str) -> set[str] | None:
        return None

    def template(self, account: str, region: str, name: str) -> Template | None:
        return None

    def configuration_sets(self) -> Sequence[tuple[str, str, ConfigurationSet]]:
        return ()

    def record_sent(self, message: SentMessage) -> None:
        return None

    def publish(
        self, service: str, method: str, region: str, account: str, payload: Mapping[str, Any]
    ) -> str:
        shown = service.upper() if service == "sns" else service
        return f"not published: no in-process mock answers {shown} (moto's mock_aws is not active)"


NO_OTHER_SERVICES: OtherServices = NoOtherServices()
