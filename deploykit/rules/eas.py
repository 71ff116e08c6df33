"""EAS service JSON checks: shape (EAS0xx) and every semantic rule, all findings at once.

``check(data)`` is what ``deploykit.validate`` calls for a file detected as EAS.
"""

from __future__ import annotations

from typing import Any

from deploykit.diagnostics import Diagnostic, Severity
from deploykit.models.eas import EasService
from deploykit.rules.registry import rule
from deploykit.rules.shape import ShapeRules, check_shape

# EAS may accept keys we do not know (undocumented keys appear in real configs, reference/
# eas.md §1.9), so an unknown key is a warning, never an error.
UNKNOWN_KEY = rule(
    "EAS001", Severity.WARNING, "eas", "unknown key (with \"did you mean\" when one is close)",
    source="reference/eas.md §1.1-§1.9",
)
WRONG_TYPE = rule(
    "EAS002", Severity.ERROR, "eas", "value has the wrong JSON type (e.g. port \"8000\")",
    source="reference/eas.md §1; alibabacloud-go/eas-20210701 request models",
)
MISSING = rule(
    "EAS003", Severity.ERROR, "eas", "a required key is missing",
    source="reference/eas.md §1.1, §1.2 (Required: Yes)",
)
INVALID_VALUE = rule(
    "EAS004", Severity.ERROR, "eas", "value is not one the platform accepts",
    source="reference/eas.md §1",
)
SHAPE = ShapeRules(UNKNOWN_KEY, WRONG_TYPE, MISSING, INVALID_VALUE)


def check(data: Any) -> list[Diagnostic]:
    """Every finding about one EAS service document."""
    _, diagnostics = check_shape(EasService, data, SHAPE)
    return diagnostics
