"""The in-memory SES store: configuration sets per (account, region), in layers."""

from __future__ import annotations

import bisect
import copy
import heapq
import itertools
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from .. import catalogue
from ..cache import BoundedCache
from ..errors import DeclarationError, SesError
from .configuration_set import ConfigurationSet
from .declaration import Declaration, DeclaredIdentity, DeclaredTopic
from .other_services import Templates
from .resources import Resources


class Context(NamedTuple):
    """Who a call is from, and when: its account and region, and the mock clock's time.

    A named tuple (immutable, and made for every call without ``object.__setattr__``).
    """

    account: str
    region: str
    now: float = 0.0


Key = tuple[str, str, str]  # (account, region, configuration set name)


def does_not_exist(name: str) -> SesError:
    """SES's error for an unknown set; the angle brackets are literal in its message."""
    return catalogue.error("ConfigurationSetDoesNotExist", name=name)


Place = tuple[str, str]  # (account, region)

STATE_LOCK = threading.RLock()
"""Held while any mock answers a call or its sets change: one call at a time, whole.

One lock for every mock, not one each: a nested mock reads its outer mock's sets, which a server
thread may be changing. Calls are pure computation under the GIL, so one lock costs no
parallelism; it makes every check-then-write (create's uniqueness and quota, a copy-on-write of a
declared set, a list while another thread creates) atomic.
"""


@dataclass(frozen=True)
class Layer:
    """One door's declarations, resolved: sets by key, identities and topics.

    ``names_at`` (sorted names per account and region) and ``places_of`` (where each name is) are
    built once per layer, so that listing and counting never walk every declared set.
    """

    configuration_sets: Mapping[Key, ConfigurationSet]
    identities: frozenset[tuple[str, str, str]]  # (account, region, identity)
    topics: frozenset[str]
    names_at: Mapping[Place, Sequence[str]] = field(default_factory=dict)
    places_of: Mapping[str, Sequence[Place]] = field(default_factory=dict)


def _layer_size(declared: Sequence[Declaration]) -> int:
    return 512 * (len(declared) + 1)  # bytes, roughly: a key, a set and its index entries


_resolved: BoundedCache[tuple[object, Layer]] = BoundedCache(256, 64 * 2**20)


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
    _resolved.put(key, (declared, out), _layer_size(declared))
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
    names_at: dict[Place, list[str]] = {}
    places_of: dict[str, list[Place]] = {}
    for set_account, set_region, name in out:
        names_at.setdefault((set_account, set_region), []).append(name)
        places_of.setdefault(name, []).append((set_account, set_region))
    return Layer(
        out,
        frozenset(identities),
        frozenset(topics),
        {place: tuple(sorted(names)) for place, names in names_at.items()},
        {name: tuple(places) for name, places in places_of.items()},
    )


class Checkpoint(NamedTuple):
    """A backend's state, as ``Backend.checkpoint`` saved it."""

    own: dict[Key, ConfigurationSet | None]
    layers: tuple[Layer, ...]
    identities: frozenset[tuple[str, str, str]]
    topics: frozenset[str]
    templates: Templates


class Backend:
    """The configuration sets of one mock, keyed by (account, region, name).

    Sets come in layers: the mock's own (``configuration_sets``), then ``layers`` declared through
    the other doors (YAML, markers; nearest first, shared between tests and never changed), then
    the backend of the mock around this one, when mocks are nested. A write copies the set into
    the mock's own layer first. A deleted set is simply removed from the mock's own layer; only
    one that would uncover a set below (declared, or the outer mock's) is kept there as ``None``,
    hiding it. So deleted sets cost nothing, however many there were.

    Listing merges the layers' sorted names lazily (a page costs its size, not the number of
    sets), and how many sets each account and region has is counted as sets come and go, not by
    walking them. Change the sets only through these methods: they keep those indexes, under
    ``STATE_LOCK``. Read them with it held too when other threads may be calling.
    """

    def __init__(self) -> None:
        self.configuration_sets: dict[Key, ConfigurationSet | None] = {}
        self.layers: list[Mapping[Key, ConfigurationSet]] = []
        self._parent: Backend | None = None
        self.resources = Resources()
        """Identities and topics the test declared (what real SES checks against)."""
        self.version = 0
        """Counts the changes of this backend's own sets and layers."""
        self._layer_indexes: list[Layer] = []
        self._own_names: dict[Place, list[str]] = {}  # sorted; sets and hiding Nones alike
        self._own_places: dict[str, set[Place]] = {}
        self._layer_counts: dict[Place, int] = {}  # distinct names in the layers, when known
        self._own_delta: dict[Place, int] = {}  # what the own layer adds to (or hides from) them
        self._parent_extra: dict[Place, tuple[tuple[int, int], int]] = {}
        self.own_templates: Templates = {}
        """Email templates the test declared (``SesMock.add_template``)."""

    # -- reading --------------------------------------------------------------------------------

    @property
    def parent(self) -> Backend | None:
        """The backend of the mock around this one (nested mocks), or None."""
        return self._parent

    @parent.setter
    def parent(self, parent: Backend | None) -> None:
        with STATE_LOCK:
            self._parent = parent
            self._parent_extra.clear()

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
        return self._parent.find(key) if self._parent is not None else None

    def get(self, context: Context, name: str) -> ConfigurationSet:
        """The set ``name`` in the caller's account and region, or ConfigurationSetDoesNotExist."""
        found = self.find((context.account, context.region, name))
        if found is None:
            raise does_not_exist(name)
        return found

    def names(self, account: str, region: str, after: str | None = None) -> Iterator[str]:
        """The names of the sets of one account and region, sorted, those after ``after`` only.

        Lazy: taking a page of them costs the page (and any hidden sets it steps over), not the
        number of sets.
        """
        place = (account, region)
        sources: list[Iterator[str]] = []
        own = self._own_names.get(place)
        if own:
            sources.append(_after(own, after))
        for layer in self._layer_indexes:
            declared = layer.names_at.get(place)
            if declared:
                sources.append(_after(declared, after))
        if self._parent is not None:
            sources.append(self._parent.names(account, region, after))
        previous = None
        for name in heapq.merge(*sources):
            if name != previous:
                previous = name
                if self.find((account, region, name)) is not None:
                    yield name

    def visible(self, account: str, region: str) -> dict[str, ConfigurationSet]:
        """Every set of one account and region, by name, the nearest layer winning."""
        out: dict[str, ConfigurationSet] = {}
        for name in self.names(account, region):
            found = self.find((account, region, name))
            assert found is not None
            out[name] = found
        return out

    def places(self) -> list[Place]:
        """Every (account, region) that has or had a set here, sorted."""
        found = set(self._own_names)
        for layer in self._layer_indexes:
            found.update(layer.names_at)
        if self._parent is not None:
            found.update(self._parent.places())
        return sorted(found)

    def placements(self, name: str) -> list[tuple[str, str]]:
        """Every (account, region) where a set called ``name`` exists (not deleted), sorted."""
        return sorted(place for place in self._places(name) if self.find((*place, name)))

    def _places(self, name: str) -> set[Place]:
        places = set(self._own_places.get(name, ()))
        for layer in self._layer_indexes:
            places.update(layer.places_of.get(name, ()))
        if self._parent is not None:
            places |= self._parent._places(name)
        return places

    def count(self, account: str, region: str) -> int:
        """How many sets one account and region has; kept as sets come and go, not counted."""
        place = (account, region)
        local = self._layer_count(place) + self._own_delta.get(place, 0)
        if self._parent is None:
            return local
        return local + self._outer_extra(place)

    def _layer_count(self, place: Place) -> int:
        known = self._layer_counts.get(place)
        if known is None:
            lists = [layer.names_at.get(place, ()) for layer in self._layer_indexes]
            lists = [names for names in lists if names]
            # One layer (the usual case) has its count ready; several are merged once.
            known = len(lists[0]) if len(lists) == 1 else len(set().union(*lists))
            self._layer_counts[place] = known
        return known

    def _outer_extra(self, place: Place) -> int:
        """How many of the outer mock's sets there are that no layer of this mock names."""
        parent = self._parent
        assert parent is not None
        stamp = (id(parent), parent.chain_version())
        known = self._parent_extra.get(place)
        if known is not None and known[0] == stamp:
            return known[1]
        account, region = place
        extra = sum(
            1 for name in parent.names(account, region) if not self._named((account, region, name))
        )
        self._parent_extra[place] = (stamp, extra)
        return extra

    def chain_version(self) -> int:
        """Changes when the sets of this backend or of any outer one change."""
        return self.version + (self._parent.chain_version() if self._parent is not None else 0)

    def _named(self, key: Key) -> bool:
        """Whether this backend's own layer or one of its layers has ``key`` (even as None)."""
        return key in self.configuration_sets or any(key in layer for layer in self.layers)

    def _local(self, key: Key) -> ConfigurationSet | None:
        """The set under ``key`` in this backend's own layers, the outer mock's left out."""
        own = self.configuration_sets
        if key in own:
            return own[key]
        for layer in self.layers:
            found = layer.get(key)
            if found is not None:
                return found
        return None

    # -- changing -------------------------------------------------------------------------------

    def checkpoint(self) -> Checkpoint:
        """What ``rollback`` returns to: the sets, layers, identities, topics and templates now."""
        with STATE_LOCK:
            return Checkpoint(
                copy.deepcopy(self.configuration_sets),
                tuple(self._layer_indexes),
                frozenset(self.resources.identities),
                frozenset(self.resources.topics),
                dict(self.own_templates),
            )

    def rollback(self, saved: Checkpoint) -> None:
        """Return to ``saved``: sets created, changed or deleted since, and layers added since,
        are forgotten (server mode's reset)."""
        with STATE_LOCK:
            self.configuration_sets = {}
            self.layers, self._layer_indexes = [], []
            self._own_names, self._own_places = {}, {}
            self._own_delta, self._layer_counts = {}, {}
            self._parent_extra.clear()
            for layer in reversed(saved.layers):  # add_layer puts each over the earlier ones
                self.add_layer(layer)
            for key, kept in copy.deepcopy(saved.own).items():
                self._change(key, kept)
            self.resources.identities = set(saved.identities)
            self.resources.topics = set(saved.topics)
            self.own_templates = dict(saved.templates)
            self.version += 1

    def add_layer(self, layer: Layer) -> None:
        """Add one door's resolved declarations below the own layer, above the earlier layers."""
        with STATE_LOCK:
            self.layers.insert(0, layer.configuration_sets)
            self._layer_indexes.insert(0, layer)
            self._layer_counts.clear()
            # What the own layer adds or hides is relative to the layers: count it again.
            self._own_delta = {}
            for key, found in self.configuration_sets.items():
                below = any(key in below for below in self.layers)
                place = (key[0], key[1])
                self._own_delta[place] = self._own_delta.get(place, 0) + (found is not None) - below
            self._parent_extra.clear()
            self.version += 1

    def declare(self, key: Key, configuration_set: ConfigurationSet) -> None:
        """Put a set declared by the test itself (``add_configuration_set``) in the own layer."""
        with STATE_LOCK:
            self._change(key, configuration_set)

    def get_for_write(self, context: Context, name: str) -> ConfigurationSet:
        """Like ``get``, but the mock's own copy, which a write may change."""
        key = (context.account, context.region, name)
        with STATE_LOCK:
            found = self.get(context, name)
            if self.configuration_sets.get(key) is not found:
                found = copy.deepcopy(found)
                self._change(key, found)
            found.revision += 1  # the caller is about to change it
            return found

    def put(self, context: Context, configuration_set: ConfigurationSet) -> None:
        """Store a new set in the mock's own layer."""
        with STATE_LOCK:
            self._change(
                (context.account, context.region, configuration_set.name), configuration_set
            )

    def delete(self, context: Context, name: str) -> None:
        """Delete ``name``, or ConfigurationSetDoesNotExist."""
        key = (context.account, context.region, name)
        with STATE_LOCK:
            self.get(context, name)
            hides = any(key in layer for layer in self.layers) or (
                self._parent is not None and self._parent.find(key) is not None
            )
            # Hiding a set below takes a None; anything else is forgotten outright.
            self._change(key, None, remove=not hides)

    def delete_all(self) -> int:
        """Delete every set, declared ones too; how many there were."""
        with STATE_LOCK:
            keys = [(*place, name) for place in self.places() for name in self.names(*place)]
            for key in keys:
                hides = any(key in layer for layer in self.layers) or (
                    self._parent is not None and self._parent.find(key) is not None
                )
                self._change(key, None, remove=not hides)
            return len(keys)

    def uncover(self, keys: Iterable[Key]) -> None:
        """Let the layers show ``keys`` again: forget the own layer's copies (or deletions) of
        them (sets declared anew replace what the API did to them)."""
        with STATE_LOCK:
            for key in keys:
                if key in self.configuration_sets:
                    self._change(key, None, remove=True)

    def _change(self, key: Key, value: ConfigurationSet | None, remove: bool = False) -> None:
        account, region, name = key
        place = (account, region)
        own = self.configuration_sets
        was_visible = self._local(key) is not None
        was_named = self._named(key)
        if remove:
            if key in own:
                del own[key]
                names = self._own_names[place]
                del names[bisect.bisect_left(names, name)]
                places = self._own_places[name]
                places.discard(place)
                if not names:
                    del self._own_names[place]
                if not places:
                    del self._own_places[name]
        else:
            if key not in own:
                bisect.insort(self._own_names.setdefault(place, []), name)
                self._own_places.setdefault(name, set()).add(place)
            own[key] = value
        self._own_delta[place] = (
            self._own_delta.get(place, 0) + (self._local(key) is not None) - was_visible
        )
        counted = self._parent_extra.get(place)
        if counted is not None and self._parent is not None and self._parent.find(key):
            # An outer set a layer of ours now names (or no longer names) counts through us.
            stamp, extra = counted
            self._parent_extra[place] = (stamp, extra + was_named - self._named(key))
        self.version += 1


def _after(names: Sequence[str], after: str | None) -> Iterator[str]:
    """The names of a sorted sequence that sort after ``after`` (all when None)."""
    start = 0 if after is None else bisect.bisect_right(names, after)
    return itertools.islice(names, start, None)
