"""``apply --rollback-on-failure`` over real HTTP: an update whose image crash-loops ends
Failed, the service is switched back to the version that served before, waited for, and the
command still exits 4 saying so (issue #10)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from deploy_testkit import SPEC, desc_json, run, served_at, use_emulator_keys

from deploykit.emulator import Emulator, Timings

pytestmark = pytest.mark.slow
CRASH_IMAGE = "registry-vpc.cn-shanghai.aliyuncs.com/deploykit/echo:crashloop"


@pytest.fixture(autouse=True)
def credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_emulator_keys(tmp_path, monkeypatch)


@pytest.fixture
def running(capsys: pytest.CaptureFixture[str]) -> Iterator[list[str]]:
    """A served emulator where echo_service runs version 1; yields ``--endpoint URL``."""
    with served_at(Emulator(timings=Timings(accept=0.05, per_instance=0.05))) as at:
        assert run(capsys, "create", str(SPEC), *at)[0] == 0
        yield at


@pytest.fixture
def crashing_update(tmp_path: Path) -> str:
    spec = json.loads(SPEC.read_text())
    spec["containers"][0]["image"] = CRASH_IMAGE
    path = tmp_path / "echo_service.json"
    path.write_text(json.dumps(spec))
    return str(path)


def test_a_failed_update_is_rolled_back_and_still_exit_4(
    running: list[str], crashing_update: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "apply", crashing_update, *running, "--rollback-on-failure")
    assert code == 4
    said = "rolled back to version 1, which is running again"
    assert out.splitlines()[0].startswith("[FAIL] Service [echo_service] failed: the service "
                                          "is Failed: ")
    assert said in out.splitlines()[0] and said in err
    # Explained, as every failed wait is.
    assert "[FAIL] Diagnosis of [echo_service]:" in out
    service = desc_json(capsys, running)
    assert (service["Status"], service["CurrentVersion"], service["LatestVersion"]) == (
        "Running", 1, 2)
    assert service["RunningInstance"] == service["TotalInstance"] == 2
    assert service["ServiceConfig"]["containers"][0]["image"] != CRASH_IMAGE


def test_the_rollback_in_json(
    running: list[str], crashing_update: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "apply", crashing_update, *running, "--rollback-on-failure",
                       "--format", "json")
    assert code == 4
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["event"] for e in events] == ["failed", "diagnosis", "summary", "error"]
    assert events[0]["rollback"] == {"version": 1, "ok": True, "problem": None}
    assert events[-1]["exit"] == 4 and "rolled back to version 1" in events[-1]["message"]


def test_without_the_flag_the_failed_update_stays(
    running: list[str], crashing_update: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "apply", crashing_update, *running)
    assert code == 4 and "rolled back" not in out
    assert desc_json(capsys, running)["Status"] == "Failed"


def test_a_failed_create_has_nothing_to_roll_back_to(
    running: list[str], crashing_update: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = json.loads(Path(crashing_update).read_text())
    spec["metadata"]["name"] = "fresh_service"
    (tmp_path / "fresh.json").write_text(json.dumps(spec))
    code, _, err = run(capsys, "apply", str(tmp_path / "fresh.json"), *running,
                       "--rollback-on-failure")
    assert code == 4
    assert "not rolled back: the service was created by this apply" in err


def test_rollback_needs_the_wait(
    running: list[str], crashing_update: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "apply", crashing_update, *running, "--rollback-on-failure",
                       "--no-wait")
    assert code == 2 and "--rollback-on-failure needs the wait" in err
