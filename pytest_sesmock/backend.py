"""The in-memory SES: configuration sets per (account, region), and the operations on them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .configuration_set import ConfigurationSet
from .errors import SesError


@dataclass(frozen=True)
class Context:
    """Who a call is from: the account and region it is for."""

    account: str
    region: str


Key = tuple[str, str, str]  # (account, region, configuration set name)
Operation = Callable[["Backend", Context, Mapping[str, Any]], Mapping[str, Any]]


def _does_not_exist(name: str) -> SesError:
    # The angle brackets are literal in SES's message.
    return SesError("ConfigurationSetDoesNotExist", f"Configuration set <{name}> does not exist.")


# ``ConfigurationSetAttributeNames`` value -> the response member it adds.
_SECTIONS = {
    "eventDestinations": "EventDestinations",
    "trackingOptions": "TrackingOptions",
    "deliveryOptions": "DeliveryOptions",
    "reputationOptions": "ReputationOptions",
}


class Backend:
    """The configuration sets of one mock, keyed by (account, region, name)."""

    def __init__(self) -> None:
        self.configuration_sets: dict[Key, ConfigurationSet] = {}

    def get(self, context: Context, name: str) -> ConfigurationSet:
        """The set ``name`` in the caller's account and region, or ConfigurationSetDoesNotExist."""
        found = self.configuration_sets.get((context.account, context.region, name))
        if found is None:
            raise _does_not_exist(name)
        return found

    def describe_configuration_set(
        self, context: Context, params: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """DescribeConfigurationSet: the name, and exactly the sections asked for."""
        configuration_set = self.get(context, params["ConfigurationSetName"])
        result: dict[str, Any] = {"ConfigurationSet": {"Name": configuration_set.name}}
        for attribute in params.get("ConfigurationSetAttributeNames", ()):
            section = _SECTIONS[attribute]  # the wire decoder has rejected other values
            if section == "EventDestinations":
                result[section] = configuration_set.event_destinations
            elif section == "TrackingOptions":
                result[section] = configuration_set.tracking_options
            elif section == "DeliveryOptions":
                result[section] = configuration_set.delivery_options
            else:
                result[section] = configuration_set.reputation_options
        return result


OPERATIONS: dict[str, Operation] = {
    "DescribeConfigurationSet": Backend.describe_configuration_set,
}
"""The SES operations the mock serves, by name."""
