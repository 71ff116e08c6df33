"""The one httpx client factory: timeouts, user agent, ``--verbose`` logs with secrets redacted.

PRODUCT.md "Messages": a secret (``dockerAuth``, AK/SK, tokens, git passwords) is never echoed,
in any format, in any log, at any verbosity. The request logger here, ``desc`` and ``plan``
all redact through the one table below.

Every management-API client is built here, so every request is logged the same way and no
secret can reach a log: the signature, the STS token, and secrets inside JSON bodies
(``dockerAuth``, tokens, passwords, access keys) are replaced by ``****`` before a line is
written. The log goes to a callable (the CLI passes its stderr writer), never to ``print``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx

import deploykit

USER_AGENT = f"deploykit/{getattr(deploykit, '__version__', '0.1.0')}"
# Connect quickly, but give the API time to answer: CreateService can take several seconds.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)

# Header names whose values are credentials (reference/eas.md §3.1 lists what the SDK sends;
# reference/modelarts.md §4.1-§4.2: IAM tokens travel in X-Auth-Token and X-Subject-Token,
# temporary AK/SK tokens in X-Security-Token).
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "cookie",
        "set-cookie",
        "x-acs-security-token",
        "x-auth-token",
        "x-security-token",
        "x-subject-token",
    }
)
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

LogSink = Callable[[str], None]


def build_client(
    base_url: str,
    *,
    auth: httpx.Auth | None = None,
    transport: httpx.BaseTransport | None = None,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    log: LogSink | None = None,
) -> httpx.Client:
    """An httpx client for one API endpoint; ``log`` receives redacted request/response lines."""
    hooks: dict[str, list[Callable[..., Any]]] = {"request": [], "response": []}
    if log is not None:
        hooks["request"].append(lambda request: log(describe_request(request)))
        hooks["response"].append(lambda response: _log_response(response, log))
    return httpx.Client(
        base_url=base_url,
        auth=auth,
        transport=transport,
        timeout=timeout,
        headers={"user-agent": USER_AGENT, "accept": "application/json"},
        event_hooks=hooks,
        follow_redirects=False,
    )


def redact_headers(headers: httpx.Headers) -> list[tuple[str, str]]:
    return [
        (name, REDACTED if name.lower() in SECRET_HEADERS else value)
        for name, value in headers.multi_items()
    ]


def redact_body(content: bytes) -> str:
    """The body as text with secrets removed; a body that is not JSON is summarised, not shown."""
    if not content:
        return ""
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return f"<{len(content)} bytes, not JSON>"
    return json.dumps(redact_json(data), ensure_ascii=False)


def describe_request(request: httpx.Request) -> str:
    lines = [f"> {request.method} {request.url}"]
    lines += [f"> {k}: {v}" for k, v in redact_headers(request.headers)]
    body = redact_body(request.content)
    if body:
        lines.append(f"> {body}")
    return "\n".join(lines)


def _log_response(response: httpx.Response, log: LogSink) -> None:
    response.read()
    lines = [f"< {response.status_code} {response.reason_phrase}"]
    lines += [f"< {k}: {v}" for k, v in redact_headers(response.headers)]
    body = redact_body(response.content)
    if body:
        lines.append(f"< {body}")
    log("\n".join(lines))
