"""SES v2 (boto3's "sesv2", rest-json) over the same configuration sets as SES v1.

One set, two APIs: what is declared or written through one is read through the other, with each
API's own spelling, errors, records, limits and faults.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import ALL_ATTRIBUTES
from freezegun import freeze_time

from pytest_sesmock import DeclarationError, SesMock, UnknownNameError
from pytest_sesmock.state import configuration_sets

TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-events"
ROLE = "arn:aws:iam::123456789012:role/ses-firehose"
STREAM = "arn:aws:firehose:us-east-1:123456789012:deliverystream/ses"
BUS = "arn:aws:events:us-east-1:123456789012:event-bus/default"
FRESH_START = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
ENDPOINT = "https://email.us-east-1.amazonaws.com/v2/email/configuration-sets"
TO_SNS = {"MatchingEventTypes": ["SEND"], "SnsDestination": {"TopicArn": TOPIC}}


def _v2_has(shape: str, member: str) -> bool:
    """Whether the installed botocore's sesv2 model has a member (botocore 1.34.70's lacks some)."""
    model = boto3.client("sesv2", region_name="us-east-1").meta.service_model
    return member in model.shape_for(shape).members


# Members newer models have (botocore 1.43 and later), used only where the model has them.
HTTPS = _v2_has("TrackingOptions", "HttpsPolicy")
EVENTBRIDGE = _v2_has("EventDestinationDefinition", "EventBridgeDestination")
MAX_DELIVERY = _v2_has("DeliveryOptions", "MaxDeliverySeconds")
HTTPS_POLICY: dict[str, str] = {"HttpsPolicy": "REQUIRE"} if HTTPS else {}
TRACKING = {"CustomRedirectDomain": "track.example.com", **HTTPS_POLICY}

V1_DESTINATIONS = [
    {
        "Name": "to-sns",
        "Enabled": True,
        "MatchingEventTypes": ["send", "bounce"],
        "SNSDestination": {"TopicARN": TOPIC},
    },
    {
        "Name": "to-cloudwatch",
        "MatchingEventTypes": ["open"],
        "CloudWatchDestination": {
            "DimensionConfigurations": [
                {
                    "DimensionName": "campaign",
                    "DimensionValueSource": "messageTag",
                    "DefaultDimensionValue": "none",
                }
            ]
        },
    },
    {
        "Name": "to-firehose",
        "Enabled": True,
        "MatchingEventTypes": ["delivery", "renderingFailure"],
        "KinesisFirehoseDestination": {"IAMRoleARN": ROLE, "DeliveryStreamARN": STREAM},
    },
]
V2_CLOUDWATCH = {
    "DimensionConfigurations": [
        {
            "DimensionName": "campaign",
            "DimensionValueSource": "MESSAGE_TAG",
            "DefaultDimensionValue": "none",
        }
    ]
}

# What a real get_configuration_set call returns, pasted as it is.
PASTED_V2 = {
    "ResponseMetadata": {
        "RequestId": "0f6c6b6e-1111-4222-8333-444455556666",
        "HTTPStatusCode": 200,
        "HTTPHeaders": {"content-type": "application/json"},
        "RetryAttempts": 0,
    },
    "ConfigurationSetName": "pasted",
    "TrackingOptions": TRACKING,
    "DeliveryOptions": {"TlsPolicy": "REQUIRE", "SendingPoolName": "shared-pool"},
    "ReputationOptions": {"ReputationMetricsEnabled": True, "LastFreshStart": FRESH_START},
    "SendingOptions": {"SendingEnabled": False},
    "Tags": [{"Key": "team", "Value": "growth"}],
    "SuppressionOptions": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
    "VdmOptions": {
        "DashboardOptions": {"EngagementMetrics": "ENABLED"},
        "GuardianOptions": {"OptimizedSharedDelivery": "DISABLED"},
    },
}
PASTED_READ_BACK = {key: value for key, value in PASTED_V2.items() if key != "ResponseMetadata"}


@pytest.fixture
def mock(ses_mock: SesMock) -> SesMock:
    """The fixture's mock, without DescribeConfigurationSet's 1-a-second limit."""
    ses_mock.set_rate_limit(per_second=None)
    return ses_mock


@pytest.fixture
def v2() -> Any:
    """A boto3 SES v2 client in us-east-1, created inside the test."""
    return boto3.client("sesv2", region_name="us-east-1")


@pytest.fixture
def instant_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if botocore really sleeps (the mock should make retries free)."""

    def refuse(seconds: float) -> None:
        raise AssertionError(f"really slept {seconds}s")

    monkeypatch.setattr(time, "sleep", refuse)


def get(v2: Any, name: str = "marketing") -> dict[str, Any]:
    out: dict[str, Any] = v2.get_configuration_set(ConfigurationSetName=name)
    out.pop("ResponseMetadata")
    return out


def destinations(v2: Any, name: str = "marketing") -> list[dict[str, Any]]:
    out = v2.get_configuration_set_event_destinations(ConfigurationSetName=name)
    return list(out["EventDestinations"])


def describe(ses: Any, name: str = "marketing") -> dict[str, Any]:
    out: dict[str, Any] = ses.describe_configuration_set(
        ConfigurationSetName=name, ConfigurationSetAttributeNames=ALL_ATTRIBUTES
    )
    out.pop("ResponseMetadata")
    return out


def error_of(call: Callable[[], object]) -> tuple[str, str, int]:
    """(code, message, HTTP status) of the error a call raises."""
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


# -- 1. declared in v1's spelling, read through v2 ------------------------------------------------


def test_a_v1_declaration_reads_through_v2(mock: SesMock, v2: Any) -> None:
    mock.add_configuration_set(
        {
            "Name": "marketing",
            "EventDestinations": V1_DESTINATIONS,
            "TrackingOptions": {"CustomRedirectDomain": "track.example.com"},
            "DeliveryOptions": {"TlsPolicy": "Require"},
            "ReputationOptions": {
                "SendingEnabled": False,
                "ReputationMetricsEnabled": True,
                "LastFreshStart": FRESH_START,
            },
        }
    )
    out = get(v2)
    assert out == {
        "ConfigurationSetName": "marketing",
        "TrackingOptions": {"CustomRedirectDomain": "track.example.com"},
        "DeliveryOptions": {"TlsPolicy": "REQUIRE"},
        "ReputationOptions": {"ReputationMetricsEnabled": True, "LastFreshStart": FRESH_START},
        "SendingOptions": {"SendingEnabled": False},
        "Tags": [],
    }
    assert out["ReputationOptions"]["LastFreshStart"].utcoffset() is not None
    assert destinations(v2) == [
        {
            "Name": "to-sns",
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "BOUNCE"],
            "SnsDestination": {"TopicArn": TOPIC},
        },
        {
            "Name": "to-cloudwatch",
            "Enabled": False,
            "MatchingEventTypes": ["OPEN"],
            "CloudWatchDestination": V2_CLOUDWATCH,
        },
        {
            "Name": "to-firehose",
            "Enabled": True,
            "MatchingEventTypes": ["DELIVERY", "RENDERING_FAILURE"],
            "KinesisFirehoseDestination": {"IamRoleArn": ROLE, "DeliveryStreamArn": STREAM},
        },
    ]


# -- 2. written through one API, read through the other -------------------------------------------


def test_written_through_v2_read_through_v1(mock: SesMock, v2: Any, ses: Any) -> None:
    v2.create_configuration_set(
        ConfigurationSetName="marketing",
        SendingOptions={"SendingEnabled": True},
        Tags=[{"Key": "team", "Value": "growth"}],
        TrackingOptions=TRACKING,
        DeliveryOptions={"TlsPolicy": "REQUIRE", "SendingPoolName": "shared-pool"},
    )
    events = {"MatchingEventTypes": ["SEND"], "EventBridgeDestination": {"EventBusArn": BUS}}
    for name, destination in (
        ("to-sns", TO_SNS),
        *([("to-events", events)] if EVENTBRIDGE else []),
        (
            "to-firehose",
            {
                "MatchingEventTypes": ["DELIVERY"],
                "KinesisFirehoseDestination": {"IamRoleArn": ROLE, "DeliveryStreamArn": STREAM},
            },
        ),
    ):
        v2.create_configuration_set_event_destination(
            ConfigurationSetName="marketing",
            EventDestinationName=name,
            EventDestination=destination,
        )
    v2.update_configuration_set_event_destination(
        ConfigurationSetName="marketing",
        EventDestinationName="to-sns",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["COMPLAINT", "DELIVERY_DELAY"],
            "SnsDestination": {"TopicArn": TOPIC},
        },
    )
    v2.delete_configuration_set_event_destination(
        ConfigurationSetName="marketing", EventDestinationName="to-firehose"
    )
    v2.put_configuration_set_reputation_options(
        ConfigurationSetName="marketing", ReputationMetricsEnabled=False
    )
    v2.put_configuration_set_delivery_options(
        ConfigurationSetName="marketing", TlsPolicy="OPTIONAL", SendingPoolName="shared-pool"
    )
    # v1 cannot express EventBridge, DELIVERY_DELAY, HttpsPolicy or a sending pool: left out.
    assert describe(ses) == {
        "ConfigurationSet": {"Name": "marketing"},
        "EventDestinations": [
            {
                "Name": "to-sns",
                "Enabled": True,
                "MatchingEventTypes": ["complaint"],
                "SNSDestination": {"TopicARN": TOPIC},
            }
        ],
        "TrackingOptions": {"CustomRedirectDomain": "track.example.com"},
        "DeliveryOptions": {"TlsPolicy": "Optional"},
        "ReputationOptions": {"SendingEnabled": True, "ReputationMetricsEnabled": False},
    }
    # ...and v2 still has all of it.
    assert destinations(v2) == [
        {
            "Name": "to-sns",
            "Enabled": True,
            "MatchingEventTypes": ["COMPLAINT", "DELIVERY_DELAY"],
            "SnsDestination": {"TopicArn": TOPIC},
        },
        *([{"Name": "to-events", "Enabled": False, **events}] if EVENTBRIDGE else []),
    ]
    assert get(v2) == {
        "ConfigurationSetName": "marketing",
        "TrackingOptions": TRACKING,
        "DeliveryOptions": {"TlsPolicy": "OPTIONAL", "SendingPoolName": "shared-pool"},
        "ReputationOptions": {"ReputationMetricsEnabled": False},
        "SendingOptions": {"SendingEnabled": True},
        "Tags": [{"Key": "team", "Value": "growth"}],
    }


def test_v2_create_defaults(mock: SesMock, v2: Any, ses: Any) -> None:
    v2.create_configuration_set(ConfigurationSetName="plain")
    # A section given without its flag turns it off.
    v2.create_configuration_set(
        ConfigurationSetName="paused", SendingOptions={}, ReputationOptions={}
    )
    assert get(v2, "plain") == {
        "ConfigurationSetName": "plain",
        "ReputationOptions": {"ReputationMetricsEnabled": True},
        "SendingOptions": {"SendingEnabled": True},
        "Tags": [],
    }
    assert describe(ses, "plain")["ReputationOptions"] == {
        "SendingEnabled": True,
        "ReputationMetricsEnabled": True,
    }
    assert get(v2, "paused") == {
        "ConfigurationSetName": "paused",
        "ReputationOptions": {"ReputationMetricsEnabled": False},
        "SendingOptions": {"SendingEnabled": False},
        "Tags": [],
    }
    assert describe(ses, "paused")["ReputationOptions"] == {
        "SendingEnabled": False,
        "ReputationMetricsEnabled": False,
    }


def test_an_empty_section_given_to_create_is_not_set(mock: SesMock, v2: Any) -> None:
    mock.add_configuration_set({"ConfigurationSetName": "declared", "DeliveryOptions": {}})
    v2.create_configuration_set(ConfigurationSetName="created", DeliveryOptions={}, VdmOptions={})
    assert "DeliveryOptions" not in get(v2, "declared")
    out = get(v2, "created")
    assert ("DeliveryOptions" in out, "VdmOptions" in out) == (False, False)


def test_written_through_v1_read_through_v2(mock: SesMock, v2: Any, ses: Any) -> None:
    ses.create_configuration_set(ConfigurationSet={"Name": "marketing"})
    for destination in V1_DESTINATIONS:
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="marketing", EventDestination=destination
        )
    ses.update_configuration_set_event_destination(
        ConfigurationSetName="marketing",
        EventDestination={**V1_DESTINATIONS[1], "Enabled": True, "MatchingEventTypes": ["click"]},
    )
    ses.delete_configuration_set_event_destination(
        ConfigurationSetName="marketing", EventDestinationName="to-firehose"
    )
    ses.create_configuration_set_tracking_options(
        ConfigurationSetName="marketing",
        TrackingOptions={"CustomRedirectDomain": "track.example.com"},
    )
    ses.put_configuration_set_delivery_options(
        ConfigurationSetName="marketing", DeliveryOptions={"TlsPolicy": "Require"}
    )
    ses.update_configuration_set_reputation_metrics_enabled(
        ConfigurationSetName="marketing", Enabled=True
    )
    assert get(v2) == {
        "ConfigurationSetName": "marketing",
        "TrackingOptions": {"CustomRedirectDomain": "track.example.com"},
        "DeliveryOptions": {"TlsPolicy": "REQUIRE"},
        "ReputationOptions": {"ReputationMetricsEnabled": True},
        "SendingOptions": {"SendingEnabled": True},
        "Tags": [],
    }
    assert destinations(v2) == [
        {
            "Name": "to-sns",
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "BOUNCE"],
            "SnsDestination": {"TopicArn": TOPIC},
        },
        {
            "Name": "to-cloudwatch",
            "Enabled": True,
            "MatchingEventTypes": ["CLICK"],
            "CloudWatchDestination": V2_CLOUDWATCH,
        },
    ]


def test_v1_writes_keep_what_only_v2_has(mock: SesMock, v2: Any, ses: Any) -> None:
    v2.create_configuration_set(ConfigurationSetName="marketing")
    v2.put_configuration_set_tracking_options(ConfigurationSetName="marketing", **TRACKING)
    v2.put_configuration_set_delivery_options(
        ConfigurationSetName="marketing", TlsPolicy="REQUIRE", SendingPoolName="shared-pool"
    )
    ses.update_configuration_set_tracking_options(
        ConfigurationSetName="marketing",
        TrackingOptions={"CustomRedirectDomain": "other.example.com"},
    )
    ses.put_configuration_set_delivery_options(ConfigurationSetName="marketing")  # clears TLS
    out = get(v2)
    assert out["TrackingOptions"] == {"CustomRedirectDomain": "other.example.com", **HTTPS_POLICY}
    assert out["DeliveryOptions"] == {"SendingPoolName": "shared-pool"}
    shown = describe(ses)
    assert shown["TrackingOptions"] == {"CustomRedirectDomain": "other.example.com"}
    assert "DeliveryOptions" not in shown  # no TLS policy left: nothing v1 can show


def test_paused_in_v2_resumed_in_v1_is_a_fresh_start(mock: SesMock, v2: Any, ses: Any) -> None:
    v2.create_configuration_set(ConfigurationSetName="marketing")
    with freeze_time("2026-03-01 10:00:00"):
        v2.put_configuration_set_sending_options(
            ConfigurationSetName="marketing", SendingEnabled=False
        )
        assert describe(ses)["ReputationOptions"] == {
            "SendingEnabled": False,
            "ReputationMetricsEnabled": True,
        }
        mock.advance(90)
        ses.update_configuration_set_sending_enabled(ConfigurationSetName="marketing", Enabled=True)
    fresh = datetime(2026, 3, 1, 10, 1, 30, tzinfo=timezone.utc)
    assert get(v2)["ReputationOptions"] == {
        "ReputationMetricsEnabled": True,
        "LastFreshStart": fresh,
    }
    assert get(v2)["SendingOptions"] == {"SendingEnabled": True}
    assert describe(ses)["ReputationOptions"] == {
        "SendingEnabled": True,
        "ReputationMetricsEnabled": True,
        "LastFreshStart": fresh,
    }


# -- 3. errors ------------------------------------------------------------------------------------


MISSING_SET_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("get_configuration_set", {}),
    ("delete_configuration_set", {}),
    ("get_configuration_set_event_destinations", {}),
    ("put_configuration_set_sending_options", {"SendingEnabled": True}),
    ("put_configuration_set_reputation_options", {"ReputationMetricsEnabled": True}),
    ("put_configuration_set_delivery_options", {"TlsPolicy": "REQUIRE"}),
    ("put_configuration_set_tracking_options", {"CustomRedirectDomain": "track.example.com"}),
    (
        "create_configuration_set_event_destination",
        {
            "EventDestinationName": "to-sns",
            "EventDestination": TO_SNS,
        },
    ),
]


@pytest.mark.parametrize(("method", "params"), MISSING_SET_CALLS)
def test_a_missing_set_is_not_found(
    mock: SesMock, v2: Any, method: str, params: dict[str, Any]
) -> None:
    call = getattr(v2, method)
    with pytest.raises(v2.exceptions.NotFoundException) as caught:
        call(ConfigurationSetName="missing", **params)
    assert caught.value.response["Error"] == {
        "Code": "NotFoundException",
        "Message": "Configuration set <missing> does not exist.",
    }
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_a_missing_event_destination_is_not_found(mock: SesMock, v2: Any) -> None:
    v2.create_configuration_set(ConfigurationSetName="marketing")
    with pytest.raises(v2.exceptions.NotFoundException) as caught:
        v2.delete_configuration_set_event_destination(
            ConfigurationSetName="marketing", EventDestinationName="nope"
        )
    assert caught.value.response["Error"] == {
        "Code": "NotFoundException",
        "Message": "Event destination <nope> does not exist.",
    }
    update = error_of(
        lambda: v2.update_configuration_set_event_destination(
            ConfigurationSetName="marketing",
            EventDestinationName="nope",
            EventDestination=TO_SNS,
        )
    )
    assert update == ("NotFoundException", "Event destination <nope> does not exist.", 404)


def test_already_exists(mock: SesMock, v2: Any) -> None:
    mock.add_configuration_set({"Name": "declared"})
    with pytest.raises(v2.exceptions.AlreadyExistsException):
        v2.create_configuration_set(ConfigurationSetName="declared")
    v2.create_configuration_set(ConfigurationSetName="marketing")
    assert error_of(lambda: v2.create_configuration_set(ConfigurationSetName="marketing")) == (
        "AlreadyExistsException",
        "Configuration set <marketing> already exists.",
        400,
    )
    destination = TO_SNS
    v2.create_configuration_set_event_destination(
        ConfigurationSetName="marketing",
        EventDestinationName="to-sns",
        EventDestination=destination,
    )
    with pytest.raises(v2.exceptions.AlreadyExistsException) as caught:
        v2.create_configuration_set_event_destination(
            ConfigurationSetName="marketing",
            EventDestinationName="to-sns",
            EventDestination=destination,
        )
    assert caught.value.response["Error"]["Message"] == (
        "Event destination <to-sns> already exists in configuration set <marketing>."
    )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_limits_exceeded(mock: SesMock, v2: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(configuration_sets, "MAX_EVENT_DESTINATIONS", 1)
    monkeypatch.setattr(configuration_sets, "MAX_CONFIGURATION_SETS", 1)
    v2.create_configuration_set(ConfigurationSetName="marketing")
    with pytest.raises(v2.exceptions.LimitExceededException) as caught:
        v2.create_configuration_set(ConfigurationSetName="another")
    assert caught.value.response["Error"]["Message"] == (
        "Maximum configuration sets limit of 1 reached."
    )
    destination = TO_SNS
    v2.create_configuration_set_event_destination(
        ConfigurationSetName="marketing", EventDestinationName="one", EventDestination=destination
    )
    assert error_of(
        lambda: v2.create_configuration_set_event_destination(
            ConfigurationSetName="marketing",
            EventDestinationName="two",
            EventDestination=destination,
        )
    ) == (
        "LimitExceededException",
        "Maximum event destinations limit of 1 reached for configuration set <marketing>.",
        400,
    )


def _two_types(v2: Any) -> None:
    v2.create_configuration_set_event_destination(
        ConfigurationSetName="marketing",
        EventDestinationName="both",
        EventDestination={**TO_SNS, "CloudWatchDestination": V2_CLOUDWATCH},
    )


def _unknown_event_type(v2: Any) -> None:
    v2.create_configuration_set_event_destination(
        ConfigurationSetName="marketing",
        EventDestinationName="to-sns",
        EventDestination={**TO_SNS, "MatchingEventTypes": ["SENT"]},
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            lambda v2: v2.create_configuration_set(ConfigurationSetName="has space"),
            "Configuration set <has space> is invalid: the configuration set name 'has space' "
            "may contain only letters (a-z, A-Z), digits, '_' and '-'.",
            id="set-name",
        ),
        pytest.param(
            _two_types,
            "Event destination <both> of configuration set <marketing>: an event destination "
            "has exactly one of SnsDestination, CloudWatchDestination, "
            "KinesisFirehoseDestination, "
            + ("EventBridgeDestination, " if EVENTBRIDGE else "")
            + "PinpointDestination; found SnsDestination, CloudWatchDestination.",
            id="two-destination-types",
        ),
        pytest.param(
            lambda v2: v2.put_configuration_set_delivery_options(
                ConfigurationSetName="marketing", MaxDeliverySeconds=60000
            ),
            "1 validation error detected: Value '60000' at 'maxDeliverySeconds' failed to "
            "satisfy constraint: Member must have value less than or equal to 50400",
            id="max-delivery-seconds",
            marks=pytest.mark.skipif(
                not MAX_DELIVERY, reason="the model has no MaxDeliverySeconds"
            ),
        ),
        pytest.param(
            _unknown_event_type,
            "1 validation error detected: Value at 'eventDestination.matchingEventTypes' failed "
            "to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum "
            "value set: [SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK, "
            "RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION]]",
            id="unknown-event-type",
        ),
    ],
)
def test_bad_requests(mock: SesMock, v2: Any, call: Callable[[Any], object], message: str) -> None:
    v2.create_configuration_set(ConfigurationSetName="marketing")
    with pytest.raises(v2.exceptions.BadRequestException) as caught:
        call(v2)
    assert caught.value.response["Error"] == {"Code": "BadRequestException", "Message": message}
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert destinations(v2) == []  # nothing was written


# -- 4. listing -----------------------------------------------------------------------------------


def test_list_pages_over_v1_declared_sets(mock: SesMock, v2: Any) -> None:
    for name in ("echo", "alpha", "delta", "bravo", "charlie"):
        mock.add_configuration_set({"Name": name, "DeliveryOptions": {"TlsPolicy": "Require"}})
    pages, token = [], None
    while True:
        out = v2.list_configuration_sets(PageSize=2, **({"NextToken": token} if token else {}))
        pages.append(out["ConfigurationSets"])
        token = out.get("NextToken")
        if token is None:
            break
    assert pages == [["alpha", "bravo"], ["charlie", "delta"], ["echo"]]
    assert [call.params.get("PageSize") for call in mock.calls] == [2, 2, 2]


def test_list_filtered_by_name(mock: SesMock, v2: Any) -> None:
    shape = v2.meta.service_model.operation_model("ListConfigurationSets").input_shape
    if "Filter" not in shape.members:
        pytest.skip("this botocore's sesv2 model has no ListConfigurationSets Filter")
    for name in ("echo", "alpha", "delta", "bravo", "charlie"):
        mock.add_configuration_set({"Name": name})
    contains = {"CONFIGURATION_SET_NAME_CONTAINS": "ha"}
    first = v2.list_configuration_sets(Filter=contains, PageSize=1)
    assert first["ConfigurationSets"] == ["alpha"]
    rest = v2.list_configuration_sets(Filter=contains, PageSize=1, NextToken=first["NextToken"])
    assert rest["ConfigurationSets"] == ["charlie"]
    assert "NextToken" not in rest


# -- 5. a pasted v2 output as a declaration -------------------------------------------------------


def test_a_pasted_v2_output_through_add_configuration_set(mock: SesMock, v2: Any) -> None:
    mock.add_configuration_set(PASTED_V2)
    assert get(v2, "pasted") == PASTED_READ_BACK


MARKED = """
import datetime

import boto3
import pytest

PASTED = {pasted!r}


@pytest.mark.ses_mock(configuration_sets=[PASTED])
def test_marked():
    out = boto3.client("sesv2", region_name="us-east-1").get_configuration_set(
        ConfigurationSetName="pasted"
    )
    out.pop("ResponseMetadata")
    assert out == {{key: value for key, value in PASTED.items() if key != "ResponseMetadata"}}
"""


def test_a_pasted_v2_output_through_the_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(MARKED.format(pasted=PASTED_V2))
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


YAML = """
configuration_sets:
  - ResponseMetadata:
      RequestId: 0f6c6b6e-1111-4222-8333-444455556666
      HTTPStatusCode: 200
      HTTPHeaders: {content-type: application/json}
      RetryAttempts: 0
    ConfigurationSetName: pasted
    TrackingOptions: {tracking}
    DeliveryOptions: {TlsPolicy: REQUIRE, SendingPoolName: shared-pool}
    ReputationOptions:
      ReputationMetricsEnabled: true
      LastFreshStart: "2025-01-02T03:04:05+00:00"
    SendingOptions: {SendingEnabled: false}
    Tags:
      - {Key: team, Value: growth}
    SuppressionOptions: {SuppressedReasons: [BOUNCE, COMPLAINT]}
    VdmOptions:
      DashboardOptions: {EngagementMetrics: ENABLED}
      GuardianOptions: {OptimizedSharedDelivery: DISABLED}
"""

FROM_YAML = """
import datetime

import boto3

EXPECTED = {expected!r}


def test_from_yaml(ses_mock):
    out = boto3.client("sesv2", region_name="us-east-1").get_configuration_set(
        ConfigurationSetName="pasted"
    )
    out.pop("ResponseMetadata")
    assert out == EXPECTED
"""


def test_a_pasted_v2_output_through_yaml(pytester: pytest.Pytester) -> None:
    pytester.makeconftest("")
    tracking = "{CustomRedirectDomain: track.example.com" + (
        ", HttpsPolicy: REQUIRE}" if HTTPS else "}"
    )
    pytester.path.joinpath("ses_mock.yaml").write_text(YAML.replace("{tracking}", tracking))
    pytester.makepyfile(FROM_YAML.format(expected=PASTED_READ_BACK))
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_a_section_mixing_spellings_is_refused(mock: SesMock) -> None:
    with pytest.raises(DeclarationError) as caught:
        mock.add_configuration_set(
            {"Name": "x", "DeliveryOptions": {"TlsPolicy": "Require", "SendingPoolName": "pool"}}
        )
    assert caught.value.path == "DeliveryOptions"
    assert str(caught.value) == (
        "DeliveryOptions: mixes two spellings: 'Require' is SES v1 (describe_configuration_set)'s,"
        " 'SendingPoolName' is SES v2 (get_configuration_set)'s; spell a section one way"
    )


def test_event_destinations_mixing_spellings_are_refused(mock: SesMock) -> None:
    v2_spelled = {"Name": "b", **TO_SNS}
    with pytest.raises(DeclarationError) as caught:
        mock.add_configuration_set(
            {"Name": "x", "EventDestinations": [V1_DESTINATIONS[0], v2_spelled]}
        )
    assert caught.value.path == "EventDestinations[1]"
    assert str(caught.value) == (
        "EventDestinations[1]: is spelled as SES v2 (get_configuration_set), but "
        "EventDestinations[0] as SES v1 (describe_configuration_set); spell a section one way"
    )


def test_a_destination_named_like_an_event_type(mock: SesMock, v2: Any) -> None:
    # Pasted from get_configuration_set_event_destinations: one destination per event type.
    bounce = {
        "Name": "bounce",
        "Enabled": True,
        "MatchingEventTypes": ["BOUNCE"],
        "SnsDestination": {"TopicArn": TOPIC},
    }
    mock.add_configuration_set({"Name": "marketing", "EventDestinations": [bounce]})
    assert destinations(v2) == [bounce]


# -- 6. records and assertions --------------------------------------------------------------------


def test_records_know_the_api(mock: SesMock, v2: Any, ses: Any) -> None:
    ses.create_configuration_set(ConfigurationSet={"Name": "one"})
    v2.create_configuration_set(ConfigurationSetName="marketing")
    v2.get_configuration_set(ConfigurationSetName="marketing")
    assert [(call.api, call.operation) for call in mock.calls] == [
        ("ses", "CreateConfigurationSet"),
        ("sesv2", "CreateConfigurationSet"),
        ("sesv2", "GetConfigurationSet"),
    ]
    mock.assert_call_count(1, "get_configuration_set")
    mock.assert_call_count(2, "CreateConfigurationSet")  # a name both APIs have: either
    mock.assert_call_count(1, "ses:CreateConfigurationSet")
    mock.assert_call_count(1, "sesv2:create_configuration_set")
    assert mock.calls_of("sesv2:create_configuration_set") == [mock.calls[1]]
    mock.assert_called_once_with("sesv2:CreateConfigurationSet", ConfigurationSetName="marketing")
    mock.assert_not_called("DescribeConfigurationSet")


def test_an_unknown_api_prefix_is_refused(mock: SesMock) -> None:
    with pytest.raises(
        UnknownNameError,
        match=r"^unknown API 'sesv3' in 'sesv3:GetConfigurationSet'; did you mean 'sesv2'\? ",
    ):
        mock.assert_call_count(0, "sesv3:GetConfigurationSet")


def test_a_failing_assertion_shows_v2_calls(mock: SesMock, v2: Any) -> None:
    mock.add_configuration_set({"Name": "marketing"})
    v2.get_configuration_set(ConfigurationSetName="marketing")
    with pytest.raises(AssertionError) as caught:
        mock.assert_call_count(2, "get_configuration_set")
    lines = str(caught.value).splitlines()
    assert lines[:2] == [
        "expected 2 call(s) of sesv2:GetConfigurationSet, got 1.",
        "  Recorded calls (1):",
    ]
    assert re.fullmatch(
        r"    1\. \d\d:\d\d:\d\d\.\d{3} 123456789012/us-east-1 "
        r"sesv2:GetConfigurationSet\(ConfigurationSetName='marketing'\) -> 200",
        lines[2],
    )


def test_all_described_counts_v2_reads(mock: SesMock, v2: Any) -> None:
    mock.add_configuration_set({"Name": "marketing"})
    mock.add_configuration_set({"Name": "transactional"})
    v2.get_configuration_set(ConfigurationSetName="marketing")
    with pytest.raises(AssertionError, match=r"transactional \(account 123456789012"):
        mock.assert_all_described()
    v2.get_configuration_set(ConfigurationSetName="transactional")
    mock.assert_all_described()


def test_a_v2_miss_is_hinted_where_the_set_lives(mock: SesMock, v2: Any) -> None:
    mock.add_configuration_set({"Name": "marketing"}, region="eu-west-1")
    with pytest.raises(v2.exceptions.NotFoundException):
        v2.get_configuration_set(ConfigurationSetName="marketing")
    (call,) = mock.calls
    assert call.hint is not None
    assert call.hint.startswith(
        "configuration set 'marketing' exists in eu-west-1, but this GetConfigurationSet call "
        "was made in us-east-1 (account 123456789012), where it does not exist."
    )


def test_v2_records_the_code_answered_on_the_wire(mock: SesMock, v2: Any) -> None:
    with pytest.raises(v2.exceptions.NotFoundException):
        v2.get_configuration_set(ConfigurationSetName="missing")
    with pytest.raises(v2.exceptions.BadRequestException):
        v2.create_configuration_set(ConfigurationSetName="has space")
    assert [(call.status, call.error_code) for call in mock.calls] == [
        (404, "NotFoundException"),
        (400, "BadRequestException"),
    ]


# -- 7. limits and faults -------------------------------------------------------------------------


@pytest.mark.ses_mock(configuration_sets=[{"Name": "marketing"}], rate_limit="enforce")
def test_an_enforced_v2_limit_is_429_and_retried(
    ses_mock: SesMock, instant_retries: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # botocore's legacy backoff is random() * 2 ** (attempt - 1): 0.9 s, then 1.8 s.
    monkeypatch.setattr(random, "random", lambda: 0.9)
    ses_mock.set_rate_limit("sesv2:GetConfigurationSet", per_second=1)
    client = boto3.client(
        "sesv2", region_name="us-east-1", config=Config(retries={"mode": "legacy"})
    )
    with freeze_time("2026-01-01"):
        client.get_configuration_set(ConfigurationSetName="marketing")
        out = client.get_configuration_set(ConfigurationSetName="marketing")
    assert out["ResponseMetadata"]["RetryAttempts"] == 2
    assert [(c.attempt, c.status, c.throttled) for c in ses_mock.calls] == [
        (1, 200, False),
        (1, 429, True),
        (2, 429, True),
        (3, 200, False),
    ]
    ses_mock.assert_within_rate_limit("DescribeConfigurationSet")  # v1's own, never called
    with pytest.raises(AssertionError, match=r"2 call\(s\) of sesv2:GetConfigurationSet went"):
        ses_mock.assert_within_rate_limit("sesv2:get_configuration_set")


@pytest.mark.ses_mock(configuration_sets=[{"Name": "marketing"}], rate_limit="enforce")
def test_an_enforced_v2_limit_without_retries(ses_mock: SesMock) -> None:
    ses_mock.set_rate_limit("sesv2:GetConfigurationSet", per_second=1)
    client = boto3.client(
        "sesv2", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1})
    )
    with freeze_time("2026-01-01"):
        client.get_configuration_set(ConfigurationSetName="marketing")
        with pytest.raises(client.exceptions.TooManyRequestsException) as caught:
            client.get_configuration_set(ConfigurationSetName="marketing")
    assert caught.value.response["Error"] == {
        "Code": "TooManyRequestsException",
        "Message": "Too Many Requests",
    }
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429


def test_an_injected_v2_fault(mock: SesMock, v2: Any, ses: Any) -> None:
    mock.add_configuration_set({"Name": "marketing"})
    mock.add_error("NotFoundException", operation="sesv2:get_configuration_set")
    describe(ses)  # v1's describe is another operation: untouched
    with pytest.raises(v2.exceptions.NotFoundException) as caught:
        v2.get_configuration_set(ConfigurationSetName="marketing")
    assert caught.value.response["Error"] == {
        "Code": "NotFoundException",
        "Message": "NotFoundException (injected)",
    }
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert get(v2)["ConfigurationSetName"] == "marketing"  # used up: times=1


def test_a_mistyped_fault_code_is_refused(mock: SesMock) -> None:
    with pytest.raises(
        UnknownNameError,
        match=r"^unknown error code 'Throtling' for sesv2:GetConfigurationSet; "
        r"did you mean 'Throttling'\?",
    ):
        mock.add_error("Throtling", operation="sesv2:GetConfigurationSet")


# -- 8 and 9. requests, paths and the legacy route ------------------------------------------------


def test_requests_reads_the_same_state(mock: SesMock, ses: Any) -> None:
    ses.create_configuration_set(ConfigurationSet={"Name": "marketing"})
    ses.put_configuration_set_delivery_options(
        ConfigurationSetName="marketing", DeliveryOptions={"TlsPolicy": "Require"}
    )
    response = requests.get(f"{ENDPOINT}/marketing", timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        "ConfigurationSetName": "marketing",
        "DeliveryOptions": {"TlsPolicy": "REQUIRE"},
        "ReputationOptions": {"ReputationMetricsEnabled": False},
        "SendingOptions": {"SendingEnabled": True},
        "Tags": [],
    }
    missing = requests.get(f"{ENDPOINT}/missing", timeout=5)
    assert missing.status_code == 404
    assert missing.headers["x-amzn-ErrorType"] == "NotFoundException"
    assert missing.json() == {
        "__type": "NotFoundException",
        "message": "Configuration set <missing> does not exist.",
    }
    assert [(c.api, c.operation, c.status) for c in mock.calls[-2:]] == [
        ("sesv2", "GetConfigurationSet", 200),
        ("sesv2", "GetConfigurationSet", 404),
    ]


def test_requests_with_a_body_that_is_not_json(mock: SesMock) -> None:
    response = requests.post(ENDPOINT, data=b"not json", timeout=5)
    assert response.status_code == 400
    assert response.json() == {
        "__type": "BadRequestException",
        "message": "The request body is not a JSON object.",
    }


def test_a_v1_name_reads_through_v2(mock: SesMock, v2: Any, ses: Any) -> None:
    ses.create_configuration_set(ConfigurationSet={"Name": "a-b_c"})
    assert get(v2, "a-b_c")["ConfigurationSetName"] == "a-b_c"


@pytest.mark.parametrize("name", ["a b", "a/b", "x?y#z", "50%", "caf\u00e9", ".."])
def test_names_that_need_percent_encoding(mock: SesMock, v2: Any, name: str) -> None:
    assert error_of(lambda: v2.get_configuration_set(ConfigurationSetName=name)) == (
        "NotFoundException",
        f"Configuration set <{name}> does not exist.",
        404,
    )
    (call,) = mock.calls
    assert call.params == {"ConfigurationSetName": name}


def test_the_legacy_list_route(mock: SesMock) -> None:
    for name in ("bravo", "alpha", "charlie"):
        mock.add_configuration_set({"Name": name})
    first = requests.get(f"{ENDPOINT}?PageSize=1", timeout=5)
    assert first.status_code == 200
    body = first.json()
    assert body["ConfigurationSets"] == ["alpha"]
    rest = requests.get(
        ENDPOINT, params={"PageSize": "5", "NextToken": body["NextToken"]}, timeout=5
    )
    assert rest.json() == {"ConfigurationSets": ["bravo", "charlie"]}
    assert [(c.api, c.operation, c.params.get("PageSize")) for c in mock.calls] == [
        ("sesv2", "ListConfigurationSets", 1),
        ("sesv2", "ListConfigurationSets", 5),
    ]
