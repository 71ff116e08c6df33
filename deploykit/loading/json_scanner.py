"""A positional JSON scanner: where every value and key of a JSON text is written.

The C ``json`` module parses; this scanner only runs when a position is needed (a diagnostic
to place, a duplicate key to report, a nesting limit to point at), over text that ``json``
has already accepted. It is a flat loop over regex tokens with an explicit stack, so deeply
nested input cannot exhaust Python's recursion limit.

Keys are decoded as ``json`` decodes them (``"a\\/b"`` is ``a/b``) and escaped into pointers
per RFC 6901 (``~`` → ``~0``, ``/`` → ``~1``) by :mod:`deploykit.pointer`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from deploykit.loading.source_map import NO_KEY, Entries
from deploykit.pointer import escape

# One JSON lexeme per match; whitespace between tokens is skipped by finditer.
_TOKEN = re.compile(
    r"""
    (?P<string>"[^"\\]*(?:\\.[^"\\]*)*")
  | (?P<punct>[{}\[\],:])
  | (?P<literal>[^\s{}\[\],:"]+)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class DuplicateKey:
    """A member whose key was already used in the same object; ``json`` kept this one."""

    pointer: str
    offset: int  # of this (later, winning) key
    first_offset: int  # of the earlier key, whose value is lost


@dataclass
class _Frame:
    pointer: str
    is_object: bool
    index: int = 0  # next array index
    key: str | None = None  # object member being read
    key_offset: int = NO_KEY
    keys: dict[str, int] = field(default_factory=dict)  # key → offset, for duplicates


@dataclass
class ScanResult:
    entries: Entries
    duplicates: list[DuplicateKey]


def scan(text: str) -> ScanResult:
    """Index every value of a valid JSON ``text`` by pointer."""
    entries: Entries = {}
    duplicates: list[DuplicateKey] = []
    stack: list[_Frame] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        lexeme = match.group()
        offset = match.start()
        frame = stack[-1] if stack else None
        if kind == "punct":
            if lexeme == ",":
                if frame is not None:
                    frame.index += 1
                    frame.key = None
                continue
            if lexeme == ":":
                continue
            if lexeme in "}]":
                stack.pop()
                continue
        elif kind == "string" and frame is not None and frame.is_object and frame.key is None:
            key = _decode_key(lexeme)
            _note_key(frame, key, offset, entries, duplicates)
            continue
        # A value starts here: a scalar, "{" or "[".
        pointer, key_offset = _member(frame)
        entries[pointer] = (key_offset, offset)
        if lexeme == "{":
            stack.append(_Frame(pointer, is_object=True))
        elif lexeme == "[":
            stack.append(_Frame(pointer, is_object=False))
    return ScanResult(entries, duplicates)


def scan_entries(text: str) -> Entries:
    """The index alone: the lazy builder a :class:`SourceMap` calls on first use."""
    return scan(text).entries


def deepest_offset(text: str, limit: int) -> int | None:
    """The offset of the first ``{`` or ``[`` that opens nesting level ``limit + 1``."""
    depth = 0
    for match in _TOKEN.finditer(text):
        if match.lastgroup != "punct":
            continue
        lexeme = match.group()
        if lexeme in "{[":
            depth += 1
            if depth > limit:
                return match.start()
        elif lexeme in "}]":
            depth -= 1
    return None


def literal_offset(text: str, literal: str) -> int | None:
    """The offset of the first bare lexeme ``literal`` (outside strings), e.g. ``NaN``."""
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "literal" and match.group() == literal:
            return match.start()
    return None


def _member(frame: _Frame | None) -> tuple[str, int]:
    if frame is None:
        return "", NO_KEY
    if frame.is_object:
        return f"{frame.pointer}/{escape(frame.key or '')}", frame.key_offset
    return f"{frame.pointer}/{frame.index}", NO_KEY


def _note_key(
    frame: _Frame, key: str, offset: int, entries: Entries, duplicates: list[DuplicateKey]
) -> None:
    frame.key = key
    frame.key_offset = offset
    first = frame.keys.get(key)
    frame.keys[key] = offset
    if first is None:
        return
    pointer = f"{frame.pointer}/{escape(key)}"
    duplicates.append(DuplicateKey(pointer, offset, first))
    # `json` keeps the later value: forget what the earlier one held, so no stale position
    # survives for a member that is not in the loaded data.
    nested = pointer + "/"
    for stale in [p for p in entries if p.startswith(nested)]:
        del entries[stale]


def _decode_key(lexeme: str) -> str:
    if "\\" not in lexeme:
        return lexeme[1:-1]
    decoded: str = json.loads(lexeme)
    return decoded
