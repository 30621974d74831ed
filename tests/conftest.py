"""Shared test set-up: an AWS environment that is empty and cannot reach real credentials."""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import pkgutil
import threading
from collections.abc import Callable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest

# Imported here, before any pytester run. pytester's inline runs drop, when they end, every module
# first imported during the run, and a later test that imports it again gets a second copy. PyYAML's
# C extension cannot be imported twice into a fresh ``yaml`` package, and moto's SNS signs with
# ``cryptography``, whose second copy has no registered hash algorithms (every event a later test
# publishes fails). pytest-sesmock's own modules keep what must be one in the modules the plugin
# loads with itself, but a test that patches a module (a limit of ``state.configuration_sets``, a
# class of ``protocols.rest_json``) must patch the copy the mock uses, so they are loaded first
# too: a suite that does not patch them needs none of this.
import yaml  # noqa: F401

import pytest_sesmock
from pytest_sesmock.adapters import moto as _moto_reader


def _load_what_a_run_may_import() -> None:
    for found in pkgutil.walk_packages(pytest_sesmock.__path__, "pytest_sesmock."):
        if not found.name.endswith("__main__"):  # it runs the command line
            importlib.import_module(found.name)
    if importlib.util.find_spec("moto") is None:
        return
    # The services moto loads lazily on their first call, as the tests and examples call them.
    for service in ("ses", "sesv2", "sns", "sqs", "s3", "events", "firehose", "cloudwatch", "sts"):
        for part in ("models", "responses", "urls"):
            importlib.import_module(f"moto.{service}.{part}")
    importlib.import_module("moto.moto_api._internal.models")
    importlib.import_module("moto.iam.access_control")
    assert _moto_reader.stubber() is not None  # what the mock reads of moto is loaded now


_load_what_a_run_may_import()

_AWS_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
)


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests see no credentials, profiles or regions of the machine they run on."""
    for name in _AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    empty = tmp_path_factory.getbasetemp() / "no-aws"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def ses() -> Any:
    """A boto3 SES client in us-east-1, created inside the test."""
    return boto3.client("ses", region_name="us-east-1")


@pytest.fixture
def raw_bodies() -> Callable[[Any], list[bytes]]:
    """Attach to a client; returns the list the raw XML bodies it receives are appended to."""

    def attach(client: Any) -> list[bytes]:
        bodies: list[bytes] = []

        def keep(response: Any, **_: Any) -> None:
            if response is not None:  # (http response, parsed); None after a connection error
                bodies.append(response[0].content)

        # needs-retry sees every attempt's raw response, in every supported botocore.
        client.meta.events.register("needs-retry.ses", keep)
        return bodies

    return attach


def marketing(**sections: Any) -> dict[str, Any]:
    """A declaration of the set ``marketing`` with the given sections."""
    return {"Name": "marketing", **sections}


SNS_DESTINATION = {
    "Name": "to-sns",
    "Enabled": True,
    "MatchingEventTypes": ["send", "bounce"],
    "SNSDestination": {"TopicARN": "arn:aws:sns:us-east-1:123456789012:ses-events"},
}

ALL_ATTRIBUTES = ["eventDestinations", "trackingOptions", "deliveryOptions", "reputationOptions"]

HERE = Path(__file__).parent


Records = list[tuple[str, str, "str | None"]]
"""What a local service was asked: (method, path, Authorization header) of each request."""


def paths(records: Records) -> list[str]:
    """The paths a local service was asked for, in order."""
    return [path for _, path, _ in records]


class _LocalHandler(BaseHTTPRequestHandler):
    answers: Mapping[str, bytes]
    seen: Records

    def _answer(self) -> None:
        self.seen.append((self.command, self.path, self.headers.get("Authorization")))
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = self.answers[self.command]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *_: Any) -> None:
        pass


@contextlib.contextmanager
def local_http_service(answers: Mapping[str, bytes]) -> Iterator[tuple[str, Records]]:
    """A local HTTP service on 127.0.0.1 (not AWS: the mock leaves it alone): it answers each
    method with its body in ``answers`` and records (method, path, Authorization) of each
    request. Yields (its URL, those records)."""
    seen: Records = []
    handler = type("Handler", (_LocalHandler,), {"answers": answers, "seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()
