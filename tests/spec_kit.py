"""The specs tests start from: the files users copy from ``examples/``, read fresh for each
test, and the checks ``deploykit validate`` runs on them.

A test changes one field of an example, as a user's edit would; no spec is re-typed, so the
tests check what users actually start from. Every test directory can ``import spec_kit``
(the root ``conftest.py`` puts ``tests/`` on the path).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from deploykit.diagnostics import Diagnostic, FileReport
from deploykit.loading import detect_platform, load_text
from deploykit.rules.eas import document as eas_rules
from deploykit.rules.modelarts import document as modelarts_rules
from deploykit.validation import validate

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SPEC_SUFFIXES = (".json", ".yaml", ".yml")
EAS_EXAMPLES = sorted(p for p in (EXAMPLES / "eas").iterdir() if p.suffix in SPEC_SUFFIXES)
MODELARTS_EXAMPLES = sorted((EXAMPLES / "modelarts").glob("*.json"))
CUSTOM_IMAGE = EXAMPLES / "custom-image"
BROKEN_EAS = EXAMPLES / "broken" / "eas-reserved-port.json"
BROKEN_MODELARTS = EXAMPLES / "broken" / "modelarts-bad-config.json"
# The address the examples push the custom image to (examples/eas/custom-image-service.json).
ACR_IMAGE = "registry-vpc.cn-shanghai.aliyuncs.com/deploykit/echo:1.0"

_RULES = {"eas": eas_rules.check, "modelarts": modelarts_rules.check}


def example(name: str) -> Any:
    """``examples/<name>`` parsed (JSON or YAML): a new object on every call, so a test may
    change it freely."""
    path = EXAMPLES / name
    return load_text(path.read_text(encoding="utf-8"), str(path)).data


def eas_service() -> Any:
    """The EAS service of the image users build from ``examples/custom-image``."""
    return example("eas/custom-image-service.json")


def modelarts_config() -> Any:
    """The ModelArts config.json of the same image."""
    return example("modelarts/config.json")


def check(data: Any, *, platform: str = "auto") -> list[Diagnostic]:
    """What the platform's rules find in ``data`` (shape and meaning; no file, so no
    positions). ``platform`` is ``--platform`` (auto: detected from the content)."""
    chosen = detect_platform(data) if platform == "auto" else platform
    return _RULES[chosen](data)


def found(data: Any, rule: str, *, platform: str = "auto") -> list[Diagnostic]:
    """The findings of one rule."""
    return [d for d in check(data, platform=platform) if d.rule == rule]


def report(data: Any, *, platform: str = "auto", path: str = "spec.json") -> FileReport:
    """``deploykit validate`` of ``data`` written as a JSON file: every finding, located."""
    return validate(load_text(json.dumps(data, indent=2), path, platform=platform))
