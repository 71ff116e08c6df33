"""Conversion findings (CNV0xx): what could not be carried over, and what was decided instead.

Every finding points at the SOURCE file (the field that was lost, or ``""`` for the whole
document when the target needs something the source lacks), so the loss report reads like a
``validate`` report of the input. Messages name fields, never values of secrets: a dropped
``dockerAuth``, env variable or git password is reported by its place only.

Which findings are *losses* (``--fail-on-loss`` exits 1 on them) is the table ``LOSS_RULES``:
a field dropped or a value changed. The rest are conflicts (errors: nothing is written) and
notes (a default chosen, an expectation stated), which do not fail a CI job that accepts
losses.
"""

from __future__ import annotations

from deploykit.diagnostics import Diagnostic, Severity
from deploykit.diagnostics.registry import rule

NO_COUNTERPART = rule(
    "CNV001",
    Severity.WARNING,
    "convert",
    "a source field has no counterpart on the target platform and was not carried over",
    source="reference/modelarts.md §7",
)
NOT_EXPRESSIBLE = rule(
    "CNV002",
    Severity.WARNING,
    "convert",
    "a source value cannot be expressed on the target platform (dropped or approximated)",
    source="reference/modelarts.md §1.5, §1.6, §7",
)
RESERVED_PORT_CONFLICT = rule(
    "CNV003",
    Severity.ERROR,
    "convert",
    "the ModelArts image listens on a port EAS reserves (8080, 9090); pass --port",
    source="seeds/004; reference/eas.md §1.5; reference/modelarts.md §2.1, §7",
)
PORT_OVERRIDDEN = rule(
    "CNV004",
    Severity.WARNING,
    "convert",
    "--port sets the container port; the image must listen on that port",
    source="reference/modelarts.md §7",
)
MODELARTS_EXPECTATIONS = rule(
    "CNV005",
    Severity.WARNING,
    "convert",
    "ModelArts expects custom images to listen on 8080 and answer GET /health",
    source="reference/modelarts.md §2.1, §1.6",
)
DEFAULT_CHOSEN = rule(
    "CNV006",
    Severity.INFO,
    "convert",
    "the target needs a field the source lacks; a default was written (override it with an option)",
    source="reference/eas.md §1.2; reference/modelarts.md §1.2, §7",
)
# An error since convert never writes a spec `deploykit validate` rejects (EAS104, EAS114).
NEEDED_BUT_MISSING = rule(
    "CNV007",
    Severity.ERROR,
    "convert",
    "the target needs a field the source lacks and no option gave it; nothing is written",
    source="reference/eas.md §1.5; seeds/004",
)
IMAGE_REGISTRY = rule(
    "CNV008",
    Severity.WARNING,
    "convert",
    "the image lives in the other cloud's registry; push it where the target can pull it",
    source="reference/modelarts.md §7; reference/eas.md §1.5",
)
IMAGE_MODEL_DEPENDENCIES = rule(
    "CNV009",
    Severity.WARNING,
    "convert",
    "ModelArts does not install dependencies for custom-image (Image) models",
    source="reference/modelarts.md §1.2, §7",
)
PROBE_DEFAULTS_DIFFER = rule(
    "CNV010",
    Severity.INFO,
    "convert",
    "a health check leaves timings to the platform, and the platforms' defaults differ",
    source="reference/modelarts.md §1.6; reference/eas.md §1.11; seeds/004",
)

START_FROM_DOCKERFILE = rule(
    "CNV011",
    Severity.INFO,
    "convert",
    "the EAS start command was taken from the Dockerfile beside config.json",
    source="seeds/000-002 (the image's CMD is its start command); seeds/004 (EAS needs "
    "command or script); reference/modelarts.md §1.1 (model package layout)",
)
OUTPUT_REJECTED = rule(
    "CNV012",
    Severity.ERROR,
    "convert",
    "the converted spec would fail `deploykit validate`; nothing is written",
    source="deploykit: convert never writes a spec validate rejects",
)

# A field dropped or a value changed: what `--fail-on-loss` fails on.
LOSS_RULES = frozenset({NO_COUNTERPART.id, NOT_EXPRESSIBLE.id, IMAGE_MODEL_DEPENDENCIES.id})


def is_loss(diagnostic: Diagnostic) -> bool:
    return diagnostic.rule in LOSS_RULES
