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

import gc
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DeclarationError, did_you_mean
from . import rules
from .declaration import (
    Declaration,
    Declared,
    DeclaredIdentity,
    DeclaredTopic,
    parse_entry,
    parse_identities,
    parse_topics,
)

_TOP_KEYS = ("region", "account", "configuration_sets", "identities", "sns_topics", "fixtures")


@dataclass(frozen=True)
class YamlDeclarations:
    """What one YAML file declares."""

    path: Path
    configuration_sets: tuple[Declared, ...] = ()
    fixtures: Mapping[str, tuple[Declared, ...]] = field(default_factory=dict)
    account_has: tuple[DeclaredIdentity | DeclaredTopic, ...] = ()
    """The file's ``identities`` and ``sns_topics``."""
    layer: tuple[Declaration, ...] = field(init=False)
    """Everything the file declares for the tests below it: sets, identities and topics."""

    def __post_init__(self) -> None:
        layer = self.configuration_sets + self.account_has if self.account_has else None
        # The same tuple every time: layers are resolved once per tuple, not per test.
        object.__setattr__(self, "layer", layer if layer is not None else self.configuration_sets)


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
    # A big file makes tens of thousands of containers at once, and the cyclic garbage collector
    # would walk them all again and again (loading 10,000 sets took four times as long).
    collecting = gc.isenabled()
    gc.disable()
    try:
        document = _safe_load(text, path)
        mistakes: list[DeclarationError] = []
        declarations = _check_document(document, path, mistakes)
        if not mistakes:
            return declarations
        located = [
            DeclarationError(error.path, error.problem, _locate(text, path, error.path))
            for error in mistakes
        ]
        if len(located) == 1:
            raise located[0]
        # Every mistake of the file at once: a user fixing five typos needs one run, not five.
        raise DeclarationError(
            "",
            f"{len(located)} mistakes:\n" + "\n".join(f"  {error}" for error in located),
            str(path),
        )
    finally:
        if collecting:
            gc.enable()


def _check_document(
    document: Any, path: Path, mistakes: list[DeclarationError]
) -> YamlDeclarations:
    """The file's declarations; each mistake found is added to ``mistakes`` and the checking
    goes on, so that all of them are reported at once."""
    if document is None:
        return YamlDeclarations(path)
    if not isinstance(document, Mapping):
        mistakes.append(
            DeclarationError("", f"the document must be a mapping with keys {', '.join(_TOP_KEYS)}")
        )
        return YamlDeclarations(path)
    for key in document:
        if key not in _TOP_KEYS:
            mistakes.append(
                DeclarationError(
                    str(key),
                    f"unknown key {key!r}{did_you_mean(str(key), _TOP_KEYS)} "
                    f"Allowed: {', '.join(_TOP_KEYS)}",
                )
            )
    region = document.get("region")
    account = document.get("account")
    placement = rules.placement_problems(region, account)
    mistakes.extend(DeclarationError(place, problem) for place, problem in placement)
    if placement:  # the declarations below would each repeat it
        return YamlDeclarations(path)
    sets = _entries(
        document.get("configuration_sets"), "configuration_sets", region, account, mistakes
    )
    fixtures_node = document.get("fixtures") or {}
    fixtures: dict[str, tuple[Declared, ...]] = {}
    if not isinstance(fixtures_node, Mapping):
        mistakes.append(
            DeclarationError("fixtures", "expected a mapping of fixture names to declarations")
        )
        fixtures_node = {}
    for name, entries in fixtures_node.items():
        where = f"fixtures.{name}"
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            mistakes.append(DeclarationError(where, "a fixture name must be a Python identifier"))
            continue
        if name == "ses_mock":
            mistakes.append(
                DeclarationError(where, "'ses_mock' is the plugin's own fixture; choose another")
            )
            continue
        fixtures[name] = _entries(entries, where, region, account, mistakes)
    account_has: list[DeclaredIdentity | DeclaredTopic] = []
    for parse in (
        lambda: parse_identities(document.get("identities"), "identities", region, account),
        lambda: parse_topics(document.get("sns_topics"), "sns_topics"),
    ):
        try:
            account_has.extend(parse())
        except DeclarationError as error:
            mistakes.append(error)
    return YamlDeclarations(path, sets, fixtures, tuple(account_has))


def _entries(
    node: Any,
    where: str,
    region: str | None,
    account: str | None,
    mistakes: list[DeclarationError],
) -> tuple[Declared, ...]:
    if node is None:
        return ()
    if not isinstance(node, list):
        mistakes.append(
            DeclarationError(where, f"expected a list of declarations; got {type(node).__name__}")
        )
        return ()
    out: list[Declared] = []
    seen: dict[tuple[str | None, str | None, str], int] = {}
    for index, entry in enumerate(node):
        try:
            declared = parse_entry(entry, region=region, account=account)
        except DeclarationError as error:
            mistakes.append(error.within(f"{where}[{index}]"))
            continue
        key = (declared.account, declared.region, declared.configuration_set.name)
        if key in seen:
            mistakes.append(
                DeclarationError(
                    f"{where}[{index}].Name",
                    f"configuration set {key[2]!r} is already declared at {where}[{seen[key]}]",
                )
            )
            continue
        seen[key] = index
        out.append(declared)
    return tuple(out)


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"

MAX_VALUES = 1_000_000
"""The values a document may hold once its aliases are expanded. An alias repeats what its
anchor names, so a few hundred bytes of nested aliases ("billion laughs") can stand for a
billion values; a real file of 10,000 sets holds about 200,000."""
MAX_DEPTH = 64
"""How deeply a document may nest; a declaration needs about ten levels."""


def _safe_load(text: str, path: Path) -> Any:
    """The document in ``text``: composed by PyYAML's safe (C, when built) loader, then built
    into plain values here, refusing duplicate keys, recursion, alias bombs, excessive nesting
    and any non-standard tag.

    Each node is built once: an alias gives the value its anchor built (as PyYAML's own loader
    does), and how many values the document stands for is counted before anything walks it.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    scalar_node, mapping_node = yaml.ScalarNode, yaml.MappingNode

    class Loader(base):  # type: ignore[valid-type, misc]
        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            # What PyYAML's resolver answers, without its regexes where the answer is plain:
            # a quoted scalar, or a plain one whose first character starts none of YAML 1.1's
            # implicit types (bool, null, numbers, timestamps, merge, value), is a string;
            # collections without a tag are maps and sequences.
            if kind is scalar_node:
                if not implicit[0] or value in _PLAIN_WORDS:
                    return _STR
                if value and value[0] not in _IMPLICIT_FIRST:
                    return _STR
            elif implicit is True:
                return _MAP if kind is mapping_node else _SEQ
            return super().resolve(kind, value, implicit)

    loader = Loader(text)
    on_stack: set[int] = set()
    built: dict[int, tuple[Any, int]] = {}  # id(node) -> (value, values it expands to)
    trail: list[str] = []  # the keys and indexes on the way to the node being built

    def scalar(node: Any) -> Any:
        # Strings are most of a file; PyYAML's safe constructor does the other scalar types
        # (and refuses unknown tags).
        if node.tag == _STR:
            return node.value
        try:
            return loader.construct_object(node, deep=True)
        except ValueError as error:  # an integer of more digits than Python converts, say
            kind = node.tag.rpartition(":")[2]
            shown = node.value if len(node.value) <= 40 else f"{node.value[:20]}..."
            problem = f"cannot read {shown!r} as {kind}: {error}"
            if kind == "int" and "digits" in str(error):
                problem = (
                    f"an integer of {len(node.value)} digits is more than Python reads "
                    f"({sys.get_int_max_str_digits()} at most); quote it if it is text"
                )
            where = "".join(trail).lstrip(".")
            raise DeclarationError(where, problem, _mark(path, node.start_mark)) from None

    def build(node: Any, depth: int) -> tuple[Any, int]:
        if type(node) is scalar_node:
            return scalar(node), 1
        known = built.get(id(node))
        if known is not None:
            return known
        where = node.start_mark
        if id(node) in on_stack:
            raise DeclarationError("", "a YAML alias refers to itself", _mark(path, where))
        if depth > MAX_DEPTH:
            raise DeclarationError(
                "", f"the document nests deeper than {MAX_DEPTH} levels", _mark(path, where)
            )
        if node.tag not in (_MAP, _SEQ):
            raise DeclarationError("", f"YAML tag {node.tag} is not allowed", _mark(path, where))
        on_stack.add(id(node))
        try:
            value, count = (_mapping if type(node) is mapping_node else _sequence)(node, depth)
        finally:
            on_stack.discard(id(node))
        if count > MAX_VALUES:
            raise DeclarationError(
                "",
                f"this value expands to more than {MAX_VALUES:,} values through YAML aliases "
                "(each alias repeats all that its anchor holds; nested aliases multiply): "
                "refused as an alias bomb. Write the values out, or alias less deeply",
                _mark(path, where),
            )
        built[id(node)] = (value, count)
        return value, count

    def _sequence(node: Any, depth: int) -> tuple[list[Any], int]:
        out, count = [], 1
        for index, item in enumerate(node.value):
            trail.append(f"[{index}]")
            value, size = build(item, depth + 1)
            trail.pop()
            out.append(value)
            count += size
        return out, count

    def _mapping(node: Any, depth: int) -> tuple[dict[Any, Any], int]:
        explicit: dict[Any, Any] = {}
        merged: list[Any] = []
        count = 1
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:  # ``<<: *defaults`` or ``<<: [*a, *b]``
                sources = (
                    value_node.value if type(value_node) is yaml.SequenceNode else [value_node]
                )
                for source in sources:
                    if type(source) is not mapping_node:
                        raise DeclarationError(
                            "",
                            "a merge key (<<) takes a mapping or a list of mappings",
                            _mark(path, source.start_mark),
                        )
                    value, size = build(source, depth + 1)
                    merged.append(value)
                    count += size
                continue
            key, key_size = build(key_node, depth + 1)
            if key in explicit:
                raise DeclarationError(
                    "", f"duplicate key {key!r}", _mark(path, key_node.start_mark)
                )
            trail.append(f".{key}")
            explicit[key], size = build(value_node, depth + 1)
            trail.pop()
            count += key_size + size
        if not merged:
            return explicit, count
        # YAML's merge: the mapping's own keys win, then the merged mappings, earlier ones
        # first; merged keys come first, as PyYAML orders them.
        out: dict[Any, Any] = {}
        for source in merged:
            for key, value in source.items():
                out.setdefault(key, value)
        out.update(explicit)
        return out, count

    try:
        root = loader.get_single_node()
        return None if root is None else build(root, 0)[0]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = _mark(path, _within(text, mark)) if mark is not None else str(path)
        problem = f"YAML syntax error: {error.problem}"
        context = error.context_mark
        if error.context and context is not None and context is not mark:
            # Where the broken construct began ("while parsing a flow sequence"), which is
            # usually where the mistake is; PyYAML gives up only at the end of the file.
            problem += f" ({error.context} that began at {_mark(path, context)})"
        raise DeclarationError("", problem, where) from None
    except yaml.YAMLError as error:
        raise DeclarationError("", f"YAML error: {error}", str(path)) from None
    except TypeError as error:  # an unhashable key, such as a mapping used as a key
        raise DeclarationError("", f"YAML error: {error}", str(path)) from None
    except RecursionError:  # PyYAML's own composer, on a document nested thousands deep
        raise DeclarationError(
            "", f"the document nests deeper than {MAX_DEPTH} levels", str(path)
        ) from None
    finally:
        loader.dispose()


# The first characters of YAML 1.1's implicitly typed plain scalars (PyYAML's resolver table).
_IMPLICIT_FIRST = frozenset("yYnNtTfFoO-+0123456789.<~=")
# Frequent words of this format that start like an implicit type but are strings.
_PLAIN_WORDS = frozenset(
    {"Name", "TopicARN", "TrackingOptions", "TlsPolicy", "Optional", "open", "fixtures"}
)


def _mark(path: Path, mark: Any) -> str:
    return f"{path}:{mark.line + 1}:{mark.column + 1}"


class _Mark:
    def __init__(self, line: int, column: int) -> None:
        self.line, self.column = line, column


def _within(text: str, mark: Any) -> Any:
    """``mark``, or the end of the last line when PyYAML put it after the end of the file."""
    lines = text.splitlines()
    if lines and mark.line >= len(lines):
        return _Mark(len(lines) - 1, len(lines[-1]))
    return mark


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
