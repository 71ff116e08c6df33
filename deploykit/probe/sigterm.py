"""``deploykit probe --run CMD``: start the server, then stop it as a rolling upgrade does.

The platform sends SIGTERM to the container's first process and, per the seeds
(seeds/000-002), expects it to finish the requests it has received, keep serving for 60 s,
and exit within 90 s in all. The probe does the same, watching three things: a request
whose body is still arriving when SIGTERM is sent must be answered; the health API must
keep answering during the wait; the process must exit by the limit. ``wait``/``limit``
default to the seeds' 60/90 s; shorter windows let a test of one's own image run in seconds.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from deploykit.diagnostics import Diagnostic
from deploykit.errors import ConfigError, WaitTimeout
from deploykit.probe import findings
from deploykit.probe.api_checks import request_for
from deploykit.probe.contract import ApiCall
from deploykit.probe.http_checks import Endpoint, answers, client, describe


@dataclass(frozen=True)
class Window:
    wait: float = findings.SIGTERM_WAIT_SECONDS  # keep serving at least this long
    limit: float = findings.SIGTERM_TOTAL_SECONDS  # and be gone by then


@contextmanager
def running(command: str, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """The server ``command`` runs as, killed (with its children) however the block ends.

    Its output goes to our standard error, so the probe's report on stdout stays parseable.
    """
    try:
        argv = shlex.split(command)
    except ValueError as err:
        raise ConfigError(f"cannot split --run {command!r}: {err}",
                          hint='quote it as one argument: --run "sh run.sh"') from None
    if not argv:
        raise ConfigError("--run is empty", hint='e.g. --run "sh /home/run.sh"')
    try:
        process = subprocess.Popen(  # its own session: we can stop its children too
            argv, stdin=subprocess.DEVNULL, stdout=2, stderr=2,
            env={**os.environ, **(env or {})}, start_new_session=True,
        )
    except OSError as err:
        raise ConfigError(f"cannot start {argv[0]!r}: {err.strerror or err}",
                          hint="check the command and that it is on PATH") from None
    try:
        yield process
    finally:
        _kill_group(process)  # also what it left behind, e.g. gunicorn after sh exited


def wait_until_answering(process: subprocess.Popen[bytes], endpoint: Endpoint, path: str,
                         timeout: float) -> Diagnostic | None:
    """None once the server answers; IMG020 when it exits first. Raises WaitTimeout (exit 5)
    when it is still silent after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return findings.NO_ANSWER(
                None, f"the server exited with status {process.returncode} before answering "
                f"{endpoint.url(path)}", suggestion="run the command by hand and read its log",
            )
        if answers(endpoint, path, timeout=1.0):
            return None
        time.sleep(0.1)
    raise WaitTimeout(f"the server did not answer {endpoint.url(path)} within {timeout:g} s "
                      "of starting", hint="raise --timeout if it loads a large model; check "
                      "the port it listens on")


def check_sigterm(process: subprocess.Popen[bytes], endpoint: Endpoint, path: str,
                  api: ApiCall, window: Window) -> list[Diagnostic]:
    """SIGTERM the server with ``api``'s request in flight; the request must be answered,
    the server must answer for ``window.wait`` s and exit by ``window.limit``."""
    in_flight = InFlight(endpoint, api, timeout=window.limit)
    in_flight.start()
    sent = time.monotonic()  # before the signal: the server's wait cannot start earlier
    process.send_signal(signal.SIGTERM)
    in_flight.finish()
    silent_at = _watch(process, endpoint, path, window, sent)
    elapsed = time.monotonic() - sent
    found = in_flight.outcome(max(0.1, window.limit - elapsed))
    exited = process.poll() is not None
    if exited and elapsed < window.wait:
        found.append(findings.EARLY_EXIT(
            None, f"the server exited {elapsed:.1f} s after SIGTERM; it should keep serving "
            f"{window.wait:g} s", suggestion="trap SIGTERM in run.sh and sleep 60 before "
            "stopping the server (seeds' sample run.sh)",
        ))
    elif silent_at is not None:
        found.append(findings.EARLY_EXIT(
            None, f"{endpoint.url(path)} stopped answering {silent_at:.1f} s after SIGTERM; "
            f"it should keep serving {window.wait:g} s",
            suggestion="pass SIGTERM on to the server only after the wait (sleep 60; kill -15)",
        ))
    if not exited:
        _kill_group(process)
        found.append(findings.LATE_EXIT(
            None, f"the server was still running {window.limit:g} s after SIGTERM (killed)",
            suggestion="bound the server's graceful timeout so the exit ends within 90 s",
        ))
    return found


def _watch(process: subprocess.Popen[bytes], endpoint: Endpoint, path: str, window: Window,
           sent: float) -> float | None:
    """Until the process exits or the limit passes: when, during the wait, the health API
    first went silent (None if it never did)."""
    silent_at: float | None = None
    interval = min(1.0, window.wait / 5) if window.wait > 0 else 0.1
    while process.poll() is None and time.monotonic() - sent < window.limit:
        elapsed = time.monotonic() - sent
        if silent_at is None and elapsed < window.wait and not answers(endpoint, path, 1.0):
            silent_at = time.monotonic() - sent
        time.sleep(interval)
    return silent_at


class InFlight:
    """``api``'s request, sent from a thread with its body held back half way, so it is in
    flight (received, not yet answerable) when SIGTERM arrives; :meth:`finish` lets the rest go."""

    def __init__(self, endpoint: Endpoint, api: ApiCall, timeout: float) -> None:
        self.endpoint, self.api, self.timeout = endpoint, api, timeout
        self._half_sent = threading.Event()
        self._release = threading.Event()
        self._answer: httpx.Response | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._send, daemon=True)

    def start(self) -> None:
        self._thread.start()
        self._half_sent.wait(timeout=self.timeout)

    def finish(self) -> None:
        time.sleep(0.1)  # let the server's signal handler run while the request is open
        self._release.set()

    def outcome(self, timeout: float) -> list[Diagnostic]:
        self._thread.join(timeout)
        where = f"{self.api.method} {self.endpoint.url(self.api.path)}"
        if self._answer is not None and self._answer.status_code < 500:
            return []
        cause = (f"answered {self._answer.status_code}" if self._answer is not None
                 else f"got no answer: {describe(self._error)}" if self._error is not None
                 else "got no answer in time")
        return [findings.IN_FLIGHT_DROPPED(
            self.api.pointer, f"{where}, in flight when SIGTERM arrived, {cause}",
            suggestion="let the server finish the requests it has received before it exits "
            "(gunicorn does on SIGTERM; do not kill -9)",
        )]

    def _send(self) -> None:
        try:
            with client(self.timeout) as http:
                whole = request_for(http, self.endpoint, self.api)
                body = whole.read()
                if not body:  # nothing to hold back (GET): sent just after SIGTERM instead
                    self._half_sent.set()
                    self._release.wait(timeout=self.timeout)
                    self._answer = http.send(whole)
                    return
                held = http.build_request(whole.method, whole.url, headers=whole.headers,
                                          content=self._halves(body))
                self._answer = http.send(held)
        except (httpx.HTTPError, OSError) as err:
            self._error = err
        finally:
            self._half_sent.set()  # also when the request failed before half of it went

    def _halves(self, body: bytes) -> Iterator[bytes]:
        middle = len(body) // 2
        yield body[:middle]
        self._half_sent.set()
        self._release.wait(timeout=self.timeout)
        yield body[middle:]


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)  # the session we started, and only it
    except (ProcessLookupError, PermissionError):
        if process.poll() is None:
            process.kill()
    process.wait(timeout=10)
