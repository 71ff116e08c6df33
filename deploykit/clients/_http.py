"""The one httpx client factory: timeouts, user agent, ``--verbose`` logs with secrets redacted.

Every management-API client is built here, so every request is logged the same way and no
secret can reach a log: the signature, the STS token, and secrets inside JSON bodies
(``dockerAuth``, tokens, passwords, access keys) are replaced by ``****`` before a line is
written. The log goes to a callable (the CLI passes its stderr writer), never to ``print``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

import deploykit
from deploykit.clients.redaction import REDACTED, redact_json

USER_AGENT = f"deploykit/{getattr(deploykit, '__version__', '0.1.0')}"
# Connect quickly, but give the API time to answer: CreateService can take several seconds.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)

# Header names whose values are credentials (reference/eas.md §3.1 lists what the SDK sends).
SECRET_HEADERS = frozenset({"authorization", "x-acs-security-token", "cookie", "set-cookie"})
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
