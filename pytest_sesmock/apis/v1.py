"""SES v1 (API 2010-12-01, the Query protocol): its configuration-set operations.

Each takes the backend, the caller's context and the decoded parameters, and returns a mapping
shaped like its output shape (the serializer writes it) or raises ``SesError``. v1 reads and
writes the same sets as v2 (``state.configuration_sets``); this module converts between v1's
spelling and the backend's. Facts and their evidence are in the error catalogue and the
project's reference notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..catalogue import error
from ..protocols.base import KeyedResult, Operation
from ..protocols.model import V1
from ..protocols.query import QueryWire
from ..sending import operations as sending
from ..state import configuration_sets as sets
from ..state import rules
from ..state.backend import Backend, Context
from ..state.configuration_set import ConfigurationSet
from ..state.spelling import DROPPED, destination_types, to_v1, to_v2

_NOTHING: Mapping[str, Any] = {}

# ``ConfigurationSetAttributeNames`` value -> the response member it adds.
_SECTIONS = {
    "eventDestinations": "EventDestinations",
    "trackingOptions": "TrackingOptions",
    "deliveryOptions": "DeliveryOptions",
    "reputationOptions": "ReputationOptions",
}


def view(found: ConfigurationSet) -> dict[str, Any]:
    """A set as v1's DescribeConfigurationSet shows it, every section (None: left out).

    v1 shows only what v1 can express (INF: what SES's v1 API shows of v2-only values is not
    recorded): destinations of a type v1 has (not EventBridge or Pinpoint), with the event types
    v1 has (not ``DELIVERY_DELAY`` or ``SUBSCRIPTION``), and left out when none remains; tracking
    options without ``HttpsPolicy``; delivery options only when a ``TlsPolicy`` is set.
    """
    return found.kept(V1) or found.keep(V1, _view(found))


def _view(found: ConfigurationSet) -> dict[str, Any]:
    destinations = []
    for destination in found.event_destinations:
        converted = to_v1("EventDestinations", [destination])
        if (
            converted
            and converted[0].get("MatchingEventTypes")
            and any(kind in converted[0] for kind in destination_types(V1))
        ):
            destinations.append(converted[0])
    tracking = found.tracking_options
    delivery = found.delivery_options
    reputation: dict[str, Any] = {
        "SendingEnabled": found.sending_enabled,
        "ReputationMetricsEnabled": found.reputation_metrics_enabled,
    }
    if found.last_fresh_start is not None:
        reputation["LastFreshStart"] = found.last_fresh_start
    return {
        "EventDestinations": destinations,
        # Answered only once a custom redirect domain is set (INF, strong).
        "TrackingOptions": to_v1("TrackingOptions", tracking)
        if tracking and tracking.get("CustomRedirectDomain")
        else None,
        "DeliveryOptions": to_v1("DeliveryOptions", {"TlsPolicy": delivery["TlsPolicy"]})
        if delivery and delivery.get("TlsPolicy")
        else None,
        "ReputationOptions": reputation,
    }


def describe_configuration_set(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """The name, and exactly the sections asked for."""
    found = backend.get(context, params["ConfigurationSetName"])
    attributes = tuple(params.get("ConfigurationSetAttributeNames", ()))
    # The same set, unchanged, asked the same: the same result, and the serializer may reuse
    # what it wrote for it. Kept per set until its next write, for each list of names asked.
    answer: KeyedResult | None = found.kept(attributes)
    return answer or found.keep(attributes, _describe_answer(found, attributes))


def _describe_answer(found: ConfigurationSet, attributes: tuple[str, ...]) -> KeyedResult:
    result = KeyedResult(
        (id(found), found.revision, *attributes), found, ConfigurationSet={"Name": found.name}
    )
    if attributes:
        shown = view(found)
        for attribute in attributes:
            section = _SECTIONS[attribute]  # the wire decoder has rejected other values
            result[section] = shown[section]
    return result


def create_configuration_set(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """A new set with SES v1's defaults (reputation metrics off, sending on)."""
    sets.create(backend, context, ConfigurationSet(name=params["ConfigurationSet"]["Name"]))
    return _NOTHING


def delete_configuration_set(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    backend.delete(context, params["ConfigurationSetName"])
    return _NOTHING


def list_configuration_sets(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """Sets in name order (stable across pages), at most 1,000 a page."""
    size = params.get("MaxItems", sets.MAX_PAGE)
    if size < 1:
        raise error("ValidationError.MaxItems", value=size)
    names, token = sets.page(backend, context, size, params.get("NextToken"))
    result: dict[str, Any] = {"ConfigurationSets": [{"Name": name} for name in names]}
    if token is not None:
        result["NextToken"] = token
    return result


def _destination(set_name: str, destination: Mapping[str, Any]) -> dict[str, Any]:
    """A v1 event destination checked by SES's rules, in the backend's spelling."""
    name = destination["Name"]
    for inner, problem in rules.event_destination_problems(destination):
        key = "InvalidParameterValue.EventDestination"
        if inner.startswith("CloudWatchDestination"):
            key = "InvalidCloudWatchDestination"
        raise error(key, name=name, set=set_name, problem=problem)
    converted: dict[str, Any] = to_v2("EventDestinations", [destination])[0]
    return converted


def create_configuration_set_event_destination(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    set_name = params["ConfigurationSetName"]
    backend.get(context, set_name)
    destination = _destination(set_name, params["EventDestination"])
    sets.add_destination(backend, context, set_name, destination)
    # REC: SES first publishes its validation message to an SNS destination's topic.
    from ..sending.destinations import validate_sns_topic

    validate_sns_topic(destination, context.region, context.account, backend.resources.other)
    return _NOTHING


def update_configuration_set_event_destination(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    set_name = params["ConfigurationSetName"]
    sets.require_destination(backend, context, set_name, params["EventDestination"]["Name"])
    sets.replace_destination(
        backend, context, set_name, _destination(set_name, params["EventDestination"])
    )
    return _NOTHING


def delete_configuration_set_event_destination(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    sets.remove_destination(
        backend, context, params["ConfigurationSetName"], params["EventDestinationName"]
    )
    return _NOTHING


def create_configuration_set_tracking_options(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    set_name = params["ConfigurationSetName"]
    if backend.get(context, set_name).tracking_options is not None:
        raise error("TrackingOptionsAlreadyExists")
    _set_redirect_domain(backend, context, set_name, params["TrackingOptions"])
    return _NOTHING


def _set_redirect_domain(
    backend: Backend, context: Context, set_name: str, options: Mapping[str, Any]
) -> None:
    domain = options.get("CustomRedirectDomain")
    if domain is not None:
        sets.check_redirect_domain(backend, context, domain)
    found = backend.get_for_write(context, set_name)
    # v1 sets only the domain; an HTTPS policy set through v2 stays (INF).
    kept = {k: v for k, v in (found.tracking_options or {}).items() if k != "CustomRedirectDomain"}
    found.tracking_options = {**kept, **({"CustomRedirectDomain": domain} if domain else {})}


def _with_tracking_options(backend: Backend, context: Context, set_name: str) -> None:
    if backend.get(context, set_name).tracking_options is None:
        raise error("TrackingOptionsDoesNotExist")


def update_configuration_set_tracking_options(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    set_name = params["ConfigurationSetName"]
    _with_tracking_options(backend, context, set_name)
    _set_redirect_domain(backend, context, set_name, params["TrackingOptions"])
    return _NOTHING


def delete_configuration_set_tracking_options(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    set_name = params["ConfigurationSetName"]
    _with_tracking_options(backend, context, set_name)
    backend.get_for_write(context, set_name).tracking_options = None
    return _NOTHING


def put_configuration_set_delivery_options(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """Sets the TLS policy; without ``DeliveryOptions`` it clears it."""
    set_name = params["ConfigurationSetName"]
    backend.get(context, set_name)
    # A TlsPolicy outside its enum is a ValidationError of the wire decoder; botocore sends
    # nothing for an empty DeliveryOptions, so that clears them too.
    options = params.get("DeliveryOptions") or {}
    found = backend.get_for_write(context, set_name)
    # v1 has only the TLS policy; a sending pool or delivery time set through v2 stays (INF).
    kept = {k: v for k, v in (found.delivery_options or {}).items() if k != "TlsPolicy"}
    policy = to_v2("DeliveryOptions", dict(options)).get("TlsPolicy")
    merged = {**kept, **({"TlsPolicy": policy} if policy not in (None, DROPPED) else {})}
    found.delivery_options = merged or None
    return _NOTHING


def update_configuration_set_reputation_metrics_enabled(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    backend.get_for_write(
        context, params["ConfigurationSetName"]
    ).reputation_metrics_enabled = params["Enabled"]
    return _NOTHING


def update_configuration_set_sending_enabled(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """Disabling then enabling again is a fresh start: ``LastFreshStart`` becomes now."""
    found = backend.get_for_write(context, params["ConfigurationSetName"])
    sets.set_sending(found, params["Enabled"], context.now)
    return _NOTHING


OPERATIONS: dict[str, Operation] = {
    "DescribeConfigurationSet": describe_configuration_set,
    "CreateConfigurationSet": create_configuration_set,
    "DeleteConfigurationSet": delete_configuration_set,
    "ListConfigurationSets": list_configuration_sets,
    "CreateConfigurationSetEventDestination": create_configuration_set_event_destination,
    "UpdateConfigurationSetEventDestination": update_configuration_set_event_destination,
    "DeleteConfigurationSetEventDestination": delete_configuration_set_event_destination,
    "CreateConfigurationSetTrackingOptions": create_configuration_set_tracking_options,
    "UpdateConfigurationSetTrackingOptions": update_configuration_set_tracking_options,
    "DeleteConfigurationSetTrackingOptions": delete_configuration_set_tracking_options,
    "PutConfigurationSetDeliveryOptions": put_configuration_set_delivery_options,
    "UpdateConfigurationSetReputationMetricsEnabled": (
        update_configuration_set_reputation_metrics_enabled
    ),
    "UpdateConfigurationSetSendingEnabled": update_configuration_set_sending_enabled,
    **sending.V1_OPERATIONS,
}
"""The SES operations the mock serves, by name: the configuration-set operations, and the sends
(checked against the sets; see ``sending.operations``)."""


def wire() -> QueryWire:
    """SES v1 on the wire: the Query protocol over these operations."""
    return _WIRE


_WIRE = QueryWire(V1, "SES", OPERATIONS)
