"""The twelve other configuration-set operations, through real boto3 clients."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from conftest import ALL_ATTRIBUTES, SNS_DESTINATION
from freezegun import freeze_time

from pytest_sesmock import SesMock, UnknownNameError

CLOUDWATCH = {
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
}
FIREHOSE = {
    "Name": "to-firehose",
    "Enabled": True,
    "MatchingEventTypes": ["delivery"],
    "KinesisFirehoseDestination": {
        "IAMRoleARN": "arn:aws:iam::123456789012:role/ses-firehose",
        "DeliveryStreamARN": "arn:aws:firehose:us-east-1:123456789012:deliverystream/ses",
    },
}


@pytest.fixture
def mock(ses_mock: SesMock) -> SesMock:
    """The fixture's mock, without a rate limit (these tests describe many times a second)."""
    ses_mock.set_rate_limit(per_second=None)
    return ses_mock


def describe(ses: Any, name: str = "marketing") -> dict[str, Any]:
    out: dict[str, Any] = ses.describe_configuration_set(
        ConfigurationSetName=name, ConfigurationSetAttributeNames=ALL_ATTRIBUTES
    )
    out.pop("ResponseMetadata")
    return out


def error_of(call: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert response["Error"]["Type"] == "Sender"
    return {"Code": response["Error"]["Code"], "Message": response["Error"]["Message"]}


# -- CreateConfigurationSet, DeleteConfigurationSet ---------------------------------------------


def test_create_then_describe(mock: SesMock, ses: Any) -> None:
    ses.create_configuration_set(ConfigurationSet={"Name": "marketing"})
    assert describe(ses) == {
        "ConfigurationSet": {"Name": "marketing"},
        "EventDestinations": [],
        "ReputationOptions": {"SendingEnabled": True, "ReputationMetricsEnabled": False},
    }
    mock.assert_called_once_with("CreateConfigurationSet", ConfigurationSet={"Name": "marketing"})


def test_create_errors(mock: SesMock, ses: Any) -> None:
    mock.add_configuration_set({"Name": "declared"})
    with pytest.raises(
        ses.exceptions.ConfigurationSetAlreadyExistsException,
        match=(r"Configuration set <declared> already exists\."),
    ):
        ses.create_configuration_set(ConfigurationSet={"Name": "declared"})
    with pytest.raises(ses.exceptions.InvalidConfigurationSetException, match="may contain only"):
        ses.create_configuration_set(ConfigurationSet={"Name": "has space"})
    with pytest.raises(ses.exceptions.InvalidConfigurationSetException, match="at most 64"):
        ses.create_configuration_set(ConfigurationSet={"Name": "x" * 65})
    assert error_of(lambda: ses.create_configuration_set(ConfigurationSet={"Name": ""})) == {
        "Code": "InvalidParameterValue",
        "Message": "The configuration set name must be specified.",
    }


def test_create_limit_exceeded(mock: SesMock, ses: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_sesmock.state import configuration_sets as operations

    monkeypatch.setattr(operations, "MAX_CONFIGURATION_SETS", 2)
    ses.create_configuration_set(ConfigurationSet={"Name": "one"})
    ses.create_configuration_set(ConfigurationSet={"Name": "two"})
    with pytest.raises(ses.exceptions.LimitExceededException):
        ses.create_configuration_set(ConfigurationSet={"Name": "three"})


def test_delete(mock: SesMock, ses: Any) -> None:
    mock.add_configuration_set({"Name": "marketing"})
    ses.delete_configuration_set(ConfigurationSetName="marketing")
    with pytest.raises(
        ses.exceptions.ConfigurationSetDoesNotExistException,
        match=(r"Configuration set <marketing> does not exist\."),
    ):
        ses.describe_configuration_set(ConfigurationSetName="marketing")
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
        ses.delete_configuration_set(ConfigurationSetName="marketing")
    ses.create_configuration_set(ConfigurationSet={"Name": "marketing"})  # the name is free again
    assert describe(ses)["ConfigurationSet"] == {"Name": "marketing"}


# -- ListConfigurationSets ------------------------------------------------------------------------


def test_list_pages_in_a_stable_order(mock: SesMock, ses: Any) -> None:
    for name in ("charlie", "alpha", "bravo"):
        ses.create_configuration_set(ConfigurationSet={"Name": name})
    mock.add_configuration_set({"Name": "delta"})
    mock.add_configuration_set({"Name": "elsewhere"}, region="eu-west-1")
    first = ses.list_configuration_sets(MaxItems=2)
    assert first["ConfigurationSets"] == [{"Name": "alpha"}, {"Name": "bravo"}]
    second = ses.list_configuration_sets(MaxItems=2, NextToken=first["NextToken"])
    assert second["ConfigurationSets"] == [{"Name": "charlie"}, {"Name": "delta"}]
    assert "NextToken" not in second
    paginator = ses.get_paginator("list_configuration_sets")
    names = [
        s["Name"]
        for page in paginator.paginate(PaginationConfig={"PageSize": 1})
        for s in page["ConfigurationSets"]
    ]
    assert names == ["alpha", "bravo", "charlie", "delta"]


def test_list_at_most_1000_a_page(mock: SesMock, ses: Any) -> None:
    mock.add_layer([])  # (a no-op layer: layers and own sets mix)
    for index in range(1001):
        mock.add_configuration_set({"Name": f"set-{index:04d}"})
    page = ses.list_configuration_sets(MaxItems=5000)
    assert len(page["ConfigurationSets"]) == 1000
    rest = ses.list_configuration_sets(NextToken=page["NextToken"])
    assert rest["ConfigurationSets"] == [{"Name": "set-1000"}]
    assert len(ses.list_configuration_sets()["ConfigurationSets"]) == 1000


def test_list_errors(mock: SesMock, ses: Any) -> None:
    assert error_of(lambda: ses.list_configuration_sets(MaxItems=0))["Code"] == "ValidationError"
    assert error_of(lambda: ses.list_configuration_sets(NextToken="%%%")) == {
        "Code": "InvalidParameterValue",
        "Message": "Invalid NextToken.",
    }


# -- event destinations ---------------------------------------------------------------------------


def test_event_destinations_create_update_delete(mock: SesMock, ses: Any) -> None:
    ses.create_configuration_set(ConfigurationSet={"Name": "marketing"})
    for destination in (SNS_DESTINATION, CLOUDWATCH, FIREHOSE):
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="marketing", EventDestination=destination
        )
    assert describe(ses)["EventDestinations"] == [
        SNS_DESTINATION,
        {**CLOUDWATCH, "Enabled": False},
        FIREHOSE,
    ]
    changed = {**CLOUDWATCH, "Enabled": True, "MatchingEventTypes": ["open", "click"]}
    ses.update_configuration_set_event_destination(
        ConfigurationSetName="marketing", EventDestination=changed
    )
    ses.delete_configuration_set_event_destination(
        ConfigurationSetName="marketing", EventDestinationName="to-sns"
    )
    assert describe(ses)["EventDestinations"] == [changed, FIREHOSE]


@pytest.mark.parametrize(
    ("destination", "code", "message"),
    [
        (
            {**SNS_DESTINATION, "Name": "bad name"},
            "InvalidParameterValue",
            "the event destination name 'bad name' may contain only ASCII letters",
        ),
        (
            {**SNS_DESTINATION, "CloudWatchDestination": CLOUDWATCH["CloudWatchDestination"]},
            "InvalidParameterValue",
            "exactly one of SNSDestination, CloudWatchDestination",
        ),
        ({"Name": "none", "MatchingEventTypes": ["send"]}, "InvalidParameterValue", "found none"),
        (
            {**SNS_DESTINATION, "MatchingEventTypes": []},
            "InvalidParameterValue",
            "must name at least one event type",
        ),
        (
            {**SNS_DESTINATION, "SNSDestination": {"TopicARN": "not-an-arn"}},
            "InvalidSNSDestination",
            "SNS topic <not-an-arn> not found.",
        ),
        (
            {
                **CLOUDWATCH,
                "CloudWatchDestination": {
                    "DimensionConfigurations": [
                        {
                            "DimensionName": "bad name",
                            "DimensionValueSource": "messageTag",
                            "DefaultDimensionValue": "x",
                        }
                    ]
                },
            },
            "InvalidCloudWatchDestination",
            "the dimension name 'bad name' may contain only",
        ),
        (
            {
                **FIREHOSE,
                "KinesisFirehoseDestination": {
                    "IAMRoleARN": "role",
                    "DeliveryStreamARN": FIREHOSE["KinesisFirehoseDestination"][
                        "DeliveryStreamARN"
                    ],
                },
            },
            "InvalidFirehoseDestination",
            "Invalid IAM role ARN <role>.",
        ),
        (
            {**SNS_DESTINATION, "MatchingEventTypes": ["sent"]},
            "ValidationError",
            "1 validation error detected: Value at 'eventDestination.matchingEventTypes' failed to "
            "satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value "
            "set: [click, bounce, send, open, complaint, delivery, renderingFailure, reject]]",
        ),
        (
            {
                **CLOUDWATCH,
                "CloudWatchDestination": {
                    "DimensionConfigurations": [
                        {
                            "DimensionName": "d",
                            "DimensionValueSource": "header",
                            "DefaultDimensionValue": "x",
                        }
                    ]
                },
            },
            "ValidationError",
            "failed to satisfy constraint: Member must satisfy enum value set: "
            "[messageTag, emailHeader, linkTag]",
        ),
    ],
)
@pytest.mark.parametrize("operation", ["create", "update"])
def test_event_destination_input_errors(
    mock: SesMock, ses: Any, destination: dict[str, Any], code: str, message: str, operation: str
) -> None:
    ses.create_configuration_set(ConfigurationSet={"Name": "marketing"})
    if operation == "update" and destination["Name"] == "bad name":
        # No destination of that name can exist, so there is none to update.
        code, message = "EventDestinationDoesNotExist", "No EventDestination found for marketing"
    elif operation == "update":
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="marketing",
            EventDestination={**SNS_DESTINATION, "Name": destination["Name"]},
        )
    call = getattr(ses, f"{operation}_configuration_set_event_destination")
    error = error_of(lambda: call(ConfigurationSetName="marketing", EventDestination=destination))
    assert error["Code"] == code
    assert message in error["Message"]


def test_event_destination_state_errors(
    mock: SesMock, ses: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pytest_sesmock.state import configuration_sets as operations

    for call in (
        ses.create_configuration_set_event_destination,
        ses.update_configuration_set_event_destination,
    ):
        with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
            call(ConfigurationSetName="missing", EventDestination=SNS_DESTINATION)
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
        ses.delete_configuration_set_event_destination(
            ConfigurationSetName="missing", EventDestinationName="to-sns"
        )
    ses.create_configuration_set(ConfigurationSet={"Name": "marketing"})
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="marketing", EventDestination=SNS_DESTINATION
    )
    with pytest.raises(ses.exceptions.EventDestinationAlreadyExistsException):
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="marketing", EventDestination=SNS_DESTINATION
        )
    with pytest.raises(ses.exceptions.EventDestinationDoesNotExistException) as caught:
        ses.update_configuration_set_event_destination(
            ConfigurationSetName="marketing", EventDestination={**SNS_DESTINATION, "Name": "x"}
        )
    assert caught.value.response["Error"]["Message"] == "No EventDestination found for marketing"
    with pytest.raises(ses.exceptions.EventDestinationDoesNotExistException):
        ses.delete_configuration_set_event_destination(
            ConfigurationSetName="marketing", EventDestinationName="x"
        )
    monkeypatch.setattr(operations, "MAX_EVENT_DESTINATIONS", 1)
    with pytest.raises(ses.exceptions.LimitExceededException):
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="marketing", EventDestination={**SNS_DESTINATION, "Name": "two"}
        )


# -- tracking options -----------------------------------------------------------------------------


def test_tracking_options(mock: SesMock, ses: Any) -> None:
    ses.create_configuration_set(ConfigurationSet={"Name": "marketing"})
    ses.create_configuration_set_tracking_options(
        ConfigurationSetName="marketing", TrackingOptions={"CustomRedirectDomain": "t.example.com"}
    )
    assert describe(ses)["TrackingOptions"] == {"CustomRedirectDomain": "t.example.com"}
    # Real SES drops the model's "Exception" suffix on the wire (recorded for DoesNotExist), so
    # boto3 raises a plain ClientError, as it does against AWS.
    already = error_of(
        lambda: ses.create_configuration_set_tracking_options(
            ConfigurationSetName="marketing", TrackingOptions={"CustomRedirectDomain": "a.example"}
        )
    )
    assert already == {
        "Code": "TrackingOptionsAlreadyExists",
        "Message": "There are already tracking options for configuration set",
    }
    ses.update_configuration_set_tracking_options(
        ConfigurationSetName="marketing", TrackingOptions={"CustomRedirectDomain": "u.example.com"}
    )
    assert describe(ses)["TrackingOptions"] == {"CustomRedirectDomain": "u.example.com"}
    ses.delete_configuration_set_tracking_options(ConfigurationSetName="marketing")
    assert "TrackingOptions" not in describe(ses)
    missing = {
        "Code": "TrackingOptionsDoesNotExist",
        "Message": "There are no tracking options for configuration set",
    }
    assert (
        error_of(
            lambda: ses.delete_configuration_set_tracking_options(ConfigurationSetName="marketing")
        )
        == missing
    )
    update = error_of(
        lambda: ses.update_configuration_set_tracking_options(
            ConfigurationSetName="marketing", TrackingOptions={"CustomRedirectDomain": "a.example"}
        )
    )
    assert update == missing
    with pytest.raises(ClientError) as caught:
        ses.delete_configuration_set_tracking_options(ConfigurationSetName="marketing")
    assert type(caught.value) is ClientError  # not the model's modeled exception
    with pytest.raises(ses.exceptions.InvalidTrackingOptionsException, match="not a domain"):
        ses.create_configuration_set_tracking_options(
            ConfigurationSetName="marketing",
            TrackingOptions={"CustomRedirectDomain": "not a domain"},
        )
    for call in (
        ses.create_configuration_set_tracking_options,
        ses.update_configuration_set_tracking_options,
    ):
        with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
            call(ConfigurationSetName="missing", TrackingOptions={"CustomRedirectDomain": "a.b.c"})
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
        ses.delete_configuration_set_tracking_options(ConfigurationSetName="missing")


# -- delivery, reputation, sending --------------------------------------------------------------


def test_delivery_options(mock: SesMock, ses: Any) -> None:
    ses.create_configuration_set(ConfigurationSet={"Name": "marketing"})
    ses.put_configuration_set_delivery_options(
        ConfigurationSetName="marketing", DeliveryOptions={"TlsPolicy": "Require"}
    )
    assert describe(ses)["DeliveryOptions"] == {"TlsPolicy": "Require"}
    ses.put_configuration_set_delivery_options(ConfigurationSetName="marketing")  # clears
    assert "DeliveryOptions" not in describe(ses)
    ses.put_configuration_set_delivery_options(
        ConfigurationSetName="marketing", DeliveryOptions={"TlsPolicy": "Optional"}
    )
    ses.put_configuration_set_delivery_options(ConfigurationSetName="marketing", DeliveryOptions={})
    assert "DeliveryOptions" not in describe(ses)  # botocore sends nothing for {}: a clear
    error = error_of(
        lambda: ses.put_configuration_set_delivery_options(
            ConfigurationSetName="marketing", DeliveryOptions={"TlsPolicy": "Always"}
        )
    )
    assert error["Code"] == "ValidationError"
    assert "'deliveryOptions.tlsPolicy'" in error["Message"]
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
        ses.put_configuration_set_delivery_options(ConfigurationSetName="missing")


def test_reputation_metrics(mock: SesMock, ses: Any) -> None:
    ses.create_configuration_set(ConfigurationSet={"Name": "marketing"})
    out = ses.update_configuration_set_reputation_metrics_enabled(
        ConfigurationSetName="marketing", Enabled=True
    )
    assert set(out) == {"ResponseMetadata"}
    assert describe(ses)["ReputationOptions"]["ReputationMetricsEnabled"] is True
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
        ses.update_configuration_set_reputation_metrics_enabled(
            ConfigurationSetName="missing", Enabled=True
        )


def test_sending_enabled_and_the_fresh_start(mock: SesMock, ses: Any) -> None:
    ses.create_configuration_set(ConfigurationSet={"Name": "marketing"})
    with freeze_time("2026-03-01 10:00:00"):
        ses.update_configuration_set_sending_enabled(ConfigurationSetName="marketing", Enabled=True)
        assert "LastFreshStart" not in describe(ses)["ReputationOptions"]  # never disabled
        ses.update_configuration_set_sending_enabled(
            ConfigurationSetName="marketing", Enabled=False
        )
        assert describe(ses)["ReputationOptions"] == {
            "SendingEnabled": False,
            "ReputationMetricsEnabled": False,
        }
        mock.advance(90)
        ses.update_configuration_set_sending_enabled(ConfigurationSetName="marketing", Enabled=True)
    assert describe(ses)["ReputationOptions"] == {
        "SendingEnabled": True,
        "ReputationMetricsEnabled": False,
        "LastFreshStart": datetime(2026, 3, 1, 10, 1, 30, tzinfo=timezone.utc),
    }
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
        ses.update_configuration_set_sending_enabled(ConfigurationSetName="missing", Enabled=True)


# -- one backend, per test ------------------------------------------------------------------------


DECLARED = """
import boto3, pytest

pytestmark = pytest.mark.ses_mock(configuration_sets=[
    {"Name": "declared", "EventDestinations": [{"Name": "a", "MatchingEventTypes": ["send"],
     "SNSDestination": {"TopicARN": "arn:aws:sns:us-east-1:123456789012:t"}}]}])

def ses():
    return boto3.client("ses", region_name="us-east-1")

def destinations():
    return [d["Name"] for d in ses().describe_configuration_set(
        ConfigurationSetName="declared", ConfigurationSetAttributeNames=["eventDestinations"]
    )["EventDestinations"]]

def test_writes_change_a_declared_set():
    ses().delete_configuration_set_event_destination(
        ConfigurationSetName="declared", EventDestinationName="a")
    assert destinations() == []
    ses().delete_configuration_set(ConfigurationSetName="declared")
    assert ses().list_configuration_sets()["ConfigurationSets"] == []

def test_the_next_test_gets_the_declaration_back(ses_mock):
    ses_mock.set_rate_limit(per_second=None)
    assert destinations() == ["a"]
    assert ses().list_configuration_sets()["ConfigurationSets"] == [{"Name": "declared"}]
"""


def test_declared_and_created_sets_share_one_backend_per_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(DECLARED)
    pytester.runpytest("-p", "no:randomly", "--ses-mock-rate-limit", "off").assert_outcomes(
        passed=2
    )


def test_writes_in_a_nested_mock_vanish_with_it(mock: SesMock, ses: Any) -> None:
    from pytest_sesmock import mock_ses

    mock.add_configuration_set({"Name": "outer"})
    with mock_ses(rate_limit="off"):
        ses.put_configuration_set_delivery_options(
            ConfigurationSetName="outer", DeliveryOptions={"TlsPolicy": "Require"}
        )
        ses.create_configuration_set(ConfigurationSet={"Name": "inner"})
        assert describe(ses, "outer")["DeliveryOptions"] == {"TlsPolicy": "Require"}
    assert "DeliveryOptions" not in describe(ses, "outer")
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
        ses.describe_configuration_set(ConfigurationSetName="inner")


def test_every_operation_is_recorded_and_can_be_limited(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.set_rate_limit("CreateConfigurationSet", per_second=1, burst=1)
    with freeze_time("2026-01-01"):
        ses.create_configuration_set(ConfigurationSet={"Name": "one"})
        ses.create_configuration_set(ConfigurationSet={"Name": "two"})
        ses.list_configuration_sets()
        ses.list_configuration_sets()
    assert [(c.operation, c.throttled) for c in ses_mock.calls] == [
        ("CreateConfigurationSet", False),
        ("CreateConfigurationSet", True),
        ("ListConfigurationSets", False),
        ("ListConfigurationSets", False),
    ]
    with pytest.raises(AssertionError, match=r"CreateConfigurationSet \(ses or sesv2\) went over"):
        ses_mock.assert_within_rate_limit("CreateConfigurationSet")
    ses_mock.assert_within_rate_limit("DescribeConfigurationSet")  # not called at all
    # v1's code: named for v1 alone (v2 answers LimitExceededException, and refuses it named
    # for both APIs).
    with pytest.raises(UnknownNameError, match="name the operation 'ses:CreateConfigurationSet'"):
        ses_mock.add_error("LimitExceeded", operation="CreateConfigurationSet")
    ses_mock.add_error("LimitExceeded", operation="ses:CreateConfigurationSet")
    with pytest.raises(ses.exceptions.LimitExceededException):
        ses.create_configuration_set(ConfigurationSet={"Name": "three"})


def test_the_code_under_test_can_write_then_read(mock: SesMock) -> None:
    """What the code writes is what DescribeConfigurationSet reads: a whole provisioning flow."""
    client = boto3.client("ses", region_name="eu-west-1")
    client.create_configuration_set(ConfigurationSet={"Name": "marketing"})
    client.create_configuration_set_event_destination(
        ConfigurationSetName="marketing", EventDestination=SNS_DESTINATION
    )
    client.update_configuration_set_reputation_metrics_enabled(
        ConfigurationSetName="marketing", Enabled=True
    )
    assert describe(client) == {
        "ConfigurationSet": {"Name": "marketing"},
        "EventDestinations": [SNS_DESTINATION],
        "ReputationOptions": {"SendingEnabled": True, "ReputationMetricsEnabled": True},
    }
    assert [c.region for c in mock.calls] == ["eu-west-1"] * 4
