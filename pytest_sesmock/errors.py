"""The exceptions pytest-sesmock raises, and the SES error it answers on the wire.

Every exception pytest-sesmock raises for a mistake or a refusal is a ``SesMockError``; each also
derives from the standard exception it always was (``ValueError``, ``RuntimeError``), so existing
``except ValueError`` clauses keep working. ``SesError`` is not raised to callers: it is an answer
on the wire, which botocore turns into its own ``ClientError``.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable, Mapping


class SesMockError(Exception):
    """Base of the exceptions pytest-sesmock raises: ``except SesMockError`` catches them all."""


class DeclarationError(SesMockError, ValueError):
    """A configuration-set declaration is not valid.

    The message names the place (``EventDestinations[1].SNSDestination``) and what is allowed.
    ``path`` holds that place on its own, ``""`` for the declaration as a whole; ``location`` is
    ``file:line:column`` for a declaration read from YAML, else ``None``.
    """

    def __init__(self, path: str, problem: str, location: str | None = None) -> None:
        self.path = path
        self.problem = problem
        self.location = location
        where = ": ".join(part for part in (location, path) if part)
        super().__init__(f"{where}: {problem}" if where else problem)

    def within(self, prefix: str, location: str | None = None) -> DeclarationError:
        """The same error, its path seen from an enclosing document (``configuration_sets[2]``)."""
        if not self.path:
            path = prefix
        elif self.path.startswith("["):
            path = prefix + self.path
        else:
            path = f"{prefix}.{self.path}" if prefix else self.path
        return DeclarationError(path, self.problem, location or self.location)


class NotMockedError(SesMockError, RuntimeError):
    """A request would have left the process while a mock was active.

    Raised for an SES operation that pytest-sesmock does not serve and no other in-process mock
    answered, and for any other request that would have reached the network.
    """


class OptionError(SesMockError, ValueError):
    """An option of the marker, of ``mock_ses``, of the ini file or of the command line is unknown
    or has a bad value; the message names the closest known option or the values allowed."""


class UnknownNameError(SesMockError, ValueError):
    """A name a test typed (operation, parameter, error code, event type, filter, outcome) that
    pytest-sesmock does not know; the message names the closest one that it knows."""


class NotTheMocks(Exception):
    """Raised by an operation for a request that is not the mock's to answer after all (tags of
    a resource other than a configuration set): the pipeline leaves it to whoever else answers
    it in-process (moto), and records nothing."""


class SesError(Exception):
    """An error that SES answers on the wire; the serializer turns it into an ErrorResponse."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        key: str | None = None,
        fields: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.key = key
        """The catalogue entry it was made from (None: injected by a test)."""
        self.fields: Mapping[str, object] = fields or {}
        """What filled its message in; another API's entry may say it its own way."""

    @property
    def fault(self) -> str:
        """``Sender`` for a 4xx answer, ``Receiver`` for a 5xx one, as the Query protocol says."""
        return "Receiver" if self.status >= 500 else "Sender"


def shown(value: object) -> str:
    """``repr(value)`` for a message: short, however long, deeply nested or self-referring the
    value is (a plain ``repr`` of a list nested 100,000 deep raises ``RecursionError``)."""
    return _REPR.repr(value)


class _ShortRepr(reprlib.Repr):
    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 4
        self.maxstring = self.maxother = 120
        self.maxlist = self.maxtuple = self.maxdict = self.maxset = 8


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"; did you mean 'X'?"``, or ``"."`` when nothing is close: the end of a sentence."""
    import difflib  # only for a mistake's message

    choices = list(known)
    found = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    if not found:  # the same name in another case (describeconfigurationset)
        lowered = {choice.lower(): choice for choice in choices}
        found = [lowered[m] for m in difflib.get_close_matches(name.lower(), list(lowered), n=1)]
    return f"; did you mean {found[0]!r}?" if found else "."


_REPR = _ShortRepr()
