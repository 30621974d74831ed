"""What happens to each recipient of a message: the mailbox simulator, or what the test said.

SES's mailbox simulator (DOC: developer guide, "Using the mailbox simulator") gives each of its
addresses at ``simulator.amazonses.com`` a fixed outcome, labels (``bounce+x@``) included; the
values the events carry come from recorded events (REC: SNS messages from the simulator captured
in public test suites, 2022; INF where marked). Every other recipient is delivered, unless the
test made it bounce, complain or be delayed (``SesMock.set_outcome``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UnknownNameError, did_you_mean

SIMULATOR_DOMAIN = "simulator.amazonses.com"

OUTCOMES = ("delivery", "bounce", "complaint", "delay")
"""What a test may make happen to a recipient."""

# DOC (event contents): bounce types and their subtypes.
BOUNCE_TYPES = {
    "Undetermined": ("Undetermined",),
    "Permanent": ("General", "NoEmail", "Suppressed", "OnAccountSuppressionList"),
    "Transient": (
        "General",
        "MailboxFull",
        "MessageTooLarge",
        "ContentRejected",
        "AttachmentRejected",
    ),
}
# DOC (event contents): complaint feedback types.
FEEDBACK_TYPES = ("abuse", "auth-failure", "fraud", "not-spam", "other", "virus")
# INF: the values public code agrees on (the guide's table does not render in its source).
DELAY_TYPES = (
    "InternalFailure",
    "General",
    "MailboxFull",
    "SpamDetected",
    "RecipientServerError",
    "IPFailure",
    "TransientCommunicationFailure",
    "BYOIPHostNameLookupUnavailable",
    "Undetermined",
    "SendingDeferral",
)

_USER_UNKNOWN = ("5.1.1", "smtp; 550 5.1.1 user unknown")  # REC: bounce@simulator
_SUPPRESSED = (
    "5.1.1",
    # REC, trailing space included.
    "Amazon SES has suppressed sending to this address because it has a recent history of "
    "bouncing as an invalid address. For more information about how to remove an address "
    "from the suppression list, see the Amazon SES Developer Guide: "
    "http://docs.aws.amazon.com/ses/latest/DeveloperGuide/remove-from-suppressionlist.html ",
)
_ACCOUNT_SUPPRESSED = (
    "5.1.1",
    # REC
    "Amazon SES did not send the message to this address because it is on the suppression "
    "list for your account. For more information about removing addresses from the suppression "
    "list, see the Amazon SES Developer Guide at "
    "https://docs.aws.amazon.com/ses/latest/DeveloperGuide/sending-email-suppression-list.html",
)
# (bounce type, subtype) -> (status, diagnostic code); INF where no recording shows one.
_BOUNCE_DETAILS = {
    ("Permanent", "General"): _USER_UNKNOWN,
    ("Permanent", "NoEmail"): _USER_UNKNOWN,
    ("Permanent", "Suppressed"): _SUPPRESSED,
    ("Permanent", "OnAccountSuppressionList"): _ACCOUNT_SUPPRESSED,
    ("Transient", "General"): ("4.0.0", "smtp; 450 4.0.0 Temporary failure"),
    ("Transient", "MailboxFull"): ("5.2.2", "smtp; 552 5.2.2 Mailbox full"),
    ("Transient", "MessageTooLarge"): ("5.3.4", "smtp; 552 5.3.4 Message too large"),
    ("Transient", "ContentRejected"): ("5.7.1", "smtp; 550 5.7.1 Message content rejected"),
    ("Transient", "AttachmentRejected"): ("5.7.1", "smtp; 550 5.7.1 Attachment rejected"),
    ("Undetermined", "Undetermined"): ("5.0.0", "smtp; 550 5.0.0 Undetermined"),
}


@dataclass(frozen=True)
class Outcome:
    """One recipient's fate, with the details its events carry."""

    kind: str
    """``delivery``, ``bounce``, ``complaint`` (delivered, then a complaint) or ``delay``."""
    bounce_type: str = "Permanent"
    bounce_subtype: str = "General"
    feedback_type: str = "abuse"
    delay_type: str = "TransientCommunicationFailure"
    simulator: bool = False
    """From the mailbox simulator (its complaint's user agent, its bounces' reporting MTA)."""

    @property
    def bounce_details(self) -> tuple[str, str]:
        """(status, diagnostic code) of a bounced recipient."""
        return _BOUNCE_DETAILS.get((self.bounce_type, self.bounce_subtype), _USER_UNKNOWN)

    @property
    def suppressed(self) -> bool:
        """SES itself refused the address: its bounce is reported by ``dns; amazonses.com``."""
        return self.bounce_subtype in ("Suppressed", "OnAccountSuppressionList")


_SIMULATOR = {
    "success": Outcome("delivery", simulator=True),
    # DOC: delivered; the out-of-office reply goes to the sender, it is not an event (INF).
    "ooto": Outcome("delivery", simulator=True),
    "bounce": Outcome("bounce", simulator=True),
    "complaint": Outcome("complaint", simulator=True),
    "suppressionlist": Outcome("bounce", bounce_subtype="Suppressed", simulator=True),
}
DELIVERED = Outcome("delivery")


def simulated(address: str) -> Outcome | None:
    """The mailbox simulator's outcome for an address (labels allowed), or None."""
    local, _, domain = address.lower().rpartition("@")
    if domain != SIMULATOR_DOMAIN:
        return None
    return _SIMULATOR.get(local.partition("+")[0])


class Outcomes:
    """What a test made happen to recipients (``SesMock.set_outcome``), by address in lower case;
    a nested mock's over the one around it (``parent``)."""

    def __init__(self) -> None:
        self.chosen: dict[str, Outcome] = {}
        self.parent: Outcomes | None = None

    def of(self, address: str) -> Outcome:
        """What happens to ``address``: the test's choice (inner mocks first), the mailbox
        simulator's, else delivered."""
        key = address.lower()
        outcomes: Outcomes | None = self
        while outcomes is not None:
            found = outcomes.chosen.get(key)
            if found is not None:
                return found
            outcomes = outcomes.parent
        return simulated(key) or DELIVERED


def make(
    outcome: object,
    *,
    bounce_type: str | None = None,
    bounce_subtype: str | None = None,
    feedback_type: str | None = None,
    delay_type: str | None = None,
) -> Outcome:
    """A checked ``Outcome``; ``UnknownNameError`` names the closest value for a typo."""
    kind = _choose("outcome", outcome, OUTCOMES)
    given = {
        "bounce_type": bounce_type,
        "bounce_subtype": bounce_subtype,
        "feedback_type": feedback_type,
        "delay_type": delay_type,
    }
    belongs = {
        "bounce": ("bounce_type", "bounce_subtype"),
        "complaint": ("feedback_type",),
        "delay": ("delay_type",),
    }
    for name, value in given.items():
        if value is not None and name not in belongs.get(kind, ()):
            raise ValueError(f"{name} applies to another outcome than {kind!r}")
    if kind == "bounce":
        chosen_type = _choose("bounce_type", bounce_type or "Permanent", tuple(BOUNCE_TYPES))
        subtypes = BOUNCE_TYPES[chosen_type]
        default = subtypes[0]
        subtype = _choose(
            f"bounce_subtype of a {chosen_type} bounce", bounce_subtype or default, subtypes
        )
        return Outcome(kind, chosen_type, subtype)
    if kind == "complaint":
        return Outcome(
            kind, feedback_type=_choose("feedback_type", feedback_type or "abuse", FEEDBACK_TYPES)
        )
    if kind == "delay":
        return Outcome(
            kind,
            delay_type=_choose(
                "delay_type", delay_type or "TransientCommunicationFailure", DELAY_TYPES
            ),
        )
    return Outcome(kind)


def _choose(what: str, value: object, allowed: tuple[str, ...]) -> str:
    if isinstance(value, str) and value in allowed:
        return value
    hint = did_you_mean(value, allowed) if isinstance(value, str) else "."
    raise UnknownNameError(f"{value!r} is not a known {what}{hint} Known: {', '.join(allowed)}")
