"""``mock_ses`` as a decorator and context manager, with and without pytest."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import unittest
from typing import Any

import boto3
import pytest
from conftest import HERE

from pytest_sesmock import DeclarationError, OptionError, SesMock, current_mock, mock_ses
from pytest_sesmock.adapters import botocore as interception


def exists(name: str, region: str = "us-east-1") -> bool:
    ses = boto3.client("ses", region_name=region)
    try:
        ses.describe_configuration_set(ConfigurationSetName=name)
    except ses.exceptions.ConfigurationSetDoesNotExistException:
        return False
    return True


def test_context_manager_returns_the_mock() -> None:
    with mock_ses(configuration_sets=[{"Name": "marketing"}]) as ses:
        assert isinstance(ses, SesMock)
        assert current_mock() is ses
        assert exists("marketing")
        ses.add_configuration_set({"Name": "added"})
        assert exists("added")
    assert interception.active == []


def test_same_defaults_as_the_marker() -> None:
    with mock_ses() as ses:
        assert (ses.region, ses.account, ses.rate_limit) == ("us-east-1", "123456789012", "track")


@mock_ses(configuration_sets=[{"Name": "decorated"}], region="eu-west-1")
def test_decorated_function() -> None:
    assert current_mock().region == "eu-west-1"
    assert exists("decorated", region="eu-west-1")


def test_decorated_function_keeps_its_signature_and_result() -> None:
    @mock_ses(configuration_sets=[{"Name": "marketing"}])
    def check(name: str, *, expected: bool) -> str:
        assert exists(name) is expected
        return "done"

    assert check("marketing", expected=True) == "done"
    assert check.__name__ == "check"
    assert interception.active == []


def test_each_call_gets_a_fresh_mock() -> None:
    seen: list[SesMock] = []

    @mock_ses()
    def declare() -> None:
        current_mock().add_configuration_set({"Name": "once"})  # no "already declared"
        seen.append(current_mock())

    declare()
    declare()
    assert seen[0] is not seen[1]


def test_async_functions() -> None:
    @mock_ses(configuration_sets=[{"Name": "async-set"}])
    async def handler() -> bool:
        await asyncio.sleep(0)
        return exists("async-set")

    assert asyncio.run(handler()) is True
    assert interception.active == []


def test_classes_get_each_test_method_decorated() -> None:
    @mock_ses(configuration_sets=[{"Name": "class-set"}])
    class Checks:
        def test_one(self) -> bool:
            return exists("class-set")

        def helper(self) -> bool:
            return bool(interception.active)

    checks = Checks()
    assert checks.test_one() is True
    assert checks.helper() is False


def test_unittest_test_case() -> None:
    results: list[bool] = []

    @mock_ses(configuration_sets=[{"Name": "unit"}])
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            results.append(exists("unit"))  # active in setUp already

        def test_it(self) -> None:
            results.append(exists("unit"))

        def test_other(self) -> None:
            current_mock().add_configuration_set({"Name": "only-here"})
            results.append(exists("only-here"))

    outcome = unittest.TextTestRunner(verbosity=0).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(Case)
    )
    assert outcome.wasSuccessful()
    assert results == [True, True, True, True]
    assert interception.active == []


def test_nesting_adds_and_the_inner_sets_vanish() -> None:
    with mock_ses(configuration_sets=[{"Name": "outer"}], region="eu-west-1") as outer:
        with mock_ses(configuration_sets=[{"Name": "inner"}]) as inner:
            assert inner.region == "eu-west-1"  # inherited from the mock around it
            assert current_mock() is inner
            assert exists("outer", "eu-west-1")
            assert exists("inner", "eu-west-1")
            outer.add_configuration_set({"Name": "late-outer"})
            assert exists("late-outer", "eu-west-1")
        assert current_mock() is outer
        assert not exists("inner", "eu-west-1")
        assert exists("outer", "eu-west-1")


def test_nested_inside_the_fixture(ses_mock: SesMock) -> None:
    ses_mock.add_configuration_set({"Name": "from-fixture"})
    with mock_ses(configuration_sets=[{"Name": "from-block"}]):
        assert exists("from-fixture")
        assert exists("from-block")
    assert not exists("from-block")


def test_yaml_is_relative_to_the_calling_file() -> None:
    with mock_ses(yaml="data/sets.yaml") as ses:
        assert exists("from-yaml")
        out = boto3.client("ses", region_name="us-east-1").describe_configuration_set(
            ConfigurationSetName="from-yaml", ConfigurationSetAttributeNames=["reputationOptions"]
        )
        assert out["ReputationOptions"]["SendingEnabled"] is False
        assert ses.region == "us-east-1"


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"regoin": "x"}, OptionError, "unknown option 'regoin'; did you mean 'region'?"),
        ({"rate_limit": "fast"}, OptionError, "rate_limit must be one of"),
        ({"configuration_sets": {"Name": "x"}}, OptionError, "must be a list"),
        (
            {"configuration_sets": [{"Name": "a b"}]},
            DeclarationError,
            r"configuration_sets\[0\]\.Name: the configuration set name",
        ),
        ({"yaml": "nope.yaml"}, DeclarationError, "cannot read SES mock YAML"),
    ],
)
def test_bad_options_fail_where_mock_ses_is_called(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        mock_ses(**options)


def test_current_mock_outside_any_mock() -> None:
    with pytest.raises(LookupError, match="no SES mock is active"):
        current_mock()


def test_works_without_pytest(tmp_path: Any) -> None:
    script = tmp_path / "script.py"
    script.write_text(
        "import boto3\n"
        "from pytest_sesmock import mock_ses\n"
        "with mock_ses(configuration_sets=[{'Name': 'scripted'}]):\n"
        "    ses = boto3.client('ses', region_name='us-east-1')\n"
        "    print(ses.describe_configuration_set(ConfigurationSetName='scripted')"
        "['ConfigurationSet']['Name'])\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False, cwd=HERE
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "scripted"
