"""The in-memory SES: configuration sets per (account, region), and the operations on them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .configuration_set import ConfigurationSet
from .declaration import Declared
from .errors import DeclarationError, SesError


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


_resolved: dict[tuple[int, str, str], tuple[object, dict[Key, ConfigurationSet]]] = {}
_RESOLVED_KEPT = 256


def resolve(
    declared: Sequence[Declared], region: str, account: str
) -> Mapping[Key, ConfigurationSet]:
    """Key declarations by (account, region, name), the defaults filling in what they left open.

    Two declarations of one set in the same source are an error, whichever door they came from.
    The doors hand the same (checked-once) tuple to every test, so the keyed layer is kept and
    shared: a test's set-up costs nothing per declared set.
    """
    key = (id(declared), region, account)
    cached = _resolved.get(key)
    if cached is not None and cached[0] is declared:
        return cached[1]
    out = _resolve(declared, region, account)
    if len(_resolved) >= _RESOLVED_KEPT:
        _resolved.pop(next(iter(_resolved)))
    _resolved[key] = (declared, out)
    return out


def _resolve(
    declared: Iterable[Declared], region: str, account: str
) -> dict[Key, ConfigurationSet]:
    out: dict[Key, ConfigurationSet] = {}
    for entry in declared:
        key = (entry.account or account, entry.region or region, entry.configuration_set.name)
        if key in out:
            raise DeclarationError(
                "Name",
                f"configuration set {key[2]!r} is declared twice for account {key[0]}, "
                f"region {key[1]}",
            )
        out[key] = entry.configuration_set
    return out


class Backend:
    """The configuration sets of one mock, keyed by (account, region, name).

    Sets come in layers: the mock's own (``configuration_sets``), then ``layers`` declared through
    the other doors (YAML, markers; nearest first, shared between tests and never changed), then
    the backend of the mock around this one, when mocks are nested.
    """

    def __init__(self) -> None:
        self.configuration_sets: dict[Key, ConfigurationSet] = {}
        self.layers: list[Mapping[Key, ConfigurationSet]] = []
        self.parent: Backend | None = None

    def find(self, key: Key) -> ConfigurationSet | None:
        """The set under ``key`` in the nearest layer that has it, or None."""
        found = self.configuration_sets.get(key)
        if found is not None:
            return found
        for layer in self.layers:
            found = layer.get(key)
            if found is not None:
                return found
        return self.parent.find(key) if self.parent is not None else None

    def get(self, context: Context, name: str) -> ConfigurationSet:
        """The set ``name`` in the caller's account and region, or ConfigurationSetDoesNotExist."""
        found = self.find((context.account, context.region, name))
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
