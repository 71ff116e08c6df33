"""specs/rules.md is generated from the rule registry; this test fails when it is stale.

Regenerate: ``DEPLOYKIT_UPDATE_GOLDEN=1 pytest tests/test_rules_catalogue.py`` (or
``python -m deploykit.render.rule_catalogue > specs/rules.md``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from deploykit.diagnostics.registry import DOCS_URL, all_rules
from deploykit.render.rule_catalogue import CATALOGUE_PATH, catalogue

ROOT = Path(__file__).resolve().parents[1]


def test_specs_rules_md_is_up_to_date() -> None:
    path = ROOT / CATALOGUE_PATH
    fresh = catalogue()
    if os.environ.get("DEPLOYKIT_UPDATE_GOLDEN") == "1":
        path.write_text(fresh, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == fresh, (
        "specs/rules.md is stale: run `python -m deploykit.render.rule_catalogue > specs/rules.md`"
    )


def test_every_rule_help_uri_lands_on_its_own_heading() -> None:
    text = (ROOT / CATALOGUE_PATH).read_text(encoding="utf-8")
    # GitHub's anchor for a heading is its text lower-cased; the heading is the bare id.
    anchors = {h.lower() for h in re.findall(r"^## ([A-Z]+[0-9]+)$", text, flags=re.MULTILINE)}
    rules = list(all_rules())
    assert rules, "no rule is registered"
    for rule in rules:
        assert rule.docs_url.startswith(DOCS_URL)
        assert rule.docs_url.rsplit("#", 1)[1] in anchors, rule.id


def test_every_rule_says_where_its_fact_comes_from() -> None:
    for rule in all_rules():
        assert rule.summary.strip(), rule.id
        assert rule.source.strip(), f"{rule.id} has no source"
        assert re.fullmatch(r"(DK|EAS|MA|IMG|CNV)[0-9]{3}", rule.id), rule.id
