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


def _classify_json(text: str, message: str, pos: int) -> tuple[str, str, int]:
    """(cause, hint, offset to report) for one ``json`` error."""
    char = text[pos : pos + 1]
    before = _previous_nonspace(text, pos)
    for start in (pos, before):
        template = template_at(text, start) if start >= 0 else None
        if template:
            return (
                f"`{template}` is not a JSON value: it looks like an unfilled template value",
                _FILL_TEMPLATE,
                start,
            )
    if _next_nonspace(text, 0) == pos and _looks_like_yaml(text):
        return (
            "the file is not JSON: it looks like YAML",
            "rename it to .yaml (deploykit reads both), or convert it to JSON",
            pos,
        )
    if char in _LOOKALIKES:
        replacement = _LOOKALIKES[char]
        return (
            f"U+{ord(char):04X} `{char}` is not JSON syntax (copied from a web page or a "
            f"CJK document?)",
            f"replace it with `{replacement}`"
            if replacement.strip()
            else "delete it or type a plain space",
            pos,
        )
    if text.startswith(("//", "/*"), pos) or char == "#":
        return (
            "JSON does not allow comments",
            "delete the comment (YAML specs may use `#` comments)",
            pos,
        )
    if char in ("}", "]") and before >= 0 and text[before] == ",":
        return (f"trailing comma before `{char}`", "remove the comma after the last item", before)
    after = _next_nonspace(text, pos + 1)
    if char == "," and after < len(text) and text[after] in "}]":
        return (
            f"trailing comma before `{text[after]}`",
            "remove the comma after the last item",
            pos,
        )
    if not text[pos:].strip():
        return (
            "the file ends before the JSON is complete",
            "close every `{` and `[`: a closing bracket is missing",
            pos,
        )
    if message.startswith("Extra data"):
        return (
            "more content after the end of the JSON value",
            "a spec file holds exactly one JSON object: remove the extra text or bracket",
            pos,
        )
    if char == "'":
        return ("single quotes are not JSON", 'use double quotes: "key": "value"', pos)
    word = _WORD.match(text, pos)
    if word and word.group() in _PYTHON_LITERALS:
        literal = word.group()
        return (
            f"`{literal}` is Python, not JSON",
            f"write `{_PYTHON_LITERALS[literal]}` instead",
            pos,
        )
    if word and message.startswith("Expecting property name"):
        return ("object key is not quoted", 'put the key in double quotes: "key": value', pos)
    if word:
        return ("unquoted text", 'put strings in double quotes: "text"', pos)
    if message.startswith("Unterminated string"):
        return ("string is never closed", 'add the closing `"`', pos)
    if message.startswith("Invalid control character"):
        return (
            "raw tab or line break inside a string",
            "write it as \\t or \\n inside the string",
            pos,
        )
    if message.startswith("Invalid \\"):
        return (
            "invalid escape in a string",
            "write a backslash as \\\\ (or use / in paths)",
            pos,
        )
    if message.startswith("Expecting ',' delimiter"):
        return ("missing comma", "add a `,` between the two items", pos)
    if message.startswith("Expecting ':' delimiter"):
        return ("missing `:` after the key", 'write "key": value', pos)
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
