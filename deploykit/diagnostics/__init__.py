"""What every check, conversion and renderer speaks: findings, reports, and the rule registry.

    report.py     Severity, Diagnostic, FileReport, Report; reading order and --select/--ignore
    registry.py   every rule's id, severity, platform, summary and source, declared once

Rules create a :class:`Diagnostic` with a JSON pointer; :func:`deploykit.validation.validate`
fills ``line``/``column`` from the file's source map. Renderers see nothing else.
"""

from __future__ import annotations

from deploykit.diagnostics.report import (
    Anchor,
    Diagnostic,
    FileReport,
    Report,
    Severity,
    filter_rules,
    sort_key,
)

__all__ = [
    "Anchor",
    "Diagnostic",
    "FileReport",
    "Report",
    "Severity",
    "filter_rules",
    "sort_key",
]
