"""The configuration-set operations of SES, with the semantics and errors of the real service.

Each takes the backend, the caller's context and the decoded parameters, and returns a mapping
shaped like its output shape (the serializer writes it) or raises ``SesError``. Facts and their
evidence are in the project's reference notes; messages SES was not recorded giving are marked.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from ..catalogue import error
from ..protocols.base import Operation
from ..protocols.model import V1
from ..protocols.query import QueryWire
from ..protocols.query_xml import Reusable
from ..state import rules
from ..state.backend import Backend, Context
from ..state.configuration_set import ConfigurationSet

# SES quotas (developer guide): configuration sets per account and region, destinations per set.
MAX_CONFIGURATION_SETS = 10_000
MAX_EVENT_DESTINATIONS = 10
MAX_PAGE = 1_000

_NOTHING: Mapping[str, Any] = {}

# ``ConfigurationSetAttributeNames`` value -> the response member it adds.
_SECTIONS = {
    "eventDestinations": "EventDestinations",
    "trackingOptions": "TrackingOptions",
    "deliveryOptions": "DeliveryOptions",
    "reputationOptions": "ReputationOptions",
}


def describe_configuration_set(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """The name, and exactly the sections asked for."""
    found = backend.get(context, params["ConfigurationSetName"])
    attributes = params.get("ConfigurationSetAttributeNames", ())
    # The same set, unchanged, asked the same: the serializer may reuse what it wrote last time.
    result = Reusable(
        (id(found), found.revision, *attributes), found, ConfigurationSet={"Name": found.name}
    )
    for attribute in attributes:
        section = _SECTIONS[attribute]  # the wire decoder has rejected other values
        if section == "EventDestinations":
            result[section] = found.event_destinations
        elif section == "TrackingOptions":
            # Answered only once a custom redirect domain is set (REFERENCE: INF, strong).
            tracking = found.tracking_options
            result[section] = (
                tracking if tracking and tracking.get("CustomRedirectDomain") else None
            )
        elif section == "DeliveryOptions":
            result[section] = found.delivery_options
        else:
            result[section] = found.reputation_options
    return result


def create_configuration_set(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    name = params["ConfigurationSet"]["Name"]
    if not name:
        raise error("InvalidParameterValue.EmptyName")
    problem = rules.name_problem("configuration set name", name)
    if problem:
        raise error("InvalidConfigurationSet", name=name, problem=problem)
    if backend.find((context.account, context.region, name)) is not None:
        raise error("ConfigurationSetAlreadyExists", name=name)
    if len(backend.visible(context.account, context.region)) >= MAX_CONFIGURATION_SETS:
        raise error("LimitExceeded.ConfigurationSets", limit=MAX_CONFIGURATION_SETS)
    backend.put(context, ConfigurationSet(name=name))
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
    size = params.get("MaxItems", MAX_PAGE)
    if size < 1:
        raise error("ValidationError.MaxItems", value=size)
    names = sorted(backend.visible(context.account, context.region))
    after = _after(params.get("NextToken"))
    if after is not None:
        names = [name for name in names if name > after]
    page = names[: min(size, MAX_PAGE)]
    result: dict[str, Any] = {"ConfigurationSets": [{"Name": name} for name in page]}
    if len(names) > len(page):
        result["NextToken"] = base64.urlsafe_b64encode(page[-1].encode()).decode()
    return result


def _after(token: str | None) -> str | None:
    if token is None:
        return None
    try:
        return base64.b64decode(token.encode(), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raise error("InvalidParameterValue.NextToken") from None


def _checked_destination(
    backend: Backend, set_name: str, destination: Mapping[str, Any]
) -> dict[str, Any]:
    """An event destination checked as SES checks it, with SES's code for each problem."""
    name = destination["Name"]
    for inner, problem in rules.event_destination_problems(destination):
        key = "InvalidParameterValue.EventDestination"
        if inner.startswith("CloudWatchDestination"):
            key = "InvalidCloudWatchDestination"
        raise error(key, name=name, set=set_name, problem=problem)
    sns = destination.get("SNSDestination")
    if sns is not None:
        arn = sns["TopicARN"]
        # A topic the test's declared topics (or moto's) do not hold is refused as SES does.
        if not rules.is_sns_topic_arn(arn) or backend.known.topic_exists(arn) is False:
            raise error("InvalidSNSDestination", arn=arn)
    firehose = destination.get("KinesisFirehoseDestination")
    if firehose is not None:
        role, stream = firehose.get("IAMRoleARN", ""), firehose.get("DeliveryStreamARN", "")
        if not rules.is_iam_role_arn(role):
            raise error("InvalidFirehoseDestination.Role", arn=role)
        if not rules.is_firehose_arn(stream):
            raise error("InvalidFirehoseDestination.Stream", arn=stream)
    return {"Enabled": False, **destination}  # Enabled defaults to false


def create_configuration_set_event_destination(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    set_name = params["ConfigurationSetName"]
    backend.get(context, set_name)
    destination = _checked_destination(backend, set_name, params["EventDestination"])
    found = backend.get_for_write(context, set_name)
    if any(d["Name"] == destination["Name"] for d in found.event_destinations):
        raise error("EventDestinationAlreadyExists", name=destination["Name"], set=set_name)
    if len(found.event_destinations) >= MAX_EVENT_DESTINATIONS:
        raise error("LimitExceeded.EventDestinations", limit=MAX_EVENT_DESTINATIONS, set=set_name)
    found.event_destinations.append(destination)
    return _NOTHING


def _destination_index(found: ConfigurationSet, name: str) -> int:
    for index, destination in enumerate(found.event_destinations):
        if destination["Name"] == name:
            return index
    # Recorded: no angle brackets, and the set's name, not the destination's.
    raise error("EventDestinationDoesNotExist", set=found.name)


def update_configuration_set_event_destination(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    set_name = params["ConfigurationSetName"]
    _destination_index(backend.get(context, set_name), params["EventDestination"]["Name"])
    destination = _checked_destination(backend, set_name, params["EventDestination"])
    found = backend.get_for_write(context, set_name)
    found.event_destinations[_destination_index(found, destination["Name"])] = destination
    return _NOTHING


def delete_configuration_set_event_destination(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    set_name = params["ConfigurationSetName"]
    _destination_index(backend.get(context, set_name), params["EventDestinationName"])
    found = backend.get_for_write(context, set_name)
    del found.event_destinations[_destination_index(found, params["EventDestinationName"])]
    return _NOTHING


def _checked_tracking(
    backend: Backend, context: Context, options: Mapping[str, Any]
) -> dict[str, Any]:
    domain = options.get("CustomRedirectDomain")
    if domain is not None and not rules.is_domain(domain):
        raise error("InvalidTrackingOptions.Domain", domain=domain)
    if domain is not None:
        verified = backend.known.identity_verified(domain, context.account, context.region)
        if verified is False:  # None: the test declared no identities, nothing to check
            raise error("InvalidTrackingOptions.Unverified", domain=domain)
    return dict(options)


def create_configuration_set_tracking_options(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    set_name = params["ConfigurationSetName"]
    if backend.get(context, set_name).tracking_options is not None:
        raise error("TrackingOptionsAlreadyExists")
    tracking = _checked_tracking(backend, context, params["TrackingOptions"])
    backend.get_for_write(context, set_name).tracking_options = tracking
    return _NOTHING


def _with_tracking_options(backend: Backend, context: Context, set_name: str) -> ConfigurationSet:
    """The set, to be changed, once it is known to have tracking options."""
    if backend.get(context, set_name).tracking_options is None:
        raise error("TrackingOptionsDoesNotExist")
    return backend.get_for_write(context, set_name)


def update_configuration_set_tracking_options(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    found = _with_tracking_options(backend, context, params["ConfigurationSetName"])
    found.tracking_options = _checked_tracking(backend, context, params["TrackingOptions"])
    return _NOTHING


def delete_configuration_set_tracking_options(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    _with_tracking_options(backend, context, params["ConfigurationSetName"]).tracking_options = None
    return _NOTHING


def put_configuration_set_delivery_options(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """Sets the delivery options; without ``DeliveryOptions`` it clears them."""
    set_name = params["ConfigurationSetName"]
    backend.get(context, set_name)
    # A TlsPolicy outside its enum is a ValidationError of the wire decoder; botocore sends
    # nothing for an empty DeliveryOptions, so that clears them too.
    options = params.get("DeliveryOptions")
    backend.get_for_write(context, set_name).delivery_options = (
        dict(options) if options is not None else None
    )
    return _NOTHING


def update_configuration_set_reputation_metrics_enabled(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    found = backend.get_for_write(context, params["ConfigurationSetName"])
    found.reputation_options["ReputationMetricsEnabled"] = params["Enabled"]
    return _NOTHING


def update_configuration_set_sending_enabled(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """Disabling then enabling again is a fresh start: ``LastFreshStart`` becomes now."""
    found = backend.get_for_write(context, params["ConfigurationSetName"])
    reputation = found.reputation_options
    if params["Enabled"] and not reputation["SendingEnabled"]:
        reputation["LastFreshStart"] = datetime.fromtimestamp(context.now, timezone.utc)
    reputation["SendingEnabled"] = params["Enabled"]
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
}
"""The SES operations the mock serves, by name."""


def wire() -> QueryWire:
    """SES v1 on the wire: the Query protocol over these operations."""
    return _WIRE


_WIRE = QueryWire(V1, "SES", OPERATIONS)
