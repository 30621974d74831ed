"""Robustness: any input gives an answer or a modeled error, and nothing leaks between tests."""

from __future__ import annotations

import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_sesmock import DeclarationError, SesMock
from pytest_sesmock.state.yaml_file import parse_yaml

ATTRIBUTES = ["eventDestinations", "trackingOptions", "deliveryOptions", "reputationOptions"]
VALID_NAME = st.text(string.ascii_letters + string.digits + "_-", min_size=1, max_size=64)
ANY_NAME = st.one_of(
    st.text(max_size=100),
    st.text("<>&'\"]]>;/ \t", max_size=20),
    st.just(""),
    st.just("x" * 10_000),
    VALID_NAME,
)
ATTRIBUTE_LISTS = st.lists(st.one_of(st.sampled_from(ATTRIBUTES), st.text(max_size=20)), max_size=6)
FAST = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def attempt(call: Callable[[], Any], expected: type[Exception]) -> tuple[Any, Any]:
    """(result, None), or (None, the error) when ``call`` raised ``expected``; nothing else."""
    try:
        return call(), None
    except expected as error:
        return None, error


def client() -> Any:
    return boto3.client(
        "ses", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1})
    )


@FAST
@given(
    declared=st.lists(VALID_NAME, max_size=5, unique=True),
    name=ANY_NAME,
    attributes=ATTRIBUTE_LISTS,
)
def test_any_request_gets_an_answer_or_a_modeled_error(
    declared: list[str], name: str, attributes: list[str]
) -> None:
    with SesMock(rate_limit="off") as mock:
        for each in declared:
            mock.add_configuration_set({"Name": each})
        out, error = attempt(
            lambda: client().describe_configuration_set(
                ConfigurationSetName=name, ConfigurationSetAttributeNames=attributes
            ),
            ClientError,
        )
    if error is not None:
        code = error.response["Error"]["Code"]
        if any(attribute not in ATTRIBUTES for attribute in attributes):
            assert code == "ValidationError"
        else:
            assert code == "ConfigurationSetDoesNotExist"
            assert name not in declared
        return
    assert name in declared
    assert all(attribute in ATTRIBUTES for attribute in attributes)
    assert out["ConfigurationSet"] == {"Name": name}
    expected = {"EventDestinations", "ReputationOptions"} & {
        a[0].upper() + a[1:] for a in attributes
    }
    assert set(out) - {"ConfigurationSet", "ResponseMetadata"} == expected


@FAST
@given(name=ANY_NAME)
def test_any_name_on_create_gets_an_answer_or_a_modeled_error(name: str) -> None:
    with SesMock(rate_limit="off"):
        ses = client()
        _, error = attempt(
            lambda: ses.create_configuration_set(ConfigurationSet={"Name": name}), ClientError
        )
        if error is not None:
            assert error.response["Error"]["Code"] in {
                "InvalidConfigurationSet",
                "InvalidParameterValue",
            }
            return
        assert ses.describe_configuration_set(ConfigurationSetName=name)["ConfigurationSet"] == {
            "Name": name
        }


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=10),
    st.sampled_from(["send", "Require", "true", "arn:x"]),
)
KEYS = st.one_of(
    st.sampled_from(
        [
            "Name",
            "EventDestinations",
            "TrackingOptions",
            "DeliveryOptions",
            "ReputationOptions",
            "ConfigurationSet",
            "MatchingEventTypes",
            "SNSDestination",
            "TopicARN",
            "Enabled",
            "TlsPolicy",
            "region",
            "account",
            "CustomRedirectDomain",
        ]
    ),
    st.text(max_size=8),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(KEYS, children, max_size=4)
    ),
    max_leaves=12,
)


@FAST
@given(spec=st.one_of(VALUES, st.dictionaries(KEYS, VALUES, max_size=6)))
def test_any_declaration_is_valid_or_a_declaration_error_with_a_path(spec: Any) -> None:
    mock = SesMock()
    _, error = attempt(lambda: mock.add_configuration_set(spec), DeclarationError)
    if error is not None:
        assert isinstance(error.path, str)
        assert error.problem
        if error.path:
            assert str(error).startswith(error.path + ": ") or error.location
        return
    assert len(mock.backend.configuration_sets) == 1


@FAST
@given(
    text=st.one_of(
        st.text(max_size=200),
        st.text("configuration_sets: -Name:[]{}&*!|>'\"\n #", max_size=120),
        st.builds(
            lambda name, extra: f"configuration_sets:\n  - Name: {name}\n{extra}",
            st.text(max_size=20),
            st.text(max_size=40),
        ),
    )
)
def test_any_yaml_document_is_valid_or_a_declaration_error(text: str) -> None:
    _, error = attempt(lambda: parse_yaml(text, Path("ses_mock.yaml")), DeclarationError)
    if error is not None:
        assert str(error).startswith("ses_mock.yaml")  # always says which file, and where


ISOLATION = """
import os, boto3, pytest

N = int(os.environ["SUITE_SIZE"])

@pytest.mark.parametrize("n", range(N))
def test_declares_its_own(ses_mock, n):
    ses_mock.add_configuration_set({{"Name": f"set-{{n}}"}})
    ses = boto3.client("ses", region_name="us-east-1")
    listed = ses.list_configuration_sets()["ConfigurationSets"]
    assert listed == [{{"Name": f"set-{{n}}"}}]  # nothing from any other test
    ses.create_configuration_set(ConfigurationSet={{"Name": f"created-{{n}}"}})
    assert len(ses_mock.calls) == 2
    if n % 7 == 0:
        raise RuntimeError("failing tests must not leak either")

@pytest.mark.parametrize("n", range(N // 2))
@pytest.mark.ses_mock(configuration_sets=[{{"Name": "marked"}}], rate_limit="{mode}")
def test_marked(n):
    ses = boto3.client("ses", region_name="us-east-1")
    assert ses.list_configuration_sets()["ConfigurationSets"] == [{{"Name": "marked"}}]

def test_no_mock_outside():
    from pytest_sesmock.adapters import botocore as interception
    assert interception.active == []
    assert "AWS_ACCESS_KEY_ID" not in os.environ
"""


@pytest.mark.parametrize("runner", ["randomly", "xdist"])
def test_no_state_leaks_in_random_order_or_in_parallel(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, runner: str
) -> None:
    pytest.importorskip("xdist" if runner == "xdist" else "pytest_randomly")
    size = 300
    monkeypatch.setenv("SUITE_SIZE", str(size))
    pytester.makepyfile(ISOLATION.format(mode="track"))
    failing = len(range(0, size, 7))
    if runner == "xdist":
        result = pytester.runpytest_subprocess("-n", "2", "-p", "randomly", timeout=300)
    else:
        result = pytester.runpytest("-p", "randomly", "-p", "no:xdist")
    result.assert_outcomes(passed=size - failing + size // 2 + 1, failed=failing)


ABORT = """
import os, pytest

def test_aborted(ses_mock):
    ses_mock.add_configuration_set({"Name": "aborted"})
    assert os.environ["AWS_ACCESS_KEY_ID"]
    raise KeyboardInterrupt  # as if the user pressed Ctrl-C in the middle of the test

def test_never_reached():
    pass
"""

REPORT_STATE = """
import json, os

def pytest_unconfigure(config):
    from pytest_sesmock.adapters import botocore as interception
    with open("state.json", "w") as out:
        json.dump({"active": len(interception.active),
                   "fake_key": "AWS_ACCESS_KEY_ID" in os.environ}, out)
"""


def test_ctrl_c_mid_test_still_tears_the_mock_down(pytester: pytest.Pytester) -> None:
    import json

    # In a process of its own: a KeyboardInterrupt would stop this session too.
    pytester.makeconftest(REPORT_STATE)
    pytester.makepyfile(ABORT)
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    state = json.loads((pytester.path / "state.json").read_text())
    assert state == {"active": 0, "fake_key": False}  # mock stopped, fake credentials gone


def test_no_socket_is_opened_for_requests_calls_either(
    ses_mock: SesMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    import requests

    from pytest_sesmock import NotMockedError

    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    ses_mock.add_configuration_set({"Name": "marketing"})
    form = {
        "Action": "DescribeConfigurationSet",
        "Version": "2010-12-01",
        "ConfigurationSetName": "marketing",
    }
    assert requests.post("https://email.us-east-1.amazonaws.com/", data=form, timeout=5).ok
    for url in ("https://email.us-east-1.amazonaws.com/", "https://s3.amazonaws.com/"):
        with pytest.raises(NotMockedError):
            requests.post(url, data={"Action": "ListIdentities"}, timeout=5)
    assert attempts == []
    # A host that is not AWS is left alone: the connection is attempted (and refused here).
    with pytest.raises(AssertionError, match="network connection was attempted"):
        requests.post("http://127.0.0.2:9/", data={"Action": "ListIdentities"}, timeout=5)
    assert len(attempts) == 1


BASE_EXCEPTION = """
import boto3, pytest

class Abort(BaseException):
    \"\"\"Not an Exception: what a signal handler or a framework may raise mid-test.\"\"\"

def test_aborted(ses_mock):
    ses_mock.add_configuration_set({"Name": "aborted"})
    raise Abort()

def test_next(ses_mock):
    ses = boto3.client("ses", region_name="us-east-1")
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
        ses.describe_configuration_set(ConfigurationSetName="aborted")
"""


def test_a_base_exception_mid_test_leaves_the_next_one_clean(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(BASE_EXCEPTION)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1, failed=1)
