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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from deploykit.loading.source_map import NO_KEY, Entries
from deploykit.pointer import escape

# One JSON token per match; whitespace between tokens is skipped by finditer. A string
# followed by `:` is an object key, matched as one token. No named groups: the loop
# dispatches on the first character, which is about twice as fast as `lastgroup`.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"(?:\s*:)?|[,{}\[\]]|[^\s{}\[\],:"]+')
_OBJECT = -1  # a frame's index when the frame is an object, not an array


@dataclass(frozen=True)
class DuplicateKey:
    """A member whose key was already used in the same object; ``json`` kept this one."""

    pointer: str
    offset: int  # of this (later, winning) key
    first_offset: int  # of the earlier key, whose value is lost


@dataclass
class ScanResult:
    entries: Entries
    duplicates: list[DuplicateKey]


def scan(text: str) -> ScanResult:
    """Index every value of a valid JSON ``text`` by pointer, and find repeated keys."""
    result = ScanResult({}, [])
    for _ in _steps(text, result):
        pass
    return result


class LazyIndex:
    """The index of a JSON text, scanned only as far as the pointers asked for so far.

    Most files never need a position; a file with findings usually needs a few, often in
    its first half. A pointer that is not in the file scans to the end (then its ancestors
    are all known). For text whose keys repeat, use :func:`scan`: an early stop could
    return the earlier of two values, which ``json`` discarded.
    """

    __slots__ = ("_result", "_steps", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._result = ScanResult({}, [])
        self._steps: Iterator[str] | None = None

    def get(self, pointer: str) -> tuple[int, int] | None:
        found = self._result.entries.get(pointer)
        if found is not None:
            return found
        if self._steps is None:
            self._steps = _steps(self._text, self._result)
        for added in self._steps:
            if added == pointer:
                return self._result.entries[pointer]
        return None


def _steps(text: str, result: ScanResult) -> Iterator[str]:
    """Scan ``text`` into ``result``, yielding each pointer as its value is reached.

    A frame is ``[pointer, index, keys]`` for each open container: ``index`` counts array
    items (``_OBJECT`` for an object), ``keys`` maps an object's keys to their offsets so a
    repeated one is noticed. Lists, not objects: this loop runs once per token.
    """
    entries = result.entries
    stack: list[list[Any]] = []
    key_pointer = ""  # pointer of the object member whose key was read last
    key_offset = NO_KEY
    for match in _TOKEN.finditer(text):
        lexeme = match.group()
        first = lexeme[0]
        if first == '"' and lexeme[-1] == ":":  # a key (a string value ends with '"')
            frame = stack[-1]
            key = _decode_key(lexeme[: lexeme.rindex('"') + 1])
            key_pointer = f"{frame[0]}/{escape(key)}"
            key_offset = match.start()
            earlier = frame[2].get(key)
            frame[2][key] = key_offset
            if earlier is not None:
                _forget(entries, key_pointer)
                result.duplicates.append(DuplicateKey(key_pointer, key_offset, earlier))
            continue
        if first == ",":
            if stack[-1][1] != _OBJECT:
                stack[-1][1] += 1
            continue
        if first in "}]":
            stack.pop()
            continue
        # A value starts here: a string, a literal, "{" or "[".
        if not stack:
            pointer, member_key = "", NO_KEY
        elif stack[-1][1] == _OBJECT:
            pointer, member_key = key_pointer, key_offset
        else:
            pointer, member_key = f"{stack[-1][0]}/{stack[-1][1]}", NO_KEY
        entries[pointer] = (member_key, match.start())
        if first in "{[":
            stack.append([pointer, 0 if first == "[" else _OBJECT, {}])
        yield pointer


def _forget(entries: Entries, pointer: str) -> None:
    """``json`` keeps the later value of a repeated key: drop what the earlier value held,
    so no stale position survives for a member that is not in the loaded data."""
    nested = pointer + "/"
    for stale in [p for p in entries if p.startswith(nested)]:
        del entries[stale]


def deepest_offset(text: str, limit: int) -> int | None:
    """The offset of the first ``{`` or ``[`` that opens nesting level ``limit + 1``."""
    depth = 0
    for match in _TOKEN.finditer(text):
        first = match.group()[0]
        if first in "{[":
            depth += 1
            if depth > limit:
                return match.start()
        elif first in "}]":
            depth -= 1
    return None


def literal_offset(text: str, literal: str) -> int | None:
    """The offset of the first bare lexeme ``literal`` (outside strings), e.g. ``NaN``."""
    for match in _TOKEN.finditer(text):
        if match.group() == literal:  # strings and keys start with '"', never equal
            return match.start()
    return None


def _decode_key(lexeme: str) -> str:
    if "\\" not in lexeme:
        return lexeme[1:-1]
    decoded: str = json.loads(lexeme)
    return decoded
