"""Reading specs: JSON and YAML, with exact positions, limits, and platform detection.

    discover(paths)        → [Target]     what to validate (files, directories, stdin)
    load_target(target)    → LoadedSpec   read + parse one spec, or raise SpecError
    load_text(text, path)  → LoadedSpec   parse text already in hand
    spec.source_map.locate("/containers/0/port") → (line, column)

Importing this package loads neither yaml nor pydantic: a cold ``deploykit validate`` of
JSON files pays only for ``json``.
"""

from __future__ import annotations

from deploykit.loading.discovery import Target, discover
from deploykit.loading.platform_detection import detect_platform
from deploykit.loading.source_map import SourceMap
from deploykit.loading.spec import LoadedSpec, load_target, load_text

__all__ = [
    "LoadedSpec",
    "SourceMap",
    "Target",
    "detect_platform",
    "discover",
    "load_target",
    "load_text",
]
