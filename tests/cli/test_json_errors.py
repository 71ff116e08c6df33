"""With ``--format json`` a deploy command's failure is one JSON object, the last line on
stdout (PRODUCT.md "create output"), besides the line on stderr: scripts parse stdout."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from deploykit.cli.app import main
from deploykit.emulator import DEFAULT_ACCESS_KEY_ID, Emulator

sys.path.insert(0, str(Path(__file__).parent.parent / "emulator"))
from emulator_testkit import ServedEmulator

SPEC = Path(__file__).parent.parent / "deploy" / "specs" / "echo_service.json"
LOCAL = ["--endpoint", "local"]
KEYS = {"event", "exit", "code", "message", "request_id", "hint"}


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEPLOYKIT_EMULATOR_STATE", str(tmp_path / "emulator.sqlite3"))
    monkeypatch.setenv("DEPLOYKIT_CONFIG", str(tmp_path / "config.ini"))
    monkeypatch.setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", str(tmp_path / "credentials.ini"))
    for name in ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                 "ALIBABA_CLOUD_SECURITY_TOKEN", "ALIBABA_CLOUD_REGION_ID"):
        monkeypatch.delenv(name, raising=False)


def last_event(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    event = json.loads(out.splitlines()[-1])
    assert set(event) == KEYS and event["event"] == "error" and event["exit"] == code
    return code, event, err


def test_an_api_error_carries_the_server_code_request_id_and_fix(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, event, err = last_event(capsys, "desc", "no_such_service", *LOCAL, "--format", "json")
    assert code == 3
    assert event["code"] == "InvalidService.NotFound"
    assert event["request_id"] and event["request_id"] in err  # the same answer as stderr's
    assert "no_such_service" in event["message"] and event["hint"]


def test_a_failed_create_follows_its_events(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["create", str(SPEC), *LOCAL, "--no-wait"]) == 0
    capsys.readouterr()
    code, event, _ = last_event(capsys, "create", str(SPEC), *LOCAL, "--format=json")
    assert code == 3 and event["code"] == "ServiceAlreadyExists"


@pytest.mark.slow
def test_a_refused_secret_is_never_in_the_event(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "wrong-s3cret-value")
    emulator = Emulator()
    with ServedEmulator(emulator) as server:
        code, event, err = last_event(capsys, "ls", "--endpoint", server.url, "--format", "json",
                                      "--verbose")
    emulator.close()
    assert code == 3 and event["code"] == "SignatureDoesNotMatch"
    assert "wrong-s3cret-value" not in json.dumps(event) + err


@pytest.mark.parametrize(
    ("argv", "exit_code", "kind"),
    [
        (["scale", "echo_service", "--format", "json"], 2, "UsageError"),  # no --instance
        (["ls", "--format", "json", "--endpoint", "https://pai-eas.example.com"], 2, "ConfigError"),
        (["create", "missing.json", *LOCAL, "--format", "json"], 2, "SpecError"),
    ],
)
def test_usage_and_configuration_errors(
    argv: list[str], exit_code: int, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, event, _ = last_event(capsys, *argv)
    assert (code, event["code"]) == (exit_code, kind)
    assert event["message"]


def test_text_format_keeps_stdout_free_of_events(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["desc", "no_such_service", *LOCAL]) == 3
    out, err = capsys.readouterr()
    assert out == "" and "InvalidService.NotFound" in err


def test_ctrl_c_is_an_event_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import deploykit.deploy.connection

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(deploykit.deploy.connection, "connect", interrupted)
    code, event, _ = last_event(capsys, "ls", *LOCAL, "--format", "json")
    assert code == 130 and event["code"] == "Interrupted"
