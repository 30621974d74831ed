"""What can stop a snapshot, as one line for the user: which call failed, where, and why.

botocore raises a different exception for each way a call can fail (no credentials, a refused
signature, a host that does not answer, an endpoint that is not SES); each becomes a
``SnapshotError`` whose message names the operation, the region and the endpoint, and whose
``status`` is the command's exit status.
"""

from __future__ import annotations

from typing import Any

from botocore import exceptions as boto
from botocore.parsers import ResponseParserError

DRIFT = 1
"""Exit status of ``--check`` when the file and the account differ."""
USAGE = 2
"""Exit status for a bad argument or a file that cannot be used (as ``serve`` uses it)."""
ACCOUNT = 3
"""Exit status when the account could not be read: credentials, access, network, SES."""
INTERRUPTED = 130
"""Exit status after Ctrl-C (128 + SIGINT, as shells report it)."""


class SnapshotError(Exception):
    """A failure the command reports as one line on stderr, exiting with ``status``."""

    def __init__(self, message: str, status: int = ACCOUNT) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


# Codes with which AWS refuses a caller rather than a request (IAM, or the signature).
_DENIED = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "OptInRequired"}
)
_BAD_CREDENTIALS = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "InvalidSignatureException",
        "MissingAuthenticationToken",
        "ExpiredToken",
        "ExpiredTokenException",
        "AuthFailure",
    }
)

_CREDENTIAL_ERRORS: tuple[type[Exception], ...] = (
    boto.NoCredentialsError,
    boto.PartialCredentialsError,
    boto.CredentialRetrievalError,
    boto.SSOError,
    boto.TokenRetrievalError,
    boto.InvalidConfigError,
)


def error_code(error: boto.ClientError) -> str:
    """The error code AWS answered (``Throttling``, ``AccessDenied``...)."""
    return str(error.response.get("Error", {}).get("Code") or "")


def http_status(error: boto.ClientError) -> int:
    """The HTTP status of the answer, 0 when botocore did not say."""
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)


def explain(error: Exception, operation: str, region: str, endpoint: str) -> SnapshotError:
    """``error``, raised by ``operation`` in ``region`` at ``endpoint``, as one line."""
    where = f"{operation} in {region} at {endpoint}"
    if isinstance(error, boto.ClientError):
        code = error_code(error)
        message = " ".join(str(error.response.get("Error", {}).get("Message") or "").split())
        said = f"{code}: {message}" if message else code or f"HTTP {http_status(error)}"
        if code in _DENIED:
            return SnapshotError(f"access denied: {where}: {said}")
        if code in _BAD_CREDENTIALS:
            return SnapshotError(f"AWS refused the credentials: {where}: {said}")
        return SnapshotError(f"{where} failed: {said}")
    if isinstance(error, (boto.ConnectionError, boto.HTTPClientError)):
        return SnapshotError(f"cannot reach SES: {where}: {_reason(error)}")
    if isinstance(error, _CREDENTIAL_ERRORS):
        return SnapshotError(f"cannot get AWS credentials for {where}: {_reason(error)}")
    if isinstance(error, ResponseParserError):
        return SnapshotError(f"{where}: the answer is not SES's: {_reason(error)}")
    if isinstance(error, boto.BotoCoreError):
        return SnapshotError(f"{where} failed: {_reason(error)}")
    # botocore parsing an answer that is not SES's at all: an XML page without the operation's
    # result element is a KeyError from deep inside its parser.
    return SnapshotError(
        f"{where}: the answer is not SES's: {type(error).__name__}: {_reason(error)}"
    )


def _reason(error: Any) -> str:
    # botocore's messages can span lines (a parser error quotes the body): one short line here.
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 300 else text[:300] + "..."
