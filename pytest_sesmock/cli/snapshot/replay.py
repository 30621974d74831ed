"""What the mock answers once it has loaded declarations: the other side of every comparison.

The declarations are loaded into an in-process ``SesMock`` (no rate limit), which is started,
and each set is read with the same ``Reader`` and the same calls as the account was, through
botocore clients that the active mock answers. Only call this once the account has been read:
while a mock is active, no request reaches AWS.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from botocore.session import Session

from ...state.declaration import Declaration
from .reading import Reader, SetAnswers

Key = tuple[str, str]
# Any key signs a request the mock answers; these never leave the process.
_CREDENTIALS = ("AKIDSNAPSHOTREPLAY", "not-a-secret")


def replay(
    layer: Sequence[Declaration],
    keys: Iterable[Key],
    *,
    region: str,
    account: str | None = None,
) -> dict[Key, SetAnswers]:
    """The answers of the mock that loaded ``layer``, for each (region, name) of ``keys`` it has.

    ``region`` and ``account`` are the defaults of declarations that name none.
    """
    from ...core.mock import SesMock

    mock = SesMock(region=region, account=account, rate_limit="off")
    mock.add_layer(layer)
    reader = Reader(Session(), credentials=_CREDENTIALS)
    out: dict[Key, SetAnswers] = {}
    with mock:
        for key in keys:
            answers = reader.read(*key)
            if answers is not None:
                out[key] = answers
    return out
