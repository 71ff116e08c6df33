"""SARIF 2.1.0 shape: the properties the spec requires and GitHub code scanning reads.

Checked against the spec's required properties (sarif-v2.1.0 §3.13 sarifLog: version, runs;
§3.14 run: tool; §3.19 toolComponent: name; §3.27 result: message; §3.11 message: text) and
the rules of consistency between ruleId, ruleIndex and the driver's rules.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from deploykit.diagnostics import Diagnostic, FileReport, Report, Severity
from deploykit.diagnostics.registry import DOCS_URL
from deploykit.render import render
from deploykit.render.sarif import artifact_location


def _log(report: Report) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render(report, "sarif"))
    return log


@pytest.mark.usefixtures("known_rules")
def test_has_the_required_top_level_shape(report: Report) -> None:
    log = _log(report)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    assert run["tool"]["driver"]["name"] == "deploykit"
    assert isinstance(run["tool"]["driver"]["rules"], list)
    for result in run["results"]:
        assert set(result) >= {"ruleId", "level", "message", "locations"}
        assert result["message"]["text"]
        assert result["level"] in {"none", "note", "warning", "error"}


@pytest.mark.usefixtures("known_rules")
def test_one_rule_per_id_with_help_uri_and_short_description(report: Report) -> None:
    run = _log(report)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    assert set(ids) == {"EAS101", "EAS001", "DK001", "DK010"}
    eas101 = next(r for r in rules if r["id"] == "EAS101")
    assert eas101["helpUri"] == f"{DOCS_URL}#eas101"
    assert eas101["shortDescription"]["text"] == (
        "container port is reserved by the EAS engine (8080, 9090)"
    )
    assert eas101["defaultConfiguration"] == {"level": "error"}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


@pytest.mark.usefixtures("known_rules")
def test_results_carry_file_line_column_pointer_and_fix(report: Report) -> None:
    results = _log(report)["runs"][0]["results"]
    assert len(results) == 4
    first = results[0]
    assert first["ruleId"] == "EAS101"
    assert first["level"] == "error"
    assert first["message"]["text"] == (
        "containers[0].port 8080 is reserved by the EAS engine\n"
        "fix: listen on another port, e.g. 8000"
    )
    (location,) = first["locations"]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "examples/broken/image.json", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 12, "startColumn": 17},
    }
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "/containers/0/port"
    assert first["properties"] == {"pointer": "/containers/0/port"}
    warning = results[1]
    assert warning["level"] == "warning"


@pytest.mark.usefixtures("known_rules")
def test_an_unreadable_file_has_a_location_but_no_pointer(report: Report) -> None:
    run = _log(report)["runs"][0]
    dk001 = next(r for r in run["results"] if r["ruleId"] == "DK001")
    assert dk001["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 5}
    assert "logicalLocations" not in dk001["locations"][0]
    assert run["invocations"] == [{"executionSuccessful": False}]


def test_info_is_a_note_and_unknown_ids_still_get_a_descriptor() -> None:
    finding = Diagnostic("XYZ999", Severity.INFO, "a note", pointer="")
    run = _log(Report([FileReport("svc.json", "eas", [finding])]))["runs"][0]
    assert run["results"][0]["level"] == "note"
    assert run["tool"]["driver"]["rules"] == [
        {"id": "XYZ999", "shortDescription": {"text": "XYZ999"}}
    ]
    # The whole document ("") is still a logical location a viewer can show.
    assert run["results"][0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "/"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "examples/eas/my service.json",
            {"uri": "examples/eas/my%20service.json", "uriBaseId": "%SRCROOT%"},
        ),
        ("/srv/specs/svc#1.json", {"uri": "file:///srv/specs/svc%231.json"}),
        ("-", {"uri": "-", "uriBaseId": "%SRCROOT%"}),
    ],
)
def test_paths_become_uri_references(path: str, expected: dict[str, str]) -> None:
    assert artifact_location(path) == expected


def test_a_clean_report_is_a_valid_empty_run() -> None:
    run = _log(Report([FileReport("svc.json", "eas", [])]))["runs"][0]
    assert run["results"] == []
    assert run["tool"]["driver"]["rules"] == []
