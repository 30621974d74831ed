"""What differs between a YAML file and the account (``--check``), set by set and field by field.

Both sides are compared as declarations made from answers: the account's answers, and the
answers the mock gives once it has loaded the file. So a hand-written file is compared by what
tests see, not by how it is spelled, and the places named are those of the snapshot's format
(``EventDestinations['to-sns'].Enabled``). When two declarations agree but the answers still
differ (where the format cannot say it), the answers' own fields are named.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .declarations import declaration, plain
from .reading import SetAnswers

Key = tuple[str, str]
"""(region, set name)."""


@dataclass(frozen=True)
class SetDrift:
    """One set that differs: ``added`` (only in the account), ``removed`` (only in the file) or
    ``changed`` (with one line per field that differs)."""

    region: str
    name: str
    kind: str
    changes: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """How ``--check`` prints it."""
        where = f"{self.region}/{self.name}"
        if self.kind == "added":
            return [f"added: {where} (in the account, not in the file)"]
        if self.kind == "removed":
            return [f"removed: {where} (in the file, not in the account)"]
        return [f"changed: {where}", *(f"  {change}" for change in self.changes)]


def compare(
    file_side: Mapping[Key, SetAnswers], account_side: Mapping[Key, SetAnswers]
) -> list[SetDrift]:
    """The sets that differ, sorted by region and name."""
    out: list[SetDrift] = []
    for key in sorted(set(file_side) | set(account_side)):
        region, name = key
        in_file, in_account = file_side.get(key), account_side.get(key)
        if in_file is None:
            out.append(SetDrift(region, name, "added"))
        elif in_account is None:
            out.append(SetDrift(region, name, "removed"))
        else:
            changes = set_changes(name, in_file, in_account)
            if changes:
                out.append(SetDrift(region, name, "changed", tuple(changes)))
    return out


def set_changes(name: str, in_file: SetAnswers, in_account: SetAnswers) -> list[str]:
    """Lines naming each field of set ``name`` that differs."""
    file_declaration, file_v2 = declaration(name, in_file)
    account_declaration, account_v2 = declaration(name, in_account)
    if file_v2 != account_v2:
        # A section spelled one way on one side and the other way on the other: compare both in
        # v2's spelling, so that a change shows as itself, not as a different spelling.
        both = file_v2 | account_v2
        file_declaration, _ = declaration(name, in_file, spell_v2=both)
        account_declaration, _ = declaration(name, in_account, spell_v2=both)
    changes = differences(file_declaration, account_declaration, "", ("the file", "the account"))
    if changes:
        return changes
    return answer_differences(in_file, in_account, ("the file", "the account"))


def answer_differences(left: SetAnswers, right: SetAnswers, sides: tuple[str, str]) -> list[str]:
    """Lines naming each field of the three answers that differs, prefixed by the operation."""
    out: list[str] = []
    ours, theirs = left.by_operation(), right.by_operation()
    for operation, answer in ours.items():
        out.extend(
            f"{operation} {line}"
            for line in differences(plain(answer), plain(theirs[operation]), "", sides)
        )
    return out


def differences(left: Any, right: Any, path: str, sides: tuple[str, str]) -> list[str]:
    """One line per place where ``left`` (in ``sides[0]``) and ``right`` differ."""
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        out: list[str] = []
        for key in [*left, *(k for k in right if k not in left)]:
            inner = f"{path}.{key}" if path else str(key)
            if key not in right:
                out.append(f"{inner}: {show(left[key])} in {sides[0]}; not in {sides[1]}")
            elif key not in left:
                out.append(f"{inner}: not in {sides[0]}; {show(right[key])} in {sides[1]}")
            else:
                out.extend(differences(left[key], right[key], inner, sides))
        return out
    if path.endswith("EventDestinations") and _named(left) and _named(right):
        return _destinations(left, right, path, sides)
    if left == right:
        return []
    return [f"{path}: {show(left)} in {sides[0]}, {show(right)} in {sides[1]}"]


def _named(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, Mapping) and "Name" in item for item in value
    )


def _destinations(
    left: list[Mapping[str, Any]], right: list[Mapping[str, Any]], path: str, sides: tuple[str, str]
) -> list[str]:
    """Event destinations matched by name (unique within a set), not by position."""
    ours = {item["Name"]: item for item in left}
    theirs = {item["Name"]: item for item in right}
    out: list[str] = []
    for name in [*ours, *(n for n in theirs if n not in ours)]:
        inner = f"{path}[{name!r}]"
        if name not in theirs:
            out.append(f"{inner}: {show(ours[name])} in {sides[0]}; not in {sides[1]}")
        elif name not in ours:
            out.append(f"{inner}: not in {sides[0]}; {show(theirs[name])} in {sides[1]}")
        else:
            out.extend(differences(ours[name], theirs[name], inner, sides))
    if not out and list(ours) != list(theirs):
        out.append(
            f"{path}: the same destinations in another order: {show(list(ours))} in "
            f"{sides[0]}, {show(list(theirs))} in {sides[1]}"
        )
    return out


def show(value: Any) -> str:
    """A value on one line, as JSON (which YAML reads too)."""
    return json.dumps(plain(value), ensure_ascii=False)
