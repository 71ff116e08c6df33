"""The rule registry: every rule's id, severity, platform, summary and source, in one table.

A rule is declared once, at import of its module::

    RESERVED_PORT = rule("EAS101", Severity.ERROR, "eas",
                         "container port is reserved by the EAS engine (8080, 9090)",
                         source="seeds/004; reference/eas.md §1.5")

and called to make a diagnostic: ``RESERVED_PORT("/containers/0/port", "...", suggestion=...)``.

Ids are stable forever once released; a rule is never renumbered (PRODUCT.md). Id blocks:

    DK0xx   input files (parse errors, duplicate keys, placeholders)
    EAS0xx  EAS service shape (unknown key, wrong type, missing, legacy key)
    EAS1xx  EAS containers, ports, command/script, prepare, health checks
    EAS2xx  EAS metadata, name, resources, storage, networking, images, auth
    MA0xx   ModelArts config.json shape;  MA1xx its semantics
    IMG0xx  custom images: Dockerfile, run.sh, server command, image archive
    CNV0xx  conversion losses and conflicts
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass

from deploykit.diagnostics.report import Anchor, Diagnostic, Severity

# Where each rule's documentation lives; SARIF `helpUri` is this plus `#<id lowercased>`.
DOCS_URL = "https://github.com/deploykit/deploykit/blob/main/specs/rules.md"

PLATFORMS = ("any", "eas", "modelarts", "image", "convert")

# Modules that declare rules; imported lazily so a cold `validate` loads only what it needs.
RULE_MODULES = (
    "deploykit.loading.findings",
    "deploykit.rules.placeholders",
    "deploykit.rules.eas.document",
    "deploykit.rules.modelarts.document",
    "deploykit.rules.image.findings",
    "deploykit.conversion.losses",
    "deploykit.probe.findings",
)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    platform: str
    summary: str
    source: str
    since: str = "0.1.0"

    @property
    def docs_url(self) -> str:
        return f"{DOCS_URL}#{self.id.lower()}"

    def __call__(
        self,
        pointer: str | None,
        message: str,
        *,
        suggestion: str | None = None,
        anchor: Anchor = "value",
        severity: Severity | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> Diagnostic:
        """A diagnostic of this rule. ``severity`` overrides the default only where the
        rule's documentation says so (e.g. a warning that ``--strict`` raises)."""
        return Diagnostic(
            rule=self.id,
            severity=severity or self.severity,
            message=message,
            pointer=pointer,
            line=line,
            column=column,
            suggestion=suggestion,
            anchor=anchor,
        )


_RULES: dict[str, Rule] = {}


def rule(
    id: str,
    severity: Severity,
    platform: str,
    summary: str,
    *,
    source: str,
    since: str = "0.1.0",
) -> Rule:
    """Declare a rule. Declaring an id twice is a programming error."""
    if id in _RULES:
        raise ValueError(f"rule {id} is declared twice")
    if platform not in PLATFORMS:
        raise ValueError(f"rule {id}: unknown platform {platform!r}")
    declared = Rule(id, severity, platform, summary, source, since)
    _RULES[id] = declared
    return declared


def load_all() -> None:
    """Import every module that declares rules (for `deploykit rules`, SARIF, docs)."""
    for module in RULE_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            # A rule module not written yet is not an error; a broken import inside one is.
            if exc.name != module:
                raise


def all_rules() -> Iterator[Rule]:
    load_all()
    yield from sorted(_RULES.values(), key=lambda r: r.id)


def get(rule_id: str) -> Rule | None:
    return _RULES.get(rule_id)
