"""Where a request is for: the region, from the endpoint host or the SigV4 credential scope.

The same for both APIs: SES v1 and v2 share the host ``email.<region>.amazonaws.com`` and the
signing name ``ses``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_HOST_REGION = re.compile(r"^email(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$")
_SCOPE_REGION = re.compile(r"Credential=[^/,]*/\d{8}/([^/,]+)/")

_url_regions: dict[str, str] = {}


def region_of(url: str, authorization: str | bytes | None) -> str | None:
    """The region a request is for: from ``email.<region>.amazonaws.com``, else the SigV4 scope."""
    known = _url_regions.get(url)
    if known is not None:
        return known
    host = urlsplit(url).hostname or ""
    found = _HOST_REGION.match(host)
    if found:
        if len(_url_regions) < 1024:  # a handful of endpoints in practice; bounded all the same
            _url_regions[url] = found.group(1)
        return found.group(1)
    if authorization:
        if isinstance(authorization, bytes):  # botocore's signer writes the header as bytes
            authorization = authorization.decode("latin-1")
        scoped = _SCOPE_REGION.search(authorization)
        if scoped:
            return scoped.group(1)
    return None
