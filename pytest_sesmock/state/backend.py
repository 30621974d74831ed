"""The in-memory SES store: configuration sets per (account, region), in layers."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import catalogue
from ..errors import DeclarationError, SesError
from .configuration_set import ConfigurationSet
from .declaration import Declaration, DeclaredIdentity, DeclaredTopic
from .known import Known

if TYPE_CHECKING:
    from ..sending.templates import Templates


@dataclass(frozen=True)
class Context:
    """Who a call is from, and when: its account and region, and the mock clock's time."""

    account: str
    region: str
    now: float = 0.0
    defer: bool = False
    """Another in-process mock (moto) answers this send once the set is checked."""


Key = tuple[str, str, str]  # (account, region, configuration set name)


def does_not_exist(name: str) -> SesError:
    """SES's error for an unknown set; the angle brackets are literal in its message."""
    return catalogue.error("ConfigurationSetDoesNotExist", name=name)


@dataclass(frozen=True)
class Layer:
    """One door's declarations, resolved: sets by key, identities and topics."""

    configuration_sets: Mapping[Key, ConfigurationSet]
    identities: frozenset[tuple[str, str, str]]  # (account, region, identity)
    topics: frozenset[str]


_resolved: dict[tuple[int, str, str], tuple[object, Layer]] = {}
_RESOLVED_KEPT = 256


def resolve(declared: Sequence[Declaration], region: str, account: str) -> Layer:
    """Key declarations by (account, region, name), the defaults filling in what they left open.

    Two declarations of one set in the same source are an error, whichever door they came from.
    The doors hand the same (checked-once) tuple to every test, so the keyed layer is kept and
    shared: a test's set-up costs nothing per declared set.
    """
    key = (id(declared), region, account)
    cached = _resolved.get(key)
    if cached is not None and cached[0] is declared:
        return cached[1]
    out = _resolve(declared, region, account)
    if len(_resolved) >= _RESOLVED_KEPT:
        _resolved.pop(next(iter(_resolved)))
    _resolved[key] = (declared, out)
    return out


def _resolve(declared: Iterable[Declaration], region: str, account: str) -> Layer:
    out: dict[Key, ConfigurationSet] = {}
    identities: set[tuple[str, str, str]] = set()
    topics: set[str] = set()
    for entry in declared:
        if isinstance(entry, DeclaredIdentity):
            identities.add((entry.account or account, entry.region or region, entry.identity))
            continue
        if isinstance(entry, DeclaredTopic):
            topics.add(entry.arn)
            continue
        key = (entry.account or account, entry.region or region, entry.configuration_set.name)
        if key in out:
            raise DeclarationError(
                "Name",
                f"configuration set {key[2]!r} is declared twice for account {key[0]}, "
                f"region {key[1]}",
            )
        out[key] = entry.configuration_set
    return Layer(out, frozenset(identities), frozenset(topics))


class Backend:
    """The configuration sets of one mock, keyed by (account, region, name).

    Sets come in layers: the mock's own (``configuration_sets``), then ``layers`` declared through
    the other doors (YAML, markers; nearest first, shared between tests and never changed), then
    the backend of the mock around this one, when mocks are nested. A write copies the set into
    the mock's own layer first; a deleted set is kept there as ``None``, hiding the layers below.
    """

    def __init__(self) -> None:
        self.configuration_sets: dict[Key, ConfigurationSet | None] = {}
        self.layers: list[Mapping[Key, ConfigurationSet]] = []
        self.parent: Backend | None = None
        self.known = Known()
        """Identities and topics the test declared (what real SES checks against)."""
        self.own_templates: Templates = {}
        """Email templates the test declared (``SesMock.add_template``)."""

    @property
    def templates(self) -> Templates:
        """Every declared template, this mock's over the one it is nested in."""
        if self.parent is None:
            return self.own_templates
        return {**self.parent.templates, **self.own_templates}

    def find(self, key: Key) -> ConfigurationSet | None:
        """The set under ``key`` in the nearest layer that has it, or None."""
        own = self.configuration_sets
        if key in own:
            return own[key]
        for layer in self.layers:
            found = layer.get(key)
            if found is not None:
                return found
        return self.parent.find(key) if self.parent is not None else None

    def get(self, context: Context, name: str) -> ConfigurationSet:
        """The set ``name`` in the caller's account and region, or ConfigurationSetDoesNotExist."""
        found = self.find((context.account, context.region, name))
        if found is None:
            raise does_not_exist(name)
        return found

    def get_for_write(self, context: Context, name: str) -> ConfigurationSet:
        """Like ``get``, but the mock's own copy, which a write may change."""
        key = (context.account, context.region, name)
        found = self.get(context, name)
        if self.configuration_sets.get(key) is not found:
            found = self.configuration_sets[key] = copy.deepcopy(found)
        found.revision += 1  # the caller is about to change it
        return found

    def put(self, context: Context, configuration_set: ConfigurationSet) -> None:
        """Store a new set in the mock's own layer."""
        self.configuration_sets[(context.account, context.region, configuration_set.name)] = (
            configuration_set
        )

    def delete(self, context: Context, name: str) -> None:
        """Delete ``name``, or ConfigurationSetDoesNotExist."""
        self.get(context, name)
        self.configuration_sets[(context.account, context.region, name)] = None

    def visible(self, account: str, region: str) -> dict[str, ConfigurationSet]:
        """Every set of one account and region, by name, the nearest layer winning."""
        out = self.parent.visible(account, region) if self.parent is not None else {}
        for layer in [*reversed(self.layers), self.configuration_sets]:
            for (set_account, set_region, name), found in layer.items():
                if set_account == account and set_region == region:
                    if found is None:
                        out.pop(name, None)
                    else:
                        out[name] = found
        return out

    def placements(self, name: str) -> list[tuple[str, str]]:
        """Every (account, region) where a set called ``name`` exists (not deleted), sorted."""
        keys = {
            (account, region)
            for source in self._sources()
            for (account, region, found_name) in source
            if found_name == name
        }
        return sorted(key for key in keys if self.find((*key, name)) is not None)

    def _sources(self) -> list[Mapping[Key, ConfigurationSet | None]]:
        own: list[Mapping[Key, ConfigurationSet | None]] = [self.configuration_sets, *self.layers]
        return own + (self.parent._sources() if self.parent is not None else [])

    def count(self, account: str, region: str) -> int:
        """How many sets one account and region has."""
        return len(self.visible(account, region))
