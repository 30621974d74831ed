"""``python -m pytest_sesmock snapshot``: a real account's configuration sets as ``ses_mock.yaml``.

Imported only when the command runs. For each region (``--region``, repeatable; else the
profile's or the environment's) it lists every set (``ListConfigurationSets``, every page), keeps
those matching ``--name`` (shell-style patterns, repeatable), and reads each completely:
``DescribeConfigurationSet`` with all four attribute names, ``GetConfigurationSet`` and
``GetConfigurationSetEventDestinations`` (``reading``). Credentials are the user's, resolved by
botocore as usual (``--profile``, the environment, SSO, ...). It only reads.

Pacing (``pacing``): each operation is called at most once a second in each region, SES's
documented rate for DescribeConfigurationSet, so 200 sets take about 200 s; throttling is
retried with backoff, without limit. Progress goes to stderr (``progress``).

The declarations (``declarations``, where the spelling is decided and documented) are written
as YAML (``output``): to stdout, or with ``--output FILE`` through a temporary file renamed over
FILE, only once everything was read. The file is then loaded into an in-process mock and read
back (``replay``); a set whose answers would differ from the account's is named in a warning.
``--check FILE`` compares FILE with the account instead (``drift``) and writes nothing.

Exit statuses: 0 done (``--check``: no differences); 1 ``--check`` found differences; 2 a bad
argument or file (an unknown region or profile, an unreadable ``--check`` file, an ``--output``
that cannot be written, a ``--name`` that matches nothing); 3 the account could not be read (no
credentials, access denied, an endpoint that does not answer, any other SES error); 130
interrupted. Every failure is one line on stderr, and no file is written.
"""

from __future__ import annotations

import argparse
import functools
import os
import shlex
import sys
from collections.abc import Sequence
from datetime import date, datetime, timezone
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from botocore import exceptions as boto
from botocore.session import Session

from ...errors import DeclarationError, did_you_mean
from .failure import ACCOUNT, DRIFT, INTERRUPTED, USAGE, SnapshotError
from .progress import Progress
from .reading import Reader, SetAnswers

PROG = "python -m pytest_sesmock snapshot"
BROKEN_PIPE = 141  # 128 + SIGPIPE, as shells report a reader that went away

Key = tuple[str, str]


def run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Run the command (``args`` parsed from ``argv``); returns the exit status."""
    progress = Progress()
    try:
        return _run(args, argv, progress)
    except SnapshotError as error:
        progress.note(f"{PROG}: error: {' '.join(error.message.split())}")
        return error.status
    except KeyboardInterrupt:
        progress.note(f"{PROG}: interrupted; nothing written")
        return INTERRUPTED
    except BrokenPipeError:
        # stdout closed early (``| head``): nobody is reading; leave quietly, as shell tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE


def _run(args: argparse.Namespace, argv: Sequence[str], progress: Progress) -> int:
    patterns: list[str] = args.name
    for pattern in patterns:
        if not pattern:
            raise SnapshotError("--name: the pattern is empty", USAGE)
    output = Path(args.output) if args.output else None
    if output is not None:
        from .output import check_writable

        if problem := check_writable(output):
            raise SnapshotError(f"--output {args.output}: {problem}", USAGE)
    checked = _load(args.check) if args.check else None

    session = _session(args.profile)
    default_region: str | None = session.get_config_variable("region")
    regions = _regions(args.region, checked, default_region, session)
    _require_credentials(session, args.profile)

    from urllib.parse import urlsplit

    from ...protocols.endpoint import is_aws_host
    from .pacing import Pacer

    # SES's pace is AWS's: a local endpoint is read as fast as it answers (unless --pace), and
    # still waits when it answers Throttling.
    url = args.endpoint_url
    local = url is not None and not is_aws_host(urlsplit(url).hostname) and not args.pace
    reader = Reader(session, endpoint_url=url, pacer=Pacer(0.0) if local else Pacer())
    listed: dict[str, list[str]] = {}
    for region in regions:
        names = reader.list_names(region, functools.partial(progress.listing, region))
        listed[region] = sorted(names)
    file_names = {name for _, name in _file_keys(checked, default_region)} if checked else set()
    _require_matches(patterns, [n for names in listed.values() for n in names], file_names)

    answers: dict[Key, SetAnswers] = {}
    for region in regions:
        chosen = [name for name in listed[region] if _matches(name, patterns)]
        progress.start(region)
        read = 0
        for done, name in enumerate(chosen):
            progress.reading(region, done, len(chosen))
            found = reader.read(region, name)
            if found is None:
                progress.note(f"{region}/{name}: deleted while the snapshot ran; left out")
                continue
            answers[(region, name)] = found
            read += 1
        progress.finished(region, read, len(listed[region]), reader.throttled.get(region, 0))

    if checked is not None:
        return _check(args.check, checked, regions, answers, patterns, default_region, progress)
    return _snapshot(args, argv, output, regions, answers, progress)


# -- arguments ---------------------------------------------------------------------------------


def _session(profile: str | None) -> Session:
    try:
        session = Session(profile=profile)
        session.get_scoped_config()  # an unknown profile is refused here, not at the first call
    except boto.ProfileNotFound:
        # Named by --profile, else by the environment (AWS_PROFILE): say which, so it is found.
        name = profile or os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE")
        given = "--profile" if profile else "AWS_PROFILE"
        known = _profiles()
        raise SnapshotError(
            f"{given} {name!r}: no such profile in the AWS config and credentials files"
            f"{did_you_mean(str(name), known)}",
            USAGE,
        ) from None
    except boto.BotoCoreError as error:
        raise SnapshotError(f"cannot read the AWS configuration: {_line(error)}", USAGE) from None
    return session


def _profiles() -> list[str]:
    """The profiles of the AWS config and credentials files, as botocore reads them."""
    try:
        return list(Session(profile="default").full_config.get("profiles", {}))
    except boto.BotoCoreError:
        return []


def _regions(
    given: list[str], checked: Any, default_region: str | None, session: Session
) -> list[str]:
    """The regions to read, in order, without repeats; each one botocore knows."""
    regions = list(dict.fromkeys(given))
    if not regions and checked is not None:
        regions = sorted({region for region, _ in _file_keys(checked, default_region)})
    if not regions and default_region:
        regions = [default_region]
    if not regions:
        raise SnapshotError(
            "no region: give --region REGION (repeat it for more), or set AWS_DEFAULT_REGION "
            "or the profile's region",
            USAGE,
        )
    known = _known_regions(session)
    for region in regions:
        if region not in known:
            import botocore

            raise SnapshotError(
                f"--region {region!r} is not an AWS region botocore {botocore.__version__} "
                f"knows{did_you_mean(region, sorted(known))}",
                USAGE,
            )
    return regions


def _known_regions(session: Session) -> set[str]:
    endpoints = session.get_data("endpoints") or {}
    return {region for part in endpoints.get("partitions", ()) for region in part["regions"]}


def _require_credentials(session: Session, profile: str | None) -> None:
    """Fail before the first call when botocore finds no credentials (or cannot get them)."""
    where = f"profile {profile!r}" if profile else "the environment, config files or SSO"
    try:
        credentials = session.get_credentials()
    except boto.BotoCoreError as error:
        raise SnapshotError(f"cannot get AWS credentials from {where}: {_line(error)}") from None
    if credentials is None:
        raise SnapshotError(
            f"no AWS credentials found in {where}: set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, choose a profile with --profile or AWS_PROFILE, or run "
            "'aws sso login'",
            ACCOUNT,
        )


def _matches(name: str, patterns: list[str]) -> bool:
    return not patterns or any(fnmatchcase(name, pattern) for pattern in patterns)


def _require_matches(patterns: list[str], names: list[str], file_names: set[str]) -> None:
    """A ``--name`` that matches no set anywhere is a mistake, not an empty snapshot."""
    everything = [*names, *sorted(file_names)]
    for pattern in patterns:
        if not any(fnmatchcase(name, pattern) for name in everything):
            raise SnapshotError(
                f"--name {pattern!r} matches no configuration set"
                f"{did_you_mean(pattern, everything)}",
                USAGE,
            )


def _load(path: str) -> Any:
    from ...state.yaml_file import load_yaml

    try:
        loaded = load_yaml(path)
    except DeclarationError as error:
        raise SnapshotError(f"--check: {error}", USAGE) from None
    accounts = {d.account for d in loaded.configuration_sets if d.account}
    if len(accounts) > 1:
        raise SnapshotError(
            f"--check: {path} declares sets in accounts {', '.join(sorted(accounts))}; "
            "a check compares one account",
            USAGE,
        )
    return loaded


def _file_keys(loaded: Any, default_region: str | None) -> list[Key]:
    fallback = default_region or "us-east-1"
    return [(d.region or fallback, d.configuration_set.name) for d in loaded.configuration_sets]


# -- snapshot ----------------------------------------------------------------------------------


def _snapshot(
    args: argparse.Namespace,
    argv: Sequence[str],
    output: Path | None,
    regions: list[str],
    answers: dict[Key, SetAnswers],
    progress: Progress,
) -> int:
    from .declarations import declaration
    from .output import render, write_atomically

    several = len(regions) > 1
    declared = [
        declaration(name, found, region=region if several else None)[0]
        for (region, name), found in answers.items()
    ]
    text = render(
        declared,
        regions,
        command=_command(argv),
        day=_today(),
        file=args.output or "FILE",
    )
    _verify(text, output, regions, answers, progress)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    try:
        write_atomically(output, text)
    except OSError as error:
        raise SnapshotError(f"--output {args.output}: {error.strerror or error}", USAGE) from None
    return 0


def _verify(
    text: str,
    output: Path | None,
    regions: list[str],
    answers: dict[Key, SetAnswers],
    progress: Progress,
) -> None:
    """Load the file into a mock and read it back; warn about every set it would not answer
    exactly as the account did (a difference between SES and the mock, not a file error)."""
    from ...state.yaml_file import parse_yaml
    from .drift import answer_differences
    from .replay import replay

    loaded = parse_yaml(text, output or Path("<stdout>"))
    replayed = replay(loaded.configuration_sets, answers, region=regions[0])
    for (region, name), found in answers.items():
        back = replayed.get((region, name))
        if back is None:
            progress.note(f"warning: {region}/{name}: the mock does not load this set back")
            continue
        changes = answer_differences(back, found, ("the mock", "SES"))
        if changes:
            more = f" (and {len(changes) - 1} more)" if len(changes) > 1 else ""
            progress.note(
                f"warning: {region}/{name}: loaded into the mock, the file will not answer "
                f"exactly what SES answered: {changes[0]}{more}"
            )


def _command(argv: Sequence[str]) -> str:
    """The command line that made the file, for its header (a URL's password left out)."""
    shown = [_without_password(arg) for arg in argv]
    return f"python -m pytest_sesmock {shlex.join(shown)}"


def _without_password(arg: str) -> str:
    parts = urlsplit(arg)
    if not (parts.scheme and parts.netloc and "@" in parts.netloc):
        return arg
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _today() -> date:
    """Today in UTC, or the day ``SOURCE_DATE_EPOCH`` names (reproducible builds' convention)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc).date()
    return datetime.now(timezone.utc).date()


# -- check -------------------------------------------------------------------------------------


def _check(
    path: str,
    loaded: Any,
    regions: list[str],
    answers: dict[Key, SetAnswers],
    patterns: list[str],
    default_region: str | None,
    progress: Progress,
) -> int:
    from .drift import compare
    from .replay import replay

    keys = _file_keys(loaded, default_region)
    elsewhere = sorted({region for region, _ in keys if region not in regions})
    if elsewhere:
        progress.note(
            f"note: {path} also declares sets in {', '.join(elsewhere)}, not checked "
            "(not among --region)"
        )
    keys = [key for key in keys if key[0] in regions and _matches(key[1], patterns)]
    account = next((d.account for d in loaded.configuration_sets if d.account), None)
    replayed = replay(loaded.layer, keys, region=default_region or "us-east-1", account=account)
    drifts = compare(replayed, answers)
    for drift in drifts:
        for line in drift.lines():
            print(line)
    total = len(set(replayed) | set(answers))
    counted = f"{total} configuration set{'' if total == 1 else 's'} in {', '.join(regions)}"
    if not drifts:
        print(f"{path} matches the account: {counted}")
        return 0
    kinds = {kind: sum(d.kind == kind for d in drifts) for kind in ("added", "removed", "changed")}
    summary = ", ".join(f"{count} {kind}" for kind, count in kinds.items() if count)
    print(f"{path} differs from the account: {summary} (of {counted})")
    return DRIFT


def _line(error: object) -> str:
    return " ".join(str(error).split())
