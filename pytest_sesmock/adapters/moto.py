"""moto beside us: whether its mock is active, what its backends hold, which sends it answers.

moto is never imported here: it is read only when the program already imported it (through
``sys.modules``), so a suite without moto pays nothing and a suite with it is not slowed down.
What is read of moto (its botocore stubber's ``enabled`` flag, its backends' dictionaries) is
what moto 4 and 5 have; anything else found there is treated as "moto knows nothing".
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

from ..protocols.model import V2


def stubber() -> Any:
    """moto's botocore stubber as loaded now (None without moto).

    It is what answers a botocore session's requests: moto adds it to botocore's builtin
    handlers when it is imported, and a session takes those handlers when it is made. A program
    that drops moto from ``sys.modules`` and imports it again (pytester's in-process runs do)
    gets a new stubber that older sessions do not know, so callers key their clients by it.
    """
    return getattr(sys.modules.get("moto.core.models"), "botocore_stubber", None)


def active() -> bool:
    """Whether moto's ``mock_aws`` (or an older ``mock_*``) is active in this process."""
    return bool(getattr(stubber(), "enabled", False))


def backend(module: str, name: str, account: str, region: str) -> Any:
    """moto's backend for a service, when moto is loaded and its mock is active; else None."""
    if not active() or module not in sys.modules:
        return None
    try:
        return getattr(sys.modules[module], name)[account][region]
    except Exception:  # another moto version's layout: know nothing rather than guess
        return None


def answers_send(api: str, operation: str, params: Any) -> bool:
    """Whether moto, active now, answers this send itself.

    moto 5 answers SES v1's four sends and SES v2's SendEmail with simple or raw content; it
    raises ``NotImplementedError`` for v2's templated SendEmail and for SendBulkEmail (observed
    with moto 5.2), so pytest-sesmock answers those itself even beside moto.
    """
    if not active():
        return False
    if api != V2:
        return True
    if operation == "SendBulkEmail":
        return _has_action("moto.sesv2.responses", "SESV2Response", "send_bulk_email")
    content = params.get("Content") if hasattr(params, "get") else None
    return not (isinstance(content, dict) and "Template" in content)


def _has_action(module: str, cls: str, action: str) -> bool:
    try:
        found = getattr(importlib.import_module(module), cls)
    except Exception:  # moto without that module: it does not answer the action
        return False
    return hasattr(found, action)


def templates(account: str, region: str) -> dict[str, Any]:
    """moto's SES templates (v1 ``CreateTemplate``, which v2 shares in moto), by name."""
    found = backend("moto.ses.models", "ses_backends", account, region)
    stored = getattr(found, "templates", None) if found is not None else None
    return dict(stored) if isinstance(stored, dict) else {}
