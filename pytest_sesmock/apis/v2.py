"""SES v2 (API 2019-09-27, rest-json): its configuration-set operations, over the same sets.

In AWS a configuration set is one resource both APIs read and write; here too: every operation
below works on the backend's records (``state.configuration_sets``), in v2's own spelling, which
is also the backend's. Errors are raised under v1's names and answered with v2's codes
(``translate``). What the model of the installed botocore lacks (``UpdateConfigurationSet`` and
archiving options before botocore 1.43) is not served.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import catalogue
from ..catalogue import error
from ..errors import NotTheMocks, SesError
from ..protocols.base import KeyedResult, Operation
from ..protocols.model import V2, service_model
from ..protocols.rest_json import LegacyRoute, RestJsonWire
from ..sending import operations as sending
from ..state import configuration_sets as sets
from ..state import rules
from ..state.backend import Backend, Context
from ..state.configuration_set import ConfigurationSet
from ..state.spelling import destination_types

_NOTHING: Mapping[str, Any] = {}

# Sections of a set, as GetConfigurationSet names them, shown only once set (INF: SES leaves
# unset sections out, as v1 does for tracking and delivery options).
_OPTIONAL_SECTIONS = {
    "TrackingOptions": "tracking_options",
    "DeliveryOptions": "delivery_options",
    "SuppressionOptions": "suppression_options",
    "VdmOptions": "vdm_options",
    "ArchivingOptions": "archiving_options",
    "MessageSecurityOptions": "message_security_options",
}


def view(found: ConfigurationSet) -> dict[str, Any]:
    """A set as v2's GetConfigurationSet shows it."""
    return found.kept(V2) or found.keep(V2, _view(found))


def _view(found: ConfigurationSet) -> dict[str, Any]:
    reputation: dict[str, Any] = {"ReputationMetricsEnabled": found.reputation_metrics_enabled}
    if found.last_fresh_start is not None:
        reputation["LastFreshStart"] = found.last_fresh_start
    shown: dict[str, Any] = {
        "ConfigurationSetName": found.name,
        "ReputationOptions": reputation,
        "SendingOptions": {"SendingEnabled": found.sending_enabled},
        "Tags": found.tags,
    }
    for section, attribute in _OPTIONAL_SECTIONS.items():
        value = getattr(found, attribute)
        if value is not None:
            shown[section] = value
    return shown


def get_configuration_set(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """Every section of the set that is set; the writer reuses what it wrote for this state."""
    found = backend.get(context, params["ConfigurationSetName"])
    answer: KeyedResult | None = found.kept(_GET)
    return answer or found.keep(_GET, _get_answer(found))


_GET = "sesv2:GetConfigurationSet"


def _get_answer(found: ConfigurationSet) -> KeyedResult:
    """GetConfigurationSet's result for the set as it is now (kept until its next write)."""
    return KeyedResult((id(found), found.revision), found, view(found))


def create_configuration_set(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """A new set, with whatever sections the request gives.

    Defaults (INF, strong: a set CloudFormation creates shows reputation metrics enabled,
    aws/aws-cdk issue 30968): reputation metrics on, sending on. A section given without its
    flag turns it off (an absent boolean is false, as floci reports from AWS).
    """
    name = params["ConfigurationSetName"]
    reputation = params.get("ReputationOptions")
    sending = params.get("SendingOptions")
    tracking = params.get("TrackingOptions")
    if tracking is not None:
        sets.check_redirect_domain(backend, context, tracking["CustomRedirectDomain"])
    configuration_set = ConfigurationSet(
        name=name,
        tracking_options=dict(tracking) if tracking else None,
        delivery_options=dict(params["DeliveryOptions"]) if params.get("DeliveryOptions") else None,
        reputation_metrics_enabled=(
            True if reputation is None else reputation.get("ReputationMetricsEnabled", False)
        ),
        last_fresh_start=(reputation or {}).get("LastFreshStart"),
        sending_enabled=True if sending is None else sending.get("SendingEnabled", False),
        tags=[dict(tag) for tag in params.get("Tags", ())],
    )
    for section, attribute in _OPTIONAL_SECTIONS.items():
        if params.get(section) and section not in ("TrackingOptions", "DeliveryOptions"):
            setattr(configuration_set, attribute, dict(params[section]))  # empty: not set
    sets.create(backend, context, configuration_set)
    return _NOTHING


def delete_configuration_set(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    backend.delete(context, params["ConfigurationSetName"])
    return _NOTHING


def list_configuration_sets(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """Set names in name order, ``PageSize`` a page (at most 1,000), filtered by name."""
    size = params.get("PageSize", sets.MAX_PAGE)
    if size < 1:
        raise catalogue.error(
            "v2.BadRequest.Validation",
            count=1,
            noun="error",
            problems=f"Value '{size}' at 'pageSize' failed to satisfy constraint: Member must "
            "have value greater than or equal to 1",
        )
    contains = (params.get("Filter") or {}).get("CONFIGURATION_SET_NAME_CONTAINS")
    names, token = sets.page(backend, context, size, params.get("NextToken"), contains)
    result: dict[str, Any] = {"ConfigurationSets": names}
    if token is not None:
        result["NextToken"] = token
    return result


def _destination(set_name: str, name: str, definition: Mapping[str, Any]) -> dict[str, Any]:
    """A v2 event destination checked by SES's rules (the backend's spelling already)."""
    destination = {"Name": name, **definition}
    problems = rules.event_destination_problems(destination, destination_types(V2))
    if "MatchingEventTypes" not in destination:
        problems.append(("MatchingEventTypes", "must name at least one event type"))
    for inner, problem in problems:
        key = "InvalidParameterValue.EventDestination"
        if inner.startswith("CloudWatchDestination"):
            key = "InvalidCloudWatchDestination"
        raise error(key, name=name, set=set_name, problem=problem)
    return destination


def create_configuration_set_event_destination(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    set_name = params["ConfigurationSetName"]
    backend.get(context, set_name)
    destination = _destination(set_name, params["EventDestinationName"], params["EventDestination"])
    sets.add_destination(backend, context, set_name, destination)
    # REC: SES first publishes its validation message to an SNS destination's topic.
    from ..sending.destinations import validate_sns_topic

    validate_sns_topic(destination, context.region, context.account, backend.resources.other)
    return _NOTHING


def get_configuration_set_event_destinations(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    found = backend.get(context, params["ConfigurationSetName"])
    return {"EventDestinations": found.event_destinations}


def update_configuration_set_event_destination(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    set_name, name = params["ConfigurationSetName"], params["EventDestinationName"]
    sets.require_destination(backend, context, set_name, name)
    sets.replace_destination(
        backend, context, set_name, _destination(set_name, name, params["EventDestination"])
    )
    return _NOTHING


def delete_configuration_set_event_destination(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    sets.remove_destination(
        backend, context, params["ConfigurationSetName"], params["EventDestinationName"]
    )
    return _NOTHING


def _section(attribute: str, members: tuple[str, ...]) -> Operation:
    """``PutConfigurationSet...Options``: the section becomes exactly what the request gives.

    Without any of its members the section is cleared (INF: as v1's PutConfigurationSetDelivery
    Options without options clears them).
    """

    def put(backend: Backend, context: Context, params: Mapping[str, Any]) -> Mapping[str, Any]:
        found = backend.get_for_write(context, params["ConfigurationSetName"])
        given = {member: params[member] for member in members if member in params}
        setattr(found, attribute, given or None)
        return _NOTHING

    return put


def put_configuration_set_tracking_options(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """Sets the custom redirect domain and HTTPS policy; without a domain, clears them."""
    set_name = params["ConfigurationSetName"]
    backend.get(context, set_name)
    domain = params.get("CustomRedirectDomain")
    if domain is not None:
        sets.check_redirect_domain(backend, context, domain)
    given = {k: params[k] for k in ("CustomRedirectDomain", "HttpsPolicy") if k in params}
    backend.get_for_write(context, set_name).tracking_options = given if domain else None
    return _NOTHING


def put_configuration_set_reputation_options(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    found = backend.get_for_write(context, params["ConfigurationSetName"])
    found.reputation_metrics_enabled = params.get("ReputationMetricsEnabled", False)
    return _NOTHING


def put_configuration_set_sending_options(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """Pause or resume sending (an empty request pauses: floci reports it from AWS; INF)."""
    found = backend.get_for_write(context, params["ConfigurationSetName"])
    sets.set_sending(found, params.get("SendingEnabled", False), context.now)
    return _NOTHING


def put_configuration_set_vdm_options(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    found = backend.get_for_write(context, params["ConfigurationSetName"])
    options = params.get("VdmOptions")
    found.vdm_options = dict(options) if options else None
    return _NOTHING


def update_configuration_set(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """Its message-security options (what UpdateConfigurationSet changes)."""
    found = backend.get_for_write(context, params["ConfigurationSetName"])
    options = params.get("MessageSecurityOptions")
    found.message_security_options = dict(options) if options else None
    return _NOTHING


# -- tags of the sets (TagResource and the others answer for configuration sets only) ----------


def _tagged(backend: Backend, context: Context, arn: str) -> tuple[Context, str]:
    """The set a tagging call names by ARN (``arn:aws:ses:REGION:ACCOUNT:configuration-set/
    NAME``), in the ARN's account and region; ``NotTheMocks`` for any other resource (an
    identity, a contact list: moto's to answer beside moto)."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "ses" or not parts[5].startswith("configuration-set/"):
        raise NotTheMocks(arn)
    place = Context(parts[4] or context.account, parts[3] or context.region, context.now)
    return place, parts[5].partition("/")[2]


def tag_resource(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """Add or replace tags of a configuration set (its ``Tags``, as GetConfigurationSet shows)."""
    place, name = _tagged(backend, context, params["ResourceArn"])
    given = {tag["Key"]: tag.get("Value", "") for tag in params.get("Tags", ())}
    found = backend.get_for_write(place, name)
    kept = [tag for tag in found.tags if tag.get("Key") not in given]
    found.tags = kept + [{"Key": key, "Value": value} for key, value in given.items()]
    return _NOTHING


def untag_resource(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """Remove tags of a configuration set by key."""
    place, name = _tagged(backend, context, params["ResourceArn"])
    keys = set(params.get("TagKeys", ()))
    found = backend.get_for_write(place, name)
    found.tags = [tag for tag in found.tags if tag.get("Key") not in keys]
    return _NOTHING


def list_tags_for_resource(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Mapping[str, Any]:
    """A configuration set's tags, the same as GetConfigurationSet's ``Tags``."""
    place, name = _tagged(backend, context, params["ResourceArn"])
    return {"Tags": backend.get(place, name).tags}


def _section_members(operation: str) -> tuple[str, ...]:
    shape = service_model(V2).operation_model(operation).input_shape
    assert shape is not None
    return tuple(name for name in shape.members if name != "ConfigurationSetName")


def _operations() -> dict[str, Operation]:
    """The v2 configuration-set operations the installed botocore's model has."""
    every: dict[str, Operation] = {
        "GetConfigurationSet": get_configuration_set,
        "CreateConfigurationSet": create_configuration_set,
        "DeleteConfigurationSet": delete_configuration_set,
        "ListConfigurationSets": list_configuration_sets,
        "CreateConfigurationSetEventDestination": create_configuration_set_event_destination,
        "GetConfigurationSetEventDestinations": get_configuration_set_event_destinations,
        "UpdateConfigurationSetEventDestination": update_configuration_set_event_destination,
        "DeleteConfigurationSetEventDestination": delete_configuration_set_event_destination,
        "PutConfigurationSetTrackingOptions": put_configuration_set_tracking_options,
        "PutConfigurationSetReputationOptions": put_configuration_set_reputation_options,
        "PutConfigurationSetSendingOptions": put_configuration_set_sending_options,
        "PutConfigurationSetVdmOptions": put_configuration_set_vdm_options,
        "UpdateConfigurationSet": update_configuration_set,
        "TagResource": tag_resource,
        "UntagResource": untag_resource,
        "ListTagsForResource": list_tags_for_resource,
        **sending.V2_OPERATIONS,
    }
    model_names = set(service_model(V2).operation_names)
    for operation, attribute in (
        ("PutConfigurationSetDeliveryOptions", "delivery_options"),
        ("PutConfigurationSetSuppressionOptions", "suppression_options"),
        ("PutConfigurationSetArchivingOptions", "archiving_options"),
    ):
        if operation in model_names:
            every[operation] = _section(attribute, _section_members(operation))
    return {name: run for name, run in every.items() if name in model_names}


# v1's catalogue keys (what the shared semantics raise) -> v2's entries.
_TO_V2 = {
    "ConfigurationSetDoesNotExist": "v2.NotFound",
    "EventDestinationDoesNotExist": "v2.NotFound.EventDestination",
    "ConfigurationSetAlreadyExists": "v2.AlreadyExists",
    "EventDestinationAlreadyExists": "v2.AlreadyExists.EventDestination",
    "LimitExceeded.ConfigurationSets": "v2.LimitExceeded",
    "LimitExceeded.EventDestinations": "v2.LimitExceeded",
    "Throttling": "v2.TooManyRequests",
    "InvalidTrackingOptions.Unverified": "v2.BadRequest.UnverifiedDomain",
    "ConfigurationSetSendingPaused": "v2.SendingPaused",
    "TemplateDoesNotExist": "v2.NotFound.Template",
    "MessageRejected.Unverified": "v2.MessageRejected",
}


def translate(raised: SesError) -> SesError:
    """An error of the shared semantics, as SES v2 answers it; v2's own errors as they are."""
    key = raised.key
    if key is None or key.startswith("v2."):
        return raised  # injected by a test, or v2's already
    entry = catalogue.CATALOGUE[_TO_V2.get(key, "v2.BadRequest")]
    return entry.error(**{**raised.fields, "message": raised.message})


# Routes an older or newer botocore uses for an operation (MEAS, by bisecting botocore's
# wheels: ListConfigurationSets was GET /v2/email/configuration-sets with PageSize and NextToken
# in the query string up to 1.43.104, and is POST /v2/email/list-configuration-sets with a JSON
# body from 1.43.105). Both are served whichever botocore is installed: the AWS CLI bundles its own.
LEGACY_ROUTES: dict[str, tuple[LegacyRoute, ...]] = {
    "ListConfigurationSets": (
        ("GET", "/v2/email/configuration-sets", ("PageSize", "NextToken"), ()),
        ("POST", "/v2/email/list-configuration-sets", (), None),
    ),
}


_WIRE: RestJsonWire | None = None


def wire() -> RestJsonWire:
    """SES v2 on the wire: rest-json over these operations (built on first use)."""
    global _WIRE
    if _WIRE is None:
        _WIRE = RestJsonWire(V2, "SES v2", _operations(), translate, LEGACY_ROUTES)
    return _WIRE
