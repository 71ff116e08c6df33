"""``deploykit probe URL --config config.json``: the example server passes; each broken
variant fails with the rule that names what to fix, placed at its line in config.json."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from probe_servers import (
    CONFIG,
    EXAMPLE_APP,
    Recorder,
    Serve,
    answering,
    delaying,
    example_app,
    load_module,
)

from deploykit.cli.app import main
from deploykit.diagnostics import Diagnostic, Severity
from deploykit.probe import ProbeOptions, probe


def found(url: str, **options: Any) -> list[Diagnostic]:
    report = probe(url, ProbeOptions(**{"config": str(CONFIG), **options}))
    return [d for _, d in report.diagnostics()]


def rules(url: str, **options: Any) -> list[tuple[str, Severity]]:
    return [(d.rule, d.severity) for d in found(url, **options)]


def write_config(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> str:
    data = json.loads(CONFIG.read_text())
    change(data)
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data, indent=2))
    return str(path)


def test_the_example_server_passes_with_its_config(
    serve: Serve, capsys: pytest.CaptureFixture[str]
) -> None:
    url = serve(example_app())
    assert main(["probe", url, "--config", str(CONFIG)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "checked 1 file: 0 errors, 0 warnings"
    # what was called, on stderr: the health API and both declared APIs
    assert f"GET {url}/health -> 200" in captured.err
    assert f"POST {url}/predict -> 200" in captured.err
    assert f"POST {url}/classify -> 200" in captured.err


def test_every_api_is_called_as_declared_with_a_body_from_its_schema(serve: Serve) -> None:
    recorder = Recorder()
    assert rules(serve(recorder)) == []
    calls = {(method, path): (kind, body) for method, path, kind, body in recorder.requests}
    kind, body = calls[("POST", "/predict")]
    assert kind == "application/json"
    assert json.loads(body) == {"input": "a photo of a seven"}  # the schema's `examples`
    kind, body = calls[("POST", "/classify")]
    assert kind.startswith("multipart/form-data; boundary=")
    # a tiny PNG under the property's own name: /classify reads it as one
    assert b'name="images"; filename="images.png"' in body and b"\x89PNG" in body


def test_no_health_api(serve: Serve) -> None:
    url = serve(answering("/health", "404 Not Found", b'{"error": "no such API"}'))
    diagnostics = found(url)
    assert [(d.rule, d.severity) for d in diagnostics] == [("IMG021", Severity.ERROR)]
    assert "answered 404" in diagnostics[0].message
    assert (diagnostics[0].pointer, diagnostics[0].line) == ("/health/url", 63)


def test_a_wrong_health_body(serve: Serve) -> None:
    url = serve(answering("/health", "200 OK", b'{"status": "OK"}'))
    assert rules(url) == [("IMG021", Severity.WARNING)]


def test_an_api_served_at_another_path(serve: Serve, tmp_path: Path) -> None:
    def moved(data: dict[str, Any]) -> None:
        data["apis"][1]["url"] = "/v1/classify"

    diagnostics = found(serve(example_app()), config=write_config(tmp_path, moved))
    assert [(d.rule, d.pointer) for d in diagnostics] == [("IMG027", "/apis/1/url")]
    assert "/v1/classify answered 404" in diagnostics[0].message


def test_an_api_that_does_not_take_the_declared_method(serve: Serve, tmp_path: Path) -> None:
    def as_get(data: dict[str, Any]) -> None:
        data["apis"][0]["method"] = "get"

    assert rules(serve(example_app()), config=write_config(tmp_path, as_get)) == [
        ("IMG027", Severity.ERROR)
    ]


def test_a_response_that_violates_its_schema_names_each_place(serve: Serve) -> None:
    wrong = json.dumps({"predicted_label": 7, "scores": [["seven", "high"]]}).encode()
    diagnostics = found(serve(answering("/classify", "200 OK", wrong)))
    assert [d.rule for d in diagnostics] == ["IMG029", "IMG029"]
    label, score = diagnostics
    assert "the response at /predicted_label 7 is not of type 'string'" in label.message
    assert label.pointer == "/apis/1/response/data/properties/predicted_label/type"
    assert "the response at /scores/0/1 'high' is not of type 'number'" in score.message
    assert score.pointer == (
        "/apis/1/response/data/properties/scores/items/0/items/1/type"
    )
    assert label.line is not None and score.line is not None  # placed in config.json


def test_a_response_that_is_not_json(serve: Serve) -> None:
    url = serve(answering("/predict", "200 OK", b"<html>ok</html>", content_type="text/html"))
    assert rules(url) == [("IMG028", Severity.WARNING), ("IMG029", Severity.ERROR)]


def test_the_platforms_file_type_and_unknown_types_in_a_response_schema_pass(
    serve: Serve, tmp_path: Path
) -> None:
    def loose(data: dict[str, Any]) -> None:
        properties = data["apis"][1]["response"]["data"]["properties"]
        properties["predicted_label"]["type"] = "file"
        properties["scores"]["type"] = "list"  # validate warns (MA115); the probe goes on

    report = probe(serve(example_app()),
                   ProbeOptions(config=write_config(tmp_path, loose)))
    assert [d.rule for _, d in report.diagnostics()] == ["MA115"]


def test_a_server_error_and_a_refused_request(serve: Serve) -> None:
    crashing = serve(answering("/predict", "500 Internal Server Error", b"Traceback"))
    assert rules(crashing) == [("IMG022", Severity.ERROR)]
    refusing = serve(answering("/predict", "400 Bad Request", b'{"error": "bad input"}'))
    assert rules(refusing) == [("IMG022", Severity.WARNING)]


def test_keepalive_off(serve: Serve) -> None:
    assert rules(serve(example_app(), keepalive=False)) == [("IMG023", Severity.WARNING)]


def test_a_keepalive_timeout_under_200_s(serve: Serve, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(EXAMPLE_APP, "KEEPALIVE_SECONDS", 5)
    diagnostics = found(serve(example_app()))
    assert [(d.rule, d.severity) for d in diagnostics] == [("IMG030", Severity.WARNING)]
    assert "Keep-Alive: timeout=5" in diagnostics[0].message


def test_a_request_slower_than_the_synchronous_limit(serve: Serve) -> None:
    # The seeds' 60 s, scaled down so the test takes a fraction of a second.
    assert rules(serve(delaying("/predict", 0.3)), sync_seconds=0.1) == [
        ("IMG026", Severity.WARNING)
    ]


def test_a_server_that_never_answers_within_the_limit(serve: Serve) -> None:
    diagnostics = found(serve(delaying("/classify", 1.0)), sync_seconds=0.2, timeout=0.2)
    assert [d.rule for d in diagnostics] == ["IMG026"]
    assert "did not answer within" in diagnostics[0].message


def test_a_config_with_errors_is_reported_and_nothing_is_sent(
    serve: Serve, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorder = Recorder()
    url = serve(recorder)

    def broken(data: dict[str, Any]) -> None:
        data["apis"][0]["url"] = "predict"  # MA111: not a path
        data["health"]["timeout_seconds"] = "thirty"  # MA130

    config = write_config(tmp_path, broken)
    assert main(["probe", url, "--config", config, "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert [d["rule"] for d in document["files"][0]["diagnostics"]] == ["MA111", "MA130"]
    assert recorder.requests == []


def test_a_config_without_apis_or_health_gets_the_platform_defaults(
    serve: Serve, tmp_path: Path
) -> None:
    recorder = Recorder()

    def bare(data: dict[str, Any]) -> None:
        del data["apis"], data["health"]

    report = probe(serve(recorder), ProbeOptions(config=write_config(tmp_path, bare)))
    assert [d.rule for _, d in report.diagnostics()] == ["MA134"]  # validate's own note
    assert ("GET", "/health") in {(m, p) for m, p, _, _ in recorder.requests}
    assert ("POST", "/") in {(m, p) for m, p, _, _ in recorder.requests}


def test_readiness_and_exec_probes(serve: Serve, tmp_path: Path) -> None:
    def probes(data: dict[str, Any]) -> None:
        data["readiness_health"] = {"url": "/ready", "protocol": "http"}
        data["startup_health"] = {"check_method": "EXEC", "command": "sh /home/check.sh"}

    rules_found = rules(serve(example_app()), config=write_config(tmp_path, probes))
    assert rules_found == [("IMG021", Severity.ERROR), ("IMG032", Severity.INFO)]


def test_the_seeds_mnist_api_with_the_official_examples_typos(serve: Serve) -> None:
    # seeds/000: curl -X POST http://{listen_ip}:8080/ -F images=@seven.jpg → {"mnist_result": 7};
    # the official config (reference/modelarts.md §1.10) has `procotol`, `applicaton/json`
    # and `item`: validate warns, and the probe still calls and checks the API.
    official = CONFIG.parents[1] / "modelarts" / "official-custom-dependency.json"
    app = example_app()

    def mnist(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["PATH_INFO"] != "/":
            return app(environ, start_response)
        body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        image = EXAMPLE_APP._uploaded(environ["CONTENT_TYPE"], body, "images")
        status = "200 OK" if image is not None and image.startswith(b"\x89PNG") else "400 Bad"
        answer = b'{"mnist_result": ["7"]}'
        start_response(status, [("Content-Type", "application/json"),
                                ("Content-Length", str(len(answer)))])
        return [answer]

    report = probe(serve(mnist), ProbeOptions(config=str(official)))
    assert [d.rule for _, d in report.diagnostics()] == ["MA001", "MA113", "MA114", "IMG028"]
    assert report.errors == 0


def test_the_broken_example_fails_with_what_to_fix(serve: Serve) -> None:
    # examples/broken/custom-image-api/app.py, as the README shows it probed.
    broken = load_module(CONFIG.parents[1] / "broken" / "custom-image-api" / "app.py")
    url = serve(broken.application, keepalive=False)  # it runs on wsgiref: HTTP/1.0
    assert rules(url) == [("IMG021", Severity.WARNING), ("IMG029", Severity.ERROR),
                          ("IMG027", Severity.ERROR), ("IMG023", Severity.WARNING)]
