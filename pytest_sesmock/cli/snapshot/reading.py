"""Reading configuration sets from SES: the only calls the command makes, and all of them reads.

Per region: ``ListConfigurationSets`` (SES v1, 1,000 names a page, every page), then for each set
``DescribeConfigurationSet`` with all four attribute names (SES v1), ``GetConfigurationSet`` and
``GetConfigurationSetEventDestinations`` (SES v2, for what v1 cannot say). Every client refuses
any other operation before it is signed (a ``before-call`` guard), so the command cannot write
even by mistake. botocore's own retries are off: every attempt goes through ``Pacer``, and
throttling is retried here, without limit, with ``backoff``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore import exceptions as boto
from botocore import xform_name
from botocore.config import Config
from botocore.session import Session

from .failure import SnapshotError, error_code, explain, http_status
from .pacing import Pacer, backoff, is_throttling

READ_OPERATIONS = frozenset(
    {
        ("ses", "ListConfigurationSets"),
        ("ses", "DescribeConfigurationSet"),
        ("sesv2", "GetConfigurationSet"),
        ("sesv2", "GetConfigurationSetEventDestinations"),
    }
)
"""(API, operation) of every call the command may make."""

ATTRIBUTE_NAMES = ("eventDestinations", "trackingOptions", "deliveryOptions", "reputationOptions")
"""DescribeConfigurationSet's attribute names: all of them, so that every section comes back."""

PAGE_SIZE = 1000
"""Names per ListConfigurationSets page: SES's maximum."""

# A 5xx answer, or a connection that drops once the endpoint has answered, is retried this many
# times; an endpoint that never answered is reported at once (a wrong URL should not take a
# minute of retries to say so).
_RETRIES = 4
_ABSENT = {"ses": "ConfigurationSetDoesNotExist", "sesv2": "NotFoundException"}


@dataclass(frozen=True)
class SetAnswers:
    """What SES answered about one set, each answer without its ``ResponseMetadata``."""

    describe: Mapping[str, Any]
    """DescribeConfigurationSet with every attribute name (SES v1)."""
    get: Mapping[str, Any]
    """GetConfigurationSet (SES v2)."""
    destinations: Mapping[str, Any]
    """GetConfigurationSetEventDestinations (SES v2)."""

    def by_operation(self) -> dict[str, Mapping[str, Any]]:
        """The three answers, by the operation that gave them."""
        return {
            "DescribeConfigurationSet": self.describe,
            "GetConfigurationSet": self.get,
            "GetConfigurationSetEventDestinations": self.destinations,
        }


class Reader:
    """Reads one account's sets, region by region, paced by ``pacer`` (None: as fast as asked).

    ``credentials`` (access key id and secret) replace the session's own: the command reads the
    user's account with the session's (profile, environment, SSO), and a file loaded into an
    in-process mock with made-up ones.
    """

    def __init__(
        self,
        session: Session,
        *,
        endpoint_url: str | None = None,
        pacer: Pacer | None = None,
        credentials: tuple[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.session = session
        self.endpoint_url = endpoint_url
        self.pacer = pacer
        self.credentials = credentials
        self.throttled: dict[str, int] = {}
        """Throttled calls retried, by region."""
        self._sleep = sleep
        self._clients: dict[tuple[str, str], Any] = {}
        self._reached: set[str] = set()  # regions whose endpoint has answered at least once

    # -- the calls -----------------------------------------------------------------------------

    def list_names(self, region: str, on_page: Callable[[int], None] | None = None) -> list[str]:
        """Every set name in ``region``, following ``NextToken`` to the last page."""
        names: list[str] = []
        params: dict[str, Any] = {"MaxItems": PAGE_SIZE}
        page = 0
        while True:
            page += 1
            if on_page is not None:
                on_page(page)
            out = self.call("ses", region, "ListConfigurationSets", **params)
            assert out is not None  # listing never answers "not found"
            names.extend(item["Name"] for item in out.get("ConfigurationSets", ()))
            token = out.get("NextToken")
            if not token:
                return names
            params["NextToken"] = token

    def read(self, region: str, name: str) -> SetAnswers | None:
        """All SES says about set ``name``; None when it no longer exists (deleted meanwhile)."""
        describe = self.call(
            "ses",
            region,
            "DescribeConfigurationSet",
            ConfigurationSetName=name,
            ConfigurationSetAttributeNames=list(ATTRIBUTE_NAMES),
        )
        if describe is None:
            return None
        get = self.call("sesv2", region, "GetConfigurationSet", ConfigurationSetName=name)
        if get is None:
            return None
        destinations = self.call(
            "sesv2", region, "GetConfigurationSetEventDestinations", ConfigurationSetName=name
        )
        if destinations is None:
            return None
        return SetAnswers(describe, get, destinations)

    def call(self, api: str, region: str, operation: str, **params: Any) -> dict[str, Any] | None:
        """One paced call, throttling retried; None when SES says the set does not exist."""
        client = self.client(api, region)
        method = getattr(client, xform_name(operation))
        key = (region, api, operation)
        throttles = failures = 0
        while True:
            if self.pacer is not None:
                self.pacer.wait(key)
            try:
                out: dict[str, Any] = method(**params)
            except boto.ClientError as error:
                if is_throttling(error):
                    # Never fatal: SES says "later", so later it is, for as long as it takes.
                    throttles += 1
                    self.throttled[region] = self.throttled.get(region, 0) + 1
                    self._answered(key, backoff(throttles))
                    continue
                if http_status(error) >= 500 and failures < _RETRIES:
                    failures += 1
                    self._answered(key, backoff(failures))
                    continue
                self._answered(key)
                if error_code(error) == _ABSENT[api]:
                    return None
                raise explain(error, operation, region, client.meta.endpoint_url) from None
            except (boto.ConnectionError, boto.HTTPClientError) as error:
                if region in self._reached and failures < _RETRIES:
                    failures += 1
                    self._sleep(backoff(failures))
                    continue
                raise explain(error, operation, region, client.meta.endpoint_url) from None
            except SnapshotError:
                raise  # a call refused by the read-only guard
            except Exception as error:
                raise explain(error, operation, region, client.meta.endpoint_url) from None
            self._reached.add(region)
            self._answered(key)
            out.pop("ResponseMetadata", None)
            return out

    def _answered(self, key: tuple[str, str, str], wait: float = 0.0) -> None:
        if self.pacer is not None:
            self.pacer.answered(key, wait)
        elif wait > 0:
            self._sleep(wait)

    # -- clients -------------------------------------------------------------------------------

    def client(self, api: str, region: str) -> Any:
        """The ``ses`` or ``sesv2`` client of ``region`` (made once), which only reads."""
        found = self._clients.get((api, region))
        if found is not None:
            return found
        config = Config(
            # Every attempt is paced and retried here, so botocore makes exactly one.
            retries={"mode": "standard", "total_max_attempts": 1},
            connect_timeout=10,
            read_timeout=60,
            user_agent_extra="pytest-sesmock-snapshot",
        )
        key_id, secret = self.credentials or (None, None)
        try:
            client = self.session.create_client(
                api,
                region_name=region,
                endpoint_url=self.endpoint_url,
                config=config,
                aws_access_key_id=key_id,
                aws_secret_access_key=secret,
            )
        except boto.BotoCoreError as error:
            reason = " ".join(str(error).split())
            raise SnapshotError(f"cannot make the {api} client for {region}: {reason}") from None
        client.meta.events.register("before-call", _only_reads)
        self._clients[(api, region)] = client
        return client


def _only_reads(model: Any, **_: Any) -> None:
    """Refuse, before it is signed or sent, any call that is not one of ``READ_OPERATIONS``."""
    if (model.service_model.service_name, model.name) not in READ_OPERATIONS:
        raise SnapshotError(f"refused to call {model.name}: the snapshot command only reads")
