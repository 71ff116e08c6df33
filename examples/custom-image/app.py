"""The example model server: a plain WSGI application (standard library only).

In the image it runs under gunicorn with gevent workers (see run.sh); locally,
``python app.py`` serves it on $PORT (default 8080) with a small standard-library server
that behaves as the image does: HTTP/1.1 keep-alive of 200 s, and on SIGTERM it keeps
serving $SIGTERM_WAIT_SECONDS (60) before it finishes the requests in flight and exits.

Its APIs are the ones ``config.json`` declares (the platform calls exactly those):

- ``GET /health`` answers ``{"health": "true"}`` with 200: the health API of ModelArts'
  custom-image specification (seeds/000-003).
- ``POST /predict`` (and ``POST /``, ModelArts' default url) echo the JSON body back as
  ``{"echo": <body>}``: replace ``predict`` with the model.
- ``POST /classify`` takes an image upload (``multipart/form-data``, field ``images``) and
  answers ``{"predicted_label": ..., "scores": [[label, score]]}``, the shape of ModelArts'
  official image-classification example; this "model" only reads the file's format.
"""

from __future__ import annotations

import email.parser
import email.policy
import io
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
MAX_BODY = 10 * 1024 * 1024  # refuse bodies over 10 MiB rather than read them into memory
KEEPALIVE_SECONDS = 200  # seeds/000-002: keep-alive 200 s for a hitless rolling upgrade
FORMATS = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg", b"GIF8": "gif"}


def predict(payload: Any) -> Any:
    """The model. The example echoes its input."""
    return {"echo": payload}


def classify(image: bytes) -> Any:
    """The image "model": the file's format, with certainty when it is one it knows."""
    label = next((name for magic, name in FORMATS.items() if image.startswith(magic)), "unknown")
    return {"predicted_label": label, "scores": [[label, 1.0 if label != "unknown" else 0.0]]}


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "/") or "/"
    if path == "/health":
        if method not in {"GET", "HEAD"}:
            return _reply(start_response, 405, {"error": "use GET /health"})
        return _reply(start_response, 200, {"health": "true"})
    if path not in {"/", "/predict", "/classify"}:
        return _reply(start_response, 404, {"error": f"no such API: {path}"})
    if method != "POST":
        return _reply(start_response, 405, {"error": f"use POST {path}"})
    body = _body(environ)
    if body is None:
        return _reply(start_response, 413, {"error": "body missing or over 10 MiB"})
    if path == "/classify":
        image = _uploaded(environ.get("CONTENT_TYPE", ""), body, "images")
        if image is None:
            return _reply(start_response, 400, {"error": "upload an image as the field images"})
        return _reply(start_response, 200, classify(image))
    try:
        payload = json.loads(body or b"null")
    except ValueError:
        return _reply(start_response, 400, {"error": "the body is not JSON"})
    return _reply(start_response, 200, predict(payload))


def _body(environ: dict[str, Any]) -> bytes | None:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length < 0 or length > MAX_BODY:
        return None
    return environ["wsgi.input"].read(length) if length else b""


def _uploaded(content_type: str, body: bytes, field: str) -> bytes | None:
    """The file sent as ``field`` in a multipart/form-data body (None when there is none)."""
    if not content_type.startswith("multipart/form-data"):
        return None
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    for part in message.iter_parts():  # type: ignore[attr-defined]
        if part.get_param("name", header="content-disposition") == field:
            content = part.get_payload(decode=True)
            return content if isinstance(content, bytes) else None
    return None


def _reply(start_response: StartResponse, status: int, document: Any) -> list[bytes]:
    body = json.dumps(document).encode("utf-8")
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
              413: "Payload Too Large"}[status]
    start_response(f"{status} {reason}", [("Content-Type", "application/json"),
                                          ("Content-Length", str(len(body)))])
    return [body]


class Handler(BaseHTTPRequestHandler):
    """Serves ``application`` over HTTP/1.1, keeping connections open as gevent workers do
    (the standard library's wsgiref answers HTTP/1.0 and closes each connection)."""

    protocol_version = "HTTP/1.1"
    app = staticmethod(application)  # the WSGI application served
    timeout = KEEPALIVE_SECONDS  # an idle kept-alive connection is closed after this long
    in_flight = 0
    counting = threading.Lock()

    def setup(self) -> None:
        # A connection counts as a request in flight from the moment it is accepted: under
        # load this thread may not have read the request line yet when SIGTERM arrives.
        super().setup()
        self.counted = True

    def serve(self) -> None:
        if not self.counted:  # the next request on a kept-alive connection
            Handler.count(+1)
        self.counted = False
        try:
            self._serve()
        finally:
            Handler.count(-1)

    def finish(self) -> None:
        if self.counted:  # closed before it sent a request
            self.counted = False
            Handler.count(-1)
        super().finish()

    @staticmethod
    def count(step: int) -> None:
        with Handler.counting:
            Handler.in_flight += step

    def _serve(self) -> None:
        length = self.headers.get("Content-Length") or "0"
        body = self.rfile.read(int(length)) if length.isdigit() else b""
        environ = {"REQUEST_METHOD": self.command, "PATH_INFO": urlsplit(self.path).path,
                   "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                   "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
        started: list[Any] = []
        reply = b"".join(self.app(environ, lambda s, h: started.extend([s, h])))
        code, _, reason = started[0].partition(" ")
        self.send_response(int(code), reason)
        for name, value in started[1]:
            self.send_header(name, value)
        self.send_header("Keep-Alive", f"timeout={KEEPALIVE_SECONDS}")
        self.end_headers()
        self.wfile.write(reply)

    do_GET = do_POST = do_HEAD = serve

    def log_message(self, format: str, *args: Any) -> None:
        print(f"{self.address_string()} {format % args}", flush=True)  # logs on stdout


class Server(ThreadingHTTPServer):
    def process_request(self, request: Any, client_address: Any) -> None:
        Handler.count(+1)  # accepted: its request is in flight (Handler.setup takes it over)
        super().process_request(request, client_address)


def serve(port: int) -> None:
    """Serve until SIGTERM, then as run.sh does: keep serving the wait, finish, exit."""
    server = Server(("0.0.0.0", port), Handler)  # noqa: S104 - a container
    server.daemon_threads = True  # idle kept-alive connections do not hold up the exit
    wait = float(os.environ.get("SIGTERM_WAIT_SECONDS", "60"))

    def stop_later(_signal: int, _frame: Any) -> None:
        print(f"Received SIGTERM, serving {wait:g} s more", flush=True)
        threading.Timer(wait, server.shutdown).start()

    signal.signal(signal.SIGTERM, stop_later)
    print(f"serving on 0.0.0.0:{port}", flush=True)
    server.serve_forever()
    while Handler.in_flight:  # the requests received before the stop are answered
        time.sleep(0.05)
    server.server_close()


if __name__ == "__main__":
    serve(int(os.environ.get("PORT", "8080")))
    sys.exit(0)
