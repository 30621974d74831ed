"""``mock_ses``: the mock as a decorator and a context manager, with or without pytest."""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar, overload

from ..core import activation
from ..core.mock import SesMock
from ..errors import DeclarationError
from ..state.declaration import Declaration, parse_entry, parse_identities, parse_topics
from .options import Options, check_options, closest_choice, current_defaults, described_names

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


@overload
def mock_ses(target: F, /) -> F: ...
@overload
def mock_ses(
    *,
    configuration_sets: Sequence[Any] = (),
    identities: Sequence[str] = (),
    sns_topics: Sequence[str] = (),
    yaml: str | Path | None = None,
    region: str | None = None,
    account: str | None = None,
    rate_limit: str | None = None,
    assert_all_described: bool | str | Sequence[str] | None = None,
    sign_requests: bool | None = None,
) -> MockSes: ...


def mock_ses(target: Any = None, /, **options: Any) -> Any:
    """Activate an SES mock around a block, a function (sync or async), or each test of a class.

    ``@mock_ses`` (bare, as moto users write ``@mock_aws``) and ``@mock_ses()`` are the same.
    Takes the same options as the ``ses_mock`` marker, with the same defaults:
    ``configuration_sets`` (declarations), ``yaml`` (a file, relative to the file that calls
    ``mock_ses``), ``region``, ``account``, ``rate_limit``, ``assert_all_described`` and
    ``sign_requests``.
    Declarations and the YAML file are checked here, once. Each activation is a fresh
    ``SesMock``; inside another active mock it sees that mock's sets too, and its own disappear
    when it ends. ``with mock_ses() as ses:`` gives the ``SesMock``; a decorated function reaches
    it with ``pytest_sesmock.current_mock()``.
    """
    caller = Path(sys._getframe(1).f_code.co_filename).parent
    if target is None:
        check_options(options)  # unknown names refused with the closest one, before anything
        return MockSes(caller, **options)
    if options:
        raise TypeError("mock_ses takes either a function or class to decorate, or options")
    return MockSes(caller)(target)


class MockSes:
    """What ``mock_ses(...)`` returns: a decorator and a (reentrant) context manager."""

    def __init__(
        self,
        base: Path,
        *,
        configuration_sets: Sequence[Any] = (),
        identities: Sequence[str] = (),
        sns_topics: Sequence[str] = (),
        yaml: str | Path | None = None,
        region: str | None = None,
        account: str | None = None,
        rate_limit: str | None = None,
        assert_all_described: bool | str | Sequence[str] | None = None,
        sign_requests: bool | None = None,
    ) -> None:
        given = {
            "configuration_sets": configuration_sets,
            "identities": identities,
            "sns_topics": sns_topics,
            "yaml": yaml,
            "region": region,
            "account": account,
            "rate_limit": rate_limit,
            "assert_all_described": assert_all_described,
            "sign_requests": sign_requests,
        }
        self.options = check_options({k: v for k, v in given.items() if v is not None})
        self.layers = declared_layers(self.options, base)
        self._entered: list[Any] = []

    @contextmanager
    def activate(self) -> Iterator[SesMock]:
        """One activation: a fresh ``SesMock``, started, stopped on the way out whatever happens."""
        outer = activation.innermost()
        defaults = current_defaults()
        mock = SesMock(
            region=self.options.region or (outer.region if outer else defaults.region),
            account=self.options.account or (outer.account if outer else None),
            rate_limit=self.options.rate_limit
            or (outer.rate_limit if outer else defaults.rate_limit),
            sign_requests=closest_choice(
                self.options.sign_requests,
                outer.sign_requests if outer else None,
                defaults.sign_requests,
            ),
        )
        for layer in self.layers:
            mock.add_layer(layer)
        with mock:
            yield mock
            if self.options.assert_all_described:  # only when the block itself succeeded
                mock.assert_all_described(
                    described_names(self.options.assert_all_described, self.layers)
                )

    def __enter__(self) -> SesMock:
        context = self.activate()
        mock = context.__enter__()
        self._entered.append(context)
        return mock

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._entered.pop().__exit__(kind, error, traceback)

    @overload
    def __call__(self, target: type[T]) -> type[T]: ...
    @overload
    def __call__(self, target: Callable[..., T]) -> Callable[..., T]: ...

    def __call__(self, target: Any) -> Any:
        """Decorate a function, a coroutine function or a class."""
        if inspect.isclass(target):
            return self._decorate_class(target)
        if inspect.iscoroutinefunction(target):

            @functools.wraps(target)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self.activate():
                    return await target(*args, **kwargs)

            return run_async
        if not callable(target):
            raise TypeError(f"mock_ses decorates functions and classes, not {target!r}")

        @functools.wraps(target)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self.activate():
                return target(*args, **kwargs)

        return run

    def _decorate_class(self, cls: type[T]) -> type[T]:
        # Only a class of a loaded unittest can be a TestCase: no need to import it ourselves.
        unittest = sys.modules.get("unittest")
        if unittest is not None and issubclass(cls, unittest.TestCase):
            # Active from setUp to the last cleanup, so fixtures built in setUp are mocked too.
            set_up: Any = getattr(cls, "setUp")  # noqa: B009 - cls is typed as any class

            def setUp(case: Any) -> None:
                context = self.activate()
                context.__enter__()
                case.addCleanup(context.__exit__, None, None, None)
                set_up(case)

            setattr(cls, "setUp", setUp)  # noqa: B010 - mypy refuses assigning to a method
            return cls
        for name, attribute in list(vars(cls).items()):
            if name.startswith("test") and inspect.isfunction(attribute):
                setattr(cls, name, self(attribute))
        return cls


def declared_layers(options: Options, base: Path) -> tuple[tuple[Declaration, ...], ...]:
    """The checked layers of one door's options: its YAML file first, then its own."""
    layers: list[tuple[Declaration, ...]] = []
    if options.yaml is not None:
        from ..state.yaml_file import load_yaml

        layers.append(load_yaml(base / options.yaml).layer)
    entries: list[Declaration] = []
    mistakes: list[DeclarationError] = []
    for index, spec in enumerate(options.configuration_sets):
        try:
            entries.append(parse_entry(spec))
        except DeclarationError as error:
            mistakes.append(error.within(f"configuration_sets[{index}]"))
    for parse in (
        lambda: parse_identities(options.identities, "identities"),
        lambda: parse_topics(options.sns_topics, "sns_topics"),
    ):
        try:
            entries.extend(parse())
        except DeclarationError as error:
            mistakes.append(error)
    if len(mistakes) == 1:
        raise mistakes[0]
    if mistakes:  # every mistake of the door at once, not one run per typo
        raise DeclarationError(
            "", f"{len(mistakes)} mistakes:\n" + "\n".join(f"  {error}" for error in mistakes)
        )
    if entries:
        layers.append(tuple(entries))
    return tuple(layers)
