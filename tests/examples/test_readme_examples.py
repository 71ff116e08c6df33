"""The README's validate output is what deploykit prints: every output block in it (lines such
as ``path:12:15: error EAS101 …`` and their ``fix:`` lines) is run as ``deploykit validate
path`` from the repository root, and its lines must appear in the real output, in order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deploykit.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
# A fenced block with no language is output; its first line names the file it is about.
_BLOCK = re.compile(r"^```\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_FINDING = re.compile(r"^(?P<path>\S+?):\d+:\d+: (?:error|warning|info) [A-Z]+\d+ ")


def validate_output_blocks() -> list[tuple[str, list[str]]]:
    blocks = []
    for match in _BLOCK.finditer((ROOT / "README.md").read_text(encoding="utf-8")):
        lines = match.group(1).splitlines()
        first = _FINDING.match(lines[0]) if lines else None
        if first is not None:
            blocks.append((first.group("path"), lines))
    return blocks


def test_the_readme_shows_validate_output() -> None:
    assert validate_output_blocks(), "no validate output block found in README.md"


@pytest.mark.parametrize(("path", "shown"), validate_output_blocks())
def test_each_shown_line_is_what_validate_prints(
    path: str, shown: list[str], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")
    main(["validate", path])
    printed = iter(capsys.readouterr().out.splitlines())
    for line in shown:  # each in order, other lines may come between (the README shows a few)
        assert any(line == real for real in printed), f"README line not printed: {line}"
