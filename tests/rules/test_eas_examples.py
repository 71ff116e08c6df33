"""The EAS examples users copy: each validates with no error, through the whole pipeline
(loading, positions, rules), JSON and YAML; the broken demo shows its documented findings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from spec_kit import BROKEN_EAS, EAS_EXAMPLES, ROOT

from deploykit.diagnostics import Severity
from deploykit.validation import validate_paths

EXAMPLES = EAS_EXAMPLES
BROKEN = BROKEN_EAS


def test_there_are_json_and_yaml_examples() -> None:
    assert {p.suffix for p in EXAMPLES} >= {".json", ".yaml"}
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_is_eas_and_has_no_errors(path: Path) -> None:
    [file] = validate_paths([str(path)]).files
    assert file.platform == "eas"
    errors = [d for d in file.diagnostics if d.severity is Severity.ERROR]
    assert errors == []
    for diagnostic in file.diagnostics:  # every finding is located, YAML included
        assert diagnostic.line is not None and diagnostic.column is not None


def test_yaml_and_json_seed_examples_give_the_same_findings() -> None:
    [json_file] = validate_paths([str(ROOT / "examples/eas/seed-image.json")]).files
    [yaml_file] = validate_paths([str(ROOT / "examples/eas/seed-image.yaml")]).files
    assert [(d.rule, d.pointer) for d in json_file.diagnostics] == [
        (d.rule, d.pointer) for d in yaml_file.diagnostics
    ]


def test_broken_demo_shows_every_mistake_at_its_place() -> None:
    [file] = validate_paths([str(BROKEN)]).files
    found = [(d.rule, d.pointer, d.line) for d in file.diagnostics]
    assert found == [
        ("EAS106", "/containers/0/command", 11),
        ("EAS101", "/containers/0/port", 12),
        ("EAS107", "/containers/0/prepare/pythonRequirements/1", 16),
        ("EAS001", "/containers/0/helth_check", 20),
    ]
    by_rule = {d.rule: d for d in file.diagnostics}
    assert by_rule["EAS101"].message == "containers[0].port 8080 is reserved by the EAS engine"
    assert by_rule["EAS001"].column == 7  # at the key, not its value


def test_the_examples_readme_lists_what_validate_reports() -> None:
    """examples/eas/README.md's findings column, checked against a real run."""
    readme = (ROOT / "examples" / "eas" / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \|.*\| ([^|]+) \|$", readme, flags=re.MULTILINE)
    assert {name for name, _ in rows} == {p.name for p in EXAMPLES}
    for name, column in rows:
        [file] = validate_paths([str(ROOT / "examples" / "eas" / name)]).files
        documented = sorted(set(re.findall(r"[A-Z]+[0-9]{3}", column)))
        assert sorted({d.rule for d in file.diagnostics}) == documented, name
