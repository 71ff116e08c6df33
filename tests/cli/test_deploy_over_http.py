"""Every deploy command over real HTTP: the emulator under uvicorn on 127.0.0.1:<free port>.

This is how users run deploykit in CI against ``deploykit emulator serve``; it exercises the
real httpx transport, dropped connections included.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from deploykit.cli.app import main
from deploykit.emulator import (
    Emulator,
    Faults,
    Reply,
    Timings,
)

sys.path.insert(0, str(Path(__file__).parent.parent / "emulator"))
from deploy_testkit import use_emulator_keys
from emulator_testkit import ServedEmulator

pytestmark = pytest.mark.slow
SPEC = Path(__file__).parent.parent / "deploy" / "specs" / "echo_service.json"
DOCKER_AUTH = "ZGVwbG95a2l0OnMzY3JldC1wYXNzd29yZA=="
QUICK = Timings(accept=0.05, per_instance=0.05)


@pytest.fixture(autouse=True)
def credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_emulator_keys(tmp_path, monkeypatch)


@pytest.fixture
def served() -> Iterator[ServedEmulator]:
    emulator = Emulator(timings=QUICK)
    with ServedEmulator(emulator) as server:
        yield server
    emulator.close()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert DOCKER_AUTH not in out + err
    return code, out, err


def test_every_command_over_http(
    served: ServedEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    at = ["--endpoint", served.url]
    code, out, _ = run(capsys, "create", str(SPEC), *at)
    assert code == 0 and out.splitlines()[-1] == "[OK] Service is running"
    assert run(capsys, "ls", *at)[1].count("| echo_service ") == 1
    assert run(capsys, "scale", "echo_service", "--instance", "3", *at)[0] == 0
    assert run(capsys, "modify", "echo_service", "-D", "metadata.instance=2", *at)[0] == 0
    assert run(capsys, "stop", "echo_service", *at)[0] == 0
    assert run(capsys, "start", "echo_service", *at)[0] == 0
    code, out, _ = run(capsys, "desc", "echo_service", *at, "--format", "json")
    assert code == 0 and json.loads(out)["Status"] == "Running"
    code, out, _ = run(capsys, "plan", str(SPEC), *at, "--exit-code")
    assert code == 0, out  # instance is 2 again: nothing to change
    code, out, _ = run(capsys, "apply", str(SPEC), *at)
    assert code == 0 and "0 created, 0 updated, 1 unchanged" in out
    code, out, _ = run(capsys, "delete", "echo_service", "-y", *at)
    assert code == 0 and out.splitlines()[-1] == "[OK] Service was deleted successfully"
    assert "echo_service" not in run(capsys, "ls", *at)[1]


def test_wrong_secret_is_exit_3_and_not_retried(
    served: ServedEmulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "not-the-secret")
    code, _, err = run(capsys, "ls", "--endpoint", served.url, "--verbose")
    assert code == 3
    assert "SignatureDoesNotMatch" in err and "retrying" not in err
    assert "not-the-secret" not in err


def test_wait_timeout_is_exit_5(capsys: pytest.CaptureFixture[str]) -> None:
    slow = Emulator(timings=Timings(accept=60.0, per_instance=1.0))
    with ServedEmulator(slow) as server:
        code, out, err = run(capsys, "create", str(SPEC), "--endpoint", server.url,
                             "--timeout", "1")
    slow.close()
    assert code == 5
    assert "[OK] Service is now creating" in out and "Creating" in err


def test_failed_deployment_is_exit_4(capsys: pytest.CaptureFixture[str]) -> None:
    # The image is not in the emulator's registry: the service ends Failed, as on EAS.
    strict = Emulator(timings=QUICK, known_images=["registry-vpc.cn-shanghai.aliyuncs.com/x:1"])
    with ServedEmulator(strict) as server:
        code, _, err = run(capsys, "create", str(SPEC), "--endpoint", server.url)
    strict.close()
    assert code == 4 and "Failed" in err


def test_apply_under_faults_over_http(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The fault mix, smaller N: exactly N services, none twice, exit 0.
    faults = Faults(error_5xx=0.2, throttle=0.1, drop=0.05, lost_create_response=0.05,
                    retry_after_ms=10, seed=11)
    emulator = Emulator(timings=QUICK, faults=faults)
    for i in range(20):
        spec = json.loads(SPEC.read_text())
        spec["metadata"]["name"] = f"echo_{i:02d}"
        (tmp_path / f"echo_{i:02d}.json").write_text(json.dumps(spec))
    with ServedEmulator(emulator) as server:
        code, out, err = run(capsys, "apply", str(tmp_path), "--endpoint", server.url,
                             "--concurrency", "5", "--no-wait", "--format", "json")
        assert code == 0, err
        summary = json.loads(out.splitlines()[-1])
        assert summary["created"] == 20 and summary["retries"] > 0
        # Without --verbose, every retry still says why the command is taking longer.
        assert err.count("retrying in ") == summary["retries"]
        code, out, _ = run(capsys, "ls", "--endpoint", server.url, "--format", "json")
    emulator.close()
    names = [s["ServiceName"] for s in json.loads(out)["services"]]
    assert sorted(names) == [f"echo_{i:02d}" for i in range(20)]


# -- modify validates like create (issue #13) ----------------------------------------------
# A change that leaves the service with errors, or names a path that does not exist, is
# refused, and the emulator never receives an UpdateService.

UPDATE_PATH = b"/api/v2/services/cn-shanghai/echo_service"


class Recorded:
    """The emulator's app, remembering every (method, path) it was asked."""

    def __init__(self) -> None:
        self.emulator = Emulator(timings=Timings(accept=0.01, per_instance=0.01))
        self.calls: list[tuple[str, bytes]] = []
        handle = self.emulator.handle

        def recording(method: str, raw_path: bytes, headers: Sequence[tuple[str, str]],
                      body: bytes) -> Reply:
            self.calls.append((method, raw_path.split(b"?")[0]))
            return handle(method, raw_path, headers, body)

        self.emulator.handle = recording  # type: ignore[method-assign]  # the served app calls it

    @property
    def updates(self) -> int:
        return self.calls.count(("PUT", UPDATE_PATH))


@pytest.fixture
def served_with_spy(capsys: pytest.CaptureFixture[str]) -> Iterator[tuple[Recorded, list[str]]]:
    recorded = Recorded()
    with ServedEmulator(recorded.emulator) as server:
        at = ["--endpoint", server.url]
        assert main(["create", str(SPEC), *at, "--no-wait"]) == 0
        capsys.readouterr()
        yield recorded, at
    recorded.emulator.close()


def live_config(capsys: pytest.CaptureFixture[str], at: list[str]) -> dict[str, Any]:
    assert main(["desc", "echo_service", *at, "--format", "json"]) == 0
    config: dict[str, Any] = json.loads(capsys.readouterr().out)["ServiceConfig"]
    return config


@pytest.mark.parametrize(
    ("pair", "exit_code", "said"),
    [
        ("metadata.instance=abc", 1, "EAS002 metadata.instance must be an integer"),
        ("metadata.instance=-1", 1, "EAS203 metadata.instance is -1"),
        ("containers=[]", 1, "EAS213"),
        ("containers[0].port=8080", 1, "EAS101 containers[0].port 8080 is reserved"),
        ("foo=bar", 2, "`foo` is neither in the live config of [echo_service]"),
        ("containers[1].port=8000", 2, "containers[1] does not exist"),
    ],
)
def test_a_bad_change_is_refused_and_never_sent(
    served_with_spy: tuple[Recorded, list[str]], capsys: pytest.CaptureFixture[str],
    pair: str, exit_code: int, said: str,
) -> None:
    recorded, at = served_with_spy
    before = live_config(capsys, at)
    assert main(["modify", "echo_service", "-D", pair, *at]) == exit_code
    err = capsys.readouterr().err
    assert said in err
    assert recorded.updates == 0
    assert live_config(capsys, at) == before


def test_a_partial_spec_with_a_reserved_port_points_into_that_file(
    served_with_spy: tuple[Recorded, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    recorded, at = served_with_spy
    partial = tmp_path / "partial.json"
    partial.write_text('{\n  "containers": [\n    {"image": "registry-vpc.cn-shanghai.aliyuncs.com'
                       '/deploykit/echo:1.1", "command": "python app.py", "port": 8080}\n  ]\n}\n')
    assert main(["modify", "echo_service", "-s", str(partial), *at, "--format", "json"]) == 1
    out, err = capsys.readouterr()
    report = json.loads(err[: err.rindex("}") + 1])  # the validate document, as for create
    (finding,) = report["files"][0]["diagnostics"]
    assert (finding["rule"], finding["pointer"]) == ("EAS101", "/containers/0/port")
    assert finding["line"] == 3  # in partial.json, where the user wrote 8080
    event = json.loads(out.splitlines()[-1])
    assert (event["exit"], event["code"]) == (1, "SpecRefused")
    assert recorded.updates == 0


def test_a_good_element_change_keeps_the_rest_of_the_live_config(
    served_with_spy: tuple[Recorded, list[str]], capsys: pytest.CaptureFixture[str],
) -> None:
    recorded, at = served_with_spy
    before = live_config(capsys, at)
    assert main(["modify", "echo_service", "-D", "containers[0].port=8001",
                 "-D", "metadata.eas.termination_grace_period=30", *at, "--no-wait"]) == 0
    capsys.readouterr()
    assert recorded.updates == 1
    after = live_config(capsys, at)
    assert after["containers"] == [{**before["containers"][0], "port": 8001}]
    assert after["metadata"] == {**before["metadata"], "eas.termination_grace_period": 30}
    assert set(after) == set(before)  # no literal "containers[0]" key, nothing else added
