"""Just enough of a POSIX shell reader for ``run.sh`` and shell-form ``CMD``/``RUN``.

It does not run anything. It splits a script into simple commands, each with its words,
its redirections, whether it runs in the background (``&``), the function it belongs to
and its line; and it expands ``$VAR``/``${VAR:-default}`` from what the script and the
image set. That is what the graceful-exit, port and logging checks need; anything it cannot
read (an unbalanced quote) is read word by word rather than refused.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypedDict

# The shells a CMD, ENTRYPOINT or run.sh line hands a script to (`sh /home/run.sh`,
# `/bin/sh -c "..."`).
SHELLS = frozenset({"sh", "bash", "/bin/sh", "/bin/bash", "/usr/bin/sh", "/usr/bin/bash"})
# Words that open or close a compound command; the command proper follows them.
_KEYWORDS = frozenset({
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "case", "esac",
    "!", "{", "}", "in",
})
# Words that run the next word as the program: its command line is the program's.
_WRAPPERS = frozenset({"exec", "nohup", "command", "time"})
_INITS = frozenset({"tini", "tini-static", "dumb-init"})  # and their options, up to `--`
_SEPARATORS = frozenset({";", "&&", "||", "|", "&", ";;", "(", ")", "|&"})
_REDIRECT = re.compile(r"^(?:\d*>>?|&>>?|\d*>&|>\||<|<<<?|\d*<&)$")
# `name() {`, `function name {`: a function header; its body follows up to the closing `}`.
_FUNCTION = re.compile(
    r"^\s*(?:function\s+([A-Za-z_][\w-]*)\s*(?:\(\s*\))?|([A-Za-z_][\w-]*)\s*\(\s*\))\s*\{?\s*$"
)
_ONE_LINER = re.compile(
    r"^\s*(?:function\s+([A-Za-z_][\w-]*)\s*(?:\(\s*\))?|([A-Za-z_][\w-]*)\s*\(\s*\))"
    r"\s*\{(.*)\}\s*;?\s*$"
)
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)
_VARIABLE = re.compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-=+?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))"
)


@dataclass(frozen=True)
class Command:
    """One simple command, e.g. ``gunicorn -b 0.0.0.0:8080 app:app > /tmp/x.log &``."""

    words: tuple[str, ...]
    line: int
    text: str  # the lines it came from, continuations included, to place findings
    redirects: tuple[tuple[str, str], ...] = ()  # (operator, target)
    assignments: tuple[tuple[str, str], ...] = ()  # NAME=value before the command
    background: bool = False
    function: str | None = None  # the function whose body holds it

    @property
    def name(self) -> str:
        return self.words[0].rsplit("/", 1)[-1] if self.words else ""

    @property
    def program(self) -> list[str]:
        """The words of the program it runs, past ``exec``, ``nohup``, ``env A=b`` and init
        wrappers (``tini --``, ``dumb-init``) that hand over to it."""
        words = list(self.words)
        while words:
            head = words[0].rsplit("/", 1)[-1]
            if head in _WRAPPERS:
                words = words[1:]
            elif head == "env" or (words[0] == "--") or (head in _INITS):
                words = words[1:]
                while words and ("=" in words[0] or words[0].startswith("-")):
                    words = words[1:]
            else:
                break
        return words

    def at(self, needle: str) -> At:
        """The line and column of ``needle`` (on a continuation line, that line)."""
        index = self.text.find(needle) if needle else -1
        if index < 0:
            return At(line=self.line, column=None)
        before = self.text[:index]
        return At(line=self.line + before.count("\n"), column=index - before.rfind("\n"))


class At(TypedDict):
    """Keyword arguments that place a diagnostic: ``RULE(None, msg, **command.at(word))``."""

    line: int
    column: int | None


@dataclass
class Script:
    commands: list[Command] = field(default_factory=list)
    functions: dict[str, int] = field(default_factory=dict)  # name → line it is defined on

    def body(self, function: str) -> list[Command]:
        return [c for c in self.commands if c.function == function]

    def top_level(self) -> list[Command]:
        return [c for c in self.commands if c.function is None]

    def variables(self, base: dict[str, str]) -> dict[str, str]:
        """Variables after the script's top-level assignments (``PORT=8080``, ``export``)."""
        known = dict(base)
        for command in self.top_level():
            pairs = list(command.assignments) if not command.words else []
            if command.name in {"export", "declare", "readonly", "local"}:
                pairs += [_split_assignment(w) for w in command.words[1:] if "=" in w]
            for name, value in pairs:
                known[name] = expand(value, known)  # `${PORT:-8080}` keeps the image's env
        return known


def parse_script(text: str, first_line: int = 1) -> Script:
    script = Script()
    stack: list[str | None] = []  # open braces: a function's name, or None for a group
    pending: str | None = None  # a function header whose `{` is on a later line
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        number = index + first_line
        logical = raw = lines[index]
        index += 1
        while logical.endswith("\\") and index < len(lines):
            logical = logical[:-1] + " " + lines[index]
            raw += "\n" + lines[index]
            index += 1
        for heredoc in re.findall(r"<<-?\s*['\"]?(\w+)['\"]?", logical):
            while index < len(lines) and lines[index].strip() != heredoc:
                index += 1
            index += 1
        one_liner = _ONE_LINER.match(logical)
        if one_liner:
            name = one_liner.group(1) or one_liner.group(2)
            script.functions[name] = number
            for command, _, _ in _commands(one_liner.group(3), number, raw):
                if command is not None:
                    script.commands.append(_in_function(command, name))
            continue
        header = _FUNCTION.match(logical)
        if header:
            name = header.group(1) or header.group(2)
            script.functions[name] = number
            if logical.rstrip().endswith("{"):
                stack.append(name)
            else:
                pending = name
            continue
        function = next((f for f in reversed(stack) if f is not None), None)
        for command, opened, closed in _commands(logical, number, raw):
            if command is not None:
                script.commands.append(_in_function(command, function))
            for _ in range(opened):
                stack.append(pending)
                pending = None
            del stack[len(stack) - min(closed, len(stack)):]
    return script


def expand(word: str, variables: dict[str, str]) -> str:
    """``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR:=default}``, ``${VAR:+alt}``."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        value = variables.get(name, "")
        operator, other = match.group(2), match.group(3) or ""
        if operator in {"-", "="}:
            return value or other
        if operator == "+":
            return other if value else ""
        return value

    return _VARIABLE.sub(replace, word)


def sleep_seconds(command: Command) -> float | None:
    """Seconds of ``sleep 60``, ``sleep 1m``, ``sleep 0.5s`` (GNU suffixes); None if unknown."""
    if command.name != "sleep":
        return None
    total = 0.0
    for word in command.words[1:]:
        found = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd]?)", word)
        if not found:
            return None
        total += float(found.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[
            found.group(2)
        ]
    return total


def _commands(
    part: str, number: int, raw: str
) -> Iterable[tuple[Command | None, int, int]]:
    """Simple commands in ``part`` of a logical line, with the `{` it opens and `}` it closes."""
    tokens = _tokens(part)
    current: list[str] = []
    for piece in [*tokens, ";"]:
        if piece in _SEPARATORS:
            words = [w for w in current if w not in {"{", "}"}]
            opened, closed = current.count("{"), current.count("}")
            yield _command(words, number, raw, background=piece == "&"), opened, closed
            current = []
        else:
            current.append(piece)


def _command(words: list[str], number: int, raw: str, *, background: bool) -> Command | None:
    while words and words[0] in _KEYWORDS:
        words = words[1:]
    redirects: list[tuple[str, str]] = []
    assignments: list[tuple[str, str]] = []
    kept: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if _REDIRECT.match(word) and index + 1 < len(words):
            if kept and kept[-1].isdigit() and word.startswith(">"):
                kept.pop()  # `2 >` came apart in tokenizing: the fd belongs to the operator
            redirects.append((word, words[index + 1]))
            index += 2
            continue
        assignment = _ASSIGNMENT.match(word)
        if assignment and not kept:
            assignments.append((assignment.group(1), assignment.group(2)))
        else:
            kept.append(word)
        index += 1
    if not kept and not assignments:
        return None
    return Command(tuple(kept), number, raw, tuple(redirects), tuple(assignments), background)


def _tokens(logical: str) -> list[str]:
    lexer = shlex.shlex(logical, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError:  # an unbalanced quote: read it word by word rather than give up
        tokens = logical.split()
    for index, token in enumerate(tokens):
        if token.startswith("#"):
            return tokens[:index]  # a comment starts only at the start of a word
    return tokens


def _in_function(command: Command, function: str | None) -> Command:
    if function is None:
        return command
    return Command(command.words, command.line, command.text, command.redirects,
                   command.assignments, command.background, function)


def _split_assignment(word: str) -> tuple[str, str]:
    name, _, value = word.partition("=")
    return name, value
