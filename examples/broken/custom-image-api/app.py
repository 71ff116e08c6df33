"""A broken copy of examples/custom-image/app.py: what `deploykit probe --config` catches
before ModelArts marks the service unhealthy or its callers get answers they cannot read.

Probed with examples/custom-image/config.json, it fails four ways:

- ``GET /health`` answers ``{"status": "ok"}``, not the ``{"health": "true"}`` of the
  custom-image specification (IMG021, a warning);
- the upload API is served at ``/v1/classify``, not at the ``/classify`` config.json
  declares (IMG027);
- ``POST /predict`` answers ``{"echo": "<text>"}`` where the response schema declares an
  object (IMG029);
- wsgiref answers HTTP/1.0 and closes every connection: no keep-alive (IMG023).

Run it with ``PORT=8081 python app.py``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import make_server

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "/")
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    if path == "/health":
        return _reply(start_response, "200 OK", {"status": "ok"})
    if path == "/predict":
        return _reply(start_response, "200 OK", {"echo": body.decode("utf-8", "replace")})
    if path == "/v1/classify":
        return _reply(start_response, "200 OK", {"predicted_label": "png", "scores": []})
    return _reply(start_response, "404 Not Found", {"error": f"no such API: {path}"})


def _reply(start_response: StartResponse, status: str, document: Any) -> list[bytes]:
    body = json.dumps(document).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body)))])
    return [body]


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8081"))
    with make_server("0.0.0.0", port, application) as server:  # noqa: S104 - a container
        print(f"serving on 0.0.0.0:{port}", flush=True)
        server.serve_forever()
