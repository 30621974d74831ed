"""YAML at conftest level: ``ses_mock.yaml`` beside conftest.py, its fixtures, and its errors."""

from __future__ import annotations

import textwrap

import pytest

DESCRIBE = """
import boto3

def describe(name, *attributes, region="us-east-1"):
    ses = boto3.client("ses", region_name=region)
    try:
        out = ses.describe_configuration_set(
            ConfigurationSetName=name, ConfigurationSetAttributeNames=list(attributes))
    except ses.exceptions.ConfigurationSetDoesNotExistException:
        return None
    out.pop("ResponseMetadata")
    return out
"""


def write(pytester: pytest.Pytester, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = pytester.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def test_directory_yaml_applies_below_and_nearer_overrides(pytester: pytest.Pytester) -> None:
    write(
        pytester,
        {
            "helpers.py": DESCRIBE,
            "conftest.py": "",
            "ses_mock.yaml": """
            configuration_sets:
              - Name: root-only
              - Name: shared
                DeliveryOptions: {TlsPolicy: Optional}
              - Name: dublin
                region: eu-west-1
            """,
            "test_root.py": """
            from helpers import describe

            def test_root(ses_mock):
                assert describe("root-only")
                assert describe("shared", "deliveryOptions")["DeliveryOptions"] == {
                    "TlsPolicy": "Optional"}
                assert describe("dublin", region="eu-west-1")
                assert describe("dublin") is None
                assert describe("deep-only") is None
            """,
            "deep/conftest.py": "",
            "deep/ses_mock.yaml": """
            configuration_sets:
              - Name: shared
                DeliveryOptions: {TlsPolicy: Require}
              - Name: deep-only
            """,
            "deep/test_deep.py": """
            from helpers import describe

            def test_deep(ses_mock):
                assert describe("root-only")
                assert describe("deep-only")
                assert describe("shared", "deliveryOptions")["DeliveryOptions"] == {
                    "TlsPolicy": "Require"}
            """,
            "sibling/test_sibling.py": """
            from helpers import describe

            def test_sibling(ses_mock):
                assert describe("root-only")
                assert describe("deep-only") is None

            def test_without_mock():
                from pytest_sesmock.adapters import botocore as interception
                assert interception.active == []
            """,
        },
    )
    pytester.syspathinsert()
    pytester.runpytest().assert_outcomes(passed=4)


def test_yaml_fixtures_are_conftest_fixtures(pytester: pytest.Pytester) -> None:
    write(
        pytester,
        {
            "helpers.py": DESCRIBE,
            "deep/conftest.py": "",
            "deep/ses_mock.yaml": """
            region: eu-west-1
            fixtures:
              welcome_sets:
                - Name: welcome
                - Name: onboarding
                  region: us-east-1
            """,
            "deep/test_fixtures.py": """
            from helpers import describe

            def test_requesting_activates_the_mock(welcome_sets):
                assert describe("welcome", region="eu-west-1")
                assert describe("onboarding")

            def test_with_ses_mock_too(welcome_sets, ses_mock):
                assert welcome_sets is ses_mock
                ses_mock.add_configuration_set({"Name": "extra"})
                assert describe("extra")

            def test_not_requested(ses_mock):
                assert describe("welcome", region="eu-west-1") is None
            """,
            "test_outside.py": """
            def test_fixture_is_not_visible_here(welcome_sets):
                pass
            """,
        },
    )
    pytester.syspathinsert()
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*fixture 'welcome_sets' not found*"])
    listing = pytester.runpytest("--fixtures", "deep")
    listing.stdout.fnmatch_lines(["welcome_sets*", "*SES mock with welcome, onboarding*"])


def test_project_yaml_from_ini_and_cli(pytester: pytest.Pytester) -> None:
    write(
        pytester,
        {
            "helpers.py": DESCRIBE,
            "tox.ini": "[pytest]\nses_mock_yaml = sets/project.yaml\n",
            "sets/project.yaml": "configuration_sets:\n  - Name: project\n",
            "other.yaml": "configuration_sets:\n  - Name: other\n",
            "conftest.py": "",
            "ses_mock.yaml": """
            configuration_sets:
              - Name: project
                DeliveryOptions: {TlsPolicy: Require}
            """,
            "test_project.py": """
            import os
            from helpers import describe

            def test_project(ses_mock):
                expected = os.environ["EXPECTED"]
                assert describe(expected)
                # a directory's ses_mock.yaml overrides the project-wide file
                if expected == "project":
                    assert describe("project", "deliveryOptions")["DeliveryOptions"]
            """,
        },
    )
    pytester.syspathinsert()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXPECTED", "project")
        pytester.runpytest().assert_outcomes(passed=1)
        patch.setenv("EXPECTED", "other")
        pytester.runpytest("--ses-mock-yaml", "other.yaml").assert_outcomes(passed=1)


def test_marker_yaml_is_relative_to_the_test_file(pytester: pytest.Pytester) -> None:
    write(
        pytester,
        {
            "helpers.py": DESCRIBE,
            "tests/data/sets.yaml": "configuration_sets:\n  - Name: from-marker-yaml\n",
            "tests/test_marker_yaml.py": """
            import pytest
            from helpers import describe

            @pytest.mark.ses_mock(yaml="data/sets.yaml")
            def test_marker_yaml():
                assert describe("from-marker-yaml")
            """,
        },
    )
    pytester.syspathinsert()
    pytester.runpytest().assert_outcomes(passed=1)


AWS_CLI_OUTPUT = """
configuration_sets:
  - ConfigurationSet:
      Name: marketing
    EventDestinations:
    - Enabled: true
      MatchingEventTypes:
      - send
      - bounce
      Name: to-sns
      SNSDestination:
        TopicARN: arn:aws:sns:us-east-1:123456789012:ses-events
    - CloudWatchDestination:
        DimensionConfigurations:
        - DefaultDimensionValue: none
          DimensionName: campaign
          DimensionValueSource: messageTag
      Enabled: false
      MatchingEventTypes:
      - open
      Name: to-cloudwatch
    ReputationOptions:
      LastFreshStart: '2026-01-02T03:04:05.678000+00:00'
      ReputationMetricsEnabled: true
      SendingEnabled: true
    TrackingOptions:
      CustomRedirectDomain: track.example.com
    ResponseMetadata:
      RequestId: 0d3d6c6e-0000-4000-8000-000000000000
      HTTPStatusCode: 200
"""


def test_pasted_aws_cli_yaml_output_works_unchanged(pytester: pytest.Pytester) -> None:
    write(
        pytester,
        {
            "helpers.py": DESCRIBE,
            "conftest.py": "",
            "ses_mock.yaml": AWS_CLI_OUTPUT,
            "test_pasted.py": """
            from helpers import describe

            def test_pasted(ses_mock):
                out = describe("marketing", "eventDestinations", "reputationOptions",
                               "trackingOptions")
                assert [d["Name"] for d in out["EventDestinations"]] == ["to-sns", "to-cloudwatch"]
                assert out["ReputationOptions"]["LastFreshStart"].isoformat() == (
                    "2026-01-02T03:04:05.678000+00:00")
                assert out["TrackingOptions"] == {"CustomRedirectDomain": "track.example.com"}
            """,
        },
    )
    pytester.syspathinsert()
    pytester.runpytest().assert_outcomes(passed=1)


def test_each_file_is_read_once_per_session(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pytest_sesmock.state.yaml_file as yaml_file

    monkeypatch.setattr(yaml_file, "parse_yaml", yaml_file.parse_yaml)  # restored afterwards
    write(
        pytester,
        {
            "conftest.py": """
            import pytest_sesmock.state.yaml_file as yaml_file

            yaml_file.parsed = []
            original = yaml_file.parse_yaml

            def counting(text, path):
                yaml_file.parsed.append(path)
                return original(text, path)

            yaml_file.parse_yaml = counting
            """,
            "sub/conftest.py": "",
            "sub/ses_mock.yaml": "configuration_sets:\n  - Name: once\n",
            "sub/test_many.py": """
            import boto3, pytest
            import pytest_sesmock.state.yaml_file as yaml_file

            @pytest.mark.parametrize("n", range(5))
            def test_many(ses_mock, n):
                ses = boto3.client("ses", region_name="us-east-1")
                assert ses.describe_configuration_set(ConfigurationSetName="once")
                assert len(yaml_file.parsed) == 1
            """,
        },
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "configuration_sets:\n  - Name: [unclosed\n",
            # Not line 3 (after the end of the file), and where the broken list began.
            "ses_mock.yaml:2:20: YAML syntax error: did not find expected ',' or ']' "
            "(while parsing a flow sequence that began at *ses_mock.yaml:2:11)",
        ),
        (
            "configuration_sets:\n  - Name: a\n    Name: b\n",
            "ses_mock.yaml:3:5: duplicate key 'Name'",
        ),
        (
            "configuration_sets:\n  - Name: a\n    EventDestination: []\n",
            "ses_mock.yaml:3:5: configuration_sets[0].EventDestination: unknown key "
            "'EventDestination'; did you mean 'EventDestinations'?",
        ),
        (
            "configuration_sets:\n  - Name: a\n    EventDestinations:\n      - Name: x\n"
            "        Enabled: 'yes'\n        MatchingEventTypes: [send]\n"
            "        SNSDestination: {TopicARN: t}\n",
            "ses_mock.yaml:5:9: configuration_sets[0].EventDestinations[0].Enabled: "
            "expected true or false; got str 'yes'",
        ),
        (
            "configuration_sets:\n  - Name: a\n    DeliveryOptions: {TlsPolicy: Sometimes}\n",
            "ses_mock.yaml:3:23: configuration_sets[0].DeliveryOptions.TlsPolicy: "
            "'Sometimes' is not one of Require, Optional",
        ),
        (
            "configuration_sets:\n  - Name: a\n  - Name: a\n",
            "ses_mock.yaml:3:5: configuration_sets[1].Name: configuration set 'a' is already "
            "declared at configuration_sets[0]",
        ),
        (
            "configuration_set: []\n",
            "ses_mock.yaml:1:1: configuration_set: unknown key 'configuration_set'; did you mean "
            "'configuration_sets'? Allowed: region, account, configuration_sets, identities,",
        ),
        (
            "configuration_sets:\n  - Name: a\n    regoin: eu-west-1\n",
            "ses_mock.yaml:3:5: configuration_sets[0].regoin: unknown key 'regoin'; did you mean "
            "'region'? Allowed: Name, ConfigurationSet, *, region, account",
        ),
        ("identities: [not an identity]\n", "identities[0]: 'not an identity' is neither"),
        ("sns_topics: [arn:nope]\n", "sns_topics[0]: 'arn:nope' is not an SNS topic ARN"),
        ("region: Europe\n", "ses_mock.yaml:1:1: region: region 'Europe' is not an AWS region"),
        ("fixtures:\n  ses_mock: []\n", "ses_mock.yaml:2:3: fixtures.ses_mock: 'ses_mock' is the"),
        ("- Name: a\n", "the document must be a mapping"),
        ("configuration_sets: &a [*a]\n", "ses_mock.yaml:1:21: a YAML alias refers to itself"),
        (
            "region: !!python/name:os.system\n",
            "ses_mock.yaml:1:9: YAML syntax error: could not "
            "determine a constructor for the tag 'tag:yaml.org,2002:python/name:os.system'",
        ),
        ("configuration_sets:\n  Name: a\n", "configuration_sets: expected a list of declarations"),
    ],
)
def test_bad_yaml_is_a_usage_error_before_any_test_runs(
    pytester: pytest.Pytester, text: str, message: str
) -> None:
    write(
        pytester,
        {
            "conftest.py": "",
            "sub/conftest.py": "",
            "sub/ses_mock.yaml": text,
            "test_first.py": "def test_first(): pass\n",
            "sub/test_x.py": "def test_x(ses_mock): pass\n",
        },
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    error = result.stderr.str()
    assert f"ERROR: pytest-sesmock: {pytester.path / 'sub'}/" in error
    at = 0
    for part in message.split("*"):  # '*' stands for text that varies (a path, a long list)
        found = error.find(part, at)
        assert found >= 0, f"{part!r} not in {error[at:]!r}"
        at = found + len(part)
    result.assert_outcomes()  # not even test_first ran


def test_unsafe_yaml_tags_are_refused(pytester: pytest.Pytester) -> None:
    write(
        pytester,
        {
            "conftest.py": "",
            "ses_mock.yaml": "configuration_sets:\n  - !!python/object/apply:os.system ['true']\n",
            "test_x.py": "def test_x(ses_mock): pass\n",
        },
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert (
        "ses_mock.yaml:2:5: YAML tag tag:yaml.org,2002:python/object/apply:os.system is not allowed"
    ) in result.stderr.str()
