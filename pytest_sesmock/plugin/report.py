"""What the SES mocks of a session did, at a glance: a terminal summary and ``--ses-mock-report``.

Each fixture's mock hands its records over when its scope ends (``collect``): a test's
``ses_mock`` under the test's node id, a class, module, package or session mock under that
node's id (``<session>`` for the session's). A call made under a test's mock nested in a wider
one counts once, for the test. Under pytest-xdist each worker sends its entries to the
controller in ``workeroutput``; the controller adds them up, prints the summary and writes the
JSON file.

Verbosity: the section is printed when a call was made; ``-q`` prints one line of totals, ``-qq``
nothing.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ..core.mock import SesMock

OPTION = "ses_mock_report"
_WORKER_KEY = "pytest_sesmock_report"
_SESSION_ID = "<session>"

Entry = dict[str, Any]
"""One test's (or scope's) numbers: the JSON file's shape, see ``empty_entry``."""


def empty_entry() -> Entry:
    return {
        "calls": {},
        "throttled": 0,
        "faults_fired": 0,
        "sends": 0,
        "events": {"published": 0, "not_published": {}},
        "declared_never_read": [],
    }


def add_to(total: Entry, entry: Entry) -> None:
    """Add ``entry``'s numbers to ``total`` (sets never read: the union, in order)."""
    calls: Counter[str] = Counter(total["calls"])
    calls.update(entry["calls"])
    total["calls"] = dict(sorted(calls.items()))
    for key in ("throttled", "faults_fired", "sends"):
        total[key] += entry[key]
    total["events"]["published"] += entry["events"]["published"]
    why: Counter[str] = Counter(total["events"]["not_published"])
    why.update(entry["events"]["not_published"])
    total["events"]["not_published"] = dict(sorted(why.items()))
    total["declared_never_read"] = list(
        dict.fromkeys([*total["declared_never_read"], *entry["declared_never_read"]])
    )


class Report:
    """The entries of one session, by node id, and what the summary prints of them."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.entries: dict[str, Entry] = {}
        # Records of a wider mock (by id) -> what mocks nested in it already counted. The records
        # are kept alive with their claims, so an id is never another object's meanwhile.
        self._claimed: dict[int, tuple[Any, set[int], list[Any]]] = {}

    # -- gathering ---------------------------------------------------------------------------

    def collect(self, node: Any, mock: SesMock) -> None:
        records = mock.pipeline.records
        claimed = self._claimed.pop(id(records), None)
        taken: set[int] = claimed[1] if claimed is not None else set()

        def fresh(items: list[Any]) -> list[Any]:
            return [item for item in items if id(item) not in taken]

        calls, messages, events = fresh(mock.calls), fresh(mock.messages), fresh(mock.events)
        entry = empty_entry()
        entry["calls"] = dict(sorted(Counter(f"{c.api}:{c.operation}" for c in calls).items()))
        entry["throttled"] = sum(1 for call in calls if call.throttled)
        entry["faults_fired"] = mock.faults.fired
        entry["sends"] = len(messages)
        why: Counter[str] = Counter()
        for event in events:
            if event.delivery == "published":
                entry["events"]["published"] += 1
            else:
                why[event.delivery.removeprefix("not published: ")] += 1
        entry["events"]["not_published"] = dict(sorted(why.items()))
        entry["declared_never_read"] = [
            f"{account}/{region}/{name}" for account, region, name in mock.never_described()
        ]
        self.add(node.nodeid or _SESSION_ID, entry)
        # The mocks around this one saw the same records: they count them no more.
        for outer in records.chain[1:]:
            _, ids, kept = self._claimed.setdefault(id(outer), (outer, set(), []))
            for item in (*calls, *messages, *events):
                ids.add(id(item))
                kept.append(item)

    def add(self, nodeid: str, entry: Entry) -> None:
        if nodeid in self.entries:  # one module's mock on two xdist workers, say
            add_to(self.entries[nodeid], entry)
        else:
            self.entries[nodeid] = entry

    def total(self) -> Entry:
        total = empty_entry()
        for entry in self.entries.values():
            add_to(total, entry)
        return total

    # -- pytest hooks --------------------------------------------------------------------------

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """xdist's controller: a worker is done; add what its mocks did."""
        output = getattr(node, "workeroutput", None) or {}
        for nodeid, entry in output.get(_WORKER_KEY, {}).items():
            self.add(nodeid, entry)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self._claimed.clear()
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:  # an xdist worker: the controller reports
            workeroutput[_WORKER_KEY] = self.entries
            return
        path = self.config.getoption(OPTION, None)
        if path:
            write_json(self.config.invocation_params.dir / path, self.as_json())

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if hasattr(self.config, "workerinput"):
            return
        total = self.total()
        count = sum(total["calls"].values())
        verbosity = self.config.getoption("verbose", 0)  # -q is -1 (get_verbosity: pytest 8)
        if count == 0 or verbosity < -1:
            return
        if verbosity == -1:
            terminalreporter.write_line(f"pytest-sesmock: {headline(total, len(self.entries))}")
            return
        terminalreporter.write_sep("-", "pytest-sesmock")
        for line in summary_lines(total, len(self.entries)):
            terminalreporter.write_line(line)

    def as_json(self) -> dict[str, Any]:
        return {"tests": dict(sorted(self.entries.items())), "total": self.total()}


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _scopes(tests: int) -> str:
    return _count(tests, "test or scope", "tests or scopes")


def headline(total: Entry, tests: int) -> str:
    """The totals on one line (``-q``)."""
    events = total["events"]
    return ", ".join(
        [
            f"{_count(sum(total['calls'].values()), 'SES call', 'SES calls')} in {_scopes(tests)}",
            f"{total['throttled']} throttled",
            _count(total["faults_fired"], "fault fired", "faults fired"),
            _count(total["sends"], "send", "sends"),
            _count(events["published"], "event published", "events published"),
            f"{sum(events['not_published'].values())} not published",
            _count(
                len(total["declared_never_read"]),
                "declared set never read",
                "declared sets never read",
            ),
        ]
    )


def summary_lines(total: Entry, tests: int) -> list[str]:
    """The section's lines: calls by API and operation, then the other counts."""
    calls = total["calls"]
    lines = [f"SES calls: {sum(calls.values())} in {_scopes(tests)}"]
    width = max(len(name) for name in calls)
    lines.extend(f"  {name:<{width}}  {count}" for name, count in calls.items())
    lines.append(f"throttled calls: {total['throttled']}")
    lines.append(f"faults fired: {total['faults_fired']}")
    lines.append(f"sends: {total['sends']}")
    events = total["events"]
    why = events["not_published"]
    lines.append(f"events: {events['published']} published, {sum(why.values())} not published")
    lines.extend(f"  not published, {reason}: {count}" for reason, count in why.items())
    never = total["declared_never_read"]
    lines.append(f"declared sets never read: {len(never)}")
    lines.extend(f"  {key}" for key in never)
    return lines


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` to ``path`` whole or not at all: a temporary file beside it, renamed."""
    import json
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=2)
            file.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_REPORT = pytest.StashKey[Report]()


def register(config: pytest.Config) -> None:
    """Start gathering for this session (from the plugin's ``pytest_configure``)."""
    report = Report(config)
    config.stash[_REPORT] = report
    config.pluginmanager.register(report, "pytest-sesmock-report")


def collect(node: Any, mock: SesMock) -> None:
    """Hand a fixture's mock over as its scope ends (``node``: the fixture's test or scope)."""
    report = node.config.stash.get(_REPORT, None)
    if report is not None:
        report.collect(node, mock)
