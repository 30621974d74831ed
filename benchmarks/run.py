"""pytest-sesmock's benchmarks: one process run, medians, a table of times and ratios.

    python benchmarks/run.py            # everything (a few minutes)
    python benchmarks/run.py --quick    # fewer rounds, for a smoke test
    python benchmarks/run.py --only server --only deleted   # some parts only

Every comparison is measured in this one run, interleaved in rounds, so that a shared, noisy
machine slows both sides alike; the ratios are what the targets are about.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import botocore
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber

import pytest_sesmock
from pytest_sesmock import SesMock
from pytest_sesmock.adapters import botocore as interception

DESTINATION = {
    "Name": "to-sns",
    "Enabled": True,
    "MatchingEventTypes": ["send", "bounce"],
    "SNSDestination": {"TopicARN": "arn:aws:sns:us-east-1:123456789012:ses-events"},
}
ATTRIBUTES = ["eventDestinations", "reputationOptions"]
ROWS: list[tuple[str, str, str, str]] = []


def row(what: str, value: str, target: str = "", verdict: str = "") -> None:
    ROWS.append((what, value, target, verdict))
    print(f"  {what}: {value} {target} {verdict}".rstrip(), flush=True)


def check(ok: bool) -> str:
    return "met" if ok else "MISSED"


def interleaved(calls: dict[str, Callable[[], Any]], rounds: int, count: int) -> dict[str, float]:
    """Median time of one call of each, the calls alternating one by one (drift hits all alike)."""
    samples: dict[str, list[float]] = {name: [] for name in calls}
    clock = time.perf_counter
    for _ in range(rounds):
        gc.collect()
        for _ in range(count):
            for name, call in calls.items():
                started = clock()
                call()
                samples[name].append(clock() - started)
    return {name: statistics.median(values) for name, values in samples.items()}


def unhooked_client(service: str = "ses") -> Any:
    """A client without pytest-sesmock's handlers: as if the plugin were not installed."""
    client = boto3.client(service, region_name="us-east-1")
    for event, handler in interception._HANDLERS:
        client.meta.events.unregister(event, handler)
    return client


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


def _floors(service: str, body: bytes, headers: dict[str, str]) -> tuple[Any, Any]:
    """(signed floor, unsigned floor): clients without our handlers, a bare before-send handler
    answering a fixed body: botocore's own serializing, (signing,) and parsing, nothing of ours."""
    from botocore import UNSIGNED
    from botocore.config import Config

    clients = []
    for config in (None, Config(signature_version=UNSIGNED)):
        client = boto3.client(service, region_name="us-east-1", config=config)
        for event, handler in interception._HANDLERS:
            client.meta.events.unregister(event, handler)
        client.meta.events.register_first(
            f"before-send.{service}",
            lambda request, **_: AWSResponse(
                request.url,
                200,
                headers,
                _Raw(body),  # type: ignore[arg-type]
            ),
        )
        clients.append(client)
    return clients[0], clients[1]


def _signing_rows(label: str, result: dict[str, float]) -> None:
    """The rows of one API: the floors, ours by default (unsigned) and ours signing."""
    signed, unsigned = result["signed floor"], result["unsigned floor"]
    row(f"{label}: floor, signed (bare before-send, fixed answer)", f"{signed * 1e6:.0f} us")
    row(f"{label}: floor, unsigned", f"{unsigned * 1e6:.0f} us")
    row(f"{label}: pytest-sesmock (unsigned, the default)", f"{result['ours'] * 1e6:.0f} us")
    row(f"{label}: pytest-sesmock, sign_requests=True", f"{result['ours signing'] * 1e6:.0f} us")
    to_signed = result["ours"] / signed
    to_unsigned = result["ours"] / unsigned
    row(
        f"{label}: ours / signed floor",
        f"{to_signed:.3f}",
        "target <= 0.80",
        check(to_signed <= 0.80),
    )
    row(
        f"{label}: ours / unsigned floor",
        f"{to_unsigned:.3f}",
        "target <= 1.15",
        check(to_unsigned <= 1.15),
    )
    signing = result["ours signing"] / signed
    row(
        f"{label}: ours signing / signed floor",
        f"{signing:.3f}",
        "target <= 1.15",
        check(signing <= 1.15),
    )


def _ours(mock: SesMock, call: Callable[[], Any], sign: bool) -> Callable[[], Any]:
    def ours() -> Any:
        mock.sign_requests = sign  # read per request, when botocore chooses its signer
        return call()

    return ours


def _signing_compared(
    mock: SesMock,
    call: Callable[[Any], Callable[[], Any]],
    clients: tuple[Any, Any, Any],
    rounds: int,
    count: int,
    **others: Callable[[], Any],
) -> dict[str, float]:
    """The mock's client (by default and signing) against the signed and unsigned floors, and
    ``others``, interleaved after a warm-up."""
    ours, signed, unsigned = clients
    calls = {
        "ours": _ours(mock, call(ours), False),
        "ours signing": _ours(mock, call(ours), True),
        "signed floor": call(signed),
        "unsigned floor": call(unsigned),
        **others,
    }
    for each in calls.values():
        each()  # warm up
    result = interleaved(calls, rounds, count)
    mock.sign_requests = False
    return result


def per_call(rounds: int, count: int) -> None:
    print("per-call cost of describe_configuration_set", flush=True)
    with SesMock(rate_limit="track") as mock:
        mock.add_configuration_set({"Name": "marketing", "EventDestinations": [DESTINATION]})
        ours = boto3.client("ses", region_name="us-east-1")
        fixed = ours.describe_configuration_set(
            ConfigurationSetName="marketing", ConfigurationSetAttributeNames=ATTRIBUTES
        )
        body = _body_of(mock)
        signed, unsigned = _floors("ses", body, {"x-amzn-RequestId": "x"})
        # botocore's Stubber: a queued parsed response per call, no wire path at all
        stubbed = unhooked_client()
        stubber = Stubber(stubbed)
        expected = {k: v for k, v in fixed.items() if k != "ResponseMetadata"}
        total = rounds * count + 10
        for _ in range(total):
            stubber.add_response("describe_configuration_set", expected)
        stubber.activate()

        def call(client: Any) -> Callable[[], Any]:
            return lambda: client.describe_configuration_set(
                ConfigurationSetName="marketing", ConfigurationSetAttributeNames=ATTRIBUTES
            )

        clients = (ours, signed, unsigned)
        result = _signing_compared(mock, call, clients, rounds, count, stubber=call(stubbed))
    moto_time = _moto_per_call(rounds, count, call)
    _signing_rows("ses", result)
    row("botocore Stubber", f"{result['stubber'] * 1e6:.0f} us")
    if moto_time is not None:
        row("moto mock_aws", f"{moto_time * 1e6:.0f} us")
        moto_ratio = moto_time / result["ours"]
        row("moto / pytest-sesmock", f"{moto_ratio:.2f}", "target >= 2.5", check(moto_ratio >= 2.5))


def _body_of(mock: SesMock) -> bytes:
    from botocore.awsrequest import AWSRequest

    request = AWSRequest(
        method="POST",
        url="https://email.us-east-1.amazonaws.com/",
        data="Action=DescribeConfigurationSet&Version=2010-12-01&ConfigurationSetName=marketing"
        "&ConfigurationSetAttributeNames.member.1=eventDestinations"
        "&ConfigurationSetAttributeNames.member.2=reputationOptions",
    ).prepare()
    response = mock.answer(request)
    assert response is not None
    return response.body


def per_call_aio(rounds: int, count: int) -> None:
    """aiobotocore's describe through the mock against its own floor (a bare handler)."""
    try:
        import asyncio

        from aiobotocore.awsrequest import AioAWSResponse
        from aiobotocore.session import get_session
    except ImportError:
        row("aiobotocore per call", "not installed")
        return
    print("per-call cost of describe_configuration_set, aiobotocore", flush=True)

    class AioRaw:
        def __init__(self, body: bytes) -> None:
            self.body, self.raw_headers = body, ()

        async def read(self, *_: Any, **__: Any) -> bytes:
            return self.body

    from botocore import UNSIGNED
    from botocore.config import Config

    async def measure() -> dict[str, float]:
        with SesMock(rate_limit="track") as mock:
            mock.add_configuration_set({"Name": "marketing", "EventDestinations": [DESTINATION]})
            body = _body_of(mock)
            session = get_session()
            async with (
                session.create_client("ses", region_name="us-east-1") as ours,
                session.create_client("ses", region_name="us-east-1") as signed,
                session.create_client(
                    "ses", region_name="us-east-1", config=Config(signature_version=UNSIGNED)
                ) as unsigned,
            ):
                for floor in (signed, unsigned):
                    for event, handler in interception._HANDLERS:
                        floor.meta.events.unregister(event, handler)
                    floor.meta.events.register_first(
                        "before-send.ses",
                        lambda request, **_: AioAWSResponse(
                            request.url, 200, {"x-amzn-RequestId": "x"}, AioRaw(body)
                        ),
                    )
                variants = (
                    ("ours", ours, False),
                    ("ours signing", ours, True),
                    ("signed floor", signed, False),
                    ("unsigned floor", unsigned, False),
                )
                samples: dict[str, list[float]] = {name: [] for name, _, _ in variants}
                for _, client, sign in variants:  # warm up
                    mock.sign_requests = sign
                    await client.describe_configuration_set(
                        ConfigurationSetName="marketing", ConfigurationSetAttributeNames=ATTRIBUTES
                    )
                for _ in range(rounds):
                    gc.collect()
                    for _ in range(count):
                        for name, client, sign in variants:
                            mock.sign_requests = sign
                            started = time.perf_counter()
                            await client.describe_configuration_set(
                                ConfigurationSetName="marketing",
                                ConfigurationSetAttributeNames=ATTRIBUTES,
                            )
                            samples[name].append(time.perf_counter() - started)
        return {name: statistics.median(values) for name, values in samples.items()}

    _signing_rows("aiobotocore", asyncio.run(measure()))


def per_call_v2(rounds: int, count: int) -> None:
    print("per-call cost of sesv2 get_configuration_set", flush=True)
    from botocore.awsrequest import AWSRequest

    with SesMock(rate_limit="track") as mock:
        mock.add_configuration_set({"Name": "marketing", "EventDestinations": [DESTINATION]})
        ours = boto3.client("sesv2", region_name="us-east-1")
        request = AWSRequest(
            method="GET",
            url="https://email.us-east-1.amazonaws.com/v2/email/configuration-sets/marketing",
        ).prepare()
        answered = mock.answer(request)
        assert answered is not None
        headers = {"x-amzn-RequestId": "x", "Content-Type": "application/json"}
        signed, unsigned = _floors("sesv2", answered.body, headers)

        def call(client: Any) -> Callable[[], Any]:
            return lambda: client.get_configuration_set(ConfigurationSetName="marketing")

        result = _signing_compared(mock, call, (ours, signed, unsigned), rounds, count)
    _signing_rows("sesv2", result)


def _moto_per_call(rounds: int, count: int, call: Callable[[Any], Callable[[], Any]]) -> Any:
    try:
        import moto
    except ImportError:
        row("moto mock_aws", "not installed")
        return None
    with moto.mock_aws():
        client = boto3.client("ses", region_name="us-east-1")
        client.create_configuration_set(ConfigurationSet={"Name": "marketing"})
        call(client)()
        return interleaved({"moto": call(client)}, rounds, count)["moto"]


def fixture_cost(count: int) -> None:
    print("per-test cost of the fixture (10 sets from YAML)", flush=True)
    from pytest_sesmock.state.yaml_file import load_yaml

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "ses_mock.yaml"
        path.write_text(_yaml_of(10))
        layer = load_yaml(path).configuration_sets

        def setup_and_teardown() -> None:
            # What the ses_mock fixture does for each test (plugin.py): build, layer, start, stop.
            mock = SesMock(region=None, account=None, rate_limit=None)
            mock.add_layer(layer)
            mock.start()
            mock.stop()

        setup_and_teardown()
        ours = interleaved({"ours": setup_and_teardown}, 5, count)["ours"]
    row("ses_mock set-up + teardown", f"{ours * 1e3:.3f} ms", "target < 0.5 ms", check(ours < 5e-4))
    try:
        import moto
    except ImportError:
        return

    def moto_enter_exit() -> None:
        with moto.mock_aws():
            pass

    moto_enter_exit()
    moto_time = interleaved({"moto": moto_enter_exit}, 3, max(count // 10, 20))["moto"]
    row("moto mock_aws enter + exit", f"{moto_time * 1e3:.3f} ms")


def _yaml_of(count: int) -> str:
    lines = ["configuration_sets:"]
    for index in range(count):
        lines += [
            f"  - Name: set-{index:05d}",
            "    EventDestinations:",
            "      - Name: to-sns",
            "        Enabled: true",
            "        MatchingEventTypes: [send, bounce]",
            "        SNSDestination: {TopicARN: 'arn:aws:sns:us-east-1:123456789012:t'}",
            "    ReputationOptions: {ReputationMetricsEnabled: true}",
        ]
    return "\n".join(lines) + "\n"


SUITE_OURS = """
import boto3, pytest

@pytest.mark.parametrize("n", range({count}))
def test_one(ses_mock, n):
    ses_mock.add_configuration_set({{"Name": f"set-{{n}}"}})
    ses = boto3.client("ses", region_name="us-east-1")
    assert ses.describe_configuration_set(ConfigurationSetName=f"set-{{n}}")
"""

SUITE_STUBBER = """
import boto3, pytest
from botocore.stub import Stubber

@pytest.mark.parametrize("n", range({count}))
def test_one(n):
    ses = boto3.client("ses", region_name="us-east-1")
    with Stubber(ses) as stubber:
        stubber.add_response("describe_configuration_set",
                             {{"ConfigurationSet": {{"Name": f"set-{{n}}"}}}},
                             {{"ConfigurationSetName": f"set-{{n}}"}})
        assert ses.describe_configuration_set(ConfigurationSetName=f"set-{{n}}")
"""


def suite_cost(count: int, rounds: int) -> None:
    print(f"a {count}-test suite, pytest-sesmock against Stubber", flush=True)
    # Bytecode cached as on a user's machine: with PYTHONDONTWRITEBYTECODE (set on some CI and
    # sandbox machines) every run would compile pytest-sesmock from source, but not botocore,
    # whose installer wrote its bytecode.
    env = {
        **_cached_env(),
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "ours").mkdir()
        (root / "stubber").mkdir()
        (root / "ours" / "test_ours.py").write_text(SUITE_OURS.format(count=count))
        (root / "stubber" / "test_stubber.py").write_text(SUITE_STUBBER.format(count=count))
        commands = {
            "ours": [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "pytest_sesmock.plugin.pytest_plugin",
                "-p",
                "no:cacheprovider",
                "ours",
            ],
            "stubber": [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "stubber"],
        }
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(rounds):
            for name, command in commands.items():
                started = time.perf_counter()
                done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
                samples[name].append(time.perf_counter() - started)
                if done.returncode != 0:
                    raise SystemExit(f"{name} suite failed:\n{done.stdout[-2000:]}")
    ours, stub = (statistics.median(samples[name]) for name in ("ours", "stubber"))
    row(f"{count} tests with pytest-sesmock", f"{ours:.2f} s")
    row(f"{count} tests with Stubber", f"{stub:.2f} s")
    row(
        "suite wall time ours / Stubber",
        f"{ours / stub:.2f}",
        "target <= 1.3",
        check(ours / stub <= 1.3),
    )


def import_cost(rounds: int) -> None:
    print("plugin import cost beyond pytest and botocore", flush=True)
    base = "import pytest, botocore.session, botocore.client"
    # Each run a fresh interpreter: pytest and botocore first, then the plugin, timed on its own.
    timed = (
        f"{base}; import time; started = time.perf_counter(); "
        "import pytest_sesmock.plugin.pytest_plugin; print(time.perf_counter() - started)"
    )
    env = _cached_env()
    subprocess.run([sys.executable, "-c", timed], env=env, capture_output=True, check=True)
    samples = [
        float(
            subprocess.run(
                [sys.executable, "-c", timed], env=env, capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(rounds)
    ]
    extra = statistics.median(samples)
    row(
        "import of pytest_sesmock.plugin.pytest_plugin",
        f"{extra * 1e3:.1f} ms",
        "target < 15 ms",
        check(extra < 0.015),
    )
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            base + "; import sys, pytest_sesmock.plugin.pytest_plugin; print(sorted("
            "m for m in ('yaml', 'responses', 'freezegun', 'requests', 'http.server', "
            "'waitress') "
            "if m in sys.modules))",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    row("heavy modules imported by the plugin", loaded)


def _cached_env() -> dict[str, str]:
    """The environment, with CPython's bytecode cache allowed, as on a user's machine."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def scale(count: int) -> None:
    print("scale", flush=True)
    from pytest_sesmock.state.yaml_file import parse_yaml

    # Both sizes live in one mock, in two regions, and are measured in alternating rounds.
    with SesMock(rate_limit="off") as mock:
        latencies: dict[int, Callable[[], Any]] = {}
        for size, region in ((10, "eu-west-1"), (10_000, "us-east-1")):
            declared = parse_yaml(_yaml_of(size), Path("scale.yaml")).configuration_sets
            mock.add_layer([replace(entry, region=region) for entry in declared])
            latencies[size] = _describer(region, f"set-{size // 2:05d}")
            latencies[size]()
        result = interleaved({str(size): call for size, call in latencies.items()}, 7, count)
    small, large = result["10"], result["10000"]
    flat = large / small
    row("describe with 10 sets", f"{small * 1e6:.0f} us")
    row(
        "describe with 10,000 sets",
        f"{large * 1e6:.0f} us",
        f"ratio {flat:.2f}, target flat (<= 1.1)",
        check(flat <= 1.1),
    )
    text = _yaml_of(10_000)
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    parse_yaml(text, Path("scale.yaml"))
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        parse_yaml(text, Path("scale.yaml"))
        runs.append(time.perf_counter() - started)
    untraced = statistics.median(runs)
    row(
        "YAML load of 10,000 sets (median of 3)",
        f"{untraced:.2f} s",
        "target < 1 s",
        check(untraced < 1.0),
    )
    row(
        "  memory while loading (tracemalloc peak)",
        f"{peak / 2**20:.1f} MiB",
        f"(traced run {elapsed:.2f} s)",
    )


def _describer(region: str, name: str) -> Callable[[], Any]:
    client = boto3.client("ses", region_name=region)
    return lambda: client.describe_configuration_set(
        ConfigurationSetName=name, ConfigurationSetAttributeNames=ATTRIBUTES
    )


# -- server mode against moto's server ---------------------------------------------------------

SERVER_YAML = "configuration_sets:\n  - Name: marketing\n"


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[str], what: str) -> None:
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with status {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{what} did not listen on port {port}")


def _signed_describe(url: str, keep_alive: bool) -> bytes:
    """One DescribeConfigurationSet as bytes, signed as the AWS CLI signs it: what both servers
    are sent, again and again."""
    from urllib.parse import urlencode, urlsplit

    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    form = {
        "Action": "DescribeConfigurationSet",
        "Version": "2010-12-01",
        "ConfigurationSetName": "marketing",
        "ConfigurationSetAttributeNames.member.1": "eventDestinations",
    }
    body = urlencode(form).encode()
    request = AWSRequest(
        method="POST",
        url=url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials("AKIDEXAMPLE", "not-a-secret"), "ses", "us-east-1").add_auth(request)
    lines = ["POST / HTTP/1.1", f"Host: {urlsplit(url).netloc}"]
    lines += [f"{name}: {value}" for name, value in request.headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    if not keep_alive:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _read_answer(sock: Any, pending: bytes) -> tuple[int, bytes, bool]:
    """(status, bytes left over, whether the server closes) of one answer on ``sock``."""
    while b"\r\n\r\n" not in pending:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before an answer")
        pending += chunk
    head, _, rest = pending.partition(b"\r\n\r\n")
    lowered = head.lower()
    start = lowered.index(b"\r\ncontent-length:") + 17
    length = int(lowered[start : lowered.index(b"\r\n", start)])
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed mid-answer")
        rest += chunk
    return int(head.split(b" ", 2)[1]), rest[length:], b"\r\nconnection: close" in lowered


def _load(url: str, clients: int, keep_alive: bool, seconds: float) -> tuple[int, list[float]]:
    """``clients`` threads sending the same request for ``seconds``: (answers, latencies)."""
    import socket
    import threading
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    address = (parts.hostname or "127.0.0.1", parts.port or 80)
    data = _signed_describe(url, keep_alive)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    failures: list[str] = []
    start = threading.Barrier(clients)

    def client(index: int) -> None:
        clock = time.perf_counter
        mine = latencies[index]
        sock: Any = None
        pending = b""
        start.wait()
        stop = clock() + seconds
        try:
            while clock() < stop:
                began = clock()
                if sock is None:  # a new connection: each time, or when the server closed it
                    sock = socket.create_connection(address, timeout=30)
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    pending = b""
                sock.sendall(data)
                status, pending, closing = _read_answer(sock, pending)
                mine.append(clock() - began)
                if status != 200:
                    failures.append(f"status {status}")
                if closing or not keep_alive:
                    sock.close()
                    sock = None
        except OSError as error:
            failures.append(repr(error))
        finally:
            if sock is not None:
                sock.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"load on {url} failed: {failures[:3]}")
    return sum(map(len, latencies)), [value for each in latencies for value in each]


def server_throughput(rounds: int, seconds: float) -> None:
    print("server mode against moto's server: requests/s and p99", flush=True)
    try:
        import moto.server  # noqa: F401
    except ImportError:
        row("moto server", "not installed (pip install 'moto[server]')")
        return
    env = {**_cached_env(), "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
    with tempfile.TemporaryDirectory() as directory:
        sets = Path(directory) / "sets.yaml"
        sets.write_text(SERVER_YAML)
        ours_port, moto_port = _free_port(), _free_port()
        ours = subprocess.Popen(
            [
                *(sys.executable, "-m", "pytest_sesmock", "serve", "--port", str(ours_port)),
                *("--yaml", str(sets), "--rate-limit", "off"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        theirs = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        try:
            _wait_for(ours_port, ours, "pytest-sesmock's server")
            _wait_for(moto_port, theirs, "moto's server")
            urls = {
                "ours": f"http://127.0.0.1:{ours_port}/",
                "moto": f"http://127.0.0.1:{moto_port}/",
            }
            boto3.client(
                "ses",
                region_name="us-east-1",
                endpoint_url=urls["moto"],
                aws_access_key_id="test",
                aws_secret_access_key="test",
            ).create_configuration_set(ConfigurationSet={"Name": "marketing"})
            for url in urls.values():  # warm up: models loaded, first requests answered
                _load(url, 1, True, 0.5)
            for clients in (1, 8):
                for keep_alive in (True, False):
                    _server_row(urls, clients, keep_alive, rounds, seconds)
        finally:
            for process in (ours, theirs):
                process.terminate()
            for process in (ours, theirs):
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
    if ours.returncode != 0:
        row(
            "pytest-sesmock server exit status on SIGTERM",
            str(ours.returncode),
            "target 0",
            "MISSED",
        )


def _server_row(
    urls: dict[str, str], clients: int, keep_alive: bool, rounds: int, seconds: float
) -> None:
    totals = {name: 0 for name in urls}
    latencies: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(rounds):  # alternating, so that the machine's load hits both alike
        for name, url in urls.items():
            answered, each = _load(url, clients, keep_alive, seconds)
            totals[name] += answered
            latencies[name] += each
    rates = {name: totals[name] / (rounds * seconds) for name in urls}
    p99 = {
        name: sorted(values)[max(0, int(len(values) * 0.99) - 1)]
        for name, values in latencies.items()
    }
    connection = "keep-alive" if keep_alive else "a connection per request"
    label = f"{clients} client{'s' if clients > 1 else ''}, {connection}"
    ratio = rates["ours"] / rates["moto"]
    p99_target, p99_ok = ("target < 10 ms", p99["ours"] < 0.010) if clients == 1 else ("", True)
    row(
        f"server, {label}: pytest-sesmock",
        f"{rates['ours']:.0f} req/s, p99 {p99['ours'] * 1e3:.1f} ms",
        p99_target,
        check(p99_ok) if p99_target else "",
    )
    row(f"server, {label}: moto", f"{rates['moto']:.0f} req/s, p99 {p99['moto'] * 1e3:.1f} ms")
    row(f"server, {label}: ours / moto", f"{ratio:.1f}x", "target >= 3x", check(ratio >= 3))


# -- deleted sets cost nothing ------------------------------------------------------------------


def deleted_sets(rounds: int, count: int) -> None:
    print("List and Create+Delete after 10,000 create+delete pairs", flush=True)
    from botocore.awsrequest import AWSRequest

    def request(body: str) -> Any:
        return AWSRequest(
            method="POST",
            url="https://email.us-east-1.amazonaws.com/",
            data=f"Version=2010-12-01&{body}",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ).prepare()

    listing = request("Action=ListConfigurationSets")
    fresh, used = SesMock(rate_limit="off"), SesMock(rate_limit="off")
    for mock in (fresh, used):
        mock.add_configuration_set({"Name": "visible"})
    for n in range(10_000):
        used.answer(request(f"Action=CreateConfigurationSet&ConfigurationSet.Name=gone-{n:05d}"))
        used.answer(request(f"Action=DeleteConfigurationSet&ConfigurationSetName=gone-{n:05d}"))
    create = request("Action=CreateConfigurationSet&ConfigurationSet.Name=again")
    delete = request("Action=DeleteConfigurationSet&ConfigurationSetName=again")

    def pair(mock: SesMock) -> Callable[[], Any]:
        return lambda: (mock.answer(create), mock.answer(delete))

    result = interleaved(
        {
            "list fresh": lambda: fresh.answer(listing),
            "list used": lambda: used.answer(listing),
            "pair fresh": pair(fresh),
            "pair used": pair(used),
        },
        rounds,
        count,
    )
    for what, key in (("List", "list"), ("Create+Delete", "pair")):
        before, after = result[f"{key} fresh"], result[f"{key} used"]
        flat = after / before
        row(f"{what} (1 set), fresh mock", f"{before * 1e6:.0f} us")
        row(
            f"{what} (1 set), after 10,000 create+delete pairs",
            f"{after * 1e6:.0f} us",
            f"ratio {flat:.2f}, target flat (<= 1.1)",
            check(flat <= 1.1),
        )


def _rss_mib(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _request_of(mock: SesMock, client: Any) -> Any:
    """The request botocore's hook hands ``mock`` for one describe of ``client``."""
    seen: list[Any] = []
    pipeline = mock.pipeline  # what botocore's hook hands the request to
    answer = pipeline.answer

    def keep(request: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(request)
        return answer(request, *args, **kwargs)

    pipeline.answer = keep  # type: ignore[method-assign]
    try:
        client.describe_configuration_set(ConfigurationSetName="a")
    finally:
        del pipeline.answer
    return seen[0]


def refused_memory(count: int) -> None:
    """Resident memory over ``count`` refused calls: in-process (fresh mocks, the calls through
    the hook botocore calls) and in ``serve --rate-limit enforce`` (pipelined over HTTP)."""
    print(f"memory over {count:,} refused calls", flush=True)
    if not Path("/proc/self/status").exists():
        row("memory over refused calls", "not measured (needs /proc)")
        return
    from botocore.config import Config

    client = boto3.client(
        "ses", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1})
    )
    sizes = []
    for _ in range(4):
        with SesMock(rate_limit="enforce") as mock:
            mock.add_configuration_set({"Name": "a"})
            mock.set_rate_limit(per_second=1e-6)
            request = _request_of(mock, client)
            for _ in range(count // 4):
                mock.answer(request)
        del mock, request
        gc.collect()
        sizes.append(_rss_mib())
    grown = sizes[-1] - sizes[0]
    row(
        f"in-process: resident MiB after each of 4 fresh mocks of {count // 4:,} throttled calls",
        " -> ".join(f"{size:.0f}" for size in sizes),
        "target: flat (< 12 MiB growth; was +128 MiB per 50,000)",
        check(grown < 12),
    )
    port = _free_port()
    with tempfile.TemporaryDirectory() as directory:
        sets = Path(directory) / "sets.yaml"
        sets.write_text("configuration_sets:\n  - Name: marketing\n")
        command = [sys.executable, "-m", "pytest_sesmock", "serve", "--port", str(port)]
        server = subprocess.Popen(
            [*command, "--yaml", str(sets), "--rate-limit", "enforce"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**_cached_env(), "AWS_ACCESS_KEY_ID": "t", "AWS_SECRET_ACCESS_KEY": "t"},
        )
        try:
            _wait_for(port, server, "pytest-sesmock's server")
            url = f"http://127.0.0.1:{port}/"
            request = _signed_describe(url, keep_alive=True)
            import socket

            with socket.create_connection(("127.0.0.1", port)) as sock:
                pending = b""
                sent = 0
                marks = []
                for target in (2_000, *(2_000 + count * part // 4 for part in range(1, 5))):
                    while sent < target:  # 500 requests pipelined at a time
                        sock.sendall(request * 500)
                        for _ in range(500):
                            _, pending, _ = _read_answer(sock, pending)
                        sent += 500
                    marks.append(_rss_mib(server.pid))
        finally:
            server.terminate()
            server.wait(timeout=30)
    grown = marks[-1] - marks[0]
    row(
        f"serve --rate-limit enforce: resident MiB after 2,000 then each {count // 4:,} "
        "refused requests",
        " -> ".join(f"{mark:.0f}" for mark in marks),
        "target: flat (< 10 MiB growth; was about 9 KB per refused request)",
        check(grown < 10),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke test)")
    parser.add_argument(
        "--only",
        choices=["call", "fixture", "suite", "import", "scale", "server", "deleted", "refused"],
        action="append",
        help="run only these parts",
    )
    arguments = parser.parse_args()
    quick, only = (
        arguments.quick,
        set(
            arguments.only
            or ["call", "fixture", "suite", "import", "scale", "server", "deleted", "refused"]
        ),
    )
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        os.environ.pop(name, None)
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    print(
        f"pytest-sesmock {pytest_sesmock.__name__} on Python {platform.python_version()}, "
        f"botocore {botocore.__version__}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"{platform.platform()}",
        flush=True,
    )
    if "call" in only:
        per_call(rounds=3 if quick else 9, count=100 if quick else 300)
        per_call_v2(rounds=3 if quick else 9, count=100 if quick else 300)
        per_call_aio(rounds=3 if quick else 9, count=100 if quick else 300)
    if "fixture" in only:
        fixture_cost(count=200 if quick else 2000)
    if "suite" in only:
        suite_cost(count=200 if quick else 1000, rounds=1 if quick else 3)
    if "import" in only:
        import_cost(rounds=3 if quick else 11)
    if "scale" in only:
        scale(count=100 if quick else 300)
    if "deleted" in only:
        deleted_sets(rounds=3 if quick else 7, count=100 if quick else 300)
    if "refused" in only:
        refused_memory(count=20_000 if quick else 100_000)
    if "server" in only:
        server_throughput(rounds=1 if quick else 3, seconds=1.0 if quick else 3.0)
    print()
    print("| measure | value | target | |")
    print("| --- | --- | --- | --- |")
    for what, value, target, verdict in ROWS:
        print(f"| {what} | {value} | {target} | {verdict} |")


if __name__ == "__main__":
    main()
