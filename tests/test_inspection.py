"""The inspection API (``/_sesmock/``) and LocalStack's ``/_aws/ses``, driven over HTTP as a test
in another language drives them: what was sent (by the AWS CLI, boto3 or a raw request), the
events and calls, filters, clearing, reset, declaring sets by posting YAML, the bounded store,
and every mistake answered with a 4xx that says what was wrong."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import boto3
import moto
import pytest
from botocore.exceptions import ClientError
from conftest import SNS_DESTINATION
from test_sending import Aws, sns_destination
from test_server import (
    MARKETING,
    OPENER,
    SENDING_YAML,
    TIMEOUT,
    _rss_mib,
    aws_environment,
    connect,
    read_answers,
    serve,
    signed_bytes,
)
from test_server import aws as aws_cli

from pytest_sesmock import SesMock
from pytest_sesmock.server import MAX_BODY, SesServer

SENDER = "sender@example.com"


# -- helpers ---------------------------------------------------------------------------------------


class Http:
    """Requests to one server's inspection API, as any HTTP client makes them."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(
            self.url + path, data=body, method=method, headers=headers or {}
        )
        try:
            with OPENER.open(request, timeout=TIMEOUT) as answer:
                return answer.status, dict(answer.headers.items()), answer.read()
        except urllib.error.HTTPError as failure:
            with failure:
                return failure.code, dict(failure.headers.items()), failure.read()

    def json(self, method: str, path: str, body: bytes | None = None, status: int = 200) -> Any:
        code, headers, data = self.call(method, path, body)
        assert code == status, (code, data[:500])
        assert headers["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(data)

    def get(self, path: str) -> Any:
        return self.json("GET", path)

    def refused(self, method: str, path: str, status: int, body: bytes | None = None) -> str:
        """The message of a refusal, checking its status and JSON shape."""
        code, headers, data = self.call(method, path, body)
        assert code == status, (code, data[:500])
        assert headers["Content-Type"] == "application/json; charset=utf-8"
        error = json.loads(data)["error"]
        assert error["code"]
        assert error["message"]
        return str(error["message"])


def ses(server: SesServer, service: str = "ses", region: str = "us-east-1") -> Any:
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=server.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def send_email(
    client: Any, subject: str, to: str = "success@simulator.amazonses.com", **extra: Any
) -> str:
    sent = client.send_email(
        Source=f"Sender <{SENDER}>",
        Destination={"ToAddresses": [to], "CcAddresses": ["cc@example.com"]},
        Message={
            "Subject": {"Data": subject},
            "Body": {"Text": {"Data": f"text of {subject}"}, "Html": {"Data": f"<p>{subject}</p>"}},
        },
        **extra,
    )
    return str(sent["MessageId"])


@pytest.fixture
def server() -> Iterator[SesServer]:
    mock = SesMock()
    mock.add_configuration_set(MARKETING)
    with SesServer(mock, store_size=50) as running:
        yield running


@pytest.fixture
def http(server: SesServer) -> Http:
    return Http(server.endpoint_url)


# -- what was sent -------------------------------------------------------------------------------


def test_the_aws_cli_sends_and_the_api_and_localstack_show_it(tmp_path: Path) -> None:
    """The serve command, the AWS CLI sending through a set, and both inspection APIs."""
    (tmp_path / "sets.yaml").write_text(
        "configuration_sets:\n"
        "  - Name: marketing\n"
        "    EventDestinations:\n"
        "      - Name: to-sns\n"
        "        Enabled: true\n"
        "        MatchingEventTypes: [send, bounce]\n"
        "        SNSDestination: {TopicARN: 'arn:aws:sns:us-east-1:123456789012:events'}\n"
    )
    with serve(tmp_path, "--yaml", str(tmp_path / "sets.yaml")) as (process, url):
        endpoint = ["--endpoint-url", url, "--region", "us-east-1"]
        sent = aws_cli(
            tmp_path,
            "ses",
            "send-email",
            *endpoint,
            *("--from", SENDER, "--subject", "Hi", "--text", "Hello"),
            *("--to", "bounce@simulator.amazonses.com", "--configuration-set-name", "marketing"),
        )
        assert (sent.returncode, sent.stderr) == (0, "")
        message_id = json.loads(sent.stdout)["MessageId"]
        http = Http(url)
        listed = http.get("/_sesmock/messages")
        assert (listed["count"], listed["held"], listed["dropped"]) == (1, 1, 0)
        message = listed["messages"][0]
        assert message["id"] == message_id
        assert (message["from"], message["to"], message["subject"]) == (
            SENDER,
            ["bounce@simulator.amazonses.com"],
            "Hi",
        )
        assert (message["configuration_set"], message["outcome"]) == ("marketing", "bounced")
        # serve has no SNS beside it: each event is kept, and says why it went nowhere.
        assert message["events"] == {"published": 0, "unpublished": 2, "dropped": 0}
        whole = http.get(f"/_sesmock/messages/{message_id}")
        assert whole["text"] == "Hello"
        assert whole["html"] is None
        assert whole["raw"] is None
        assert [(e["type"], e["destination"], e["published"]) for e in whole["events"]] == [
            ("Send", "to-sns", False),
            ("Bounce", "to-sns", False),
        ]
        bounce = whole["events"][1]
        assert bounce["delivery"].startswith("not published")
        assert bounce["target"] == "arn:aws:sns:us-east-1:123456789012:events"
        assert bounce["record"]["bounce"]["bouncedRecipients"][0]["emailAddress"] == (
            "bounce@simulator.amazonses.com"
        )
        assert json.loads(bounce["payload"]["Message"])["eventType"] == "Bounce"
        calls = http.get("/_sesmock/calls")["calls"]
        assert [(c["api"], c["operation"], c["status"]) for c in calls] == [
            ("ses", "SendEmail", 200)
        ]
        localstack = http.get("/_aws/ses")
        assert localstack == {
            "messages": [
                {
                    "Id": message_id,
                    "Region": "us-east-1",
                    "Source": SENDER,
                    "Destination": {"ToAddresses": ["bounce@simulator.amazonses.com"]},
                    "Subject": "Hi",
                    "Body": {"text_part": "Hello", "html_part": None},
                    "Timestamp": localstack["messages"][0]["Timestamp"],
                }
            ]
        }
        assert time.strptime(localstack["messages"][0]["Timestamp"], "%Y-%m-%dT%H:%M:%S")
        assert http.get(f"/_aws/ses?email={SENDER}")["messages"][0]["Id"] == message_id
        assert http.get("/_aws/ses?email=other@example.com") == {"messages": []}
        assert http.get("/_aws/ses?id=nope") == {"messages": []}
        assert http.call("DELETE", "/_aws/ses")[0] == 204
        assert http.get("/_sesmock/messages")["messages"] == []
        process.terminate()


def test_messages_of_every_kind_and_their_filters(server: SesServer, http: Http) -> None:
    v1, v2 = ses(server), ses(server, "sesv2")
    first = send_email(v1, "first", ConfigurationSetName="marketing")
    raw = (
        f"From: {SENDER}\r\nTo: raw@example.com\r\nSubject: raw one\r\n"
        "Content-Type: text/plain\r\n\r\nraw body\r\n"
    ).encode()
    second = v1.send_raw_email(RawMessage={"Data": raw})["MessageId"]
    third = v2.send_email(
        FromEmailAddress=SENDER,
        Destination={"ToAddresses": ["v2@example.com"]},
        Content={"Simple": {"Subject": {"Data": "from v2"}, "Body": {"Text": {"Data": "v2"}}}},
        ConfigurationSetName="marketing",
        EmailTags=[{"Name": "campaign", "Value": "welcome"}],
    )["MessageId"]

    listed = http.get("/_sesmock/messages")["messages"]
    assert [m["id"] for m in listed] == [third, second, first]  # newest first
    assert [(m["api"], m["operation"]) for m in listed] == [
        ("sesv2", "SendEmail"),
        ("ses", "SendRawEmail"),
        ("ses", "SendEmail"),
    ]
    assert listed[0]["tags"] == {"campaign": "welcome"}
    assert listed[2]["cc"] == ["cc@example.com"]
    assert listed[2]["from"] == f"Sender <{SENDER}>"
    whole_raw = http.get(f"/_sesmock/messages/{second}")
    assert whole_raw["raw"] == raw.decode()
    assert whole_raw["text"].strip() == "raw body"
    assert whole_raw["configuration_set"] is None
    assert http.get(f"/_sesmock/messages/{first}")["html"] == "<p>first</p>"

    def ids(query: str) -> list[str]:
        return [m["id"] for m in http.get(f"/_sesmock/messages?{query}")["messages"]]

    assert ids(f"id={second}") == [second]
    assert ids(f"from={SENDER.upper()}") == [third, second, first]  # display names, case aside
    assert ids("to=raw@example.com") == [second]
    assert ids("to=cc@example.com") == [first]
    assert ids("configuration_set=marketing") == [third, first]
    assert ids("to=nobody@example.com") == []
    later = listed[0]["time"]
    assert ids(f"since={quote(later)}") == [third]
    assert ids(f"until={time.time() - 3600}") == []
    assert ids(f"since={time.time() - 3600}&until={time.time() + 3600}") == [third, second, first]


def test_events_calls_and_sets(server: SesServer, http: Http) -> None:
    client = ses(server)
    message_id = send_email(client, "hello", ConfigurationSetName="marketing")
    with pytest.raises(ClientError):
        client.describe_configuration_set(ConfigurationSetName="missing")
    # The set exists in another region only: the call's record carries the hint.
    with pytest.raises(ClientError):
        ses(server, region="eu-west-1").describe_configuration_set(ConfigurationSetName="marketing")

    events = http.get("/_sesmock/events")
    assert [e["type"] for e in events["events"]] == ["Send"]  # Delivery is not matched
    assert events["events"][0]["message_id"] == message_id
    assert http.get("/_sesmock/events?type=SEND")["count"] == 1
    assert http.get("/_sesmock/events?type=bounce")["count"] == 0
    assert http.get("/_sesmock/events?published=false")["count"] == 1
    assert http.get("/_sesmock/events?published=true")["count"] == 0
    assert http.get(f"/_sesmock/events?message_id={message_id}&destination=to-sns")["count"] == 1

    calls = http.get("/_sesmock/calls")["calls"]
    assert [(c["region"], c["operation"], c["status"], c["error"]) for c in calls] == [
        ("eu-west-1", "DescribeConfigurationSet", 400, "ConfigurationSetDoesNotExist"),
        ("us-east-1", "DescribeConfigurationSet", 400, "ConfigurationSetDoesNotExist"),
        ("us-east-1", "SendEmail", 200, None),
    ]
    assert "us-east-1" in calls[0]["hint"]
    assert calls[0]["configuration_set"] == "marketing"
    assert http.get("/_sesmock/calls?error=ConfigurationSetDoesNotExist")["count"] == 2
    assert http.get("/_sesmock/calls?status=200")["count"] == 1
    assert http.get("/_sesmock/calls?operation=describe_configuration_set")["count"] == 2
    assert http.get("/_sesmock/calls?region=eu-west-1&configuration_set=marketing")["count"] == 1
    assert http.get("/_sesmock/calls?api=sesv2")["count"] == 0

    held = http.get("/_sesmock/configuration-sets")
    assert held["count"] == 1
    marketing = held["configuration_sets"][0]
    assert (marketing["name"], marketing["region"]) == ("marketing", "us-east-1")
    assert marketing["event_destinations"] == [
        {
            "name": "to-sns",
            "enabled": True,
            "matching_event_types": ["SEND", "BOUNCE"],
            "kind": "sns",
            "target": SNS_DESTINATION["SNSDestination"]["TopicARN"],
        }
    ]
    assert marketing["tracking_options"] == {"CustomRedirectDomain": "track.example.com"}
    assert http.get("/_sesmock/configuration-sets?region=eu-west-1")["count"] == 0


def test_clearing_each_kind(server: SesServer, http: Http) -> None:
    client = ses(server)
    kept = send_email(client, "one", ConfigurationSetName="marketing")
    gone = send_email(client, "two", ConfigurationSetName="marketing")
    assert http.json("DELETE", f"/_sesmock/messages/{gone}") == {"deleted": 1}
    assert [m["id"] for m in http.get("/_sesmock/messages")["messages"]] == [kept]
    assert http.refused("DELETE", f"/_sesmock/messages/{gone}", 404)
    assert http.json("DELETE", "/_sesmock/events") == {"deleted": 1}
    assert http.get(f"/_sesmock/messages/{kept}")["events"] == []
    assert http.json("DELETE", "/_sesmock/calls") == {"deleted": 2}
    assert http.get("/_sesmock/calls")["count"] == 0
    assert http.json("DELETE", "/_sesmock/messages") == {"deleted": 1}
    assert http.get("/_sesmock/messages")["count"] == 0
    assert http.get("/_aws/ses") == {"messages": []}
    # LocalStack's DELETE ?id= forgets one message.
    one, two = send_email(client, "a"), send_email(client, "b")
    assert http.call("DELETE", f"/_aws/ses?id={one}")[0] == 204
    assert [m["Id"] for m in http.get("/_aws/ses")["messages"]] == [two]
    assert "no message" in http.refused("DELETE", f"/_aws/ses?id={one}", 404)
    # Every set, declared ones too: SES then has none.
    assert http.json("DELETE", "/_sesmock/configuration-sets") == {"deleted": 1}
    assert client.list_configuration_sets()["ConfigurationSets"] == []


def test_many_clients_at_once_lose_nothing() -> None:
    """Eight threads, each with its own client, send through a small store at once: every send
    is either held or counted as dropped, as is every call, and each held message is whole."""
    mock = SesMock()
    mock.add_configuration_set(MARKETING)
    with SesServer(mock, store_size=25) as server:
        http = Http(server.endpoint_url)

        def sender(number: int) -> list[str]:
            client = ses(server)
            return [
                send_email(client, f"t{number}-{n}", ConfigurationSetName="marketing")
                for n in range(15)
            ]

        with ThreadPoolExecutor(8) as pool:
            sent = [message_id for ids in pool.map(sender, range(8)) for message_id in ids]
        listed = http.get("/_sesmock/messages")
        calls = http.get("/_sesmock/calls")
    assert len(set(sent)) == 120
    assert (listed["held"], listed["held"] + listed["dropped"]) == (25, 120)
    assert (calls["held"], calls["held"] + calls["dropped"]) == (25, 120)
    assert {m["id"] for m in listed["messages"]} <= set(sent)
    assert all(
        m["events"] == {"published": 0, "unpublished": 1, "dropped": 0} for m in listed["messages"]
    )


@pytest.fixture
def beside_moto(ses_mock: SesMock) -> Iterator[Aws]:
    """moto's SNS and SQS (test_sending's), active beside the test's mock."""
    with moto.mock_aws():
        yield Aws()


def test_beside_moto_the_events_published_are_shown(
    ses_mock_server: SesServer, beside_moto: Aws, tmp_path: Path
) -> None:
    """A server around the test's mock, with moto beside it: a send from another process
    publishes to moto's SNS, and the API says which events were published."""
    topic = beside_moto.topic("ses-events")
    ses_mock_server.mock.add_configuration_set(
        {"Name": "observed", "EventDestinations": [sns_destination(topic, ["send", "delivery"])]}
    )
    done = aws_cli(
        tmp_path,
        "ses",
        "send-email",
        *("--endpoint-url", ses_mock_server.endpoint_url, "--region", "us-east-1"),
        *("--from", SENDER, "--subject", "Observed", "--text", "Hello"),
        *("--to", "reader@example.com", "--configuration-set-name", "observed"),
    )
    assert (done.returncode, done.stderr) == (0, "")
    message_id = json.loads(done.stdout)["MessageId"]
    http = Http(ses_mock_server.endpoint_url)
    published = http.get("/_sesmock/events?published=true")["events"]
    assert [(e["type"], e["target"], e["delivery"]) for e in published] == [
        ("Delivery", topic, "published"),  # newest first
        ("Send", topic, "published"),
    ]
    assert http.get("/_sesmock/events?published=false")["count"] == 0
    assert http.get(f"/_sesmock/messages/{message_id}")["event_counts"] == {
        "published": 2,
        "unpublished": 0,
        "dropped": 0,
    }
    # What moto's queue received is what the API shows.
    received = beside_moto.records(topic)
    assert [r["eventType"] for r in received] == ["Send", "Delivery"]
    assert received == [published[1]["record"], published[0]["record"]]


# -- setting up and tearing down from another language ----------------------------------------


def test_declaring_sets_by_posting_yaml_and_reset(server: SesServer, http: Http) -> None:
    client = ses(server)
    posted = (
        b"region: eu-west-1\n"
        b"configuration_sets:\n"
        b"  - Name: posted\n"
        b"    EventDestinations:\n"
        b"      - Name: to-sns\n"
        b"        Enabled: true\n"
        b"        MatchingEventTypes: [delivery]\n"
        b"        SNSDestination: {TopicARN: 'arn:aws:sns:eu-west-1:123456789012:events'}\n"
        b"  - Name: marketing\n"
        b"    region: us-east-1\n"
        b"    ReputationOptions: {ReputationMetricsEnabled: false}\n"
    )
    # The set of the same name was changed through the API first: the posted one replaces it.
    client.update_configuration_set_reputation_metrics_enabled(
        ConfigurationSetName="marketing", Enabled=True
    )
    client.create_configuration_set(ConfigurationSet={"Name": "created"})
    answer = http.json("POST", "/_sesmock/configuration-sets", posted, status=201)
    assert answer["declared"] == [
        {"account": "123456789012", "region": "eu-west-1", "name": "posted"},
        {"account": "123456789012", "region": "us-east-1", "name": "marketing"},
    ]
    west = ses(server, region="eu-west-1").describe_configuration_set(
        ConfigurationSetName="posted", ConfigurationSetAttributeNames=["eventDestinations"]
    )
    assert west["EventDestinations"][0]["Name"] == "to-sns"
    described = client.describe_configuration_set(
        ConfigurationSetName="marketing", ConfigurationSetAttributeNames=["reputationOptions"]
    )
    assert described["ReputationOptions"]["ReputationMetricsEnabled"] is False
    send_email(client, "before reset", ConfigurationSetName="marketing")
    client.delete_configuration_set(ConfigurationSetName="marketing")

    assert http.json("POST", "/_sesmock/reset") == {"status": "reset"}
    # Back to how the server started: its own set, as declared; nothing recorded.
    names = [s["Name"] for s in client.list_configuration_sets()["ConfigurationSets"]]
    assert names == ["marketing"]
    assert ses(server, region="eu-west-1").list_configuration_sets()["ConfigurationSets"] == []
    described = client.describe_configuration_set(
        ConfigurationSetName="marketing", ConfigurationSetAttributeNames=["reputationOptions"]
    )
    assert described["ReputationOptions"]["ReputationMetricsEnabled"] is True
    health = http.get("/_sesmock/health")
    # The three calls since (two listings and a describe) only.
    assert health["store"]["held"] == {"messages": 0, "events": 0, "calls": 3}


def test_posted_yaml_mistakes_are_refused_with_where(http: Http) -> None:
    path = "/_sesmock/configuration-sets"
    typo = http.refused("POST", path, 400, b"configuration_sets:\n  - Nme: posted\n")
    assert "<POST /_sesmock/configuration-sets>:2:5" in typo
    assert "did you mean 'Name'" in typo
    bad_name = http.refused("POST", path, 400, b"configuration_sets:\n  - Name: 'no spaces'\n")
    assert "configuration_sets[0].Name" in bad_name
    assert "syntax" in http.refused("POST", path, 400, b"configuration_sets: [\n")
    assert "UTF-8" in http.refused("POST", path, 400, b"\xff\xfe")
    assert "nothing was posted" in http.refused("POST", path, 400, b"")
    assert "fixtures" in http.refused("POST", path, 400, b"fixtures:\n  mine:\n    - Name: x\n")
    lines, previous = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'], "a"
    for name in "bcdefghi":  # ten to the ninth values in a few hundred bytes
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
        previous = name
    bomb = "\n".join(lines).encode()
    assert "alias bomb" in http.refused("POST", path, 400, bomb)
    # Nothing was declared by any of them.
    assert http.get(path)["count"] == 1


# -- the bounded store -----------------------------------------------------------------------------


def test_the_store_keeps_the_newest_and_counts_the_dropped() -> None:
    mock = SesMock()
    mock.add_configuration_set(MARKETING)
    with SesServer(mock, store_size=3) as server:
        http, client = Http(server.endpoint_url), ses(server)
        sent = [send_email(client, f"n{n}", ConfigurationSetName="marketing") for n in range(5)]
        listed = http.get("/_sesmock/messages")
        assert [m["id"] for m in listed["messages"]] == sent[:1:-1]
        assert (listed["count"], listed["held"], listed["dropped"]) == (3, 3, 2)
        # Four events for each message the store may keep: a Send each, all kept.
        events = http.get("/_sesmock/events")
        assert (events["held"], events["dropped"]) == (5, 0)
        calls = http.get("/_sesmock/calls")
        assert (calls["held"], calls["dropped"]) == (3, 2)
        assert http.get("/_sesmock/health")["store"] == {
            "limit": {"messages": 3, "events": 12, "calls": 3},
            "held": {"messages": 3, "events": 5, "calls": 3},
            "dropped": {"calls": 2, "messages": 2, "events": 0},
        }
        gone = http.refused("GET", f"/_sesmock/messages/{sent[0]}", 404)
        assert "one of the 2 the store let go" in gone
        # A message with more events than the store keeps says how many of them it lost:
        # a Send, and a Delivery per recipient domain.
        mock.add_configuration_set(
            {
                "Name": "delivering",
                "EventDestinations": [
                    {**SNS_DESTINATION, "MatchingEventTypes": ["send", "delivery"]}
                ],
            }
        )
        client.send_email(
            Source=SENDER,
            Destination={"ToAddresses": [f"r@d{n}.example.com" for n in range(14)]},
            Message={"Subject": {"Data": "many"}, "Body": {"Text": {"Data": "x"}}},
            ConfigurationSetName="delivering",
        )
        # 15 events more than the 12 kept: the five older Sends go, then this message's Send
        # and two of its Deliveries; each message still held says what it lost.
        listed = http.get("/_sesmock/messages")["messages"]
        assert [m["subject"] for m in listed] == ["many", "n4", "n3"]
        assert listed[0]["events"] == {"published": 0, "unpublished": 12, "dropped": 3}
        assert listed[1]["events"] == {"published": 0, "unpublished": 0, "dropped": 1}
        whole = http.get(f"/_sesmock/messages/{listed[0]['id']}")
        assert [e["type"] for e in whole["events"]] == ["Delivery"] * 12
        assert whole["event_counts"]["dropped"] == 3


def test_store_size_is_checked() -> None:
    with pytest.raises(ValueError, match="store_size must be a whole number"):
        SesServer(store_size=0)
    with pytest.raises(ValueError, match="store_size must be a whole number"):
        SesServer(store_size=True)
    # A mock of the test's own keeps everything unless told.
    mock = SesMock()
    SesServer(mock)
    assert mock.pipeline.records.limit is None


# -- what is refused ---------------------------------------------------------------------------


def test_mistakes_are_clear_4xx(server: SesServer, http: Http) -> None:
    assert "did you mean 'messages'" in http.refused("GET", "/_sesmock/mesages", 404)
    assert "did you mean 'to'" in http.refused("GET", "/_sesmock/messages?too=x", 400)
    assert "given twice" in http.refused("GET", "/_sesmock/messages?to=a&to=b", 400)
    assert "is not a time" in http.refused("GET", "/_sesmock/messages?since=yesterday", 400)
    assert "is not a time" in http.refused("GET", "/_sesmock/messages?since=nan", 400)
    assert "unknown event type 'bounced'; did you mean 'bounce'" in http.refused(
        "GET", "/_sesmock/events?type=bounced", 400
    )
    assert "neither true nor false" in http.refused("GET", "/_sesmock/events?published=2", 400)
    assert "not an HTTP status" in http.refused("GET", "/_sesmock/calls?status=ok", 400)
    assert "did you mean 'sesv2'" in http.refused("GET", "/_sesmock/calls?api=sesv3", 400)
    assert "DescribeConfigurationSet" in http.refused(
        "GET", "/_sesmock/calls?operation=DescribeConfigurationSets", 400
    )
    assert "UTF-8" in http.refused("GET", "/_sesmock/messages?to=%ff", 400)
    assert "takes no query parameters" in http.refused("GET", "/_sesmock/health?x=1", 400)
    code, headers, _ = http.call("DELETE", "/_sesmock/health")
    assert (code, headers["Allow"]) == (405, "GET")
    assert http.refused("PUT", "/_aws/ses", 405)
    assert "not a path" in http.refused("GET", "/_aws/other", 404)
    assert "no message" in http.refused("GET", "/_sesmock/messages/nope", 404)
    # Too large: refused before it is read, in the inspection API's JSON.
    big = b"a" * (MAX_BODY + 1)
    assert http.refused("POST", "/_sesmock/configuration-sets", 413, big)
    # A malformed request to these paths is answered in JSON too.
    parts = urlsplit(server.endpoint_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT) as sock:
        sock.sendall(b"GET /_sesmock/health HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n")
        sock.sendall(b"Content-Length: 2\r\n\r\nab")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.split()[1] == b"400"
    assert json.loads(body)["error"]["code"]
    # The server still answers.
    assert http.get("/_sesmock/health")["status"] == "ok"


def test_only_the_servers_own_address_and_origin(server: SesServer, http: Http) -> None:
    """A web page elsewhere cannot read or change the store: not by DNS rebinding (the Host
    names another site), not by a cross-site POST (the Origin names another site)."""
    port = urlsplit(server.endpoint_url).port
    rebound = http.call("GET", "/_sesmock/messages", headers={"Host": f"evil.example:{port}"})
    assert rebound[0] == 403
    assert b"own address" in rebound[2]
    for host in (f"localhost:{port}", f"127.0.0.1:{port}"):
        assert http.call("GET", "/_sesmock/health", headers={"Host": host})[0] == 200
    for origin in ("http://evil.example", "null"):
        refused = http.call("POST", "/_sesmock/reset", headers={"Origin": origin})
        assert refused[0] == 403
        assert b"another origin" in refused[2]
    own = http.call("POST", "/_sesmock/reset", headers={"Origin": f"http://127.0.0.1:{port}"})
    assert own[0] == 200
    # SES's own API is not the inspection API: its hosts are the SDKs' business.
    assert ses(server).list_configuration_sets()["ConfigurationSets"]


def test_the_inbox_page_and_its_files(http: Http) -> None:
    for path, kind in (
        ("/_sesmock/", "text/html; charset=utf-8"),
        ("/_sesmock/inbox.js", "text/javascript; charset=utf-8"),
        ("/_sesmock/inbox.css", "text/css; charset=utf-8"),
    ):
        code, headers, body = http.call("GET", path)
        assert (code, headers["Content-Type"]) == (200, kind)
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert body
        head = http.call("HEAD", path)
        assert head[0] == 200
        assert head[2] == b""
    code, headers, _ = http.call("GET", "/_sesmock", headers={})
    assert code == 200  # urllib follows the redirect to /_sesmock/
    # The page has no inline script for the policy to block, and loads nothing from elsewhere.
    page = http.call("GET", "/_sesmock/")[2].decode()
    assert "<script>" not in page
    assert "http://" not in page
    assert "https://" not in page
    script = http.call("GET", "/_sesmock/inbox.js")[2].decode()
    # It writes no markup: values become text (the browser test checks what runs).
    assert not re.search(r"\.(inner|outer)HTML\s*=|insertAdjacentHTML|document\.write", script)
    assert not re.search(r"\beval\(|new Function\(", script)


def test_an_emails_html_is_a_sandboxed_page_of_its_own(server: SesServer, http: Http) -> None:
    """What the inbox frames: the HTML part under a policy that runs no script and fetches
    nothing, even when opened on its own, and that only this server's page may frame."""
    html_id = send_email(ses(server), "<b>styled</b>")
    code, headers, body = http.call("GET", f"/_sesmock/messages/{html_id}/html")
    assert (code, body) == (200, b"<p><b>styled</b></p>")
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    policy = [part.strip() for part in headers["Content-Security-Policy"].split(";")]
    assert policy[0] == "sandbox"  # no allow-scripts, an opaque origin
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    text_only = ses(server).send_email(
        Source=SENDER,
        Destination={"ToAddresses": ["a@example.com"]},
        Message={"Subject": {"Data": "plain"}, "Body": {"Text": {"Data": "x"}}},
    )["MessageId"]
    assert "no HTML part" in http.refused("GET", f"/_sesmock/messages/{text_only}/html", 404)
    assert http.refused("DELETE", f"/_sesmock/messages/{html_id}/html", 405)


def test_log_lines_diagnose(tmp_path: Path) -> None:
    (tmp_path / "sets.yaml").write_text("configuration_sets:\n  - Name: marketing\n")
    with serve(tmp_path, "--yaml", str(tmp_path / "sets.yaml"), "--log-requests") as (
        process,
        url,
    ):
        done = aws_cli(
            tmp_path,
            "ses",
            "describe-configuration-set",
            *("--endpoint-url", url, "--region", "eu-west-1"),
            *("--configuration-set-name", "marketing"),
        )
        assert done.returncode != 0
        Http(url).get("/_sesmock/health")
        process.terminate()
        _, errors = process.communicate(timeout=TIMEOUT)
    line = next(line for line in errors.splitlines() if "DescribeConfigurationSet" in line)
    assert "ses DescribeConfigurationSet eu-west-1 set=marketing" in line
    assert "ConfigurationSetDoesNotExist hint:" in line
    assert "us-east-1" in line
    assert any('"GET /_sesmock/health HTTP/1.1" 200' in line for line in errors.splitlines())


def test_the_serve_command_takes_a_store_size(tmp_path: Path) -> None:
    with serve(tmp_path, "--store-size", "2") as (process, url):
        http = Http(url)
        for _ in range(3):
            http.get("/_sesmock/health")
        client = boto3.client(
            "ses",
            region_name="us-east-1",
            endpoint_url=url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        for _ in range(3):
            client.list_configuration_sets()
        assert http.get("/_sesmock/health")["store"]["dropped"]["calls"] == 1
        process.terminate()


# -- another language --------------------------------------------------------------------------

JS = Path(__file__).parent / "js"


def test_the_javascript_sdk_sets_up_sends_and_reads_back(tmp_path: Path) -> None:
    """tests/js/send.mjs, with the AWS SDK for JavaScript v3: declares a set by posting YAML,
    sends through it, reads the message and its events back, resets."""
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "@aws-sdk" / "client-sesv2").is_dir():
        why = "needs Node.js and `npm ci --prefix tests/js` (the AWS SDK for JavaScript)"
        if os.environ.get("SESMOCK_REQUIRE_JS"):  # CI installs it: there, missing is a failure
            pytest.fail(why)
        pytest.skip(why)
    with serve(tmp_path) as (process, url):
        done = subprocess.run(
            [node, str(JS / "send.mjs"), url],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=aws_environment(tmp_path),
            check=False,
        )
        process.terminate()
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["declared"]["status"] == 201
    assert seen["refused"] == {"name": "NotFoundException", "status": 404}
    message = seen["message"]["body"]
    assert message["id"] == seen["messageId"]
    assert (message["api"], message["subject"], message["tags"]) == (
        "sesv2",
        "From Node",
        {"sdk": "javascript"},
    )
    assert [(e["type"], e["destination"]) for e in message["events"]] == [
        ("Send", "to-sns"),
        ("Delivery", "to-sns"),
    ]
    assert [c["operation"] for c in seen["calls"]["body"]["calls"]] == ["SendEmail"]
    assert seen["localstack"]["body"]["messages"][0]["Subject"] == "From Node"
    assert seen["reset"]["status"] == 200
    assert seen["after"]["body"]["messages"] == []


# -- memory over a long run -------------------------------------------------------------------

SENDS = 200_000


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads memory from /proc")
def test_memory_stays_flat_over_200000_sends(tmp_path: Path) -> None:
    """200,000 sends through a set with an event destination, through ``serve``: once the store
    is full (1,000 messages and calls, 4,000 events), the server's resident memory stays flat,
    and every message let go is counted."""
    (tmp_path / "sets.yaml").write_text(SENDING_YAML)
    arguments = ("--rate-limit", "off", "--yaml", str(tmp_path / "sets.yaml"))
    with serve(tmp_path, *arguments, lifetime=1800) as (process, url):  # a long run, never a hang
        form = {
            "Action": "SendEmail",
            "Version": "2010-12-01",
            "Source": SENDER,
            "Destination.ToAddresses.member.1": "reader@example.com",
            "Message.Subject.Data": "Hello",
            "Message.Body.Text.Data": "A message like any other.",
            "Message.Body.Html.Data": "<p>A message like any other.</p>",
            "ConfigurationSetName": "sending",
        }
        request = signed_bytes(url, form)
        sent, samples = 0, []
        with connect(url) as sock:
            while sent < SENDS:
                batch = min(500, SENDS - sent)
                sock.sendall(request * batch)
                statuses = [status for status, _, _ in read_answers(sock, batch)]
                assert statuses == [200] * batch
                sent += batch
                if sent % 10_000 == 0:
                    samples.append(_rss_mib(process.pid))
        health = Http(url).get("/_sesmock/health")["store"]
        process.terminate()
        assert process.wait(timeout=TIMEOUT) == 0
    # Each message held keeps its Send and Delivery (the store keeps 4,000 events).
    assert health["held"] == {"messages": 1000, "events": 4000, "calls": 1000}
    assert health["dropped"] == {
        "messages": SENDS - 1000,
        "events": 2 * SENDS - 4000,
        "calls": SENDS - 1000,
    }
    # The store was full after 2,000 sends; from 10,000 sends on, what is held only turns over.
    full, last = samples[0], samples[-1]
    assert last - full < 8, f"resident memory every 10,000 sends, in MiB: {samples}"
    assert max(samples) - full < 12, samples
