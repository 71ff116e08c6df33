"""A deploy that fails says why (issue #10): the Warning events, the instances that are not
ready and the failing log lines, printed before the error, in text and in NDJSON — over real
HTTP against the emulator, whose ``crashloop`` and ``oomkill`` images fail as real ones do.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from deploy_testkit import SPEC, run, served_at, use_emulator_keys

from deploykit.emulator import Emulator, Reply, Timings

pytestmark = pytest.mark.slow
QUICK = Timings(accept=0.05, per_instance=0.05)
CRASH_IMAGE = "registry-vpc.cn-shanghai.aliyuncs.com/deploykit/echo:crashloop"
OOM_IMAGE = "registry-vpc.cn-shanghai.aliyuncs.com/deploykit/oomkill-echo:1.0"
TRACEBACK_END = "FileNotFoundError: [Errno 2] No such file or directory: '/models/model.bin'"


@pytest.fixture(autouse=True)
def credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_emulator_keys(tmp_path, monkeypatch)


@pytest.fixture
def at() -> Iterator[list[str]]:
    with served_at(Emulator(timings=QUICK)) as endpoint:
        yield endpoint


def spec_with(tmp_path: Path, image: str) -> str:
    spec = json.loads(SPEC.read_text())
    spec["containers"][0]["image"] = image
    path = tmp_path / "service.json"
    path.write_text(json.dumps(spec))
    return str(path)


def events_of(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def failed_in_json(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    """The NDJSON events of a command that must end in a failed state (exit 4)."""
    code, out, _ = run(capsys, *argv, "--format", "json")
    assert code == 4
    return events_of(out)


def test_a_crash_loop_is_explained_in_text(
    at: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "create", spec_with(tmp_path, CRASH_IMAGE), *at)
    assert code == 4
    why = out[out.index("[FAIL] Diagnosis of [echo_service]:"):]
    assert "Warning events since " in why
    assert "BackOff: Back-off restarting failed container of instance [echo-service-" in why
    assert "Instances not ready:" in why
    assert "CrashLoopBackOff, restarts " in why and "last exit code 1 (Error)" in why
    # The whole traceback, not only the lines that name an error.
    assert "    Traceback (most recent call last):" in why
    assert '      File "app.py", line 14, in <module>' in why
    assert why.rstrip().endswith(TRACEBACK_END)
    # The explanation comes before the error, and the error is unchanged.
    assert err.startswith("error: the service is Failed: Instances keep crashing")


def test_a_crash_loop_is_explained_in_json(
    at: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = failed_in_json(capsys, "create", spec_with(tmp_path, CRASH_IMAGE), *at)
    assert [e["event"] for e in events[-2:]] == ["diagnosis", "error"]
    diagnosis, error = events[-2:]
    assert error["exit"] == 4
    assert {e["reason"] for e in diagnosis["events"]} == {"BackOff", "Failed"}
    assert all(e["type"] == "Warning" for e in diagnosis["events"])
    assert len(diagnosis["instances"]) == 2
    instance = diagnosis["instances"][0]
    # The objects `deploykit instances --format json` prints.
    assert (instance["status"], instance["ready"], instance["total"]) == (
        "CrashLoopBackOff", 0, 1)
    assert instance["last_state"] == {"reason": "Error", "exit_code": 1}
    assert instance["restarts"] >= 1
    log = diagnosis["log"]
    assert log["instance"] in {i["name"] for i in diagnosis["instances"]}
    assert log["matched"] is True and log["lines"][-1] == TRACEBACK_END
    assert diagnosis["unavailable"] == []


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_an_oom_kill_is_explained(
    at: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    code, out, _ = run(capsys, "create", spec_with(tmp_path, OOM_IMAGE), *at, "--format", fmt)
    assert code == 4
    if fmt == "text":
        assert "OOMKilled: Instance [echo-service-" in out
        assert "last exit code 137 (OOMKilled)" in out
        # An OOM kill leaves no error line: the log's last lines show where it died.
        assert "no line matches error keywords; the last lines:" in out
        assert out.rstrip().endswith("loading checkpoint shard 2/4")
        return
    diagnosis = next(e for e in events_of(out) if e["event"] == "diagnosis")
    assert "OOMKilled" in {e["reason"] for e in diagnosis["events"]}
    assert {(i["last_state"]["exit_code"], i["last_state"]["reason"])
            for i in diagnosis["instances"]} == {(137, "OOMKilled")}
    assert diagnosis["log"]["matched"] is False
    assert diagnosis["log"]["lines"][-1] == "loading checkpoint shard 2/4"


def test_a_timeout_is_explained_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The crash loop lasts 3 restarts of 2 s each: --timeout 1 runs out in the middle of it.
    with served_at(Emulator(timings=Timings(accept=0.05, per_instance=2.0))) as at:
        code, out, err = run(capsys, "create", spec_with(tmp_path, CRASH_IMAGE), *at,
                             "--timeout", "1")
        assert code == 5, err
        assert "[FAIL] Diagnosis of [echo_service]:" in out
        assert "CrashLoopBackOff" in out and out.rstrip().endswith(TRACEBACK_END)
        assert "error: gave up waiting for running after 1 s" in err


def test_a_healthy_slow_service_has_nothing_to_blame(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with served_at(Emulator(timings=Timings(accept=60.0, per_instance=1.0))) as at:
        code, out, _ = run(capsys, "create", str(SPEC), *at, "--timeout", "1",
                           "--format", "json")
        assert code == 5
        diagnosis = next(e for e in events_of(out) if e["event"] == "diagnosis")
        assert (diagnosis["events"], diagnosis["log"]) == ([], None)


def test_a_failed_update_is_explained_by_its_own_events_only(
    at: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "create", str(SPEC), *at)[0] == 0
    events = failed_in_json(capsys, "modify", "echo_service", "-D",
                            f"containers[0].image={CRASH_IMAGE}", *at)
    diagnosis = next(e for e in events if e["event"] == "diagnosis")
    # The rolling update surges one new instance, which crashes; the old ones still run.
    assert [i["status"] for i in diagnosis["instances"]] == ["CrashLoopBackOff"]
    assert diagnosis["log"]["lines"][-1] == TRACEBACK_END


def test_apply_explains_each_service_that_failed(
    at: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = failed_in_json(capsys, "apply", spec_with(tmp_path, CRASH_IMAGE), *at)
    assert [e["event"] for e in events] == ["failed", "diagnosis", "summary", "error"]
    assert events[1]["service"] == "echo_service"
    assert events[1]["log"]["lines"][-1] == TRACEBACK_END


def test_what_cannot_be_read_leaves_the_failure_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A RAM user allowed to deploy but not to read events (403: never retried).
    emulator = Emulator(timings=QUICK)
    handle = emulator.handle

    def no_events(method: str, raw_path: bytes, headers: Sequence[tuple[str, str]],
                  body: bytes) -> Reply:
        if raw_path.split(b"?")[0].endswith(b"/events"):
            refusal = {"Code": "Forbidden.RAM", "Message": "not allowed: DescribeServiceEvent"}
            return Reply(403, [("content-type", "application/json")],
                         json.dumps(refusal).encode())
        return handle(method, raw_path, headers, body)

    emulator.handle = no_events  # type: ignore[method-assign]  # the served app calls it
    with served_at(emulator) as at:
        events = failed_in_json(capsys, "create", spec_with(tmp_path, CRASH_IMAGE), *at)
    diagnosis, error = events[-2:]
    assert diagnosis["events"] == [] and diagnosis["instances"]
    assert diagnosis["log"]["lines"][-1] == TRACEBACK_END
    [unavailable] = diagnosis["unavailable"]
    assert unavailable.startswith("the events: ") and "DescribeServiceEvent" in unavailable
    assert (error["exit"], error["code"]) == (4, "DeploymentFailed")
    assert error["message"].startswith("the service is Failed: Instances keep crashing")
