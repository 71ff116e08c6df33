"""The one httpx client factory: timeouts, user agent, ``--verbose`` logs with secrets redacted.

Every management-API client is built here, so every request is logged the same way and no
secret can reach a log: credential headers (the signature, STS and IAM tokens) and secrets
inside JSON bodies (``dockerAuth``, tokens, passwords, env values with secret names) are
replaced by ``****`` before a line is written — what is secret is decided by
:mod:`deploykit.secrets`, as for every other output. The log goes to a callable (the CLI
passes its stderr writer), never to ``print``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

import deploykit
from deploykit.secrets import redact_headers, redact_json, redact_userinfo

USER_AGENT = f"deploykit/{getattr(deploykit, '__version__', '0.1.0')}"
# Connect quickly, but give the API time to answer: CreateService can take several seconds.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
DEFAULT_TIMEOUT = httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT)
# A request near the --timeout deadline still gets this long: the last poll of a wait must be
# able to answer, or a timeout (exit 5) would turn into a transport error (exit 3).
MIN_TIMEOUT = 1.0

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


def timeout_within(seconds_left: float | None) -> httpx.Timeout:
    """The usual timeout, cut short so a request ends about when the command must."""
    if seconds_left is None or seconds_left >= READ_TIMEOUT:
        return DEFAULT_TIMEOUT
    bounded = max(MIN_TIMEOUT, seconds_left)
    return httpx.Timeout(bounded, connect=min(bounded, CONNECT_TIMEOUT))


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
    lines = [f"> {request.method} {redact_userinfo(str(request.url))}"]
    lines += [f"> {k}: {v}" for k, v in redact_headers(request.headers.multi_items())]
    body = redact_body(request.content)
    if body:
        lines.append(f"> {body}")
    return "\n".join(lines)


def _log_response(response: httpx.Response, log: LogSink) -> None:
    response.read()
    lines = [f"< {response.status_code} {response.reason_phrase}"]
    lines += [f"< {k}: {v}" for k, v in redact_headers(response.headers.multi_items())]
    body = redact_body(response.content)
    if body:
        lines.append(f"< {body}")
    log("\n".join(lines))
