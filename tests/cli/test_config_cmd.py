"""``deploykit config --access-key-secret-stdin``: CI pipes the secret in; it is stored in the
private profile file whole (without the line ending) and never echoed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from deploykit import credentials
from deploykit.cli.app import main

SECRET = "c1-Pip3d-AccessKey-Secret"


@pytest.fixture(autouse=True)
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config.ini"
    monkeypatch.setenv("DEPLOYKIT_CONFIG", str(path))
    return path


def piped(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


@pytest.mark.parametrize("line", [SECRET, SECRET + "\n", SECRET + "\r\n"])
def test_the_secret_is_read_from_stdin_and_never_echoed(
    line: str, config_file: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    piped(monkeypatch, line)
    code = main(["config", "-i", "LTAI5tCiRunner", "--access-key-secret-stdin",
                 "-r", "cn-hangzhou"])
    out, err = capsys.readouterr()
    assert code == 0 and SECRET not in out + err
    profile = credentials.read_profile(config_file, "default")
    assert profile is not None and profile.credentials is not None
    assert profile.credentials.access_key_secret.get_secret_value() == SECRET
    assert config_file.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("argv", "stdin"),
    [
        (["-i", "LTAI5tCiRunner", "--access-key-secret-stdin"], ""),  # nothing piped
        (["-i", "LTAI5tCiRunner", "--access-key-secret-stdin"], "one\ntwo\n"),
        (["-i", "LTAI5tCiRunner", "--access-key-secret-stdin", "-k", SECRET], SECRET),
        (["--access-key-secret-stdin"], SECRET),  # a secret without its AccessKey ID
    ],
)
def test_a_secret_that_cannot_be_meant_is_exit_2_and_saves_nothing(
    argv: list[str], stdin: str, config_file: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    piped(monkeypatch, stdin)
    assert main(["config", *argv]) == 2
    out, err = capsys.readouterr()
    assert "--access-key-secret-stdin" in err and SECRET not in out + err
    assert not config_file.exists()
