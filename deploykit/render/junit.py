"""The junit format: one test case per file, as CI test-report viewers expect.

    <testsuites name="deploykit" tests="2" failures="1" errors="0">
      <testsuite name="deploykit validate" ...>
        <testcase classname="deploykit.validate.eas" name="examples/broken/image.json" ...>
          <failure type="EAS101" message="2 errors, 1 warning">...every finding...</failure>

A file with errors is a ``failure`` listing all its findings; a file that could not be read is
an ``error`` (the check could not run); a valid file's warnings go to ``system-out`` so they
are visible without failing the case. Built with ``xml.etree`` so quoting is always right.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from deploykit.diagnostics import FileReport, Report, Severity
from deploykit.render.text import finding_lines, summary

# XML 1.0 §2.2 Char: these code points cannot appear in a document even as references, and
# ElementTree writes them unchanged; messages quoting a binary file could contain them.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` with characters XML cannot hold shown as escapes (``\\x00``)."""
    return _NOT_XML_CHAR.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def render(report: Report, *, color: bool = False) -> str:
    failures = sum(1 for f in report.files if f.readable and not f.valid)
    errors = report.unreadable
    totals = {"tests": str(len(report.files)), "failures": str(failures), "errors": str(errors)}
    root = ET.Element("testsuites", {"name": "deploykit", **totals})
    suite = ET.SubElement(
        root, "testsuite", {"name": "deploykit validate", "skipped": "0", **totals}
    )
    for file in report.files:
        _testcase(suite, file)
    ET.SubElement(suite, "system-out").text = summary(report)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _testcase(suite: ET.Element, file: FileReport) -> None:
    path = xml_text(file.path)
    case = ET.SubElement(
        suite,
        "testcase",
        {"classname": f"deploykit.validate.{file.platform}", "name": path, "file": path},
    )
    if not file.diagnostics:
        return
    body = xml_text("\n".join(line for d in file.diagnostics for line in finding_lines(file, d)))
    if not file.readable:
        first = file.diagnostics[0]
        ET.SubElement(
            case, "error", {"type": first.rule, "message": xml_text(first.message)}
        ).text = body
    elif not file.valid:
        counts = f"{file.errors} error{'s' * (file.errors != 1)}, "
        counts += f"{file.warnings} warning{'s' * (file.warnings != 1)}"
        first_error = next(d for d in file.diagnostics if d.severity is Severity.ERROR)
        ET.SubElement(case, "failure", {"type": first_error.rule, "message": counts}).text = body
    else:
        ET.SubElement(case, "system-out").text = body
