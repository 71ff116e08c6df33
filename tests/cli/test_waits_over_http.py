"""Waits that mean "serving the version you asked for", over real HTTP against
``deploykit emulator serve --rollout-lag S``: right after UpdateService the emulator goes on
reporting Running at the old version for S seconds, as EAS does (issue #10). A wait that took
that Running for success would report an update that has not happened.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from deploy_testkit import SPEC, desc_json, emulator_serve, run, use_emulator_keys

pytestmark = pytest.mark.slow
LAG = "1.5"  # seconds; the emulator's default pace finishes a 2-instance rollout in ~0.7 s


@pytest.fixture(autouse=True)
def credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_emulator_keys(tmp_path, monkeypatch)


@pytest.fixture
def lagging() -> Iterator[list[str]]:
    with emulator_serve("--rollout-lag", LAG) as url:
        yield ["--endpoint", url]


def version_and_instances(service: dict[str, Any]) -> tuple[str, int, int, int, int]:
    return (service["Status"], service["CurrentVersion"], service["LatestVersion"],
            service["RunningInstance"], service["TotalInstance"])


def test_modify_returns_only_once_the_new_version_serves(
    lagging: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "create", str(SPEC), *lagging)[0] == 0
    code, out, err = run(capsys, "modify", "echo_service", "-D", "metadata.cpu=4", *lagging)
    assert code == 0, err
    assert version_and_instances(desc_json(capsys, lagging)) == ("Running", 2, 2, 2, 2)
    assert out.splitlines()[-1] == "[OK] Service is running"


def test_apply_of_a_changed_spec_returns_once_the_new_version_serves(
    lagging: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "create", str(SPEC), *lagging)[0] == 0
    spec = json.loads(SPEC.read_text())
    spec["metadata"]["cpu"] = 4
    (tmp_path / "echo_service.json").write_text(json.dumps(spec))
    code, out, err = run(capsys, "apply", str(tmp_path), *lagging)
    assert code == 0, err
    assert "1 updated" in out
    assert version_and_instances(desc_json(capsys, lagging)) == ("Running", 2, 2, 2, 2)


def test_json_events_carry_the_versions(
    lagging: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "create", str(SPEC), *lagging)[0] == 0
    code, out, _ = run(capsys, "modify", "echo_service", "-D", "metadata.cpu=4", *lagging,
                       "--format", "json")
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    # The first read is the hazard itself: Running, at the old version.
    first = next(e for e in events if e["event"] == "progress")
    assert (first["status"], first["current_version"], first["latest_version"]) == (
        "Running", 1, 2)
    assert events[-1] == {"event": "running", "service": "echo_service",
                          "current_version": 2, "latest_version": 2}


def test_a_call_that_changes_nothing_still_ends(
    lagging: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # StartService of a Running service changes nothing: the wait must not wait for a move
    # that never comes (it would end in exit 5).
    assert run(capsys, "create", str(SPEC), *lagging)[0] == 0
    code, out, err = run(capsys, "start", "echo_service", *lagging, "--timeout", "10")
    assert code == 0, err
    assert out.splitlines()[-1] == "[OK] Service is running"
    # A modify to the value the service has: EAS still makes a version and rolls it out.
    code, _, err = run(capsys, "modify", "echo_service", "-D", "metadata.cpu=2", *lagging,
                       "--timeout", "10")
    assert code == 0, err
    assert version_and_instances(desc_json(capsys, lagging)) == ("Running", 2, 2, 2, 2)


def test_scale_returns_once_every_new_instance_runs(
    lagging: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "create", str(SPEC), *lagging)[0] == 0
    code, _, err = run(capsys, "scale", "echo_service", "--instance", "4", *lagging)
    assert code == 0, err
    assert version_and_instances(desc_json(capsys, lagging))[3:] == (4, 4)
