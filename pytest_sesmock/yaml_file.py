"""Declarations read from a YAML file, with ``file:line:column`` for every error.

The format, one document per file::

    region: eu-west-1            # optional: default region of this file's declarations
    account: "123456789012"      # optional: default account
    configuration_sets:          # declarations, exactly as add_configuration_set takes them
      - Name: marketing
        region: us-east-1        # optional, per declaration
    fixtures:                    # optional: fixture name -> declarations it adds
      welcome_sets:
        - Name: welcome

PyYAML is imported only when a file is read. Loading is safe (``SafeLoader``), duplicate keys are
errors, and a file is parsed and checked once per process (until it changes on disk).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import rules
from .declaration import Declared, parse_entry
from .errors import DeclarationError

_TOP_KEYS = ("region", "account", "configuration_sets", "fixtures")


@dataclass(frozen=True)
class YamlDeclarations:
    """What one YAML file declares."""

    path: Path
    configuration_sets: tuple[Declared, ...] = ()
    fixtures: Mapping[str, tuple[Declared, ...]] = field(default_factory=dict)


_cache: dict[Path, tuple[tuple[int, int], YamlDeclarations]] = {}


def load_yaml(path: str | Path) -> YamlDeclarations:
    """Read and check ``path``; a ``DeclarationError`` names ``file:line:column`` and the place."""
    path = Path(path).resolve()
    try:
        stat = path.stat()
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DeclarationError("", f"cannot read SES mock YAML {path}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise DeclarationError("", f"{path} is not UTF-8 text: {error}") from None
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _cache.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    declarations = parse_yaml(text, path)
    _cache[path] = (stamp, declarations)
    return declarations


def parse_yaml(text: str, path: Path) -> YamlDeclarations:
    """The declarations in ``text`` (the contents of ``path``, named in errors)."""
    document = _safe_load(text, path)
    try:
        return _check_document(document, path)
    except DeclarationError as error:
        raise DeclarationError(error.path, error.problem, _locate(text, path, error.path)) from None


def _check_document(document: Any, path: Path) -> YamlDeclarations:
    if document is None:
        return YamlDeclarations(path)
    if not isinstance(document, Mapping):
        raise DeclarationError(
            "", f"the document must be a mapping with keys {', '.join(_TOP_KEYS)}"
        )
    for key in document:
        if key not in _TOP_KEYS:
            raise DeclarationError(str(key), f"unknown key; allowed: {', '.join(_TOP_KEYS)}")
    region = document.get("region")
    account = document.get("account")
    if region is not None and (problem := rules.region_problem(region)):
        raise DeclarationError("region", problem)
    if account is not None and (problem := rules.account_problem(account)):
        raise DeclarationError("account", problem)
    sets = _entries(document.get("configuration_sets"), "configuration_sets", region, account)
    fixtures_node = document.get("fixtures") or {}
    if not isinstance(fixtures_node, Mapping):
        raise DeclarationError("fixtures", "expected a mapping of fixture names to declarations")
    fixtures: dict[str, tuple[Declared, ...]] = {}
    for name, entries in fixtures_node.items():
        where = f"fixtures.{name}"
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            raise DeclarationError(where, "a fixture name must be a Python identifier")
        if name == "ses_mock":
            raise DeclarationError(where, "'ses_mock' is the plugin's own fixture; choose another")
        fixtures[name] = _entries(entries, where, region, account)
    return YamlDeclarations(path, sets, fixtures)


def _entries(
    node: Any, where: str, region: str | None, account: str | None
) -> tuple[Declared, ...]:
    if node is None:
        return ()
    if not isinstance(node, list):
        raise DeclarationError(where, f"expected a list of declarations; got {type(node).__name__}")
    out: list[Declared] = []
    seen: dict[tuple[str | None, str | None, str], int] = {}
    for index, entry in enumerate(node):
        try:
            declared = parse_entry(entry, region=region, account=account)
        except DeclarationError as error:
            raise error.within(f"{where}[{index}]") from None
        key = (declared.account, declared.region, declared.configuration_set.name)
        if key in seen:
            raise DeclarationError(
                f"{where}[{index}].Name",
                f"configuration set {key[2]!r} is already declared at {where}[{seen[key]}]",
            )
        seen[key] = index
        out.append(declared)
    return tuple(out)


def _safe_load(text: str, path: Path) -> Any:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[valid-type, misc]
        """Safe loading that refuses duplicate keys instead of keeping the last."""

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if key in seen:
                    raise DeclarationError(
                        "", f"duplicate key {key!r}", _mark(path, key_node.start_mark)
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    try:
        return yaml.load(text, Loader=Loader)  # safe: Loader derives from SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = _mark(path, mark) if mark is not None else str(path)
        raise DeclarationError("", f"YAML syntax error: {error.problem}", where) from None
    except yaml.YAMLError as error:
        raise DeclarationError("", f"YAML error: {error}", str(path)) from None


def _mark(path: Path, mark: Any) -> str:
    return f"{path}:{mark.line + 1}:{mark.column + 1}"


_COMPONENT = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def _locate(text: str, path: Path, place: str) -> str:
    """``file:line:column`` of the deepest node on the way to ``place`` (a failing key's line)."""
    import yaml

    node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    mark = node.start_mark if node is not None else None
    for index, key in _COMPONENT.findall(place):
        if index and isinstance(node, yaml.SequenceNode) and int(index) < len(node.value):
            node = node.value[int(index)]
            mark = node.start_mark
        elif key and isinstance(node, yaml.MappingNode):
            found = [(k, v) for k, v in node.value if getattr(k, "value", None) == key]
            if not found:
                break
            mark, node = found[0][0].start_mark, found[0][1]
        else:
            break
    return _mark(path, mark) if mark is not None else str(path)
