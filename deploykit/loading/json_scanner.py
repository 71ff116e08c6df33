"""Where the values and keys of a JSON text are written, found after ``json`` parsed it.

The C ``json`` module parses; positions are looked up only when needed, over text that
``json`` has already accepted, in two ways:

- :class:`SeekingIndex` walks one pointer's path, skipping the members before it with
  ``json``'s C scanner: a few Python steps per level, for the usual file with unique keys;
- :func:`scan` indexes every value in one flat pass over regex tokens with an explicit
  stack (deep input cannot exhaust Python's recursion limit) and notices repeated keys,
  which it places.

Keys are decoded as ``json`` decodes them (``"a\\/b"`` is ``a/b``) and escaped into pointers
per RFC 6901 (``~`` → ``~0``, ``/`` → ``~1``) by :mod:`deploykit.pointer`.
"""

from __future__ import annotations

import json
import json.scanner
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from deploykit.loading.source_map import NO_KEY, Entries
from deploykit.pointer import escape, unescape

# One JSON token per match; whitespace between tokens is skipped by finditer. A string
# followed by `:` is an object key, matched as one token. No named groups: the loop
# dispatches on the first character, which is about twice as fast as `lastgroup`.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"(?:\s*:)?|[,{}\[\]]|[^\s{}\[\],:"]+')
_OBJECT = -1  # a frame's index when the frame is an object, not an array
_SPACE = re.compile(r"[ \t\r\n]*")
_COLON = re.compile(r"[ \t\r\n]*:[ \t\r\n]*")
_SEPARATOR = re.compile(r"[ \t\r\n]*(?:,[ \t\r\n]*)?")
_INTEGER = re.compile(r"-?[0-9]+")
_ARRAY_INDEX = re.compile(r"(?:0|[1-9][0-9]*)\Z")  # RFC 6901: no leading zeros
# Its C scanner gives the end offset of the JSON value at an offset: how members are skipped.
_DECODER = json.JSONDecoder()
# (typeshed declares make_scanner's parameter as its own class, not the decoder it takes)
_scan_once: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(_DECODER)  # type: ignore[arg-type]


@dataclass(frozen=True)
class DuplicateKey:
    """A member whose key was already used in the same object; ``json`` kept this one."""

    pointer: str
    offset: int  # of this (later, winning) key
    first_offset: int  # of the first key, whose value is lost


@dataclass
class ScanResult:
    entries: Entries
    duplicates: list[DuplicateKey]


class SeekingIndex:
    """Positions in a JSON text without duplicate keys, found by walking the pointer's path.

    At each level the members before the wanted one are skipped by the C scanner of the
    ``json`` module, so a lookup costs a few Python steps per member on its path instead of
    one per token of the file: most files never need a position, and a file with findings
    needs a few. Every object and array reached on the way is remembered, so the findings of
    one file (``/containers/0/port``, ``/containers/0/command``) walk their shared path once.
    Only for text whose keys are unique (``json_reader`` checks that first): with repeated
    keys the first match would not be the value ``json`` kept; :func:`scan` handles those.
    """

    __slots__ = ("_reached", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        # pointer → (key offset or NO_KEY, value offset), for the containers walked through
        self._reached: Entries = {}

    def get(self, pointer: str, /) -> tuple[int, int] | None:
        reached = self._reached
        if not reached:
            reached[""] = (NO_KEY, _skip_space(self._text, 0))
        entry = reached.get(pointer)
        if entry is not None:
            return entry
        # Pointer tokens as written (escaped), to name the prefixes; decoded, to match keys.
        written = pointer[1:].split("/")
        tokens = written if "~" not in pointer else [unescape(t) for t in written]
        # Resume from the deepest container already reached on this path ("" always is).
        depth, prefix = len(written), pointer
        while entry is None:
            depth -= 1
            prefix = prefix[: prefix.rindex("/")]
            entry = reached.get(prefix)
        for token, as_written in zip(tokens[depth:], written[depth:], strict=True):
            entry = self._child(entry[1], token)
            if entry is None:
                return None
            prefix = f"{prefix}/{as_written}"
            reached[prefix] = entry
        return entry

    def _child(self, at: int, token: str) -> tuple[int, int] | None:
        """The member or item ``token`` of the value at offset ``at``."""
        text = self._text
        opener = text[at]
        if opener == "{":
            return _seek_member(text, at, token)
        if opener == "[" and _ARRAY_INDEX.match(token):
            return _seek_item(text, at, int(token))
        return None  # a scalar has no members; an array has no member "name" or "01"


def _seek_member(text: str, at: int, wanted: str) -> tuple[int, int] | None:
    """(key offset, value offset) of member ``wanted`` of the object opening at ``at``."""
    at = _skip_space(text, at + 1)
    while text[at] != "}":
        key, after_key = _scan_once(text, at)  # the key, decoded by the C scanner
        value_at = _COLON.match(text, after_key).end()  # type: ignore[union-attr]  # valid JSON
        if key == wanted:
            return at, value_at
        at = _after_item(text, value_at)
    return None


def _seek_item(text: str, at: int, wanted: int) -> tuple[int, int] | None:
    """(NO_KEY, offset) of item ``wanted`` of the array opening at ``at``."""
    at = _skip_space(text, at + 1)
    index = 0
    while text[at] != "]":
        if index == wanted:
            return NO_KEY, at
        at = _after_item(text, at)
        index += 1
    return None


def _after_item(text: str, value_at: int) -> int:
    """The offset of the next member/item after the value at ``value_at``, or of the
    closing bracket."""
    _, end = _scan_once(text, value_at)
    return _SEPARATOR.match(text, end).end()  # type: ignore[union-attr]  # `*`/`?` match


def _skip_space(text: str, at: int) -> int:
    return _SPACE.match(text, at).end()  # type: ignore[union-attr]  # `*` always matches


def scan(text: str) -> ScanResult:
    """Index every value of a valid JSON ``text`` by pointer, and find repeated keys.

    A frame is ``[pointer, index, keys]`` for each open container: ``index`` counts array
    items (``_OBJECT`` for an object), ``keys`` maps an object's keys to their offsets so a
    repeated one is noticed. Lists, not objects: this loop runs once per token.
    """
    result = ScanResult({}, [])
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
            first = frame[2].setdefault(key, key_offset)
            if first != key_offset:
                _forget(entries, key_pointer)
                result.duplicates.append(DuplicateKey(key_pointer, key_offset, first))
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
    return result


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


def long_integer(text: str, max_digits: int) -> tuple[str, int, int] | None:
    """(pointer, offset, digit count) of the first integer with more than ``max_digits``
    digits in a JSON ``text`` that is valid up to it, or None."""
    for match in _TOKEN.finditer(text):
        lexeme = match.group()
        digits = len(lexeme) - lexeme.startswith("-")
        if digits > max_digits and _INTEGER.fullmatch(lexeme):
            offset = match.start()
            # The text may be broken after the integer: index only what comes before it.
            entries = scan(text[: offset + 1]).entries
            pointer = next((p for p, (_, at) in entries.items() if at == offset), "")
            return pointer, offset, digits
    return None


def _decode_key(lexeme: str) -> str:
    if "\\" not in lexeme:
        return lexeme[1:-1]
    decoded: str = json.loads(lexeme)
    return decoded
