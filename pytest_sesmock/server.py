"""Server mode's public import path: ``from pytest_sesmock.server import SesServer``."""

from __future__ import annotations

from .adapters.server import MAX_BODY, MAX_CONNECTIONS, MAX_HEADER, SesServer

__all__ = ["MAX_BODY", "MAX_CONNECTIONS", "MAX_HEADER", "SesServer"]
