"""JSON text to values the platform's API can hold: RFC 8259 numbers only, in int64 range.

Python's ``json`` reads ``NaN`` and ``Infinity`` (not JSON, RFC 8259 §6), turns ``1e999`` into
``inf`` (and writes all three back out as invalid JSON), and converts integers of any length
(thousands of digits cost time, beyond 4300 Python refuses with an unexpected error). The EAS
SDKs type integers as int64 (reference/eas.md §3.2: ScaleService ``Instance`` is int64).
``modify -D`` values and the emulator's request bodies are both read here.
"""

from __future__ import annotations

import json
import math
from typing import Any

_INT64 = 2**63


def loads(text: str) -> Any:
    """``json.loads`` that raises ``ValueError`` for a number the API could not hold.

    ``RecursionError`` (nesting deeper than Python's limit) is left to the caller.
    """
    return json.loads(text, parse_constant=_no_constant, parse_float=_finite, parse_int=_int64)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number (RFC 8259 §6)")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text[:20]} is out of range")
    return number


def _int64(text: str) -> int:
    # The digits are counted before any conversion: a 5000-digit one is refused at once.
    if len(text.lstrip("-")) > 19 or not -_INT64 <= int(text) < _INT64:
        shown = text if len(text) <= 20 else text[:20] + "..."
        raise ValueError(f"the integer {shown} is out of the 64-bit range")
    return int(text)
