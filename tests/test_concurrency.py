"""Under load: many threads at once, in-process and against the server; memory that stays bounded.

Every call made is answered with an AWS error at worst (never a Python exception from inside the
mock) and recorded exactly once; concurrent writes are all kept; what a refused request records
is capped; deleted sets leave nothing behind that later calls would have to walk.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_sesmock import SesMock
from pytest_sesmock.server import SesServer
from pytest_sesmock.state.declaration import parse_entry
from pytest_sesmock.state.records import RECORD_BUDGET, RECORD_TEXT

THREADS = 16
CALLS = 1_000  # per thread
TIMEOUT = 300  # seconds a storm may take on a slow, shared machine
NO_RETRIES = Config(retries={"total_max_attempts": 1})  # one attempt: one record per call
SHARED = [f"shared-{n}" for n in range(8)]
DESTINATION = {
    "Name": "to-sns",
    "Enabled": True,
    "MatchingEventTypes": ["send"],
    "SNSDestination": {"TopicARN": "arn:aws:sns:us-east-1:123456789012:t"},
}

# One round of a thread's calls: every kind of read and write, both APIs.
ROUND = [
    ("ses", "CreateConfigurationSet"),
    ("ses", "DescribeConfigurationSet"),
    ("sesv2", "GetConfigurationSet"),
    ("ses", "ListConfigurationSets"),
    ("sesv2", "ListConfigurationSets"),
    ("sesv2", "CreateConfigurationSetEventDestination"),
    ("sesv2", "PutConfigurationSetSendingOptions"),
    ("ses", "UpdateConfigurationSetReputationMetricsEnabled"),
    ("sesv2", "DeleteConfigurationSet"),
    ("ses", "DescribeConfigurationSet"),
]


def declared_mock() -> SesMock:
    """A mock with sets declared through a door's layer: a write copies them (copy-on-write)."""
    mock = SesMock(rate_limit="off")
    mock.add_layer([parse_entry({"Name": name}) for name in SHARED])
    return mock


def one_call(ses: Any, v2: Any, thread: int, number: int) -> None:
    """Call number ``number`` of thread ``thread``: ``ROUND[number % len(ROUND)]``."""
    step, round_ = number % len(ROUND), number // len(ROUND)
    own = f"t{thread}-{round_}"
    shared = SHARED[(thread + round_) % len(SHARED)]
    if step == 0:
        ses.create_configuration_set(ConfigurationSet={"Name": own})
    elif step == 1:
        ses.describe_configuration_set(
            ConfigurationSetName=own, ConfigurationSetAttributeNames=["reputationOptions"]
        )
    elif step == 2:
        v2.get_configuration_set(ConfigurationSetName=own)
    elif step == 3:
        ses.list_configuration_sets(MaxItems=5)
    elif step == 4:
        v2.list_configuration_sets(PageSize=5)
    elif step == 5:
        v2.create_configuration_set_event_destination(
            ConfigurationSetName=own,
            EventDestinationName="d",
            EventDestination={
                "MatchingEventTypes": ["SEND"],
                "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"},
            },
        )
    elif step == 6:
        v2.put_configuration_set_sending_options(
            ConfigurationSetName=shared, SendingEnabled=bool(number % 2)
        )
    elif step == 7:
        ses.update_configuration_set_reputation_metrics_enabled(
            ConfigurationSetName=shared, Enabled=bool(number % 3)
        )
    elif step == 8:
        v2.delete_configuration_set(ConfigurationSetName=own)
    else:
        ses.describe_configuration_set(ConfigurationSetName=f"gone-{thread}")  # not there


def storm(clients: Callable[[], tuple[Any, Any]]) -> tuple[list[BaseException], Counter[str]]:
    """``THREADS`` threads x ``CALLS`` calls; the exceptions that were not AWS errors, and the
    AWS error codes answered."""
    pairs = [clients() for _ in range(THREADS)]  # botocore clients are made in one thread
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []
    codes: Counter[str] = Counter()
    lock = threading.Lock()

    def work(thread: int) -> None:
        ses, v2 = pairs[thread]
        start.wait(timeout=TIMEOUT)
        for number in range(CALLS):
            try:
                one_call(ses, v2, thread, number)
            except ClientError as error:  # an AWS error: what a caller may get
                with lock:
                    codes[error.response["Error"]["Code"]] += 1
            except BaseException as error:
                with lock:
                    failures.append(error)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(TIMEOUT)
    assert not any(worker.is_alive() for worker in workers), "the storm did not end"
    return failures, codes


def expected_operations() -> Counter[tuple[str, str]]:
    per_round = Counter(ROUND)
    return Counter({key: count * THREADS * CALLS // len(ROUND) for key, count in per_round.items()})


def check_storm(mock: SesMock, failures: list[BaseException], codes: Counter[str]) -> None:
    assert failures == [], f"{len(failures)} non-AWS exceptions, the first: {failures[:1]!r}"
    assert len(mock.calls) == THREADS * CALLS  # every call recorded, exactly once
    assert Counter((call.api, call.operation) for call in mock.calls) == expected_operations()
    # The only errors are the ones the workload asks for: describing sets that never existed.
    assert codes == {"ConfigurationSetDoesNotExist": THREADS * CALLS // len(ROUND)}
    assert sum(call.status != 200 for call in mock.calls) == sum(codes.values())
    # Every set a thread created it also deleted: only the declared sets remain, each changed
    # through a copy of its own.
    listed = boto3.client("sesv2", region_name="us-east-1")
    assert mock.backend.visible("123456789012", "us-east-1").keys() == set(SHARED)
    assert {key[2] for key in mock.backend.configuration_sets} == set(SHARED)
    assert listed is not None


def test_a_thread_storm_in_process() -> None:
    mock = declared_mock()

    def clients() -> tuple[Any, Any]:
        return (
            boto3.client("ses", region_name="us-east-1", config=NO_RETRIES),
            boto3.client("sesv2", region_name="us-east-1", config=NO_RETRIES),
        )

    with mock:
        failures, codes = storm(clients)
    check_storm(mock, failures, codes)


def test_a_thread_storm_against_the_server() -> None:
    mock = declared_mock()

    with SesServer(mock) as server:

        def clients() -> tuple[Any, Any]:
            # No mock is active: these clients send their requests over HTTP to the server.
            common: dict[str, Any] = {
                "region_name": "us-east-1",
                "endpoint_url": server.endpoint_url,
                "aws_access_key_id": "AKIDEXAMPLE",
                "aws_secret_access_key": "not-a-secret",
                "config": NO_RETRIES,
            }
            return boto3.client("ses", **common), boto3.client("sesv2", **common)

        failures, codes = storm(clients)
    check_storm(mock, failures, codes)


def test_concurrent_sends_keep_every_message_and_event() -> None:
    """8 threads sending through one set, both APIs: every message and event kept, in order."""
    threads, sends = 8, 100
    mock = SesMock(rate_limit="off")
    mock.add_configuration_set({"Name": "sending", "EventDestinations": [DESTINATION]})
    failures: list[BaseException] = []
    ids: list[list[str]] = [[] for _ in range(threads)]
    start = threading.Barrier(threads)
    message = {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}

    def sender(thread: int) -> None:
        try:
            ses = boto3.client("ses", region_name="us-east-1", config=NO_RETRIES)
            v2 = boto3.client("sesv2", region_name="us-east-1", config=NO_RETRIES)
            start.wait()
            for n in range(sends):
                to = {"ToAddresses": [f"t{thread}-{n}@example.com"]}
                if n % 2:
                    out = ses.send_email(
                        Source="s@example.com",
                        Destination=to,
                        Message=message,
                        ConfigurationSetName="sending",
                    )
                else:
                    out = v2.send_email(
                        FromEmailAddress="s@example.com",
                        Destination=to,
                        Content={"Simple": message},
                        ConfigurationSetName="sending",
                    )
                ids[thread].append(out["MessageId"])
        except BaseException as failure:  # any failure fails the test below
            failures.append(failure)

    with mock:
        workers = [threading.Thread(target=sender, args=(n,)) for n in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(TIMEOUT)
    assert failures == []
    sent = [message_id for per_thread in ids for message_id in per_thread]
    assert len(set(sent)) == threads * sends
    assert sorted(m.message_id for m in mock.messages) == sorted(sent)
    assert sorted(e.message_id for e in mock.events) == sorted(sent)  # one Send event each
    assert len(mock.calls) == threads * sends
    for thread in range(threads):  # each thread's messages are kept in the order it sent them
        own = [m.message_id for m in mock.messages if m.message_id in set(ids[thread])]
        assert own == ids[thread]


def test_concurrent_first_writes_to_a_declared_set_are_all_kept() -> None:
    """Each set below is copied into the mock on its first write; none of 8 racing writes is
    lost to another thread's copy."""
    declared = [f"declared-{n}" for n in range(50)]
    writers = 8
    mock = SesMock(rate_limit="off")
    mock.add_layer([parse_entry({"Name": name}) for name in declared])
    clients = [boto3.client("ses", region_name="us-east-1", config=NO_RETRIES) for _ in range(8)]
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(thread: int) -> None:
        start.wait(timeout=TIMEOUT)
        for name in declared:
            try:
                clients[thread].create_configuration_set_event_destination(
                    ConfigurationSetName=name,
                    EventDestination={**DESTINATION, "Name": f"from-{thread}"},
                )
            except BaseException as error:
                failures.append(error)

    with mock:
        workers = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(TIMEOUT)
        assert failures == []
        for name in declared:
            found = mock.backend.find(("123456789012", "us-east-1", name))
            assert found is not None
            assert sorted(d["Name"] for d in found.event_destinations) == [
                f"from-{n}" for n in range(writers)
            ]
    assert len(mock.calls) == writers * len(declared)


# -- bounded memory --------------------------------------------------------------------------------


def query_request(body: str) -> AWSRequest:
    return AWSRequest(
        method="POST",
        url="https://email.us-east-1.amazonaws.com/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ).prepare()


def record_size(value: Any) -> int:
    """The characters a record holds, all strings counted."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict) or hasattr(value, "items"):
        return sum(record_size(k) + record_size(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return sum(record_size(item) for item in value)
    return 0


def test_a_refused_1_mib_request_is_recorded_capped() -> None:
    mock = SesMock(rate_limit="off")
    huge = "x" * 2**20
    # An attribute name outside the enum: ValidationError, recorded with what was sent.
    fields = "&".join(f"Field{n}=y" for n in range(500))
    body = (
        "Action=DescribeConfigurationSet&Version=2010-12-01&ConfigurationSetName=marketing"
        f"&ConfigurationSetAttributeNames.member.1={huge}&{fields}"
    )
    answer = mock.answer(query_request(body))
    assert answer is not None
    assert answer.status == 400
    (call,) = mock.calls
    assert call.error_code == "ValidationError"
    assert call.params["ConfigurationSetName"] == "marketing"  # small values kept as sent
    kept = call.params["ConfigurationSetAttributeNames.member.1"]
    assert kept == "x" * RECORD_TEXT + f"... [{2**20 - RECORD_TEXT} more characters]"
    assert record_size(call.params) < 2 * RECORD_BUDGET
    assert call.params["..."].endswith("more fields]")


def test_a_refused_1_mib_v2_request_is_recorded_capped() -> None:
    import json

    mock = SesMock(rate_limit="off")
    body = json.dumps({"ConfigurationSetName": "x", "Tags": [{"Key": 1, "Value": "v" * 2**20}]})
    request = AWSRequest(
        method="POST",
        url="https://email.us-east-1.amazonaws.com/v2/email/configuration-sets",
        data=body.encode(),
    ).prepare()
    answer = mock.answer(request)
    assert answer is not None
    assert answer.status == 400
    (call,) = mock.calls
    assert (call.api, call.operation, call.error_code) == (
        "sesv2",
        "CreateConfigurationSet",
        "BadRequestException",
    )
    assert record_size(call.params) < 2 * RECORD_BUDGET
    assert call.params["Tags"][0]["Value"].endswith(f"[{2**20 - RECORD_TEXT} more characters]")


def test_the_decode_cache_is_bounded_by_bytes() -> None:
    mock = SesMock(rate_limit="off")
    mock.add_configuration_set({"Name": "marketing"})
    for n in range(300):  # distinct valid requests of 32 KiB each: 9.4 MiB in all
        padding = f"{n:05d}" + "p" * 32 * 1024
        body = (
            "Action=DescribeConfigurationSet&Version=2010-12-01&ConfigurationSetName=marketing"
            f"&Unknown={padding}"
        )
        answer = mock.answer(query_request(body))
        assert answer is not None
        assert answer.status == 200
    cache = mock.pipeline.decoded
    assert cache.bytes <= cache.max_bytes
    assert len(cache) < 300
    assert len(mock.calls) == 300


def test_created_and_deleted_sets_leave_nothing_behind() -> None:
    """10,000 create+delete pairs: no hiding entries kept, so List and Create stay as cheap as
    before them (the benchmark measures it); a deleted declared set is hidden by one entry."""
    mock = SesMock(rate_limit="off")
    mock.add_layer([parse_entry({"Name": "declared"})])
    mock.add_configuration_set({"Name": "kept"})

    def call(action: str, **params: str) -> None:
        form = "&".join(f"{key}={value}" for key, value in params.items())
        answer = mock.answer(query_request(f"Action={action}&Version=2010-12-01&{form}"))
        assert answer is not None
        assert answer.status == 200, answer.body

    for n in range(10_000):  # through the pipeline, as botocore's requests go
        call("CreateConfigurationSet", **{"ConfigurationSet.Name": f"set-{n:05d}"})
        call("DeleteConfigurationSet", ConfigurationSetName=f"set-{n:05d}")
    backend = mock.backend
    assert list(backend.configuration_sets) == [("123456789012", "us-east-1", "kept")]
    assert backend._own_names == {("123456789012", "us-east-1"): ["kept"]}
    assert backend.count("123456789012", "us-east-1") == 2
    with mock:
        ses = boto3.client("ses", region_name="us-east-1")
        names = [s["Name"] for s in ses.list_configuration_sets()["ConfigurationSets"]]
        assert names == ["declared", "kept"]
        # Deleting a declared set keeps exactly one entry: the one hiding it.
        ses.delete_configuration_set(ConfigurationSetName="declared")
        assert backend.configuration_sets[("123456789012", "us-east-1", "declared")] is None
        assert backend.count("123456789012", "us-east-1") == 1
        assert [s["Name"] for s in ses.list_configuration_sets()["ConfigurationSets"]] == ["kept"]
        ses.create_configuration_set(ConfigurationSet={"Name": "declared"})  # back again
        assert backend.count("123456789012", "us-east-1") == 2
    assert len(mock.calls) == 20_000 + 4


@pytest.fixture
def nested() -> Iterator[tuple[SesMock, SesMock]]:
    outer = SesMock(rate_limit="off")
    outer.add_layer([parse_entry({"Name": f"outer-{n}"}) for n in range(3)])
    inner = SesMock(rate_limit="off")
    inner.add_layer([parse_entry({"Name": "outer-1"}), parse_entry({"Name": "inner"})])
    with outer, inner:
        yield outer, inner


def test_counts_and_pages_of_nested_mocks(nested: tuple[SesMock, SesMock]) -> None:
    outer, inner = nested
    ses = boto3.client("ses", region_name="us-east-1")
    where = ("123456789012", "us-east-1")

    def listed(**kwargs: Any) -> list[str]:
        return [s["Name"] for s in ses.list_configuration_sets(**kwargs)["ConfigurationSets"]]

    assert listed() == ["inner", "outer-0", "outer-1", "outer-2"]
    assert inner.backend.count(*where) == 4
    ses.delete_configuration_set(ConfigurationSetName="outer-0")  # hides the outer mock's set
    ses.delete_configuration_set(ConfigurationSetName="outer-1")  # hides both
    assert listed() == ["inner", "outer-2"]
    assert inner.backend.count(*where) == 2
    # The outer mock changes under the inner one (a server thread may do this): counts follow.
    outer.add_configuration_set({"Name": "outer-3"})
    assert inner.backend.count(*where) == 3
    assert listed(MaxItems=2) == ["inner", "outer-2"]
    page = ses.list_configuration_sets(MaxItems=2)
    assert [
        s["Name"]
        for s in ses.list_configuration_sets(NextToken=page["NextToken"])["ConfigurationSets"]
    ] == ["outer-3"]
    assert outer.backend.count(*where) == 4  # the outer mock lost nothing


# -- a bug inside the mock is an AWS error, never a Python exception -------------------------------


def test_a_failure_inside_an_operation_is_an_internal_failure(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from pytest_sesmock.state.backend import Backend

    def broken(*_: Any) -> Any:
        raise RuntimeError("a bug in the mock")

    with SesMock() as mock:
        mock.add_configuration_set({"Name": "marketing"})
        ses = boto3.client("ses", region_name="us-east-1", config=NO_RETRIES)
        monkeypatch.setattr(Backend, "get", broken)
        with pytest.raises(ClientError) as raised:
            ses.describe_configuration_set(ConfigurationSetName="marketing")
        monkeypatch.undo()
        assert ses.describe_configuration_set(ConfigurationSetName="marketing")  # goes on
    error = raised.value.response
    assert error["Error"]["Code"] == "InternalFailure"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert "RuntimeError: a bug in the mock" in error["Error"]["Message"]
    stderr = capsys.readouterr().err
    assert "pytest-sesmock: internal failure answering ses DescribeConfigurationSet" in stderr
    assert error["ResponseMetadata"]["RequestId"] in stderr
    assert "Traceback" in stderr
    assert [(c.operation, c.status, c.error_code) for c in mock.calls] == [
        ("DescribeConfigurationSet", 500, "InternalFailure"),
        ("DescribeConfigurationSet", 200, None),
    ]


def test_a_failure_decoding_a_request_is_an_internal_failure(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_: Any) -> Any:
        raise KeyError("a bug in the decoder")

    with SesMock() as mock:
        v2 = boto3.client("sesv2", region_name="us-east-1", config=NO_RETRIES)
        # The wire this mock's pipeline uses, whichever copy of the module made it (pytester's
        # inline runs may have left a second copy of rest_json in sys.modules).
        wire = type(mock.pipeline).answer.__globals__["_wires"]("sesv2")
        monkeypatch.setattr(type(wire), "decode", broken)
        with pytest.raises(ClientError) as raised:
            v2.get_configuration_set(ConfigurationSetName="marketing")
    assert raised.value.response["Error"]["Code"] == "InternalFailure"
    assert "KeyError" in raised.value.response["Error"]["Message"]
    assert "KeyError: 'a bug in the decoder'" in capsys.readouterr().err
    (call,) = mock.calls
    assert (call.api, call.operation, call.status, call.params) == (
        "sesv2",
        "GetConfigurationSet",
        500,
        {},
    )


def test_the_rate_limit_holds_under_a_storm_on_the_real_clock() -> None:
    """16 threads describing at once: never more tokens than the bucket had and the clock gave.

    With the clock read outside the lock, two threads could reach the limiter in the other order
    than they read the time, and it would take the later one for a clock set back (freezegun
    travelling), refilling the bucket.
    """
    with SesMock(rate_limit="track") as mock:
        mock.add_configuration_set({"Name": "marketing"})
        mock.set_rate_limit(per_second=20, burst=5)
        clients = [boto3.client("ses", region_name="us-east-1", config=NO_RETRIES)] * THREADS
        start = threading.Barrier(THREADS)

        def describe(client: Any) -> None:
            start.wait(timeout=TIMEOUT)
            for _ in range(50):
                client.describe_configuration_set(ConfigurationSetName="marketing")

        workers = [threading.Thread(target=describe, args=(c,)) for c in clients]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(TIMEOUT)
    times = [call.time for call in mock.calls]
    assert times == sorted(times)  # recorded in the order they were answered
    within = sum(not call.throttled for call in mock.calls)
    assert len(mock.calls) == THREADS * 50
    assert within <= 5 + (times[-1] - times[0]) * 20 + 1e-6
