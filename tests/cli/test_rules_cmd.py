"""``deploykit rules``: every rule with id, severity, platform and summary (PRODUCT.md)."""

from __future__ import annotations

import json

import pytest

from deploykit.cli.app import main
from deploykit.diagnostics.registry import all_rules


def test_text_lists_every_registered_rule_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert header.split() == ["ID", "SEVERITY", "PLATFORM", "SUMMARY"]
    rules = list(all_rules())
    assert [row.split()[0] for row in rows] == [r.id for r in rules]
    for row, rule in zip(rows, rules, strict=True):
        rid, severity, platform, *summary = row.split()
        assert (rid, severity, platform) == (rule.id, rule.severity.value, rule.platform)
        assert " ".join(summary) == " ".join(rule.summary.split())


def test_the_catalogue_covers_every_documented_block(capsys: pytest.CaptureFixture[str]) -> None:
    main(["rules"])
    ids = {row.split()[0] for row in capsys.readouterr().out.splitlines()[1:]}
    # registry.py's id blocks: input files, EAS, ModelArts, images, conversion.
    for prefix in ("DK0", "EAS0", "EAS1", "MA0", "MA1", "IMG0", "CNV0"):
        assert any(i.startswith(prefix) for i in ids), prefix
    assert "EAS101" in ids  # PRODUCT.md's example: the reserved port


def test_json_is_one_document_with_docs_links(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["version"] == 1
    by_id = {r["id"]: r for r in document["rules"]}
    assert list(by_id) == [r.id for r in all_rules()]
    dk001 = by_id["DK001"]
    assert dk001["severity"] == "error"
    assert dk001["platform"] == "any"
    assert dk001["docs"].endswith("specs/rules.md#dk001")
    assert {r["severity"] for r in document["rules"]} <= {"error", "warning", "info"}


def test_a_wrong_format_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "sarif"]) == 2
    assert capsys.readouterr().err.startswith("error: --format 'sarif' is not one of text, json")
