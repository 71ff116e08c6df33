"""What the probe tests serve: the example app (examples/custom-image/app.py) and broken
variants of it; the fixtures that serve them on 127.0.0.1 are in conftest.py."""

from __future__ import annotations

import importlib.util
import io
import socket
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "custom-image"
CONFIG = EXAMPLE / "config.json"
App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Serve = Callable[..., str]


def load_module(path: Path) -> ModuleType:
    """An example's app.py, imported from its file (examples are not a package)."""
    spec = importlib.util.spec_from_file_location(f"example_{path.parent.name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXAMPLE_APP = load_module(EXAMPLE / "app.py")


def example_app() -> App:
    application: App = EXAMPLE_APP.application
    return application


class QuietWsgiHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def keepalive_handler(app: App) -> type[Any]:
    """The example's own HTTP/1.1 handler (keep-alive 200 s) serving ``app``, quietly."""
    handler: type[Any] = type("Handler", (EXAMPLE_APP.Handler,), {
        "app": staticmethod(app), "log_message": lambda *args: None,
    })
    return handler


def answering(path: str, status: str, body: bytes, app: App | None = None,
              content_type: str = "application/json") -> App:
    """The example app, except that ``path`` answers ``status`` with ``body``."""
    app = app or example_app()

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["PATH_INFO"] == path:
            start_response(status, [("Content-Type", content_type),
                                    ("Content-Length", str(len(body)))])
            return [body]
        return app(environ, start_response)

    return wrapped


def delaying(path: str, seconds: float) -> App:
    """The example app, answering ``path`` only after ``seconds``."""
    app = example_app()

    def slow(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["PATH_INFO"] == path:
            time.sleep(seconds)
        return app(environ, start_response)

    return slow


class Recorder:
    """A WSGI app in front of another that keeps every request it was sent."""

    def __init__(self, app: App | None = None) -> None:
        self.app = app or example_app()
        self.requests: list[tuple[str, str, str, bytes]] = []  # method, path, type, body

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        self.requests.append((environ["REQUEST_METHOD"], environ["PATH_INFO"],
                              environ.get("CONTENT_TYPE", ""), body))
        return self.app({**environ, "wsgi.input": io.BytesIO(body)}, start_response)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


