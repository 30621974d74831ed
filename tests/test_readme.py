"""The README's examples run as its readers will run them."""

from __future__ import annotations

import pytest
from conftest import HERE


def readme_block(after: str) -> str:
    """The first Python code block after the text ``after``."""
    text = (HERE.parent / "README.md").read_text()
    return text.split(after, 1)[1].split("```python\n", 1)[1].split("```", 1)[0]


def test_the_two_apis_example_runs(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_two_apis=readme_block("## Two APIs, one SES"))
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_the_sending_example_runs(pytester: pytest.Pytester) -> None:
    pytest.importorskip("moto")
    pytester.makepyfile(test_readme_sending=readme_block("### Events, as SES publishes them"))
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)
