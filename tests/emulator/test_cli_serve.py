"""``deploykit emulator serve`` starts, answers signed requests, and stops on Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from emulator_testkit import (
    DEPLOYKIT,
    create,
    emulator_serve,
    first_line,
    image_service,
    signed_client,
)
from pydantic import SecretStr

from deploykit.cli.app import main
from deploykit.clients.alibaba._signer import Acs3Auth
from deploykit.emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator


@contextmanager
def served(*options: str, env: dict[str, str] | None = None) -> Iterator[httpx.Client]:
    """`emulator serve --port 0 OPTIONS` in a subprocess, and a client signed with the
    documented defaults on the URL it printed; Ctrl-C when done."""
    with emulator_serve(*options, env=env) as url:
        defaults = Acs3Auth(DEFAULT_ACCESS_KEY_ID, SecretStr(DEFAULT_ACCESS_KEY_SECRET))
        with httpx.Client(base_url=url, auth=defaults, timeout=10) as client:
            yield client


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
def test_serve_keeps_serving_after_hostile_requests(serve: subprocess.Popen[str]) -> None:
    # Issue #13: each of these got a plain-text 500 and a logged traceback, or was stored.
    assert serve.stdout is not None and serve.stderr is not None
    url = first_line(serve.stdout).split(" on ", 1)[1].split(" ", 1)[0]
    spec = json.dumps(image_service())
    hostile = [
        b'{"model_config": "' + b"x" * (50 * 1024 * 1024) + b'"}',  # 50 MB
        "[" * 100_000 + "]" * 100_000,
        spec.replace('"instance": 2', '"instance": ' + "9" * 5000),
        spec.replace('"instance": 2', '"instance": NaN'),
        spec.replace('"instance": 2', '"instance": 1000000000'),
        spec.replace("python /app/serve.py", "python \\ud800.py"),
        *(spec.replace('"image_test"', json.dumps(name))
          for name in ("../etc/passwd", "a/b", "a\r\nX: 1", " ", "x" * 10_000)),
    ]
    auth = Acs3Auth("LTAI5tCiRunner", SecretStr("ci-runner-secret"))
    with httpx.Client(base_url=url, auth=auth, timeout=30) as client:
        for body in hostile:
            answer = client.post("/api/v2/services", content=body,
                                 headers={"content-type": "application/json"})
            assert 400 <= answer.status_code < 500, answer.text[:200]
            assert {"RequestId", "Code", "Message"} <= set(answer.json())
        assert client.post("/api/v2/services", json=image_service()).status_code == 200
        started = time.perf_counter()
        listed = client.get("/api/v2/services").json()
        elapsed = time.perf_counter() - started
    assert [s["ServiceName"] for s in listed["Services"]] == ["image_test"]
    assert elapsed < 0.5  # nothing hostile was stored to slow every list down
    serve.send_signal(signal.SIGINT)
    assert serve.wait(timeout=15) == 130
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
        (["--rollout-lag", "-1"], "--rollout-lag"),
        (["--platform", "modelarts", "--rollout-lag", "1"], "--rollout-lag is for --platform eas"),
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
    with served("--state", "local", env={"DEPLOYKIT_EMULATOR_STATE": str(state)}) as client:
        listed = client.get("/api/v2/services").json()["Services"]
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
    durations = []
    with served("--latency", "0.05") as client:
        for i in range(7):
            started = time.perf_counter()
            client.post("/api/v2/services", json=image_service(name=f"svc_{i}"))
            durations.append(time.perf_counter() - started)
    assert 0.05 <= sorted(durations)[3] < 0.085


@pytest.mark.slow
def test_serve_with_rollout_lag_and_its_own_service_endpoints() -> None:
    with served("--rollout-lag", "30") as client:
        service = "/api/v2/services/cn-shanghai/image_test"
        spec = {**image_service(instance=1), "token": "t0ken"}
        created = client.post("/api/v2/services", json=spec).json()
        deadline = time.monotonic() + 10
        while client.get(service).json()["Status"] != "Running":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        client.put(service, json={"metadata": {"cpu": 4}})
        lagging = client.get(service).json()
        invoked = httpx.post(created["InternetEndpoint"], content=b"ping",
                             headers={"Authorization": "t0ken"}, timeout=10)
        url = str(client.base_url).rstrip("/")
    assert (lagging["Status"], lagging["CurrentVersion"], lagging["LatestVersion"]) == (
        "Running", 1, 2,
    )
    # The endpoint is the server itself: the gateway answers on the same port.
    assert created["InternetEndpoint"] == f"{url}/api/predict/image_test"
    assert (invoked.status_code, invoked.json()["body"]) == (200, "ping")
