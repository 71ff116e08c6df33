"""The text format: one line per finding, like ruff and flake8, then a summary.

    examples/broken/image.json:12:17: error EAS101 containers[0].port 8080 is reserved ...
        fix: listen on another port, e.g. 8000
    checked 1 file: 1 error, 0 warnings

Colour is the caller's decision (only on a TTY, never with NO_COLOR); without it the output is
plain ASCII punctuation around the messages, stable enough for golden files and grep.
"""

from __future__ import annotations

import re

from deploykit.diagnostics import Diagnostic, FileReport, Report, Severity

# ANSI SGR codes; bold red/yellow/blue are what ruff and pytest use for the same severities.
_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_SEVERITY_COLOR = {
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[1;33m",
    Severity.INFO: "\x1b[1;34m",
}

# C0/C1 control characters (but not tab) and Unicode line/paragraph separators: a key or value
# quoted from a hostile or binary file must not move the cursor, clear the screen or forge
# extra lines in the user's terminal or CI log.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\n``, ``\\x1b``)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def render(report: Report, *, color: bool = False) -> str:
    lines: list[str] = []
    for file in report.files:
        for diagnostic in file.diagnostics:
            lines.extend(finding_lines(file, diagnostic, color=color))
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def finding_lines(file: FileReport, diagnostic: Diagnostic, *, color: bool = False) -> list[str]:
    """The finding's line and, when there is a fix, its indented ``fix:`` line."""
    where = printable(file.path)
    if diagnostic.line is not None:
        where += f":{diagnostic.line}"
        if diagnostic.column is not None:
            where += f":{diagnostic.column}"
    severity = diagnostic.severity.value
    rule = diagnostic.rule
    if color:
        where = f"{_BOLD}{where}{_RESET}"
        severity = f"{_SEVERITY_COLOR[diagnostic.severity]}{severity}{_RESET}"
        rule = f"{_BOLD}{rule}{_RESET}"
    message = printable(diagnostic.message)
    # Without a line (a file with no source map), the pointer is the only way to find the place.
    if diagnostic.line is None and diagnostic.pointer:
        message += f" (at {printable(diagnostic.pointer)})"
    lines = [f"{where}: {severity} {rule} {message}"]
    if diagnostic.suggestion:
        fix = f"{_DIM}fix:{_RESET}" if color else "fix:"
        lines.append(f"    {fix} {printable(diagnostic.suggestion)}")
    return lines


def summary(report: Report) -> str:
    """``checked 3 files: 2 errors, 1 warning (1 file unreadable)``."""
    if not report.files:
        return "no spec files found"
    text = (
        f"checked {_count(len(report.files), 'file')}: "
        f"{_count(report.errors, 'error')}, {_count(report.warnings, 'warning')}"
    )
    if report.unreadable:
        text += f" ({_count(report.unreadable, 'file')} unreadable)"
    return text


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
