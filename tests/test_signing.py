"""Requests the mock answers are left unsigned (nobody checks the signature); the opt-out signs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from conftest import ALL_ATTRIBUTES, SNS_DESTINATION, Records, local_http_service, marketing
from moto import mock_aws

from pytest_sesmock import SesMock, mock_ses
from pytest_sesmock.adapters.environment import FAKE_ACCESS_KEY_ID


def authorizations(client: Any, operation: str) -> list[bytes | None]:
    """The Authorization header of every request ``client`` sends for ``operation``.

    A handler on the operation's own event runs before the mock's (which ends the event once it
    has answered), so it sees exactly what the mock reads.
    """
    seen: list[bytes | None] = []
    service = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register(
        f"before-send.{service}.{operation}",
        lambda request, **_: seen.append(request.headers.get("Authorization")),
    )
    return seen


def _calls(ses: Any, sesv2: Any) -> list[Any]:
    """The same calls, for comparing their answers signed and unsigned."""
    out = [
        ses.describe_configuration_set(
            ConfigurationSetName="marketing", ConfigurationSetAttributeNames=ALL_ATTRIBUTES
        ),
        ses.list_configuration_sets(),
        sesv2.get_configuration_set(ConfigurationSetName="marketing"),
        sesv2.get_configuration_set_event_destinations(ConfigurationSetName="marketing"),
    ]
    with pytest.raises(ses.exceptions.ConfigurationSetDoesNotExistException) as missing:
        ses.describe_configuration_set(ConfigurationSetName="missing")
    with pytest.raises(sesv2.exceptions.NotFoundException) as missing_v2:
        sesv2.get_configuration_set(ConfigurationSetName="missing")
    out += [missing.value.response, missing_v2.value.response]
    for answer in out:
        answer["ResponseMetadata"].pop("RequestId")
        answer["ResponseMetadata"].pop("HTTPHeaders")
    return out


def test_unsigned_by_default_and_every_answer_unchanged() -> None:
    answers = {}
    for sign in (False, True):
        with SesMock(region="us-east-1", sign_requests=sign) as mock:
            mock.set_rate_limit(per_second=None)
            mock.add_configuration_set(marketing(EventDestinations=[SNS_DESTINATION]))
            ses = boto3.client("ses", region_name="us-east-1")
            sesv2 = boto3.client("sesv2", region_name="us-east-1")
            v1_seen = authorizations(ses, "DescribeConfigurationSet")
            v2_seen = authorizations(sesv2, "GetConfigurationSet")
            answers[sign] = _calls(ses, sesv2)
            records = [(c.api, c.operation, c.region, c.status, c.error_code) for c in mock.calls]
        if sign:
            assert all(seen is not None for seen in v1_seen + v2_seen)
            assert all(FAKE_ACCESS_KEY_ID.encode() in seen for seen in v1_seen + v2_seen if seen)
            signed_records = records
        else:
            assert v1_seen == [None, None]
            assert v2_seen == [None, None]
            unsigned_records = records
    assert answers[False] == answers[True]
    assert unsigned_records == signed_records


def test_a_custom_endpoint_still_gets_the_right_region() -> None:
    """Unsigned, there is no credential scope to read the region from: the client's is used."""
    with SesMock(region="us-east-1") as mock:
        mock.add_configuration_set(marketing(), region="eu-west-1")
        endpoint = "http://127.0.0.1:9"  # never reached: the mock answers
        ses = boto3.client("ses", region_name="eu-west-1", endpoint_url=endpoint)
        sesv2 = boto3.client("sesv2", region_name="eu-west-1", endpoint_url=endpoint)
        seen = authorizations(ses, "DescribeConfigurationSet")
        assert ses.describe_configuration_set(ConfigurationSetName="marketing")
        assert sesv2.get_configuration_set(ConfigurationSetName="marketing")
        elsewhere = boto3.client("ses", region_name="ap-south-1", endpoint_url=endpoint)
        with pytest.raises(elsewhere.exceptions.ConfigurationSetDoesNotExistException):
            elsewhere.describe_configuration_set(ConfigurationSetName="marketing")
    assert seen == [None]
    assert [(c.api, c.region, c.status) for c in mock.calls] == [
        ("ses", "eu-west-1", 200),
        ("sesv2", "eu-west-1", 200),
        ("ses", "ap-south-1", 400),
    ]


def test_an_unserved_ses_operation_answered_by_moto_is_still_signed() -> None:
    with mock_aws(), SesMock(region="us-east-1") as mock:
        ses = boto3.client("ses", region_name="us-east-1")
        unserved = authorizations(ses, "VerifyEmailIdentity")
        served = authorizations(ses, "ListConfigurationSets")
        ses.verify_email_identity(EmailAddress="a@example.com")  # moto's
        ses.list_configuration_sets()  # ours
        s3 = boto3.client("s3", region_name="us-east-1")
        other = authorizations(s3, "ListBuckets")
        s3.list_buckets()  # another service: moto's, signed as ever
    assert unserved[0] is not None
    assert served == [None]
    assert other[0] is not None
    assert [c.operation for c in mock.calls] == ["ListConfigurationSets"]


@pytest.fixture
def recorder() -> Iterator[tuple[str, Records]]:
    """A local SES stand-in (an empty ListConfigurationSets) that records each request."""
    body = (
        b"<ListConfigurationSetsResponse><ListConfigurationSetsResult><ConfigurationSets/>"
        b"</ListConfigurationSetsResult></ListConfigurationSetsResponse>"
    )
    with local_http_service({"POST": body}) as found:
        yield found


def authorizations_of(records: Records) -> list[str | None]:
    return [authorization for _, _, authorization in records]


def test_inert_without_an_active_mock(
    recorder: tuple[str, Records], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, records = recorder
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIALOCALTESTKEY0000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    session = boto3.session.Session()  # its own credentials, whatever other tests cached
    session.client("ses", region_name="us-east-1", endpoint_url=url).list_configuration_sets()
    seen = authorizations_of(records)
    assert len(seen) == 1
    assert seen[0] is not None
    assert "AKIALOCALTESTKEY0000" in seen[0]


def test_the_default_session_forgets_the_fake_key(
    recorder: tuple[str, Records], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, records = recorder
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    with SesMock():  # no credentials configured: the environment holds the fake key meanwhile
        boto3.client("ses", region_name="us-east-1").list_configuration_sets()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIALOCALTESTKEY0000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    boto3.client("ses", region_name="us-east-1", endpoint_url=url).list_configuration_sets()
    seen = authorizations_of(records)
    assert len(seen) == 1
    assert seen[0] is not None
    assert "AKIALOCALTESTKEY0000" in seen[0]


DOORS = """
import boto3, pytest
from pytest_sesmock import mock_ses


def authorization():
    seen = []
    ses = boto3.client("ses", region_name="us-east-1")
    ses.meta.events.register(
        "before-send.ses.ListConfigurationSets",
        lambda request, **_: seen.append(request.headers.get("Authorization")),
    )
    ses.list_configuration_sets()
    return seen[0]


@pytest.mark.ses_mock(sign_requests=True)
def test_marker_signs():
    assert authorization() is not None


@pytest.mark.ses_mock(sign_requests=False)
def test_marker_unsigned():
    assert authorization() is None


def test_default(ses_mock):
    assert (authorization() is not None) == {signed_by_default}


def test_mock_ses_signs():
    with mock_ses(sign_requests=True):
        assert authorization() is not None
"""


@pytest.mark.parametrize(
    ("setting", "signed_by_default"),
    [
        ([], False),
        (["-o", "ses_mock_sign_requests=true"], True),
        (["--ses-mock-sign-requests"], True),
    ],
)
def test_every_door_takes_the_opt_out(
    pytester: pytest.Pytester, setting: list[str], signed_by_default: bool
) -> None:
    pytester.makepyfile(DOORS.format(signed_by_default=signed_by_default))
    pytester.runpytest("-p", "no:randomly", *setting).assert_outcomes(passed=4)


def test_a_bad_opt_out_value_is_refused() -> None:
    from pytest_sesmock import OptionError

    with pytest.raises(OptionError, match="sign_requests must be True or False; got 'yes'"):
        mock_ses(sign_requests="yes")  # type: ignore[arg-type]


def test_nested_mocks_follow_the_innermost() -> None:
    with SesMock(region="us-east-1", sign_requests=True), SesMock(region="us-east-1"):
        ses = boto3.client("ses", region_name="us-east-1")
        seen = authorizations(ses, "ListConfigurationSets")
        ses.list_configuration_sets()
    assert seen == [None]


def test_many_threads_each_get_their_own_clients_region() -> None:
    """The region an unsigned request is answered for is the one its own client signs for,
    remembered per thread between before-sign and before-send: never another thread's."""
    regions = ["us-east-1", "eu-west-1", "ap-south-1", "sa-east-1"] * 2  # two threads each
    declared = {"us-east-1", "ap-south-1"}
    errors: list[BaseException] = []
    with SesMock(region="us-east-1", rate_limit="off") as mock:
        for region in declared:
            mock.add_configuration_set(marketing(), region=region)
        start = threading.Barrier(len(regions))

        def describe(region: str) -> None:
            ses = boto3.client("ses", region_name=region, endpoint_url="http://127.0.0.1:9")
            start.wait(timeout=60)
            for _ in range(50):
                try:
                    ses.describe_configuration_set(ConfigurationSetName="marketing")
                except ses.exceptions.ConfigurationSetDoesNotExistException as missing:
                    if region in declared:
                        errors.append(missing)
                except BaseException as error:
                    errors.append(error)

        threads = [threading.Thread(target=describe, args=(r,)) for r in regions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert errors == []
    assert len(mock.calls) == 50 * len(regions)
    assert {(c.region, c.status) for c in mock.calls} == {
        (region, 200 if region in declared else 400) for region in regions
    }
