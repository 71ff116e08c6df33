"""The sarif format: SARIF 2.1.0, as GitHub code scanning and other viewers read it.

One ``reportingDescriptor`` per rule id that has a result, with ``shortDescription`` and
``helpUri`` from the rule registry; one result per diagnostic with a physical location (file,
line, column) and the JSON pointer as a logical location, so a viewer without our source map
still knows the place.

Spec: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html (§3.13 sarifLog,
§3.14 run, §3.19 toolComponent, §3.27 result, §3.28 location, §3.30 region, §3.49
reportingDescriptor). Only properties the spec defines are used, plus ``properties`` bags.
"""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from deploykit.diagnostics import Diagnostic, FileReport, Report, Severity, registry

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/deploykit/deploykit"

# SARIF §3.27.10: a result's level is one of none, note, warning, error.
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(report: Report, *, color: bool = False) -> str:
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"


def sarif_log(report: Report) -> dict[str, Any]:
    """The SARIF log as a dict (tests inspect it; :func:`render` serialises it)."""
    rule_ids = sorted({d.rule for _, d in report.diagnostics()})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    results = [_result(file, d, index[d.rule]) for file, d in report.diagnostics()]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "deploykit",
                        "version": _tool_version(),
                        "informationUri": INFORMATION_URI,
                        "rules": [_descriptor(rule_id) for rule_id in rule_ids],
                    }
                },
                # Our columns count characters, not UTF-16 code units (§3.14.23).
                "columnKind": "unicodeCodePoints",
                "invocations": [{"executionSuccessful": report.unreadable == 0}],
                "results": results,
            }
        ],
    }


def _descriptor(rule_id: str) -> dict[str, Any]:
    rule = registry.get(rule_id)
    if rule is None:
        # A diagnostic whose rule module was not imported in this process (rare: results
        # are made by calling the Rule); load every rule module once before giving up.
        registry.load_all()
        rule = registry.get(rule_id)
    if rule is None:
        return {"id": rule_id, "shortDescription": {"text": rule_id}}
    return {
        "id": rule.id,
        "shortDescription": {"text": rule.summary},
        "helpUri": rule.docs_url,
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"platform": rule.platform, "source": rule.source, "since": rule.since},
    }


def _result(file: FileReport, diagnostic: Diagnostic, rule_index: int) -> dict[str, Any]:
    text = diagnostic.message
    if diagnostic.suggestion:
        text += f"\nfix: {diagnostic.suggestion}"
    physical: dict[str, Any] = {"artifactLocation": artifact_location(file.path)}
    if diagnostic.line is not None:
        region: dict[str, int] = {"startLine": diagnostic.line}
        if diagnostic.column is not None:
            region["startColumn"] = diagnostic.column
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    result: dict[str, Any] = {
        "ruleId": diagnostic.rule,
        "ruleIndex": rule_index,
        "level": _LEVEL[diagnostic.severity],
        "message": {"text": text},
        "locations": [location],
    }
    if diagnostic.pointer is not None:
        # §3.33: a logical location names a place by its structure; ours is the pointer.
        # No `kind`: a pointer may name an object, an array, a member or a value alike.
        location["logicalLocations"] = [{"fullyQualifiedName": diagnostic.pointer or "/"}]
        result["properties"] = {"pointer": diagnostic.pointer}
    return result


def artifact_location(path: str) -> dict[str, str]:
    """§3.4: ``uri`` is a URI reference; relative paths are relative to the source root, which
    is how GitHub code scanning matches results to files in the repository."""
    pure = PurePath(path)
    if pure.is_absolute():
        return {"uri": "file://" + quote(pure.as_posix())}
    return {"uri": quote(pure.as_posix()), "uriBaseId": "%SRCROOT%"}


def _tool_version() -> str:
    try:
        return version("deploykit")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"
