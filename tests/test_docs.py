"""Every ``python`` block of README.md and docs/ runs, as its readers will run it.

Sybil finds the blocks (```` ```python ```` fences; other fences, ``bash``, ``yaml``, ``text``,
are not run). Each block is one test here, named by file and line:

- a block that defines tests (``def test_...``, at the top level or in a ``Test...`` class) is a
  test module: it is written to a file and run by pytest (pytester, inline), and every test it
  defines must pass;
- any other block runs as a script, in a namespace of its own that holds ``ses_mock``: an active
  ``SesMock``, what the fixture of that name gives a test (the text around such fragments says
  so);
- a block that imports a package that is not installed (aiobotocore, say, which only the async
  environment has) is skipped, saying which.

The AWS environment is the one ``conftest.py`` gives every test: no credentials, no region, no
way to real AWS.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from typing import Any

import pytest

from pytest_sesmock import SesMock

try:
    from sybil import Sybil
    from sybil.parsers.markdown import PythonCodeBlockParser

    SYBIL_MISSING = ""
except ImportError as missing:  # reported by test_sybil_is_installed; collection goes on
    SYBIL_MISSING = str(missing)

ROOT = Path(__file__).parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

Example = Any  # sybil.example.Example


def _examples() -> list[Example]:
    if SYBIL_MISSING:
        return []
    sybil = Sybil(parsers=[PythonCodeBlockParser()])
    found: list[Example] = []
    for path in DOCUMENTS:
        found.extend(sybil.parse(path).examples())
    return found


EXAMPLES = _examples()


def _name(example: Example) -> str:
    return f"{Path(example.path).relative_to(ROOT).as_posix()}:{example.line}"


def _tests_defined(tree: ast.Module) -> int:
    """How many tests pytest collects from the module ``tree``."""
    count = 0
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            count += node.name.startswith("test")
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            count += sum(
                isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
                and item.name.startswith("test")
                for item in node.body
            )
    return count


def _missing_imports(tree: ast.Module) -> list[str]:
    """The top-level packages the block imports that are not installed."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return sorted(name for name in names if importlib.util.find_spec(name) is None)


def test_sybil_is_installed() -> None:
    """Without Sybil no block would run: that is a failure, never a silent skip."""
    assert not SYBIL_MISSING, f"install sybil to run the documentation's blocks: {SYBIL_MISSING}"


def test_every_document_has_its_blocks_found() -> None:
    """A guard against a parser that finds nothing: the README's Quickstart alone is a block."""
    assert any(_name(example).startswith("README.md:") for example in EXAMPLES)
    assert len({example.path for example in EXAMPLES}) > 10


@pytest.mark.parametrize("example", EXAMPLES, ids=_name)
def test_the_block_runs(example: Example, pytester: pytest.Pytester) -> None:
    source = str(example.parsed)
    tree = ast.parse(source, filename=_name(example))
    missing = _missing_imports(tree)
    if missing:
        pytest.skip(f"{_name(example)} needs {', '.join(missing)}, which is not installed")
    tests = _tests_defined(tree)
    if tests:
        # Padded with blank lines, so a failure points at the document's own line numbers.
        path = pytester.path / "test_block.py"
        path.write_text("\n" * (example.line - 1) + source.lstrip("\n"), encoding="utf-8")
        result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
        result.assert_outcomes(passed=tests)
        return
    example.namespace.clear()
    with SesMock() as ses_mock:
        example.namespace["ses_mock"] = ses_mock
        example.evaluate()


def test_the_error_page_is_generated_from_the_catalogue() -> None:
    """docs/errors.md holds the placeholder, and the MkDocs hook puts the catalogue there."""
    from pytest_sesmock import catalogue

    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "hooks.py")
    assert spec is not None
    assert spec.loader is not None
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    page = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert page.count(hooks.PLACEHOLDER) == 1
    built = hooks.on_page_markdown(page, page=None)
    assert hooks.PLACEHOLDER not in built
    assert "REFERENCE.md" not in built  # a file that is not in the repository is never cited
    for line in catalogue.markdown().splitlines():
        assert line.replace("REFERENCE.md", "research note") in built
