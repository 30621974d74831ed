"""The send operations of both APIs: the configuration set checked as SES checks it, then answered.

Every send names its configuration set (``ConfigurationSetName``, or a raw message's
``X-SES-CONFIGURATION-SET`` header) or none. A set that does not exist in the caller's account and
region is ``ConfigurationSetDoesNotExist`` (v2: ``NotFoundException``), a set whose sending is
paused ``ConfigurationSetSendingPausedException`` (v2: ``SendingPausedException``). The message
is checked as SES checks it and answered here, with a message id in SES's format, beside moto as
alone (moto's identities and templates are the account's, ``state.other_services``). The events
are published by the pipeline once the answer is known (``sending.publishing``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..catalogue import error
from ..state.backend import Backend, Context
from ..state.other_services import Template
from . import message as messages
from . import templates
from .ids import message_id
from .message import Message

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
"""The antivirus test string: SES rejects a message that carries it (DOC: the mailbox simulator
page says to send it in an attachment to test a Reject)."""


class Sent(dict[str, Any]):
    """A send's result (its answer), with the messages it sent and their ids."""

    __slots__ = ("messages",)

    def __init__(
        self,
        sent: Sequence[tuple[Message, str]],
        reply: Callable[[Sequence[str]], Mapping[str, Any]],
    ) -> None:
        super().__init__(reply([mid for _, mid in sent]))
        self.messages = list(sent)


def _one(ids: Sequence[str]) -> Mapping[str, Any]:
    return {"MessageId": ids[0]}


def _v1_bulk(ids: Sequence[str]) -> Mapping[str, Any]:
    return {"Status": [{"Status": "Success", "MessageId": mid} for mid in ids]}


def _v2_bulk(ids: Sequence[str]) -> Mapping[str, Any]:
    return {"BulkEmailEntryResults": [{"Status": "SUCCESS", "MessageId": mid} for mid in ids]}


def check_configuration_set(backend: Backend, context: Context, name: str | None) -> None:
    """SES's two errors for a send's set: it does not exist here, or its sending is paused."""
    if not name:
        return
    found = backend.get(context, name)  # ConfigurationSetDoesNotExist, as SES answers it
    if not found.sending_enabled:
        raise error("ConfigurationSetSendingPaused", name=name)


def prepare(message: Message, template: Template | None) -> str | None:
    """Render a templated message's parts; the rendering failure's message, if any."""
    if not message.templated:
        return None
    content = message.template_content
    if content is not None:
        template = Template(
            message.template or "", content.get("Subject"), content.get("Text"), content.get("Html")
        )
    if template is None:
        return None
    data = templates.data_of(message.template_data)
    try:
        if data is None:
            raise templates.RenderingFailure("The template data is not a JSON object.")
        message.subject = templates.render(template.subject, data)
        message.text = templates.render(template.text, data)
        message.html = templates.render(template.html, data)
    except templates.RenderingFailure as failure:
        return str(failure)
    return None


def rejected(message: Message) -> bool:
    """Whether SES's virus scan rejects the message (the EICAR test string anywhere in it)."""
    for part in (message.text, message.html, *message.attachments):
        if part is None:
            continue
        data = part.encode("utf-8", "replace") if isinstance(part, str) else part
        if EICAR in data:
            return True
    return False


def _send(
    backend: Backend,
    context: Context,
    sent: list[Message],
    reply: Callable[[Sequence[str]], Mapping[str, Any]],
    name: str | None,
) -> Sent:
    check_configuration_set(backend, context, name)
    for each in sent:
        messages.check(each)
    if not sent:
        raise error("InvalidParameterValue.MissingTo")
    first = sent[0]
    if first.templated and first.template_content is None:
        template = templates.find(
            backend.templates,
            backend.resources.other,
            context.account,
            context.region,
            first.template or "",
        )
        if template is None:
            raise error("TemplateDoesNotExist", name=first.template)
        for each in sent:
            if templates.data_of(each.template_data) is None:
                raise error("InvalidParameterValue.TemplateData")
    sender = messages.bare(first.source)
    if backend.resources.sender_verified(sender, context.account, context.region) is False:
        raise error("MessageRejected.Unverified", region=context.region.upper(), identities=sender)
    return Sent([(m, message_id(context.region, context.now)) for m in sent], reply)


def v1_send_email(backend: Backend, context: Context, params: Mapping[str, Any]) -> Sent:
    """v1 SendEmail."""
    found = messages.v1_simple(params)
    return _send(backend, context, [found], _one, found.configuration_set)


def v1_send_raw_email(backend: Backend, context: Context, params: Mapping[str, Any]) -> Sent:
    """v1 SendRawEmail: the set may be named by an ``X-SES-CONFIGURATION-SET`` header."""
    found = messages.v1_raw(params)
    return _send(backend, context, [found], _one, found.configuration_set)


def v1_send_templated_email(backend: Backend, context: Context, params: Mapping[str, Any]) -> Sent:
    """v1 SendTemplatedEmail."""
    found = messages.v1_templated(params)
    return _send(backend, context, [found], _one, found.configuration_set)


def v1_send_bulk_templated_email(
    backend: Backend, context: Context, params: Mapping[str, Any]
) -> Sent:
    """v1 SendBulkTemplatedEmail: one message (and id) per destination, in order."""
    found = messages.v1_bulk(params)
    return _send(backend, context, found, _v1_bulk, params.get("ConfigurationSetName"))


def v2_send_email(backend: Backend, context: Context, params: Mapping[str, Any]) -> Sent:
    """v2 SendEmail, with simple, raw or template content."""
    found = messages.v2_send(params)
    return _send(backend, context, [found], _one, found.configuration_set)


def v2_send_bulk_email(backend: Backend, context: Context, params: Mapping[str, Any]) -> Sent:
    """v2 SendBulkEmail: one templated message (and id) per entry, in order."""
    found = messages.v2_bulk(params)
    return _send(backend, context, found, _v2_bulk, params.get("ConfigurationSetName"))


V1_OPERATIONS = {
    "SendEmail": v1_send_email,
    "SendRawEmail": v1_send_raw_email,
    "SendTemplatedEmail": v1_send_templated_email,
    "SendBulkTemplatedEmail": v1_send_bulk_templated_email,
}
V2_OPERATIONS = {
    "SendEmail": v2_send_email,
    "SendBulkEmail": v2_send_bulk_email,
}
