"""``-o`` writes the whole file or nothing, and never replaces a file without --force."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from deploykit.conversion import output
from deploykit.conversion.output import write_whole
from deploykit.errors import ConfigError

SPEC = '{\n  "metadata": {"name": "image_test", "instance": 1}\n}\n'


def test_writes_a_new_file_with_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "eas.json"
    write_whole(target, SPEC)

    assert target.read_text(encoding="utf-8") == SPEC
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["eas.json"]  # no temporary file left


def test_refuses_an_existing_file_without_force_and_names_it(tmp_path: Path) -> None:
    target = tmp_path / "eas.json"
    target.write_text("precious", encoding="utf-8")

    with pytest.raises(ConfigError, match=r"eas\.json exists") as caught:
        write_whole(target, SPEC)

    assert "--force" in (caught.value.hint or "")
    assert target.read_text(encoding="utf-8") == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["eas.json"]


def test_force_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "eas.json"
    target.write_text("old", encoding="utf-8")
    write_whole(target, SPEC, force=True)

    assert target.read_text(encoding="utf-8") == SPEC


def test_a_failure_while_writing_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "eas.json"
    target.write_text("old", encoding="utf-8")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", disk_full)
    with pytest.raises(ConfigError, match="No space left"):
        write_whole(target, SPEC, force=True)

    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["eas.json"]


def test_a_file_that_appears_while_writing_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "eas.json"
    real_fsync = os.fsync

    def someone_else_writes(fd: int) -> None:
        real_fsync(fd)
        if not target.exists():
            target.write_text("theirs", encoding="utf-8")

    monkeypatch.setattr(output.os, "fsync", someone_else_writes)
    with pytest.raises(ConfigError, match="exists"):
        write_whole(target, SPEC)

    assert target.read_text(encoding="utf-8") == "theirs"


def test_a_directory_or_a_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory"):
        write_whole(tmp_path, SPEC)
    with pytest.raises(ConfigError, match="cannot write in"):
        write_whole(tmp_path / "missing" / "eas.json", SPEC)
