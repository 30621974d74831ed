"""Acting on a library the moment code imports it, without importing it ourselves.

A mock that starts before ``requests`` or aiobotocore is imported must still cover them from
their first call; importing them eagerly would cost every suite that never uses them. A finder on
``sys.meta_path`` lets the module load as usual, then calls back once it has fully executed.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from collections.abc import Callable
from typing import Any


def when_imported(name: str, imported: Callable[[], None]) -> Callable[[], None]:
    """Call ``imported`` once module ``name`` is loaded (now, if it is); returns an undo."""
    if name in sys.modules:
        imported()
        return _nothing
    watcher = _ImportWatcher(name, imported)
    sys.meta_path.insert(0, watcher)
    return watcher.forget


def _nothing() -> None:
    pass


class _ImportWatcher(importlib.abc.MetaPathFinder):
    """Calls back once one module has been imported (its module fully executed)."""

    def __init__(self, name: str, imported: Callable[[], None]) -> None:
        self._name = name
        self._imported = imported

    def forget(self) -> None:
        if self in sys.meta_path:
            sys.meta_path.remove(self)

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != self._name:
            return None
        sys.meta_path.remove(self)  # let the other finders find the real module; once only
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        loader, imported = spec.loader, self._imported

        class Loader(importlib.abc.Loader):
            def create_module(self, spec: Any) -> Any:
                return loader.create_module(spec)

            def exec_module(self, module: Any) -> None:
                loader.exec_module(module)
                imported()

        spec.loader = Loader()
        return spec
