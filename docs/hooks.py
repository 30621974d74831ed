"""MkDocs hook: the error catalogue page is rendered from the catalogue in the code.

``docs/errors.md`` holds the placeholder below; at build time it is replaced by the table that
``pytest_sesmock.catalogue.markdown()`` renders, so the page cannot drift from what the mock
answers.
"""

from __future__ import annotations

from typing import Any

PLACEHOLDER = "<!-- error catalogue -->"


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    if PLACEHOLDER not in markdown:
        return markdown
    from pytest_sesmock import catalogue

    return markdown.replace(PLACEHOLDER, catalogue.markdown())
