"""aiobotocore (and aioboto3) clients: answered as botocore's are, retried free, never on the wire.

Skipped where aiobotocore is not installed (the main environment, whose botocore is newer than
any aiobotocore release allows); CI runs this module in an environment of its own (``.ci/run``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

aiobotocore_session = pytest.importorskip("aiobotocore.session")

from aiobotocore.config import AioConfig  # noqa: E402
from conftest import (  # noqa: E402
    ALL_ATTRIBUTES,
    HERE,
    SNS_DESTINATION,
    Records,
    local_http_service,
    marketing,
    paths,
)

from pytest_sesmock import NotMockedError, SesMock, current_mock, mock_ses  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:aiobotocore")


def client(service: str = "ses", **options: Any) -> Any:
    """An aiobotocore client context (``async with client() as ses:``), us-east-1."""
    return aiobotocore_session.get_session().create_client(
        service, region_name="us-east-1", **options
    )


@pytest.fixture
def no_real_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Fail the test if anything really waits; returns the zero-second yields seen."""
    yields: list[float] = []
    real = asyncio.sleep

    async def sleep(delay: float, result: Any = None) -> Any:
        if delay:
            raise AssertionError(f"really slept {delay}s")
        yields.append(delay)
        return await real(0, result)

    monkeypatch.setattr(asyncio, "sleep", sleep)
    return yields


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


# -- answers -------------------------------------------------------------------------------------


def test_describe_with_every_attribute(ses_mock: SesMock) -> None:
    ses_mock.add_configuration_set(
        marketing(
            EventDestinations=[SNS_DESTINATION],
            TrackingOptions={"CustomRedirectDomain": "track.example.com"},
            DeliveryOptions={"TlsPolicy": "Require"},
        )
    )

    async def describe() -> dict[str, Any]:
        async with client() as ses:
            out: dict[str, Any] = await ses.describe_configuration_set(
                ConfigurationSetName="marketing", ConfigurationSetAttributeNames=ALL_ATTRIBUTES
            )
        out.pop("ResponseMetadata")
        return out

    assert run(describe()) == {
        "ConfigurationSet": {"Name": "marketing"},
        "EventDestinations": [SNS_DESTINATION],
        "TrackingOptions": {"CustomRedirectDomain": "track.example.com"},
        "DeliveryOptions": {"TlsPolicy": "Require"},
        "ReputationOptions": {"SendingEnabled": True, "ReputationMetricsEnabled": False},
    }
    (call,) = ses_mock.calls
    assert (call.api, call.operation, call.status, call.attempt) == (
        "ses",
        "DescribeConfigurationSet",
        200,
        1,
    )


def test_a_modeled_error_raises_the_modeled_exception(ses_mock: SesMock) -> None:
    async def missing() -> dict[str, Any]:
        async with client() as ses:
            with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException) as caught:
                await ses.describe_configuration_set(ConfigurationSetName="missing")
        return dict(caught.value.response["Error"])

    assert run(missing()) == {
        "Type": "Sender",
        "Code": "ConfigurationSetDoesNotExist",
        "Message": "Configuration set <missing> does not exist.",
    }


def test_sesv2_reads_the_same_set(ses_mock: SesMock) -> None:
    ses_mock.add_configuration_set(marketing(DeliveryOptions={"TlsPolicy": "Require"}))

    async def get() -> Any:
        async with client("sesv2") as sesv2:
            out = await sesv2.get_configuration_set(ConfigurationSetName="marketing")
            with pytest.raises(sesv2.exceptions.NotFoundException):
                await sesv2.get_configuration_set(ConfigurationSetName="missing")
        return out

    out = run(get())
    assert out["DeliveryOptions"] == {"TlsPolicy": "REQUIRE"}
    assert out["SendingOptions"] == {"SendingEnabled": True}
    assert [(c.api, c.status) for c in ses_mock.calls] == [("sesv2", 200), ("sesv2", 404)]


def test_the_users_real_key_is_never_used(
    ses_mock: SesMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALUSERKEY00000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real/secret")
    ses_mock.add_configuration_set(marketing())
    ses_mock.sign_requests = True  # the signing step exercised: with the fake async credentials
    seen: list[str] = []

    async def describe() -> None:
        async with client() as ses:
            # Specific events run before the mock's handler, which ends the event once it answers.
            ses.meta.events.register(
                "before-send.ses.DescribeConfigurationSet",
                lambda request, **_: seen.append(request.headers["Authorization"].decode()),
            )
            await ses.describe_configuration_set(ConfigurationSetName="marketing")

    run(describe())
    assert len(seen) == 1
    assert "AKIASESMOCKTESTING00" in seen[0]
    assert "AKIAREALUSERKEY" not in seen[0]


def test_sends_are_answered_and_their_events_kept(ses_mock: SesMock) -> None:
    """Both APIs' sends from async clients: checked, answered, recorded, their events built."""
    ses_mock.add_configuration_set(marketing(EventDestinations=[SNS_DESTINATION]))
    message = {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}

    async def sends() -> tuple[str, str, str]:
        async with client() as ses, client("sesv2") as sesv2:
            first = await ses.send_email(
                Source="sender@example.com",
                Destination={"ToAddresses": ["bounce@simulator.amazonses.com"]},
                Message=message,
                ConfigurationSetName="marketing",
            )
            second = await sesv2.send_email(
                FromEmailAddress="sender@example.com",
                Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
                Content={"Simple": message},
                ConfigurationSetName="marketing",
            )
            with pytest.raises(sesv2.exceptions.NotFoundException) as missing:
                await sesv2.send_email(
                    FromEmailAddress="sender@example.com",
                    Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
                    Content={"Simple": message},
                    ConfigurationSetName="nope",
                )
        return first["MessageId"], second["MessageId"], str(missing.value)

    first, second, missing = run(sends())
    assert "Configuration set <nope> does not exist" in missing
    assert [(m.message_id, m.api) for m in ses_mock.messages] == [(first, "ses"), (second, "sesv2")]
    # SNS_DESTINATION matches send and bounce only: no Delivery event for the second message.
    assert [(e.event_type, e.message_id) for e in ses_mock.events] == [
        ("Send", first),
        ("Bounce", first),
        ("Send", second),
    ]
    ses_mock.assert_event_published("Bounce", recipient="bounce@simulator.amazonses.com")


# -- retries -------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["legacy", "standard", "adaptive"])
def test_throttles_are_retried_without_sleeping(
    ses_mock: SesMock, no_real_sleeps: list[float], mode: str
) -> None:
    ses_mock.add_configuration_set(marketing())
    ses_mock.add_error("Throttling", times=2)

    async def describe() -> Any:
        config = AioConfig(retries={"mode": mode, "total_max_attempts": 5})
        async with client(config=config) as ses:
            return await ses.describe_configuration_set(ConfigurationSetName="marketing")

    out = run(describe())
    assert out["ResponseMetadata"]["RetryAttempts"] == 2
    assert [(c.attempt, c.error_code) for c in ses_mock.calls] == [
        (1, "Throttling"),
        (2, "Throttling"),
        (3, None),
    ]
    assert ses_mock.calls[2].time > ses_mock.calls[0].time  # the backoff passed on the mock's clock
    assert no_real_sleeps  # the skipped waits still let other tasks run


def test_enforced_rate_limit_through_many_tasks(
    ses_mock: SesMock, no_real_sleeps: list[float]
) -> None:
    ses_mock.rate_limit = "enforce"
    ses_mock.add_configuration_set(marketing())

    async def many() -> list[Any]:
        async with client(
            config=AioConfig(retries={"mode": "legacy", "total_max_attempts": 10})
        ) as ses:
            return await asyncio.gather(
                *(
                    ses.describe_configuration_set(ConfigurationSetName="marketing")
                    for _ in range(5)
                )
            )

    answers = run(many())
    assert len(answers) == 5
    successes = [c for c in ses_mock.calls if c.status == 200]
    assert len(successes) == 5
    # one a second on the mock's clock: the skipped backoffs are where the time went
    times = sorted(c.time for c in successes)
    assert all(later - earlier >= 0.999 for earlier, later in itertools.pairwise(times))


def test_real_sleeps_unrelated_to_the_mock_stay_real(ses_mock: SesMock) -> None:
    import time

    async def nap() -> float:
        started = time.perf_counter()
        await asyncio.sleep(0.05)
        return time.perf_counter() - started

    assert run(nap()) >= 0.04


# -- the network boundary -------------------------------------------------------------------------


@pytest.fixture
def local_service() -> Iterator[tuple[str, Records]]:
    body = b'<?xml version="1.0"?><ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>'
    with local_http_service({"GET": body}) as found:
        yield found


def test_aws_is_refused_and_local_services_are_left_alone(
    ses_mock: SesMock, local_service: tuple[str, Records]
) -> None:
    url, seen = local_service

    async def calls() -> list[str]:
        refused = []
        async with client("s3") as s3:
            with pytest.raises(NotMockedError, match=r"GET https://s3\.amazonaws\.com/"):
                await s3.list_buckets()
            refused.append("s3")
        async with client() as ses:
            with pytest.raises(NotMockedError, match="SES operation ListIdentities is not mocked"):
                await ses.list_identities()
            refused.append("ses")
        async with client("s3", endpoint_url=url) as local:
            await local.list_buckets()
        return refused

    assert run(calls()) == ["s3", "ses"]
    assert paths(seen) == ["/"]


NO_DNS = r"""
import asyncio, json, sys
from aiobotocore.session import get_session
from pytest_sesmock import NotMockedError, SesMock

seen = []


async def main():
    refused = []
    session = get_session()
    for service, call in (
        ("s3", lambda c: c.list_buckets()),
        ("sqs", lambda c: c.list_queues()),
        ("ses", lambda c: c.list_identities()),
    ):
        async with session.create_client(service, region_name="us-east-1") as c:
            try:
                await call(c)
            except NotMockedError:
                refused.append(service)
    return refused


with SesMock():
    # Added after the mock's own hook: it sees only what the mock let through.
    def record(event, args):
        if event in ("socket.getaddrinfo", "socket.gethostbyname"):
            seen.append((event, str(args[0])))
        elif event == "socket.connect":
            seen.append((event, str(args[1])))

    sys.addaudithook(record)
    refused = asyncio.run(main())
print(json.dumps({"refused": refused, "seen": seen}))
"""


def test_no_dns_lookup_and_no_connection_for_aws(tmp_path: Any) -> None:
    out = subprocess.run(
        [sys.executable, "-c", NO_DNS],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "AWS_EC2_METADATA_DISABLED": "true"},
        check=False,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.splitlines()[-1])
    assert result["refused"] == ["s3", "sqs", "ses"]
    # asyncio's own event-loop plumbing may open a local socketpair; nothing named a host.
    assert [item for item in result["seen"] if "amazonaws" in item[1]] == []
    assert [item for item in result["seen"] if item[0] != "socket.connect"] == []


def test_httpx_sessions_are_guarded_too(ses_mock: SesMock) -> None:
    httpxsession = pytest.importorskip("aiobotocore.httpxsession")
    if not hasattr(httpxsession, "HttpxSession"):
        pytest.skip("this aiobotocore has no httpx backend")
    try:
        import httpx  # noqa: F401
    except ImportError:
        pytest.importorskip("httpx2")
    ses_mock.add_configuration_set(marketing())
    config = AioConfig(http_session_cls=httpxsession.HttpxSession)

    async def calls() -> str:
        async with client(config=config) as ses:
            out = await ses.describe_configuration_set(ConfigurationSetName="marketing")
            with pytest.raises(NotMockedError):
                await ses.list_identities()
        return str(out["ConfigurationSet"]["Name"])

    assert run(calls()) == "marketing"


# -- doors and test runners -----------------------------------------------------------------------


@mock_ses
async def _decorated() -> str:
    current_mock().add_configuration_set(marketing())
    async with client() as ses:
        out = await ses.describe_configuration_set(ConfigurationSetName="marketing")
    return str(out["ConfigurationSet"]["Name"])


def test_mock_ses_on_a_coroutine() -> None:
    assert run(_decorated()) == "marketing"


RUNNERS = """
import asyncio
import pytest
from aiobotocore.session import get_session
from pytest_sesmock import current_mock, mock_ses


async def describe():
    async with get_session().create_client("ses", region_name="us-east-1") as ses:
        out = await ses.describe_configuration_set(ConfigurationSetName="marketing")
    return out["ConfigurationSet"]["Name"]


@pytest.mark.ses_mock(configuration_sets=[{"Name": "marketing"}])
@pytest.mark.asyncio
async def test_pytest_asyncio(ses_mock):
    assert await describe() == "marketing"


@pytest.mark.ses_mock(configuration_sets=[{"Name": "marketing"}])
@pytest.mark.anyio
async def test_anyio(ses_mock):
    assert await describe() == "marketing"


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.asyncio
@mock_ses(configuration_sets=[{"Name": "marketing"}])
async def test_mock_ses_on_an_async_test():
    assert await describe() == "marketing"
    assert current_mock().calls[0].operation == "DescribeConfigurationSet"
"""


def test_pytest_asyncio_anyio_and_mock_ses(pytester: pytest.Pytester) -> None:
    pytest.importorskip("pytest_asyncio")
    pytest.importorskip("anyio")
    pytester.makepyfile(RUNNERS)
    result = pytester.runpytest("-p", "no:randomly", "-W", "ignore::DeprecationWarning")
    result.assert_outcomes(passed=3)


def test_aioboto3_clients(ses_mock: SesMock) -> None:
    aioboto3 = pytest.importorskip("aioboto3")
    ses_mock.add_configuration_set(marketing())

    async def describe() -> str:
        async with aioboto3.Session().client("ses", region_name="us-east-1") as ses:
            out = await ses.describe_configuration_set(ConfigurationSetName="marketing")
            with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
                await ses.describe_configuration_set(ConfigurationSetName="missing")
        return str(out["ConfigurationSet"]["Name"])

    assert run(describe()) == "marketing"


def test_a_session_made_before_the_mock_is_served() -> None:
    session = aiobotocore_session.get_session()  # before any mock: handlers are its built-ins

    async def describe() -> str:
        async with session.create_client("ses", region_name="us-east-1") as ses:
            out = await ses.describe_configuration_set(ConfigurationSetName="marketing")
        return str(out["ConfigurationSet"]["Name"])

    with SesMock() as mock:
        mock.add_configuration_set(marketing())
        assert run(describe()) == "marketing"


def test_the_readme_example_runs(pytester: pytest.Pytester) -> None:
    pytest.importorskip("pytest_asyncio")
    readme = (HERE.parent / "README.md").read_text()
    section = readme.split("## Async clients: aiobotocore and aioboto3", 1)[1]
    pytester.makepyfile(test_readme_async=section.split("```python\n", 1)[1].split("```")[0])
    result = pytester.runpytest("-p", "no:randomly", "-W", "ignore::DeprecationWarning")
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize("sign", [False, True])
def test_unsigned_unless_asked_to_sign(sign: bool) -> None:
    seen: list[Any] = []

    async def describe() -> str:
        async with client() as ses:
            ses.meta.events.register(
                "before-send.ses.DescribeConfigurationSet",
                lambda request, **_: seen.append(request.headers.get("Authorization")),
            )
            out = await ses.describe_configuration_set(ConfigurationSetName="marketing")
        return str(out["ConfigurationSet"]["Name"])

    with SesMock(region="us-east-1", sign_requests=sign) as mock:
        mock.add_configuration_set(marketing())
        assert run(describe()) == "marketing"
    (authorization,) = seen
    if sign:
        assert b"AKIASESMOCKTESTING00" in authorization
    else:
        assert authorization is None


def test_many_tasks_each_get_their_own_clients_region() -> None:
    """Unsigned, with a custom endpoint: each task's request is answered for its own client's
    region (remembered per task between before-sign and before-send), all at once."""
    regions = ["us-east-1", "eu-west-1", "ap-south-1", "sa-east-1"]

    async def describe_all(region: str) -> list[str]:
        session = aiobotocore_session.get_session()
        async with session.create_client(
            "ses", region_name=region, endpoint_url="http://127.0.0.1:9"
        ) as ses:
            out = await asyncio.gather(
                *(ses.describe_configuration_set(ConfigurationSetName=region) for _ in range(20))
            )
        return [answer["ConfigurationSet"]["Name"] for answer in out]

    async def everything() -> list[list[str]]:
        return await asyncio.gather(*(describe_all(region) for region in regions))

    with SesMock(region="us-east-1", rate_limit="off") as mock:
        for region in regions:  # each region's set is named after it: a wrong region is a 400
            mock.add_configuration_set({"Name": region}, region=region)
        assert run(everything()) == [[region] * 20 for region in regions]
    assert sorted((c.region, c.status) for c in mock.calls) == sorted(
        (region, 200) for region in regions for _ in range(20)
    )
