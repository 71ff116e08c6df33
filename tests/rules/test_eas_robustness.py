"""Any JSON value anywhere in a real EAS service gives diagnostics, never an exception, and
every pointer names a place that exists in the input (or its owner, for a missing key)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spec_kit import EAS_EXAMPLES, example

from deploykit import pointer as jp
from deploykit.rules.eas.document import check

EXAMPLES = [example(f"eas/{path.name}") for path in EAS_EXAMPLES]
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True)
    | st.text(max_size=12)
)
VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=8) | st.integers(0, 3), inner, max_size=3),
    max_leaves=10,
)
_MISSING = object()


def places(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += places(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += places(value, (*prefix, index))
    return found


@settings(max_examples=400, suppress_health_check=list(HealthCheck))
@given(
    example=st.sampled_from(EXAMPLES),
    pick=st.integers(0, 10**6),
    value=VALUES,
    operation=st.sampled_from(["replace", "add", "delete"]),
)
def test_any_value_anywhere_gives_diagnostics_not_exceptions(
    example: dict[str, Any], pick: int, value: Any, operation: str
) -> None:
    data: Any = copy.deepcopy(example)
    where = places(data)
    place = where[pick % len(where)]
    if not place:
        data = value
    else:
        parent = data
        for token in place[:-1]:
            parent = parent[token]
        if operation == "delete":
            del parent[place[-1]]
        elif operation == "add" and isinstance(parent, dict):
            parent[str(value)[:10]] = value
        else:
            parent[place[-1]] = value
    for diagnostic in check(data):
        assert diagnostic.message and diagnostic.pointer is not None
        assert jp.resolve(data, diagnostic.pointer, _MISSING) is not _MISSING, diagnostic
