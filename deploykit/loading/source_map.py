"""SourceMap: JSON pointer → 1-based (line, column) in the text the user wrote.

Positions are kept as character offsets and turned into line/column only when asked, so a
file nobody asks about costs nothing: a JSON text is scanned on the first ``locate()``, and
only as far as needed (most valid files never need it; issue #2, "Speed"). Lines end at
``\\n``, ``\\r\\n`` or a lone ``\\r``, as editors count them; columns count characters (a tab
is one column, ``é`` is one column), and a UTF-8 BOM is not part of the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Literal, Protocol

# pointer → (offset of the member's key or -1 when it has none, offset of the value)
Entries = dict[str, tuple[int, int]]

NO_KEY = -1

_LINE_BREAK = re.compile(r"\r\n?|\n")
# Lookups answered by counting before a table of line starts is worth building.
_DIRECT_LOOKUPS = 8


class TextPositions:
    """Character offset → (line, column), both 1-based, over one text.

    The first few lookups count line breaks directly (C-speed ``str.count``, no table);
    after that, or when a ``\\r`` is involved, one table of line starts serves them all.
    """

    __slots__ = ("_direct", "_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None
        self._direct = _DIRECT_LOOKUPS

    def position(self, offset: int) -> tuple[int, int]:
        text = self._text
        if self._starts is None:
            if self._direct > 0 and text.find("\r", 0, offset) < 0:
                self._direct -= 1
                line_start = text.rfind("\n", 0, offset) + 1
                return text.count("\n", 0, offset) + 1, offset - line_start + 1
            self._starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def position_of(text: str, offset: int) -> tuple[int, int]:
    """One-off conversion, for error messages."""
    return TextPositions(text).position(offset)


class Index(Protocol):
    """Where values are: a finished ``Entries`` dict, or an index that fills in on demand."""

    def get(self, pointer: str, /) -> tuple[int, int] | None: ...


class SourceMap:
    """Where each value (and each object member's key) of a loaded spec is written."""

    __slots__ = ("_index", "_positions", "_text")

    def __init__(self, text: str, index: Index) -> None:
        self._text = text
        self._index = index
        self._positions: TextPositions | None = None

    def locate(
        self, pointer: str, anchor: Literal["value", "key"] = "value"
    ) -> tuple[int, int] | None:
        """The position of ``pointer``'s value, or of its key with ``anchor="key"``.

        A pointer that names nothing in the file (a missing required key, a default filled
        in by a model) falls back to the nearest ancestor that exists, at that ancestor's
        key when it has one: ``/metadata/name`` missing points at ``"metadata"``.
        ``None`` only for a malformed pointer.
        """
        if pointer and not pointer.startswith("/"):
            return None
        wanted = pointer
        while (entry := self._index.get(wanted)) is None:
            if not wanted:
                return None
            wanted = wanted.rsplit("/", 1)[0]
        key, value = entry
        use_key = key != NO_KEY and (anchor == "key" or wanted != pointer)
        return self._position(key if use_key else value)

    def _position(self, offset: int) -> tuple[int, int]:
        if self._positions is None:
            self._positions = TextPositions(self._text)
        return self._positions.position(offset)
