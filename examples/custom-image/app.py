"""The example model server: a plain WSGI application (standard library only).

In the image it runs under gunicorn with gevent workers (see run.sh); locally,
``python app.py`` serves it with wsgiref on $PORT (default 8080).

- ``GET /health`` answers ``{"health": "true"}`` with 200: the health API of ModelArts'
  custom-image specification (seeds/000-003).
- ``POST /`` (ModelArts' default inference URL) and ``POST /predict`` echo the JSON body
  back as ``{"echo": <body>}``: replace ``predict`` with the model.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
MAX_BODY = 10 * 1024 * 1024  # refuse bodies over 10 MiB rather than read them into memory


def predict(payload: Any) -> Any:
    """The model. The example echoes its input."""
    return {"echo": payload}


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "/") or "/"
    if path == "/health":
        if method not in {"GET", "HEAD"}:
            return _reply(start_response, 405, {"error": "use GET /health"})
        return _reply(start_response, 200, {"health": "true"})
    if path in {"/", "/predict"}:
        if method != "POST":
            return _reply(start_response, 405, {"error": f"use POST {path} with a JSON body"})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            return _reply(start_response, 413, {"error": "body missing or over 10 MiB"})
        body = environ["wsgi.input"].read(length) if length else b""
        try:
            payload = json.loads(body or b"null")
        except ValueError:
            return _reply(start_response, 400, {"error": "the body is not JSON"})
        return _reply(start_response, 200, predict(payload))
    return _reply(start_response, 404, {"error": f"no such API: {path}"})


def _reply(start_response: StartResponse, status: int, document: Any) -> list[bytes]:
    body = json.dumps(document).encode("utf-8")
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
              413: "Payload Too Large"}[status]
    start_response(f"{status} {reason}", [("Content-Type", "application/json"),
                                          ("Content-Length", str(len(body)))])
    return [body]


if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    port = int(os.environ.get("PORT", "8080"))
    with make_server("0.0.0.0", port, application) as server:  # noqa: S104 - a container
        print(f"serving on 0.0.0.0:{port}", flush=True)
        server.serve_forever()
