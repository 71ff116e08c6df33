"""The HTTP side of ``deploykit probe``: health API, inference API and keep-alive, called
the way the platforms call a custom image (stdlib ``http.client``: nothing to import cold).

- ModelArts calls ``GET /health`` and expects 200 ``{"health": "true"}`` (seeds/000-003).
- EAS counts an HTTP probe as healthy when 200 <= status < 400 (reference/eas.md §1.11).
- Both send inference requests to the container's port; ModelArts fails a synchronous
  request after 60 s (reference/modelarts.md §2.1).
- A hitless rolling upgrade needs HTTP keep-alive (seeds/000-002): two requests must
  travel on one connection.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from deploykit.diagnostics import Diagnostic, Severity
from deploykit.diagnostics.registry import Rule
from deploykit.errors import ConfigError
from deploykit.rules.image import findings as facts

# What a refused, reset or silent server raises through http.client.
UNANSWERED = (OSError, http.client.HTTPException)


@dataclass(frozen=True)
class Endpoint:
    """Where the server listens: ``http://127.0.0.1:8080`` (a path prefix is kept)."""

    scheme: str
    host: str
    port: int
    prefix: str

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ConfigError(f"not an http(s) URL: {url!r}",
                              hint="give the server's address, e.g. http://127.0.0.1:8080")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise ConfigError(f"the port in {url!r} is not a number",
                              hint="e.g. http://127.0.0.1:8080") from None
        return cls(parts.scheme, parts.hostname, port, parts.path.rstrip("/"))

    def connect(self, timeout: float) -> http.client.HTTPConnection:
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def url(self, path: str) -> str:
        return f"{self.scheme}://{self.host}:{self.port}{self.prefix}{path}"


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    seconds: float
    closes: bool  # the server will close the connection after this response


def send(connection: http.client.HTTPConnection, method: str, path: str,
         body: bytes | None = None) -> Answer:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    started = time.monotonic()
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    return Answer(response.status, data, time.monotonic() - started, response.will_close)


def answers(endpoint: Endpoint, path: str, timeout: float) -> bool:
    """True when anything answers ``GET path`` (used to wait for a server to come up)."""
    connection = endpoint.connect(timeout)
    try:
        send(connection, "GET", endpoint.prefix + path)
    except UNANSWERED:
        return False
    finally:
        connection.close()
    return True


def check_health(endpoint: Endpoint, platform: str, path: str, timeout: float) -> list[Diagnostic]:
    connection = endpoint.connect(timeout)
    try:
        answer = send(connection, "GET", endpoint.prefix + path)
    except UNANSWERED as err:
        return [_no_answer(endpoint, path, err)]
    finally:
        connection.close()
    where = f"GET {endpoint.url(path)}"
    if platform == "eas":
        if 200 <= answer.status < 400:
            return []
        return [facts.BAD_HEALTH(None, f"{where} answered {answer.status}; EAS counts only "
                                 "200-399 as healthy", suggestion="answer 200 when ready")]
    if answer.status != 200:
        return [facts.BAD_HEALTH(None, f"{where} answered {answer.status}, not 200",
                                 suggestion='answer 200 {"health": "true"} when ready')]
    if _json(answer.body) != facts.HEALTH_BODY:
        shown = answer.body[:80].decode("utf-8", "replace")
        return [facts.BAD_HEALTH(
            None, f'{where} answered 200 with {shown!r}, not {{"health": "true"}}',
            suggestion='answer {"health": "true"} as the seeds specify',
            severity=Severity.WARNING,  # the status decides health; the body is the spec's
        )]
    return []


def check_inference(endpoint: Endpoint, platform: str, path: str, payload: Any,
                    timeout: float) -> list[Diagnostic]:
    connection = endpoint.connect(timeout)
    where = f"POST {endpoint.url(path)}"
    try:
        answer = send(connection, "POST", endpoint.prefix + path, json.dumps(payload).encode())
    except UNANSWERED as err:
        return [_no_answer(endpoint, path, err, rule=facts.BAD_INFERENCE)]
    finally:
        connection.close()
    found = []
    if answer.status >= 500:
        found.append(facts.BAD_INFERENCE(None, f"{where} answered {answer.status}",
                                         suggestion="see the server's log for the error"))
    elif answer.status >= 400:
        found.append(facts.BAD_INFERENCE(
            None, f"{where} answered {answer.status} to the sample request",
            suggestion="send a request the model accepts with --data '<json>'",
            severity=Severity.WARNING,
        ))
    if platform == "modelarts" and answer.seconds > facts.SYNC_REQUEST_SECONDS:
        found.append(facts.SLOW_REQUEST(
            None, f"{where} took {answer.seconds:.0f} s",
            suggestion="make it faster, or deploy the model in asynchronous mode",
        ))
    return found


def check_keepalive(endpoint: Endpoint, path: str, timeout: float) -> list[Diagnostic]:
    """Two requests on one connection, as a load balancer with keep-alive sends them."""
    connection = endpoint.connect(timeout)
    try:
        first = send(connection, "GET", endpoint.prefix + path)
        sock = connection.sock
        if not first.closes:
            send(connection, "GET", endpoint.prefix + path)
            if connection.sock is sock:
                return []
    except UNANSWERED:
        pass  # the server dropped the connection it had kept open: no keep-alive either
    finally:
        connection.close()
    return [facts.NO_HTTP_KEEPALIVE(
        None, f"{endpoint.url(path)} closes the connection after each request",
        suggestion="keep connections open (gunicorn: -k gevent --keep-alive 200)",
    )]


def _no_answer(endpoint: Endpoint, path: str, err: BaseException,
               rule: Rule = facts.NO_ANSWER) -> Diagnostic:
    cause = "timed out" if isinstance(err, socket.timeout) else (
        str(err) or type(err).__name__)
    return rule(
        None, f"{endpoint.url(path)} did not answer: {cause}",
        suggestion="start the server, and check it listens on 0.0.0.0 at this port",
    )


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None
