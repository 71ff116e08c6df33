"""``deploykit probe`` on the command line: bad input gets one line and the documented exit
code (PRODUCT.md), every --format renders the findings, --fail-on decides the exit, and the
hand-written contract of the first probe (--platform, --health-path, --path, --data) works."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from probe_servers import CONFIG, Serve, answering, example_app, free_port, load_module

from deploykit.cli.app import main


def error_lines(err: str) -> list[str]:
    assert "Traceback" not in err
    return [line for line in err.splitlines() if line.startswith("error: ")]


@pytest.mark.parametrize(
    ("args", "cause"),
    [
        (["localhost:8080"], "not an http(s) URL"),
        (["ftp://127.0.0.1:8080"], "not an http(s) URL"),
        (["http://127.0.0.1:8080", "--data", "{oops"], "--data is not JSON"),
        (["http://127.0.0.1:8080", "--platform", "aws"], "unknown platform"),
        (["http://127.0.0.1:8080", "--format", "xml"], "--format 'xml'"),
        (["http://127.0.0.1:8080", "--config", "no/such/config.json"], "no such file"),
        (["http://127.0.0.1:8080", "--config", str(CONFIG), "--spec", str(CONFIG)],
         "--config and --spec"),
        (["http://127.0.0.1:8080", "--config", str(CONFIG), "--path", "/x"], "--config declares"),
        (["http://127.0.0.1:8080", "--config", str(CONFIG), "--platform", "eas"],
         "--config is for modelarts"),
        (["http://127.0.0.1:8080", "--run", "/no/such/server"], "cannot start '/no/such/server'"),
        (["http://127.0.0.1:8080", "--sigterm-wait", "60", "--sigterm-limit", "30"],
         "--sigterm-limit is shorter"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    args: list[str], cause: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["probe", *args]) == 2
    captured = capsys.readouterr()
    [line] = error_lines(captured.err)
    assert cause in line
    assert captured.out == ""


def test_a_server_that_never_comes_up_exits_5(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    marker = tmp_path / "still-running"
    silent = tmp_path / "silent.py"  # a "server" that never listens, touching a file
    silent.write_text("import pathlib, time\n"
                      f"for _ in range(300):\n    pathlib.Path({str(marker)!r}).touch()\n"
                      "    time.sleep(0.1)\n")
    command = f"{sys.executable} {silent}"
    started = time.monotonic()
    code = main(["probe", f"http://127.0.0.1:{free_port()}", "--config", str(CONFIG),
                 "--run", command, "--timeout", "1"])
    assert code == 5
    assert time.monotonic() - started < 10
    [line] = error_lines(capsys.readouterr().err)
    assert "did not answer" in line and "within 1 s" in line
    last = marker.stat().st_mtime
    time.sleep(0.4)
    assert marker.stat().st_mtime == last  # the process was stopped when the probe gave up


def test_run_refuses_a_port_another_server_holds(
    serve: Serve, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    started = tmp_path / "started"
    url = serve(example_app())
    assert main(["probe", url, "--run", f"touch {started}"]) == 2
    [line] = error_lines(capsys.readouterr().err)
    assert "already listens" in line
    assert not started.exists()  # nothing was run


def test_nothing_listening_is_one_finding_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert main(["probe", url, "--config", str(CONFIG), "--format", "json"]) == 1
    [diagnostic] = json.loads(capsys.readouterr().out)["files"][0]["diagnostics"]
    assert diagnostic["rule"] == "IMG020" and "connection refused" in diagnostic["message"]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github"])
def test_every_format_renders_a_probe(
    serve: Serve, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = serve(answering("/health", "200 OK", b"OK"))  # a warning: wrong health body
    assert main(["probe", url, "--config", str(CONFIG), "--format", fmt,
                 "--fail-on", "warning"]) == 1
    out = capsys.readouterr().out
    if fmt == "text":
        assert f"{CONFIG}:63:12: warning IMG021 health: GET {url}/health" in out
    elif fmt == "json":
        [diagnostic] = json.loads(out)["files"][0]["diagnostics"]
        assert (diagnostic["rule"], diagnostic["pointer"], diagnostic["line"]) == (
            "IMG021", "/health/url", 63)
    elif fmt == "sarif":
        run = json.loads(out)["runs"][0]
        assert [r["ruleId"] for r in run["results"]] == ["IMG021"]
    elif fmt == "junit":
        case = ET.fromstring(out).find(".//testcase")  # noqa: S314 - our own output
        assert case is not None  # a warning goes to the case's system-out
        assert "IMG021" in "".join(case.itertext())
    else:
        assert out.startswith(f"::warning file={CONFIG},line=63,col=12")


def test_fail_on_decides_the_exit(serve: Serve) -> None:
    url = serve(answering("/health", "200 OK", b"OK"))
    assert main(["probe", url, "--config", str(CONFIG)]) == 0  # a warning only
    assert main(["probe", url, "--config", str(CONFIG), "--fail-on", "never"]) == 0
    assert main(["probe", url, "--config", str(CONFIG), "--fail-on", "warning"]) == 1


@pytest.mark.parametrize(
    ("status", "body", "platform", "expected"),
    [
        ("500 Internal Server Error", b"boom", "modelarts", ["IMG021"]),
        ("200 OK", b"OK", "modelarts", ["IMG021"]),  # a warning: the body is the seeds'
        ("200 OK", b"OK", "eas", []),  # EAS: any 200-399 is healthy
        ("503 Service Unavailable", b"", "eas", ["IMG021"]),
    ],
)
def test_the_hand_written_health_api(
    serve: Serve, status: str, body: bytes, platform: str, expected: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = serve(answering("/ping", status, body))
    main(["probe", url, "--platform", platform, "--health-path", "/ping", "--format", "json"])
    diagnostics = json.loads(capsys.readouterr().out)["files"][0]["diagnostics"]
    assert [d["rule"] for d in diagnostics] == expected


def test_the_hand_written_inference_request(
    serve: Serve, capsys: pytest.CaptureFixture[str]
) -> None:
    url = serve(example_app())
    assert main(["probe", url, "--path", "/predict", "--data", '{"input": "seven"}']) == 0
    assert f"POST {url}/predict -> 200" in capsys.readouterr().err
    assert main(["probe", url, "--path", "/v1/models"]) == 1
    assert "IMG027" in capsys.readouterr().out


def test_rules_lists_the_probe_rules_without_loading_network_code() -> None:
    script = (
        "import sys\n"
        "from deploykit.cli.app import main\n"
        "main(['rules'])\n"
        "print(sorted(m for m in ('httpx', 'jsonschema') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=True)
    lines = done.stdout.splitlines()
    assert lines[-1] == "[]"
    ids = {line.split()[0] for line in lines[:-1]}
    assert {f"IMG0{n}" for n in range(20, 33)} <= ids


def readme_block(command: str) -> list[str]:
    """The output lines README.md shows after ``$ <command>``, up to the block's end."""
    lines = (Path(__file__).resolve().parents[2] / "README.md").read_text().splitlines()
    start = lines.index(f"$ {command}") + 1
    return lines[start:lines.index("```", start)]


def test_the_readme_shows_what_probe_prints(
    serve: Serve, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CONFIG.parents[2])  # the README's commands run from the repository
    config = "examples/custom-image/config.json"
    broken = load_module(CONFIG.parents[1] / "broken" / "custom-image-api" / "app.py")
    for app, port, keepalive in ((example_app(), 8080, True), (broken.application, 8081, False)):
        url = serve(app, keepalive=keepalive)
        main(["probe", url, "--config", config])
        captured = capsys.readouterr()
        # the README shows the passing run whole, and leaves stderr out of the broken one
        shown = (captured.err if keepalive else "") + captured.out
        shown = shown.replace(url, f"http://127.0.0.1:{port}")
        expected = readme_block(f"deploykit probe http://127.0.0.1:{port} --config {config}")
        assert [re.sub(r"in \d+ ms", "in N ms", line) for line in shown.splitlines()] == [
            re.sub(r"in \d+ ms", "in N ms", line) for line in expected]


def test_a_password_in_the_url_is_never_shown(
    serve: Serve, capsys: pytest.CaptureFixture[str]
) -> None:
    url = serve(answering("/health", "200 OK", b"OK"))
    secret_url = url.replace("http://", "http://admin:hunter2@")
    for fmt in ("text", "json", "sarif", "junit", "github"):
        main(["probe", secret_url, "--format", fmt])
        captured = capsys.readouterr()
        assert "hunter2" not in captured.out + captured.err
