"""Mistakes a user makes, caught where they are made, with the fix in the message (issue 23)."""

from __future__ import annotations

import pytest


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
