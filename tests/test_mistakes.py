"""Mistakes a user makes, caught where they are made, with the fix in the message (issue 23)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_server import GOOD, TIMEOUT, describe, send, serve


def test_a_yaml_file_that_is_not_read_is_warned_of(pytester: pytest.Pytester) -> None:
    """``ses_mock.yml``, and ``ses_mock.yaml`` in a directory without ``conftest.py``, were
    ignored silently; the tests then failed with ConfigurationSetDoesNotExist."""
    pytester.makeconftest("")
    pytester.path.joinpath("ses_mock.yml").write_text("configuration_sets:\n  - Name: a\n")
    lonely = pytester.mkdir("lonely")
    lonely.joinpath("ses_mock.yaml").write_text("configuration_sets:\n  - Name: b\n")
    lonely.joinpath("test_lonely.py").write_text("def test_one(ses_mock):\n    pass\n")
    read = pytester.mkdir("read")
    read.joinpath("conftest.py").write_text("")
    read.joinpath("ses_mock.yaml").write_text("configuration_sets:\n  - Name: c\n")
    read.joinpath("test_read.py").write_text(
        "def test_two(ses_mock):\n"
        "    assert ses_mock.backend.find(('123456789012', 'us-east-1', 'c')) is not None\n"
    )
    result = pytester.runpytest("-p", "no:randomly", "-W", "default")
    result.assert_outcomes(passed=2, warnings=2)
    output = result.stdout.str()
    assert f"{pytester.path / 'ses_mock.yml'} is not read" in output
    assert "must be named ses_mock.yaml" in output
    assert f"{lonely / 'ses_mock.yaml'} is not read" in output
    assert "applies only beside a conftest.py (add an empty conftest.py" in output
    assert str(read / "ses_mock.yaml") not in output


def test_serve_log_lines_say_what_was_called_and_why_it_failed(tmp_path: Path) -> None:
    """``serve --log-requests`` printed ``"POST / HTTP/1.1" 400 267``; a wrong-region call and a
    mistyped set name could not be told from the log."""
    (tmp_path / "sets.yaml").write_text(
        "configuration_sets:\n  - Name: transactional\n    region: eu-west-1\n  - Name: marketing\n"
    )
    arguments = ("--log-requests", "--rate-limit", "off", "--yaml", str(tmp_path / "sets.yaml"))
    with serve(tmp_path, *arguments) as (process, url):
        assert describe(url, "transactional", region="us-east-1").status == 400
        assert describe(url, "marketng", region="us-east-1").status == 400
        assert describe(url, "marketing", region="us-east-1").status == 200
        assert send(url, GOOD, sign=False).status == 403
        process.terminate()
        _, stderr = process.communicate(timeout=TIMEOUT)
    lines = [line for line in stderr.splitlines() if '"POST / HTTP/1.1"' in line]
    assert len(lines) == 4, stderr
    wrong_region, typo, fine, unsigned = lines
    assert " 400 " in wrong_region
    assert (
        "ses DescribeConfigurationSet us-east-1 set=transactional ConfigurationSetDoesNotExist "
        "hint: configuration set 'transactional' exists in eu-west-1" in wrong_region
    )
    assert "set=marketng ConfigurationSetDoesNotExist hint:" in typo
    assert "did you mean 'marketing'?" in typo
    assert fine.endswith("ses DescribeConfigurationSet us-east-1 set=marketing")
    assert unsigned.endswith(" MissingAuthenticationToken")


def test_every_mistake_of_a_yaml_file_is_reported_at_once(pytester: pytest.Pytester) -> None:
    pytester.makeconftest("")
    pytester.path.joinpath("ses_mock.yaml").write_text(
        "configuration_sets:\n"
        "  - Name: a b\n"
        "  - Name: good\n"
        "  - Nme: x\n"
        "  - Name: good\n"
        "  - Name: on\n"
    )
    pytester.makepyfile("def test_one(ses_mock):\n    pass\n")
    result = pytester.runpytest("-p", "no:randomly")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*ses_mock.yaml: 4 mistakes:",
            "*ses_mock.yaml:2:5: configuration_sets[[]0].Name: *may contain only*",
            "*ses_mock.yaml:4:5: configuration_sets[[]2].Nme: unknown key 'Nme'; did you mean*",
            "*ses_mock.yaml:5:5: configuration_sets[[]3].Name: *already declared at *[[]1]",
            "*ses_mock.yaml:6:5: configuration_sets[[]4].Name: *quote the value*",
        ]
    )


def test_every_mistake_of_a_marker_is_reported_at_once(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.ses_mock(regoin="us-east-1", rate_limit="enforced", sign_requests="yes")
        def test_options():
            pass

        @pytest.mark.ses_mock(
            configuration_sets=[{"Name": "a b"}, {"Nmae": "x"}], identities=["not an identity"]
        )
        def test_declarations():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "*test_options: @pytest.mark.ses_mock: 3 mistakes:",
            "*unknown option 'regoin'; did you mean 'region'?*",
            "*sign_requests must be True or False; got 'yes'",
            "*rate_limit must be one of 'off', 'track', 'enforce'; got 'enforced'",
            "*test_declarations: @pytest.mark.ses_mock: 3 mistakes:",
            "*configuration_sets[[]0].Name: *may contain only*",
            "*configuration_sets[[]1].Nmae: unknown key 'Nmae'; did you mean 'Name'?*",
            "*identities[[]0]: 'not an identity' is neither an email address nor a domain name",
        ]
    )


def test_a_client_made_before_the_import_without_credentials_is_told_the_fix() -> None:
    """Typical in CI: no credentials anywhere, and a client made at import time of the code under
    test (before pytest_sesmock was imported). botocore failed to sign it, and the user saw only
    ``NoCredentialsError``; now the message names ``patch_client``, as with credentials."""
    import boto3
    from botocore.exceptions import NoCredentialsError

    from pytest_sesmock import NotMockedError, SesMock
    from pytest_sesmock.adapters import botocore as interception

    # A session of its own: boto3's default one may have cached another test's credentials.
    client = boto3.session.Session().client("ses", region_name="us-east-1")  # none configured
    for event, handler in interception._HANDLERS:  # as if made before the plugin's import
        client.meta.events.unregister(event, handler)
    with pytest.raises(NoCredentialsError):  # without a mock: botocore's own error, untouched
        client.describe_configuration_set(ConfigurationSetName="marketing")
    with SesMock() as mock:
        mock.add_configuration_set({"Name": "marketing"})
        fix = r"no credentials to sign with; route it through the mock with ses_mock\.patch_client"
        with pytest.raises(NotMockedError, match=fix):
            client.describe_configuration_set(ConfigurationSetName="marketing")
        mock.patch_client(client)
        assert client.describe_configuration_set(ConfigurationSetName="marketing")[
            "ConfigurationSet"
        ] == {"Name": "marketing"}


def test_a_yaml_fixture_named_like_another_fixture_is_refused(pytester: pytest.Pytester) -> None:
    """A YAML fixture called ``tmp_path`` (or ``request``, or a conftest's fixture) silently
    replaced it: a test asking for ``tmp_path`` got a ``SesMock``."""
    pytester.makeconftest(
        "import pytest\n\n@pytest.fixture\ndef shared_client():\n    return object()\n"
    )
    pytester.path.joinpath("ses_mock.yaml").write_text(
        "fixtures:\n"
        "  tmp_path: [{Name: a}]\n"
        "  request: [{Name: b}]\n"
        "  shared_client: [{Name: c}]\n"
        "  welcome_sets: [{Name: d}]\n"
    )
    pytester.makepyfile("def test_one(tmp_path):\n    assert tmp_path.is_dir()\n")
    result = pytester.runpytest("-p", "no:randomly")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    error = result.stderr.str()
    for name in ("tmp_path", "request", "shared_client"):
        assert f"fixtures.{name}: a fixture named {name!r} is defined already" in error
    assert "welcome_sets" not in error
    assert "Choose another name." in error


def test_assert_all_described_covers_what_the_test_says(pytester: pytest.Pytester) -> None:
    """With a directory's shared ``ses_mock.yaml``, ``assert_all_described=True`` also counted
    every set of that file, so it could not be used with one."""
    pytester.makeconftest("")
    pytester.path.joinpath("ses_mock.yaml").write_text(
        "configuration_sets:\n  - Name: shared-one\n  - Name: shared-two\n"
    )
    pytester.makepyfile(
        """
        import boto3
        import pytest

        def describe(name):
            boto3.client("ses", region_name="us-east-1").describe_configuration_set(
                ConfigurationSetName=name
            )

        @pytest.mark.ses_mock(configuration_sets=[{"Name": "mine"}], assert_all_described="own")
        def test_own_described():
            describe("mine")

        @pytest.mark.ses_mock(configuration_sets=[{"Name": "mine"}], assert_all_described="own")
        def test_own_forgotten():
            pass

        @pytest.mark.ses_mock(assert_all_described=["shared-two"])
        def test_named(ses_mock):
            describe("shared-two")

        @pytest.mark.ses_mock(assert_all_described=True)
        def test_all(ses_mock):
            describe("shared-one")

        def test_a_name_not_declared(ses_mock):
            mistyped = "'shared-tw' is not a declared configuration set; did you mean"
            with pytest.raises(ValueError, match=mistyped):
                ses_mock.assert_all_described(["shared-tw"])
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=5, errors=2)  # the two failing at teardown pass their body
    output = result.stdout.str()
    assert "ERROR at teardown of test_own_forgotten" in output
    assert "E           mine (account 123456789012, region us-east-1)" in output
    assert "ERROR at teardown of test_all" in output
    assert "shared-two (account 123456789012, region us-east-1)" in output


def test_add_error_refuses_codes_the_operation_never_answers() -> None:
    from pytest_sesmock import SesMock, UnknownNameError

    mock = SesMock()
    with pytest.raises(UnknownNameError) as v1_only:
        mock.add_error("ConfigurationSetDoesNotExist", operation="SendEmail")
    assert "is not an error sesv2:SendEmail can answer" in str(v1_only.value)
    assert "name the operation 'ses:SendEmail'" in str(v1_only.value)
    with pytest.raises(UnknownNameError) as elsewhere:
        mock.add_error("TemplateDoesNotExist")  # a templated send's, not a describe's
    assert "'TemplateDoesNotExist' is an error of other ses operations" in str(elsewhere.value)
    assert "not of DescribeConfigurationSet" in str(elsewhere.value)
    mock.add_error("ConfigurationSetDoesNotExist", operation="ses:SendEmail")  # the fix works
    mock.add_error("NotFoundException", operation="sesv2:SendEmail")
    mock.add_error("TemplateDoesNotExist", operation="SendTemplatedEmail")


def test_a_mistyped_set_name_gets_a_did_you_mean_in_the_failure_report(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import boto3
        import pytest

        @pytest.mark.ses_mock(configuration_sets=[{"Name": "transactional"}])
        def test_typo(ses_mock):
            boto3.client("ses", region_name="us-east-1").describe_configuration_set(
                ConfigurationSetName="transactionl"
            )
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    # The wire answer is SES's own; the report carries the hint.
    assert "Configuration set <transactionl> does not exist." in output
    assert "hint: configuration set 'transactionl' does not exist in us-east-1" in output
    assert "did you mean 'transactional'?" in output


def test_every_assertion_counts_every_operation_unless_one_is_named() -> None:
    import boto3

    from pytest_sesmock import SesMock

    with SesMock() as mock:
        mock.add_configuration_set({"Name": "a"})
        ses = boto3.client("ses", region_name="us-east-1")
        ses.list_configuration_sets()
        ses.describe_configuration_set(ConfigurationSetName="a")
        mock.assert_call_count(2)  # every operation, as calls_of() and assert_not_called()
        assert len(mock.calls_of()) == 2
        mock.assert_call_count(1, "DescribeConfigurationSet")
        with pytest.raises(AssertionError, match="expected 1 call"):
            mock.assert_call_count(1)
