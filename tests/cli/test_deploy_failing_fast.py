"""Deploy commands fail fast and say so plainly (issue #13): a wrong endpoint is named within
seconds, ``--timeout`` bounds the whole command, a failure is never an ``[OK]`` line, hints
name the service, and ``--help`` speaks the user's words."""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from deploy_testkit import LOCAL, SPEC, ServedEmulator, isolate, run

from deploykit.emulator import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_ACCESS_KEY_SECRET,
    Emulator,
    Faults,
    Timings,
)

QUICK = Timings(accept=0.05, per_instance=0.05)
DEPLOY_COMMANDS = ("create", "modify", "desc", "ls", "start", "stop", "delete", "scale",
                   "apply", "plan")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_ACCESS_KEY_SECRET)


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def failing_server() -> Iterator[ServedEmulator]:
    """An emulator that answers every call 503/500, which a client retries for two minutes."""
    emulator = Emulator(timings=QUICK, faults=Faults(error_5xx=1.0, seed=3))
    with ServedEmulator(emulator) as server:
        yield server
    emulator.close()


@pytest.mark.slow
def test_a_refused_connection_is_reported_within_seconds_naming_the_address(
    closed_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    code, _, err = run(capsys, "ls", "--endpoint", f"http://127.0.0.1:{closed_port}")
    assert code == 3
    assert time.monotonic() - started < 10  # was ~60 s of retries
    assert f"127.0.0.1:{closed_port}" in err and "ConnectError" in err


@pytest.mark.slow
def test_timeout_bounds_the_retries_too(
    failing_server: ServedEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    code, _, err = run(capsys, "ls", "--endpoint", failing_server.url, "--timeout", "2")
    assert code == 3 and "retrying in" in err
    assert time.monotonic() - started < 6  # the retry budget alone is 120 s


@pytest.mark.slow
def test_a_loopback_endpoint_without_scheme_is_plain_http_with_a_note(
    capsys: pytest.CaptureFixture[str],
) -> None:
    emulator = Emulator(timings=QUICK)
    with ServedEmulator(emulator) as server:
        address = server.url.removeprefix("http://")
        code, out, err = run(capsys, "ls", "--endpoint", address)
    emulator.close()
    assert code == 0 and "SERVICENAME" in out
    assert f"using http://{address}" in err


def test_a_timeout_that_is_not_finite_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "ls", *LOCAL, "--timeout", "inf")
    assert code == 2 and "finite" in err


@pytest.mark.slow
def test_a_failure_is_a_fail_line_and_the_hint_names_the_service(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The image is not in the emulator's registry: the service ends Failed, as on EAS.
    good = "registry-vpc.cn-shanghai.aliyuncs.com/deploykit/other:1.0"
    emulator = Emulator(timings=QUICK, known_images=[good])
    for name, image in (("echo_bad", None), ("echo_good", good)):
        spec = json.loads(SPEC.read_text())
        spec["metadata"]["name"] = name
        spec["containers"][0]["image"] = image or spec["containers"][0]["image"]
        (tmp_path / f"{name}.json").write_text(json.dumps(spec))
    with ServedEmulator(emulator) as server:
        at = ["--endpoint", server.url]
        code, out, err = run(capsys, "create", str(tmp_path / "echo_bad.json"), *at)
        assert code == 4
        assert "[OK] Failed" not in out and "[FAIL] Failed [Total: 2" in out
        assert f"`deploykit desc echo_bad --endpoint {server.url}`" in err
        assert not re.search(r"\bNAME\b", err)
        run(capsys, "delete", "echo_bad", "-y", *at)
        code, out, _ = run(capsys, "apply", str(tmp_path), *at)
    emulator.close()
    assert code == 4
    assert "[FAIL] Service [echo_bad] failed: the service is Failed" in out
    assert "[FAIL] Applied 2 services: 1 created, 0 updated, 0 unchanged, 1 failed" in out
    assert "[OK] Service [echo_good] created" in out


@pytest.mark.parametrize("command", DEPLOY_COMMANDS)
def test_help_names_every_value_in_the_users_words(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from deploykit.cli.app import main

    assert main([command, "--help"]) == 0
    options = capsys.readouterr().out.split("Options:", 1)[1]
    assert not re.search(r"<[a-z]", options), options  # <str>, <float range>, <int range>
    for line in options.splitlines():
        if line.startswith("  -"):
            assert len(line.split("  ", 2)) == 3 or line.endswith("--help"), line  # has help
    if command in ("desc", "ls", "plan"):
        assert "NDJSON" not in options and "one JSON document" in options
    else:
        assert "one JSON event per line" in options
