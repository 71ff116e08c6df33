from __future__ import annotations

import pytest

from deploykit.diagnostics import Diagnostic, FileReport, Report, Severity
from deploykit.render import render
from deploykit.render.github import escape_data, escape_property


def test_errors_and_warnings_are_workflow_commands(report: Report) -> None:
    lines = render(report, "github").splitlines()
    assert lines[0] == (
        "::error file=examples/broken/image.json,line=12,col=17,title=EAS101::"
        "containers[0].port 8080 is reserved by the EAS engine"
        "%0Afix: listen on another port, e.g. 8000"
    )
    assert lines[1].startswith(
        "::warning file=examples/broken/image.json,line=14,col=7,title=EAS001::unknown key"
    )
    assert lines[2].startswith("::error file=notes/broken.json,line=3,col=5,title=DK001::")
    assert lines[-1] == "checked 4 files: 2 errors, 2 warnings (1 file unreadable)"


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("50% done", "50%25 done", "50%25 done"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("C:\\specs\\a,b.json", "C:\\specs\\a,b.json", "C%3A\\specs\\a%2Cb.json"),
        ("%0A", "%250A", "%250A"),  # an already-escaped-looking value stays literal
    ],
)
def test_escaping_follows_the_runner(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_a_hostile_message_cannot_inject_a_second_command() -> None:
    hostile = Diagnostic(
        "EAS001", Severity.ERROR, "key `x`\n::add-mask::y", pointer="/x", line=1, column=2
    )
    out = render(Report([FileReport("dir,x:y/svc.json", "eas", [hostile])]), "github")
    command, summary = out.splitlines()
    assert command == (
        "::error file=dir%2Cx%3Ay/svc.json,line=1,col=2,title=EAS001::key `x`%0A::add-mask::y"
    )
    assert summary.startswith("checked 1 file")


def test_info_is_a_notice_and_a_finding_without_line_omits_it() -> None:
    note = Diagnostic("EAS001", Severity.INFO, "fyi", pointer="/metadata")
    (line, _) = render(Report([FileReport("svc.json", "eas", [note])]), "github").splitlines()
    assert line == "::notice file=svc.json,title=EAS001::fyi (at /metadata)"
