"""The specs tests start from: the files users copy from ``examples/``, read fresh for each
test, and the checks ``deploykit validate`` runs on them.

A test changes one field of an example, as a user's edit would; no spec is re-typed, so
the tests check what users actually start from. Every test directory can ``import
spec_kit`` (the root ``conftest.py`` puts ``tests/`` on the path).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from deploykit.diagnostics import Diagnostic, FileReport
from deploykit.loading import load_text
from deploykit.validation import validate

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SPEC_SUFFIXES = (".json", ".yaml", ".yml")
EAS_EXAMPLES = sorted(p for p in (EXAMPLES / "eas").iterdir() if p.suffix in SPEC_SUFFIXES)
MODELARTS_EXAMPLES = sorted((EXAMPLES / "modelarts").glob("*.json"))
BROKEN_EAS = EXAMPLES / "broken" / "eas-reserved-port.json"
BROKEN_MODELARTS = EXAMPLES / "broken" / "modelarts-bad-config.json"


def example(name: str) -> Any:
    """``examples/<name>`` parsed (JSON or YAML): a new object on every call, so a test may
    change it freely."""
    path = EXAMPLES / name
    return load_text(path.read_text(encoding="utf-8"), str(path)).data


def eas_service() -> Any:
    """The custom-image service users build from ``examples/custom-image``."""
    return example("eas/custom-image-service.json")


def modelarts_config() -> Any:
    """The ModelArts config.json of the same image."""
    return example("modelarts/config.json")


def report(data: Any, *, platform: str = "auto", path: str = "spec.json") -> FileReport:
    """``deploykit validate`` of ``data`` written as a JSON file: every finding, located.
    ``platform`` is ``--platform`` (auto: detected from the content)."""
    return validate(load_text(json.dumps(data, indent=2), path, platform=platform))


def check(data: Any, *, platform: str = "auto") -> list[Diagnostic]:
    """Every finding ``deploykit validate`` makes about ``data``, in reading order."""
    return report(data, platform=platform).diagnostics


def found(data: Any, rule: str, *, platform: str = "auto") -> list[Diagnostic]:
    """The findings of one rule."""
    return [d for d in check(data, platform=platform) if d.rule == rule]
