"""No deploy command shows a secret, in any format or verbosity (issue #13, PRODUCT.md).

The spec holds what users really put in one: env entries named OSS_ACCESS_KEY_SECRET and
HF_TOKEN, a git password, a dockerAuth. Before one predicate decided for every command,
``plan`` printed git passwords and env values (old and new), ``desc`` and ``--verbose``
printed env values that ``validate`` hid, and the local state file was world-readable.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from deploy_testkit import LOCAL, SECRET_SPEC, SECRET_VALUES, isolate, run


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(tmp_path, monkeypatch)


def changed_spec(tmp_path: Path) -> Path:
    """The same service with every secret changed: plan must say so without showing either."""
    text = SECRET_SPEC.read_text()
    for value in SECRET_VALUES:
        text = text.replace(value, value.replace("1", "2"))
    path = tmp_path / "secret_service.json"
    path.write_text(text)
    return path


def assert_no_secret(text: str) -> None:
    for value in (*SECRET_VALUES, *(v.replace("1", "2") for v in SECRET_VALUES)):
        assert value not in text, value


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_plan_shows_that_secrets_change_but_never_their_values(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "plan", str(SECRET_SPEC), *LOCAL, "--format", fmt)
    assert code == 0 and "create" in out
    assert_no_secret(out + err)
    assert run(capsys, "create", str(SECRET_SPEC), *LOCAL, "--no-wait")[0] == 0
    code, out, err = run(capsys, "plan", str(changed_spec(tmp_path)), *LOCAL, "--format", fmt)
    assert code == 0
    assert_no_secret(out + err)
    secrets = {"/containers/0/env/1/value", "/containers/0/env/2/value",
               "/storage/0/git/password"}
    if fmt == "json":
        changed = {c["pointer"] for c in json.loads(out)["changes"] if c["kind"] == "change"}
        assert changed == secrets
    else:
        for pointer in secrets:
            assert f'~ {pointer}: "****" -> "****"' in out


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_desc_hides_env_values_with_secret_names(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "create", str(SECRET_SPEC), *LOCAL, "--no-wait")[0] == 0
    code, out, err = run(capsys, "desc", "secret_service", *LOCAL, "--format", fmt)
    assert code == 0 and "MODEL_DIR" in out and "/models" in out  # the rest is shown
    assert_no_secret(out + err)


def test_verbose_logs_hide_env_values_with_secret_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "create", str(SECRET_SPEC), *LOCAL, "--verbose")
    assert code == 0 and "> POST" in err and "OSS_ACCESS_KEY_SECRET" in err
    assert_no_secret(out + err)


def test_validate_hides_a_secret_env_value_of_the_wrong_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A PIN written as a number: the type error must not echo it. The env name says
    # "password" only as PWD, which validate's own table did not know.
    spec = json.loads(SECRET_SPEC.read_text())
    spec["containers"][0]["env"].append({"name": "MYSQL_PWD", "value": 73519046})
    path = tmp_path / "pin.json"
    path.write_text(json.dumps(spec, indent=2))
    code, out, err = run(capsys, "validate", str(path))
    assert code == 1 and "env[3].value must be a string, not an integer" in out
    assert "73519046" not in out + err


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """deploykit's own state folder (no DEPLOYKIT_EMULATOR_STATE): the one it may lock."""
    monkeypatch.delenv("DEPLOYKIT_EMULATOR_STATE")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "deploykit"


def test_the_local_state_file_is_private(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # It holds dockerAuth, git passwords, tokens and env secrets in clear (README).
    assert run(capsys, "create", str(SECRET_SPEC), *LOCAL, "--no-wait")[0] == 0
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for file in folder.iterdir():  # the database and SQLite's -wal/-shm beside it
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


def test_an_existing_state_file_and_folder_are_made_private(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder.mkdir(parents=True, mode=0o755)
    state = folder / "emulator.sqlite3"
    state.touch(mode=0o644)
    folder.chmod(0o755)
    state.chmod(0o644)
    assert run(capsys, "ls", *LOCAL)[0] == 0
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
