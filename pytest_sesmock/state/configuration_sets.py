"""What can be done to configuration sets, whichever API asks: SES's semantics, once.

Both APIs decode a request in their own spelling, convert what it carries to the backend's (v2's)
and call these. They raise the catalogue's errors under SES v1's names; SES v2's wire answers
each with its own code (``NotFoundException`` for ``ConfigurationSetDoesNotExist``, ...).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from ..catalogue import error
from . import rules
from .backend import Backend, Context
from .configuration_set import ConfigurationSet

# SES quotas (developer guide): configuration sets per account and region, destinations per set.
MAX_CONFIGURATION_SETS = 10_000
MAX_EVENT_DESTINATIONS = 10
MAX_PAGE = 1_000


def create(backend: Backend, context: Context, configuration_set: ConfigurationSet) -> None:
    """Add a new set: its name checked by SES's rules, unique, within the quota."""
    name = configuration_set.name
    if not name:
        raise error("InvalidParameterValue.EmptyName")
    problem = rules.name_problem("configuration set name", name)
    if problem:
        raise error("InvalidConfigurationSet", name=name, problem=problem)
    if backend.find((context.account, context.region, name)) is not None:
        raise error("ConfigurationSetAlreadyExists", name=name)
    if backend.count(context.account, context.region) >= MAX_CONFIGURATION_SETS:
        raise error("LimitExceeded.ConfigurationSets", limit=MAX_CONFIGURATION_SETS)
    backend.put(context, configuration_set)


def page(
    backend: Backend, context: Context, size: int, token: str | None, contains: str | None = None
) -> tuple[list[str], str | None]:
    """One page of set names in name order (stable across pages), and the next page's token.

    ``contains``: only names with that in them (SES v2's ``CONFIGURATION_SET_NAME_CONTAINS``).
    Only the names up to the end of the page are looked at (and one more, to know whether a
    next page exists), however many sets there are.
    """
    limit = min(size, MAX_PAGE)
    chosen: list[str] = []
    following = None
    for name in backend.names(context.account, context.region, _after(token)):
        if contains and contains not in name:
            continue
        if len(chosen) == limit:
            following = base64.urlsafe_b64encode(chosen[-1].encode()).decode()
            break
        chosen.append(name)
    return chosen, following


def _after(token: str | None) -> str | None:
    if token is None:
        return None
    try:
        return base64.b64decode(token.encode(), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raise error("InvalidParameterValue.NextToken") from None


def check_destination_targets(backend: Backend, destination: Mapping[str, Any]) -> None:
    """The resources an event destination (v2 spelling) names, checked as SES checks them."""
    sns = destination.get("SnsDestination")
    if sns is not None:
        arn = sns.get("TopicArn", "")
        # A topic the test's declared topics (or moto's) do not hold is refused as SES does.
        if not rules.is_sns_topic_arn(arn) or backend.resources.topic_exists(arn) is False:
            raise error("InvalidSNSDestination", arn=arn)
    firehose = destination.get("KinesisFirehoseDestination")
    if firehose is not None:
        role, stream = firehose.get("IamRoleArn", ""), firehose.get("DeliveryStreamArn", "")
        if not rules.is_iam_role_arn(role):
            raise error("InvalidFirehoseDestination.Role", arn=role)
        if not rules.is_firehose_arn(stream):
            raise error("InvalidFirehoseDestination.Stream", arn=stream)


def _index(found: ConfigurationSet, name: str) -> int:
    for index, destination in enumerate(found.event_destinations):
        if destination["Name"] == name:
            return index
    # Recorded: no angle brackets, and the set's name, not the destination's.
    raise error("EventDestinationDoesNotExist", set=found.name, name=name)


def require_destination(backend: Backend, context: Context, set_name: str, name: str) -> None:
    """``EventDestinationDoesNotExist`` unless the set has a destination called ``name``."""
    _index(backend.get(context, set_name), name)


def add_destination(
    backend: Backend, context: Context, set_name: str, destination: dict[str, Any]
) -> None:
    """Append an event destination (v2 spelling, checked) to a set."""
    backend.get(context, set_name)
    check_destination_targets(backend, destination)
    found = backend.get(context, set_name)
    if any(d["Name"] == destination["Name"] for d in found.event_destinations):
        raise error("EventDestinationAlreadyExists", name=destination["Name"], set=set_name)
    if len(found.event_destinations) >= MAX_EVENT_DESTINATIONS:
        raise error("LimitExceeded.EventDestinations", limit=MAX_EVENT_DESTINATIONS, set=set_name)
    backend.get_for_write(context, set_name).event_destinations.append(
        {"Enabled": False, **destination}  # Enabled defaults to false
    )


def replace_destination(
    backend: Backend, context: Context, set_name: str, destination: dict[str, Any]
) -> None:
    """Replace the event destination of the same name, in place."""
    _index(backend.get(context, set_name), destination["Name"])
    check_destination_targets(backend, destination)
    found = backend.get_for_write(context, set_name)
    found.event_destinations[_index(found, destination["Name"])] = {
        "Enabled": False,
        **destination,
    }


def remove_destination(backend: Backend, context: Context, set_name: str, name: str) -> None:
    """Delete one event destination of a set."""
    _index(backend.get(context, set_name), name)
    found = backend.get_for_write(context, set_name)
    del found.event_destinations[_index(found, name)]


def check_redirect_domain(backend: Backend, context: Context, domain: str) -> None:
    """A custom redirect domain, checked as SES checks it."""
    if not rules.is_domain(domain):
        raise error("InvalidTrackingOptions.Domain", domain=domain)
    verified = backend.resources.identity_verified(domain, context.account, context.region)
    if verified is False:  # None: the test declared no identities, nothing to check
        raise error("InvalidTrackingOptions.Unverified", domain=domain)


def set_sending(found: ConfigurationSet, enabled: bool, now: float) -> None:
    """Enable or pause sending; enabling a paused set is a fresh start (``LastFreshStart``)."""
    from datetime import datetime, timezone

    if enabled and not found.sending_enabled:
        found.last_fresh_start = datetime.fromtimestamp(now, timezone.utc)
    found.sending_enabled = enabled
