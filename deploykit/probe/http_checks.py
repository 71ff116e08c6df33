"""The server side of ``deploykit probe``: reachability, health checks and keep-alive, sent
the way the platforms send them (httpx, one fresh connection per probe).

- ModelArts calls the config's health url (``GET /health`` by default) and expects 200
  ``{"health": "true"}`` (seeds/000-003).
- EAS counts an HTTP probe healthy when 200 <= status < 400, a TCP probe when it connects
  (reference/eas.md §1.11), on the container port the spec declares.
- A hitless rolling upgrade needs HTTP keep-alive of 200 s (seeds/000-002): two requests
  must travel on one connection, and an advertised ``Keep-Alive: timeout=N`` must allow 200.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from deploykit.diagnostics import Diagnostic, Severity
from deploykit.errors import ConfigError
from deploykit.probe import findings
from deploykit.probe.contract import HealthCheck

Say = Callable[[str], None]  # where progress lines go (the CLI prints them on stderr)
_KEEPALIVE_TIMEOUT = re.compile(r"(?:^|[,;\s])timeout\s*=\s*(\d+)", re.I)


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

    def url(self, path: str, port: int | None = None) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{port or self.port}{self.prefix}{path}"

    def on_port(self, port: int | None) -> Endpoint:
        return self if port is None else replace(self, port=port)


def client(timeout: float) -> httpx.Client:
    """A client that talks to the probed server only: no proxy from the environment, no
    redirects followed (a redirect is an answer to report, not a place to go)."""
    return httpx.Client(timeout=timeout, trust_env=False, follow_redirects=False)


def reachable(endpoint: Endpoint, timeout: float) -> Diagnostic | None:
    """None when the server accepts a connection; else the IMG020 finding that ends the probe."""
    try:
        socket.create_connection((endpoint.host, endpoint.port), timeout=timeout).close()
    except OSError as err:
        return findings.NO_ANSWER(
            None, f"{endpoint.url('')} did not answer: {describe(err)}",
            suggestion="start the server, and check it listens on 0.0.0.0 at this port",
        )
    return None


def answers(endpoint: Endpoint, path: str, timeout: float) -> bool:
    """True when anything answers ``GET path`` (to wait for a server, or watch it go)."""
    try:
        with client(timeout) as http:
            http.get(endpoint.url(path))
    except httpx.HTTPError:
        return False
    return True


def check_health(endpoint: Endpoint, check: HealthCheck, timeout: float,
                 say: Say) -> list[Diagnostic]:
    if check.kind == "exec":
        return [findings.CHECK_NOT_RUN(
            check.pointer, f"{check.label} is a command check: it runs inside the container, "
            "so the probe cannot run it", suggestion="run the command in the container "
            "(docker exec) and check that it exits 0",
        )]
    target = endpoint.on_port(check.port)
    if check.kind == "tcp":
        return _check_tcp(target, check, timeout, say)
    where = f"GET {target.url(check.path)}"
    try:
        with client(timeout) as http:
            response = http.get(target.url(check.path))
    except httpx.HTTPError as err:
        return [findings.BAD_HEALTH(check.pointer, f"{check.label}: {where} did not answer: "
                                    f"{describe(err)}", suggestion=_health_fix(check, target))]
    say(f"{where} -> {response.status_code} {_shown(response.content)}")
    return _judge_health(check, where, response)


def _check_tcp(target: Endpoint, check: HealthCheck, timeout: float,
               say: Say) -> list[Diagnostic]:
    try:
        socket.create_connection((target.host, target.port), timeout=timeout).close()
    except OSError as err:
        return [findings.BAD_HEALTH(
            check.pointer, f"{check.label}: nothing accepts a TCP connection on "
            f"{target.host}:{target.port}: {describe(err)}", suggestion=_health_fix(check, target),
        )]
    say(f"TCP {target.host}:{target.port} -> connected")
    return []


def _judge_health(check: HealthCheck, where: str, response: httpx.Response) -> list[Diagnostic]:
    status = response.status_code
    if status not in check.healthy:
        expected = ("200-399" if len(check.healthy) > 1 else
                    f"{check.healthy.start} {json.dumps(check.body)}")
        return [findings.BAD_HEALTH(
            check.pointer, f"{check.label}: {where} answered {status}; the platform expects "
            f"{expected} from a ready server", suggestion="answer 200 when the model is loaded",
        )]
    if check.body is not None and _json(response.content) != check.body:
        return [findings.BAD_HEALTH(
            check.pointer, f"{check.label}: {where} answered {status} with "
            f"{_shown(response.content)}, not {json.dumps(check.body)}",
            suggestion=f"answer {json.dumps(check.body)} as the custom-image specification shows",
            severity=Severity.WARNING,  # the status decides health; the body is the spec's
        )]
    return []


def _health_fix(check: HealthCheck, target: Endpoint) -> str:
    if check.kind == "tcp" or check.port is not None:
        return f"listen on port {target.port} (the port the spec declares), on 0.0.0.0"
    return f"serve GET {check.path} on the server's port"


def check_keepalive(endpoint: Endpoint, path: str, timeout: float,
                    say: Say) -> list[Diagnostic]:
    """Two requests on one connection, as a load balancer with keep-alive sends them; an
    advertised ``Keep-Alive: timeout=N`` must be at least the seeds' 200 s."""
    url = endpoint.url(path)
    try:
        with client(timeout) as http:  # the socket's address is read while it is open
            first = http.get(url)
            opened = _local_address(first)
            second = http.get(url)
            kept = opened is not None and _local_address(second) == opened
    except httpx.HTTPError:
        kept = False  # the server dropped the connection it had kept open
    if not kept:
        return [findings.NO_HTTP_KEEPALIVE(
            None, f"{url} closes the connection after each request",
            suggestion="keep connections open (gunicorn: -k gevent --keep-alive 200)",
        )]
    advertised = _KEEPALIVE_TIMEOUT.search(second.headers.get("keep-alive", ""))
    if advertised and int(advertised.group(1)) < findings.KEEPALIVE_SECONDS:
        return [findings.SHORT_KEEPALIVE(
            None, f"{url} advertises Keep-Alive: timeout={advertised.group(1)}; a hitless "
            f"rolling upgrade needs {findings.KEEPALIVE_SECONDS:g} s",
            suggestion="set the server's keep-alive to 200 s (gunicorn: --keep-alive 200)",
        )]
    say(f"GET {url} twice -> one connection kept open"
        + (f" (Keep-Alive: timeout={advertised.group(1)})" if advertised else ""))
    return []


def _local_address(response: httpx.Response) -> Any:
    """The local address of the connection ``response`` came on; None once it is closed
    (httpx closes it at once after a ``Connection: close`` answer)."""
    stream = response.extensions.get("network_stream")
    try:
        return None if stream is None else stream.get_extra_info("client_addr")
    except OSError:
        return None


def describe(err: BaseException) -> str:
    """A transport error in a few words: "connection refused", "timed out"."""
    if isinstance(err, httpx.TimeoutException | socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(err, ConnectionRefusedError) or "refused" in str(err).lower():
        return "connection refused"
    return str(err) or type(err).__name__


def _shown(body: bytes) -> str:
    """A response body as a message may quote it: its start, printable."""
    text = body[:80].decode("utf-8", "replace")
    return repr(text + ("..." if len(body) > 80 else ""))


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None
