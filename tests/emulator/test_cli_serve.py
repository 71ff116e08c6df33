"""``deploykit emulator serve`` starts, answers signed requests, and stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from emulator_testkit import create, first_line, image_service, signed_client
from pydantic import SecretStr

from deploykit.cli.app import main
from deploykit.clients.alibaba._signer import Acs3Auth
from deploykit.emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator

DEPLOYKIT = [sys.executable, "-c", "from deploykit.cli.app import run; run()"]


@pytest.fixture
def serve() -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [
            *DEPLOYKIT,
            "emulator",
            "serve",
            "--port",
            "0",
            "--access-key-id",
            "LTAI5tCiRunner",
            "--access-key-secret",
            "ci-runner-secret",
            "--region",
            "cn-hangzhou",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)
    for stream in (process.stdout, process.stderr):
        if stream:
            stream.close()


@pytest.mark.slow
def test_serve_prints_its_url_serves_and_stops_on_ctrl_c(serve: subprocess.Popen[str]) -> None:
    assert serve.stdout is not None and serve.stderr is not None
    line = first_line(serve.stdout)
    assert "AccessKey ID LTAI5tCiRunner" in line
    assert "ci-runner-secret" not in line  # a user's secret is never printed
    url = line.split(" on ", 1)[1].split(" ", 1)[0]
    assert url.startswith("http://127.0.0.1:")

    auth = Acs3Auth("LTAI5tCiRunner", SecretStr("ci-runner-secret"))
    with httpx.Client(base_url=url, auth=auth, timeout=10) as client:
        created = client.post("/api/v2/services", json=image_service())
        assert created.json()["Region"] == "cn-hangzhou"
        assert client.get("/api/v2/services/cn-hangzhou/image_test").status_code == 200
    defaults = Acs3Auth(DEFAULT_ACCESS_KEY_ID, SecretStr(DEFAULT_ACCESS_KEY_SECRET))
    with httpx.Client(base_url=url, auth=defaults, timeout=10) as client:
        assert client.get("/api/v2/services").json()["Code"] == "InvalidAccessKeyId.NotFound"

    serve.send_signal(signal.SIGINT)
    assert serve.wait(timeout=15) == 130  # PRODUCT.md: interrupted
    assert "Traceback" not in serve.stderr.read()


@pytest.mark.slow
def test_serve_with_defaults_prints_the_documented_credentials() -> None:
    process = subprocess.Popen(
        [*DEPLOYKIT, "emulator", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = first_line(process.stdout)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
        if process.stdout:
            process.stdout.close()
    assert f"AccessKey ID {DEFAULT_ACCESS_KEY_ID}" in line
    assert f"secret {DEFAULT_ACCESS_KEY_SECRET}" in line


@pytest.mark.parametrize(
    ("argv", "cause"),
    [
        (["--platform", "gcp"], "is not one of"),
        (["--access-key-id", "LTAI5tOnlyHalf"], "go together"),
        (["--fail-rate", "0.6", "--drop-rate", "0.6"], "must not exceed 1"),
        (["--token", "x"], "--platform modelarts"),
    ],
)
def test_bad_options_are_exit_2_with_a_cause(
    argv: list[str], cause: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["emulator", "serve", *argv]) == 2
    assert cause in capsys.readouterr().err


def test_a_busy_port_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["emulator", "serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err
    assert "--port" in err


@pytest.mark.slow
def test_serve_with_state_local_shares_services_with_the_embedded_emulator(
    tmp_path: Path,
) -> None:
    state = tmp_path / "emulator.sqlite3"
    embedded = Emulator(state)  # what `--endpoint local` runs, on the same file
    with signed_client(embedded) as client:
        assert create(client, image_service(name="made_locally")).status_code == 200
    embedded.close()
    process = subprocess.Popen(
        [*DEPLOYKIT, "emulator", "serve", "--port", "0", "--state", "local"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "DEPLOYKIT_EMULATOR_STATE": str(state)},
    )
    try:
        assert process.stdout is not None
        url = first_line(process.stdout).split(" on ", 1)[1].split(" ", 1)[0]
        defaults = Acs3Auth(DEFAULT_ACCESS_KEY_ID, SecretStr(DEFAULT_ACCESS_KEY_SECRET))
        with httpx.Client(base_url=url, auth=defaults, timeout=10) as client:
            listed = client.get("/api/v2/services").json()["Services"]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
        if process.stdout:
            process.stdout.close()
    assert [s["ServiceName"] for s in listed] == ["made_locally"]


def test_an_unusable_state_file_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["emulator", "serve", "--port", "0", "--state", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "cannot open the state file" in err
    assert "--state" in err


@pytest.mark.slow
def test_served_answers_take_the_added_latency_not_a_delayed_ack_more() -> None:
    # Without TCP_NODELAY each answer (headers, then body) waited ~40 ms for the client's
    # delayed ACK: 50 ms of --latency became ~95 ms, and concurrency benchmarks missed 1.3x.
    process = subprocess.Popen(
        [*DEPLOYKIT, "emulator", "serve", "--port", "0", "--latency", "0.05"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = first_line(process.stdout).split(" on ", 1)[1].split(" ", 1)[0]
        defaults = Acs3Auth(DEFAULT_ACCESS_KEY_ID, SecretStr(DEFAULT_ACCESS_KEY_SECRET))
        durations = []
        with httpx.Client(base_url=url, auth=defaults, timeout=10) as client:
            for i in range(7):
                started = time.perf_counter()
                client.post("/api/v2/services", json=image_service(name=f"svc_{i}"))
                durations.append(time.perf_counter() - started)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
        if process.stdout:
            process.stdout.close()
    assert 0.05 <= sorted(durations)[3] < 0.085
