"""The command line, ``pytest-sesmock`` or ``python -m pytest_sesmock``: ``serve`` (the SES mock
as a local HTTP server, for other processes) and ``snapshot`` (a real account's configuration
sets as ``ses_mock.yaml``; its code is in ``cli.snapshot``, imported only when it runs).

The endpoint URL is the first line on stdout (flushed at once), so a script can start the server
with ``--port 0`` and read the port it got. SIGINT and SIGTERM stop it gracefully: it stops
accepting connections, answers the requests in flight (``STOP_TIMEOUT`` seconds at most), closes
the rest and exits with status 0.
Bad arguments and bad YAML are one line on stderr and exit status 2; a port that cannot be
listened on, exit status 1. ``snapshot``'s exit statuses are in its module's docstring.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType
from typing import Any, NoReturn

from ..core.mock import SesMock
from ..core.rate_limit import RATE_LIMIT_MODES
from ..errors import DeclarationError, OptionError
from ..server import DEFAULT_STORE_SIZE, SesServer
from ..state.yaml_file import load_yaml

PROG = "python -m pytest_sesmock"


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors on one line (a script reads them; nobody scrolls)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number from 0 to 65535")
    return port


MAX_STORE_SIZE = 100_000
"""The largest ``--store-size``: beyond it, the store would cost more than it shows."""


def _store_size(text: str) -> int:
    try:
        size = int(text)
    except ValueError:
        size = -1
    if not 1 <= size <= MAX_STORE_SIZE:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a store size from 1 to {MAX_STORE_SIZE:,}"
        )
    return size


def _host(text: str) -> str:
    """An address to listen on: an IP address of this machine's kind, or a name that resolves."""
    import socket

    try:
        socket.getaddrinfo(text, None, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError):
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither an IP address nor a host name that resolves"
        ) from None
    return text


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="pytest-sesmock outside pytest: the SES mock as a local server, and "
        "snapshots of a real account's configuration sets as YAML.",
    )
    # Subparsers are built with the parent's class, so their errors are one line too.
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="serve SES's Query API and SES v2 (configuration-set operations) over HTTP",
        description=(
            "Serve SES's Query API for the configuration-set operations over HTTP, from one "
            "in-memory SES. Prints the endpoint URL as the first line of stdout; stop it with "
            "Ctrl-C or SIGTERM (requests in flight are answered first). Point the AWS CLI or an "
            "SDK at it with --endpoint-url URL."
        ),
    )
    serve.add_argument(
        "--host",
        type=_host,
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1)",
    )
    serve.add_argument(
        "--port", type=_port, default=0, help="port to listen on (default: 0, any free port)"
    )
    serve.add_argument(
        "--yaml",
        action="append",
        default=[],
        metavar="FILE",
        help="YAML file of configuration sets, as beside conftest.py (its configuration_sets; "
        "repeat for more files, a later one overriding an earlier one)",
    )
    serve.add_argument(
        "--region",
        help="default region of declarations and of requests whose region cannot be told "
        "(default: AWS_DEFAULT_REGION, else AWS_REGION, else the profile's region, else us-east-1)",
    )
    serve.add_argument(
        "--rate-limit",
        choices=RATE_LIMIT_MODES,
        help="rate-limit mode: off, track (default) or enforce",
    )
    serve.add_argument(
        "--log-requests",
        action="store_true",
        help="write a line per request to stderr: HTTP's, then the API, operation, region, set "
        "name, error code and a hint",
    )
    serve.add_argument(
        "--store-size",
        type=_store_size,
        default=DEFAULT_STORE_SIZE,
        metavar="N",
        help="keep the newest N messages and calls, and 4N events, for /_sesmock/ and the inbox "
        f"page; older ones are dropped and counted (default: {DEFAULT_STORE_SIZE}, at most "
        f"{MAX_STORE_SIZE:,})",
    )
    _add_snapshot(commands)
    return parser


def _add_snapshot(commands: Any) -> None:
    snapshot = commands.add_parser(
        "snapshot",
        help="write a real account's configuration sets as ses_mock.yaml (reads only)",
        description=(
            "Read every configuration set of an SES account (DescribeConfigurationSet with all "
            "four attribute names, and SES v2's GetConfigurationSet and event destinations) and "
            "write them in the ses_mock.yaml format, sorted and stable. Only reads; paced at "
            "one call a second per operation and region (SES's documented rate), throttling "
            "retried. Credentials are botocore's usual ones (environment, profile, SSO)."
        ),
    )
    snapshot.add_argument(
        "--region",
        action="append",
        default=[],
        metavar="REGION",
        help="a region to read; repeat for more (default: the profile's or AWS_DEFAULT_REGION; "
        "with --check, the regions of the file)",
    )
    snapshot.add_argument("--profile", help="the AWS profile to use (default: botocore's choice)")
    snapshot.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="send the calls to URL instead of SES's endpoint (a local SES, such as 'serve')",
    )
    target = snapshot.add_mutually_exclusive_group()
    target.add_argument(
        "--output",
        metavar="FILE",
        help="write the YAML to FILE, replacing it only once everything was read "
        "(default: standard output)",
    )
    target.add_argument(
        "--check",
        metavar="FILE",
        help="compare FILE with the account instead of writing; exit status 1 when they differ",
    )
    snapshot.add_argument(
        "--name",
        action="append",
        default=[],
        metavar="PATTERN",
        help="only sets whose name matches PATTERN (shell-style: *, ?, [abc]); repeat for more",
    )
    snapshot.add_argument(
        "--pace",
        action="store_true",
        help="pace at SES's rate (one call a second per operation and region) even against "
        "--endpoint-url; by default only AWS's endpoints are paced, and a local one (serve, a "
        "test double) is read as fast as it answers (its Throttling is still waited out)",
    )


def _fail(message: str, status: int) -> int:
    # Multi-line messages (a YAML problem, say) are folded: callers expect one line.
    print(f"{PROG} serve: error: {' '.join(message.split())}", file=sys.stderr, flush=True)
    return status


def script() -> int:
    """The ``pytest-sesmock`` console script."""
    return main(prog="pytest-sesmock")


def main(argv: Sequence[str] | None = None, prog: str = PROG) -> int:
    """Run the command line; returns the exit status."""
    global PROG
    PROG = prog
    args = _parser().parse_args(argv)
    if args.command == "snapshot":
        from .snapshot import run

        return run(args, sys.argv[1:] if argv is None else list(argv))
    try:
        mock = SesMock(region=args.region, rate_limit=args.rate_limit)
    except (DeclarationError, OptionError) as error:
        return _fail(f"--region: {error}", 2)
    count = 0
    for path in args.yaml:
        try:
            loaded = load_yaml(path)
        except DeclarationError as error:
            return _fail(f"--yaml: {error}", 2)
        mock.add_layer(loaded.layer)
        count += len(loaded.configuration_sets)

    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    # Before listening: a script may signal the moment it has read the URL.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    server = SesServer(
        mock, args.host, args.port, log_requests=args.log_requests, store_size=args.store_size
    )
    try:
        server.start()
    except OSError as error:
        return _fail(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}", 1)
    except ValueError as error:  # an address this machine cannot listen on
        return _fail(str(error), 2)
    try:
        print(server.endpoint_url, flush=True)
        print(
            f"pytest-sesmock: serving SES at {server.endpoint_url} ({count} configuration set(s) "
            f"declared, default region {mock.region}, rate limit {mock.rate_limit}); "
            f"inbox at {server.endpoint_url}_sesmock/; stop with Ctrl-C or SIGTERM",
            file=sys.stderr,
            flush=True,
        )
        # A timed wait: the OS may deliver the signal to a server thread, and Python then runs
        # the handler in this (main) thread only once it wakes up.
        while not stopping.wait(0.2):
            pass
    finally:
        server.stop()
    return 0
