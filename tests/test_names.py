"""Names a user types are understood or refused: a mistyped name never makes a test pass."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import boto3
import pytest
import time_machine
from botocore.config import Config
from botocore.exceptions import ClientError
from conftest import HERE, marketing
from freezegun import freeze_time
from moto import mock_aws

from pytest_sesmock import SesMock, UnknownNameError, current_mock, mock_ses
from pytest_sesmock.catalogue import CATALOGUE

ONE_ATTEMPT = Config(retries={"mode": "standard", "total_max_attempts": 1})


@pytest.fixture
def described(ses_mock: SesMock, ses: Any) -> SesMock:
    """A mock after one real describe_configuration_set call."""
    ses_mock.add_configuration_set(marketing())
    ses.describe_configuration_set(ConfigurationSetName="marketing")
    return ses_mock


# -- operations ----------------------------------------------------------------------------------


def test_boto3_method_names_are_understood(described: SesMock) -> None:
    with pytest.raises(AssertionError, match="expected no call of DescribeConfigurationSet, got 1"):
        described.assert_not_called("describe_configuration_set")
    described.assert_call_count(1, "describe_configuration_set")
    described.assert_call_count(1, "DescribeConfigurationSet", ConfigurationSetName="marketing")
    described.assert_called_once_with(
        "describe_configuration_set", ConfigurationSetName="marketing"
    )
    described.assert_within_rate_limit("describe_configuration_set")
    assert [c.operation for c in described.calls_of("describe_configuration_set")] == [
        "DescribeConfigurationSet"
    ]
    assert described.calls[0].matches("describe_configuration_set", {})


@pytest.mark.parametrize(
    ("check", "message"),
    [
        (
            lambda m: m.assert_not_called("DescribeConfigurationSets"),
            "unknown operation 'DescribeConfigurationSets'; did you mean "
            "'DescribeConfigurationSet'?",
        ),
        (
            lambda m: m.assert_call_count(0, "DescribeConfigSet"),
            "unknown operation 'DescribeConfigSet'; did you mean 'DescribeConfigurationSet'?",
        ),
        (
            lambda m: m.assert_within_rate_limit("DescribeConfigSet"),
            "did you mean 'DescribeConfigurationSet'?",
        ),
        (
            lambda m: m.assert_not_called("describe_config_set"),
            "did you mean 'describe_configuration_set'?",
        ),
        (
            lambda m: m.assert_call_count(0, "DescribeConfigurationSet", ConfigurationSetNmae="m"),
            "'ConfigurationSetNmae' is not a parameter of DescribeConfigurationSet; did you mean "
            "'ConfigurationSetName'?",
        ),
        (
            lambda m: m.assert_call_count(0, None, ConfigurationSetNmae="m"),
            "is not a parameter of any served operation; did you mean 'ConfigurationSetName'?",
        ),
        (
            lambda m: m.assert_called_once_with("DescribeConfigurationSet", Name="marketing"),
            "'Name' is not a parameter of DescribeConfigurationSet",
        ),
        (
            lambda m: m.assert_not_called("ListIdentities"),
            "'ListIdentities' is an SES operation that pytest-sesmock does not serve. It serves",
        ),
        (lambda m: m.calls_of("DescribeConfigSet"), "did you mean 'DescribeConfigurationSet'?"),
        (lambda m: m.assert_not_called(42), "an operation is named by a string"),
    ],
)
def test_a_mistyped_name_is_refused_not_passed(
    described: SesMock, check: Any, message: str
) -> None:
    with pytest.raises(UnknownNameError) as caught:
        check(described)
    assert message in str(caught.value)


def test_set_rate_limit_understands_boto3_names(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.rate_limit = "enforce"
    ses_mock.add_configuration_set(marketing())
    ses_mock.set_rate_limit("describe_configuration_set", per_second=None)
    for _ in range(5):
        ses.describe_configuration_set(ConfigurationSetName="marketing")
    ses_mock.assert_within_rate_limit()
    with pytest.raises(UnknownNameError, match="did you mean 'DescribeConfigurationSet'"):
        ses_mock.set_rate_limit("DescribeConfigSet", per_second=None)


# -- error codes ---------------------------------------------------------------------------------


def test_add_error_refuses_an_unknown_code_with_the_closest(ses_mock: SesMock) -> None:
    with pytest.raises(UnknownNameError, match="unknown error code 'Throtling'") as caught:
        ses_mock.add_error("Throtling")
    assert "did you mean 'Throttling'?" in str(caught.value)
    assert "pass unmodeled=True" in str(caught.value)


def test_add_error_understands_names_and_deliberate_codes(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.set_rate_limit(per_second=None)
    ses_mock.add_configuration_set(marketing())
    # boto3's exception name is understood as the code SES sends for it
    ses_mock.add_error(
        "ConfigurationSetDoesNotExistException", operation="describe_configuration_set"
    )
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException) as caught:
        ses.describe_configuration_set(ConfigurationSetName="marketing")
    assert caught.value.response["Error"]["Code"] == "ConfigurationSetDoesNotExist"
    ses_mock.add_error("ServiceUnavailable", times=10)  # catalogued status: 503
    client = boto3.client("ses", region_name="us-east-1", config=ONE_ATTEMPT)
    with pytest.raises(ClientError) as unavailable:
        client.describe_configuration_set(ConfigurationSetName="marketing")
    assert unavailable.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    ses_mock.faults = type(ses_mock.faults)()
    ses_mock.add_error("Teapot", "short and stout", 418, unmodeled=True)
    with pytest.raises(ClientError, match=r"\(Teapot\).*short and stout"):
        ses.describe_configuration_set(ConfigurationSetName="marketing")


def test_the_recorded_and_the_modeled_tracking_codes_can_be_injected(
    ses_mock: SesMock, ses: Any
) -> None:
    ses_mock.add_configuration_set(marketing(TrackingOptions={"CustomRedirectDomain": "a.b.com"}))
    operation = "delete_configuration_set_tracking_options"
    ses_mock.add_error("TrackingOptionsDoesNotExist", operation=operation)  # what SES sends
    with pytest.raises(ClientError) as recorded:
        ses.delete_configuration_set_tracking_options(ConfigurationSetName="marketing")
    assert type(recorded.value) is ClientError
    # the model's spelling, for a test that wants boto3's modeled exception
    ses_mock.add_error("TrackingOptionsDoesNotExistException", operation=operation)
    with pytest.raises(ses.exceptions.TrackingOptionsDoesNotExistException):
        ses.delete_configuration_set_tracking_options(ConfigurationSetName="marketing")


# -- the clock -----------------------------------------------------------------------------------


def test_a_clock_set_back_never_throttles(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.rate_limit = "enforce"
    ses_mock.add_configuration_set(marketing())
    ses.describe_configuration_set(ConfigurationSetName="marketing")  # real time, 2026
    with freeze_time("2020-01-01") as frozen:
        frozen.tick(5)
        ses.describe_configuration_set(ConfigurationSetName="marketing")
        with pytest.raises(ClientError, match="Throttling"):  # the same frozen second: limited
            boto3.client(
                "ses", region_name="us-east-1", config=ONE_ATTEMPT
            ).describe_configuration_set(ConfigurationSetName="marketing")
        frozen.tick(1)  # forward: refilled as before
        ses.describe_configuration_set(ConfigurationSetName="marketing")
    with time_machine.travel(dt.datetime(2019, 6, 1, tzinfo=dt.timezone.utc), tick=False):
        ses.describe_configuration_set(ConfigurationSetName="marketing")
    ses_mock.assert_call_count(5)
    assert [c.throttled for c in ses_mock.calls] == [False, False, True, False, False]


# -- mock_ses bare ---------------------------------------------------------------------------------


@mock_ses
def test_bare_mock_ses_on_a_function() -> None:
    mock = current_mock()
    mock.add_configuration_set(marketing())
    ses = boto3.client("ses", region_name="us-east-1")
    assert ses.describe_configuration_set(ConfigurationSetName="marketing")


def test_bare_mock_ses_on_a_coroutine() -> None:
    @mock_ses
    async def body() -> str:
        return current_mock().region

    assert asyncio.run(body()) == "us-east-1"


@mock_ses
class TestBareMockSesOnAClass:
    def test_one(self) -> None:
        current_mock().add_configuration_set(marketing())

    def test_two_starts_clean(self) -> None:
        with pytest.raises(Exception, match="does not exist"):
            boto3.client("ses", region_name="us-east-1").describe_configuration_set(
                ConfigurationSetName="marketing"
            )


def test_bare_mock_ses_takes_no_options_too() -> None:
    with pytest.raises(TypeError, match="either a function or class to decorate, or options"):
        mock_ses(lambda: None, region="eu-west-1")  # type: ignore[call-overload]


def test_the_readmes_migration_from_moto_runs(pytester: pytest.Pytester) -> None:
    readme = (HERE.parent / "README.md").read_text()
    block = readme.split("Coming from moto?", 1)[1].split("```python\n", 1)[1].split("```")[0]
    assert "@mock_ses  # was: @mock_aws" in block
    pytester.makepyfile(test_migrated=block)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


# -- help and declarations -------------------------------------------------------------------------


def test_the_marker_help_lists_every_option(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    text = " ".join(result.stdout.lines)
    for option in (
        "configuration_sets",
        "identities",
        "sns_topics",
        "yaml",
        "region",
        "account",
        "rate_limit",
        "assert_all_described",
    ):
        assert f"{option}=" in text, option


def test_an_unknown_declaration_key_suggests_the_closest(ses_mock: SesMock) -> None:
    expected = r"unknown key 'regoin'; did you mean 'region'\?"
    with pytest.raises(ValueError, match=expected) as caught:
        ses_mock.add_configuration_set({"Name": "a", "regoin": "eu-west-1"})
    assert str(caught.value).endswith(", region, account")


# -- scopes ----------------------------------------------------------------------------------------

SCOPES = """
import boto3, pytest

@pytest.fixture(scope="module", autouse=True)
def shared(module_ses_mock):
    module_ses_mock.add_configuration_set({"Name": "shared"})
    return module_ses_mock

def ses():
    return boto3.client("ses", region_name="us-east-1")

def test_writes_through_the_module_mock(module_ses_mock):
    ses().create_configuration_set(ConfigurationSet={"Name": "created-in-module"})

def test_the_module_mock_kept_it(module_ses_mock):
    names = [s["Name"] for s in ses().list_configuration_sets()["ConfigurationSets"]]
    assert names == ["created-in-module", "shared"]

def test_a_function_mock_nests_inside(ses_mock, module_ses_mock):
    assert ses_mock is not module_ses_mock
    ses().describe_configuration_set(ConfigurationSetName="shared")
    ses().create_configuration_set(ConfigurationSet={"Name": "only-in-this-test"})
    assert len(module_ses_mock.calls) >= 1   # the outer mock sees the inner one's calls

def test_the_nested_write_is_gone(module_ses_mock):
    names = [s["Name"] for s in ses().list_configuration_sets()["ConfigurationSets"]]
    assert "only-in-this-test" not in names

class TestClassScope:
    def test_a(self, class_ses_mock):
        class_ses_mock.add_configuration_set({"Name": "class-set"})

    def test_b(self, class_ses_mock):
        ses().describe_configuration_set(ConfigurationSetName="class-set")

def test_class_state_ended_with_the_class():
    with pytest.raises(Exception, match="does not exist"):
        ses().describe_configuration_set(ConfigurationSetName="class-set")

def test_session_mock(session_ses_mock, module_ses_mock):
    assert session_ses_mock is not module_ses_mock
"""


def test_scoped_mocks_share_state_across_their_scope(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_scopes=SCOPES)
    result = pytester.runpytest("-p", "no:randomly", "-v")
    result.assert_outcomes(passed=8)


def test_scoped_fixtures_are_listed(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--fixtures")
    for name in ("ses_mock", "class_ses_mock", "module_ses_mock", "package_ses_mock"):
        result.stdout.fnmatch_lines([f"{name}*"])
    result.stdout.fnmatch_lines(["session_ses_mock*"])


# -- evidence: identities and topics --------------------------------------------------------------


def _tracking(ses: Any, domain: str) -> None:
    ses.create_configuration_set_tracking_options(
        ConfigurationSetName="marketing", TrackingOptions={"CustomRedirectDomain": domain}
    )


def test_redirect_domains_are_checked_once_identities_are_declared(
    ses_mock: SesMock, ses: Any
) -> None:
    ses_mock.add_configuration_set(marketing())
    ses_mock.add_configuration_set({"Name": "other"})
    _tracking(ses, "anything.example.org")  # nothing declared: accepted, as before
    ses_mock.add_identity("example.com")
    ses_mock.add_identity("sender@example.net")  # an address verifies no domain
    with pytest.raises(ses.exceptions.InvalidTrackingOptionsException) as caught:
        ses.create_configuration_set_tracking_options(
            ConfigurationSetName="other", TrackingOptions={"CustomRedirectDomain": "example.net"}
        )
    assert caught.value.response["Error"]["Message"] == (
        "The custom redirect domain <example.net> is not a verified identity of this account."
    )
    ses.create_configuration_set_tracking_options(
        ConfigurationSetName="other", TrackingOptions={"CustomRedirectDomain": "click.example.com"}
    )
    with pytest.raises(ValueError, match="neither an email address nor a domain name"):
        ses_mock.add_identity("not a domain")


def test_sns_topics_are_checked_once_declared(ses_mock: SesMock, ses: Any) -> None:
    ses_mock.add_configuration_set(marketing())
    topic = "arn:aws:sns:us-east-1:123456789012:ses-events"
    ses_mock.add_sns_topic(topic)

    def destination(arn: str, name: str) -> None:
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="marketing",
            EventDestination={
                "Name": name,
                "MatchingEventTypes": ["send"],
                "SNSDestination": {"TopicARN": arn},
            },
        )

    destination(topic, "known")
    missing = "arn:aws:sns:us-east-1:123456789012:missing"
    with pytest.raises(ses.exceptions.InvalidSNSDestinationException) as caught:
        destination(missing, "unknown")
    assert caught.value.response["Error"]["Message"] == f"SNS topic <{missing}> not found."


def test_moto_beside_us_knows_topics_and_identities(ses_mock: SesMock) -> None:
    with mock_aws():
        sns = boto3.client("sns", region_name="us-east-1")
        topic = sns.create_topic(Name="events")["TopicArn"]
        ses = boto3.client("ses", region_name="us-east-1")
        ses.verify_domain_identity(Domain="example.com")  # moto's
        ses.create_configuration_set(ConfigurationSet={"Name": "marketing"})  # ours
        event = {"Name": "d", "MatchingEventTypes": ["send"], "SNSDestination": {"TopicARN": topic}}
        ses.create_configuration_set_event_destination(
            ConfigurationSetName="marketing", EventDestination=event
        )
        with pytest.raises(ses.exceptions.InvalidSNSDestinationException):
            ses.create_configuration_set_event_destination(
                ConfigurationSetName="marketing",
                EventDestination={
                    **event,
                    "Name": "e",
                    "SNSDestination": {"TopicARN": topic + "-typo"},
                },
            )
        _tracking(ses, "links.example.com")
        ses.delete_configuration_set_tracking_options(ConfigurationSetName="marketing")
        with pytest.raises(ses.exceptions.InvalidTrackingOptionsException):
            _tracking(ses, "links.example.org")


def test_identities_and_topics_through_the_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3, pytest

        @pytest.mark.ses_mock(
            configuration_sets=[{"Name": "m"}], identities=["example.com"],
            sns_topics=["arn:aws:sns:us-east-1:123456789012:t"])
        def test_checked():
            ses = boto3.client("ses", region_name="us-east-1")
            with pytest.raises(ses.exceptions.InvalidTrackingOptionsException):
                ses.create_configuration_set_tracking_options(
                    ConfigurationSetName="m",
                    TrackingOptions={"CustomRedirectDomain": "example.org"})

        @pytest.mark.ses_mock(identities="example.com")
        def test_bad_option():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*identities must be a list of strings; got str*"])


# -- the catalogue ---------------------------------------------------------------------------------


def test_every_catalogued_error_has_evidence() -> None:
    for entry in CATALOGUE.values():
        assert entry.evidence in ("REC", "DOC", "INF"), entry
        assert entry.source, entry
        assert entry.when, entry
        assert 400 <= entry.status <= 599
