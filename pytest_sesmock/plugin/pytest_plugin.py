"""The pytest plugin (entry point ``pytest11``): fixture, marker, YAML beside conftest.py, options.

Every door ends in the one ``ses_mock`` fixture: the marker asks for it, YAML fixtures request it,
and all of them add their declarations to the same ``SesMock``. Precedence, lowest first:
``ses_mock_yaml`` (ini or ``--ses-mock-yaml``), ``ses_mock.yaml`` files by directory (nearer
overrides farther), markers by level (module, class, function), YAML fixtures the test requests,
and ``add_configuration_set`` calls in the test.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

from ..core.hints import take_hints
from ..core.rate_limit import RATE_LIMIT_MODES, check_rate_limit
from ..errors import DeclarationError, OptionError
from . import report
from .options import (
    Defaults,
    check_options,
    closest_choice,
    described_names,
    pop_defaults,
    push_defaults,
)

if TYPE_CHECKING:  # imported when first used: a suite that never uses the mock pays nothing
    from ..core.mock import SesMock
    from ..server import SesServer
    from ..state.declaration import Declaration, Declared

YAML_FILE_NAME = "ses_mock.yaml"
"""The file beside a conftest.py whose declarations apply to the tests at and below it."""

Layers = tuple[tuple["Declaration", ...], ...]


@dataclass(frozen=True)
class _Plan:
    """What the markers of one test ask for, checked at collection."""

    region: str | None = None
    account: str | None = None
    rate_limit: str | None = None
    assert_all_described: bool | str | tuple[str, ...] | None = None
    layers: Layers = ()
    sign_requests: bool | None = None


class _Session:
    """One pytest session's settings and the YAML files it found, each read once."""

    def __init__(self, defaults: Defaults, project: Layers, directories: dict[Path, Any]) -> None:
        self.defaults = defaults
        self.project = project
        self.directories = directories  # directory -> YamlDeclarations beside its conftest.py
        self._by_directory: dict[Path, Layers] = {}
        self._marks: dict[int, tuple[Any, Any]] = {}

    def directory_layers(self, directory: Path) -> Layers:
        """The YAML layers of a test directory: project-wide, then each directory, root first."""
        found = self._by_directory.get(directory)
        if found is None:
            files = sorted(
                (
                    path
                    for path in self.directories
                    if path == directory or path in directory.parents
                ),
                key=lambda path: len(path.parts),
            )
            found = self.project + tuple(self.directories[path].layer for path in files)
            self._by_directory[directory] = found
        return found

    def checked_mark(self, mark: Any, base: Path) -> tuple[Any, Layers]:
        """A marker's options and declaration layers, checked once per mark object."""
        cached = self._marks.get(id(mark))
        if cached is None or cached[0] is not mark:
            if mark.args:
                raise OptionError("takes keyword options only, e.g. configuration_sets=[...]")
            from .decorator import declared_layers

            options = check_options(mark.kwargs)
            layers = declared_layers(options, base)
            cached = self._marks[id(mark)] = (mark, (options, layers))
        return cached[1]


_SESSION = pytest.StashKey[_Session]()
_PLAN = pytest.StashKey[_Plan]()
# conftest YAML is found while conftest.py files register, sometimes before pytest_configure;
# its errors are raised once collection is over, as one usage error, before any test runs.
_found: weakref.WeakKeyDictionary[Any, dict[Path, Any]] = weakref.WeakKeyDictionary()
_errors: weakref.WeakKeyDictionary[Any, list[str]] = weakref.WeakKeyDictionary()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sesmock", "pytest-sesmock (SES configuration-set mock)")
    group.addoption(
        "--ses-mock-yaml",
        metavar="FILE",
        help="project-wide YAML of SES configuration sets (overrides ses_mock_yaml)",
    )
    group.addoption(
        "--ses-mock-region",
        metavar="REGION",
        help="default region of the SES mock (overrides ses_mock_region)",
    )
    group.addoption(
        "--ses-mock-rate-limit",
        choices=RATE_LIMIT_MODES,
        help="rate-limit mode of the SES mock (overrides ses_mock_rate_limit)",
    )
    parser.addini(
        "ses_mock_yaml", "project-wide YAML of SES configuration sets, relative to the ini file"
    )
    parser.addini("ses_mock_region", "default region of the SES mock")
    parser.addini("ses_mock_rate_limit", "rate-limit mode of the SES mock: off, track or enforce")
    group.addoption(
        "--ses-mock-report",
        metavar="FILE",
        help="write what the SES mocks did (calls, faults, sends, events), per test and in "
        "total, to FILE as JSON",
    )
    group.addoption(
        "--ses-mock-sign-requests",
        action="store_true",
        default=None,
        help="have botocore sign the requests the SES mock answers (overrides "
        "ses_mock_sign_requests; by default they are left unsigned, which is faster)",
    )
    parser.addini(
        "ses_mock_sign_requests",
        "have botocore sign the requests the SES mock answers (true/false; default false)",
        type="bool",
        default=None,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "ses_mock(configuration_sets=[...], identities=[...], sns_topics=[...], yaml=None, "
        "region=None, account=None, rate_limit=None, assert_all_described=None, "
        "sign_requests=None): activate "
        "pytest-sesmock for this test, with these declarations (identities and sns_topics: what "
        "the account has, checked as SES checks them); assert_all_described=True fails the test "
        "at teardown when a declared set was never described ('own': only the sets this marker "
        "declares; or a list of names); sign_requests=True has botocore "
        "sign the requests the mock answers (unsigned by default)",
    )
    try:
        region = config.getoption("ses_mock_region") or config.getini("ses_mock_region") or None
        if region is not None:
            check_options({"region": region})
        rate_limit = check_rate_limit(
            config.getoption("ses_mock_rate_limit") or config.getini("ses_mock_rate_limit") or None
        )
        project: Layers = ()
        yaml_option = config.getoption("ses_mock_yaml")
        yaml_ini = config.getini("ses_mock_yaml")
        if yaml_option or yaml_ini:
            from ..state.yaml_file import load_yaml

            base = config.invocation_params.dir if yaml_option else _ini_dir(config)
            project = (load_yaml(base / (yaml_option or yaml_ini)).layer,)
    except (OptionError, DeclarationError) as error:
        raise pytest.UsageError(f"pytest-sesmock: {error}") from None
    sign_option = config.getoption("ses_mock_sign_requests")
    sign_requests = (
        sign_option if sign_option is not None else config.getini("ses_mock_sign_requests")
    )
    defaults = Defaults(
        region=region,
        rate_limit=rate_limit,
        sign_requests=bool(sign_requests) if sign_requests is not None else None,
    )
    push_defaults(defaults)
    directories = _found.setdefault(config.pluginmanager, {})  # filled on as conftests load
    config.stash[_SESSION] = _Session(defaults, project, directories)
    report.register(config)


def _ini_dir(config: pytest.Config) -> Path:
    return config.inipath.parent if config.inipath else config.rootpath


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(_SESSION, None)
    if session is not None:
        pop_defaults(session.defaults)


@pytest.hookimpl(tryfirst=True)
def pytest_plugin_registered(plugin: object, plugin_name: str, manager: Any) -> None:
    """Read the ``ses_mock.yaml`` beside a conftest.py, and define its fixtures in that conftest.

    First among the hooks, so the fixtures exist before pytest collects the conftest's fixtures:
    they are then visible exactly like fixtures written in that conftest.py.
    """
    if not (isinstance(plugin, ModuleType) and str(plugin_name).endswith("conftest.py")):
        return
    directory = Path(plugin_name).parent
    path = directory / YAML_FILE_NAME
    if not path.is_file():
        return
    from ..state.yaml_file import load_yaml

    try:
        declarations = load_yaml(path)
    except DeclarationError as error:
        _errors.setdefault(manager, []).append(f"pytest-sesmock: {error}")
        return
    _found.setdefault(manager, {})[directory.resolve()] = declarations
    for name, declared in declarations.fixtures.items():
        if name in _BUILT_IN_NAMES:  # pytest refuses to define it at all: said at collection
            continue
        setattr(plugin, f"_ses_mock_yaml_fixture_{name}", _yaml_fixture(name, declared, path))


def _yaml_fixture(name: str, declared: tuple[Declared, ...], path: Path) -> Any:
    def add_sets(ses_mock: SesMock) -> SesMock:
        ses_mock.add_layer(declared)
        return ses_mock

    names = ", ".join(entry.configuration_set.name for entry in declared) or "no sets"
    add_sets.__doc__ = f"SES mock with {names} (pytest-sesmock, from {path})."
    add_sets.__name__ = name
    return pytest.fixture(name=name)(add_sets)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Check each marked test's markers once, and let the marker alone activate the mock."""
    errors = _errors.pop(config.pluginmanager, None) or []
    errors.extend(_fixture_name_clashes(config))
    if errors:
        raise pytest.UsageError("\n".join(errors))
    _warn_of_unread_yaml(config, items)
    mistakes: list[str] = []
    for item in items:
        if item.get_closest_marker("ses_mock") is None:
            continue
        try:
            item.stash[_PLAN] = _plan(item)
        except (OptionError, DeclarationError) as error:
            # Every marked test's mistakes at once: one run shows them all.
            mistakes.append(f"{item.nodeid}: @pytest.mark.ses_mock: {error}")
            continue
        fixturenames = getattr(item, "fixturenames", None)
        if isinstance(fixturenames, list) and "ses_mock" not in fixturenames:
            fixturenames.insert(0, "ses_mock")
    if mistakes:
        raise pytest.UsageError("\n".join(mistakes))


# What pytest provides without a fixture function of its own.
_BUILT_IN_NAMES = frozenset({"request"})


def _fixture_name_clashes(config: pytest.Config) -> list[str]:
    """A YAML fixture named like another fixture (pytest's ``tmp_path``, a plugin's, a
    conftest's) would silently replace it: a test asking for ``tmp_path`` would get a mock."""
    files = _found.get(config.pluginmanager, {})
    wanted = {
        name: declarations.path for declarations in files.values() for name in declarations.fixtures
    }
    if not wanted:
        return []
    others: dict[str, str] = {name: "pytest" for name in _BUILT_IN_NAMES}
    for plugin in config.pluginmanager.get_plugins():
        where = getattr(plugin, "__file__", None) or config.pluginmanager.get_name(plugin) or ""
        for attribute, value in list(vars(plugin).items()) if hasattr(plugin, "__dict__") else ():
            if attribute.startswith("_ses_mock_yaml_fixture_"):
                continue  # ours, from a YAML file
            marker = getattr(value, "_fixture_function_marker", None) or getattr(
                value,
                "_pytestfixturefunction",
                None,  # pytest before 8.4
            )
            if marker is not None:
                name = getattr(marker, "name", None) or getattr(value, "name", None) or attribute
                others.setdefault(str(name), str(where))
    return [
        f"pytest-sesmock: {path}: fixtures.{name}: a fixture named {name!r} is defined already "
        f"(by {others[name]}); a YAML fixture of that name would replace it for the tests below "
        "it. Choose another name."
        for name, path in sorted(wanted.items())
        if name in others
    ]


def _warn_of_unread_yaml(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Warn of a YAML file that looks like the mock's but is not read: ``ses_mock.yml``, or a
    ``ses_mock.yaml`` in a directory without ``conftest.py`` (its tests would then fail with
    ConfigurationSetDoesNotExist, far from the cause)."""
    read = set(_found.get(config.pluginmanager, {}))
    directories: set[Path] = set()
    for item in items:
        path = Path(getattr(item, "path", "") or ".").resolve()
        directories.update(
            parent
            for parent in (path.parent, *path.parent.parents)
            if parent == config.rootpath or config.rootpath in parent.parents
        )
    for directory in sorted(directories):
        misnamed = directory / "ses_mock.yml"
        if misnamed.is_file():
            _warn_at(
                misnamed,
                f"pytest-sesmock: {misnamed} is not read: the file beside a conftest.py must be "
                f"named {YAML_FILE_NAME} (with the .yaml extension)",
            )
        lonely = directory / YAML_FILE_NAME
        if lonely.is_file() and directory not in read:
            _warn_at(
                lonely,
                f"pytest-sesmock: {lonely} is not read: a {YAML_FILE_NAME} applies only beside "
                "a conftest.py (add an empty conftest.py to that directory), or name it with the "
                "ses_mock_yaml ini option or --ses-mock-yaml",
            )


def _warn_at(path: Path, message: str) -> None:
    """A configuration warning located at the file it is about (pytest's summary shows it)."""
    warnings.warn_explicit(pytest.PytestConfigWarning(message), None, str(path), 1)


_HINTS = pytest.StashKey[list[str]]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    take_hints()  # noted outside any test (at collection, say): not this test's


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    """Show the mock's hints (a set that lives in another region, say) when a test fails."""
    outcome: Any = yield
    hints = item.stash.setdefault(_HINTS, [])
    hints.extend(take_hints())
    report = outcome.get_result()
    if hints and report.failed:
        report.sections.append(("pytest-sesmock", "\n".join(f"hint: {hint}" for hint in hints)))
        hints.clear()  # shown once, in the first phase that failed


def _plan(node: Any) -> _Plan:
    """What the ``ses_mock`` markers on ``node`` and its parents ask for."""
    session = node.config.stash[_SESSION]
    chosen: dict[str, Any] = {}
    layers: list[tuple[Declaration, ...]] = []
    # Closest first: the first value of an option wins; declarations add up, farthest first.
    for marked, mark in node.iter_markers_with_node("ses_mock"):
        options, mark_layers = session.checked_mark(mark, Path(marked.path).parent)
        for option in ("region", "account", "rate_limit", "assert_all_described", "sign_requests"):
            if chosen.get(option) is None:
                chosen[option] = getattr(options, option)
        layers[:0] = mark_layers
    return _Plan(layers=tuple(layers), **chosen)


def _active_mock(request: pytest.FixtureRequest, plan: _Plan, directory: Path) -> Iterator[SesMock]:
    """One fixture body for every scope: a mock built from ``plan`` and the YAML of
    ``directory``, active while the fixture is. Inside another active mock (a wider scope's)
    it takes that mock's region, account and rate-limit mode unless the plan names its own.
    """
    from ..core.activation import innermost
    from ..core.mock import SesMock

    session = request.config.stash[_SESSION]
    outer = innermost()
    try:
        mock = SesMock(
            region=plan.region or (outer.region if outer else session.defaults.region),
            account=plan.account or (outer.account if outer else None),
            rate_limit=plan.rate_limit
            or (outer.rate_limit if outer else session.defaults.rate_limit),
            sign_requests=closest_choice(
                plan.sign_requests,
                outer.sign_requests if outer else None,
                session.defaults.sign_requests,
            ),
        )
        for layer in session.directory_layers(directory):
            mock.add_layer(layer)
        for layer in plan.layers:
            mock.add_layer(layer)
    except (DeclarationError, OptionError) as error:
        pytest.fail(f"pytest-sesmock: {error}", pytrace=False)
    with mock:
        yield mock
        report.collect(request.node, mock)
        if plan.assert_all_described:
            __tracebackhide__ = True
            mock.assert_all_described(described_names(plan.assert_all_described, plan.layers))


@pytest.fixture
def ses_mock(request: pytest.FixtureRequest) -> Iterator[SesMock]:
    """An active in-memory SES for this test; declare sets with ``add_configuration_set``."""
    plan = request.node.stash.get(_PLAN, None) or _Plan()
    yield from _active_mock(request, plan, Path(request.node.path).parent.resolve())


def _scoped(request: pytest.FixtureRequest) -> Iterator[SesMock]:
    node = request.node
    try:
        plan = _plan(node) if not isinstance(node, pytest.Session) else _Plan()
    except (OptionError, DeclarationError) as error:
        pytest.fail(f"pytest-sesmock: {node.nodeid}: @pytest.mark.ses_mock: {error}", pytrace=False)
    path = Path(node.path)
    directory = path if path.is_dir() else path.parent
    # Assertions at the end of a wide scope would fail a test that did not make the calls.
    yield from _active_mock(request, replace(plan, assert_all_described=None), directory.resolve())


@pytest.fixture(scope="class")
def class_ses_mock(request: pytest.FixtureRequest) -> Iterator[SesMock]:
    """An SES mock active for a whole test class: its state is shared by the class's tests."""
    yield from _scoped(request)


@pytest.fixture(scope="module")
def module_ses_mock(request: pytest.FixtureRequest) -> Iterator[SesMock]:
    """An SES mock active for a whole module: its state is shared by the module's tests."""
    yield from _scoped(request)


@pytest.fixture(scope="package")
def package_ses_mock(request: pytest.FixtureRequest) -> Iterator[SesMock]:
    """An SES mock active for a whole package: its state is shared by the package's tests."""
    yield from _scoped(request)


@pytest.fixture(scope="session")
def session_ses_mock(request: pytest.FixtureRequest) -> Iterator[SesMock]:
    """An SES mock active for the whole session: its state is shared by every test."""
    yield from _scoped(request)


@pytest.fixture
def ses_mock_server(ses_mock: SesMock) -> Iterator[SesServer]:
    """``ses_mock`` served over HTTP on 127.0.0.1 (``.endpoint_url``), for other processes."""
    from ..server import SesServer

    # Port 0: every test (and every xdist worker) gets a free port of its own.
    with SesServer(ses_mock, "127.0.0.1", 0) as server:
        yield server
