"""SES's own rules for names and values: what the model's prose says and botocore never checks.

Both doors use them: a declaration breaking one is a ``DeclarationError``; a request breaking one
is answered with the error code SES gives for that operation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import shown

# (pattern, max length, what is allowed), from the documentation strings of botocore's model.
_NAME_RULES: dict[str, tuple[re.Pattern[str], int, str]] = {
    "configuration set name": (
        re.compile(r"[A-Za-z0-9_-]+"),
        64,
        "letters (a-z, A-Z), digits, '_' and '-'",
    ),
    "event destination name": (
        re.compile(r"[A-Za-z0-9_-]+"),
        64,
        "ASCII letters, digits, '_' and '-'",
    ),
    "dimension name": (
        re.compile(r"[A-Za-z0-9_:-]+"),
        256,
        "ASCII letters, digits, '_', '-' and ':'",
    ),
    "default dimension value": (
        re.compile(r"[A-Za-z0-9_@.-]+"),
        256,
        "ASCII letters, digits, '_', '-', '@' and '.'",
    ),
}

DESTINATION_TYPES = ("SNSDestination", "CloudWatchDestination", "KinesisFirehoseDestination")
"""The destination types of an event destination, as SES v1 spells them (see also
``spelling.destination_types``, which reads them off either model)."""


def name_problem(kind: str, value: str) -> str | None:
    """What is wrong with ``value`` as a ``kind`` (e.g. ``"configuration set name"``), or None."""
    pattern, limit, allowed = _NAME_RULES[kind]
    if not value:
        return f"the {kind} must not be empty"
    if len(value) > limit:
        return f"the {kind} has {len(value)} characters; at most {limit} are allowed"
    if not pattern.fullmatch(value):
        return f"the {kind} {shown(value)} may contain only {allowed}"
    return None


def event_destination_problems(
    destination: Mapping[str, Any], types: tuple[str, ...] = DESTINATION_TYPES
) -> list[tuple[str, str]]:
    """(path inside the event destination, problem) for each SES rule it breaks.

    ``types`` are the destination types in the spelling of ``destination`` (v1's or v2's).
    """
    problems: list[tuple[str, str]] = []
    name = destination.get("Name")
    if isinstance(name, str):
        problem = name_problem("event destination name", name)
        if problem:
            problems.append(("Name", problem))
    present = [kind for kind in types if destination.get(kind) is not None]
    if len(present) != 1:
        found = ", ".join(present) if present else "none"
        problems.append(
            ("", f"an event destination has exactly one of {', '.join(types)}; found {found}")
        )
    if destination.get("MatchingEventTypes") == []:
        problems.append(("MatchingEventTypes", "must name at least one event type"))
    cloudwatch = destination.get("CloudWatchDestination") or {}
    for index, dimension in enumerate(cloudwatch.get("DimensionConfigurations") or ()):
        where = f"CloudWatchDestination.DimensionConfigurations[{index}]"
        for key, kind in (
            ("DimensionName", "dimension name"),
            ("DefaultDimensionValue", "default dimension value"),
        ):
            value = dimension.get(key)
            if isinstance(value, str):
                problem = name_problem(kind, value)
                if problem:
                    problems.append((f"{where}.{key}", problem))
    return problems


_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
_ACCOUNT = re.compile(r"\d{12}")


def region_problem(region: object) -> str | None:
    """What is wrong with ``region`` as an AWS region name, or None."""
    if not isinstance(region, str) or not _REGION.fullmatch(region):
        return f"region {shown(region)} is not an AWS region name such as 'us-east-1'"
    return None


def account_problem(account: object) -> str | None:
    """What is wrong with ``account`` as an AWS account id, or None."""
    if not isinstance(account, str) or not _ACCOUNT.fullmatch(account):
        return f"account {shown(account)} is not a 12-digit AWS account id (a string)"
    return None


def placement_problems(region: object = None, account: object = None) -> list[tuple[str, str]]:
    """(``region`` or ``account``, what is wrong) for each of them given (not None) and wrong:
    where a set lives, as every door checks it."""
    problems = []
    if region is not None and (problem := region_problem(region)):
        problems.append(("region", problem))
    if account is not None and (problem := account_problem(account)):
        problems.append(("account", problem))
    return problems


_SNS_TOPIC_ARN = re.compile(r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?")
_FIREHOSE_ARN = re.compile(
    r"arn:aws[a-z-]*:firehose:[a-z0-9-]+:\d{12}:deliverystream/[A-Za-z0-9_.-]{1,64}"
)
_IAM_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
_DOMAIN = re.compile(r"(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


def is_sns_topic_arn(arn: str) -> bool:
    """Whether ``arn`` is an SNS topic ARN."""
    return _SNS_TOPIC_ARN.fullmatch(arn) is not None


def is_iam_role_arn(arn: str) -> bool:
    """Whether ``arn`` is an IAM role ARN."""
    return _IAM_ROLE_ARN.fullmatch(arn) is not None


def is_firehose_arn(arn: str) -> bool:
    """Whether ``arn`` is a Kinesis Firehose delivery stream ARN."""
    return _FIREHOSE_ARN.fullmatch(arn) is not None


def is_domain(name: str) -> bool:
    """Whether ``name`` is a DNS domain name (as a custom redirect domain must be)."""
    return _DOMAIN.fullmatch(name) is not None
