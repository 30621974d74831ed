"""The structure holds: one direction of knowledge, and a short path for the call users make most.

The import contracts (no import from a lower layer up, no circle among the modules of a package)
are import-linter's, in pyproject.toml, run here and in CI's lint step. What runs for one warm
DescribeConfigurationSet is traced here: the files it passes through, and that no code of a
lower layer ever calls up into a higher one (core calls no adapter back; state calls no API).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import boto3
import pytest

import pytest_sesmock
from pytest_sesmock import SesMock

PACKAGE = Path(pytest_sesmock.__file__).parent

# The layers, lowest first; errors, the catalogue and the cache are used by every layer.
LAYERS = {
    "protocols": 0,
    "state": 1,
    "sending": 2,
    "apis": 3,
    "core": 4,
    "adapters": 5,
    "server": 5,
    "plugin": 6,
    "cli": 7,
}


def layer_of(filename: str) -> int | None:
    """The layer of a file of the package (None: a utility, or not ours)."""
    path = Path(filename)
    if PACKAGE not in path.parents:
        return None
    return LAYERS.get(path.relative_to(PACKAGE).parts[0])


@contextmanager
def traced() -> Iterator[list[tuple[str, str, str]]]:
    """Every call made while inside: (caller's file, callee's file, callee's name)."""
    calls: list[tuple[str, str, str]] = []

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and frame.f_back is not None:
            calls.append(
                (frame.f_back.f_code.co_filename, frame.f_code.co_filename, frame.f_code.co_name)
            )

    sys.setprofile(profile)
    try:
        yield calls
    finally:
        sys.setprofile(None)


def test_the_import_contracts_hold() -> None:
    pytest.importorskip("importlinter")
    checked = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; "
            "sys.argv = ['lint-imports']; lint_imports_command()",
        ],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parent,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "2 kept, 0 broken" in checked.stdout


@pytest.mark.parametrize(
    ("service", "call"),
    [
        (
            "ses",
            lambda c: c.describe_configuration_set(
                ConfigurationSetName="a", ConfigurationSetAttributeNames=["eventDestinations"]
            ),
        ),
        ("sesv2", lambda c: c.get_configuration_set(ConfigurationSetName="a")),
    ],
    ids=["DescribeConfigurationSet", "sesv2-GetConfigurationSet"],
)
def test_a_warm_read_passes_through_few_files_and_never_calls_up(service: str, call: Any) -> None:
    with SesMock() as mock:
        mock.add_configuration_set({"Name": "a"})
        mock.set_rate_limit(per_second=None)
        client = boto3.client(service, region_name="us-east-1")
        call(client)  # cold: models loaded, answers written once
        call(client)
        with traced() as calls:
            call(client)
    ours = [
        (caller, callee, name) for caller, callee, name in calls if PACKAGE in Path(callee).parents
    ]
    files = sorted({str(Path(callee).relative_to(PACKAGE)) for _, callee, _ in ours})
    assert len(files) <= 10, files
    upward = [
        f"{Path(caller).relative_to(PACKAGE)} -> {Path(callee).relative_to(PACKAGE)}:{name}"
        for caller, callee, name in ours
        if layer_of(caller) is not None
        and layer_of(callee) is not None
        and layer_of(callee) > layer_of(caller)  # type: ignore[operator]
    ]
    assert upward == []
