"""Parse errors as users can act on them: where, what, and the likely fix.

The parsers say *what* they expected ("Expecting value"); users need to know *why* the text
is wrong: a trailing comma, a comment, a Python literal, or — very often in real files — a
template placeholder such as ``"instance": ${N}`` that was never filled in (issue #2, "Real
files"). Messages never quote the offending text except for placeholders and single
characters, because the text may be a secret (``dockerAuth`` pasted without quotes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from deploykit.errors import SpecError
from deploykit.loading.source_map import position_of

# `${VAR}`, `$VAR`, `{{ name }}`, `<your-name>`: what template engines leave behind.
_TEMPLATE = re.compile(
    r"\$\{[^}\n]{0,40}\}?|\$[A-Za-z_]\w{0,40}|\{\{[^}\n]{0,40}(?:\}\})?|<[A-Za-z_][^<>\n]{0,40}>"
)
_WORD = re.compile(r"[A-Za-z_][\w.-]*")
# A first line such as `metadata:` or `---`: a YAML spec saved under a .json name.
_YAML_START = re.compile(r"---\s|[A-Za-z_][\w.-]*:(?:\s|$)")
_PYTHON_LITERALS = {"True": "true", "False": "false", "None": "null"}
# Characters that specs copied from web pages and CJK documentation bring along (the EAS
# and ModelArts docs are written in Chinese and Japanese first: seeds/004, reference/
# modelarts.md §1.10), each with the ASCII character JSON needs instead.
_LOOKALIKES = {
    "\uff1a": ":",
    "\uff0c": ",",
    "\u3001": ",",
    "\u201c": '"',
    "\u201d": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\uff5b": "{",
    "\uff5d": "}",
    "\uff3b": "[",
    "\uff3d": "]",
    "\u00a0": " ",
    "\u3000": " ",
    "\u200b": "",
}
_FILL_TEMPLATE = (
    "fill in the template first (e.g. envsubst or your CI's variables), or quote the value"
)


def json_syntax_error(text: str, err: json.JSONDecodeError, path: str) -> SpecError:
    cause, hint, offset = _classify_json(text, err.msg, err.pos)
    line, column = position_of(text, offset)
    return SpecError(f"invalid JSON: {cause}", path=path, line=line, column=column, hint=hint)


def yaml_syntax_error(text: str, err: Exception, path: str) -> SpecError:
    """A PyYAML ``YAMLError`` (duck-typed: this module must not import yaml)."""
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    offset: int | None = getattr(mark, "index", None)
    problem = getattr(err, "problem", None)
    context = getattr(err, "context", None)
    if problem is None:  # a ReaderError: a character YAML does not allow anywhere
        offset = getattr(err, "position", None)
        character = getattr(err, "character", None)
        code = f"0x{character:02X}" if isinstance(character, int) else repr(character)
        cause = f"control character {code} is not allowed in YAML"
        hint = "remove the character, or write it as an escape inside a double-quoted string"
    else:
        cause = problem + (f" ({context})" if context else "")
        hint = _yaml_hint(text, problem, offset)
    line, column = position_of(text, offset) if offset is not None else (None, None)
    return SpecError(f"invalid YAML: {cause}", path=path, line=line, column=column, hint=hint)


def template_at(text: str, offset: int) -> str | None:
    """The placeholder written at ``offset``, if one is."""
    match = _TEMPLATE.match(text, offset)
    return match.group() if match else None


@dataclass(frozen=True)
class _Error:
    """Where the JSON parser stopped, and what is around it."""

    text: str
    message: str
    pos: int

    @property
    def char(self) -> str:
        return self.text[self.pos : self.pos + 1]

    @property
    def before(self) -> int:
        return _previous_nonspace(self.text, self.pos)

    def word(self) -> str | None:
        match = _WORD.match(self.text, self.pos)
        return match.group() if match else None


# (cause, hint, offset to report), or None when the clue does not fit.
Finding = tuple[str, str, int]


def _template(at: _Error) -> Finding | None:
    for start in (at.pos, at.before):
        template = template_at(at.text, start) if start >= 0 else None
        if template:
            return (
                f"`{template}` is not a JSON value: it looks like an unfilled template value",
                _FILL_TEMPLATE,
                start,
            )
    return None


def _yaml(at: _Error) -> Finding | None:
    if _next_nonspace(at.text, 0) != at.pos or not _looks_like_yaml(at.text):
        return None
    return (
        "the file is not JSON: it looks like YAML",
        "rename it to .yaml (deploykit reads both), or convert it to JSON",
        at.pos,
    )


def _lookalike(at: _Error) -> Finding | None:
    replacement = _LOOKALIKES.get(at.char) if at.char else None
    if replacement is None:
        return None
    return (
        f"U+{ord(at.char):04X} `{at.char}` is not JSON syntax (copied from a web page or a "
        "CJK document?)",
        f"replace it with `{replacement}`"
        if replacement.strip()
        else "delete it or type a plain space",
        at.pos,
    )


def _trailing_comma(at: _Error) -> Finding | None:
    text, before = at.text, at.before
    if at.char in ("}", "]") and before >= 0 and text[before] == ",":
        return (f"trailing comma before `{at.char}`", _NO_TRAILING_COMMA, before)
    after = _next_nonspace(text, at.pos + 1)
    if at.char == "," and after < len(text) and text[after] in "}]":
        return (f"trailing comma before `{text[after]}`", _NO_TRAILING_COMMA, at.pos)
    return None


def _bare_word(at: _Error) -> Finding | None:
    word = at.word()
    if word is None:
        return None
    if word in _PYTHON_LITERALS:
        return (
            f"`{word}` is Python, not JSON",
            f"write `{_PYTHON_LITERALS[word]}` instead",
            at.pos,
        )
    if at.message.startswith("Expecting property name"):
        return ("object key is not quoted", 'put the key in double quotes: "key": value', at.pos)
    return ("unquoted text", 'put strings in double quotes: "text"', at.pos)


def _said(
    cause: str, hint: str, applies: Callable[[_Error], bool]
) -> Callable[[_Error], Finding | None]:
    """A clue that is one test of the error: (cause, hint) at the parser's position."""
    return lambda at: (cause, hint, at.pos) if applies(at) else None


def _message(prefix: str, cause: str, hint: str) -> Callable[[_Error], Finding | None]:
    """A clue that is the parser's own message, said in users' words."""
    return _said(cause, hint, lambda at: at.message.startswith(prefix))


_NO_TRAILING_COMMA = "remove the comma after the last item"
# What a JSON error most likely means, in order: the first clue that fits explains it. The
# likely causes (a template, YAML, a CJK character, a comment) come before what the parser
# literally saw there; its own message is the last resort.
_CLUES: tuple[Callable[[_Error], Finding | None], ...] = (
    _template,
    _yaml,
    _lookalike,
    _said(
        "JSON does not allow comments",
        "delete the comment (YAML specs may use `#` comments)",
        lambda at: at.text.startswith(("//", "/*"), at.pos) or at.char == "#",
    ),
    _trailing_comma,
    _said(
        "the file ends before the JSON is complete",
        "close every `{` and `[`: a closing bracket is missing",
        lambda at: not at.text[at.pos :].strip(),
    ),
    _message(
        "Extra data",
        "more content after the end of the JSON value",
        "a spec file holds exactly one JSON object: remove the extra text or bracket",
    ),
    _said(
        "single quotes are not JSON", 'use double quotes: "key": "value"', lambda at: at.char == "'"
    ),
    _bare_word,
    _message("Unterminated string", "string is never closed", 'add the closing `"`'),
    _message(
        "Invalid control character",
        "raw tab or line break inside a string",
        "write it as \\t or \\n inside the string",
    ),
    _message(
        "Invalid \\", "invalid escape in a string", "write a backslash as \\\\ (or use / in paths)"
    ),
    _message("Expecting ',' delimiter", "missing comma", "add a `,` between the two items"),
    _message("Expecting ':' delimiter", "missing `:` after the key", 'write "key": value'),
)


def _classify_json(text: str, message: str, pos: int) -> Finding:
    """(cause, hint, offset to report) for one ``json`` error."""
    at = _Error(text, message, pos)
    for clue in _CLUES:
        found = clue(at)
        if found is not None:
            return found
    return (message[:1].lower() + message[1:], "fix the JSON syntax at this position", pos)


def _yaml_hint(text: str, problem: str, offset: int | None) -> str:
    if "'\\t'" in problem:
        return (
            "indent with spaces: YAML forbids tabs (a tab-indented JSON file must be named .json)"
        )
    if offset is not None:
        for start in (offset, _previous_nonspace(text, offset)):
            if start >= 0 and template_at(text, start):
                return f"this looks like an unfilled template value: {_FILL_TEMPLATE}"
    return "check indentation and quoting here (a value holding ': ' or ' #' needs quotes)"


def _looks_like_yaml(text: str) -> bool:
    """The first line that is not blank or a `#` comment starts like a YAML document."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return _YAML_START.match(stripped + "\n") is not None
    return False


def _previous_nonspace(text: str, pos: int) -> int:
    index = pos - 1
    while index >= 0 and text[index] in " \t\r\n":
        index -= 1
    return index


def _next_nonspace(text: str, pos: int) -> int:
    index = pos
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index
