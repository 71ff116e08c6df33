"""The json format: exactly the document of PRODUCT.md ("validate --format json").

The shape is :meth:`Report.as_dict`, written once in ``deploykit.diagnostics``; this module
only serialises it, as one JSON document on stdout that ``jq`` and CI scripts can read.

The text is what ``json.dumps(document, indent=2, ensure_ascii=False)`` writes, byte for byte
(a test holds it to that), but written by :func:`dumps` below: with ``indent``, the standard
library falls back to its pure-Python encoder, a generator per value, which cost a
10,000-file report ~90 ms (issue #12, "Speed"). Strings still go through the C string encoder
``json`` uses itself, so escaping is the standard library's.
"""

from __future__ import annotations

import json
import json.encoder
from typing import Any

from deploykit.diagnostics import Report

# The C function behind json.dumps(..., ensure_ascii=False) for strings: it escapes quotes,
# backslashes and control characters, and keeps every other character as it is.
_string = json.encoder.encode_basestring
_INDENT = "  "


def render(report: Report, *, color: bool = False) -> str:
    return dumps(report.as_dict()) + "\n"


def dumps(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)`` for JSON data (dicts with string
    keys, lists, strings, ints, floats, booleans, None)."""
    parts: list[str] = []
    _write(value, "\n", parts)
    return "".join(parts)


def _write(value: Any, newline: str, parts: list[str]) -> None:
    """Append ``value`` to ``parts``; ``newline`` is a line break and the indentation of the
    line ``value`` starts on. Strings, the most common members, are written in the loop
    without a call of their own."""
    if not isinstance(value, (dict, list)):
        parts.append(_scalar(value))
        return
    if not value:
        parts.append("{}" if isinstance(value, dict) else "[]")
        return
    inner = newline + _INDENT
    if isinstance(value, dict):
        separator = "{" + inner
        for key, member in value.items():
            if type(member) is str:
                parts.append(f"{separator}{_string(key)}: {_string(member)}")
            else:
                parts.append(f"{separator}{_string(key)}: ")
                _write(member, inner, parts)
            separator = "," + inner
        parts.append(newline + "}")
    else:
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            _write(item, inner, parts)
            separator = "," + inner
        parts.append(newline + "]")


def _scalar(value: Any) -> str:
    # The order matters as it does in json's encoder: bool is a subclass of int.
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return json.dumps(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
