"""``deploykit probe URL --spec service.json``: the EAS container's own health checks, on the
ports the spec declares (reference/eas.md §1.11: http_get passes on 200-399, tcp_socket on
a connection), and the hand-written inference request."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from probe_servers import EXAMPLE, Serve, answering, example_app

from deploykit.cli.app import main
from deploykit.diagnostics import Severity
from deploykit.probe import ProbeOptions, probe

SERVICE = EXAMPLE.parents[0] / "eas" / "custom-image-service.json"


def spec_for(tmp_path: Path, url: str, **container: Any) -> str:
    """The example EAS service with its container on the URL's port (plus ``container``)."""
    data = json.loads(SERVICE.read_text())
    port = urlsplit(url).port
    data["containers"][0]["port"] = port
    data["containers"][0]["health_check"]["http_get"]["port"] = port
    data["containers"][0].update(container)
    path = tmp_path / "service.json"
    path.write_text(json.dumps(data, indent=2))
    return str(path)


def rules(url: str, spec: str, **options: Any) -> list[tuple[str, Severity, str | None]]:
    report = probe(url, ProbeOptions(spec=spec, **options))
    return [(d.rule, d.severity, d.pointer) for _, d in report.diagnostics()]


def test_the_example_server_passes_with_the_example_service(
    serve: Serve, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = serve(example_app())
    assert main(["probe", url, "--spec", spec_for(tmp_path, url), "--path", "/predict"]) == 0
    assert f"GET {url}/health -> 200" in capsys.readouterr().err


def test_http_get_takes_any_status_from_200_to_399(serve: Serve, tmp_path: Path) -> None:
    url = serve(answering("/health", "302 Found", b""))
    assert rules(url, spec_for(tmp_path, url)) == []  # no seeds' body on EAS either
    failing = serve(answering("/health", "503 Service Unavailable", b""))
    assert rules(failing, spec_for(tmp_path, failing)) == [
        ("IMG021", Severity.ERROR, "/containers/0/health_check/http_get")
    ]


def test_the_health_check_goes_to_the_port_the_spec_declares(
    serve: Serve, tmp_path: Path
) -> None:
    url = serve(example_app())
    spec = json.loads(Path(spec_for(tmp_path, url)).read_text())
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        spec["containers"][0]["health_check"]["http_get"]["port"] = unused.getsockname()[1]
    path = tmp_path / "elsewhere.json"
    path.write_text(json.dumps(spec))
    report = probe(url, ProbeOptions(spec=str(path)))
    # validate's own warning (EAS112), then what the probe found on that port
    [(_, warning), (_, diagnostic)] = report.diagnostics()
    assert warning.rule == "EAS112"
    assert diagnostic.rule == "IMG021" and "did not answer" in diagnostic.message
    assert diagnostic.line is not None  # placed at http_get in service.json


@pytest.fixture
def listener() -> Iterator[int]:
    """A port that accepts TCP connections and never speaks HTTP."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_tcp_socket_and_exec_checks(serve: Serve, tmp_path: Path, listener: int) -> None:
    url = serve(example_app())
    spec = spec_for(tmp_path, url,
                    health_check={"tcp_socket": {"port": listener}},
                    liveness_check={"exec": {"command": ["cat", "/tmp/healthy"]}})
    # EAS112: validate warns that the TCP port is not the container's
    assert [r[:2] for r in rules(url, spec)] == [("EAS112", Severity.WARNING),
                                                 ("IMG032", Severity.INFO)]
    closed = spec_for(tmp_path, url, health_check={"tcp_socket": {"port": _closed_port()}})
    assert [r[0] for r in rules(url, closed)] == ["EAS112", "IMG021"]


def test_without_a_health_check_eas_connects_to_the_container_port(
    serve: Serve, tmp_path: Path
) -> None:
    # reference/eas.md §1.5: "If it not set, A TCP readiness probe will be used"
    url = serve(example_app())
    data = json.loads(Path(spec_for(tmp_path, url)).read_text())
    del data["containers"][0]["health_check"]
    data["containers"][0]["port"] = _closed_port()
    path = tmp_path / "no-check.json"
    path.write_text(json.dumps(data))
    assert rules(url, str(path)) == [("IMG021", Severity.ERROR, "/containers/0/port")]


def test_a_spec_with_errors_is_reported_and_nothing_is_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(SERVICE.read_text())
    data["containers"][0]["port"] = 8080  # EAS101: the EAS engine's own port
    path = tmp_path / "service.json"
    path.write_text(json.dumps(data))
    # nothing listens at this URL: a request would have given IMG020
    url = f"http://127.0.0.1:{_closed_port()}"
    assert main(["probe", url, "--spec", str(path), "--format", "json"]) == 1
    rules_found = [d["rule"] for d in json.loads(capsys.readouterr().out)["files"][0]
                   ["diagnostics"]]
    assert "EAS101" in rules_found and "IMG020" not in rules_found


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
