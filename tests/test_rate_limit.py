"""The one-call-per-second limit in each mode, on every clock, and retries that cost no time."""

from __future__ import annotations

import threading
import time
from typing import Any

import boto3
import pytest
import time_machine
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import marketing
from freezegun import freeze_time

from pytest_sesmock import SesMock


def describe(client: Any, name: str = "marketing") -> None:
    client.describe_configuration_set(ConfigurationSetName=name)


def no_retries() -> Any:
    return boto3.client(
        "ses",
        region_name="us-east-1",
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )


def test_track_is_the_default_and_answers_every_call(ses: Any) -> None:
    with SesMock() as mock, freeze_time("2026-01-01 00:00:00"):
        mock.add_configuration_set(marketing())
        assert mock.rate_limit == "track"
        for _ in range(3):
            describe(ses)
        assert [call.status for call in mock.calls] == [200, 200, 200]
        assert [call.throttled for call in mock.calls] == [False, True, True]
        with pytest.raises(AssertionError) as caught:
            mock.assert_within_rate_limit()
    message = str(caught.value)
    assert "2 call(s) of any operation went over the rate limit." in message
    assert "Calls over the limit (2):" in message
    assert "1. 00:00:00.000 123456789012/us-east-1 DescribeConfigurationSet(" in message


def test_track_with_freezegun_tick() -> None:
    with SesMock() as mock, freeze_time("2026-01-01", tick=False) as frozen:
        mock.add_configuration_set(marketing())
        client = no_retries()
        describe(client)
        frozen.tick(0.5)
        describe(client)  # 0.5 s later: over the limit
        frozen.tick(1.0)
        describe(client)  # a token has come back
        assert [call.throttled for call in mock.calls] == [False, True, False]
        assert [call.time - mock.calls[0].time for call in mock.calls] == [0.0, 0.5, 1.5]


def test_enforce_answers_throttling_on_the_wire() -> None:
    with SesMock(rate_limit="enforce") as mock, freeze_time("2026-01-01"):
        mock.add_configuration_set(marketing())
        client = no_retries()
        describe(client)
        with pytest.raises(ClientError) as caught:
            describe(client)
        assert caught.value.response["Error"] == {
            "Type": "Sender",
            "Code": "Throttling",
            "Message": "Rate exceeded",
        }
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        mock.advance(1)
        describe(client)
        assert [(c.status, c.error_code, c.throttled) for c in mock.calls] == [
            (200, None, False),
            (400, "Throttling", True),
            (200, None, False),
        ]


def test_enforce_with_time_machine() -> None:
    with SesMock(rate_limit="enforce") as mock, time_machine.travel(0, tick=False) as traveller:
        mock.add_configuration_set(marketing())
        client = no_retries()
        describe(client)
        with pytest.raises(ClientError, match="Throttling"):
            describe(client)
        traveller.shift(1)
        describe(client)
        assert [c.time for c in mock.calls] == [0.0, 0.0, 1.0]


def test_off_counts_nothing(ses: Any) -> None:
    with SesMock(rate_limit="off") as mock, freeze_time("2026-01-01"):
        mock.add_configuration_set(marketing())
        for _ in range(3):
            describe(ses)
        assert not any(call.throttled for call in mock.calls)
        mock.assert_within_rate_limit()


def test_buckets_are_per_account_and_region() -> None:
    with SesMock(rate_limit="enforce") as mock, freeze_time("2026-01-01"):
        mock.add_configuration_set(marketing())
        mock.add_configuration_set(marketing(), region="eu-west-1")
        describe(no_retries())
        describe(
            boto3.client(
                "ses", region_name="eu-west-1", config=Config(retries={"total_max_attempts": 1})
            )
        )
        assert not any(call.throttled for call in mock.calls)


def test_the_limit_is_configurable() -> None:
    with SesMock(rate_limit="enforce") as mock, freeze_time("2026-01-01") as frozen:
        mock.add_configuration_set(marketing())
        mock.set_rate_limit(per_second=2, burst=3)
        client = no_retries()
        for _ in range(3):
            describe(client)  # the burst
        with pytest.raises(ClientError, match="Throttling"):
            describe(client)
        frozen.tick(0.5)  # one token at 2 per second
        describe(client)
        with pytest.raises(ValueError, match="per_second must be positive"):
            mock.set_rate_limit(per_second=0)
        with pytest.raises(ValueError, match="burst must be at least 1"):
            mock.set_rate_limit(burst=0.5)


@pytest.fixture
def no_real_waiting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every real sleep or timed wait from here on is recorded (and does not happen)."""
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)

    def wait(self: Any, timeout: float | None = None) -> bool:
        waits.append(-1.0 if timeout is None else timeout)
        return False

    monkeypatch.setattr(time, "sleep", sleep)
    monkeypatch.setattr(threading.Condition, "wait", wait)
    return waits


@pytest.mark.parametrize("mode", ["legacy", "standard", "adaptive"])
def test_retries_cost_no_wall_time_and_every_attempt_is_recorded(
    mode: str, no_real_waiting: list[float]
) -> None:
    with SesMock(rate_limit="enforce") as mock:
        mock.add_configuration_set(marketing())
        client = boto3.client("ses", region_name="us-east-1", config=Config(retries={"mode": mode}))
        codes = []
        for _ in range(5):
            try:
                describe(client)
                codes.append("ok")
            except ClientError as error:
                codes.append(error.response["Error"]["Code"])
    assert set(codes) <= {"ok", "Throttling"}
    assert no_real_waiting == []  # botocore never waited for real...
    throttled = [call for call in mock.calls if call.error_code == "Throttling"]
    assert throttled
    # ...but the backoff passed on the mock's clock: five calls, one a second, need four seconds.
    assert mock.calls[-1].time - mock.calls[0].time >= 1.0
    attempts = [call.attempt for call in mock.calls]
    assert attempts[0] == 1
    assert max(attempts) >= 2
    # each retry is recorded as its own attempt, right after the throttled one
    for before, after in zip(mock.calls, mock.calls[1:], strict=False):
        if after.attempt > 1:
            assert before.error_code == "Throttling"
            assert after.attempt == before.attempt + 1


def test_default_client_throttling_test_runs_fast_with_every_attempt(
    ses: Any, no_real_waiting: list[float]
) -> None:
    with SesMock(rate_limit="enforce") as mock:
        mock.add_configuration_set(marketing())
        mock.set_rate_limit(per_second=0.001)  # never refills within the retries
        describe(ses)
        with pytest.raises(ClientError, match=r"Rate exceeded") as caught:
            describe(ses)
    # botocore's default mode: standard (3 attempts) from 1.44 on, legacy (5 attempts) before.
    tries = 3 if _botocore_version() >= (1, 44) else 5
    assert f"(reached max retries: {tries - 1})" in str(caught.value)
    assert [call.attempt for call in mock.calls] == [1, *range(1, tries + 1)]
    assert no_real_waiting == []


def _botocore_version() -> tuple[int, ...]:
    import botocore

    return tuple(int(part) for part in botocore.__version__.split(".")[:2])


def test_other_sleeps_are_real(ses_mock: SesMock) -> None:
    import botocore.endpoint

    started = time.perf_counter()
    botocore.endpoint.time.sleep(0.05)  # not after an answer of the mock
    time.sleep(0.05)
    assert time.perf_counter() - started >= 0.1


def test_the_buckets_are_bounded_whatever_regions_requests_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A region is what a request's signature says (server mode): ever new ones are not kept."""
    from pytest_sesmock.core import rate_limit

    monkeypatch.setattr(rate_limit, "MAX_BUCKETS", 50)
    limiter = rate_limit.RateLimiter()
    describe = ("ses", "DescribeConfigurationSet")
    for n in range(500):
        assert limiter.allow("123456789012", f"region-{n}", describe, 0.0)
    assert len(limiter._buckets) == 50
    assert not limiter.allow("123456789012", "region-499", describe, 0.0)  # the newest kept
