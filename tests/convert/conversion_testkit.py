"""Shared pieces of the conversion tests: realistic specs, loading, and the check that a
converted spec passes ``deploykit validate``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from spec_kit import example

from deploykit.conversion import ConversionResult, Overrides, convert
from deploykit.diagnostics import Severity
from deploykit.loading import LoadedSpec, load_text
from deploykit.validation import validate

ACR_IMAGE = "registry-vpc.cn-shanghai.aliyuncs.com/ml-team/resnet50:v3"


def eas_service() -> dict[str, Any]:
    """A custom-image service as users write it from seeds/004 (examples/eas/): the
    health-check example, its image filled in, with the appendix's pythonRequirements, an env
    variable, resources, and the console example's private-registry credential."""
    spec: dict[str, Any] = example("eas/seed-health-check.json")
    container = spec["containers"][0]
    container["image"] = ACR_IMAGE  # the docs write .../xxx/yyy:zzz (DK010)
    container["env"] = [{"name": "MODEL_DIR", "value": "/models/resnet"}]
    container["prepare"] = example("eas/seed-python-requirements.json")["containers"][0]["prepare"]
    spec["metadata"] = {"name": spec.pop("name"), "instance": 2, "cpu": 4, "memory": 8192}
    spec["dockerAuth"] = example("eas/seed-console-harbor.json")["dockerAuth"]
    return spec


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
