"""Bad declarations fail at ``add_configuration_set`` with the place and what is allowed."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import SNS_DESTINATION, marketing

from pytest_sesmock import DeclarationError, SesMock

CW = {
    "DimensionConfigurations": [
        {
            "DimensionName": "campaign",
            "DimensionValueSource": "messageTag",
            "DefaultDimensionValue": "none",
        }
    ]
}


def destination(**changes: Any) -> dict[str, Any]:
    out = dict(SNS_DESTINATION, **changes)
    return {key: value for key, value in out.items() if value is not None}


@pytest.mark.parametrize(
    ("spec", "path", "message"),
    [
        (["marketing"], "", "must be a mapping with 'Name'; got list"),
        ("marketing", "", "must be a mapping with 'Name'; got str"),
        ({}, "Name", "is required"),
        ({"Name": 7}, "Name", "expected a string; got int 7"),
        ({"Name": "has space"}, "Name", "may contain only letters (a-z, A-Z), digits, '_' and '-'"),
        ({"Name": "x" * 65}, "Name", "has 65 characters; at most 64 are allowed"),
        ({"Name": ""}, "Name", "must not be empty"),
        ({"Name": "caf\u00e9"}, "Name", "may contain only letters (a-z, A-Z)"),
        (
            marketing(EventDestination=[]),
            "EventDestination",
            "unknown key 'EventDestination'; did you mean 'EventDestinations'?",
        ),
        (
            marketing(EventDestinations=[destination(Enabled="yes")]),
            "EventDestinations[0].Enabled",
            "expected true or false; got str 'yes'",
        ),
        (
            marketing(
                EventDestinations=[destination(), destination(Name="two", CloudWatchDestination=CW)]
            ),
            "EventDestinations[1]",
            "exactly one of SNSDestination, CloudWatchDestination, KinesisFirehoseDestination; "
            "found SNSDestination, CloudWatchDestination",
        ),
        (
            marketing(EventDestinations=[destination(SNSDestination=None)]),
            "EventDestinations[0]",
            "found none",
        ),
        (
            marketing(EventDestinations=[destination(MatchingEventTypes=[])]),
            "EventDestinations[0].MatchingEventTypes",
            "must name at least one event type",
        ),
        (
            marketing(EventDestinations=[destination(MatchingEventTypes=["send", "opened"])]),
            "EventDestinations[0].MatchingEventTypes[1]",
            "'opened' is not one of send, reject, bounce, complaint, delivery, open, click, "
            "renderingFailure",
        ),
        (
            marketing(EventDestinations=[destination(MatchingEventTypes=None)]),
            "EventDestinations[0].MatchingEventTypes",
            "is required",
        ),
        (
            marketing(EventDestinations=[destination(SNSDestination={})]),
            "EventDestinations[0].SNSDestination.TopicARN",
            "is required",
        ),
        (
            marketing(EventDestinations=[destination(SNSDestination="arn:aws:sns:x")]),
            "EventDestinations[0].SNSDestination",
            "expected a mapping with keys TopicARN; got str",
        ),
        (
            marketing(EventDestinations=[destination(Name="to sns")]),
            "EventDestinations[0].Name",
            "may contain only ASCII letters",
        ),
        (
            marketing(EventDestinations=[destination(), destination()]),
            "EventDestinations[1].Name",
            "'to-sns' is already declared at EventDestinations[0]",
        ),
        (
            marketing(EventDestinations={"Name": "x"}),
            "EventDestinations",
            "expected a list; got dict",
        ),
        (
            marketing(
                EventDestinations=[
                    destination(
                        SNSDestination=None,
                        CloudWatchDestination={
                            "DimensionConfigurations": [
                                {
                                    "DimensionName": "a b",
                                    "DimensionValueSource": "messageTag",
                                    "DefaultDimensionValue": "x",
                                }
                            ]
                        },
                    )
                ]
            ),
            "EventDestinations[0].CloudWatchDestination.DimensionConfigurations[0].DimensionName",
            "may contain only ASCII letters, digits, '_', '-' and ':'",
        ),
        (
            marketing(
                EventDestinations=[
                    destination(
                        SNSDestination=None,
                        CloudWatchDestination={
                            "DimensionConfigurations": [
                                {
                                    "DimensionName": "a",
                                    "DimensionValueSource": "header",
                                    "DefaultDimensionValue": "x",
                                }
                            ]
                        },
                    )
                ]
            ),
            "EventDestinations[0].CloudWatchDestination.DimensionConfigurations[0].DimensionValueSource",
            "'header' is not one of messageTag, emailHeader, linkTag",
        ),
        (
            marketing(DeliveryOptions={"TlsPolicy": "require"}),
            "DeliveryOptions.TlsPolicy",
            "'require' is not one of Require, Optional",
        ),
        (
            marketing(ReputationOptions={"LastFreshStart": "yesterday"}),
            "ReputationOptions.LastFreshStart",
            "'yesterday' is not an ISO 8601 timestamp",
        ),
        (
            marketing(ReputationOptions={"SendingEnabled": 1}),
            "ReputationOptions.SendingEnabled",
            "expected true or false; got int 1",
        ),
        (
            marketing(TrackingOptions={"RedirectDomain": "x"}),
            "TrackingOptions.RedirectDomain",
            "unknown key 'RedirectDomain'",
        ),
        (
            {"ConfigurationSet": {"Name": "a"}, "Name": "b"},
            "ConfigurationSet.Name",
            "'a' differs from Name 'b'",
        ),
        ({"ConfigurationSet": {"Name": "a b"}}, "ConfigurationSet.Name", "may contain only"),
    ],
)
def test_bad_declaration(spec: Any, path: str, message: str) -> None:
    mock = SesMock()
    with pytest.raises(DeclarationError) as caught:
        mock.add_configuration_set(spec)
    assert caught.value.path == path
    assert message in str(caught.value)
    if path:
        assert str(caught.value).startswith(f"{path}: ")
    assert isinstance(caught.value, ValueError)
    assert mock.backend.configuration_sets == {}  # nothing half-declared


def test_a_set_name_is_unique_within_account_and_region() -> None:
    mock = SesMock()
    mock.add_configuration_set(marketing())
    with pytest.raises(
        DeclarationError,
        match="'marketing' is already declared in account 123456789012, region us-east-1",
    ):
        mock.add_configuration_set(marketing())
    mock.add_configuration_set(marketing(), region="eu-west-1")  # another region is fine
    mock.add_configuration_set(marketing(), account="210987654321")  # so is another account


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"region": "Europe"}, "region 'Europe' is not an AWS region name"),
        ({"account": "1234"}, "account '1234' is not a 12-digit AWS account id"),
    ],
)
def test_bad_region_or_account(keywords: dict[str, str], message: str) -> None:
    with pytest.raises(DeclarationError, match=message):
        SesMock().add_configuration_set(marketing(), **keywords)
    with pytest.raises(DeclarationError, match=message):
        SesMock(**keywords)


def test_timestamps_may_be_iso_strings_as_in_yaml_output(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(
        marketing(ReputationOptions={"LastFreshStart": "2026-01-02T03:04:05.678000+00:00"})
    )
    out = ses.describe_configuration_set(
        ConfigurationSetName="marketing", ConfigurationSetAttributeNames=["reputationOptions"]
    )
    assert (
        out["ReputationOptions"]["LastFreshStart"].isoformat() == "2026-01-02T03:04:05.678000+00:00"
    )
