"""The broken examples' reports in every format, compared with checked-in golden files.

A change in wording, order or position shows up here as a diff a reviewer reads. When the
change is intended, regenerate and review the diff::

    DEPLOYKIT_UPDATE_GOLDEN=1 pytest tests/golden
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from deploykit.cli.app import main

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
BROKEN = ("examples/broken/eas-reserved-port.json", "examples/broken/modelarts-bad-config.json")
FORMATS = {"text": "txt", "json": "json", "sarif": "sarif", "junit": "xml", "github": "github"}
UPDATE = os.environ.get("DEPLOYKIT_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("example", BROKEN)
def test_report_matches_golden(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, example: str, fmt: str
) -> None:
    monkeypatch.chdir(ROOT)  # paths in reports are as the user typed them: relative
    code = main(["validate", example, "--format", fmt])
    out = capsys.readouterr().out
    assert code == 1  # every broken example has at least one error
    golden = GOLDEN / f"{Path(example).stem}.{FORMATS[fmt]}"
    if UPDATE:
        golden.write_text(out, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run with DEPLOYKIT_UPDATE_GOLDEN=1"
    assert out == golden.read_text(encoding="utf-8")
