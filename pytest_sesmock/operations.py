"""The configuration-set operations of SES, with the semantics and errors of the real service.

Each takes the backend, the caller's context and the decoded parameters, and returns a mapping
shaped like its output shape (the serializer writes it) or raises ``SesError``. Facts and their
evidence are in the project's reference notes; messages SES was not recorded giving are marked.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from . import rules
from .backend import Backend, Context
from .configuration_set import ConfigurationSet
from .errors import SesError
from .serializer import Reusable

Operation = Callable[[Backend, Context, Mapping[str, Any]], Mapping[str, Any]]

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
        raise SesError("InvalidParameterValue", "The configuration set name must be specified.")
    problem = rules.name_problem("configuration set name", name)
    if problem:
        raise SesError(
            "InvalidConfigurationSet", f"Configuration set <{name}> is invalid: {problem}."
        )
    if backend.find((context.account, context.region, name)) is not None:
        raise SesError(
            "ConfigurationSetAlreadyExists", f"Configuration set <{name}> already exists."
        )
    if len(backend.visible(context.account, context.region)) >= MAX_CONFIGURATION_SETS:
        raise SesError(
            "LimitExceeded",
            f"Maximum configuration sets limit of {MAX_CONFIGURATION_SETS} reached.",
        )
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
        raise SesError(
            "ValidationError",
            f"1 validation error detected: Value '{size}' at 'maxItems' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1",
        )
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
        raise SesError("InvalidParameterValue", "Invalid NextToken.") from None


def _checked_destination(set_name: str, destination: Mapping[str, Any]) -> dict[str, Any]:
    """An event destination checked as SES checks it, with SES's code for each problem."""
    name = destination["Name"]
    for inner, problem in rules.event_destination_problems(destination):
        code = "InvalidParameterValue"
        if inner.startswith("CloudWatchDestination"):
            code = "InvalidCloudWatchDestination"
        raise SesError(
            code, f"Event destination <{name}> of configuration set <{set_name}>: {problem}."
        )
    sns = destination.get("SNSDestination")
    if sns is not None and (wrong_topic := rules.sns_topic_problem(sns["TopicARN"])):
        raise SesError("InvalidSNSDestination", wrong_topic)
    firehose = destination.get("KinesisFirehoseDestination")
    if firehose is not None and (wrong_stream := rules.firehose_problem(firehose)):
        raise SesError("InvalidFirehoseDestination", wrong_stream)
    return {"Enabled": False, **destination}  # Enabled defaults to false


def create_configuration_set_event_destination(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    set_name = params["ConfigurationSetName"]
    backend.get(context, set_name)
    destination = _checked_destination(set_name, params["EventDestination"])
    found = backend.get_for_write(context, set_name)
    if any(d["Name"] == destination["Name"] for d in found.event_destinations):
        raise SesError(
            "EventDestinationAlreadyExists",
            f"Event destination <{destination['Name']}> already exists in configuration set "
            f"<{set_name}>.",
        )
    if len(found.event_destinations) >= MAX_EVENT_DESTINATIONS:
        raise SesError(
            "LimitExceeded",
            f"Maximum event destinations limit of {MAX_EVENT_DESTINATIONS} reached for "
            f"configuration set <{set_name}>.",
        )
    found.event_destinations.append(destination)
    return _NOTHING


def _destination_index(found: ConfigurationSet, name: str) -> int:
    for index, destination in enumerate(found.event_destinations):
        if destination["Name"] == name:
            return index
    # Recorded: no angle brackets, and the set's name, not the destination's.
    raise SesError("EventDestinationDoesNotExist", f"No EventDestination found for {found.name}")


def update_configuration_set_event_destination(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    set_name = params["ConfigurationSetName"]
    _destination_index(backend.get(context, set_name), params["EventDestination"]["Name"])
    destination = _checked_destination(set_name, params["EventDestination"])
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


def _checked_tracking(options: Mapping[str, Any]) -> dict[str, Any]:
    domain = options.get("CustomRedirectDomain")
    if domain is not None and (problem := rules.redirect_domain_problem(domain)):
        raise SesError("InvalidTrackingOptions", problem)
    return dict(options)


def create_configuration_set_tracking_options(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    set_name = params["ConfigurationSetName"]
    if backend.get(context, set_name).tracking_options is not None:
        raise SesError(
            "TrackingOptionsAlreadyExistsException",
            f"Tracking options already exist for configuration set <{set_name}>.",
        )
    tracking = _checked_tracking(params["TrackingOptions"])
    backend.get_for_write(context, set_name).tracking_options = tracking
    return _NOTHING


def _with_tracking_options(backend: Backend, context: Context, set_name: str) -> ConfigurationSet:
    """The set, to be changed, once it is known to have tracking options."""
    if backend.get(context, set_name).tracking_options is None:
        raise SesError(
            "TrackingOptionsDoesNotExistException",
            f"Tracking options do not exist for configuration set <{set_name}>.",
        )
    return backend.get_for_write(context, set_name)


def update_configuration_set_tracking_options(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    found = _with_tracking_options(backend, context, params["ConfigurationSetName"])
    found.tracking_options = _checked_tracking(params["TrackingOptions"])
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
