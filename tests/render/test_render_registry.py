"""The renderer registry and properties every format keeps, whatever the text says."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deploykit.diagnostics import Diagnostic, FileReport, Report, Severity
from deploykit.render import FORMATS, render


def test_every_documented_format_is_registered() -> None:
    # PRODUCT.md: --format text|json|sarif|junit|github
    assert FORMATS == ("text", "json", "sarif", "junit", "github")


def test_an_unknown_format_is_a_clear_error(report: Report) -> None:
    with pytest.raises(ValueError, match="unknown format 'yaml'; expected one of text, json"):
        render(report, "yaml")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_ends_with_one_newline(report: Report, fmt: str) -> None:
    out = render(report, fmt)
    assert out.endswith("\n") and not out.endswith("\n\n")


_any_text = st.text(st.characters(codec="utf-8"), max_size=40)


@settings(max_examples=60)
@given(path=_any_text.filter(bool), message=_any_text, suggestion=_any_text)
def test_any_text_keeps_every_format_well_formed(path: str, message: str, suggestion: str) -> None:
    finding = Diagnostic(
        "EAS101", Severity.ERROR, message, pointer="/a", line=2, column=3, suggestion=suggestion
    )
    report = Report([FileReport(path, "eas", [finding])])
    assert json.loads(render(report, "json"))["files"][0]["path"] == path
    json.loads(render(report, "sarif"))
    ET.fromstring(render(report, "junit"))  # noqa: S314 - our own output
    # One command line plus the summary: nothing in the text can split a command.
    assert len(render(report, "github").splitlines()) == 2
    # Text: the finding, maybe its fix, the summary; nothing else.
    assert len(render(report, "text").splitlines()) == (3 if suggestion else 2)
