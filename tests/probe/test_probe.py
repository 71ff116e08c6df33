"""``deploykit probe`` against the example app (examples/custom-image/app.py) served
in-process on 127.0.0.1, and with ``--run`` against the example's own run.sh."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import socket
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from deploykit.cli.app import main
from deploykit.diagnostics import Severity
from deploykit.probe import ProbeOptions, Window, probe

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "custom-image"
App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def example_app() -> App:
    spec = importlib.util.spec_from_file_location("example_app", EXAMPLE / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    application: App = module.application
    return application


def keepalive_handler(app: App) -> type[BaseHTTPRequestHandler]:
    """An HTTP/1.1 server for a WSGI app, keeping connections open as gunicorn+gevent does
    (wsgiref answers HTTP/1.0 and closes every connection)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            environ = {
                "REQUEST_METHOD": self.command,
                "PATH_INFO": urlsplit(self.path).path,
                "CONTENT_LENGTH": str(length),
                "wsgi.input": io.BytesIO(self.rfile.read(length)),
            }
            started: list[Any] = []
            body = b"".join(app(environ, lambda status, headers: started.extend([status, headers])))
            code, _, reason = started[0].partition(" ")
            self.send_response(int(code), reason)
            for name, value in started[1]:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = serve

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    return Handler


@pytest.fixture
def serve() -> Iterator[Callable[..., str]]:
    servers: list[Any] = []

    def start(app: App, *, keepalive: bool = True) -> str:
        if keepalive:
            server: Any = ThreadingHTTPServer(("127.0.0.1", 0), keepalive_handler(app))
        else:
            server = make_server("127.0.0.1", 0, app, handler_class=QuietWsgiHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class QuietWsgiHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def answering(path: str, status: str, body: bytes, app: App) -> App:
    """The example app, except that ``path`` answers ``status`` with ``body``."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["PATH_INFO"] == path:
            start_response(status, [("Content-Length", str(len(body)))])
            return [body]
        return app(environ, start_response)

    return wrapped


def rules(url: str, **options: Any) -> list[tuple[str, Severity]]:
    report = probe(url, ProbeOptions(**options))
    return [(d.rule, d.severity) for _, d in report.diagnostics()]


@pytest.mark.parametrize("platform", ["modelarts", "eas"])
def test_the_example_server_passes(serve: Callable[..., str], platform: str) -> None:
    url = serve(example_app())
    assert rules(url, platform=platform, payload={"input": "seven"}) == []
    assert rules(url, platform=platform, inference_path="/predict") == []


def test_a_server_that_closes_every_connection_has_no_keepalive(
    serve: Callable[..., str],
) -> None:
    assert rules(serve(example_app(), keepalive=False)) == [("IMG023", Severity.WARNING)]


@pytest.mark.parametrize(
    ("status", "body", "platform", "expected"),
    [
        ("500 Internal Server Error", b"boom", "modelarts", [("IMG021", Severity.ERROR)]),
        ("200 OK", b"OK", "modelarts", [("IMG021", Severity.WARNING)]),
        ("200 OK", b"OK", "eas", []),  # EAS: any 200-399 is healthy
        ("503 Service Unavailable", b"", "eas", [("IMG021", Severity.ERROR)]),
    ],
)
def test_the_health_api(
    serve: Callable[..., str],
    status: str,
    body: bytes,
    platform: str,
    expected: list[tuple[str, Severity]],
) -> None:
    url = serve(answering("/health", status, body, example_app()))
    assert rules(url, platform=platform) == expected


def test_the_inference_api(serve: Callable[..., str]) -> None:
    broken = serve(answering("/", "500 Internal Server Error", b"Traceback", example_app()))
    assert rules(broken) == [("IMG022", Severity.ERROR)]
    # a 404/400 may be the sample request's fault, not the server's: a warning
    assert rules(serve(example_app()), inference_path="/v1/models") == [
        ("IMG022", Severity.WARNING)
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_nothing_listening_is_an_error_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert rules(url) == [("IMG020", Severity.ERROR)]
    assert main(["probe", url, "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["summary"]["errors"] == 1


@pytest.mark.parametrize(
    "args",
    [
        ["localhost:8080"],
        ["http://127.0.0.1:8080", "--data", "{oops"],
        ["http://127.0.0.1:8080", "--platform", "aws"],
        ["http://127.0.0.1:8080", "--run", "/no/such/server"],
    ],
)
def test_bad_usage_exits_2_with_one_line(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["probe", *args]) == 2
    err = capsys.readouterr().err
    assert len([line for line in err.splitlines() if line.startswith("error: ")]) == 1
    assert "Traceback" not in err


@pytest.fixture
def fake_gunicorn(tmp_path: Path) -> dict[str, str]:
    """PATH with a `gunicorn` that serves the example app with Python's wsgiref, so the
    example's real run.sh runs here without gunicorn installed; PORT picks a free port."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gunicorn = bin_dir / "gunicorn"
    gunicorn.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{EXAMPLE / "app.py"}"\n')
    gunicorn.chmod(gunicorn.stat().st_mode | stat.S_IXUSR)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PORT": str(free_port())}


@pytest.mark.slow
def test_the_example_run_sh_exits_gracefully(fake_gunicorn: dict[str, str]) -> None:
    # The seeds' 60/90 s, scaled down: run.sh waits SIGTERM_WAIT_SECONDS before kill -15.
    env = {**fake_gunicorn, "SIGTERM_WAIT_SECONDS": "1"}
    report = probe(
        f"http://127.0.0.1:{env['PORT']}",
        ProbeOptions(
            run=f"sh {EXAMPLE / 'run.sh'}",
            env=env,
            window=Window(wait=1, limit=6),
        ),
    )
    # wsgiref closes connections: the only finding is IMG023, which gevent workers fix.
    assert [d.rule for _, d in report.diagnostics()] == ["IMG023"]


@pytest.mark.slow
def test_a_server_that_stops_at_once_on_sigterm(fake_gunicorn: dict[str, str]) -> None:
    port = fake_gunicorn["PORT"]
    report = probe(
        f"http://127.0.0.1:{port}",
        ProbeOptions(
            run=f"{sys.executable} {EXAMPLE / 'app.py'}",
            env=fake_gunicorn,
            window=Window(wait=2, limit=4),
        ),
    )
    assert "IMG024" in [d.rule for _, d in report.diagnostics()]


@pytest.mark.slow
def test_a_server_that_ignores_sigterm_is_killed_and_reported(
    fake_gunicorn: dict[str, str], tmp_path: Path
) -> None:
    stubborn = tmp_path / "stubborn.py"
    stubborn.write_text(
        "import runpy, signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        f"runpy.run_path({str(EXAMPLE / 'app.py')!r}, run_name='__main__')\n"
    )
    report = probe(
        f"http://127.0.0.1:{fake_gunicorn['PORT']}",
        ProbeOptions(
            run=f"{sys.executable} {stubborn}",
            env=fake_gunicorn,
            window=Window(wait=0.5, limit=1.5),
        ),
    )
    assert [d.rule for _, d in report.diagnostics()][-1] == "IMG025"


def test_a_request_slower_than_the_synchronous_limit(
    serve: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from deploykit.rules.image import findings as image_rules

    # The 60 s limit, scaled down so the test takes a quarter of a second.
    monkeypatch.setattr(image_rules, "SYNC_REQUEST_SECONDS", 0.1)
    app = example_app()

    def slow(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] == "POST":
            time.sleep(0.25)
        return app(environ, start_response)

    url = serve(slow)
    assert rules(url) == [("IMG026", Severity.WARNING)]
    assert rules(url, platform="eas") == []  # a ModelArts synchronous-mode limit
