"""What the deploy CLI tests share: realistic specs, an isolated machine, a runner that
fails on any printed dockerAuth, emulators served over real HTTP."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from deploykit.cli.app import main
from deploykit.emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator

sys.path.insert(0, str(Path(__file__).parent.parent / "emulator"))
from emulator_testkit import ServedEmulator, emulator_serve, serving

__all__ = ["ServedEmulator", "emulator_serve"]

SPECS = Path(__file__).parent.parent / "deploy" / "specs"
SPEC = SPECS / "echo_service.json"
# Env entries with secret names and a git password (reference/eas.md §1.5, §1.7).
SECRET_SPEC = SPECS / "secret_service.json"
SECRET_VALUES = ("oss-secret-value-1", "hf_tokenvalue1", "git-password-1")
DOCKER_AUTH = "ZGVwbG95a2l0OnMzY3JldC1wYXNzd29yZA=="
LOCAL = ["--endpoint", "local"]
ALIBABA_ENV = (
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
    "ALIBABA_CLOUD_REGION_ID",
)


def isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No profile, key or emulator state of the machine running the tests is used."""
    monkeypatch.setenv("DEPLOYKIT_EMULATOR_STATE", str(tmp_path / "emulator.sqlite3"))
    monkeypatch.setenv("DEPLOYKIT_CONFIG", str(tmp_path / "config.ini"))
    monkeypatch.setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", str(tmp_path / "credentials.ini"))
    for name in ALIBABA_ENV:
        monkeypatch.delenv(name, raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert DOCKER_AUTH not in out + err
    return code, out, err


def use_emulator_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The emulator's documented default keys in the environment, and no config file of the
    machine running the tests."""
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", DEFAULT_ACCESS_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", DEFAULT_ACCESS_KEY_SECRET)
    monkeypatch.setenv("DEPLOYKIT_CONFIG", str(tmp_path / "config.ini"))
    monkeypatch.setenv("ALIBABA_CLOUD_CREDENTIALS_FILE", str(tmp_path / "credentials.ini"))


@contextmanager
def served_at(emulator: Emulator) -> Iterator[list[str]]:
    """``emulator`` under uvicorn on 127.0.0.1; yields ``--endpoint URL``; closed after."""
    for server in serving(emulator):
        yield ["--endpoint", server.url]


def desc_json(capsys: pytest.CaptureFixture[str], at: list[str],
              name: str = "echo_service") -> dict[str, Any]:
    code, out, _ = run(capsys, "desc", name, *at, "--format", "json")
    assert code == 0
    found: dict[str, Any] = json.loads(out)
    return found
