"""Where a request is for: the region, from the endpoint host or the SigV4 credential scope.

The same for both APIs: SES v1 and v2 share the host ``email.<region>.amazonaws.com`` and the
signing name ``ses``.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import urlsplit


@cache
def _ses_host() -> re.Pattern[str]:
    """SES's endpoint host, v1 and v2 alike: ``email.<region>.amazonaws.com``; group 1 the
    region. Compiled on first use: the adapters import this module with the plugin."""
    return re.compile(r"^email(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$")


@cache
def _scope_region() -> re.Pattern[str]:
    return re.compile(r"Credential=[^/,]*/\d{8}/([^/,]+)/")


URL_REGIONS: dict[str, str] = {}
"""Endpoint URL -> the region its host names, for the URLs seen (a handful; bounded all the same):
the pipeline reads it before calling ``region_of``."""

AWS_DOMAINS = ("amazonaws.com", "amazonaws.com.cn", "api.aws")
"""Domains of real AWS endpoints: a host in one of them is AWS."""

_SUFFIXES = tuple(f".{domain}" for domain in AWS_DOMAINS)


def is_aws_host(host: object) -> bool:
    """Whether ``host`` (a name, as str or bytes) is a real AWS endpoint."""
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    if not isinstance(host, str) or not host:
        return False
    name = host.rstrip(".").lower()
    return name.endswith(_SUFFIXES) or name in AWS_DOMAINS


def is_ses_host(host: str) -> bool:
    """Whether ``host`` is SES's endpoint in some region."""
    return _ses_host().match(host) is not None


def region_of(url: str, authorization: str | bytes | None) -> str | None:
    """The region a request is for: from ``email.<region>.amazonaws.com``, else the SigV4 scope."""
    known = URL_REGIONS.get(url)
    if known is not None:
        return known
    host = urlsplit(url).hostname or ""
    found = _ses_host().match(host)
    if found:
        if len(URL_REGIONS) < 1024:  # a handful of endpoints in practice; bounded all the same
            URL_REGIONS[url] = found.group(1)
        return found.group(1)
    if authorization:
        if isinstance(authorization, bytes):  # botocore's signer writes the header as bytes
            authorization = authorization.decode("latin-1")
        scoped = _scope_region().search(authorization)
        if scoped:
            return scoped.group(1)
    return None
