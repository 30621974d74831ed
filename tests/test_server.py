"""Server mode: ``SesServer``, ``python -m pytest_sesmock serve`` and the ``ses_mock_server``
fixture, through real clients (the AWS CLI, boto3, hand-signed urllib) on 127.0.0.1 only.

Inside a test with an active mock, botocore and ``requests`` are answered in-process and never
reach a socket, so over-the-wire Python calls here use ``urllib`` (which nothing intercepts), or
boto3 against a ``SesServer`` whose mock is not active, or another process.
"""

from __future__ import annotations

import base64
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from conftest import SNS_DESTINATION

from pytest_sesmock import SesMock
from pytest_sesmock.adapters import botocore as interception
from pytest_sesmock.server import MAX_BODY, MAX_HEADER, SesServer
from pytest_sesmock.state.records import STORE_BYTES

NS = "{http://ses.amazonaws.com/doc/2010-12-01/}"
TIMEOUT = 60  # seconds any subprocess or socket may take: every wait here is bounded
CREDENTIALS = Credentials("AKIDEXAMPLE", "not-a-secret")
FORM_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
# Proxies from the environment must not see requests to 127.0.0.1.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# A set whose sends publish a Send and a Delivery event each: the long server runs use it.
SENDING_YAML = (
    "configuration_sets:\n"
    "  - Name: sending\n"
    "    EventDestinations:\n"
    "      - Name: to-sns\n"
    "        Enabled: true\n"
    "        MatchingEventTypes: [send, delivery]\n"
    "        SNSDestination: {TopicARN: 'arn:aws:sns:us-east-1:123456789012:events'}\n"
)
MARKETING = {
    "Name": "marketing",
    "EventDestinations": [SNS_DESTINATION],
    "TrackingOptions": {"CustomRedirectDomain": "track.example.com"},
    "ReputationOptions": {"ReputationMetricsEnabled": True},
}


# -- clients -------------------------------------------------------------------------------------


@dataclass
class Answer:
    """One HTTP answer of the server."""

    status: int
    headers: Message
    body: bytes

    def root(self) -> ET.Element:
        assert self.headers["Content-Type"] == "text/xml"
        return ET.fromstring(self.body)

    def error(self) -> tuple[str | None, str | None, str | None]:
        """(Type, Code, Message) of a Query ``ErrorResponse``, checking its request id."""
        root = self.root()
        assert root.tag == f"{NS}ErrorResponse"
        assert root.findtext(f"{NS}RequestId") == self.headers["x-amzn-RequestId"]
        return (
            root.findtext(f"{NS}Error/{NS}Type"),
            root.findtext(f"{NS}Error/{NS}Code"),
            root.findtext(f"{NS}Error/{NS}Message"),
        )


def send(
    url: str,
    form: dict[str, str] | None = None,
    *,
    region: str = "us-east-1",
    method: str = "POST",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    sign: bool = True,
) -> Answer:
    """A Query request made by hand, signed with SigV4 as SDKs sign it (unless ``sign=False``)."""
    all_headers = dict(headers or {})
    if form is not None and method == "GET":
        url, body = f"{url}?{urlencode(form)}", None
    elif form is not None:
        body = urlencode(form).encode()
        all_headers.setdefault("Content-Type", FORM_TYPE)
    if sign:
        request = AWSRequest(method=method, url=url, data=body, headers=all_headers)
        SigV4Auth(CREDENTIALS, "ses", region).add_auth(request)
        all_headers = dict(request.headers.items())
    prepared = urllib.request.Request(url, data=body, headers=all_headers, method=method)
    try:
        with OPENER.open(prepared, timeout=TIMEOUT) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, error.headers, error.read())


def describe(url: str, name: str = "marketing", *, region: str = "us-east-1") -> Answer:
    form = {"Action": "DescribeConfigurationSet", "Version": "2010-12-01"}
    return send(url, {**form, "ConfigurationSetName": name}, region=region)


def described_name(answer: Answer) -> str | None:
    assert answer.status == 200, answer.body
    return answer.root().findtext(f".//{NS}ConfigurationSet/{NS}Name")


def raw(url: str, data: bytes) -> tuple[int, bytes, bytes]:
    """Bytes written straight to the server's socket: (status, head, body) of its answer."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):  # these answers all close the connection
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    return int(head.split()[1]), head, body


def raw_error(body: bytes) -> tuple[str | None, str | None]:
    root = ET.fromstring(body)
    return root.findtext(f"{NS}Error/{NS}Code"), root.findtext(f"{NS}Error/{NS}Message")


def aws_environment(tmp_path: Path) -> dict[str, str]:
    """A subprocess environment with fake credentials and no way to real AWS or a proxy."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(
        AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY="not-a-secret",
        AWS_CONFIG_FILE=str(tmp_path / "no-such-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-such-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_PAGER="",
        NO_PROXY="127.0.0.1,localhost",
    )
    return env


def aws(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The AWS CLI (v1, from PyPI: ``awscli``, a test dependency), as a user runs it.

    Never imported into the test process: importing awscli puts its own vendored s3transfer in
    place of the installed one, which breaks boto3 (and moto) beside an older botocore.
    """
    return subprocess.run(
        [sys.executable, "-m", "awscli", *args],
        env=aws_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


# -- the AWS CLI against the fixture ---------------------------------------------------------------


def test_aws_cli_describes_a_set(ses_mock_server: SesServer, tmp_path: Path) -> None:
    ses_mock_server.mock.add_configuration_set(MARKETING)
    common = ["ses", "describe-configuration-set", "--endpoint-url", ses_mock_server.endpoint_url]
    common += ["--region", "us-east-1", "--configuration-set-name", "marketing"]

    plain = aws(tmp_path, *common)
    assert (plain.returncode, plain.stderr) == (0, "")
    assert json.loads(plain.stdout) == {"ConfigurationSet": {"Name": "marketing"}}

    attributes = ["--configuration-set-attribute-names", "eventDestinations", "reputationOptions"]
    sections = aws(tmp_path, *common, *attributes)
    assert (sections.returncode, sections.stderr) == (0, "")
    assert json.loads(sections.stdout) == {
        "ConfigurationSet": {"Name": "marketing"},
        "EventDestinations": [
            {
                "Name": "to-sns",
                "Enabled": True,
                "MatchingEventTypes": ["send", "bounce"],
                "SNSDestination": {"TopicARN": "arn:aws:sns:us-east-1:123456789012:ses-events"},
            }
        ],
        "ReputationOptions": {"SendingEnabled": True, "ReputationMetricsEnabled": True},
    }

    calls = ses_mock_server.mock.calls
    assert [(c.operation, c.region, c.status, c.attempt) for c in calls] == [
        ("DescribeConfigurationSet", "us-east-1", 200, 1),
        ("DescribeConfigurationSet", "us-east-1", 200, 1),
    ]
    assert calls[0].params == {"ConfigurationSetName": "marketing"}
    assert calls[1].params == {
        "ConfigurationSetName": "marketing",
        "ConfigurationSetAttributeNames": ["eventDestinations", "reputationOptions"],
    }


def test_aws_cli_errors(ses_mock_server: SesServer, tmp_path: Path) -> None:
    ses_mock_server.mock.add_configuration_set(MARKETING)  # in us-east-1
    command = ["ses", "describe-configuration-set", "--endpoint-url", ses_mock_server.endpoint_url]

    unknown = aws(tmp_path, *command, "--region", "us-east-1", "--configuration-set-name", "nope")
    # AWS CLI v1 (the one on PyPI) exits 255 for a service error; v2 would exit 254.
    assert (unknown.returncode, unknown.stdout) == (255, "")
    assert "(ConfigurationSetDoesNotExist)" in unknown.stderr
    assert "Configuration set <nope> does not exist." in unknown.stderr

    # The region is the one the CLI signs for: the set lives in us-east-1 only.
    elsewhere = aws(
        tmp_path, *command, "--region", "eu-west-1", "--configuration-set-name", "marketing"
    )
    assert elsewhere.returncode == 255
    assert "(ConfigurationSetDoesNotExist)" in elsewhere.stderr

    assert [(c.region, c.params, c.status, c.error_code) for c in ses_mock_server.mock.calls] == [
        ("us-east-1", {"ConfigurationSetName": "nope"}, 400, "ConfigurationSetDoesNotExist"),
        ("eu-west-1", {"ConfigurationSetName": "marketing"}, 400, "ConfigurationSetDoesNotExist"),
    ]


def test_aws_cli_sends_through_a_set(ses_mock_server: SesServer, tmp_path: Path) -> None:
    """A program in another process sends: the set is checked, the events are kept."""
    ses_mock_server.mock.add_configuration_set(MARKETING)
    endpoint = ["--endpoint-url", ses_mock_server.endpoint_url, "--region", "us-east-1"]
    message = ["--subject", "Hi", "--text", "Hello", "--from", "sender@example.com"]
    sent = aws(
        tmp_path,
        "ses",
        "send-email",
        *endpoint,
        *message,
        "--to",
        "bounce@simulator.amazonses.com",
        "--configuration-set-name",
        "marketing",
    )
    assert (sent.returncode, sent.stderr) == (0, "")
    message_id = json.loads(sent.stdout)["MessageId"]
    assert message_id.endswith("-000000")
    mock = ses_mock_server.mock
    assert [(e.event_type, e.message_id) for e in mock.events] == [
        ("Send", message_id),
        ("Bounce", message_id),
    ]
    typo = aws(
        tmp_path,
        "sesv2",
        "send-email",
        *endpoint,
        "--from-email-address",
        "sender@example.com",
        "--destination",
        "ToAddresses=success@simulator.amazonses.com",
        "--content",
        "Simple={Subject={Data=Hi},Body={Text={Data=Hello}}}",
        "--configuration-set-name",
        "marketng",
    )
    assert typo.returncode != 0
    assert "NotFoundException" in typo.stderr
    assert "Configuration set <marketng> does not exist." in typo.stderr
    assert [c.status for c in mock.calls] == [200, 404]


def test_aws_cli_sesv2_commands(ses_mock_server: SesServer, tmp_path: Path) -> None:
    """SES v2 over HTTP: the CLI's bundled botocore (its own model, its own List route)."""
    ses_mock_server.mock.add_configuration_set(MARKETING)  # declared in v1's spelling
    endpoint = ["--endpoint-url", ses_mock_server.endpoint_url, "--region", "us-east-1"]

    created = aws(
        tmp_path,
        "sesv2",
        "create-configuration-set",
        "--configuration-set-name",
        "from-cli",
        "--sending-options",
        "SendingEnabled=false",
        *endpoint,
    )
    assert (created.returncode, created.stderr) == (0, "")
    got = aws(
        tmp_path,
        "sesv2",
        "get-configuration-set",
        "--configuration-set-name",
        "from-cli",
        *endpoint,
    )
    assert (got.returncode, got.stderr) == (0, "")
    assert json.loads(got.stdout) == {
        "ConfigurationSetName": "from-cli",
        "ReputationOptions": {"ReputationMetricsEnabled": True},
        "SendingOptions": {"SendingEnabled": False},
        "Tags": [],
    }
    destinations = aws(
        tmp_path,
        "sesv2",
        "get-configuration-set-event-destinations",
        "--configuration-set-name",
        "marketing",
        *endpoint,
    )
    assert json.loads(destinations.stdout)["EventDestinations"] == [
        {
            "Name": "to-sns",
            "Enabled": True,
            "MatchingEventTypes": ["SEND", "BOUNCE"],
            "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:ses-events"},
        }
    ]
    listed = aws(tmp_path, "sesv2", "list-configuration-sets", "--page-size", "1", *endpoint)
    assert (listed.returncode, listed.stderr) == (0, "")
    assert json.loads(listed.stdout)["ConfigurationSets"] == ["from-cli"]
    # v1 reads what v2 wrote
    v1 = aws(
        tmp_path,
        "ses",
        "describe-configuration-set",
        "--configuration-set-name",
        "from-cli",
        "--configuration-set-attribute-names",
        "reputationOptions",
        *endpoint,
    )
    assert json.loads(v1.stdout)["ReputationOptions"] == {
        "SendingEnabled": False,
        "ReputationMetricsEnabled": True,
    }
    missing = aws(
        tmp_path, "sesv2", "get-configuration-set", "--configuration-set-name", "nope", *endpoint
    )
    assert missing.returncode == 255
    assert "(NotFoundException)" in missing.stderr
    assert "Configuration set <nope> does not exist." in missing.stderr
    assert [(c.api, c.operation, c.status) for c in ses_mock_server.mock.calls] == [
        ("sesv2", "CreateConfigurationSet", 200),
        ("sesv2", "GetConfigurationSet", 200),
        ("sesv2", "GetConfigurationSetEventDestinations", 200),
        ("sesv2", "ListConfigurationSets", 200),
        ("ses", "DescribeConfigurationSet", 200),
        ("sesv2", "GetConfigurationSet", 404),
    ]


def test_an_unserved_v2_route_is_a_json_error(ses_mock_server: SesServer) -> None:
    url = ses_mock_server.endpoint_url + "v2/email/identities/a%40example.com/configuration-set"
    answer = send(
        url,
        method="PUT",
        body=b'{"ConfigurationSetName": "x"}',
        headers={"Content-Type": "application/json"},
    )
    assert answer.status == 404
    assert answer.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    error = json.loads(answer.body)
    assert error["__type"] == "UnknownOperationException"
    assert "GetConfigurationSet" in error["message"]
    assert ses_mock_server.mock.calls == []


# -- boto3 over the wire ---------------------------------------------------------------------------


def test_boto3_against_a_server_without_an_active_mock() -> None:
    # With no mock active, pytest-sesmock's botocore hooks and network guard stand aside, so this
    # client really sends its requests to the server (an active mock would answer in-process).
    mock = SesMock()
    mock.add_configuration_set(MARKETING, region="eu-west-1")
    with SesServer(mock) as server:
        assert not interception.active
        ses = boto3.client(
            "ses",
            region_name="eu-west-1",
            endpoint_url=server.endpoint_url,
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="not-a-secret",
        )
        out = ses.describe_configuration_set(
            ConfigurationSetName="marketing", ConfigurationSetAttributeNames=["trackingOptions"]
        )
        assert out["TrackingOptions"] == {"CustomRedirectDomain": "track.example.com"}
        assert out["ResponseMetadata"]["HTTPHeaders"]["server"] == "pytest-sesmock"
        ses.create_configuration_set(ConfigurationSet={"Name": "created"})
        names = [s["Name"] for s in ses.list_configuration_sets()["ConfigurationSets"]]
        assert names == ["created", "marketing"]
        with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
            ses.delete_configuration_set(ConfigurationSetName="nope")
    assert [(c.operation, c.region) for c in mock.calls] == [
        ("DescribeConfigurationSet", "eu-west-1"),
        ("CreateConfigurationSet", "eu-west-1"),
        ("ListConfigurationSets", "eu-west-1"),
        ("DeleteConfigurationSet", "eu-west-1"),
    ]


# -- requests the server refuses -------------------------------------------------------------------

GOOD = {"Action": "DescribeConfigurationSet", "Version": "2010-12-01"}
# The server reads the region off a signature but does not check it, so this one does.
SIGNATURE = (
    b"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/ses/aws4_request, "
    b"SignedHeaders=host, Signature=0123"
)


@pytest.mark.parametrize(
    ("request_kwargs", "status", "code", "message"),
    [
        pytest.param(
            {"form": GOOD, "sign": False},
            403,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
            id="unsigned",
        ),
        pytest.param(
            {"form": GOOD, "sign": False, "headers": {"Authorization": "Basic dXNlcjpwYXNz"}},
            403,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
            id="not-sigv4",
        ),
        pytest.param(
            {
                "body": b'{"Action": "ListConfigurationSets"}',
                "headers": {"Content-Type": "application/json"},
            },
            400,
            "ValidationError",
            "The request body must be application/x-www-form-urlencoded; got Content-Type "
            "application/json.",
            id="json",
        ),
        pytest.param(
            {"body": b"Action=List\xff", "headers": {"Content-Type": FORM_TYPE}},
            400,
            "ValidationError",
            "The request body is not application/x-www-form-urlencoded data encoded as UTF-8.",
            id="not-utf-8",
        ),
        pytest.param(
            {"body": b"Action=List%FF", "headers": {"Content-Type": FORM_TYPE}},
            400,
            "ValidationError",
            "The request body is not application/x-www-form-urlencoded data encoded as UTF-8.",
            id="escape-not-utf-8",
        ),
        pytest.param(
            # Sent in full before the answer is read: the server drops it to be heard.
            {"body": b"x" * (2 * MAX_BODY), "headers": {"Content-Type": FORM_TYPE}},
            413,
            "ValidationError",
            f"The request body is {2 * MAX_BODY} bytes; pytest-sesmock accepts at most "
            f"{MAX_BODY} bytes.",
            id="too-large",
        ),
        pytest.param(
            {"form": {"Version": "2010-12-01"}},
            400,
            "InvalidAction",
            "The request has no Action parameter; pytest-sesmock serves CreateConfigurationSet, ",
            id="no-action",
        ),
        pytest.param(
            {"form": {"Action": "Frobnicate"}},
            400,
            "InvalidAction",
            "Could not find operation Frobnicate for version 2010-12-01; pytest-sesmock serves ",
            id="unknown-action",
        ),
        pytest.param(
            {"form": {"Action": "ListIdentities"}},
            400,
            "InvalidAction",
            "SES operation ListIdentities is not served by pytest-sesmock; it serves ",
            id="unserved-ses-action",
        ),
        pytest.param(
            {"form": GOOD, "method": "PUT"},
            400,
            "ValidationError",
            "HTTP method PUT is not supported; send the Query request as POST with a form body, "
            "or as GET with a query string.",
            id="put",
        ),
    ],
)
def test_bad_requests_are_answered_in_the_query_envelope(
    ses_mock_server: SesServer,
    request_kwargs: dict[str, Any],
    status: int,
    code: str,
    message: str,
) -> None:
    ses_mock_server.mock.add_configuration_set({"Name": "marketing"})
    answer = send(ses_mock_server.endpoint_url, **request_kwargs)
    assert answer.status == status
    error_type, error_code, error_message = answer.error()
    assert (error_type, error_code) == ("Sender", code)
    assert error_message is not None
    assert error_message.startswith(message)
    # Refused before the mock: nothing recorded. The server goes on answering.
    assert ses_mock_server.mock.calls == []
    assert described_name(describe(ses_mock_server.endpoint_url)) == "marketing"


@pytest.mark.parametrize(
    ("request_bytes", "status", "message"),
    [
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: " + FORM_TYPE.encode() + b"\r\n"
            b"Content-Length: %d\r\n\r\n" % (MAX_BODY + 1),
            413,
            f"The request body is {MAX_BODY + 1} bytes; pytest-sesmock accepts at most "
            f"{MAX_BODY} bytes.",
            id="too-large-announced",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n"
            % (MAX_BODY * 4),
            413,
            f"The request body is {MAX_BODY * 4} bytes; pytest-sesmock accepts at most "
            f"{MAX_BODY} bytes.",
            id="too-large-expect-100",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + b"%x\r\n%s\r\n" % (MAX_BODY, b"x" * MAX_BODY)
            + b"10\r\n0123456789abcdef\r\n0\r\n\r\n",
            413,
            f"The request body is over {MAX_BODY} bytes; pytest-sesmock accepts at most "
            f"{MAX_BODY} bytes.",
            id="too-large-chunked",
        ),
        pytest.param(
            b"GET / HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"p" * (MAX_HEADER + 1) + b"\r\n\r\n",
            431,
            f"The request line and headers are over {MAX_HEADER} bytes; pytest-sesmock accepts "
            f"at most {MAX_HEADER} bytes.",
            id="header-too-large",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n",
            400,
            "Malformed HTTP request: Content-Length is invalid.",
            id="bad-content-length",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"zz\r\nhello\r\n0\r\n\r\n",
            400,
            "Malformed HTTP request: Invalid chunk size.",
            id="bad-chunk",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
            501,
            "Transfer-Encoding requested is not supported. Send the body with a Content-Length, "
            "or chunked.",
            id="unknown-transfer-coding",
        ),
        pytest.param(
            b"GET / HTTP/2.0\r\nHost: x\r\n\r\n",
            505,
            "HTTP/2.0 is not supported; send HTTP/1.1 or HTTP/1.0.",
            id="http-2",
        ),
        pytest.param(
            # urllib always adds a Content-Type to a POST with a body; the client here does not.
            b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 9\r\n"
            b"Authorization: " + SIGNATURE + b"\r\n\r\nAction=Go",
            400,
            "The request body must be application/x-www-form-urlencoded; got Content-Type (none).",
            id="no-content-type",
        ),
        pytest.param(
            b"NONSENSE\r\n\r\n", 400, "Malformed HTTP request: Start line is invalid.", id="garbage"
        ),
        pytest.param(
            b"post / HTTP/1.1\r\nHost: x\r\n\r\n",
            400,
            'Malformed HTTP request: Malformed HTTP method "post".',
            id="lower-case-method",
        ),
    ],
)
def test_malformed_http_is_answered_in_the_query_envelope(
    ses_mock_server: SesServer, request_bytes: bytes, status: int, message: str
) -> None:
    ses_mock_server.mock.add_configuration_set({"Name": "marketing"})
    got_status, head, body = raw(ses_mock_server.endpoint_url, request_bytes)
    assert got_status == status
    headers = head.lower()
    assert b"\r\nx-amzn-requestid: " in headers
    assert b"\r\nconnection: close" in headers  # the rest of the connection cannot be trusted
    assert raw_error(body) == ("ValidationError" if status != 501 else "NotImplemented", message)
    # One answer, and the connection closed after it: nothing more (no second, unasked-for 400)
    assert body.count(b"<ErrorResponse") == 1
    assert body.endswith(b"</ErrorResponse>")
    assert ses_mock_server.mock.calls == []
    assert described_name(describe(ses_mock_server.endpoint_url)) == "marketing"


def test_a_body_of_the_largest_size_is_read(ses_mock_server: SesServer) -> None:
    ses_mock_server.mock.add_configuration_set({"Name": "marketing"})
    form = urlencode({**GOOD, "ConfigurationSetName": "marketing", "Padding": ""}).encode()
    body = form + b"x" * (MAX_BODY - len(form))  # unknown fields are ignored, as SES does
    answer = send(ses_mock_server.endpoint_url, body=body, headers={"Content-Type": FORM_TYPE})
    assert described_name(answer) == "marketing"


# -- framing attacks: a body is never run as a request ------------------------------------------


def signed_bytes(url: str, form: dict[str, str], *, close: bool = False) -> bytes:
    """A whole signed Query POST as bytes: what a client sends, or what an attacker hides."""
    body = urlencode(form).encode()
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-Type": FORM_TYPE})
    SigV4Auth(CREDENTIALS, "ses", "us-east-1").add_auth(request)
    head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in request.headers.items())
    head += f"Content-Length: {len(body)}\r\n" + ("Connection: close\r\n" if close else "")
    return (head + "\r\n").encode() + body


def read_answers(sock: socket.socket, count: int) -> list[tuple[int, bytes, bytes]]:
    """``count`` answers off a kept-alive connection, each read by its Content-Length:
    (status, head, body) each; no byte may follow the last one."""
    data, answers = b"", []
    while len(answers) < count:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            assert chunk, f"the server closed the connection; got {data!r}"
            data += chunk
        head, _, data = data.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(data) < length:
            chunk = sock.recv(65536)
            assert chunk, "the server closed the connection mid-answer"
            data += chunk
        answers.append((int(head.split()[1]), head, data[:length]))
        data = data[length:]
    assert data == b"", "more bytes than the answers asked for: something else was answered"
    return answers


def read_answer(sock: socket.socket) -> tuple[int, bytes, bytes]:
    """One answer off a kept-alive connection: (status, head, body), read by Content-Length."""
    return read_answers(sock, 1)[0]


def connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    return socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT)


def closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(65536) == b""
    except ConnectionResetError:
        return True


def smuggled_nothing(server: SesServer) -> None:
    """The hidden CreateConfigurationSet never ran, and the server serves as before."""
    assert server.mock.calls_of("CreateConfigurationSet") == []
    assert server.mock.backend.find(("123456789012", "us-east-1", "smuggled")) is None
    assert described_name(describe(server.endpoint_url)) == "marketing"


CREATE_SMUGGLED = {
    "Action": "CreateConfigurationSet",
    "Version": "2010-12-01",
    "ConfigurationSet.Name": "smuggled",
}
AUTHORIZATION = b"Authorization: " + SIGNATURE + b"\r\n"


@pytest.mark.parametrize(
    ("head", "status", "code"),
    [
        pytest.param(b"PUT / HTTP/1.1\r\n", 400, "ValidationError", id="PUT"),
        pytest.param(b"DELETE / HTTP/1.1\r\n", 400, "ValidationError", id="DELETE"),
        pytest.param(b"PATCH / HTTP/1.1\r\n", 400, "ValidationError", id="PATCH"),
        pytest.param(
            b"PUT /v2/email/identities/a%40example.com/configuration-set HTTP/1.1\r\n",
            404,
            "UnknownOperationException",
            id="unserved-v2-route",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nContent-Type: " + FORM_TYPE.encode() + b"\r\n",
            400,
            "InvalidAction",
            id="POST-of-a-request",
        ),
    ],
)
def test_a_body_is_read_as_a_body_whatever_the_method(
    ses_mock_server: SesServer, head: bytes, status: int, code: str
) -> None:
    """The body (a whole CreateConfigurationSet) is read and refused; the connection goes on."""
    ses_mock_server.mock.add_configuration_set({"Name": "marketing"})
    url = ses_mock_server.endpoint_url
    hidden = signed_bytes(url, CREATE_SMUGGLED)
    with connect(url) as sock:
        sock.sendall(
            head + b"Host: x\r\n" + AUTHORIZATION + b"Content-Length: %d\r\n\r\n" % len(hidden)
        )
        sock.sendall(hidden)
        got, headers, body = read_answer(sock)
        assert got == status
        assert b"connection: close" not in headers.lower()  # well framed: the connection is fine
        error = json.loads(body)["__type"] if b"/v2/" in head else raw_error(body)[0]
        assert error == code
        # The same connection serves the next request: the body was not left on it.
        sock.sendall(signed_bytes(url, {**GOOD, "ConfigurationSetName": "marketing"}))
        got, _, body = read_answer(sock)
        assert got == 200
        assert b"<Name>marketing</Name>" in body
    smuggled_nothing(ses_mock_server)


@pytest.mark.parametrize(
    ("framing", "message"),
    [
        pytest.param(
            b"POST / HTTP/1.1\r\nContent-Length: {n}\r\nContent-Length: 9\r\n",
            "Malformed HTTP request: Content-Length is invalid.",
            id="two-content-lengths",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nContent-Length: {n}\r\nContent-Length: {n}\r\n",
            "Malformed HTTP request: Content-Length is invalid.",
            id="the-same-content-length-twice",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nContent-Length: {n}\r\nTransfer-Encoding: chunked\r\n",
            "Malformed HTTP request: Content-Length and Transfer-Encoding: chunked together.",
            id="content-length-and-chunked",
        ),
        pytest.param(
            b"POST / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: {n}\r\n"
            b"Transfer-Encoding: chunked\r\n",
            "Malformed HTTP request: Transfer-Encoding in an HTTP/1.0 request.",
            id="chunked-in-http-1.0",
        ),
    ],
)
def test_ambiguous_framing_is_refused_and_the_connection_closed(
    ses_mock_server: SesServer, framing: bytes, message: str
) -> None:
    """Two ways to read where the body ends: refused, never guessed (request smuggling)."""
    ses_mock_server.mock.add_configuration_set({"Name": "marketing"})
    url = ses_mock_server.endpoint_url
    hidden = signed_bytes(url, CREATE_SMUGGLED)
    body = b"0\r\n\r\n" + hidden  # an empty chunked body, or all of it by Content-Length
    head = framing.replace(b"{n}", str(len(body)).encode())
    with connect(url) as sock:
        sock.sendall(head + b"Host: x\r\n" + AUTHORIZATION + b"\r\n" + body)
        got, headers, answer = read_answer(sock)
        assert got == 400
        assert b"\r\nconnection: close" in headers.lower()
        assert raw_error(answer) == ("ValidationError", message)
        assert closed_by_server(sock)
    smuggled_nothing(ses_mock_server)


def test_a_chunked_body_is_one_request(ses_mock_server: SesServer) -> None:
    ses_mock_server.mock.add_configuration_set({"Name": "marketing"})
    url = ses_mock_server.endpoint_url
    whole = signed_bytes(url, {**GOOD, "ConfigurationSetName": "marketing"})
    head, _, body = whole.partition(b"\r\n\r\n")
    head = b"\r\n".join(
        line for line in head.split(b"\r\n") if not line.startswith(b"Content-Length")
    )
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:10], body[10:]))
    with connect(url) as sock:
        sock.sendall(head + b"\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n")
        got, _, answer = read_answer(sock)
        assert got == 200
        assert b"<Name>marketing</Name>" in answer
        sock.sendall(whole)  # and the connection goes on
        assert read_answer(sock)[0] == 200
    assert [call.params for call in ses_mock_server.mock.calls] == [
        {"ConfigurationSetName": "marketing"}
    ] * 2


def test_pipelined_requests_are_answered_each_in_order(ses_mock_server: SesServer) -> None:
    """Requests sent back to back in one write, as HTTP/1.1 allows: one answer each, in order."""
    ses_mock_server.mock.add_configuration_set({"Name": "marketing"})
    url = ses_mock_server.endpoint_url
    names = ["marketing", "nope", "marketing"]
    with connect(url) as sock:
        sock.sendall(
            b"".join(signed_bytes(url, {**GOOD, "ConfigurationSetName": n}) for n in names)
        )
        assert [status for status, _, _ in read_answers(sock, 3)] == [200, 400, 200]
    assert [call.params["ConfigurationSetName"] for call in ses_mock_server.mock.calls] == names


def test_a_lying_content_length_holds_nothing_up(ses_mock_server: SesServer) -> None:
    """Bodies that never finish arriving wait in the I/O loop; other clients are answered."""
    ses_mock_server.mock.add_configuration_set({"Name": "marketing"})
    url = ses_mock_server.endpoint_url
    hidden = signed_bytes(url, CREATE_SMUGGLED)
    liars = [connect(url) for _ in range(20)]
    try:
        for sock in liars:
            # The body announced is longer than what is sent: the server waits for the rest.
            sock.sendall(
                b"POST / HTTP/1.1\r\nHost: x\r\n"
                + AUTHORIZATION
                + b"Content-Type: "
                + FORM_TYPE.encode()
                + b"\r\nContent-Length: %d\r\n\r\n" % (len(hidden) + 100)
                + hidden
            )
        for _ in range(3):  # requests waiting for their bodies hold nothing: others are answered
            assert described_name(describe(url)) == "marketing"
    finally:
        for sock in liars:
            sock.close()
    assert [call.operation for call in ses_mock_server.mock.calls] == [
        "DescribeConfigurationSet"
    ] * 3
    smuggled_nothing(ses_mock_server)


def test_a_slow_client_is_cut_off_and_others_are_served(
    ses_mock_server: SesServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slowloris: headers trickling in, a byte at a time, never finishing."""
    from pytest_sesmock.server import http as waitress_server

    monkeypatch.setattr(waitress_server, "REQUEST_TIMEOUT", 1)  # 30 s in earnest
    ses_mock_server.mock.add_configuration_set({"Name": "marketing"})
    url = ses_mock_server.endpoint_url
    slow = [connect(url) for _ in range(50)]
    trickle = b"POST / HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"s" * 10_000
    cut_off: set[int] = set()
    deadline = time.monotonic() + TIMEOUT
    try:
        for sent in range(len(trickle)):
            for index, sock in enumerate(slow):
                if index in cut_off:
                    continue
                try:
                    sock.sendall(trickle[sent : sent + 1])
                except OSError:
                    cut_off.add(index)
            if sent == 3:  # all of them are trickling: others are served all the same
                assert described_name(describe(url)) == "marketing"
            readable, _, _ = select.select(
                [s for i, s in enumerate(slow) if i not in cut_off], [], [], 0.05
            )
            for sock in readable:
                if closed_by_server(sock):
                    cut_off.add(slow.index(sock))
            if len(cut_off) == len(slow) or time.monotonic() > deadline:
                break
        assert len(cut_off) == len(slow), "the server kept slow clients past their deadline"
    finally:
        for sock in slow:
            sock.close()
    assert described_name(describe(url)) == "marketing"
    assert len(ses_mock_server.mock.calls) == 2


def test_a_kept_alive_connection_is_never_held_by_nagle(ses_mock_server: SesServer) -> None:
    """TCP_NODELAY on the server's side of every connection (and each answer is one write)."""
    url = ses_mock_server.endpoint_url
    with connect(url) as sock:
        sock.sendall(signed_bytes(url, {**GOOD, "ConfigurationSetName": "nope"}))
        assert read_answer(sock)[0] == 400
        server = ses_mock_server._server
        assert server is not None
        (channel,) = server.active_channels.values()
        assert channel.socket.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


def test_get_with_a_query_string_is_served(ses_mock_server: SesServer) -> None:
    ses_mock_server.mock.add_configuration_set({"Name": "marketing"}, region="eu-west-1")
    form = {**GOOD, "ConfigurationSetName": "marketing"}
    answer = send(ses_mock_server.endpoint_url, form, method="GET", region="eu-west-1")
    assert described_name(answer) == "marketing"
    assert ses_mock_server.mock.calls[0].region == "eu-west-1"  # from the signature's scope


def test_an_internal_failure_is_a_500_and_the_server_goes_on(
    ses_mock_server: SesServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    mock = ses_mock_server.mock
    mock.add_configuration_set({"Name": "marketing"})
    answer = mock.pipeline.answer

    def broken(request: Any) -> Any:
        monkeypatch.setattr(mock.pipeline, "answer", answer)  # once only
        raise RuntimeError("a bug in the mock")

    monkeypatch.setattr(mock.pipeline, "answer", broken)
    failed = describe(ses_mock_server.endpoint_url)
    assert failed.status == 500
    assert failed.error() == ("Receiver", "InternalFailure", "The request processing has failed.")
    stderr = capsys.readouterr().err
    assert "pytest-sesmock server: internal failure answering POST /" in stderr
    assert failed.headers["x-amzn-RequestId"] in stderr
    assert "RuntimeError: a bug in the mock" in stderr
    assert described_name(describe(ses_mock_server.endpoint_url)) == "marketing"


# -- SesServer itself ------------------------------------------------------------------------------


def test_server_lifecycle() -> None:
    server = SesServer()
    assert isinstance(server.mock, SesMock)
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.endpoint_url
    with server:
        url = server.endpoint_url
        assert url.startswith("http://127.0.0.1:")
        assert url.endswith("/")
        assert repr(server) == f"<SesServer {url}>"
        with pytest.raises(RuntimeError, match="already running"):
            server.start()
    parts = urlsplit(url)
    server.stop()  # a second stop is a no-op
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT).close()


def test_the_http_stack_is_imported_only_when_a_server_starts() -> None:
    script = (
        "import sys, pytest_sesmock.plugin.pytest_plugin, pytest_sesmock.server as server\n"
        "assert 'waitress' not in sys.modules\n"
        "with server.SesServer():\n"
        "    assert 'waitress' in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=TIMEOUT
    )
    assert (done.returncode, done.stderr) == (0, "")


def test_stop_closes_open_keep_alive_connections() -> None:
    import http.client

    with SesServer() as server:
        parts = urlsplit(server.endpoint_url)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=TIMEOUT)
        connection.request("GET", "/")
        first = connection.getresponse()
        first.read()
        assert first.status == 403
        assert first.getheader("Connection") is None  # kept open
    connection.request("GET", "/")  # written into the closed socket's buffer, or refused below
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        connection.getresponse()
    connection.close()


def test_many_clients_at_once(ses_mock_server: SesServer) -> None:
    ses_mock_server.mock.add_configuration_set({"Name": "marketing"})
    threads, per_thread = 8, 25
    start = threading.Barrier(threads)
    answers: list[Answer] = []
    lock = threading.Lock()

    def client() -> None:
        start.wait(timeout=TIMEOUT)
        for _ in range(per_thread):
            answer = describe(ses_mock_server.endpoint_url)
            with lock:
                answers.append(answer)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=TIMEOUT)
    assert len(answers) == threads * per_thread
    assert {described_name(answer) for answer in answers} == {"marketing"}
    assert len({answer.headers["x-amzn-RequestId"] for answer in answers}) == len(answers)
    calls = ses_mock_server.mock.calls
    assert len(calls) == threads * per_thread
    assert {(c.operation, c.status) for c in calls} == {("DescribeConfigurationSet", 200)}


def wait_until_refused(url: str) -> None:
    """Until the server no longer accepts connections (it is stopping), within TIMEOUT."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            connect(url).close()
        except ConnectionRefusedError:
            return
        time.sleep(0.02)
    raise AssertionError("the server still accepts connections")


def test_stop_answers_a_request_in_flight_then_closes() -> None:
    mock = SesMock()
    mock.add_configuration_set({"Name": "marketing"})
    server = SesServer(mock).start()
    url = server.endpoint_url
    whole = signed_bytes(url, {**GOOD, "ConfigurationSetName": "marketing"})
    with connect(url) as slow, connect(url) as idle:
        slow.sendall(whole)  # answered: the connection is the server's (accepted, not queued)
        assert read_answer(slow)[0] == 200
        slow.sendall(whole[:-10])  # all but the last bytes: a request arriving
        stopping = threading.Thread(target=server.stop)
        stopping.start()
        wait_until_refused(url)  # no longer accepting...
        slow.sendall(whole[-10:])  # ...but the request in flight is answered
        status, head, body = read_answer(slow)
        assert status == 200
        assert b"<Name>marketing</Name>" in body
        assert b"\r\nconnection: close" in head.lower()
        assert closed_by_server(slow)
        assert closed_by_server(idle)  # an idle kept-alive connection is just closed
        stopping.join(TIMEOUT)
        assert not stopping.is_alive()
    assert len(mock.calls) == 2


def test_stop_waits_for_a_request_in_flight_only_so_long() -> None:
    server = SesServer().start()
    url = server.endpoint_url
    with connect(url) as never_finishing:
        never_finishing.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
        server.stop(timeout=0.5)  # returns, the request unanswered
        assert closed_by_server(never_finishing)
    with pytest.raises(ConnectionRefusedError):
        connect(url)


# -- python -m pytest_sesmock serve ---------------------------------------------------------------

YAML = """\
configuration_sets:
  - Name: from-yaml
    ReputationOptions: {SendingEnabled: false}
"""


@contextmanager
def serve(
    tmp_path: Path, *args: str, lifetime: float = TIMEOUT
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``python -m pytest_sesmock serve --port 0 ARGS``, its URL read off the first line; killed
    after ``lifetime`` seconds if still running (a hung test must end)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_sesmock", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=aws_environment(tmp_path),
    )
    watchdog = threading.Timer(lifetime, process.kill)  # readline() below must not hang forever
    watchdog.start()
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), (url, process.stderr and process.stderr.read())
        yield process, url
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=TIMEOUT)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_answers_and_stops_on_a_signal(tmp_path: Path, signum: signal.Signals) -> None:
    (tmp_path / "sets.yaml").write_text(YAML)
    with serve(tmp_path, "--yaml", str(tmp_path / "sets.yaml")) as (process, url):
        attributes = {"ConfigurationSetAttributeNames.member.1": "reputationOptions"}
        answer = send(url, {**GOOD, "ConfigurationSetName": "from-yaml", **attributes})
        assert described_name(answer) == "from-yaml"
        assert answer.root().findtext(f".//{NS}SendingEnabled") == "false"
        assert send(url, GOOD, sign=False).status == 403
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=TIMEOUT)
        assert process.returncode == 0
        assert stdout == ""  # the URL line was read already; nothing else is written there
        assert "Traceback" not in stderr
        assert stderr.startswith(f"pytest-sesmock: serving SES at {url} (1 configuration set")


def test_sigterm_during_a_slow_request_answers_it_before_exiting(tmp_path: Path) -> None:
    (tmp_path / "sets.yaml").write_text(YAML)
    with serve(tmp_path, "--yaml", str(tmp_path / "sets.yaml")) as (process, url):
        whole = signed_bytes(url, {**GOOD, "ConfigurationSetName": "from-yaml"})
        with connect(url) as slow:
            slow.sendall(whole)  # a first request, answered: the connection is the server's
            assert read_answer(slow)[0] == 200
            slow.sendall(whole[:-10])  # the second one still arriving when SIGTERM comes
            process.send_signal(signal.SIGTERM)
            wait_until_refused(url)
            slow.sendall(whole[-10:])
            status, _, body = read_answer(slow)
            assert status == 200
            assert b"<Name>from-yaml</Name>" in body
            assert closed_by_server(slow)
        stdout, stderr = process.communicate(timeout=TIMEOUT)
        assert (process.returncode, stdout) == (0, "")
        assert "Traceback" not in stderr


def _rss_mib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_serve_memory_stays_flat_under_large_requests(tmp_path: Path) -> None:
    """200 refused and 200 distinct accepted requests of 1 MB each: nothing of them is kept
    (before, 300 refused ones took the server from 31 MiB to 3,388 MiB)."""
    with serve(tmp_path, "--rate-limit", "off") as (process, url):
        assert send(url, {**GOOD, "ConfigurationSetName": "nope"}).status == 400  # warmed up
        before = _rss_mib(process.pid)
        for n in range(200):
            refused = {**GOOD, "ConfigurationSetName": "x"}
            refused["ConfigurationSetAttributeNames.member.1"] = f"{n}" + "x" * 1_000_000
            assert send(url, refused).status == 400
            accepted = {**GOOD, "ConfigurationSetName": "nope", "Padding": f"{n}" + "p" * 1_000_000}
            assert send(url, accepted).status == 400  # decoded whole; only the set is missing
        grown = _rss_mib(process.pid) - before
        process.terminate()
        assert process.wait(timeout=TIMEOUT) == 0
    assert grown < 150, f"the server grew by {grown} MiB"


def test_serve_keeps_a_bounded_store_of_large_messages(tmp_path: Path) -> None:
    """300 accepted raw sends of 600 KB through a set: the server keeps the newest for
    /_sesmock/ within its byte budget, counts the rest as dropped, and its memory stays
    bounded."""
    (tmp_path / "sets.yaml").write_text(SENDING_YAML)
    with serve(tmp_path, "--yaml", str(tmp_path / "sets.yaml"), "--rate-limit", "off") as (
        process,
        url,
    ):

        def raw_send(n: int) -> Answer:
            raw = (
                "From: sender@example.com\r\nTo: success@simulator.amazonses.com\r\n"
                f"Subject: {n}\r\n\r\n" + "m" * 600_000
            )
            form = {
                "Action": "SendRawEmail",
                "Version": "2010-12-01",
                "ConfigurationSetName": "sending",
                "RawMessage.Data": base64.b64encode(raw.encode()).decode(),
            }
            return send(url, form)

        assert raw_send(0).status == 200  # warmed up
        before = _rss_mib(process.pid)
        for n in range(300):
            answer = raw_send(n + 1)
            assert answer.status == 200, answer.body[:300]
        grown = _rss_mib(process.pid) - before
        health = json.loads(OPENER.open(url + "_sesmock/health", timeout=TIMEOUT).read())
        listed = json.loads(OPENER.open(url + "_sesmock/calls", timeout=TIMEOUT).read())["calls"]
        process.terminate()
        assert process.wait(timeout=TIMEOUT) == 0
    held, dropped = health["store"]["held"], health["store"]["dropped"]
    # 32 MiB of message content (STORE_BYTES) holds 27 of these (about 1.2 MB each, the raw
    # MIME and its text); every other one is counted, none silently missing.
    assert 20 <= held["messages"] <= STORE_BYTES // 1_200_000 + 1, health
    assert held["messages"] + dropped["messages"] == 301
    assert held["calls"] == 301
    assert dropped["calls"] == 0
    # A call's record keeps its parameters cut short: the store never holds a body whole.
    data = listed[0]["params"]["RawMessage"]["Data"]
    assert len(data) < 2000, len(data)
    assert data.endswith("more characters]"), data[-80:]
    assert grown < 150, f"the server grew by {grown} MiB"


def test_serve_options(tmp_path: Path) -> None:
    (tmp_path / "sets.yaml").write_text(YAML)
    args = ["--yaml", str(tmp_path / "sets.yaml"), "--region", "eu-west-1"]
    with serve(tmp_path, *args, "--rate-limit", "enforce") as (process, url):
        # --region: the file's sets live there; --rate-limit enforce: 1 describe a second.
        assert described_name(describe(url, "from-yaml", region="eu-west-1")) == "from-yaml"
        throttled = describe(url, "from-yaml", region="eu-west-1")
        assert throttled.status == 400
        assert throttled.error() == ("Sender", "Throttling", "Rate exceeded")
        elsewhere = describe(url, "from-yaml", region="us-east-1")
        assert elsewhere.error()[1] == "ConfigurationSetDoesNotExist"
        process.terminate()
        assert process.wait(timeout=TIMEOUT) == 0


def test_aws_cli_against_the_serve_command(tmp_path: Path) -> None:
    (tmp_path / "sets.yaml").write_text(YAML)
    with serve(tmp_path, "--yaml", str(tmp_path / "sets.yaml")) as (process, url):
        done = aws(
            tmp_path,
            *("ses", "describe-configuration-set", "--endpoint-url", url, "--region", "us-east-1"),
            *("--configuration-set-name", "from-yaml"),
            *("--configuration-set-attribute-names", "reputationOptions"),
        )
        assert (done.returncode, done.stderr) == (0, "")
        assert json.loads(done.stdout) == {
            "ConfigurationSet": {"Name": "from-yaml"},
            "ReputationOptions": {"SendingEnabled": False, "ReputationMetricsEnabled": False},
        }
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=TIMEOUT) == 0


BAD_YAML = """\
configuration_sets:
  - Name: marketing
    DeliveryOptions: {TlsPolicy: Sometimes}
"""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--rate-limit", "sometimes"],
            "python -m pytest_sesmock serve: error: argument --rate-limit: invalid choice: "
            "'sometimes' (choose from ",
            id="rate-limit",
        ),
        pytest.param(
            ["--yaml", "{bad}"],
            "python -m pytest_sesmock serve: error: --yaml: {bad}:3:23: configuration_sets[0]."
            "DeliveryOptions.TlsPolicy: 'Sometimes' is not one of Require, Optional",
            id="bad-yaml",
        ),
        pytest.param(
            ["--yaml", "{missing}"],
            "python -m pytest_sesmock serve: error: --yaml: cannot read SES mock YAML {missing}: "
            "No such file or directory",
            id="missing-yaml",
        ),
        pytest.param(
            ["--region", "Mars"],
            "python -m pytest_sesmock serve: error: --region: region 'Mars' is not an AWS region",
            id="region",
        ),
        pytest.param(
            ["--port", "70000"],
            "python -m pytest_sesmock serve: error: argument --port: '70000' is not a port number",
            id="port",
        ),
        pytest.param(
            ["--colour", "blue"],
            "python -m pytest_sesmock: error: unrecognized arguments: --colour blue",
            id="unknown-argument",
        ),
    ],
)
def test_serve_refuses_bad_arguments(tmp_path: Path, args: list[str], message: str) -> None:
    bad, missing = tmp_path / "bad.yaml", tmp_path / "missing.yaml"
    bad.write_text(BAD_YAML)
    paths = {"{bad}": str(bad), "{missing}": str(missing)}
    args = [paths.get(arg, arg) for arg in args]
    done = subprocess.run(
        [sys.executable, "-m", "pytest_sesmock", "serve", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=aws_environment(tmp_path),
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    for placeholder, path in paths.items():
        message = message.replace(placeholder, str(Path(path).resolve()))
    assert done.stderr.startswith(message), done.stderr
    assert done.stderr.count("\n") == 1  # one line, no traceback


def test_serve_needs_a_command_and_a_free_port(tmp_path: Path) -> None:
    nothing = subprocess.run(
        [sys.executable, "-m", "pytest_sesmock"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert nothing.returncode == 2
    assert nothing.stderr == (
        "python -m pytest_sesmock: error: the following arguments are required: COMMAND "
        "(see --help)\n"
    )
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = subprocess.run(
            [sys.executable, "-m", "pytest_sesmock", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    assert busy.returncode == 1
    assert busy.stderr == (
        f"python -m pytest_sesmock serve: error: cannot listen on 127.0.0.1:{port}: "
        "Address already in use\n"
    )


# -- the fixture in real pytest runs ---------------------------------------------------------------

HELPERS = """
import socket, urllib.error, urllib.request
from urllib.parse import urlencode, urlsplit
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

def describe(url, name, region="us-east-1"):
    body = urlencode({"Action": "DescribeConfigurationSet", "Version": "2010-12-01",
                      "ConfigurationSetName": name}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    request = AWSRequest(method="POST", url=url, data=body, headers=headers)
    SigV4Auth(Credentials("AKID", "secret"), "ses", region).add_auth(request)
    prepared = urllib.request.Request(url, data=body, headers=dict(request.headers.items()))
    try:
        with OPENER.open(prepared, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        with error:
            return error.code
"""


def test_fixture_is_listed_with_its_docstring(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--fixtures")
    result.stdout.fnmatch_lines(["ses_mock_server*", "*served over HTTP on 127.0.0.1*"])


def test_fixture_with_the_marker_and_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        HELPERS
        + """
import pytest

seen = []

@pytest.mark.ses_mock(configuration_sets=[{"Name": "from-marker"}], region="eu-west-1")
def test_marker_sets_are_served(ses_mock_server, ses_mock):
    assert ses_mock_server.mock is ses_mock
    url = ses_mock_server.endpoint_url
    assert urlsplit(url).hostname == "127.0.0.1"
    assert describe(url, "from-marker", region="eu-west-1") == 200
    assert describe(url, "from-marker", region="us-east-1") == 400
    assert [call.region for call in ses_mock.calls] == ["eu-west-1", "us-east-1"]

def test_fails_with_a_server(ses_mock_server):
    seen.append(urlsplit(ses_mock_server.endpoint_url))
    assert False, "this test fails on purpose"

def test_the_failed_tests_server_was_stopped():
    (url,) = seen
    try:
        socket.create_connection((url.hostname, url.port), timeout=5).close()
    except ConnectionRefusedError:
        return
    raise AssertionError("the server still listens")
"""
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2, failed=1)


def test_fixture_under_xdist(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    pytester.makepyfile(
        HELPERS
        + """
import os, pathlib, time
import pytest

SHARED = pathlib.Path(__file__).parent / "ports"

def own_port(server, mine, other):
    # Each test: its own worker, its own port, its own sets; both servers run at the same time.
    assert describe(server.endpoint_url, mine) == 200
    assert describe(server.endpoint_url, other) == 400
    worker = os.environ["PYTEST_XDIST_WORKER"]
    SHARED.mkdir(exist_ok=True)
    (SHARED / worker).write_text(server.endpoint_url)
    deadline = time.monotonic() + 30
    while len(list(SHARED.iterdir())) < 2:
        assert time.monotonic() < deadline, "the other worker never started its server"
        time.sleep(0.05)
    urls = {path.name: path.read_text() for path in SHARED.iterdir()}
    assert len(set(urls)) == 2 and len(set(urls.values())) == 2, urls

@pytest.mark.ses_mock(configuration_sets=[{"Name": "one"}])
def test_one(ses_mock_server):
    own_port(ses_mock_server, "one", "two")

@pytest.mark.ses_mock(configuration_sets=[{"Name": "two"}])
def test_two(ses_mock_server):
    own_port(ses_mock_server, "two", "one")
"""
    )
    pytester.runpytest("-n", "2", "-p", "no:randomly").assert_outcomes(passed=2)
