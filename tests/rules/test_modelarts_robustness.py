"""Any JSON value anywhere in a config.json gives diagnostics, never an exception.

Users feed half-edited files; `deploykit validate` must answer with findings (exit 1) and
never a traceback. Hypothesis replaces one place of the example configs with arbitrary JSON.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from spec_kit import example

from deploykit import pointer as jp
from deploykit.diagnostics import Diagnostic
from deploykit.rules.modelarts.document import check

BASES = [
    example(f"modelarts/{name}")
    for name in (
        "config.json",
        "official-platform-returned.json",
        "official-custom-dependency.json",
    )
]

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


def places(node: Any, pointer: str = "") -> list[str]:
    found = [pointer]
    if isinstance(node, dict):
        for key, value in node.items():
            found += places(value, jp.child(pointer, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += places(value, jp.child(pointer, index))
    return found


def replaced(document: Any, pointer: str, value: Any) -> Any:
    if not pointer:
        return value
    out = copy.deepcopy(document)
    tokens = jp.split(pointer)
    owner = jp.resolve(out, jp.join(*tokens[:-1]))
    owner[int(tokens[-1]) if isinstance(owner, list) else tokens[-1]] = value
    return out


@settings(max_examples=300)
@given(data=st.data())
def test_any_value_anywhere_gives_diagnostics_not_an_exception(data: st.DataObject) -> None:
    base = data.draw(st.sampled_from(BASES))
    pointer = data.draw(st.sampled_from(places(base)))
    document = replaced(base, pointer, data.draw(JSON))
    diagnostics = check(document)
    assert all(isinstance(d, Diagnostic) for d in diagnostics)
    for diagnostic in diagnostics:
        # Every pointer names a place that exists in the input, or its missing key's owner.
        if diagnostic.pointer:
            owner = jp.resolve(document, jp.parent(diagnostic.pointer), default=None)
            assert owner is not None, diagnostic
