"""Diagnostics and reports: one finding about one place, the findings of a file, of a run."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal


class Severity(str, Enum):
    """How bad a finding is; ordered error > warning > info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}

Anchor = Literal["value", "key"]


@dataclass(frozen=True)
class Diagnostic:
    """One finding about one place in one file.

    ``pointer`` is an RFC 6901 pointer into the input ("" is the whole document, ``None``
    when the finding concerns no place, e.g. a whole Dockerfile). ``anchor`` says whether
    ``line``/``column`` should point at the value (the default) or at the key, as for an
    unknown or misspelled key; it is not rendered.
    """

    rule: str
    severity: Severity
    message: str
    pointer: str | None = None
    line: int | None = None
    column: int | None = None
    suggestion: str | None = None
    anchor: Anchor = field(default="value", compare=False)

    def located(self, line: int | None, column: int | None) -> Diagnostic:
        return dataclasses.replace(self, line=line, column=column)

    def as_dict(self) -> dict[str, object]:
        """The documented JSON shape (PRODUCT.md, ``validate --format json``)."""
        out: dict[str, object] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
        }
        if self.pointer is not None:
            out["pointer"] = self.pointer
        if self.line is not None:
            out["line"] = self.line
            out["column"] = self.column
        if self.suggestion:
            out["suggestion"] = self.suggestion
        return out


def sort_key(diagnostic: Diagnostic) -> tuple[int, int, str, str]:
    """Reading order: by position in the file, then rule id."""
    return (
        diagnostic.line if diagnostic.line is not None else 0,
        diagnostic.column if diagnostic.column is not None else 0,
        diagnostic.rule,
        diagnostic.pointer or "",
    )


@dataclass
class FileReport:
    """The diagnostics of one input file."""

    path: str
    platform: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    readable: bool = True  # False when the file could not be read or parsed (exit 2)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity is Severity.WARNING)

    @property
    def valid(self) -> bool:
        return self.errors == 0

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "platform": self.platform,
            "valid": self.valid,
            "diagnostics": [d.as_dict() for d in self.diagnostics],
        }


@dataclass
class Report:
    """The result of validating one or more files."""

    files: list[FileReport] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(f.errors for f in self.files)

    @property
    def warnings(self) -> int:
        return sum(f.warnings for f in self.files)

    def diagnostics(self) -> Iterable[tuple[FileReport, Diagnostic]]:
        for file in self.files:
            for diagnostic in file.diagnostics:
                yield file, diagnostic

    @property
    def unreadable(self) -> int:
        return sum(1 for f in self.files if not f.readable)

    def fails(self, fail_on: Severity | None) -> bool:
        """True when some finding is at or above ``fail_on`` (``None`` means never)."""
        if fail_on is None:
            return False
        return any(d.severity.rank >= fail_on.rank for _, d in self.diagnostics())

    def as_dict(self) -> dict[str, object]:
        return {
            "version": 1,
            "files": [f.as_dict() for f in self.files],
            "summary": {"files": len(self.files), "errors": self.errors, "warnings": self.warnings},
        }


def filter_rules(
    diagnostics: Sequence[Diagnostic],
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> list[Diagnostic]:
    """Keep diagnostics whose rule id starts with a ``select`` prefix and none of ``ignore``.

    Prefixes let users say ``--select EAS1`` or ``--ignore IMG``, as ruff does.
    """
    kept = []
    for d in diagnostics:
        if select and not any(d.rule.startswith(p) for p in select):
            continue
        if any(d.rule.startswith(p) for p in ignore):
            continue
        kept.append(d)
    return kept
