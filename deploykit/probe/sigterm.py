"""``deploykit probe --run CMD``: start the server, then stop it as a rolling upgrade does.

The platform sends SIGTERM to the container's first process and, per the seeds
(seeds/000-002), expects it to keep serving for 60 s, then finish in-flight requests and
exit within 90 s in all. The probe does the same, watching two things: whether the health
API still answers during the wait, and when the process exits. ``wait``/``limit`` default to
those 60/90 s; shorter windows let a test of one's own image run in seconds.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from deploykit.diagnostics import Diagnostic
from deploykit.errors import ConfigError
from deploykit.probe.http_checks import Endpoint, answers
from deploykit.rules.image import findings as facts


@dataclass(frozen=True)
class Window:
    wait: float = facts.SIGTERM_WAIT_SECONDS  # keep serving at least this long
    limit: float = facts.SIGTERM_TOTAL_SECONDS  # and be gone by then


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
    """None once the server answers; a finding when it exits or stays silent for ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return facts.NO_ANSWER(
                None, f"the server exited with status {process.returncode} before answering "
                f"{endpoint.url(path)}", suggestion="run the command by hand and read its log",
            )
        if answers(endpoint, path, timeout=1.0):
            return None
        time.sleep(0.1)
    return facts.NO_ANSWER(
        None, f"{endpoint.url(path)} did not answer within {timeout:g} s of starting the server",
        suggestion="raise --timeout if it loads a large model; check the port it listens on",
    )


def check_sigterm(process: subprocess.Popen[bytes], endpoint: Endpoint, path: str,
                  window: Window) -> list[Diagnostic]:
    """SIGTERM the server; it must answer for ``window.wait`` s and exit by ``window.limit``."""
    process.send_signal(signal.SIGTERM)
    sent = time.monotonic()
    silent_at: float | None = None
    interval = min(1.0, window.wait / 5) if window.wait > 0 else 0.1
    while process.poll() is None and time.monotonic() - sent < window.limit:
        elapsed = time.monotonic() - sent
        if silent_at is None and elapsed < window.wait and not answers(endpoint, path, 1.0):
            silent_at = time.monotonic() - sent
        time.sleep(interval)
    elapsed = time.monotonic() - sent
    found = []
    exited = process.poll() is not None
    if exited and elapsed < window.wait:
        found.append(facts.EARLY_EXIT(
            None, f"the server exited {elapsed:.1f} s after SIGTERM; it should keep serving "
            f"{window.wait:g} s", suggestion="trap SIGTERM in run.sh and sleep 60 before "
            "stopping the server (seeds' sample run.sh)",
        ))
    elif silent_at is not None:
        found.append(facts.EARLY_EXIT(
            None, f"{endpoint.url(path)} stopped answering {silent_at:.1f} s after SIGTERM; "
            f"it should keep serving {window.wait:g} s",
            suggestion="pass SIGTERM on to the server only after the wait (sleep 60; kill -15)",
        ))
    if not exited:
        _kill_group(process)
        found.append(facts.LATE_EXIT(
            None, f"the server was still running {window.limit:g} s after SIGTERM (killed)",
            suggestion="bound the server's graceful timeout so the exit ends within 90 s",
        ))
    return found


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)  # the session we started, and only it
    except (ProcessLookupError, PermissionError):
        if process.poll() is None:
            process.kill()
    process.wait(timeout=10)
