"""``deploykit invoke``: call a deployed service's endpoint with its token, as its users do.

What is decided here: the body (``-d JSON``, checked to be JSON, or ``-f FILE`` as it is,
``-`` for standard input), the endpoint (the internet one: the intranet one answers only
inside the service's VPC, reference/eas.md §3.7), the sub-path (``--path``), and what a
non-2xx answer means (exit 3, with the status and the start of the body). The token travels
in the header the platform names and is never shown: an answer that repeats it has it
replaced by ``****``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import SecretStr

from deploykit.clients._api import ServiceClient
from deploykit.clients._capabilities import Invoker, ServiceAccess, ServiceAnswer, ServiceRequest
from deploykit.deploy.operations import unsupported
from deploykit.errors import ApiError, ConfigError
from deploykit.secrets import REDACTED

JSON_TYPE = "application/json"
# How much of a refused answer's body the error line quotes.
EXCERPT = 300
# What a refusal usually means, by status (reference/eas.md §3.4: the gateway answers 503
# "no healthy upstream" while no instance is ready; §3.6: 408, 429 and 450 are its limits).
_HINTS = {
    401: "the service refused its token; it may have changed: run the command again",
    404: "the gateway has no such service or path; check --path",
    408: "the request took longer than the service's rpc.keepalive",
    429: "the service's rpc.rate_limit was exceeded; try again later",
    450: "the service's queue is full (rpc.max_queue_size); try again later",
    503: "no instance of the service is ready: see `deploykit instances {name}`, or start it",
}


@dataclass(frozen=True)
class Payload:
    body: bytes = b""
    content_type: str | None = None


def read_payload(data: str | None, file: str | None, stdin: BinaryIO) -> Payload:
    """The body ``-d`` or ``-f`` gives (none: an empty POST); ``ConfigError`` for both, for a
    ``-d`` that is not JSON, or for a file that cannot be read."""
    if data is not None and file is not None:
        raise ConfigError("give either -d JSON or -f FILE, not both",
                          hint="-d for a JSON document, -f for a file (- for standard input)")
    if data is not None:
        problem = _json_problem(data)
        if problem:
            raise ConfigError(
                f"-d is not JSON ({problem})",
                hint="quote it for the shell, e.g. -d '{\"text\": \"hello\"}', or send any "
                "other body with -f FILE",
            )
        return Payload(data.encode("utf-8"), JSON_TYPE)
    if file is None:
        return Payload()
    body = stdin.read() if file == "-" else _read_file(file)
    return Payload(body, "application/octet-stream" if _json_problem(body) else JSON_TYPE)


def endpoint_url(access: ServiceAccess, name: str, path: str | None) -> str:
    """The internet endpoint (else the intranet one), with ``path`` (:func:`sub_path`) under it."""
    base = access.internet or access.intranet
    if not base:
        raise ApiError(f"service [{name}] has no endpoint to call yet",
                       hint=f"wait until it is running: `deploykit desc {name}`")
    sub = sub_path(path)
    if not sub:
        return base
    return base.rstrip("/") + ("" if sub.startswith("?") else "/") + sub.lstrip("/")


def sub_path(path: str | None) -> str:
    """``--path``, checked to stay under the service's endpoint: no scheme or host, no ``.``
    or ``..`` segment, no fragment; a query may follow."""
    sub = (path or "").strip()
    route = sub.split("?", 1)[0]
    if "://" in sub or sub.startswith("//") or "#" in sub or any(c.isspace() for c in sub) or (
        {".", ".."} & set(route.split("/"))
    ):
        raise ConfigError(f"--path {path!r} is not a path under the service's endpoint",
                          hint="give a path such as /v1/predict (a query may follow: ?top=3)")
    return sub


def invoke(
    client: ServiceClient, name: str, payload: Payload, *, platform: str, path: str | None = None
) -> ServiceAnswer:
    """POST ``payload`` to ``name``'s endpoint with its token; the answer if it is 2xx,
    ``ApiError`` (exit 3) with the status otherwise."""
    if not isinstance(client, Invoker):
        raise unsupported("invoke", platform)
    sub_path(path)  # a bad --path is refused before anything is asked
    access = client.service_access(name)
    secret = {access.token_header: access.token} if access.token is not None else {}
    headers = {"content-type": payload.content_type} if payload.content_type else {}
    request = ServiceRequest(endpoint_url(access, name, path), payload.body, headers, secret)
    answer = _without(access.token, client.call_service(request))
    if not answer.ok:
        said = " ".join(answer.body.decode("utf-8", errors="replace").split())
        excerpt = said if len(said) <= EXCERPT else said[: EXCERPT - 3] + "..."
        hint = _HINTS.get(answer.status, "that is the service's own answer; its log may say "
                          "more: `deploykit logs {name}`")
        raise ApiError(f"invoke: service [{name}] answered {answer.reason or 'an error'}"
                       + (f": {excerpt}" if excerpt else ""),
                       status=answer.status, hint=hint.format(name=name))
    return answer


def answer_text(answer: ServiceAnswer) -> str:
    """The body as the service sent it (UTF-8; other bytes shown as U+FFFD), one final line
    break dropped: the command prints its own."""
    text = answer.body.decode("utf-8", errors="replace")
    return text[:-1] if text.endswith("\n") else text


def answer_document(name: str, answer: ServiceAnswer) -> dict[str, Any]:
    """``--format json``: the status and the body, parsed when it is JSON."""
    body: Any = answer_text(answer)
    if _json_problem(answer.body) is None:
        body = json.loads(answer.body)
    return {"service": name, "status": answer.status, "content_type": answer.content_type,
            "body": body}


def _read_file(file: str) -> bytes:
    try:
        return Path(file).read_bytes()
    except OSError as err:
        raise ConfigError(f"-f {file}: cannot read it ({err.strerror or err})",
                          hint="give a readable file, or - for standard input") from None


def _json_problem(text: str | bytes) -> str | None:
    """Why ``text`` is not JSON (None when it is)."""
    try:
        json.loads(text)
    except json.JSONDecodeError as err:
        return f"line {err.lineno}, column {err.colno}: {err.msg}"
    except (ValueError, RecursionError):  # not UTF-8; nested past the parser's limit
        return "not UTF-8 JSON text, or nested too deeply"
    return None


def _without(token: SecretStr | None, answer: ServiceAnswer) -> ServiceAnswer:
    """The answer with the token, should the service repeat it, replaced by ``****``."""
    secret = token.get_secret_value().encode() if token is not None else b""
    if not secret or secret not in answer.body:
        return answer
    return replace(answer, body=answer.body.replace(secret, REDACTED.encode()))
