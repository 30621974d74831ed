"""What the account is known to have beyond its sets: verified identities and SNS topics.

Real SES refuses a tracking redirect domain that is not a verified identity, and an SNS event
destination whose topic does not exist. The mock cannot know a real account's identities and
topics, so it checks only what it has been told: once a test declares identities (or topics), or
moto is active beside it (its SNS topics are all there are, even none), an unknown one is refused
with SES's error. A test that declares none, without moto, is answered as before: anything
well-formed is accepted.
"""

from __future__ import annotations

from .other_services import NO_OTHER_SERVICES, OtherServices


class Resources:
    """The identities and topics one mock was told about (and its outer mock's, when nested),
    and what the account's other services hold (``other``: moto's, beside moto)."""

    def __init__(self) -> None:
        self.identities: set[tuple[str, str, str]] = set()  # (account, region, identity)
        self.topics: set[str] = set()
        self.parent: Resources | None = None
        self.other: OtherServices = NO_OTHER_SERVICES

    def _chain(self) -> list[Resources]:
        out: list[Resources] = []
        known: Resources | None = self
        while known is not None:
            out.append(known)
            known = known.parent
        return out

    def _identities(self, account: str, region: str) -> set[str]:
        declared = {
            identity
            for known in self._chain()
            for (acc, reg, identity) in known.identities
            if (acc, reg) == (account, region)
        }
        return declared | self.other.identities(account, region)

    def identity_verified(self, domain: str, account: str, region: str) -> bool | None:
        """Whether ``domain`` (or a domain above it) is verified; None when nothing is known."""
        declared = self._identities(account, region)
        if not declared:
            return None
        return _covered(domain, declared)

    def sender_verified(self, address: str, account: str, region: str) -> bool | None:
        """Whether a sender address, or its domain (or one above it), is verified; None when
        nothing is known (SES: a verified domain lets any of its addresses send)."""
        declared = self._identities(account, region)
        if not declared:
            return None
        address = address.lower()
        return address in declared or _covered(address.rpartition("@")[2], declared)

    def topic_exists(self, arn: str) -> bool | None:
        """Whether the topic ``arn`` exists; None when nothing is known about topics there.

        What the other services hold is complete knowledge (moto with no topic at all: none
        exists, as SES finds none); declared topics are known to exist.
        """
        declared = {topic for known in self._chain() for topic in known.topics}
        parts = arn.split(":")
        elsewhere = self.other.topics(parts[4], parts[3]) if len(parts) > 5 else None
        if elsewhere is None and not declared:
            return None
        return arn in declared or arn in (elsewhere or ())


def _covered(domain: str, declared: set[str]) -> bool:
    labels = domain.lower().split(".")
    return any(".".join(labels[i:]) in declared for i in range(len(labels) - 1))
