"""Text that is not valid Unicode (a lone surrogate: JSON's ``"\\ud800"``, or an argument whose
bytes are not UTF-8) cannot be sent: every deploy command says so in one line, exit 2, and
sends nothing; never a traceback or "internal error" (issue #13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deploykit.cli.app import main

SPEC = Path(__file__).parent.parent / "deploy" / "specs" / "echo_service.json"
LOCAL = ["--endpoint", "local"]
# What Python makes of the UTF-8-looking bytes ED A0 80 in an argument (surrogateescape).
ARGUMENT_NOT_UTF8 = b"\xed\xa0\x80".decode("utf-8", "surrogateescape")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEPLOYKIT_EMULATOR_STATE", str(tmp_path / "emulator.sqlite3"))
    monkeypatch.setenv("DEPLOYKIT_CONFIG", str(tmp_path / "config.ini"))
    monkeypatch.setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", str(tmp_path / "credentials.ini"))


def spec_with(tmp_path: Path, pointer: tuple[str | int, ...], value: str) -> Path:
    spec = json.loads(SPEC.read_text())
    node = spec
    for token in pointer[:-1]:
        node = node[token]
    node[pointer[-1]] = value
    path = tmp_path / "service.json"
    # json.dumps writes a lone surrogate as the escape "\ud800", as a hostile file would.
    path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    return path


def services(capsys: pytest.CaptureFixture[str]) -> list[object]:
    assert main(["ls", *LOCAL, "--format", "json"]) == 0
    found: list[object] = json.loads(capsys.readouterr().out)["services"]
    return found


def assert_refused_in_one_line(err: str) -> None:
    assert "lone surrogate" in err
    assert "internal error" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("pointer", "value", "shown"),
    [
        (("metadata", "name"), "\ud800", "service.json:3:13: /metadata/name"),
        (("containers", 0, "command"), "python \udc80app.py", "/containers/0/command"),
    ],
)
def test_create_refuses_a_spec_holding_a_lone_surrogate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
    pointer: tuple[str | int, ...], value: str, shown: str,
) -> None:
    code = main(["create", str(spec_with(tmp_path, pointer, value)), *LOCAL])
    err = capsys.readouterr().err
    assert code == 2
    assert shown in err
    assert_refused_in_one_line(err)
    assert services(capsys) == []  # nothing was sent


def test_create_with_json_format_still_ends_in_a_parsable_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = spec_with(tmp_path, ("metadata", "name"), "\ud800")
    assert main(["create", str(path), *LOCAL, "--format", "json"]) == 2
    event = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert event["exit"] == 2 and "\\ud800" in event["message"]


@pytest.mark.parametrize("name", ["\ud800", ARGUMENT_NOT_UTF8])
@pytest.mark.parametrize(
    "command", [["desc"], ["modify", "-D", "metadata.instance=1"], ["stop"], ["delete", "-y"]]
)
def test_a_name_that_is_not_text_is_refused(
    command: list[str], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([command[0], name, *command[1:], *LOCAL])
    err = capsys.readouterr().err
    assert code == 2
    assert_refused_in_one_line(err)
