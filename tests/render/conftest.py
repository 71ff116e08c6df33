"""Hand-made reports, shaped like the broken example's, for renderer tests.

Renderers see only Report/Diagnostic, so they are tested without any loader or checker.
Rule ids and messages are the ones PRODUCT.md documents ("validate --format json").
"""

from __future__ import annotations

import pytest

from deploykit.diagnostics import Diagnostic, FileReport, Report, Severity, registry

RESERVED_PORT = Diagnostic(
    rule="EAS101",
    severity=Severity.ERROR,
    message="containers[0].port 8080 is reserved by the EAS engine",
    pointer="/containers/0/port",
    line=12,
    column=17,
    suggestion="listen on another port, e.g. 8000",
)
MISSPELLED_KEY = Diagnostic(
    rule="EAS001",
    severity=Severity.WARNING,
    message="unknown key `helth_check` in containers[0]",
    pointer="/containers/0/helth_check",
    line=14,
    column=7,
    suggestion="did you mean `health_check`?",
    anchor="key",
)
BROKEN_JSON = Diagnostic(
    rule="DK001",
    severity=Severity.ERROR,
    message="invalid JSON: expecting ',' delimiter",
    line=3,
    column=5,
    suggestion="fix the syntax at the position shown",
)
PLACEHOLDER = Diagnostic(
    rule="DK010",
    severity=Severity.WARNING,
    message="metadata.name looks unfilled (`<your-service-name>`), as copied from "
    "documentation or a template; the platform would receive it as written",
    pointer="/metadata/name",
    line=3,
    column=13,
    suggestion="write the real value before deploying",
)

# Test stand-ins for registry entries, installed per test with monkeypatch so the real
# registry is untouched (ids are the documented ones; summaries say what the rules check).
TEST_RULES = (
    registry.Rule(
        "EAS101",
        Severity.ERROR,
        "eas",
        "container port is reserved by the EAS engine (8080, 9090)",
        "seeds/004",
    ),
    registry.Rule(
        "EAS001", Severity.WARNING, "eas", "unknown key in an EAS service spec", "eas.md §1"
    ),
    registry.Rule("DK001", Severity.ERROR, "any", "input file cannot be read or parsed", "-"),
)


@pytest.fixture
def known_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    for rule in TEST_RULES:
        monkeypatch.setitem(registry._RULES, rule.id, rule)


@pytest.fixture
def report() -> Report:
    """Four files: invalid, valid, unreadable, valid with warnings only."""
    return Report(
        [
            FileReport("examples/broken/image.json", "eas", [RESERVED_PORT, MISSPELLED_KEY]),
            FileReport("examples/eas/service.yaml", "eas", []),
            FileReport("notes/broken.json", "unknown", [BROKEN_JSON], readable=False),
            FileReport("templates/service.json", "eas", [PLACEHOLDER]),
        ]
    )
