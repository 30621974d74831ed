"""DescribeConfigurationSet answers as real SES does, through real boto3 clients."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from conftest import ALL_ATTRIBUTES, SNS_DESTINATION, marketing

from pytest_sesmock import SesMock

CLOUDWATCH_DESTINATION = {
    "Name": "to-cloudwatch",
    "Enabled": False,
    "MatchingEventTypes": ["open", "click"],
    "CloudWatchDestination": {
        "DimensionConfigurations": [
            {
                "DimensionName": "ses:campaign",
                "DimensionValueSource": "messageTag",
                "DefaultDimensionValue": "none@example.com",
            }
        ]
    },
}
FIREHOSE_DESTINATION = {
    "Name": "to-firehose",
    "Enabled": True,
    "MatchingEventTypes": ["delivery", "complaint", "reject", "renderingFailure"],
    "KinesisFirehoseDestination": {
        "IAMRoleARN": "arn:aws:iam::123456789012:role/ses",
        "DeliveryStreamARN": "arn:aws:firehose:us-east-1:123456789012:deliverystream/ses",
    },
}


def describe(ses: Any, *attributes: str, name: str = "marketing") -> dict[str, Any]:
    out: dict[str, Any] = ses.describe_configuration_set(
        ConfigurationSetName=name, ConfigurationSetAttributeNames=list(attributes)
    )
    out.pop("ResponseMetadata")
    return out


def test_issue_example(ses_mock: SesMock) -> None:
    ses_mock.add_configuration_set(marketing(EventDestinations=[SNS_DESTINATION]))
    ses = boto3.client("ses", region_name="us-east-1")
    out = ses.describe_configuration_set(
        ConfigurationSetName="marketing", ConfigurationSetAttributeNames=["eventDestinations"]
    )
    assert out["EventDestinations"][0]["Name"] == "to-sns"


def test_without_attribute_names_only_the_name_comes_back(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(
        marketing(
            EventDestinations=[SNS_DESTINATION],
            TrackingOptions={"CustomRedirectDomain": "t.example"},
            DeliveryOptions={"TlsPolicy": "Require"},
            ReputationOptions={"ReputationMetricsEnabled": True},
        )
    )
    out = ses.describe_configuration_set(ConfigurationSetName="marketing")
    out.pop("ResponseMetadata")
    assert out == {"ConfigurationSet": {"Name": "marketing"}}


@pytest.mark.parametrize(
    ("attribute", "section", "expected"),
    [
        ("eventDestinations", "EventDestinations", [SNS_DESTINATION]),
        ("trackingOptions", "TrackingOptions", {"CustomRedirectDomain": "t.example"}),
        ("deliveryOptions", "DeliveryOptions", {"TlsPolicy": "Require"}),
        (
            "reputationOptions",
            "ReputationOptions",
            {"SendingEnabled": True, "ReputationMetricsEnabled": True},
        ),
    ],
)
def test_each_attribute_adds_exactly_its_section(
    ses_mock: SesMock, ses: Any, attribute: str, section: str, expected: Any
) -> None:
    ses_mock.add_configuration_set(
        marketing(
            EventDestinations=[SNS_DESTINATION],
            TrackingOptions={"CustomRedirectDomain": "t.example"},
            DeliveryOptions={"TlsPolicy": "Require"},
            ReputationOptions={"ReputationMetricsEnabled": True},
        )
    )
    assert describe(ses, attribute) == {
        "ConfigurationSet": {"Name": "marketing"},
        section: expected,
    }


def test_all_event_destinations_in_declaration_order(ses_mock: SesMock, ses: Any) -> None:
    destinations = [CLOUDWATCH_DESTINATION, SNS_DESTINATION, FIREHOSE_DESTINATION]
    ses_mock.add_configuration_set(marketing(EventDestinations=destinations))
    assert describe(ses, "eventDestinations")["EventDestinations"] == destinations


def test_enabled_defaults_to_false(ses_mock: SesMock, ses: Any) -> None:
    destination = {key: value for key, value in SNS_DESTINATION.items() if key != "Enabled"}
    ses_mock.add_configuration_set(marketing(EventDestinations=[destination]))
    assert describe(ses, "eventDestinations")["EventDestinations"][0]["Enabled"] is False


def test_a_new_set_has_the_documented_defaults(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(marketing())
    assert describe(ses, *ALL_ATTRIBUTES) == {
        "ConfigurationSet": {"Name": "marketing"},
        "EventDestinations": [],
        "ReputationOptions": {"SendingEnabled": True, "ReputationMetricsEnabled": False},
    }


def test_tracking_options_without_redirect_domain_are_absent(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(marketing(TrackingOptions={}, DeliveryOptions={}))
    assert describe(ses, "trackingOptions", "deliveryOptions") == {
        "ConfigurationSet": {"Name": "marketing"}
    }


def test_last_fresh_start_comes_back_when_set(ses_mock: SesMock, ses: Any) -> None:
    when = datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=timezone.utc)
    ses_mock.add_configuration_set(
        marketing(ReputationOptions={"SendingEnabled": False, "LastFreshStart": when})
    )
    assert describe(ses, "reputationOptions")["ReputationOptions"] == {
        "SendingEnabled": False,
        "ReputationMetricsEnabled": False,
        "LastFreshStart": when,
    }


def test_a_repeated_attribute_name_changes_nothing(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(marketing(EventDestinations=[SNS_DESTINATION]))
    assert describe(ses, "eventDestinations", "eventDestinations") == describe(
        ses, "eventDestinations"
    )


def test_unknown_set_is_configuration_set_does_not_exist(ses_mock: SesMock, ses: Any) -> None:
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException) as caught:
        ses.describe_configuration_set(ConfigurationSetName="missing")
    error = caught.value.response
    assert error["Error"] == {
        "Type": "Sender",
        "Code": "ConfigurationSetDoesNotExist",
        "Message": "Configuration set <missing> does not exist.",
    }
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["ResponseMetadata"]["RetryAttempts"] == 0  # not retried, as for real


def test_attribute_outside_the_enum_is_a_validation_error(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(marketing())
    with pytest.raises(ClientError) as caught:
        ses.describe_configuration_set(
            ConfigurationSetName="marketing", ConfigurationSetAttributeNames=["bogus"]
        )
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Error"] == {
        "Type": "Sender",
        "Code": "ValidationError",
        "Message": "1 validation error detected: Value at 'configurationSetAttributeNames' failed "
        "to satisfy constraint: Member must satisfy constraint: [Member must satisfy "
        "enum value set: [eventDestinations, trackingOptions, deliveryOptions, "
        "reputationOptions]]",
    }


def test_sets_are_per_region(ses_mock: SesMock) -> None:
    ses_mock.add_configuration_set(marketing())
    ses_mock.add_configuration_set({"Name": "dublin-only"}, region="eu-west-1")
    east = boto3.client("ses", region_name="us-east-1")
    west = boto3.client("ses", region_name="eu-west-1")
    assert describe(east)["ConfigurationSet"]["Name"] == "marketing"
    assert describe(west, name="dublin-only")["ConfigurationSet"]["Name"] == "dublin-only"
    with pytest.raises(west.exceptions.ConfigurationSetDoesNotExistException):
        west.describe_configuration_set(ConfigurationSetName="marketing")
    with pytest.raises(east.exceptions.ConfigurationSetDoesNotExistException):
        east.describe_configuration_set(ConfigurationSetName="dublin-only")


def test_sets_are_per_account(ses: Any) -> None:
    with SesMock(account="210987654321") as mock:
        mock.add_configuration_set(marketing(), account="123456789012")
        with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
            ses.describe_configuration_set(ConfigurationSetName="marketing")
        mock.add_configuration_set(marketing())
        assert describe(ses)["ConfigurationSet"]["Name"] == "marketing"


def test_default_region_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-2")
    with SesMock() as mock:
        mock.add_configuration_set(marketing())
        client = boto3.client("ses")  # botocore resolves the same region
        assert describe(client)["ConfigurationSet"]["Name"] == "marketing"
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    assert SesMock().region == "ap-southeast-2"  # botocore reads AWS_DEFAULT_REGION first
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert SesMock().region == "eu-central-1"
    monkeypatch.delenv("AWS_REGION")
    assert SesMock().region == "us-east-1"


def test_region_from_credential_scope_with_custom_endpoint(ses_mock: SesMock) -> None:
    ses_mock.add_configuration_set(marketing(), region="eu-west-1")
    client = boto3.client("ses", region_name="eu-west-1", endpoint_url="http://ses.internal.test")
    assert describe(client)["ConfigurationSet"]["Name"] == "marketing"
    other = boto3.client("ses", region_name="us-west-2", endpoint_url="http://ses.internal.test")
    with pytest.raises(other.exceptions.ConfigurationSetDoesNotExistException):
        other.describe_configuration_set(ConfigurationSetName="marketing")


def test_pasted_describe_output_is_a_declaration(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(
        marketing(
            EventDestinations=[SNS_DESTINATION, CLOUDWATCH_DESTINATION],
            TrackingOptions={"CustomRedirectDomain": "t.example"},
            DeliveryOptions={"TlsPolicy": "Optional"},
            ReputationOptions={"LastFreshStart": datetime(2025, 1, 2, tzinfo=timezone.utc)},
        )
    )
    production = ses.describe_configuration_set(
        ConfigurationSetName="marketing", ConfigurationSetAttributeNames=ALL_ATTRIBUTES
    )
    assert "ResponseMetadata" in production
    with SesMock(region="eu-west-1") as copy:
        copy.add_configuration_set(production)
        west = boto3.client("ses", region_name="eu-west-1")
        again = west.describe_configuration_set(
            ConfigurationSetName="marketing", ConfigurationSetAttributeNames=ALL_ATTRIBUTES
        )
    production.pop("ResponseMetadata")
    again.pop("ResponseMetadata")
    assert again == production


def test_the_spec_is_copied(ses_mock: SesMock, ses: Any) -> None:
    destination = dict(SNS_DESTINATION, MatchingEventTypes=["send"])
    spec = marketing(EventDestinations=[destination])
    ses_mock.add_configuration_set(spec)
    destination["MatchingEventTypes"].append("bounce")
    destination["Name"] = "changed"
    spec["Name"] = "renamed"
    out = describe(ses, "eventDestinations")
    assert out["EventDestinations"][0]["Name"] == "to-sns"
    assert out["EventDestinations"][0]["MatchingEventTypes"] == ["send"]


def test_calls_from_threads_the_test_starts_are_served(ses_mock: SesMock) -> None:
    from concurrent.futures import ThreadPoolExecutor

    ses_mock.add_configuration_set(marketing(EventDestinations=[SNS_DESTINATION]))
    client = boto3.client("ses", region_name="us-east-1")  # clients are thread-safe

    def call(_: int) -> str:
        return str(describe(client, "eventDestinations")["EventDestinations"][0]["Name"])

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(call, range(40))) == ["to-sns"] * 40
