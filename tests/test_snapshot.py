"""``python -m pytest_sesmock snapshot``, run as a user runs it (a subprocess), against the
project's own server mode standing in for SES.

The stand-in is a ``SesServer`` whose mock enforces SES's rate (``rate_limit="enforce"``), with
every operation the command calls limited to one call a second: a call that came too fast is
recorded as throttled, so the pacing is judged by the server's records, not by a stopwatch. The
mock is not active in this process, so boto3 calls made here go over the wire to it as well.
"""

from __future__ import annotations

import io
import os
import pty
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from botocore.model import StructureShape
from botocore.session import Session

from pytest_sesmock import SesMock, mock_ses
from pytest_sesmock.cli.snapshot import Key, _verify
from pytest_sesmock.cli.snapshot.drift import compare
from pytest_sesmock.cli.snapshot.failure import SnapshotError
from pytest_sesmock.cli.snapshot.pacing import Pacer, backoff
from pytest_sesmock.cli.snapshot.progress import Progress
from pytest_sesmock.cli.snapshot.reading import READ_OPERATIONS, Reader, SetAnswers
from pytest_sesmock.protocols.model import V2
from pytest_sesmock.server import SesServer
from pytest_sesmock.state.spelling import destination_types, v2_output_members, v2_shape

TIMEOUT = 120  # seconds any subprocess may take: every wait here is bounded
KEY_ID, SECRET = "AKIDSNAPSHOTTEST", "snapshot-test-secret-do-not-write"
ERROR = "python -m pytest_sesmock snapshot: error: "
ALL_ATTRIBUTES = ["eventDestinations", "trackingOptions", "deliveryOptions", "reputationOptions"]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-events"

# -- the account the tests read --------------------------------------------------------------------

# Every section of SES v1, in v1's spelling: the snapshot writes them back the same way.
MARKETING = {
    "Name": "marketing",
    "EventDestinations": [
        {
            "Name": "to-sns",
            "Enabled": True,
            "MatchingEventTypes": ["send", "bounce", "complaint"],
            "SNSDestination": {"TopicARN": TOPIC},
        },
        {
            "Name": "to-cloudwatch",
            "Enabled": False,
            "MatchingEventTypes": ["open", "click"],
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
    ],
    "TrackingOptions": {"CustomRedirectDomain": "track.example.com"},
    "DeliveryOptions": {"TlsPolicy": "Require"},
    "ReputationOptions": {
        "SendingEnabled": True,
        "ReputationMetricsEnabled": True,
        "LastFreshStart": "2024-03-01T12:34:56.789Z",
    },
}


def newsletter() -> dict[str, Any]:
    """A set with what only SES v2 can say, in v2's spelling, as far as botocore's model goes
    (older models lack EventBridge destinations, HTTPS policies, archiving ...)."""
    destinations = [
        {
            "Name": "to-pinpoint",
            "Enabled": False,
            "MatchingEventTypes": ["BOUNCE", "DELIVERY_DELAY"],
            "PinpointDestination": {
                "ApplicationArn": "arn:aws:mobiletargeting:us-east-1:123456789012:apps/abc"
            },
        },
    ]
    if "EventBridgeDestination" in destination_types(V2):
        destinations.append(
            {
                "Name": "to-eventbridge",
                "Enabled": True,
                "MatchingEventTypes": ["SEND", "SUBSCRIPTION"],
                "EventBridgeDestination": {
                    "EventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/default"
                },
            }
        )
    else:
        destinations.append(
            {
                "Name": "to-firehose",
                "Enabled": True,
                "MatchingEventTypes": ["SEND", "SUBSCRIPTION"],
                "KinesisFirehoseDestination": {
                    "IamRoleArn": "arn:aws:iam::123456789012:role/ses-firehose",
                    "DeliveryStreamArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/s",
                },
            }
        )
    sections: dict[str, Any] = {
        "TrackingOptions": {"CustomRedirectDomain": "click.example.com", "HttpsPolicy": "REQUIRE"},
        "DeliveryOptions": {
            "TlsPolicy": "OPTIONAL",
            "SendingPoolName": "dedicated",
            "MaxDeliverySeconds": 600,
        },
        "ReputationOptions": {"ReputationMetricsEnabled": False},
        "SendingOptions": {"SendingEnabled": False},
        "Tags": [{"Key": "team", "Value": "growth"}, {"Key": "cost-center", "Value": "42"}],
        "SuppressionOptions": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
        "VdmOptions": {"DashboardOptions": {"EngagementMetrics": "ENABLED"}},
        "ArchivingOptions": {
            "ArchiveArn": "arn:aws:ses:us-east-1:123456789012:mailmanager-archive/a-abcdefgh"
        },
        "MessageSecurityOptions": {
            "SigningScheme": {"SmimeScheme": {"SignatureFormat": "DETACHED"}}
        },
    }
    declared: dict[str, Any] = {"Name": "newsletter", "EventDestinations": destinations}
    for section, value in sections.items():
        if section not in v2_output_members():
            continue
        shape = v2_shape(section)
        if isinstance(value, dict) and isinstance(shape, StructureShape):
            value = {key: item for key, item in value.items() if key in shape.members}
        declared[section] = value
    return declared


DUBLIN = {
    "Name": "marketing",
    "EventDestinations": [
        {
            "Name": "to-firehose",
            "Enabled": True,
            "MatchingEventTypes": ["delivery"],
            "KinesisFirehoseDestination": {
                "IAMRoleARN": "arn:aws:iam::123456789012:role/ses-firehose",
                "DeliveryStreamARN": "arn:aws:firehose:eu-west-1:123456789012:deliverystream/ses",
            },
        }
    ],
    "DeliveryOptions": {"TlsPolicy": "Optional"},
}


@pytest.fixture
def account() -> Iterator[SesServer]:
    """SES's stand-in: a server whose mock enforces one call a second for every read."""
    mock = SesMock(rate_limit="enforce")
    for operation in (
        "ListConfigurationSets",
        "sesv2:GetConfigurationSet",
        "sesv2:GetConfigurationSetEventDestinations",
    ):  # DescribeConfigurationSet is limited so already, as SES documents it
        mock.set_rate_limit(operation, per_second=1.0, burst=1.0)
    with SesServer(mock) as server:
        yield server


def fill(server: SesServer) -> None:
    """Three sets in us-east-1, one in eu-west-1."""
    server.mock.add_configuration_set(MARKETING, region="us-east-1")
    server.mock.add_configuration_set(newsletter(), region="us-east-1")
    server.mock.add_configuration_set({"Name": "bare"}, region="us-east-1")
    server.mock.add_configuration_set(DUBLIN, region="eu-west-1")


# -- running the command -------------------------------------------------------------------------


def environment(tmp_path: Path, **changes: str | None) -> dict[str, str]:
    """A subprocess environment with made-up credentials and no way to real AWS or a proxy."""
    env = {
        k: v for k, v in os.environ.items() if "proxy" not in k.lower() and not k.startswith("AWS_")
    }
    env.update(
        AWS_ACCESS_KEY_ID=KEY_ID,
        AWS_SECRET_ACCESS_KEY=SECRET,
        AWS_CONFIG_FILE=str(tmp_path / "no-such-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-such-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        NO_PROXY="127.0.0.1,localhost",
        SOURCE_DATE_EPOCH="1767225600",  # 2026-01-01: the header's date, fixed
    )
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def command(server: SesServer | str | None, *args: str) -> list[str]:
    """The command against ``server``, paced at SES's rate as against AWS (``--pace``): the
    local server stands for a real account here, its limit enforced or tracked as SES's."""
    url = server.endpoint_url if isinstance(server, SesServer) else server
    endpoint = ["--endpoint-url", url, "--pace"] if url else []
    return [sys.executable, "-m", "pytest_sesmock", "snapshot", *endpoint, *args]


def snapshot(
    server: SesServer | str | None, tmp_path: Path, *args: str, **env: str | None
) -> subprocess.CompletedProcess[str]:
    """One run of the command against ``server``.

    A run paces itself, but a run started within a second of the one before would meet that
    run's last calls in SES's limit (and retry, as it should): on the account's clock, a second
    passes between runs, as it does between two runs a person types.
    """
    if isinstance(server, SesServer):
        server.mock.advance(1.0)
    return subprocess.run(
        command(server, *args),
        env=environment(tmp_path, **env),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def region_lines(stderr: str) -> list[str]:
    """The stderr lines with their durations replaced by N (the durations vary)."""
    return [re.sub(r" in \d+ s", " in N s", line) for line in stderr.splitlines()]


# -- answers, live and loaded ---------------------------------------------------------------------

Answers = dict[str, Any]


def read_everything(endpoint_url: str | None, keys: list[Key]) -> dict[Key, Answers]:
    """The three answers of each set, through boto3 (over the wire when ``endpoint_url``)."""
    out: dict[Key, Answers] = {}
    for region, name in keys:
        kwargs: dict[str, Any] = {"region_name": region}
        if endpoint_url:
            kwargs.update(
                endpoint_url=endpoint_url,
                aws_access_key_id="AKIDEXAMPLE",
                aws_secret_access_key="not-a-secret",
            )
        ses, sesv2 = boto3.client("ses", **kwargs), boto3.client("sesv2", **kwargs)
        answers = {
            "describe": ses.describe_configuration_set(
                ConfigurationSetName=name, ConfigurationSetAttributeNames=ALL_ATTRIBUTES
            ),
            "get": sesv2.get_configuration_set(ConfigurationSetName=name),
            "destinations": sesv2.get_configuration_set_event_destinations(
                ConfigurationSetName=name
            ),
        }
        for answer in answers.values():
            answer.pop("ResponseMetadata")
        out[(region, name)] = answers
    return out


def unlimit(server: SesServer) -> None:
    for operation in (
        "DescribeConfigurationSet",
        "ListConfigurationSets",
        "sesv2:GetConfigurationSet",
        "sesv2:GetConfigurationSetEventDestinations",
    ):
        server.mock.set_rate_limit(operation, per_second=None)


KEYS = [
    ("eu-west-1", "marketing"),
    ("us-east-1", "bare"),
    ("us-east-1", "marketing"),
    ("us-east-1", "newsletter"),
]


# -- the round trip --------------------------------------------------------------------------------


def test_snapshot_of_two_regions_loads_back_into_the_same_answers(
    account: SesServer, tmp_path: Path
) -> None:
    fill(account)
    out = tmp_path / "ses_mock.yaml"
    done = snapshot(
        account,
        tmp_path,
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
        "--output",
        "ses_mock.yaml",
    )
    assert (done.returncode, done.stdout) == (0, "")
    assert region_lines(done.stderr) == [
        "us-east-1: 3 configuration sets read in N s",
        "eu-west-1: 1 configuration set read in N s",
    ]

    # It only read, every set fully, and never faster than SES allows.
    calls = account.mock.calls
    assert {(call.api, call.operation) for call in calls} == READ_OPERATIONS
    assert [call for call in calls if call.throttled or call.status != 200] == []
    described = [
        (
            call.region,
            call.params["ConfigurationSetName"],
            call.params["ConfigurationSetAttributeNames"],
        )
        for call in calls
        if call.operation == "DescribeConfigurationSet"
    ]
    assert described == [
        ("us-east-1", "bare", ALL_ATTRIBUTES),
        ("us-east-1", "marketing", ALL_ATTRIBUTES),
        ("us-east-1", "newsletter", ALL_ATTRIBUTES),
        ("eu-west-1", "marketing", ALL_ATTRIBUTES),
    ]

    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[:4] == [
        "# Configuration sets read from Amazon SES by pytest-sesmock's snapshot command:",
        f"#   python -m pytest_sesmock snapshot --endpoint-url {account.endpoint_url} --pace "
        "--region us-east-1 --region eu-west-1 --output ses_mock.yaml",
        "# on 2026-01-01 (UTC), from eu-west-1, us-east-1: 4 configuration sets.",
        "# Run it again to refresh this file; add --check ses_mock.yaml to compare it with "
        "the account.",
    ]
    assert KEY_ID not in text
    assert SECRET not in text
    assert not UUID.search(text), "a request id was written"
    assert "RequestId" not in text
    assert "ResponseMetadata" not in text

    document = yaml.safe_load(text)
    assert list(document) == ["configuration_sets"]  # several regions: one per declaration
    declared = document["configuration_sets"]
    assert [(d["region"], d["Name"]) for d in declared] == KEYS
    # v1's spelling where it says everything, v2's where v2 says more.
    assert declared[0] == {
        "Name": "marketing",
        "region": "eu-west-1",
        **{k: v for k, v in DUBLIN.items() if k != "Name"},
        "ReputationOptions": {"SendingEnabled": True, "ReputationMetricsEnabled": False},
    }
    assert declared[1] == {
        "Name": "bare",
        "region": "us-east-1",
        "ReputationOptions": {"SendingEnabled": True, "ReputationMetricsEnabled": False},
    }
    assert declared[2] == {"region": "us-east-1", **MARKETING}
    expected_newsletter = {"Name": "newsletter", "region": "us-east-1", **newsletter()}
    expected_newsletter.pop("SendingOptions")
    expected_newsletter["ReputationOptions"] = {
        "SendingEnabled": False,
        "ReputationMetricsEnabled": False,
    }
    assert declared[3] == expected_newsletter
    assert list(declared[3]) == list(expected_newsletter)  # the model's order

    # Loaded back into the mock, every set answers exactly what the account answered.
    unlimit(account)
    live = read_everything(account.endpoint_url, KEYS)
    with mock_ses(yaml=str(out)):
        loaded = read_everything(None, KEYS)
    assert loaded == live


def test_the_same_account_gives_the_same_bytes(account: SesServer, tmp_path: Path) -> None:
    account.mock.add_configuration_set(MARKETING, region="eu-west-1")
    first = snapshot(account, tmp_path, "--region", "eu-west-1")
    second = snapshot(account, tmp_path, "--region", "eu-west-1")
    assert (first.returncode, second.returncode) == (0, 0)
    assert first.stdout == second.stdout
    document = yaml.safe_load(first.stdout)
    # One region: it is the file's, and the declarations name none.
    assert document["region"] == "eu-west-1"
    assert [set(d) & {"region"} for d in document["configuration_sets"]] == [set()]
    # Without SOURCE_DATE_EPOCH the header says today (UTC), to the day only.
    today = snapshot(account, tmp_path, "--region", "eu-west-1", SOURCE_DATE_EPOCH=None)
    assert re.match(
        r"# on \d{4}-\d\d-\d\d \(UTC\), from eu-west-1: 1 configuration set\.$",
        today.stdout.splitlines()[2],
    )
    assert today.stdout.splitlines()[3:] == first.stdout.splitlines()[3:]
    assert [call for call in account.mock.calls if call.throttled] == []


# -- pagination, --name, pacing, throttling ------------------------------------------------------


def test_every_page_is_listed_and_name_patterns_choose(account: SesServer, tmp_path: Path) -> None:
    for number in range(1000):
        account.mock.add_configuration_set({"Name": f"set-{number:04d}"}, region="us-east-1")
    account.mock.add_configuration_set({"Name": "zz-last-1"}, region="us-east-1")
    account.mock.add_configuration_set(MARKETING, region="us-east-1")
    account.mock.add_configuration_set({"Name": "zz-last-2"}, region="us-east-1")

    done = snapshot(
        account, tmp_path, "--region", "us-east-1", "--name", "zz-*", "--name", "mark?ting"
    )
    assert done.returncode == 0, done.stderr
    assert region_lines(done.stderr) == [
        "us-east-1: 3 configuration sets read (of 1003 listed) in N s"
    ]
    names = [d["Name"] for d in yaml.safe_load(done.stdout)["configuration_sets"]]
    assert names == ["marketing", "zz-last-1", "zz-last-2"]  # the last two from page two

    lists = [
        call.params for call in account.mock.calls if call.operation == "ListConfigurationSets"
    ]
    assert len(lists) == 2
    assert lists[0] == {"MaxItems": 1000}
    assert lists[1]["MaxItems"] == 1000
    assert lists[1]["NextToken"]
    described = [
        call.params["ConfigurationSetName"]
        for call in account.mock.calls
        if call.operation == "DescribeConfigurationSet"
    ]
    assert described == ["marketing", "zz-last-1", "zz-last-2"]
    assert [call for call in account.mock.calls if call.throttled] == []

    nothing = snapshot(account, tmp_path, "--region", "us-east-1", "--name", "zz-lats-*")
    assert (nothing.returncode, nothing.stdout) == (2, "")
    assert (
        nothing.stderr
        == f"{ERROR}--name 'zz-lats-*' matches no configuration set; did you mean 'zz-last-2'?\n"
    )


def test_throttling_is_waited_out_not_fatal(account: SesServer, tmp_path: Path) -> None:
    account.mock.add_configuration_set(MARKETING, region="us-east-1")
    account.mock.add_error("Throttling", operation="DescribeConfigurationSet", times=2)
    account.mock.add_error("TooManyRequestsException", operation="sesv2:GetConfigurationSet")

    done = snapshot(account, tmp_path, "--region", "us-east-1")
    assert done.returncode == 0, done.stderr
    assert yaml.safe_load(done.stdout)["configuration_sets"] == [MARKETING]
    assert region_lines(done.stderr) == [
        "us-east-1: 1 configuration set read in N s; 3 throttled calls retried"
    ]
    answered = [(call.operation, call.status, call.error_code) for call in account.mock.calls]
    assert answered == [
        ("ListConfigurationSets", 200, None),
        ("DescribeConfigurationSet", 400, "Throttling"),
        ("DescribeConfigurationSet", 400, "Throttling"),
        ("DescribeConfigurationSet", 200, None),
        ("GetConfigurationSet", 429, "TooManyRequestsException"),
        ("GetConfigurationSet", 200, None),
        ("GetConfigurationSetEventDestinations", 200, None),
    ]
    # Retries are paced too: none of them came faster than SES's rate.
    assert [call for call in account.mock.calls if call.throttled] == []


def test_progress_on_a_terminal(account: SesServer, tmp_path: Path) -> None:
    account.mock.add_configuration_set(MARKETING, region="us-east-1")
    account.mock.add_configuration_set({"Name": "bare"}, region="us-east-1")
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            command(account, "--region", "us-east-1"),
            env=environment(tmp_path),
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
        )
    finally:
        os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # Linux: EIO once the other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    stdout, _ = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0
    shown = b"".join(chunks).decode()
    assert "\r\x1b[Kus-east-1: listing configuration sets" in shown
    assert "\r\x1b[Kus-east-1: 0/2 configuration sets, about 2 s left" in shown
    # (the estimate after one set is what that set took, at least a second: not asserted)
    assert re.search(r"\r\x1b\[Kus-east-1: 1/2 configuration sets, about \d+ s left", shown)
    assert re.search(r"\r\x1b\[Kus-east-1: 2 configuration sets read in \d+ s\r?\n$", shown)
    assert yaml.safe_load(stdout)["region"] == "us-east-1"


# -- --check ---------------------------------------------------------------------------------------


def test_check_finds_no_drift_then_each_kind_of_drift(account: SesServer, tmp_path: Path) -> None:
    account.mock.add_configuration_set(MARKETING, region="us-east-1")
    account.mock.add_configuration_set({"Name": "bare"}, region="us-east-1")
    made = snapshot(account, tmp_path, "--region", "us-east-1", "--output", "ses_mock.yaml")
    assert made.returncode == 0, made.stderr
    before = (tmp_path / "ses_mock.yaml").read_bytes()

    same = snapshot(account, tmp_path, "--check", "ses_mock.yaml")
    assert (same.returncode, same.stdout) == (
        0,
        "ses_mock.yaml matches the account: 2 configuration sets in us-east-1\n",
    )
    assert region_lines(same.stderr) == ["us-east-1: 2 configuration sets read in N s"]

    # Someone changes production.
    unlimit(account)
    ses = boto3.client(
        "ses",
        region_name="us-east-1",
        endpoint_url=account.endpoint_url,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="not-a-secret",
    )
    ses.update_configuration_set_event_destination(
        ConfigurationSetName="marketing",
        EventDestination={**MARKETING["EventDestinations"][0], "Enabled": False},
    )
    ses.put_configuration_set_delivery_options(ConfigurationSetName="marketing")
    ses.delete_configuration_set(ConfigurationSetName="bare")
    ses.create_configuration_set(ConfigurationSet={"Name": "created"})
    account.mock.clear_calls()

    drifted = snapshot(account, tmp_path, "--check", "ses_mock.yaml")
    assert drifted.returncode == 1, drifted.stderr
    assert drifted.stdout.splitlines() == [
        "removed: us-east-1/bare (in the file, not in the account)",
        "added: us-east-1/created (in the account, not in the file)",
        "changed: us-east-1/marketing",
        "  EventDestinations['to-sns'].Enabled: true in the file, false in the account",
        '  DeliveryOptions: {"TlsPolicy": "Require"} in the file; not in the account',
        "ses_mock.yaml differs from the account: 1 added, 1 removed, 1 changed "
        "(of 3 configuration sets in us-east-1)",
    ]
    assert (tmp_path / "ses_mock.yaml").read_bytes() == before  # a check writes nothing
    assert {(call.api, call.operation) for call in account.mock.calls} <= READ_OPERATIONS

    # --name narrows both sides.
    narrowed = snapshot(account, tmp_path, "--check", "ses_mock.yaml", "--name", "bare")
    assert narrowed.returncode == 1
    assert (
        narrowed.stdout.splitlines()[0]
        == "removed: us-east-1/bare (in the file, not in the account)"
    )


def test_check_compares_meaning_not_spelling(account: SesServer, tmp_path: Path) -> None:
    """A hand-written file in v2's spelling matches the account when it means the same."""
    account.mock.add_configuration_set(MARKETING, region="us-east-1")
    (tmp_path / "hand.yaml").write_text(
        "region: us-east-1\n"
        "configuration_sets:\n"
        "  - ConfigurationSetName: marketing\n"
        "    EventDestinations:\n"
        "      - {Name: to-sns, Enabled: true, MatchingEventTypes: [SEND, BOUNCE, COMPLAINT],\n"
        f"         SnsDestination: {{TopicArn: '{TOPIC}'}}}}\n"
        "      - Name: to-cloudwatch\n"
        "        MatchingEventTypes: [OPEN, CLICK]\n"
        "        CloudWatchDestination:\n"
        "          DimensionConfigurations:\n"
        "            - {DimensionName: campaign, DimensionValueSource: MESSAGE_TAG,\n"
        "               DefaultDimensionValue: none}\n"
        "    TrackingOptions: {CustomRedirectDomain: track.example.com}\n"
        "    DeliveryOptions: {TlsPolicy: REQUIRE}\n"
        "    ReputationOptions: {ReputationMetricsEnabled: true,\n"
        "                        LastFreshStart: '2024-03-01T12:34:56.789Z'}\n",
        encoding="utf-8",
    )
    done = snapshot(account, tmp_path, "--check", "hand.yaml")
    assert (done.returncode, done.stdout) == (
        0,
        "hand.yaml matches the account: 1 configuration set in us-east-1\n",
    )


# -- errors: one line, a status, nothing written -------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _NotSes(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = b"<html><body>It works!</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def not_ses() -> Iterator[str]:
    """A web server that is not SES."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotSes)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("case", "status", "message"),
    [
        pytest.param(
            "no-credentials",
            3,
            "no AWS credentials found in the environment, config files or SSO: set "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile with --profile or "
            "AWS_PROFILE, or run 'aws sso login'",
            id="no-credentials",
        ),
        pytest.param(
            "denied-listing",
            3,
            "access denied: ListConfigurationSets in us-east-1 at {url}: AccessDenied: "
            "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
            "ses:ListConfigurationSets",
            id="access-denied",
        ),
        pytest.param(
            "denied-later",
            3,
            "access denied: GetConfigurationSet in eu-west-1 at {url}: AccessDeniedException: "
            "not for you",
            id="access-denied-in-the-second-region",
        ),
        pytest.param(
            "unknown-region",
            2,
            "--region 'eu-wset-1' is not an AWS region botocore {botocore} knows; did you mean "
            "'eu-west-1'?",
            id="unknown-region",
        ),
        pytest.param(
            "unreachable",
            3,
            "cannot reach SES: ListConfigurationSets in us-east-1 at {url}: Could not connect to "
            'the endpoint URL: "{url}"',
            id="unreachable-endpoint",
        ),
        pytest.param(
            "not-ses",
            3,
            "ListConfigurationSets in us-east-1 at {url}: the answer is not SES's: ",
            id="endpoint-that-is-not-ses",
        ),
        pytest.param(
            "unknown-profile",
            2,
            "--profile 'prod': no such profile in the AWS config and credentials files.",
            id="unknown-profile",
        ),
        pytest.param(
            "unknown-environment-profile",
            2,
            "AWS_PROFILE 'staging': no such profile in the AWS config and credentials files; "
            "did you mean 'stage'?",
            id="unknown-profile-from-the-environment",
        ),
        pytest.param(
            "no-region",
            2,
            "no region: give --region REGION (repeat it for more), or set AWS_DEFAULT_REGION "
            "or the profile's region",
            id="no-region",
        ),
        pytest.param(
            "missing-directory",
            2,
            "--output missing/ses_mock.yaml: directory missing does not exist",
            id="output-directory-missing",
        ),
    ],
)
def test_errors_are_one_line_and_leave_no_file(
    account: SesServer, not_ses: str, tmp_path: Path, case: str, status: int, message: str
) -> None:
    import botocore

    fill(account)
    (tmp_path / "ses_mock.yaml").write_text("# the file from last time\n", encoding="utf-8")
    url = account.endpoint_url
    args = ["--region", "us-east-1", "--region", "eu-west-1", "--output", "ses_mock.yaml"]
    env: dict[str, str | None] = {}
    if case == "no-credentials":
        env = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}
    elif case == "denied-listing":
        account.mock.add_error(
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
            "ses:ListConfigurationSets",
            operation="ListConfigurationSets",
        )
    elif case == "denied-later":
        # us-east-1 is read in full first; the failure comes in the second region.
        account.mock.add_configuration_set({"Name": "zz-dublin"}, region="eu-west-1")
        account.mock.add_error(
            "AccessDeniedException",
            "not for you",
            403,
            operation="sesv2:GetConfigurationSet",
            configuration_set="zz-dublin",
        )
    elif case == "unknown-region":
        args[3] = "eu-wset-1"
    elif case == "unreachable":
        url = f"http://127.0.0.1:{closed_port()}/"
    elif case == "not-ses":
        url = not_ses
    elif case == "unknown-profile":
        args += ["--profile", "prod"]
    elif case == "unknown-environment-profile":
        config = tmp_path.parent / f"{tmp_path.name}-aws-config"  # beside: tmp_path stays clean
        config.write_text("[profile stage]\nregion = eu-west-1\n", encoding="utf-8")
        env = {"AWS_PROFILE": "staging", "AWS_CONFIG_FILE": str(config)}
    elif case == "no-region":
        args = ["--output", "ses_mock.yaml"]
    elif case == "missing-directory":
        args = ["--region", "us-east-1", "--output", "missing/ses_mock.yaml"]

    done = snapshot(url, tmp_path, *args, **env)
    expected = message.format(url=url, botocore=botocore.__version__)
    assert done.returncode == status
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[-1].startswith(ERROR + expected), done.stderr
    assert "Traceback" not in done.stderr
    # Before the failure only whole regions were reported; the file is as it was, nothing else.
    assert all(re.fullmatch(r"[a-z0-9-]+: .* read in \d+ s", line) for line in lines[:-1])
    assert (tmp_path / "ses_mock.yaml").read_text(encoding="utf-8") == "# the file from last time\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ses_mock.yaml"]
    assert {(call.api, call.operation) for call in account.mock.calls} <= READ_OPERATIONS


def test_a_check_file_with_a_mistake_is_refused_with_its_place(
    account: SesServer, tmp_path: Path
) -> None:
    (tmp_path / "ses_mock.yaml").write_text(
        "configuration_sets:\n  - Name: marketing\n    DeliveryOptions: {TlsPolicy: Sometimes}\n",
        encoding="utf-8",
    )
    done = snapshot(account, tmp_path, "--region", "us-east-1", "--check", "ses_mock.yaml")
    assert (done.returncode, done.stdout) == (2, "")
    path = (tmp_path / "ses_mock.yaml").resolve()
    assert done.stderr == (
        f"{ERROR}--check: {path}:3:23: configuration_sets[0].DeliveryOptions.TlsPolicy: "
        "'Sometimes' is not one of Require, Optional\n"
    )
    assert account.mock.calls == []  # refused before any call


def test_output_and_check_together_are_a_usage_error(tmp_path: Path) -> None:
    done = snapshot(None, tmp_path, "--output", "a.yaml", "--check", "b.yaml")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"{ERROR}argument --check: not allowed with argument --output (see --help)\n"
    )


def test_ctrl_c_leaves_no_file(account: SesServer, tmp_path: Path) -> None:
    fill(account)
    process = subprocess.Popen(
        command(account, "--region", "us-east-1", "--output", "ses_mock.yaml"),
        env=environment(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + TIMEOUT
    while not any(c.operation == "DescribeConfigurationSet" for c in account.mock.calls):
        assert process.poll() is None
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)  # mid-run: one set read, two to go
    stdout, stderr = process.communicate(timeout=TIMEOUT)
    assert (process.returncode, stdout) == (130, "")
    assert stderr == "python -m pytest_sesmock snapshot: interrupted; nothing written\n"
    assert list(tmp_path.iterdir()) == []


# -- what the comparisons say ---------------------------------------------------------------------


def answers(**get: Any) -> SetAnswers:
    describe = {
        "ConfigurationSet": {"Name": "x"},
        "EventDestinations": [],
        "ReputationOptions": {"SendingEnabled": True, "ReputationMetricsEnabled": False},
    }
    return SetAnswers(
        describe,
        {
            "ConfigurationSetName": "x",
            "ReputationOptions": {"ReputationMetricsEnabled": False},
            "SendingOptions": {"SendingEnabled": True},
            **get,
        },
        {"EventDestinations": []},
    )


def test_a_set_the_mock_cannot_answer_exactly_is_named_in_a_warning() -> None:
    """SES answering something the format cannot hold (here: no ``Tags`` at all, where the
    mock always answers a list) is told, not hidden."""
    stream = io.StringIO()
    found = answers()  # no Tags
    text = "region: us-east-1\nconfiguration_sets:\n  - Name: x\n"
    _verify(text, None, ["us-east-1"], {("us-east-1", "x"): found}, Progress(stream, live=False))
    assert stream.getvalue() == (
        "warning: us-east-1/x: loaded into the mock, the file will not answer exactly what SES "
        "answered: GetConfigurationSet Tags: [] in the mock; not in SES\n"
    )
    quiet = io.StringIO()
    _verify(
        text,
        None,
        ["us-east-1"],
        {("us-east-1", "x"): answers(Tags=[])},
        Progress(quiet, live=False),
    )
    assert quiet.getvalue() == ""


def test_drift_of_destinations_is_told_by_name_and_by_spelling() -> None:
    sns = {
        "Name": "a",
        "Enabled": True,
        "MatchingEventTypes": ["SEND"],
        "SnsDestination": {"TopicArn": TOPIC},
    }
    bus = {
        "Name": "b",
        "Enabled": True,
        "MatchingEventTypes": ["SEND"],
        "EventBridgeDestination": {
            "EventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/default"
        },
    }
    in_file = answers()
    in_file.destinations["EventDestinations"] = [sns]  # type: ignore[index]
    in_account = answers()
    in_account.destinations["EventDestinations"] = [
        bus,
        {**sns, "MatchingEventTypes": ["SEND", "DELIVERY_DELAY"]},
    ]  # type: ignore[index]
    (drift,) = compare({("us-east-1", "x"): in_file}, {("us-east-1", "x"): in_account})
    # The file's section is v1's spelling, the account's v2's: both are compared in v2's.
    assert drift.lines() == [
        "changed: us-east-1/x",
        "  EventDestinations['a'].MatchingEventTypes: [\"SEND\"] in the file, "
        '["SEND", "DELIVERY_DELAY"] in the account',
        "  EventDestinations['b']: not in the file; "
        '{"Name": "b", "Enabled": true, "MatchingEventTypes": ["SEND"], '
        '"EventBridgeDestination": {"EventBusArn": '
        '"arn:aws:events:us-east-1:123456789012:event-bus/default"}} in the account',
    ]
    reordered = answers()
    reordered.destinations["EventDestinations"] = [bus, sns]  # type: ignore[index]
    in_order = answers()
    in_order.destinations["EventDestinations"] = [sns, bus]  # type: ignore[index]
    (moved,) = compare({("us-east-1", "x"): in_order}, {("us-east-1", "x"): reordered})
    assert moved.changes == (
        'EventDestinations: the same destinations in another order: ["a", "b"] in the file, '
        '["b", "a"] in the account',
    )


# -- the pieces that keep the command honest -----------------------------------------------------


def test_pacer_spaces_each_operation_from_its_last_answer() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        now[0] += seconds

    pacer = Pacer(clock=lambda: now[0], sleep=sleep)
    describe, listing = ("us-east-1", "ses", "Describe"), ("us-east-1", "ses", "List")
    pacer.wait(describe)  # the first call goes at once
    now[0] += 0.3  # the answer takes 0.3 s
    pacer.answered(describe)
    pacer.wait(listing)  # another operation has its own budget
    pacer.wait(describe)  # a second after the answer, plus a small margin
    now[0] += 0.1
    pacer.answered(describe, wait=5.0)  # throttled: the backoff is longer than the interval
    pacer.wait(describe)
    assert slept == [1.02, 5.0]


def test_backoff_grows_with_jitter_between_the_rate_and_its_cap() -> None:
    for attempt, (low, high) in {1: (1, 1), 2: (1, 2), 3: (1, 4), 5: (8, 16), 12: (10, 20)}.items():
        for _ in range(50):
            assert low <= backoff(attempt) <= high


def test_the_reader_refuses_to_write_before_sending(tmp_path: Path) -> None:
    # A closed port: had the guard let the call through, it would fail to connect instead.
    reader = Reader(
        Session(),
        endpoint_url=f"http://127.0.0.1:{closed_port()}/",
        credentials=("AKIDEXAMPLE", "not-a-secret"),
    )
    client = reader.client("ses", "us-east-1")
    with pytest.raises(SnapshotError, match="refused to call CreateConfigurationSet: the snapshot"):
        client.create_configuration_set(ConfigurationSet={"Name": "x"})
    v2 = reader.client("sesv2", "us-east-1")
    with pytest.raises(SnapshotError, match="refused to call PutConfigurationSetSendingOptions"):
        v2.put_configuration_set_sending_options(ConfigurationSetName="x", SendingEnabled=False)


def test_the_readme_example_file_is_what_the_command_writes(
    account: SesServer, tmp_path: Path
) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    shown = readme.split("### The file\n", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    for declared in yaml.safe_load(shown)["configuration_sets"]:
        account.mock.add_configuration_set(declared, region="us-east-1")
    done = snapshot(account, tmp_path, "--region", "us-east-1", "--output", "ses_mock.yaml")
    assert done.returncode == 0, done.stderr
    written = (tmp_path / "ses_mock.yaml").read_text(encoding="utf-8").splitlines()
    # The README's command has no --endpoint-url: the account is real there.
    assert written[1] == (
        f"#   python -m pytest_sesmock snapshot --endpoint-url {account.endpoint_url} --pace "
        "--region us-east-1 --output ses_mock.yaml"
    )
    written[1] = "#   python -m pytest_sesmock snapshot --region us-east-1 --output ses_mock.yaml"
    assert written == shown.splitlines()


def test_a_local_endpoint_is_read_as_fast_as_it_answers(account: SesServer, tmp_path: Path) -> None:
    """Without ``--pace``, a local endpoint is not paced at SES's rate: three sets from a local
    server took three seconds of waiting for nothing."""
    for name in ("one", "two", "three"):
        account.mock.add_configuration_set({"Name": name}, region="us-east-1")
    account.mock.rate_limit = "off"  # a local server that does not throttle (its Throttling is
    # waited out, as the tests above show)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest_sesmock",
            "snapshot",
            "--endpoint-url",
            account.endpoint_url,
            "--region",
            "us-east-1",
        ],
        env=environment(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    names = [entry["Name"] for entry in yaml.safe_load(done.stdout)["configuration_sets"]]
    assert names == ["one", "three", "two"]
    describes = [c.time for c in account.mock.calls if c.operation == "DescribeConfigurationSet"]
    assert len(describes) == 3
    assert describes[-1] - describes[0] < 1.0  # paced, they were a second apart each
