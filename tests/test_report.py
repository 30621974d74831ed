"""The session summary and ``--ses-mock-report`` (#23): what the mocks did, at a glance."""

from __future__ import annotations

import json
from typing import Any

import pytest

# One test that makes every kind of record; one that makes a v2 call; one with no mock at all.
SUITE = """
import boto3
import pytest

SENDER = "sender@example.com"
MESSAGE = {"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "Hi there"}}}
SNS = {"Name": "to-sns", "Enabled": True, "MatchingEventTypes": ["send", "delivery"],
       "SNSDestination": {"TopicARN": "arn:aws:sns:us-east-1:123456789012:ses-events"}}


@pytest.mark.ses_mock(rate_limit="track")
def test_everything(ses_mock):
    ses_mock.add_configuration_set({"Name": "read"})
    ses_mock.add_configuration_set({"Name": "unread"})
    ses_mock.add_configuration_set({"Name": "marketing", "EventDestinations": [SNS]})
    ses = boto3.client("ses", region_name="us-east-1")
    ses.describe_configuration_set(ConfigurationSetName="read")
    ses.describe_configuration_set(ConfigurationSetName="marketing")  # over the burst of 1
    ses.describe_configuration_set(ConfigurationSetName="read")  # and again
    ses_mock.add_error("AccessDenied", "nope", 403, operation="ListConfigurationSets", times=2)
    for _ in range(2):
        with pytest.raises(ses.exceptions.ClientError):
            ses.list_configuration_sets()
    ses.send_email(Source=SENDER, Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
                   Message=MESSAGE, ConfigurationSetName="marketing")
    assert [call.throttled for call in ses_mock.calls].count(True) == 2


def test_v2(ses_mock):
    boto3.client("sesv2", region_name="us-east-1").list_configuration_sets()


def test_without_the_mock():
    pass
"""

NO_SNS = "no in-process mock answers SNS (moto's mock_aws is not active)"
EVERYTHING: dict[str, Any] = {
    "calls": {
        "ses:DescribeConfigurationSet": 3,
        "ses:ListConfigurationSets": 2,
        "ses:SendEmail": 1,
    },
    "throttled": 2,
    "faults_fired": 2,
    "sends": 1,
    "events": {"published": 0, "not_published": {NO_SNS: 2}},  # Send and Delivery
    "declared_never_read": ["123456789012/us-east-1/unread"],
}
V2: dict[str, Any] = {
    "calls": {"sesv2:ListConfigurationSets": 1},
    "throttled": 0,
    "faults_fired": 0,
    "sends": 0,
    "events": {"published": 0, "not_published": {}},
    "declared_never_read": [],
}
TOTAL: dict[str, Any] = {
    **EVERYTHING,
    "calls": {**EVERYTHING["calls"], "sesv2:ListConfigurationSets": 1},
}
SECTION = [
    "*- pytest-sesmock -*",
    "SES calls: 7 in 2 tests or scopes",
    "  ses:DescribeConfigurationSet  3",
    "  ses:ListConfigurationSets     2",
    "  ses:SendEmail                 1",
    "  sesv2:ListConfigurationSets   1",
    "throttled calls: 2",
    "faults fired: 2",
    "sends: 1",
    "events: 0 published, 2 not published",
    f"  not published, {NO_SNS}: 2",
    "declared sets never read: 1",
    "  123456789012/us-east-1/unread",
]


def test_the_summary_says_what_the_mocks_did(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SUITE)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(SECTION, consecutive=True)


def test_no_section_when_no_ses_call_was_made(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_declares_only(ses_mock):
            ses_mock.add_configuration_set({"Name": "marketing"})

        def test_plain():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)
    assert "pytest-sesmock" not in result.stdout.str()
    assert "SES calls" not in result.stdout.str()


def test_quiet_prints_one_line_and_very_quiet_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SUITE)
    quiet = pytester.runpytest("-p", "no:randomly", "-q")
    quiet.assert_outcomes(passed=3)
    quiet.stdout.fnmatch_lines(
        [
            "pytest-sesmock: 7 SES calls in 2 tests or scopes, 2 throttled, 2 faults fired, "
            "1 send, 0 events published, 2 not published, 1 declared set never read"
        ]
    )
    assert "*- pytest-sesmock -*" not in quiet.stdout.lines
    assert not any(line.startswith("SES calls:") for line in quiet.stdout.lines)
    very_quiet = pytester.runpytest("-p", "no:randomly", "-qq")
    assert very_quiet.ret == 0  # -qq prints no outcome line to parse
    assert "pytest-sesmock" not in very_quiet.stdout.str()


def test_the_json_report_per_test_and_in_total(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SUITE)
    result = pytester.runpytest("-p", "no:randomly", "--ses-mock-report=out/report.json")
    result.assert_outcomes(passed=3)
    written = json.loads((pytester.path / "out" / "report.json").read_text())
    assert written == {
        "tests": {
            "test_the_json_report_per_test_and_in_total.py::test_everything": EVERYTHING,
            "test_the_json_report_per_test_and_in_total.py::test_v2": V2,
        },
        "total": TOTAL,
    }
    assert [p.name for p in (pytester.path / "out").iterdir()] == ["report.json"]  # no temporary


def test_the_json_report_is_written_when_no_call_was_made(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain():\n    pass\n")
    pytester.runpytest("-p", "no:randomly", "--ses-mock-report=report.json").assert_outcomes(
        passed=1
    )
    written = json.loads((pytester.path / "report.json").read_text())
    assert written == {"tests": {}, "total": {**V2, "calls": {}}}  # every count zero


def test_a_call_under_nested_mocks_counts_once(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3

        def test_inside(module_ses_mock, ses_mock):
            boto3.client("sesv2", region_name="us-east-1").list_configuration_sets()
            assert len(module_ses_mock.calls) == 1 and len(ses_mock.calls) == 1

        def test_module_only(module_ses_mock):
            boto3.client("sesv2", region_name="us-east-1").list_configuration_sets()
            boto3.client("sesv2", region_name="us-east-1").list_configuration_sets()
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "--ses-mock-report=report.json")
    result.assert_outcomes(passed=2)
    written = json.loads((pytester.path / "report.json").read_text())
    module = "test_a_call_under_nested_mocks_counts_once.py"
    by_test = {nodeid: entry["calls"] for nodeid, entry in written["tests"].items()}
    assert by_test == {
        f"{module}::test_inside": {"sesv2:ListConfigurationSets": 1},
        module: {"sesv2:ListConfigurationSets": 2},  # the module's mock, outside any test's
    }
    assert written["total"]["calls"] == {"sesv2:ListConfigurationSets": 3}
    result.stdout.fnmatch_lines(["SES calls: 3 in 2 tests or scopes"])


def test_under_xdist_the_controller_combines_the_workers(pytester: pytest.Pytester) -> None:
    # Two files, one a worker with --dist loadfile: each worker's results reach the controller.
    head, v2 = SUITE.split("\n\ndef test_v2")
    pytester.makepyfile(test_first=head, test_second="import boto3\n\ndef test_v2" + v2)
    result = pytester.runpytest_subprocess(
        "-p", "no:randomly", "-n", "2", "--dist", "loadfile", "-v", "--ses-mock-report=r.json"
    )
    result.assert_outcomes(passed=3)
    workers = {line.split("]")[0].strip("[") for line in result.stdout.lines if "PASSED" in line}
    assert workers == {"gw0", "gw1"}
    result.stdout.fnmatch_lines(SECTION, consecutive=True)
    written = json.loads((pytester.path / "r.json").read_text())
    assert written == {
        "tests": {"test_first.py::test_everything": EVERYTHING, "test_second.py::test_v2": V2},
        "total": TOTAL,
    }


def test_a_session_mock_counts_under_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        import pytest

        def test_faulted(session_ses_mock):
            session_ses_mock.add_error("AccessDenied", "no", 403, operation="ListConfigurationSets")
            v1 = boto3.client("ses", region_name="us-east-1")
            with pytest.raises(v1.exceptions.ClientError):
                v1.list_configuration_sets()

        def test_nested(session_ses_mock, ses_mock):
            ses_mock.add_configuration_set({"Name": "never"})
            boto3.client("ses", region_name="us-east-1").list_configuration_sets()
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "--ses-mock-report=report.json")
    result.assert_outcomes(passed=2)
    tests = json.loads((pytester.path / "report.json").read_text())["tests"]
    nested = "test_a_session_mock_counts_under_session.py::test_nested"
    assert sorted(tests) == ["<session>", nested]
    assert tests["<session>"]["calls"] == {"ses:ListConfigurationSets": 1}
    assert tests["<session>"]["faults_fired"] == 1
    assert tests[nested]["calls"] == {"ses:ListConfigurationSets": 1}
    assert tests[nested]["faults_fired"] == 0
    assert tests[nested]["declared_never_read"] == ["123456789012/us-east-1/never"]
    result.stdout.fnmatch_lines(["faults fired: 1", "  123456789012/us-east-1/never"])
