"""``deploykit probe --run CMD``: the server started, probed, then stopped with SIGTERM as a
rolling upgrade does (seeds/000-002: keep serving 60 s, finish what was received, gone
within 90 s), with the windows scaled down to seconds."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from probe_servers import CONFIG, EXAMPLE

from deploykit.diagnostics import Severity
from deploykit.probe import ProbeOptions, Window, probe

pytestmark = pytest.mark.slow

# The example app's own server, with SIGTERM left to Python's default (exit at once) or
# ignored, instead of the example's graceful handler.
VARIANT = """\
import os, runpy, signal
from http.server import ThreadingHTTPServer
example = runpy.run_path({app!r})
signal.signal(signal.SIGTERM, signal.{action})
server = ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), example["Handler"])
server.daemon_threads = True
server.serve_forever()
"""


def variant(tmp_path: Path, action: str) -> str:
    script = tmp_path / f"server_{action.lower()}.py"
    script.write_text(VARIANT.format(app=str(EXAMPLE / "app.py"), action=action))
    return f"{sys.executable} {script}"


def rules(env: dict[str, str], run: str, window: Window, **options: Any
          ) -> list[tuple[str, Severity]]:
    report = probe(f"http://127.0.0.1:{env['PORT']}",
                   ProbeOptions(config=str(CONFIG), run=run, env=env, window=window, **options))
    return [(d.rule, d.severity) for _, d in report.diagnostics()]


def test_the_example_server_exits_gracefully(fake_gunicorn: dict[str, str]) -> None:
    env = {**fake_gunicorn, "SIGTERM_WAIT_SECONDS": "1"}
    run = f"{sys.executable} {EXAMPLE / 'app.py'}"
    assert rules(env, run, Window(wait=1, limit=5)) == []


def test_the_example_run_sh_exits_gracefully(fake_gunicorn: dict[str, str]) -> None:
    # run.sh sleeps SIGTERM_WAIT_SECONDS, then passes SIGTERM on to "gunicorn" (here the
    # example's local server, which waits as long again): 2 s in all, within the limit.
    env = {**fake_gunicorn, "SIGTERM_WAIT_SECONDS": "1"}
    assert rules(env, f"sh {EXAMPLE / 'run.sh'}", Window(wait=1, limit=6)) == []


def test_a_server_that_exits_at_once_drops_the_request_in_flight(
    fake_gunicorn: dict[str, str], tmp_path: Path
) -> None:
    found = rules(fake_gunicorn, variant(tmp_path, "SIG_DFL"), Window(wait=2, limit=4))
    assert found == [("IMG031", Severity.WARNING), ("IMG024", Severity.WARNING)]


def test_a_server_that_ignores_sigterm_is_killed_and_reported(
    fake_gunicorn: dict[str, str], tmp_path: Path
) -> None:
    found = rules(fake_gunicorn, variant(tmp_path, "SIG_IGN"), Window(wait=0.5, limit=1.5))
    assert found == [("IMG025", Severity.WARNING)]


def test_a_server_that_exits_before_answering(fake_gunicorn: dict[str, str]) -> None:
    found = rules(fake_gunicorn, f"{sys.executable} -c 'raise SystemExit(3)'",
                  Window(wait=1, limit=2))
    assert found == [("IMG020", Severity.ERROR)]


def test_a_server_that_stops_early_but_finishes_what_it_received(
    fake_gunicorn: dict[str, str]
) -> None:
    # The example's own handler with no wait: the request in flight is still answered.
    env = {**fake_gunicorn, "SIGTERM_WAIT_SECONDS": "0"}
    run = f"{sys.executable} {EXAMPLE / 'app.py'}"
    assert rules(env, run, Window(wait=2, limit=4)) == [("IMG024", Severity.WARNING)]
