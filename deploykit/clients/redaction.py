"""Which JSON values are secrets, and copies of JSON with them replaced by ``****``.

PRODUCT.md "Messages": a secret (``dockerAuth``, AK/SK, tokens, git passwords) is never echoed,
in any format, in any log, at any verbosity. The request logger (``_http``), ``desc`` and
``plan`` all redact through this one table. No httpx here: ``plan`` output uses it too.
"""

from __future__ import annotations

import json
import re
from typing import Any

REDACTED = "****"

# Key names holding secrets anywhere in a spec or an API answer: dockerAuth, AccessToken,
# PrivateToken, token, passwords, AccessKeySecret, APIGatewayAppSecret.
_SECRET_KEY = re.compile(
    r"(dockerauth|token|password|passwd|secret|access_?key(?!_?id))", re.IGNORECASE
)
# Names that match the pattern but hold no secret: metadata.generate_token is a boolean switch
# (reference/eas.md §2.3, desc ServiceConfig).
_NOT_SECRET = frozenset({"generate_token"})


def is_secret_key(key: str) -> bool:
    return key.lower() not in _NOT_SECRET and _SECRET_KEY.search(key) is not None


def redact_json(value: Any, *, keep: frozenset[str] = frozenset()) -> Any:
    """A copy of a JSON value with every secret-named key's value replaced by ``****``.

    ``keep`` names keys to leave alone (``AccessToken`` when the user asked to see it).
    A string that holds JSON (DescribeService's ``ServiceConfig``, reference/eas.md §3.3) is
    parsed and redacted too: it carries the spec's ``dockerAuth``.
    """
    if isinstance(value, dict):
        return {
            k: REDACTED
            if is_secret_key(k) and k not in keep and v not in (None, "")
            else _redact_nested(v, keep)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_json(v, keep=keep) for v in value]
    return value


def _redact_nested(value: Any, keep: frozenset[str]) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return json.dumps(redact_json(parsed, keep=keep), ensure_ascii=False)
    return redact_json(value, keep=keep)
