"""The example custom image (examples/custom-image): it validates clean, its server answers
as the platforms call it, and its broken copies fail with the rules that explain why."""

from __future__ import annotations

import http.client
import importlib.util
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from deploykit.cli.app import main
from deploykit.rules.image.inspection import check_image

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE = EXAMPLES / "custom-image"


def load_app() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_app", EXAMPLE / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    httpd: WSGIServer = make_server(
        "127.0.0.1", 0, load_app().application, handler_class=QuietHandler
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", httpd.server_port
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def request(
    server: tuple[str, int], method: str, path: str, body: bytes | None = None
) -> tuple[int, object]:
    connection = http.client.HTTPConnection(*server, timeout=5)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_the_example_validates_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLE), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["summary"] == {"files": 3, "errors": 0, "warnings": 0}
    # the config.json `deploykit probe --config` reads also says the image is for ModelArts
    assert {Path(f["path"]).name for f in document["files"]} == {
        "Dockerfile", "run.sh", "config.json"}


def test_health_api_answers_as_the_seeds_specify(server: tuple[str, int]) -> None:
    # seeds/000-003: GET /health → 200 {"health": "true"}
    assert request(server, "GET", "/health") == (200, {"health": "true"})


@pytest.mark.parametrize("path", ["/", "/predict"])
def test_inference_api_echoes_the_request(server: tuple[str, int], path: str) -> None:
    payload = {"input": "a photo of a seven"}
    assert request(server, "POST", path, json.dumps(payload).encode()) == (200, {"echo": payload})


def test_bad_requests_get_json_errors_not_stack_traces(server: tuple[str, int]) -> None:
    status, body = request(server, "POST", "/predict", b"{not json")
    assert status == 400 and body == {"error": "the body is not JSON"}
    assert request(server, "GET", "/predict")[0] == 405
    assert request(server, "GET", "/no/such/api")[0] == 404


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        # ModelArts: wrong port and loopback (errors); no trap, sync worker, log file,
        # EXPOSE 8000, root user (warnings).
        ("custom-image", {"IMG003", "IMG005", "IMG006", "IMG007", "IMG008", "IMG011"}),
        ("custom-image-eas", {"IMG004"}),
        ("custom-image-sigterm", {"IMG009", "IMG010"}),
    ],
)
def test_each_broken_copy_fails_with_the_rules_that_explain_why(
    folder: str, expected: set[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = EXAMPLES / "broken" / folder
    assert {d.rule for r in check_image(str(path)) for d in r.diagnostics} == expected
    assert main(["validate", str(path), "--fail-on", "warning"]) == 1
    out = capsys.readouterr().out
    assert all(rule in out for rule in expected)
