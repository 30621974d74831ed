"""The XML on the wire: what botocore's own parser receives from the mock."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
from conftest import ALL_ATTRIBUTES, SNS_DESTINATION, marketing

from pytest_sesmock import DeclarationError, SesMock

NS = "{http://ses.amazonaws.com/doc/2010-12-01/}"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_success_envelope(
    ses_mock: SesMock, ses: Any, raw_bodies: Callable[[Any], list[bytes]]
) -> None:
    bodies = raw_bodies(ses)
    ses_mock.add_configuration_set(
        marketing(
            EventDestinations=[dict(SNS_DESTINATION, Enabled=False)],
            ReputationOptions={"LastFreshStart": datetime(2026, 1, 2, 3, 4, 5, 6000, timezone.utc)},
        )
    )
    out = ses.describe_configuration_set(
        ConfigurationSetName="marketing", ConfigurationSetAttributeNames=ALL_ATTRIBUTES
    )
    root = ET.fromstring(bodies[0])
    assert root.tag == f"{NS}DescribeConfigurationSetResponse"
    result, metadata = list(root)
    assert result.tag == f"{NS}DescribeConfigurationSetResult"
    request_id = metadata.findtext(f"{NS}RequestId")
    assert request_id
    assert UUID.fullmatch(request_id)
    assert out["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"] == request_id
    # Lists as <member>, lowercase booleans, ISO 8601 UTC timestamps, absent sections omitted.
    members = result.findall(f"{NS}EventDestinations/{NS}member")
    assert len(members) == 1
    assert [m.text for m in members[0].findall(f"{NS}MatchingEventTypes/{NS}member")] == [
        "send",
        "bounce",
    ]
    assert members[0].findtext(f"{NS}Enabled") == "false"
    reputation = result.find(f"{NS}ReputationOptions")
    assert reputation is not None
    assert reputation.findtext(f"{NS}SendingEnabled") == "true"
    assert reputation.findtext(f"{NS}LastFreshStart") == "2026-01-02T03:04:05.006Z"
    assert result.find(f"{NS}TrackingOptions") is None
    assert result.find(f"{NS}DeliveryOptions") is None


def test_request_ids_differ_per_call(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(marketing())
    ids = {
        ses.describe_configuration_set(ConfigurationSetName="marketing")["ResponseMetadata"][
            "RequestId"
        ]
        for _ in range(3)
    }
    assert len(ids) == 3


def test_no_last_fresh_start_element_when_unset(
    ses_mock: SesMock, ses: Any, raw_bodies: Callable[[Any], list[bytes]]
) -> None:
    bodies = raw_bodies(ses)
    ses_mock.add_configuration_set(marketing())
    ses.describe_configuration_set(
        ConfigurationSetName="marketing", ConfigurationSetAttributeNames=["reputationOptions"]
    )
    assert b"LastFreshStart" not in bodies[0]


def test_error_envelope(
    ses_mock: SesMock, ses: Any, raw_bodies: Callable[[Any], list[bytes]]
) -> None:
    bodies = raw_bodies(ses)
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException) as caught:
        ses.describe_configuration_set(ConfigurationSetName="missing")
    root = ET.fromstring(bodies[0])
    assert root.tag == f"{NS}ErrorResponse"
    error, request_id = list(root)
    assert [child.tag for child in error] == [f"{NS}Type", f"{NS}Code", f"{NS}Message"]
    assert request_id.tag == f"{NS}RequestId"  # a sibling of Error, as SES writes it
    assert caught.value.response["ResponseMetadata"]["RequestId"] == request_id.text
    assert caught.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"] == (
        request_id.text
    )


@pytest.mark.parametrize("name", ["a<b>&c", "quote\"'s", "]]>", "caf\u00e9 \u2603", "x" * 10_000])
def test_text_is_escaped(ses_mock: SesMock, ses: Any, name: str) -> None:
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException) as caught:
        ses.describe_configuration_set(ConfigurationSetName=name)
    assert (
        caught.value.response["Error"]["Message"] == f"Configuration set <{name}> does not exist."
    )


def test_characters_xml_cannot_carry_are_replaced(ses_mock: SesMock, ses: Any) -> None:
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException) as caught:
        ses.describe_configuration_set(ConfigurationSetName="bad\x01name")
    assert caught.value.response["Error"]["Message"] == (
        "Configuration set <bad\ufffdname> does not exist."
    )


def test_a_declared_topic_is_held_to_the_api_s_rules(ses_mock: SesMock, ses: Any) -> None:
    """A declaration is held to the rules of the API that would have created it: a TopicARN
    that is no ARN (XML metacharacters, a bare name) is refused at once, naming the place, as
    CreateConfigurationSetEventDestination refuses it with InvalidSNSDestination."""
    where = r"EventDestinations\[0\]\.SNSDestination\.TopicARN: .* is not an SNS topic ARN"
    for arn in ("arn:aws:sns:us-east-1:123456789012:topic&<weird>", "ses-events"):
        destination = dict(SNS_DESTINATION, SNSDestination={"TopicARN": arn})
        with pytest.raises(DeclarationError, match=where):
            ses_mock.add_configuration_set(marketing(EventDestinations=[destination]))
    ses_mock.add_configuration_set({"Name": "created"})
    with pytest.raises(ses.exceptions.InvalidSNSDestinationException):
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="created",
            EventDestination=dict(SNS_DESTINATION, SNSDestination={"TopicARN": "ses-events"}),
        )
