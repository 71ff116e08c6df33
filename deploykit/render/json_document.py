"""The json format: exactly the document of PRODUCT.md ("validate --format json").

The shape is :meth:`Report.as_dict`, written once in ``deploykit.diagnostics``; this module
only serialises it, as one JSON document on stdout that ``jq`` and CI scripts can read.
"""

from __future__ import annotations

import json

from deploykit.diagnostics import Report


def render(report: Report, *, color: bool = False) -> str:
    # ensure_ascii=False keeps CJK messages and paths readable; json.dumps still escapes
    # control characters, so the document stays valid whatever the input held.
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"
