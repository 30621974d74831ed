"""Every error pytest-sesmock can answer, with its evidence: one catalogue, used everywhere.

Each entry is an error on the wire (code, HTTP status, message template) with its provenance:
``REC`` recorded from real AWS, ``DOC`` documented (AWS or botocore's model), ``INF`` inferred
(the mock's best guess, in SES's usual style). Operations raise ``error(key, ...)``; ``add_error``
accepts the codes listed here; the documentation's error page is rendered from it
(``markdown()``) when the site is built, so they cannot disagree. Where real SES and botocore's
model disagree, the recorded answer wins and the entry says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import SesError


@dataclass(frozen=True)
class Entry:
    """One error the mock can answer."""

    key: str
    """How the code refers to it (the wire code, or ``Code.variant`` where it has several)."""
    code: str
    """The ``Code`` on the wire."""
    status: int
    message: str
    """The message, a ``str.format`` template (``{name}`` and so on)."""
    evidence: str
    """``REC``, ``DOC`` or ``INF``."""
    source: str
    """Where the evidence is."""
    when: str
    """What the mock answers it for."""

    def error(self, **fields: object) -> SesError:
        """This error, its message filled in."""
        return SesError(self.code, self.message.format(**fields), self.status, self.key, fields)


_MODEL = "botocore model ses 2010-12-01"
_LOCALSTACK = (
    "localstack/localstack tests/aws/services/ses/test_ses.snapshot.json (AWS-validated snapshot "
    "of LocalStack's SES tests, recorded against AWS)"
)
_TAG_ORDER = (
    "; every tag name is checked before any value, and the tags before the sender identity "
    "(localstack/localstack tests/aws/services/ses/test_ses.validation.json, validated against "
    "AWS 2024-07)"
)

ENTRIES = (
    Entry(
        "ConfigurationSetDoesNotExist",
        "ConfigurationSetDoesNotExist",
        400,
        "Configuration set <{name}> does not exist.",
        "REC",
        _LOCALSTACK,
        "the named set does not exist in the caller's account and region (also for a send "
        "through it: Notifuse/notifuse issue 162 recorded it on a send)",
    ),
    Entry(
        "ConfigurationSetAlreadyExists",
        "ConfigurationSetAlreadyExists",
        400,
        "Configuration set <{name}> already exists.",
        "REC",
        "hashicorp/terraform-provider-aws issue 9186 (the error as SES answered it)",
        "CreateConfigurationSet of a name that exists",
    ),
    Entry(
        "InvalidParameterValue.EmptyName",
        "InvalidParameterValue",
        400,
        "The configuration set name must be specified.",
        "INF",
        "SES's wording of this error as seen in recordings; no public recording is cited yet",
        "CreateConfigurationSet with an empty name",
    ),
    Entry(
        "InvalidConfigurationSet",
        "InvalidConfigurationSet",
        400,
        "Configuration set <{name}> is invalid: {problem}.",
        "INF",
        "code: " + _MODEL + "; message in SES's style",
        "CreateConfigurationSet with a name SES's naming rules refuse",
    ),
    Entry(
        "LimitExceeded.ConfigurationSets",
        "LimitExceeded",
        400,
        "Maximum configuration sets limit of {limit} reached.",
        "INF",
        "code: " + _MODEL + "; quota of 10,000: SES developer guide, quotas",
        "CreateConfigurationSet beyond 10,000 sets in a region",
    ),
    Entry(
        "ValidationError.MaxItems",
        "ValidationError",
        400,
        "1 validation error detected: Value '{value}' at 'maxItems' failed to satisfy "
        "constraint: Member must have value greater than or equal to 1",
        "INF",
        "AWS's usual validation message (see ValidationError below)",
        "ListConfigurationSets with MaxItems below 1",
    ),
    Entry(
        "InvalidParameterValue.NextToken",
        "InvalidParameterValue",
        400,
        "Invalid NextToken.",
        "INF",
        "the mock's own token format",
        "ListConfigurationSets with a NextToken the mock did not give",
    ),
    Entry(
        "InvalidParameterValue.EventDestination",
        "InvalidParameterValue",
        400,
        "Event destination <{name}> of configuration set <{set}>: {problem}.",
        "INF",
        "SES's naming rules: " + _MODEL + " documentation strings",
        "an event destination with a bad name, not exactly one destination type, or no event types",
    ),
    Entry(
        "InvalidCloudWatchDestination",
        "InvalidCloudWatchDestination",
        400,
        "Event destination <{name}> of configuration set <{set}>: {problem}.",
        "INF",
        "code: " + _MODEL + "; rules: its documentation strings",
        "a CloudWatch dimension name or default value SES's rules refuse",
    ),
    Entry(
        "InvalidSNSDestination",
        "InvalidSNSDestination",
        400,
        "SNS topic <{arn}> not found.",
        "REC",
        _LOCALSTACK,
        "a malformed topic ARN, or a topic the test's declared topics (or moto) do not know",
    ),
    Entry(
        "InvalidFirehoseDestination.Role",
        "InvalidFirehoseDestination",
        400,
        "Invalid IAM role ARN <{arn}>.",
        "INF",
        "code: " + _MODEL,
        "a malformed IAM role ARN in a Firehose destination",
    ),
    Entry(
        "InvalidFirehoseDestination.Stream",
        "InvalidFirehoseDestination",
        400,
        "Invalid Kinesis Firehose delivery stream ARN <{arn}>.",
        "INF",
        "code: " + _MODEL,
        "a malformed delivery stream ARN in a Firehose destination",
    ),
    Entry(
        "EventDestinationAlreadyExists",
        "EventDestinationAlreadyExists",
        400,
        "Event destination <{name}> already exists in configuration set <{set}>.",
        "INF",
        "code: " + _MODEL,
        "CreateConfigurationSetEventDestination of a name the set has",
    ),
    Entry(
        "LimitExceeded.EventDestinations",
        "LimitExceeded",
        400,
        "Maximum event destinations limit of {limit} reached for configuration set <{set}>.",
        "INF",
        "code: " + _MODEL + "; quota of 10: SES developer guide, quotas",
        "an eleventh event destination",
    ),
    Entry(
        "EventDestinationDoesNotExist",
        "EventDestinationDoesNotExist",
        400,
        "No EventDestination found for {set}",
        "REC",
        _LOCALSTACK,
        "an update or delete of a destination the set does not have",
    ),
    Entry(
        "TrackingOptionsAlreadyExists",
        "TrackingOptionsAlreadyExists",
        400,
        "There are already tracking options for configuration set",
        "INF",
        "by analogy with the recorded TrackingOptionsDoesNotExist (the model says "
        "TrackingOptionsAlreadyExistsException; real SES drops the suffix on the wire)",
        "CreateConfigurationSetTrackingOptions on a set that has them",
    ),
    Entry(
        "TrackingOptionsDoesNotExist",
        "TrackingOptionsDoesNotExist",
        400,
        "There are no tracking options for configuration set",
        "REC",
        "hashicorp/terraform-provider-aws issue 34842 (aws-sdk-go prints the wire code; the "
        "model's TrackingOptionsDoesNotExistException is not what SES sends)",
        "an update or delete of tracking options the set does not have",
    ),
    Entry(
        "InvalidTrackingOptions.Domain",
        "InvalidTrackingOptions",
        400,
        "Invalid custom redirect domain <{domain}>.",
        "INF",
        "code: " + _MODEL,
        "a custom redirect domain that is not a domain name",
    ),
    Entry(
        "InvalidTrackingOptions.Unverified",
        "InvalidTrackingOptions",
        400,
        "The custom redirect domain <{domain}> is not a verified identity of this account.",
        "DOC",
        "botocore's documentation of InvalidTrackingOptionsException: returned when the "
        "tracking domain is not verified; terraform's acceptance test needs a verified domain "
        "(message: INF)",
        "a redirect domain that is not a verified identity, once the test declares identities "
        "(or moto knows some)",
    ),
    Entry(
        "ValidationError",
        "ValidationError",
        400,
        "{count} validation {noun} detected: {problems}",
        "INF",
        "AWS's ValidationError wording for a value outside an enum, as SES words it for "
        "eventDestination.matchingEventTypes; no public recording is cited yet",
        "a missing required parameter or a value outside an enum (botocore does not check "
        "enums; a hand-written request may lack anything)",
    ),
    Entry(
        "Throttling",
        "Throttling",
        400,
        "Rate exceeded",
        "DOC",
        "SES API Reference, DescribeConfigurationSet (once a second) and Common Errors "
        "(Throttling, HTTP 400); the message is AWS's usual 'Rate exceeded'",
        "a call over an enforced rate limit (DescribeConfigurationSet: 1 a second, DOC)",
    ),
    # -- sending through a configuration set (v1) ----------------------------------------------
    Entry(
        "ConfigurationSetSendingPaused",
        "ConfigurationSetSendingPausedException",
        400,
        "Sending is paused for configuration set <{name}>.",
        "INF",
        "code and status: " + _MODEL + " (the shape has no error.code, so its name is the wire "
        "code); message: not recorded (the floci emulator's text, in SES's <name> style)",
        "a send through a set whose sending is disabled",
    ),
    Entry(
        "TemplateDoesNotExist",
        "TemplateDoesNotExist",
        400,
        "Template {name} does not exist.",
        "REC",
        "Enase/serverless-ses-template issue 5 (a real send's error); getmoto/moto issue 3783 "
        "quotes AWS the same",
        "SendTemplatedEmail or SendBulkTemplatedEmail naming a template neither the test "
        "(add_template) nor moto holds",
    ),
    Entry(
        "MessageRejected.Unverified",
        "MessageRejected",
        400,
        "Email address is not verified. The following identities failed the check in region "
        "{region}: {identities}",
        "REC",
        "aws-samples/amazon-cognito-passwordless-email-auth issue 8; danilop/LambdAuth issue 64",
        "a sender that is not a verified address or domain, once identities are declared (or "
        "moto knows some)",
    ),
    Entry(
        "InvalidParameterValue.MissingDomain",
        "InvalidParameterValue",
        400,
        "Missing final '@domain'",
        "REC",
        "boto/boto pull 351 (the ErrorResponse SES sent); cloud-custodian issue 885",
        "a sender, recipient or reply-to address without an @",
    ),
    Entry(
        "InvalidParameterValue.IllegalAddress",
        "InvalidParameterValue",
        400,
        "Illegal address",
        "REC",
        "openstax/accounts issue 253 (an unquoted comma in a display name)",
        "an address SES cannot parse (an unquoted comma in its name, an empty side of the @)",
    ),
    Entry(
        "InvalidParameterValue.LocalWhitespace",
        "InvalidParameterValue",
        400,
        "Local address contains control or whitespace",
        "REC",
        "openstax/accounts issue 253",
        "an address whose part before the @ holds a space or a control character",
    ),
    Entry(
        "InvalidParameterValue.DomainWhitespace",
        "InvalidParameterValue",
        400,
        "Domain contains control or whitespace",
        "REC",
        "monde-sistemas/delphi-aws-ses issue 22",
        "an address whose domain holds a space or a control character",
    ),
    Entry(
        "InvalidParameterValue.MissingFrom",
        "InvalidParameterValue",
        400,
        "Missing required header 'From'.",
        "REC",
        "loopingz/aws-smtp-relay issue 6; baturorkun/aws-ses-sender issue 4",
        "a raw message with no From header and no Source (also text that is not MIME at all)",
    ),
    Entry(
        "InvalidParameterValue.MissingTo",
        "InvalidParameterValue",
        400,
        "Missing required header 'To'.",
        "REC",
        "tastyigniter/TastyIgniter issue 895; aristidb/aws pull 73 (raw messages); for a simple "
        "message without recipients: INF",
        "a message without any recipient (no Destinations and no To, Cc or Bcc)",
    ),
    Entry(
        "InvalidParameterValue.EmptyHeaderName",
        "InvalidParameterValue",
        400,
        "Empty header names are illegal.",
        "REC",
        "aws/aws-sdk-js issue 4121",
        "a raw message with a header line that starts with a colon",
    ),
    Entry(
        "InvalidParameterValue.RecipientCount",
        "InvalidParameterValue",
        400,
        "Recipient count exceeds 50.",
        "REC",
        "doubleunion/arooo issue 243; the quota of 50: SES developer guide (DOC)",
        "more than 50 recipients (To, Cc and Bcc together) in one message",
    ),
    Entry(
        "InvalidParameterValue.RawData",
        "InvalidParameterValue",
        400,
        "The raw message data is not valid base64.",
        "INF",
        "the model: RawMessage.Data is a blob, base64 on the wire",
        "a raw message whose Data is not base64 (a hand-written request)",
    ),
    Entry(
        "InvalidParameterValue.TemplateData",
        "InvalidParameterValue",
        400,
        "The template data is invalid",
        "INF",
        "boto/boto3 issue 1795 shows SES's text for bulk template data; that it is also the "
        "answer to data that is not a JSON object is inferred",
        "template data that is not a JSON object",
    ),
    Entry(
        "InvalidParameterValue.TagName",
        "InvalidParameterValue",
        400,
        "Invalid tag name <{name}>: only alphanumeric ASCII characters, '_',  '-' are allowed.",
        "REC",
        _LOCALSTACK
        + _TAG_ORDER
        + "; ses:feedback-id-a and ses:feedback-id-b are allowed (DOC: SES developer guide, "
        "event-publishing-fine-grained-feedback)",
        "a message tag name with other characters (ses:feedback-id-a and -b excepted)",
    ),
    Entry(
        "InvalidParameterValue.TagValue",
        "InvalidParameterValue",
        400,
        "Invalid tag value <{value}>: only alphanumeric ASCII characters, '_',  '-' , '.', '@' "
        "are allowed.",
        "REC",
        _LOCALSTACK + _TAG_ORDER,
        "a message tag value with other characters",
    ),
    Entry(
        "InvalidParameterValue.TagNameLength",
        "InvalidParameterValue",
        400,
        "Tag name cannot exceed 255 characters.",
        "REC",
        _LOCALSTACK + _TAG_ORDER,
        "a message tag name over 255 characters",
    ),
    Entry(
        "InvalidParameterValue.TagValueLength",
        "InvalidParameterValue",
        400,
        "Tag value cannot exceed 255 characters.",
        "REC",
        _LOCALSTACK + _TAG_ORDER,
        "a message tag value over 255 characters",
    ),
    Entry(
        "InvalidParameterValue.TagNameMissing",
        "InvalidParameterValue",
        400,
        "The tag name must be specified.",
        "REC",
        _LOCALSTACK + _TAG_ORDER,
        "a message tag with an empty name",
    ),
    Entry(
        "InvalidParameterValue.TagValueMissing",
        "InvalidParameterValue",
        400,
        "The tag value must be specified.",
        "REC",
        _LOCALSTACK + _TAG_ORDER,
        "a message tag with an empty value",
    ),
    # -- SES v2 (rest-json): the code is the error shape's name, the status the model's --------
    Entry(
        "v2.NotFound",
        "NotFoundException",
        404,
        "Configuration set <{name}> does not exist.",
        "INF",
        "code and status: botocore model sesv2; message: v1's recorded text (moto and floci "
        "answer the same; no v2 recording found)",
        "SES v2: the named set does not exist in the caller's account and region (also for a "
        "send through it)",
    ),
    Entry(
        "v2.NotFound.EventDestination",
        "NotFoundException",
        404,
        "Event destination <{name}> does not exist.",
        "INF",
        "code and status: botocore model sesv2",
        "SES v2: an update or delete of a destination the set does not have",
    ),
    Entry(
        "v2.AlreadyExists",
        "AlreadyExistsException",
        400,
        "Configuration set <{name}> already exists.",
        "INF",
        "code and status: botocore model sesv2; message: v1's recorded text",
        "SES v2: CreateConfigurationSet of a name that exists",
    ),
    Entry(
        "v2.AlreadyExists.EventDestination",
        "AlreadyExistsException",
        400,
        "Event destination <{name}> already exists in configuration set <{set}>.",
        "INF",
        "code and status: botocore model sesv2",
        "SES v2: CreateConfigurationSetEventDestination of a name the set has",
    ),
    Entry(
        "v2.LimitExceeded",
        "LimitExceededException",
        400,
        "{message}",
        "INF",
        "code and status: botocore model sesv2; message as v1's",
        "SES v2: the quotas of sets and destinations (as v1)",
    ),
    Entry(
        "v2.BadRequest",
        "BadRequestException",
        400,
        "{message}",
        "INF",
        "code and status: botocore model sesv2; message as v1's for the same rule",
        "SES v2: a name or value SES's rules refuse (as v1's InvalidParameterValue, "
        "InvalidConfigurationSet, Invalid*Destination, InvalidTrackingOptions)",
    ),
    Entry(
        "v2.BadRequest.Validation",
        "BadRequestException",
        400,
        "{count} validation {noun} detected: {problems}",
        "INF",
        "AWS's validation message (recorded for v1); floci reports the same form for v2",
        "SES v2: a missing required member, a value outside its enum or range, a wrong type",
    ),
    Entry(
        "v2.BadRequest.Body",
        "BadRequestException",
        400,
        "The request body is not a JSON object.",
        "INF",
        "code and status: botocore model sesv2",
        "SES v2: a body that is not a JSON object",
    ),
    Entry(
        "v2.BadRequest.UnverifiedDomain",
        "BadRequestException",
        400,
        "Domain <{domain}> is not verified under this account.",
        "INF",
        "message as floci reports it from AWS (not recorded here)",
        "SES v2: a redirect domain that is not a verified identity, once identities are known",
    ),
    Entry(
        "v2.SendingPaused",
        "SendingPausedException",
        400,
        "Sending is paused for configuration set <{name}>.",
        "INF",
        "code and status: botocore model sesv2 (v2 has no set-specific shape; the floci "
        "emulator maps a paused set to it); message as v1's",
        "SES v2: a send through a set whose sending is disabled",
    ),
    Entry(
        "v2.NotFound.Template",
        "NotFoundException",
        404,
        "Template {name} does not exist.",
        "INF",
        "code and status: botocore model sesv2; message: v1's recorded text",
        "SES v2: a templated send naming a template neither the test nor moto holds",
    ),
    Entry(
        "v2.MessageRejected",
        "MessageRejected",
        400,
        "{message}",
        "INF",
        "code and status: botocore model sesv2; message: v1's recorded text",
        "SES v2: a sender that is not verified, once identities are known",
    ),
    Entry(
        "v2.TooManyRequests",
        "TooManyRequestsException",
        429,
        "Too Many Requests",
        "INF",
        "code and status: botocore model sesv2",
        "SES v2: a call over an enforced rate limit; botocore retries it",
    ),
)
"""The errors the operations answer."""

COMMON = (
    # (code, status, message): the errors every AWS API may answer.
    ("AccessDeniedException", 400, "You do not have sufficient access to perform this action."),
    # What SES's Query API answers when IAM denies a call (as users' reports show it).
    ("AccessDenied", 403, "User is not authorized to perform this action."),
    ("IncompleteSignature", 400, "The request signature does not conform to AWS standards."),
    (
        "InternalFailure",
        500,
        "The request processing has failed because of an unknown error, exception or failure.",
    ),
    ("InvalidAction", 400, "The action or operation requested is invalid."),
    (
        "InvalidClientTokenId",
        403,
        "The security token included in the request is invalid.",
    ),
    ("InvalidParameterCombination", 400, "Parameters that must not be used together were used."),
    ("InvalidParameterValue", 400, "An invalid or out-of-range value was supplied."),
    ("InvalidQueryParameter", 400, "The AWS query string is malformed."),
    ("MalformedQueryString", 404, "The query string contains a syntax error."),
    ("MissingAction", 400, "The request is missing an action or a required parameter."),
    ("MissingAuthenticationToken", 403, "Request is missing Authentication Token"),
    ("MissingParameter", 400, "A required parameter for the specified action is not supplied."),
    ("NotAuthorized", 400, "You do not have permission to perform this action."),
    ("OptInRequired", 403, "The AWS access key ID needs a subscription for the service."),
    ("RequestExpired", 400, "Request has expired."),
    ("ServiceUnavailable", 503, "The request has failed due to a temporary failure of the server."),
    ("ThrottlingException", 400, "Rate exceeded"),
    ("ValidationError", 400, "The input fails to satisfy the constraints."),
)
"""Codes every AWS API may answer, as ``add_error`` accepts them (DOC: SES Common Errors)."""

CATALOGUE = {entry.key: entry for entry in ENTRIES}
_COMMON = {code: (status, message) for code, status, message in COMMON}
_COMMON["Throttling"] = (400, "Rate exceeded")  # SES's own spelling (DOC: Common Errors)
COMMON_CODES = frozenset(_COMMON)
"""The codes any operation of any AWS API may answer."""


def error(key: str, **fields: object) -> SesError:
    """The catalogued error ``key``, its message filled in with ``fields``."""
    return CATALOGUE[key].error(**fields)


def known_codes(apis: Iterable[str] = ("ses", "sesv2")) -> dict[str, tuple[int, str]]:
    """Every code the catalogue answers through these APIs (``ses``, ``sesv2``), with its status
    and a message, and the common ones: ``add_error``'s vocabulary."""
    wanted = set(apis)
    out = {code: value for code, value in _COMMON.items()}
    for entry in ENTRIES:
        if ("sesv2" if entry.key.startswith("v2.") else "ses") not in wanted:
            continue
        if "{" not in entry.message:
            out.setdefault(entry.code, (entry.status, entry.message))
        else:
            out.setdefault(entry.code, (entry.status, f"{entry.code} (injected)"))
    return out


def markdown() -> str:
    """The catalogue as a Markdown table (the documentation's error page is made of it)."""
    lines = [
        "| code | HTTP | message | evidence | answered for |",
        "| --- | --- | --- | --- | --- |",
    ]
    for entry in ENTRIES:
        message = entry.message.replace("|", "\\|")
        lines.append(
            f"| `{entry.code}` | {entry.status} | `{message}` | **{entry.evidence}**: "
            f"{entry.source} | {entry.when} |"
        )
    return "\n".join(lines)
