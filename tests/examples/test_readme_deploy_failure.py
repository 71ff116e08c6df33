"""README "When a deploy fails": its commands run on the embedded emulator, end with the exit
codes it shows, and print the lines it shows (times, request ids, instance names, addresses and
counts aside: they differ from run to run)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from deploykit.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## When a deploy fails"
_BLOCK = re.compile(r"^```\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_VARYING = (
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"), "TIME"),
    (re.compile(r"[0-9A-F]{8}(?:-[0-9A-F]{4}){3}-[0-9A-F]{12}"), "REQUEST-ID"),
    (re.compile(r"image-classify-[a-z0-9]+-[a-z0-9]+"), "INSTANCE"),
    (re.compile(r"\d+(?:\.\d+){3}"), "IP"),
    (re.compile(r"\d+"), "N"),
)


def session() -> list[tuple[list[str], int, list[str]]]:
    """(argv, exit code, lines shown) for each ``$ deploykit …`` of the section's block; an
    ``$ echo $?`` after a command shows its exit code (0 otherwise)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = _BLOCK.search(text, text.index(SECTION))
    assert block is not None
    steps: list[tuple[list[str], int, list[str]]] = []
    lines = iter(block.group(1).splitlines())
    for line in lines:
        if line == "$ echo $?":
            argv, _, shown = steps[-1]
            steps[-1] = (argv, int(next(lines)), shown)
        elif line.startswith("$ deploykit "):
            steps.append((shlex.split(line)[2:], 0, []))
        else:
            steps[-1][2].append(line)
    return steps


def normal(line: str) -> str:
    if re.fullmatch(r"\+[-+]+\+", line):
        return ""  # a table's rule: its width follows the varying cells
    for pattern, replacement in _VARYING:
        line = pattern.sub(replacement, line)
    return " ".join(line.replace("|", " ").split())


def test_the_section_runs_create_then_the_commands_that_explain_it() -> None:
    commands = [argv[0] for argv, _, _ in session()]
    assert commands[0] == "create" and {"events", "instances", "logs"} <= set(commands)


def test_each_command_prints_what_the_readme_shows(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)  # the README's paths are from the repository root
    monkeypatch.setenv("NO_COLOR", "1")
    for argv, exit_code, shown in session():
        assert main(argv) == exit_code, argv
        out, err = capsys.readouterr()
        printed = {normal(line) for line in (out + err).splitlines()}
        for line in shown:
            assert normal(line) in printed, f"deploykit {' '.join(argv)}: not printed: {line}"
