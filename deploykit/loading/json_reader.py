"""JSON specs: parsed by the C ``json`` module, positions looked up only when needed.

Loading must cost about what ``json.loads`` costs (issue #12: the whole of ``validate`` over
a 10,000-file corpus is measured against a process that reads and ``json.loads`` every file;
parsing with the duplicate-key check below is ~1.4x ``json.loads``). So the hot path is one C
decode with a tiny ``object_pairs_hook`` that only notices duplicate keys; positions are
sought when a diagnostic needs one, and the full scanner runs only when duplicates must be
placed or the nesting limit is exceeded. JSON is never handed to a YAML parser: tab-indented JSON is
valid JSON and invalid YAML.
"""

from __future__ import annotations

import json
from typing import Any

from deploykit.diagnostics import Diagnostic
from deploykit.errors import SpecError
from deploykit.loading.findings import duplicate_key, out_of_range
from deploykit.loading.json_scanner import (
    SeekingIndex,
    deepest_offset,
    literal_offset,
    long_integer,
    scan,
)
from deploykit.loading.limits import MAX_DEPTH, MAX_INTEGER_DIGITS
from deploykit.loading.source_map import SourceMap, TextPositions, position_of
from deploykit.loading.syntax_errors import json_syntax_error
from deploykit.pointer import split


class _NonStandardNumber(ValueError):
    """``NaN``/``Infinity``: Python's json accepts them, RFC 8259 and the platforms do not."""

    def __init__(self, literal: str) -> None:
        super().__init__(literal)
        self.literal = literal


class _DuplicateKeys(Exception):
    """Some object repeats a key: leave the fast path, the scanner will say where."""


def _reject_constant(literal: str) -> Any:
    raise _NonStandardNumber(literal)


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise _DuplicateKeys
    return members


# Built once: `json.loads(text, **options)` would build a decoder per call. The fast one
# refuses duplicate keys (rare) so that files without them need no bookkeeping at all; the
# lenient one keeps the last value, as every JSON parser the platforms use does.
_FAST = json.JSONDecoder(object_pairs_hook=_unique_members, parse_constant=_reject_constant)
_LENIENT = json.JSONDecoder(parse_constant=_reject_constant)


def load_json(text: str, path: str) -> tuple[Any, SourceMap, tuple[Diagnostic, ...]]:
    """(data, source map, loading findings) of one JSON text, or a SpecError."""
    try:
        data = _decode(text, path)
    except _DuplicateKeys:
        data = _decode(text, path, _LENIENT)
        duplicated = True
    else:
        duplicated = False
    # Nesting can only exceed the limit if the text has that many brackets; counting them
    # in C keeps the check free for ordinary files.
    if text.count("{") + text.count("[") > MAX_DEPTH and _depth_exceeds(data, MAX_DEPTH):
        raise _too_deep(text, path)
    if not duplicated:
        return data, SourceMap(text, SeekingIndex(text)), ()
    scanned = scan(text)
    positions = TextPositions(text)
    findings = tuple(
        duplicate_key(
            dup.pointer,
            split(dup.pointer)[-1],
            positions.position(dup.offset),
            positions.position(dup.first_offset)[0],
        )
        for dup in scanned.duplicates
    )
    return data, SourceMap(text, scanned.entries), findings


def _decode(text: str, path: str, decoder: json.JSONDecoder = _FAST) -> Any:
    try:
        return decoder.decode(text)
    except json.JSONDecodeError as err:
        raise json_syntax_error(text, err, path) from None
    except _NonStandardNumber as err:
        raise _non_standard(text, err.literal, path) from None
    except RecursionError:
        raise _too_deep(text, path) from None
    except ValueError:  # after its subclasses above: what is left is int()'s digit limit
        raise integer_out_of_range(text, path) from None


def _depth_exceeds(data: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False


def _too_deep(text: str, path: str) -> SpecError:
    offset = deepest_offset(text, MAX_DEPTH)
    line, column = position_of(text, offset) if offset is not None else (None, None)
    return SpecError(
        f"nested deeper than {MAX_DEPTH} levels of objects and arrays",
        path=path,
        line=line,
        column=column,
        hint="a service spec is a few levels deep: check that this is the right file",
    )


def integer_out_of_range(text: str, path: str) -> SpecError:
    """The first integer of more than :data:`MAX_INTEGER_DIGITS` digits, as a DK006 error at
    its place (Python cannot convert it; no platform field holds such a number)."""
    found = long_integer(text, MAX_INTEGER_DIGITS)
    if found is None:  # not expected: json raises this ValueError only for such an integer
        return SpecError(
            "invalid JSON: a number cannot be read",
            path=path,
            hint="check the numbers in the file",
        )
    pointer, offset, digits = found
    line, column = position_of(text, offset)
    return out_of_range(digits, path, pointer=pointer, line=line, column=column)


def _non_standard(text: str, literal: str, path: str) -> SpecError:
    offset = literal_offset(text, literal)
    line, column = position_of(text, offset) if offset is not None else (None, None)
    return SpecError(
        f"invalid JSON: `{literal}` is not a JSON number",
        path=path,
        line=line,
        column=column,
        hint="use a finite number, or null",
    )
