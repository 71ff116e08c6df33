"""The github format: GitHub Actions workflow commands, one per finding.

    ::error file=image.json,line=12,col=17,title=EAS101::containers[0].port 8080 is reserved...

GitHub turns these into annotations on the pull request's diff. Escaping follows the runner's
own rules (actions/toolkit, packages/core/src/command.ts): in the message, ``%`` ``\\r``
``\\n`` become ``%25`` ``%0D`` ``%0A``; in property values ``:`` and ``,`` are escaped too
(``%3A`` ``%2C``), or a path like ``C:\\x`` or a title with a comma would cut the command.
"""

from __future__ import annotations

from deploykit.diagnostics import Diagnostic, FileReport, Report, Severity
from deploykit.render.text import printable, summary

# Workflow command per severity; `notice` is GitHub's name for an informational annotation.
_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return printable(escape_data(text).replace(":", "%3A").replace(",", "%2C"))


def render(report: Report, *, color: bool = False) -> str:
    lines = [_command(file, d) for file, d in report.diagnostics()]
    # A plain line is shown in the job log as is: the same summary as the text format.
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def _command(file: FileReport, diagnostic: Diagnostic) -> str:
    properties = [f"file={escape_property(file.path)}"]
    if diagnostic.line is not None:
        properties.append(f"line={diagnostic.line}")
        if diagnostic.column is not None:
            properties.append(f"col={diagnostic.column}")
    properties.append(f"title={escape_property(diagnostic.rule)}")
    message = diagnostic.message
    if diagnostic.line is None and diagnostic.pointer:
        message += f" (at {diagnostic.pointer})"
    if diagnostic.suggestion:
        message += f"\nfix: {diagnostic.suggestion}"
    # printable() after escape_data(): newlines are already %0A, other controls become visible.
    command = _COMMAND[diagnostic.severity]
    return f"::{command} {','.join(properties)}::{printable(escape_data(message))}"
