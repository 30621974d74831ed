"""Where the mock meets the rest of a suite: moto, local services, responses, sessions, regions.

The rules (README, "Boundaries"): configuration-set operations are ours whoever else is active;
real AWS is refused whatever library calls it; everything else is left alone.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
import responses
from botocore.exceptions import NoRegionError
from conftest import HERE, Records, local_http_service, marketing, paths
from moto import mock_aws

from pytest_sesmock import NotMockedError, SesMock

TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-events"


def all_thirteen(ses: Any) -> list[str]:
    """Every configuration-set operation once, through ``ses``; returns the operations called."""
    destination = {
        "Name": "to-sns",
        "Enabled": True,
        "MatchingEventTypes": ["send"],
        "SNSDestination": {"TopicARN": TOPIC},
    }
    ses.create_configuration_set(ConfigurationSet={"Name": "s"})
    assert ses.list_configuration_sets()["ConfigurationSets"] == [{"Name": "s"}]
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="s", EventDestination=destination
    )
    ses.update_configuration_set_event_destination(
        ConfigurationSetName="s", EventDestination={**destination, "Enabled": False}
    )
    ses.delete_configuration_set_event_destination(
        ConfigurationSetName="s", EventDestinationName="to-sns"
    )
    ses.create_configuration_set_tracking_options(
        ConfigurationSetName="s", TrackingOptions={"CustomRedirectDomain": "a.example.com"}
    )
    ses.update_configuration_set_tracking_options(
        ConfigurationSetName="s", TrackingOptions={"CustomRedirectDomain": "b.example.com"}
    )
    ses.delete_configuration_set_tracking_options(ConfigurationSetName="s")
    ses.put_configuration_set_delivery_options(
        ConfigurationSetName="s", DeliveryOptions={"TlsPolicy": "Require"}
    )
    ses.update_configuration_set_reputation_metrics_enabled(ConfigurationSetName="s", Enabled=True)
    ses.update_configuration_set_sending_enabled(ConfigurationSetName="s", Enabled=False)
    out = ses.describe_configuration_set(
        ConfigurationSetName="s",
        ConfigurationSetAttributeNames=["deliveryOptions", "reputationOptions"],
    )
    assert out["DeliveryOptions"] == {"TlsPolicy": "Require"}
    assert out["ReputationOptions"] == {"SendingEnabled": False, "ReputationMetricsEnabled": True}
    ses.delete_configuration_set(ConfigurationSetName="s")
    return [
        "CreateConfigurationSet",
        "ListConfigurationSets",
        "CreateConfigurationSetEventDestination",
        "UpdateConfigurationSetEventDestination",
        "DeleteConfigurationSetEventDestination",
        "CreateConfigurationSetTrackingOptions",
        "UpdateConfigurationSetTrackingOptions",
        "DeleteConfigurationSetTrackingOptions",
        "PutConfigurationSetDeliveryOptions",
        "UpdateConfigurationSetReputationMetricsEnabled",
        "UpdateConfigurationSetSendingEnabled",
        "DescribeConfigurationSet",
        "DeleteConfigurationSet",
    ]


# -- ours, answered always ---------------------------------------------------------------------


def _topic_in_moto() -> None:
    """The destinations' topic, in moto: beside moto its topics are all the account has."""
    boto3.client("sns", region_name="us-east-1").create_topic(Name="ses-events")


def test_all_thirteen_operations_are_ours_with_moto_started_first() -> None:
    with mock_aws():
        _topic_in_moto()
        ses = boto3.client("ses", region_name="us-east-1")
        with SesMock(region="us-east-1") as mock:
            expected = all_thirteen(ses)
            assert [call.operation for call in mock.calls] == expected
            assert all(call.status == 200 for call in mock.calls)
            ses.verify_email_identity(EmailAddress="a@example.com")  # not ours: moto's
        # moto's own backend saw none of it
        assert ses.list_configuration_sets()["ConfigurationSets"] == []
        assert ses.list_identities()["Identities"] == ["a@example.com"]
    assert len(set(expected)) == 13


def test_all_thirteen_operations_are_ours_with_moto_started_inside() -> None:
    mock = SesMock(region="us-east-1").start()
    try:
        with mock_aws():
            _topic_in_moto()
            ses = boto3.client("ses", region_name="us-east-1")
            assert [c.operation for c in mock.calls] == []
            expected = all_thirteen(ses)
            assert [call.operation for call in mock.calls] == expected
            mock.stop()  # moto alone now: its backend saw none of it
            assert ses.list_configuration_sets()["ConfigurationSets"] == []
    finally:
        mock.stop()


def test_a_handler_that_answers_first_is_the_only_one(ses_mock: SesMock) -> None:
    """The first answer wins and nothing after it runs: ours is not recorded for a stub's call."""
    from botocore.awsrequest import AWSResponse

    class Raw:
        def stream(self, **_: Any) -> Iterator[bytes]:
            yield (
                b"<ListConfigurationSetsResponse><ListConfigurationSetsResult><ConfigurationSets>"
                b"<member><Name>stubbed</Name></member></ConfigurationSets>"
                b"</ListConfigurationSetsResult></ListConfigurationSetsResponse>"
            )

    ses = boto3.client("ses", region_name="us-east-1")
    ses.meta.events.register(
        "before-send.ses.ListConfigurationSets",
        lambda request, **_: AWSResponse(request.url, 200, {}, Raw()),
    )
    assert ses.list_configuration_sets()["ConfigurationSets"] == [{"Name": "stubbed"}]
    ses_mock.assert_not_called()


# -- everything else, left alone -----------------------------------------------------------------


# A local service: S3's ListBuckets XML for GET, SES's ListIdentities for POST.
_LOCAL_ANSWERS = {
    "GET": b'<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult>'
    b"<Buckets><Bucket><Name>local</Name></Bucket></Buckets></ListAllMyBucketsResult>",
    "POST": b"<ListIdentitiesResponse><ListIdentitiesResult><Identities>"
    b"<member>local@example.com</member></Identities></ListIdentitiesResult>"
    b"</ListIdentitiesResponse>",
}


@pytest.fixture
def local_service() -> Iterator[tuple[str, Records]]:
    """(URL of a local HTTP service, what it was asked)."""
    with local_http_service(_LOCAL_ANSWERS) as found:
        yield found


def test_a_local_service_is_reached_through_requests_and_botocore(
    ses_mock: SesMock, local_service: tuple[str, Records]
) -> None:
    url, seen = local_service
    assert requests.get(f"{url}/health", timeout=5).status_code == 200
    s3 = boto3.client("s3", region_name="us-east-1", endpoint_url=url)
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["local"]
    with urllib.request.urlopen(f"{url}/plain", timeout=5) as answer:
        assert answer.status == 200
    assert [path.split("?")[0] for path in paths(seen)] == ["/health", "/", "/plain"]
    ses_mock.assert_not_called()


def test_an_ses_client_with_a_local_endpoint_is_ours_for_sets_only(
    ses_mock: SesMock, local_service: tuple[str, Records]
) -> None:
    url, seen = local_service
    ses_mock.add_configuration_set(marketing())
    ses = boto3.client("ses", region_name="us-east-1", endpoint_url=url)
    assert ses.describe_configuration_set(ConfigurationSetName="marketing")  # ours
    assert paths(seen) == []
    assert ses.list_identities()["Identities"] == ["local@example.com"]  # the local emulator's
    assert paths(seen) == ["/"]
    assert [call.operation for call in ses_mock.calls] == ["DescribeConfigurationSet"]


def test_a_responses_mock_started_before_keeps_its_urls(ses_mock: SesMock) -> None:
    ses_mock.stop()
    with responses.RequestsMock(assert_all_requests_are_fired=True) as theirs:
        theirs.get("https://api.example.com/users", json={"users": 2})
        theirs.get("https://sqs.us-east-1.amazonaws.com/queue", body="from their mock")
        with SesMock() as mock:
            mock.add_configuration_set(marketing())
            assert requests.get("https://api.example.com/users", timeout=5).json() == {"users": 2}
            sqs = requests.get("https://sqs.us-east-1.amazonaws.com/queue", timeout=5)
            assert sqs.text == "from their mock"
            ses = boto3.client("ses", region_name="us-east-1")
            assert ses.describe_configuration_set(ConfigurationSetName="marketing")
            with pytest.raises(requests.ConnectionError):  # theirs refuses what it does not know
                requests.get("https://api.example.com/other", timeout=5)
    # their teardown found every registered request fired: no "Not all requests" error


def test_a_responses_mock_started_after_keeps_its_urls_and_ses_stays_ours(
    ses_mock: SesMock,
) -> None:
    ses_mock.add_configuration_set(marketing())
    with responses.RequestsMock() as theirs:
        theirs.get("https://api.example.com/users", json={"users": 3})
        assert requests.get("https://api.example.com/users", timeout=5).json() == {"users": 3}
        form = {
            "Action": "DescribeConfigurationSet",
            "Version": "2010-12-01",
            "ConfigurationSetName": "marketing",
        }
        answer = requests.post("https://email.us-east-1.amazonaws.com/", data=form, timeout=5)
        assert answer.status_code == 200
        assert b"<Name>marketing</Name>" in answer.content
    assert [call.operation for call in ses_mock.calls] == ["DescribeConfigurationSet"]


def test_moto_answers_requests_calls_we_do_not_serve(ses_mock: SesMock) -> None:
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="reports")
        listing = requests.get("https://s3.amazonaws.com/", timeout=5)
        assert listing.status_code == 200
        assert b"<Name>reports</Name>" in listing.content


# -- real AWS, refused always ---------------------------------------------------------------------


AWS_URLS = [
    "https://sqs.us-east-1.amazonaws.com/",
    "https://s3.cn-north-1.amazonaws.com.cn/",
    "https://email.us-east-1.api.aws/",
]


@pytest.mark.parametrize("url", AWS_URLS)
def test_other_libraries_never_reach_aws(ses_mock: SesMock, url: str) -> None:
    host = url.split("/")[2]
    with pytest.raises(NotMockedError, match=f"connection to {host} .*refused before any DNS"):
        urllib.request.urlopen(url, timeout=5)
    connection = http.client.HTTPSConnection(host, timeout=5)
    with pytest.raises(NotMockedError):
        connection.request("GET", "/")
    with pytest.raises(NotMockedError):
        socket.getaddrinfo(host, 443)
    with pytest.raises(NotMockedError), socket.socket() as raw:
        raw.connect((host, 443))


def test_the_backstop_is_lifted_when_the_mock_stops() -> None:
    with SesMock(), pytest.raises(NotMockedError):
        socket.getaddrinfo("sqs.us-east-1.amazonaws.com", 443)
    with contextlib.suppress(OSError):  # no DNS here: the lookup was made, and failed as usual
        socket.getaddrinfo("sqs.us-east-1.amazonaws.com", 443)


NO_DNS_SCRIPT = r"""
import json, socket, sys, urllib.request
import boto3
from pytest_sesmock import NotMockedError, SesMock

looked_up = []
with SesMock():
    # Added after the mock's own hook, so it sees only what the mock let through.
    sys.addaudithook(
        lambda event, args: looked_up.append(str(args[0]))
        if event in ("socket.getaddrinfo", "socket.gethostbyname") else None
    )
    refused = []
    for call in (
        lambda: urllib.request.urlopen("https://sqs.us-east-1.amazonaws.com/", timeout=2),
        lambda: boto3.client("sqs", region_name="us-east-1").list_queues(),
        lambda: boto3.client("ses", region_name="us-east-1").list_identities(),
        lambda: socket.create_connection(("s3.amazonaws.com", 443), timeout=2),
    ):
        try:
            call()
        except NotMockedError:
            refused.append(True)
print(json.dumps({"refused": len(refused), "looked_up": looked_up}))
"""


def test_no_dns_lookup_is_made_for_aws_hosts(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", NO_DNS_SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "AWS_EC2_METADATA_DISABLED": "true"},
        check=True,
    )
    assert json.loads(out.stdout.splitlines()[-1]) == {"refused": 4, "looked_up": []}


# -- sessions made before the import --------------------------------------------------------------


EARLY_SESSION_SCRIPT = r"""
import os
os.environ.update(AWS_ACCESS_KEY_ID="AKIAEXAMPLEUSERKEY00", AWS_SECRET_ACCESS_KEY="user-secret")
import boto3, botocore.session

boto3.setup_default_session(region_name="us-east-1")  # application code, before the plugin
early_botocore = botocore.session.get_session()
early_client = boto3.client("ses")  # a client made before the import: needs patch_client

import pytest_sesmock
from pytest_sesmock import NotMockedError, SesMock

at_import = boto3.client("ses")  # after the import, before the mock
with SesMock(region="us-east-1") as mock:
    mock.add_configuration_set({"Name": "marketing"})
    later = early_botocore.create_client("ses", "us-east-1")
    for client in (at_import, boto3.client("ses"), later):
        assert client.describe_configuration_set(ConfigurationSetName="marketing")
    try:
        early_client.describe_configuration_set(ConfigurationSetName="marketing")
    except NotMockedError as error:
        assert "patch_client" in str(error), error
    else:
        raise AssertionError("a client made before the import was answered without patching")
    mock.patch_client(early_client)
    assert early_client.describe_configuration_set(ConfigurationSetName="marketing")
    print(len(mock.calls))
"""


def test_a_default_session_made_before_the_import_is_served() -> None:
    out = subprocess.run(
        [sys.executable, "-c", EARLY_SESSION_SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "AWS_EC2_METADATA_DISABLED": "true"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["4"]


# -- region ---------------------------------------------------------------------------------------


def test_without_a_region_clients_get_the_mocks(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(NoRegionError):
        boto3.client("ses")  # the test environment names no region
    with SesMock(region="eu-west-1") as mock:
        mock.add_configuration_set(marketing())
        ses = boto3.client("ses")
        assert ses.meta.region_name == "eu-west-1"
        assert ses.describe_configuration_set(ConfigurationSetName="marketing")
    assert "AWS_DEFAULT_REGION" not in os.environ  # restored exactly


def test_a_region_the_environment_names_is_left_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    with SesMock(region="eu-west-1"):
        assert boto3.session.Session().client("ses").meta.region_name == "ap-south-1"
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    config = tmp_path / "config"
    config.write_text("[profile work]\nregion = sa-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_PROFILE", "work")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    with SesMock() as mock:
        assert mock.region == "sa-east-1"  # the mock's default follows the profile too
        assert boto3.session.Session().client("ses").meta.region_name == "sa-east-1"
        assert "AWS_DEFAULT_REGION" not in os.environ


def test_the_cli_region_reaches_clients_without_one(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3

        def test_region(ses_mock):
            ses_mock.add_configuration_set({"Name": "marketing"})
            ses = boto3.client("ses")
            assert ses.meta.region_name == "ap-northeast-1"
            assert ses.describe_configuration_set(ConfigurationSetName="marketing")
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "--ses-mock-region", "ap-northeast-1")
    result.assert_outcomes(passed=1)


def _readme_block(heading: str) -> str:
    text = (HERE.parent / "README.md").read_text()
    section = text.split(f"\n## {heading}\n", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


@pytest.mark.parametrize("shell_region", [None, "eu-west-1", "us-east-1"])
def test_the_quickstart_passes_in_any_shell(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, shell_region: str | None
) -> None:
    if shell_region:
        monkeypatch.setenv("AWS_DEFAULT_REGION", shell_region)
    pytester.makepyfile(test_quickstart=_readme_block("Quickstart"))
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


# -- hints ----------------------------------------------------------------------------------------


def test_a_failing_test_is_told_where_the_set_lives(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3

        def test_wrong_region(ses_mock):
            ses_mock.add_configuration_set({"Name": "marketing"}, region="eu-west-1")
            ses = boto3.client("ses", region_name="us-east-1")
            ses.describe_configuration_set(ConfigurationSetName="marketing")

        def test_right_region_passes_quietly(ses_mock):
            ses_mock.add_configuration_set({"Name": "marketing"}, region="eu-west-1")
            ses = boto3.client("ses", region_name="eu-west-1")
            ses.describe_configuration_set(ConfigurationSetName="marketing")
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*Configuration set <marketing> does not exist.*",  # SES's exact words on the wire
            "*- pytest-sesmock -*",
            "hint: configuration set 'marketing' exists in eu-west-1, but this "
            "DescribeConfigurationSet call was made in us-east-1 (account 123456789012)*",
        ]
    )
    assert result.stdout.str().count("hint:") == 1


def test_the_hint_is_on_the_call_record(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(marketing(), region="eu-west-1", account="111122223333")
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
        ses.describe_configuration_set(ConfigurationSetName="marketing")
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
        ses.describe_configuration_set(ConfigurationSetName="nowhere")
    first, second = ses_mock.calls
    assert first.hint is not None
    assert "exists in eu-west-1 (account 111122223333)" in first.hint
    assert second.hint is None  # declared nowhere: nothing to say


# -- nesting --------------------------------------------------------------------------------------


def test_stopping_the_outer_mock_first_leaves_the_inner_working() -> None:
    outer = SesMock(region="eu-west-1").start()
    inner = SesMock(region="eu-west-1").start()
    try:
        inner.add_configuration_set(marketing())
        outer.stop()
        assert os.environ["AWS_DEFAULT_REGION"] == "eu-west-1"
        assert os.environ["AWS_ACCESS_KEY_ID"]
        ses = boto3.client("ses")
        assert ses.describe_configuration_set(ConfigurationSetName="marketing")
        with pytest.raises(NotMockedError):
            urllib.request.urlopen("https://sqs.us-east-1.amazonaws.com/", timeout=5)
    finally:
        inner.stop()
        outer.stop()
    for name in ("AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        assert name not in os.environ


def test_patches_exist_only_while_a_mock_is_active() -> None:
    import botocore.endpoint
    from botocore.hooks import HierarchicalEmitter
    from botocore.httpsession import URLLib3Session

    def state() -> list[object]:
        return [
            HierarchicalEmitter.emit,
            URLLib3Session.send,
            botocore.endpoint.time,
            requests.Session.get_adapter,
        ]

    before = state()
    with SesMock(), SesMock():
        during = state()
    assert state() == before
    assert all(a is not b for a, b in zip(before, during, strict=True))


def _threads_share(call: Callable[[], Any]) -> Any:
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(call()))
    thread.start()
    thread.join()
    return result[0]


def test_threads_started_by_the_test_are_served(ses_mock: SesMock) -> None:
    ses_mock.add_configuration_set(marketing())
    name = _threads_share(
        lambda: boto3.client("ses", region_name="us-east-1").describe_configuration_set(
            ConfigurationSetName="marketing"
        )["ConfigurationSet"]["Name"]
    )
    assert name == "marketing"


def test_another_librarys_emit_keeps_running_and_ours_still_stops_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A library that wrapped botocore's emit before the mock started (tracing, say) still sees
    the events (before-send excepted: it goes to the handlers, stopping at our answer); a
    before-send handler after our answer still does not run."""
    from botocore.hooks import HierarchicalEmitter

    seen: list[str] = []
    original = HierarchicalEmitter.emit

    def traced(self: Any, event_name: str, **kwargs: Any) -> Any:
        seen.append(event_name)
        return original(self, event_name, **kwargs)

    monkeypatch.setattr(HierarchicalEmitter, "emit", traced)
    after_ours: list[str] = []
    with SesMock(region="us-east-1") as mock:
        ses = boto3.client("ses", region_name="us-east-1")
        ses.meta.events.register("before-send", lambda **_: after_ours.append("ran"))
        assert ses.list_configuration_sets()["ConfigurationSets"] == []
    assert HierarchicalEmitter.emit is traced  # the wrapper is back, as it was
    assert "before-sign.ses.ListConfigurationSets" in seen  # traced while active
    assert after_ours == []
    assert [c.operation for c in mock.calls] == ["ListConfigurationSets"]
