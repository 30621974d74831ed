"""Clients beyond botocore (``requests``), and living beside moto."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from conftest import SNS_DESTINATION

from pytest_sesmock import NotMockedError, SesMock

NS = "{http://ses.amazonaws.com/doc/2010-12-01/}"


def signed_post(url: str, form: dict[str, str], region: str) -> requests.Response:
    """What code calling the SES Query API with requests and a SigV4 helper does."""
    body = urlencode(form)
    request = AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), "ses", region).add_auth(request)
    return requests.post(url, data=body, headers=dict(request.headers), timeout=5)


def test_requests_calls_are_answered_and_recorded(ses_mock: SesMock) -> None:
    import xml.etree.ElementTree as ET

    ses_mock.add_configuration_set(
        {"Name": "marketing", "EventDestinations": [SNS_DESTINATION]}, region="eu-west-1"
    )
    response = signed_post(
        "https://email.eu-west-1.amazonaws.com/",
        {
            "Action": "DescribeConfigurationSet",
            "Version": "2010-12-01",
            "ConfigurationSetName": "marketing",
            "ConfigurationSetAttributeNames.member.1": "eventDestinations",
        },
        "eu-west-1",
    )
    assert response.status_code == 200
    assert response.headers["x-amzn-RequestId"]
    root = ET.fromstring(response.content)
    assert root.findtext(f".//{NS}EventDestinations/{NS}member/{NS}Name") == "to-sns"
    (call,) = ses_mock.calls
    assert (call.operation, call.region, call.params) == (
        "DescribeConfigurationSet",
        "eu-west-1",
        {
            "ConfigurationSetName": "marketing",
            "ConfigurationSetAttributeNames": ["eventDestinations"],
        },
    )


def test_requests_writes_reach_the_same_backend(ses_mock: SesMock) -> None:
    response = signed_post(
        "https://email.us-east-1.amazonaws.com/",
        {
            "Action": "CreateConfigurationSet",
            "Version": "2010-12-01",
            "ConfigurationSet.Name": "from-requests",
        },
        "us-east-1",
    )
    assert response.status_code == 200
    out = boto3.client("ses", region_name="us-east-1").describe_configuration_set(
        ConfigurationSetName="from-requests"
    )
    assert out["ConfigurationSet"] == {"Name": "from-requests"}


def test_requests_errors_and_limits(ses_mock: SesMock) -> None:
    ses_mock.rate_limit = "enforce"
    ses_mock.add_configuration_set({"Name": "marketing"})
    form = {
        "Action": "DescribeConfigurationSet",
        "Version": "2010-12-01",
        "ConfigurationSetName": "marketing",
    }
    url = "https://email.us-east-1.amazonaws.com/"
    assert signed_post(url, form, "us-east-1").status_code == 200
    throttled = signed_post(url, form, "us-east-1")
    assert throttled.status_code == 400
    assert b"<Code>Throttling</Code>" in throttled.content
    missing = signed_post(url, {**form, "ConfigurationSetName": "nope"}, "us-east-1")
    assert b"<Code>Throttling</Code>" in missing.content  # still within the same second
    ses_mock.advance(1)
    missing = signed_post(url, {**form, "ConfigurationSetName": "nope"}, "us-east-1")
    assert b"<Code>ConfigurationSetDoesNotExist</Code>" in missing.content
    assert [c.status for c in ses_mock.calls] == [200, 400, 400, 400]


@pytest.mark.parametrize(
    ("method", "url", "message"),
    [
        (
            "post",
            "https://email.us-east-1.amazonaws.com/",
            "SES operation ListIdentities is not mocked",
        ),
        (
            "get",
            "https://sqs.us-east-1.amazonaws.com/",
            "is an AWS endpoint that no in-process mock answers",
        ),
        ("get", "https://s3.amazonaws.com.cn/x", "is an AWS endpoint"),
        ("get", "https://ses.us-east-1.api.aws/", "is an AWS endpoint"),
    ],
)
def test_requests_elsewhere_are_refused(
    ses_mock: SesMock, method: str, url: str, message: str
) -> None:
    with pytest.raises(NotMockedError, match=message):
        getattr(requests, method)(url, data={"Action": "ListIdentities"}, timeout=5)


def test_requests_are_left_alone_once_the_mock_stops() -> None:
    original = requests.Session.get_adapter
    send = requests.adapters.HTTPAdapter.send
    with SesMock():
        assert requests.Session.get_adapter is not original  # AWS hosts routed to the mock
        assert requests.adapters.HTTPAdapter.send is send  # the transport itself untouched
    assert requests.Session.get_adapter is original


def test_moto_serves_everything_else(ses_mock: SesMock) -> None:
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        sns = boto3.client("sns", region_name="us-east-1")
        topic = sns.create_topic(Name="ses-events")["TopicArn"]
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="reports")
        ses = boto3.client("ses", region_name="us-east-1")
        ses.verify_email_identity(EmailAddress="sender@example.com")  # moto
        ses.create_configuration_set(ConfigurationSet={"Name": "marketing"})  # ours
        for name in ("one", "two"):  # moto would keep one destination only
            ses.create_configuration_set_event_destination(
                ConfigurationSetName="marketing",
                EventDestination={
                    **SNS_DESTINATION,
                    "Name": name,
                    "SNSDestination": {"TopicARN": topic},
                },
            )
        ses.send_email(  # its set checked by us (none here), answered by moto
            Source="sender@example.com",
            Destination={"ToAddresses": ["to@example.com"]},
            Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
        )
        out = ses.describe_configuration_set(
            ConfigurationSetName="marketing",
            ConfigurationSetAttributeNames=["eventDestinations", "reputationOptions"],
        )
        assert [d["Name"] for d in out["EventDestinations"]] == ["one", "two"]
        assert out["ReputationOptions"]["SendingEnabled"] is True
        assert ses.list_identities()["Identities"] == ["sender@example.com"]
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["reports"]
    assert {c.operation for c in ses_mock.calls} == {
        "CreateConfigurationSet",
        "CreateConfigurationSetEventDestination",
        "DescribeConfigurationSet",
        "SendEmail",  # answered by the mock, in SES's shape; moto keeps the message too
    }
    (sent,) = ses_mock.messages
    assert sent.answered_by == "pytest-sesmock"
    assert ses_mock.events == []  # no configuration set: nothing is published


def test_unserved_ses_operation_without_moto_names_it(ses_mock: SesMock, ses: Any) -> None:
    with pytest.raises(NotMockedError, match="VerifyEmailIdentity is not mocked"):
        ses.verify_email_identity(EmailAddress="a@example.com")
