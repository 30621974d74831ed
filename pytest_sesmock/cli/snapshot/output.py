"""The snapshot as ``ses_mock.yaml`` text, and writing it without ever leaving half a file.

The text depends only on what SES answered (and the header's command and date), so the same
account gives the same bytes: sets sorted by region and name, members in the model's order,
no request ids, no credentials, no ``account`` key (a test's mock answers for its own account;
ARNs inside a set, an SNS topic's say, are the set's own data and stay).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

HEADER = """\
# Configuration sets read from Amazon SES by pytest-sesmock's snapshot command:
#   {command}
# on {day} (UTC), {where}: {count}.
# Run it again to refresh this file; add --check {file} to compare it with the account.
"""


def render(
    declarations: Iterable[Mapping[str, Any]],
    regions: list[str],
    *,
    command: str,
    day: date,
    file: str = "FILE",
) -> str:
    """The YAML document: a header comment, then the declarations sorted by region and name.

    With one region it is the file's ``region``; with several, each declaration names its own.
    """
    import yaml

    ordered = sorted(declarations, key=lambda d: (str(d.get("region", "")), str(d["Name"])))
    document: dict[str, Any] = {}
    if len(regions) == 1:
        document["region"] = regions[0]
    document["configuration_sets"] = ordered
    count = f"{len(ordered)} configuration set" + ("" if len(ordered) == 1 else "s")
    where = "from " + (regions[0] if len(regions) == 1 else ", ".join(sorted(regions)))
    body = yaml.dump(
        document,
        Dumper=_dumper(),
        sort_keys=False,  # the model's order, kept by declarations.plain
        default_flow_style=False,
        allow_unicode=True,
        width=1 << 16,  # never fold a long value (an ARN, a tag) across lines: diffs stay clean
    )
    return (
        HEADER.format(command=command, day=day.isoformat(), where=where, count=count, file=file)
        + body
    )


_DUMPER: Any = None


def _dumper() -> Any:
    """PyYAML's safe dumper, indenting lists under their key and writing lists of plain values
    (``MatchingEventTypes``) on one line, as the README's examples are written."""
    global _DUMPER
    if _DUMPER is not None:
        return _DUMPER
    import yaml

    class Dumper(yaml.SafeDumper):
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
            return super().increase_indent(flow, False)

    def represent_list(dumper: Any, items: list[Any]) -> Any:
        flat = all(not isinstance(item, (dict, list)) for item in items)
        return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flat)

    Dumper.add_representer(list, represent_list)
    _DUMPER = Dumper
    return Dumper


def check_writable(path: Path) -> str | None:
    """Why ``path`` cannot be written (its directory missing or read-only), or None."""
    directory = path.parent
    if not directory.is_dir():
        return f"directory {directory} does not exist"
    if path.is_dir():
        return f"{path} is a directory"
    if not os.access(directory, os.W_OK | os.X_OK):
        return f"directory {directory} is not writable"
    return None


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory, renamed over
    it: readers see the old file or the new one, never a part, and a failure leaves no trace.
    """
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _mode(path))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _mode(path: Path) -> int:
    """The mode a file written in place would have: the old file's, else the umask's."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
