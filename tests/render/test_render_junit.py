from __future__ import annotations

import xml.etree.ElementTree as ET

from deploykit.diagnostics import Diagnostic, FileReport, Report, Severity
from deploykit.render import render


def parse_junit(report: Report) -> ET.Element:
    return ET.fromstring(render(report, "junit"))  # noqa: S314 - our own output, not untrusted


def _cases(report: Report) -> dict[str, ET.Element]:
    root = parse_junit(report)
    return {case.attrib["name"]: case for case in root.iter("testcase")}


def test_one_test_case_per_file_with_totals(report: Report) -> None:
    root = parse_junit(report)
    assert root.tag == "testsuites"
    assert root.attrib.items() >= {"tests": "4", "failures": "1", "errors": "1"}.items()
    assert [c.attrib["name"] for c in root.iter("testcase")] == [f.path for f in report.files]


def test_an_invalid_file_fails_with_every_finding(report: Report) -> None:
    case = _cases(report)["examples/broken/image.json"]
    failure = case.find("failure")
    assert failure is not None
    assert failure.attrib == {"type": "EAS101", "message": "1 error, 1 warning"}
    assert failure.text is not None
    assert "examples/broken/image.json:12:17: error EAS101 containers[0].port 8080" in failure.text
    assert "fix: listen on another port, e.g. 8000" in failure.text
    assert (
        "examples/broken/image.json:14:7: warning EAS001 unknown key `helth_check`" in failure.text
    )


def test_valid_files_pass_and_show_their_warnings(report: Report) -> None:
    cases = _cases(report)
    assert list(cases["examples/eas/service.yaml"]) == []
    warned = cases["templates/service.json"]
    assert warned.find("failure") is None
    out = warned.find("system-out")
    assert out is not None and "DK010" in (out.text or "")


def test_an_unreadable_file_is_an_error_not_a_failure(report: Report) -> None:
    case = _cases(report)["notes/broken.json"]
    assert case.find("failure") is None
    error = case.find("error")
    assert error is not None
    assert error.attrib["type"] == "DK001"


def test_characters_xml_cannot_hold_do_not_break_the_document() -> None:
    # A key quoted from a binary file: NUL and other C0 controls are not XML 1.0 characters.
    binary = Diagnostic("EAS001", Severity.ERROR, 'unknown key `\x00\x01<&>"`', pointer="/x")
    root = parse_junit(Report([FileReport("a&b<c>.json", "eas", [binary])]))
    case = root.find("testsuite/testcase")
    assert case is not None and case.attrib["name"] == "a&b<c>.json"
    failure = case.find("failure")
    assert failure is not None and '\\x00\\x01<&>"' in (failure.text or "")
