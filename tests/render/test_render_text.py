from __future__ import annotations

from deploykit.diagnostics import Diagnostic, FileReport, Report, Severity
from deploykit.render import render


def test_each_finding_is_path_line_column_severity_rule_message_then_fix(report: Report) -> None:
    lines = render(report, "text").splitlines()
    assert lines[:3] == [
        "examples/broken/image.json:12:17: error EAS101 "
        "containers[0].port 8080 is reserved by the EAS engine",
        "    fix: listen on another port, e.g. 8000",
        "examples/broken/image.json:14:7: warning EAS001 "
        "unknown key `helth_check` in containers[0]",
    ]
    assert "notes/broken.json:3:5: error DK001 invalid JSON: expecting ',' delimiter" in lines


def test_summary_counts_files_errors_warnings_and_unreadable(report: Report) -> None:
    last = render(report, "text").splitlines()[-1]
    assert last == "checked 4 files: 2 errors, 2 warnings (1 file unreadable)"


def test_a_clean_run_says_so_in_one_line() -> None:
    clean = Report([FileReport("examples/eas/service.json", "eas", [])])
    assert render(clean, "text") == "checked 1 file: 0 errors, 0 warnings\n"


def test_no_color_codes_unless_asked(report: Report) -> None:
    assert "\x1b[" not in render(report, "text")
    colored = render(report, "text", color=True)
    assert "\x1b[1;31merror\x1b[0m" in colored
    assert "\x1b[1;33mwarning\x1b[0m" in colored


def test_a_finding_without_a_line_shows_its_pointer() -> None:
    finding = Diagnostic("EAS101", Severity.ERROR, "port reserved", pointer="/containers/0/port")
    out = render(Report([FileReport("svc.json", "eas", [finding])]), "text")
    assert out.splitlines()[0] == "svc.json: error EAS101 port reserved (at /containers/0/port)"


def test_control_characters_from_the_input_cannot_reach_the_terminal() -> None:
    # An unknown key quoted from a hostile file: an escape sequence and a forged second line.
    hostile = Diagnostic(
        "EAS001", Severity.WARNING, "unknown key `\x1b[2Jx\nsvc.json:1:1: error FAKE`", pointer="/x"
    )
    out = render(Report([FileReport("svc.json", "eas", [hostile])]), "text")
    assert "\x1b" not in out
    assert out.count("\n") == 2  # the finding and the summary, nothing forged
    assert "\\x1b[2Jx\\nsvc.json" in out
