"""Shared pieces of the conversion tests: realistic specs, loading, and the check that a
converted spec passes ``deploykit validate``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from deploykit.conversion import ConversionResult, Overrides, convert
from deploykit.diagnostics import Severity
from deploykit.loading import LoadedSpec, load_text
from deploykit.validation import validate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EAS_EXAMPLES = sorted(
    p for p in (EXAMPLES / "eas").glob("*") if p.suffix in {".json", ".yaml", ".yml"}
)
MODELARTS_EXAMPLES = sorted((EXAMPLES / "modelarts").glob("*.json"))

ACR_IMAGE = "registry-vpc.cn-shanghai.aliyuncs.com/ml-team/resnet50:v3"

# seeds/004: the EAS custom-image example with its health check, plus the official
# prepare.pythonRequirements example (reference/eas.md §1.5) and a private-registry credential.
EAS_SERVICE: dict[str, Any] = {
    "metadata": {"name": "image_test", "instance": 2, "cpu": 4, "memory": 8192},
    "containers": [
        {
            "image": ACR_IMAGE,
            "env": [{"name": "MODEL_DIR", "value": "/models/resnet"}],
            "command": "python app.py",
            "port": 8000,
            "prepare": {"pythonRequirements": ["numpy==1.16.4", "absl-py==0.11.0"]},
            "health_check": {
                "http_get": {"path": "/", "port": 8000},
                "initial_delay_seconds": 3,
                "period_seconds": 3,
                "timeout_seconds": 1,
                "success_threshold": 2,
                "failure_threshold": 4,
            },
        }
    ],
    "dockerAuth": "YWJjZDphYmNkZTEyMzQ1",  # seeds/004: base64("abcd:abcde12345")
}

def load(path: Path) -> LoadedSpec:
    return load_text(path.read_text(encoding="utf-8"), str(path))


def load_data(data: dict[str, Any], path: str = "spec.json") -> LoadedSpec:
    return load_text(json.dumps(data, indent=2), path)


def run(
    data: dict[str, Any], to: str, path: str = "spec.json", **overrides: Any
) -> ConversionResult:
    return convert(load_data(data, path), to, Overrides(**overrides))


def rules_at(result: ConversionResult) -> dict[str, set[str]]:
    """pointer → the rule ids reported there."""
    found: dict[str, set[str]] = {}
    for d in result.diagnostics:
        found.setdefault(d.pointer or "", set()).add(d.rule)
    return found


def assert_output_validates(result: ConversionResult) -> None:
    """The converted spec passes `deploykit validate` for its platform: no error, so exit 0
    under the default --fail-on error. Warnings about values carried over unchanged (a
    timeout above the period) are the user's to fix on either platform."""
    loaded = load_text(
        json.dumps(result.data, indent=2), f"converted.{result.target_platform}.json"
    )
    assert loaded.platform == result.target_platform
    errors = [
        f"{d.rule} {d.pointer}: {d.message}"
        for d in validate(loaded).diagnostics
        if d.severity is Severity.ERROR
    ]
    assert not errors, errors
