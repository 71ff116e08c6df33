"""Fixtures for the probe tests: servers on 127.0.0.1 at a free port, always stopped at
teardown. What they serve is in probe_servers."""

from __future__ import annotations

import os
import stat
import sys
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from wsgiref.simple_server import make_server

import pytest
from probe_servers import EXAMPLE, App, QuietWsgiHandler, Serve, free_port, keepalive_handler


@pytest.fixture
def serve() -> Iterator[Serve]:
    """``serve(app)`` → its URL: over HTTP/1.1 with keep-alive, as the example's own server
    does; ``keepalive=False`` serves it with wsgiref, which closes every connection."""
    servers: list[Any] = []

    def start(app: App, *, keepalive: bool = True) -> str:
        if keepalive:
            server: Any = ThreadingHTTPServer(("127.0.0.1", 0), keepalive_handler(app))
            server.daemon_threads = True
        else:
            server = make_server("127.0.0.1", 0, app, handler_class=QuietWsgiHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    try:
        yield start
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@pytest.fixture
def fake_gunicorn(tmp_path: Path) -> dict[str, str]:
    """PATH with a `gunicorn` that runs the example's own local server, so the example's
    real run.sh runs here without gunicorn installed; PORT picks a free port."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gunicorn = bin_dir / "gunicorn"
    gunicorn.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{EXAMPLE / "app.py"}"\n')
    gunicorn.chmod(gunicorn.stat().st_mode | stat.S_IXUSR)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PORT": str(free_port())}
