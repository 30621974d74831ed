"""Which clients the mock answers, what it leaves to others, and that nothing leaves the process."""

from __future__ import annotations

import os
import socket
from typing import Any

import boto3
import botocore.session
import pytest
from botocore import handlers
from conftest import marketing

import pytest_sesmock
from pytest_sesmock import NotMockedError, SesMock
from pytest_sesmock.adapters import botocore as interception
from pytest_sesmock.adapters.environment import FAKE_ACCESS_KEY_ID


def _name(client: Any) -> str:
    return str(
        client.describe_configuration_set(ConfigurationSetName="marketing")["ConfigurationSet"][
            "Name"
        ]
    )


def test_clients_and_sessions_created_before_activation_are_served() -> None:
    session = boto3.session.Session(region_name="us-east-1")
    early_client = session.client("ses")
    with SesMock() as mock:
        mock.add_configuration_set(marketing())
        assert _name(early_client) == "marketing"
        assert _name(session.client("ses")) == "marketing"
        assert _name(botocore.session.get_session().create_client("ses", "us-east-1")) == (
            "marketing"
        )


def _unhooked_client() -> Any:
    """A client as if created before pytest_sesmock was imported: without our handlers."""
    client = boto3.client("ses", region_name="us-east-1")
    for event, handler in interception._HANDLERS:
        client.meta.events.unregister(event, handler)
    return client


def test_patch_client_covers_a_client_created_before_import(ses_mock: SesMock) -> None:
    ses_mock.add_configuration_set(marketing())
    client = _unhooked_client()
    with pytest.raises(NotMockedError, match=r"ses_mock\.patch_client\(client\)"):
        client.describe_configuration_set(ConfigurationSetName="marketing")
    assert ses_mock.patch_client(client) is client
    ses_mock.patch_client(client)  # twice is harmless
    assert _name(client) == "marketing"


def test_install_is_idempotent(ses_mock: SesMock, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest_sesmock.adapters.install()
    pytest_sesmock.adapters.install()
    ours = [
        spec
        for spec in handlers.BUILTIN_HANDLERS
        if spec[1] in (interception.on_before_send, interception.on_before_sign)
    ]
    assert len(ours) == 4  # before-send and before-sign, for ses and sesv2
    ses_mock.add_configuration_set(marketing())
    seen: list[str] = []
    original = ses_mock.pipeline.answer
    monkeypatch.setattr(
        ses_mock.pipeline,
        "answer",
        lambda request, *a, **kw: seen.append("x") or original(request, *a, **kw),
    )
    assert _name(boto3.client("ses", region_name="us-east-1")) == "marketing"
    assert seen == ["x"]


def test_inert_while_no_mock_is_active() -> None:
    assert interception.active == []
    assert interception.on_before_send(request=object()) is None


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record and refuse every attempt to open a network connection."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise AssertionError(f"network connection attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_no_request_leaves_the_process(ses_mock: SesMock, no_sockets: list[Any]) -> None:
    ses_mock.add_configuration_set(marketing())
    ses = boto3.client("ses", region_name="us-east-1")
    assert _name(ses) == "marketing"
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException):
        ses.describe_configuration_set(ConfigurationSetName="missing")
    with pytest.raises(NotMockedError, match="SES operation ListIdentities is not mocked"):
        ses.list_identities()
    with pytest.raises(NotMockedError, match=r"POST https://sqs\.us-east-1\.amazonaws\.com/"):
        boto3.client("sqs", region_name="us-east-1").list_queues()
    with pytest.raises(NotMockedError, match="ListIdentities is not mocked"):
        _unhooked_client().list_identities()
    assert no_sockets == []


def test_unserved_operation_fails_at_once_naming_it(ses_mock: SesMock, ses: Any) -> None:
    with pytest.raises(NotMockedError) as caught:
        ses.verify_email_identity(EmailAddress="a@example.com")
    message = str(caught.value)
    assert message.startswith(
        "SES operation VerifyEmailIdentity is not mocked by pytest-sesmock (it serves "
    )
    assert "DescribeConfigurationSet, ListConfigurationSets, " in message
    assert message.endswith(") and no other in-process mock answered it; the request was not sent.")


def test_moto_answers_what_we_do_not_serve(ses_mock: SesMock) -> None:
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        ses_mock.add_configuration_set(marketing())
        ses = boto3.client("ses", region_name="us-east-1")
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="reports")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["reports"]
        ses.verify_email_identity(EmailAddress="a@example.com")  # moto's
        assert ses.list_identities()["Identities"] == ["a@example.com"]
        out = ses.describe_configuration_set(  # ours: moto would drop this section
            ConfigurationSetName="marketing", ConfigurationSetAttributeNames=["reputationOptions"]
        )
        assert out["ReputationOptions"] == {
            "SendingEnabled": True,
            "ReputationMetricsEnabled": False,
        }


def test_moto_alone_is_left_alone() -> None:
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        ses = boto3.client("ses", region_name="us-east-1")
        ses.create_configuration_set(ConfigurationSet={"Name": "in-moto"})
        assert ses.describe_configuration_set(ConfigurationSetName="in-moto")[
            "ConfigurationSet"
        ] == {"Name": "in-moto"}


def test_fake_credentials_when_none_resolve(ses: Any) -> None:
    assert "AWS_ACCESS_KEY_ID" not in os.environ
    early = boto3.client("ses", region_name="us-east-1")  # no credentials at all
    with SesMock() as mock:
        mock.add_configuration_set(marketing())
        assert _name(early) == "marketing"
        assert os.environ["AWS_ACCESS_KEY_ID"] == FAKE_ACCESS_KEY_ID
        assert boto3.session.Session().get_credentials() is not None  # no network lookup
    assert "AWS_ACCESS_KEY_ID" not in os.environ
    assert "AWS_SECRET_ACCESS_KEY" not in os.environ


def test_real_credentials_are_left_alone_and_not_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALUSERKEY00000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real/secret/never/stored")
    authorizations: list[bytes | None] = []
    ses = boto3.client("ses", region_name="us-east-1")
    # A more specific event runs before the mock's handler (later ones are skipped once it
    # answered), so this one sees every request the mock reads.
    ses.meta.events.register(
        "before-send.ses.DescribeConfigurationSet",
        lambda request, **_: authorizations.append(request.headers.get("Authorization")),
    )
    for sign in (False, True):
        with SesMock(sign_requests=sign) as mock:
            mock.add_configuration_set(marketing())
            assert _name(ses) == "marketing"
            assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAREALUSERKEY00000"
            assert "real/secret" not in repr(vars(mock))
    assert os.environ["AWS_SECRET_ACCESS_KEY"] == "real/secret/never/stored"
    unsigned, signed = authorizations
    assert unsigned is None  # by default nothing is signed: no key at all on the request
    assert signed is not None
    assert FAKE_ACCESS_KEY_ID in signed.decode()  # signing asked for: with the fake key


def test_stop_is_idempotent_and_start_twice_is_refused() -> None:
    mock = SesMock()
    mock.start()
    with pytest.raises(RuntimeError, match="already active"):
        mock.start()
    mock.stop()
    mock.stop()
    assert interception.active == []
