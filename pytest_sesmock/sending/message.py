"""One email of a send request, read from either API's parameters, and checked as SES checks it.

Reading never fails: a request moto will answer is read only for the events it publishes, and
moto answers its own mistakes. ``check`` raises what SES answers for a request pytest-sesmock
answers itself. Messages without a recording are marked INF in the catalogue.
"""

from __future__ import annotations

import base64
import binascii
import email.message
import email.parser
import email.policy
import email.utils
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..catalogue import error

MAX_RECIPIENTS = 50
"""SES's quota of recipients per message (To, Cc and Bcc together; DOC, developer guide)."""

CONFIGURATION_SET_HEADER = "X-SES-CONFIGURATION-SET"
TAGS_HEADER = "X-SES-MESSAGE-TAGS"

_TAG_NAME = re.compile(r"[A-Za-z0-9_-]+")
# REC (localstack's snapshot against AWS): values may also hold '.' and '@', names not.
_TAG_VALUE = re.compile(r"[A-Za-z0-9_.@-]+")
_MAX_TAG = 255


@dataclass
class Message:
    """One email as SES reads it: who, what, and how it is tagged."""

    operation: str
    """The operation as SES's ``ses:operation`` tag shows it (``SendEmail``, ``SendRawEmail``)."""
    source: str
    """The sender as given (``Sender Name <sender@example.com>`` keeps its display name)."""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    envelope: list[str] | None = None
    """A raw message's ``Destinations`` parameter, which replaces its To, Cc and Bcc headers."""
    reply_to: list[str] = field(default_factory=list)
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    """The headers events show, in order (for a raw message, its own)."""
    date: str | None = None
    configuration_set: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    """The caller's tags (the parameters, or else the ``X-SES-MESSAGE-TAGS`` header)."""
    tags_from_header: bool = False
    """The tags came from the header: SES sends the message whatever they hold (DOC)."""
    from_header: list[str] | None = None
    """A raw message's From header (None: SES built the headers from the parameters)."""
    template: str | None = None
    template_data: str | None = None
    template_content: Mapping[str, Any] | None = None
    """A v2 template given inline (``Subject``, ``Text``, ``Html``)."""
    raw: bytes | None = None
    attachments: list[bytes] = field(default_factory=list)
    """Decoded attachments and other non-text parts (what SES's virus scan reads)."""
    problems: list[str] = field(default_factory=list)
    """Catalogue keys of what is wrong with a raw message (checked only when we answer)."""

    @property
    def destinations(self) -> list[str]:
        """Every recipient, as given: the envelope of a raw message, else To, Cc and Bcc."""
        if self.envelope is not None:
            return list(self.envelope)
        return [*self.to, *self.cc, *self.bcc]

    @property
    def templated(self) -> bool:
        """Whether the message is made from a template (stored, or v2's inline content)."""
        return self.template is not None or self.template_content is not None


def bare(address: str) -> str:
    """The address itself: ``sender@example.com`` of ``Sender <sender@example.com>``."""
    start, end = address.rfind("<"), address.rfind(">")
    if 0 <= start < end:
        return address[start + 1 : end].strip()
    return address.strip()


def domain_of(address: str) -> str:
    """The domain of an address (lower case), or ``""``."""
    found = bare(address)
    return found.rpartition("@")[2].lower() if "@" in found else ""


def address_problem(address: str) -> str | None:
    """The catalogue key of what SES answers for a malformed address, or None."""
    start, end = address.rfind("<"), address.rfind(">")
    if 0 <= start < end:
        name = address[:start].strip()
        if "," in name and not (name.startswith('"') and name.endswith('"')):
            return "InvalidParameterValue.IllegalAddress"  # REC: an unquoted comma
        spec = address[start + 1 : end]
    elif "<" in address or ">" in address:
        return "InvalidParameterValue.IllegalAddress"
    else:
        spec = address.strip()
    if "@" not in spec:
        return "InvalidParameterValue.MissingDomain"
    local, _, domain = spec.rpartition("@")
    if not local or not domain:
        return "InvalidParameterValue.IllegalAddress"
    if any(ch.isspace() or ord(ch) < 32 for ch in local):
        return "InvalidParameterValue.LocalWhitespace"
    if any(ch.isspace() or ord(ch) < 32 for ch in domain):
        return "InvalidParameterValue.DomainWhitespace"
    return None


def _tags(items: Sequence[Mapping[str, Any]] | None) -> dict[str, str]:
    return {str(tag.get("Name", "")): str(tag.get("Value", "")) for tag in items or ()}


FEEDBACK_TAGS = ("ses:feedback-id-a", "ses:feedback-id-b")
"""The two ``ses:`` tags a caller may set (DOC: developer guide, "event-publishing-fine-grained-
feedback"); every other name holding ``:`` is refused."""


def tag_name_problem(name: str) -> Any:
    """SES's error for a tag name it refuses (REC: localstack's snapshot), or None."""
    if not name:
        return error("InvalidParameterValue.TagNameMissing")
    if len(name) > _MAX_TAG:
        return error("InvalidParameterValue.TagNameLength")
    if not _TAG_NAME.fullmatch(name) and name not in FEEDBACK_TAGS:
        return error("InvalidParameterValue.TagName", name=name)
    return None


def tag_value_problem(value: str) -> Any:
    """SES's error for a tag value it refuses (REC: localstack's snapshot), or None."""
    if not value:
        return error("InvalidParameterValue.TagValueMissing")
    if len(value) > _MAX_TAG:
        return error("InvalidParameterValue.TagValueLength")
    if not _TAG_VALUE.fullmatch(value):
        return error("InvalidParameterValue.TagValue", value=value)
    return None


def tags_problem(tags: Mapping[str, str]) -> Any:
    """SES's error for a message's tags, or None: every name is checked before any value (REC:
    localstack's ``test_ses.validation.json``, 2024-07)."""
    for name in tags:
        problem = tag_name_problem(name)
        if problem is not None:
            return problem
    for value in tags.values():
        problem = tag_value_problem(value)
        if problem is not None:
            return problem
    return None


def header_tags(value: str) -> dict[str, str]:
    """``X-SES-MESSAGE-TAGS: a=1, b=2`` as tags (DOC: comma-separated ``name=value``)."""
    out: dict[str, str] = {}
    for part in value.split(","):
        name, sep, tag_value = part.partition("=")
        if sep:
            out[name.strip()] = tag_value.strip()
    return out


# -- simple and templated content ---------------------------------------------------------------


def _simple_headers(message: Message, extra: Sequence[Mapping[str, Any]] = ()) -> None:
    """The headers SES writes for content it builds itself (DOC: the event examples)."""
    headers: list[tuple[str, str]] = [("From", message.source)]
    if message.reply_to:
        headers.append(("Reply-To", ", ".join(message.reply_to)))
    if message.to:
        headers.append(("To", ", ".join(message.to)))
    if message.cc:
        headers.append(("CC", ", ".join(message.cc)))
    if message.subject is not None and not message.templated:
        headers.append(("Subject", message.subject))
    headers.append(("MIME-Version", "1.0"))
    if not message.templated:
        # REC (localstack's snapshot, 2023-08): a templated message's Send event shows From, To
        # and MIME-Version only; its content headers exist once rendered (``content_headers``).
        headers.extend(content_headers(message))
    headers.extend((str(h.get("Name", "")), str(h.get("Value", ""))) for h in extra)
    message.headers = headers


def content_headers(message: Message) -> list[tuple[str, str]]:
    """The Content-Type (and, for one part, Content-Transfer-Encoding) SES writes for the
    message's text and HTML (DOC: the guide's event examples)."""
    if message.text is not None and message.html is not None:
        boundary = 'multipart/alternative;  boundary="----=_Part_0_000000000.0000000000000"'
        return [("Content-Type", boundary)]
    kind = "html" if message.html is not None else "plain"
    return [
        ("Content-Type", f"text/{kind}; charset=UTF-8"),
        ("Content-Transfer-Encoding", "7bit"),
    ]


def _destination(message: Message, destination: Mapping[str, Any] | None) -> None:
    destination = destination or {}
    message.to = list(destination.get("ToAddresses", ()))
    message.cc = list(destination.get("CcAddresses", ()))
    message.bcc = list(destination.get("BccAddresses", ()))


def v1_simple(params: Mapping[str, Any]) -> Message:
    """v1 SendEmail."""
    content = params.get("Message") or {}
    body = content.get("Body") or {}
    message = Message(
        "SendEmail",
        str(params.get("Source", "")),
        reply_to=list(params.get("ReplyToAddresses", ())),
        subject=(content.get("Subject") or {}).get("Data"),
        text=(body.get("Text") or {}).get("Data"),
        html=(body.get("Html") or {}).get("Data"),
        configuration_set=params.get("ConfigurationSetName"),
        tags=_tags(params.get("Tags")),
    )
    _destination(message, params.get("Destination"))
    _simple_headers(message)
    return message


def v1_templated(params: Mapping[str, Any]) -> Message:
    """v1 SendTemplatedEmail."""
    message = Message(
        "SendTemplatedEmail",
        str(params.get("Source", "")),
        reply_to=list(params.get("ReplyToAddresses", ())),
        configuration_set=params.get("ConfigurationSetName"),
        tags=_tags(params.get("Tags")),
        template=params.get("Template"),
        template_data=params.get("TemplateData"),
    )
    _destination(message, params.get("Destination"))
    _simple_headers(message)
    return message


def v1_bulk(params: Mapping[str, Any]) -> list[Message]:
    """v1 SendBulkTemplatedEmail: one message per destination."""
    out = []
    for entry in params.get("Destinations", ()):
        tags = _tags(entry.get("ReplacementTags")) or _tags(params.get("DefaultTags"))
        message = Message(
            "SendBulkTemplatedEmail",
            str(params.get("Source", "")),
            reply_to=list(params.get("ReplyToAddresses", ())),
            configuration_set=params.get("ConfigurationSetName"),
            tags=tags,
            template=params.get("Template"),
            template_data=_merged_data(
                params.get("DefaultTemplateData"), entry.get("ReplacementTemplateData")
            ),
        )
        _destination(message, entry.get("Destination"))
        _simple_headers(message)
        out.append(message)
    return out


def _merged_data(default: str | None, replacement: str | None) -> str | None:
    """A bulk entry's template data: its replacement, over the default (SES merges them; INF)."""
    if not replacement:
        return default
    if not default:
        return replacement
    try:
        merged = {**json.loads(default), **json.loads(replacement)}
    except (ValueError, TypeError):
        return replacement  # the check reports invalid data
    return json.dumps(merged)


def v1_raw(params: Mapping[str, Any]) -> Message:
    """v1 SendRawEmail."""
    data = (params.get("RawMessage") or {}).get("Data")
    destinations = params.get("Destinations")
    message = raw(
        "SendRawEmail",
        data,
        params.get("Source"),
        list(destinations) if destinations else None,
        params.get("ConfigurationSetName"),
        _tags(params.get("Tags")),
    )
    return message


def v2_send(params: Mapping[str, Any]) -> Message:
    """v2 SendEmail, whichever content it carries (simple, raw or template)."""
    content = params.get("Content") or {}
    source = params.get("FromEmailAddress")
    tags = _tags(params.get("EmailTags"))
    destination = params.get("Destination")
    if "Raw" in content:
        envelope = None
        if destination:
            holder = Message("", "")
            _destination(holder, destination)
            envelope = holder.destinations
        return raw(
            "SendRawEmail",
            (content.get("Raw") or {}).get("Data"),
            source,
            envelope,
            params.get("ConfigurationSetName"),
            tags,
        )
    if "Template" in content:
        template = content.get("Template") or {}
        message = Message(
            "SendTemplatedEmail",
            str(source or ""),
            reply_to=list(params.get("ReplyToAddresses", ())),
            configuration_set=params.get("ConfigurationSetName"),
            tags=tags,
            template=template.get("TemplateName"),
            template_data=template.get("TemplateData"),
            template_content=template.get("TemplateContent"),
        )
        _destination(message, destination)
        _simple_headers(message, template.get("Headers", ()))
        message.attachments = attachments_of(template.get("Attachments", ()))
        return message
    simple = content.get("Simple") or {}
    body = simple.get("Body") or {}
    message = Message(
        "SendEmail",
        str(source or ""),
        reply_to=list(params.get("ReplyToAddresses", ())),
        subject=(simple.get("Subject") or {}).get("Data"),
        text=(body.get("Text") or {}).get("Data"),
        html=(body.get("Html") or {}).get("Data"),
        configuration_set=params.get("ConfigurationSetName"),
        tags=tags,
    )
    _destination(message, destination)
    _simple_headers(message, simple.get("Headers", ()))
    message.attachments = attachments_of(simple.get("Attachments", ()))
    return message


def v2_bulk(params: Mapping[str, Any]) -> list[Message]:
    """v2 SendBulkEmail: one templated message per entry."""
    template = (params.get("DefaultContent") or {}).get("Template") or {}
    out = []
    for entry in params.get("BulkEmailEntries", ()):
        replacement = (entry.get("ReplacementEmailContent") or {}).get("ReplacementTemplate") or {}
        tags = _tags(entry.get("ReplacementTags")) or _tags(params.get("DefaultEmailTags"))
        message = Message(
            "SendBulkTemplatedEmail",
            str(params.get("FromEmailAddress") or ""),
            reply_to=list(params.get("ReplyToAddresses", ())),
            configuration_set=params.get("ConfigurationSetName"),
            tags=tags,
            template=template.get("TemplateName"),
            template_data=_merged_data(
                template.get("TemplateData"), replacement.get("ReplacementTemplateData")
            ),
            template_content=template.get("TemplateContent"),
        )
        _destination(message, entry.get("Destination"))
        headers = [*template.get("Headers", ()), *entry.get("ReplacementHeaders", ())]
        _simple_headers(message, headers)
        out.append(message)
    return out


# -- raw content ---------------------------------------------------------------------------------

_PARSER = email.parser.BytesParser(policy=email.policy.compat32)
_FOLD = re.compile(r"\r?\n(?=[ \t])")


def _unfold(value: str) -> str:
    return _FOLD.sub("", value)


def raw(
    operation: str,
    data: Any,
    source: str | None,
    envelope: list[str] | None,
    configuration_set: str | None,
    tags: dict[str, str],
) -> Message:
    """A raw MIME message: its headers read as SES reads them (its own, in order)."""
    message = Message(operation, str(source or ""), envelope=envelope, tags=tags)
    decoded = _base64(data)
    if decoded is None:
        message.problems.append("InvalidParameterValue.RawData")
        message.configuration_set = configuration_set
        return message
    message.raw = decoded
    parsed = _PARSER.parsebytes(decoded)
    if any("header name" in str(defect) for defect in parsed.defects):
        message.problems.append("InvalidParameterValue.EmptyHeaderName")
    message.headers = [(name, _unfold(str(value))) for name, value in parsed.items()]

    def values(name: str) -> list[str]:
        return [_unfold(str(v)) for v in parsed.get_all(name, [])]

    def addresses(name: str) -> list[str]:
        return [email.utils.formataddr(pair) for pair in email.utils.getaddresses(values(name))]

    senders = addresses("From")
    if not message.source:
        message.source = senders[0] if senders else ""
    message.from_header = senders
    message.to, message.cc, message.bcc = addresses("To"), addresses("Cc"), addresses("Bcc")
    message.reply_to = addresses("Reply-To")
    subjects = values("Subject")
    message.subject = subjects[0] if subjects else None
    dates = values("Date")
    message.date = dates[0] if dates else None
    _bodies(message, parsed)
    named = values(CONFIGURATION_SET_HEADER)
    # INF: the parameter wins over the header (the guide does not say).
    message.configuration_set = configuration_set or (named[0].strip() if named else None)
    if not message.tags:  # DOC: tags given as parameters replace the header's, not merge
        for value in values(TAGS_HEADER):
            message.tags.update(header_tags(value))
        message.tags_from_header = bool(message.tags)
    if not message.source:
        message.problems.append("InvalidParameterValue.MissingFrom")
    if not message.destinations:
        message.problems.append("InvalidParameterValue.MissingTo")
    return message


def _bodies(message: Message, parsed: email.message.Message) -> None:
    """The first text and HTML parts as text; every other part's bytes as an attachment."""
    for part in parsed.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        kind = part.get_content_type()
        attached = part.get_filename() is not None
        if kind in ("text/plain", "text/html") and not attached:
            text = payload.decode(part.get_content_charset() or "utf-8", "replace")
            if kind == "text/plain" and message.text is None:
                message.text = text
                continue
            if kind == "text/html" and message.html is None:
                message.html = text
                continue
        message.attachments.append(payload)


def attachments_of(items: Sequence[Mapping[str, Any]]) -> list[bytes]:
    """v2's ``Attachments`` (base64 ``RawContent``), decoded; what cannot be decoded is skipped."""
    out = []
    for item in items:
        data = _base64(item.get("RawContent"))
        if data is not None:
            out.append(data)
    return out


def _base64(data: Any) -> bytes | None:
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    if not isinstance(data, str):
        return None
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None


# -- checks ---------------------------------------------------------------------------------------


def check(message: Message) -> None:
    """What SES refuses in a message before sending it, raised as SES answers it."""
    for key in message.problems:
        raise error(key)
    for address in [message.source, *message.destinations, *message.reply_to]:
        problem = address_problem(address)
        if problem is not None:
            raise error(problem, address=address)
    if not message.destinations:
        raise error("InvalidParameterValue.MissingTo")
    if len(message.destinations) > MAX_RECIPIENTS:
        raise error("InvalidParameterValue.RecipientCount")
    if message.tags_from_header:
        return  # DOC: the send succeeds; only the metrics are left out
    problem = tags_problem(message.tags)
    if problem is not None:
        raise problem
