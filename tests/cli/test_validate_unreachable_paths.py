"""Paths that cannot be read end in a finding beside the others, never in exit 70 or a hang.

issue #13: a symbolic link loop inside a directory, one unreadable subdirectory, or one
integer of more than 4300 digits made ``validate DIR`` exit 70 and report no file at all; a
FIFO named on the command line hung forever. Each is now a DK finding for that path (exit 2)
and every other file is still checked and reported.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deploykit.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
DEPLOYKIT = str(Path(sys.executable).with_name("deploykit"))
RESERVED = (ROOT / "examples" / "broken" / "eas-reserved-port.json").read_text(encoding="utf-8")
CLEAN = (ROOT / "examples" / "eas" / "custom-image-service.json").read_text(encoding="utf-8")
HUGE = "9" * 5000  # Python converts at most 4300 digits to an int


def validate_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["validate", "--format", "json", *args])
    out, err = capsys.readouterr()
    assert "internal error" not in err and "Traceback" not in err, err
    return code, {f["path"]: f for f in json.loads(out)["files"]}


def rules_of(file: dict[str, Any]) -> list[str]:
    return [d["rule"] for d in file["diagnostics"]]


@pytest.fixture
def specs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A repository's spec folder with a clean spec and one with a reserved port."""
    folder = tmp_path / "specs"
    (folder / "eas").mkdir(parents=True)
    (folder / "eas" / "clean.json").write_text(CLEAN)
    (folder / "eas" / "reserved.json").write_text(RESERVED)
    monkeypatch.chdir(tmp_path)
    yield Path("specs")


def test_a_link_loop_is_reported_and_every_other_file_checked(
    specs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (specs / "a").symlink_to("b")
    (specs / "b").symlink_to("a")
    (specs / "eas" / "self.json").symlink_to("self.json")
    code, files = validate_json(capsys, str(specs))
    assert code == 2
    assert rules_of(files["specs/a"]) == rules_of(files["specs/b"]) == ["DK001"]
    loop = files["specs/eas/self.json"]["diagnostics"][0]
    assert loop["message"].startswith("symbolic link loop")
    assert loop["suggestion"]
    assert "EAS101" in rules_of(files["specs/eas/reserved.json"])
    assert rules_of(files["specs/eas/clean.json"]) == []


def _lock_for_tests_run_as_root(monkeypatch: pytest.MonkeyPatch, locked: Path) -> None:
    """Root lists any directory: make the OS answer as it does to anyone else."""
    real_scandir = os.scandir

    def scandir(path: str) -> Any:
        if os.path.samefile(path, locked):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_subdirectory_is_reported_beside_the_readable_files(
    specs: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = specs / "team-b"
    locked.mkdir()
    (locked / "service.json").write_text(CLEAN)
    locked.chmod(0)
    try:
        if os.geteuid() == 0:
            _lock_for_tests_run_as_root(monkeypatch, locked)
        code, files = validate_json(capsys, str(specs))
    finally:
        locked.chmod(0o755)
    assert code == 2
    assert list(files) == ["specs/eas/clean.json", "specs/eas/reserved.json", "specs/team-b"]
    (finding,) = files["specs/team-b"]["diagnostics"]
    assert finding["rule"] == "DK001"
    assert finding["message"] == "cannot list the directory: Permission denied"
    assert "EAS101" in rules_of(files["specs/eas/reserved.json"])


@pytest.mark.parametrize(
    ("name", "text", "pointer", "line", "column"),
    [
        (
            "instance.json",
            '{"metadata": {"name": "big", "instance": ' + HUGE + "},\n"
            ' "containers": [{"image": "x", "command": "python a.py", "port": 8000}]}',
            "/metadata/instance",
            1,
            42,
        ),
        (
            "in-a-list.json",
            '{"metadata": {"name": "big"},\n "containers": [{"port": 8000}, {"port": -'
            + HUGE
            + "}]}",
            "/containers/1/port",
            2,
            42,
        ),
        (
            "instance.yaml",
            "metadata:\n  name: big\n  instance: " + HUGE + "\n",
            "/metadata/instance",
            3,
            13,
        ),
        # Hexadecimal is converted without a limit, but could never be printed.
        ("hex.yaml", "metadata:\n  instance: 0x" + "f" * 4000 + "\n", "/metadata/instance", 2, 13),
    ],
)
def test_an_integer_of_more_than_4300_digits_is_out_of_range_at_its_place(
    specs: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    text: str,
    pointer: str,
    line: int,
    column: int,
) -> None:
    (specs / name).write_text(text)
    code, files = validate_json(capsys, str(specs))
    assert code == 2
    (finding,) = files[f"specs/{name}"]["diagnostics"]
    assert finding["rule"] == "DK006"
    assert "out of range" in finding["message"]
    assert HUGE not in finding["message"]
    assert (finding["pointer"], finding["line"], finding["column"]) == (pointer, line, column)
    assert "EAS101" in rules_of(files["specs/eas/reserved.json"])


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
@pytest.mark.parametrize("make", [_fifo, _socket], ids=["fifo", "socket"])
def test_a_special_file_is_refused_unread_exit_2(tmp_path: Path, make: Any) -> None:
    # A real process with a timeout: the bug was a hang, which in-process would hang pytest.
    special = tmp_path / "service.json"
    make(special)
    good = tmp_path / "good.json"
    good.write_text(RESERVED)
    done = subprocess.run(
        [DEPLOYKIT, "validate", "--format", "json", str(special), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    files = {f["path"]: f for f in json.loads(done.stdout)["files"]}
    (finding,) = files[str(special)]["diagnostics"]
    assert finding["rule"] == "DK005"
    assert "not a regular file" in finding["message"]
    assert "EAS101" in rules_of(files[str(good)])


def test_a_device_is_refused_unread(capsys: pytest.CaptureFixture[str]) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    code, files = validate_json(capsys, "/dev/zero")  # read, it would never end
    assert code == 2
    (finding,) = files["/dev/zero"]["diagnostics"]
    assert (finding["rule"], finding["message"]) == (
        "DK005",
        "is a character device, not a regular file: not read",
    )
