"""A small, honest Dockerfile parser: what the image checks need, located by line.

It follows the Dockerfile reference (https://docs.docker.com/reference/dockerfile/) where
the checks depend on it:

- parser directives (``# escape=``) only before the first instruction;
- a line ending in the escape character continues on the next line; comment lines and
  empty lines inside a continuation are dropped, as Docker does;
- ``CMD``/``ENTRYPOINT``/``RUN`` in exec form are JSON arrays; an array that is not valid
  JSON is shell form (Docker's rule);
- ``ARG``/``ENV`` substitution (``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR:+alt}``)
  in the instructions that Docker expands at build time, never in RUN/CMD/ENTRYPOINT
  (the shell expands those when the container runs);
- multi-stage builds: the checks read the final stage, which inherits ENV/USER/CMD from an
  earlier stage it is built ``FROM``;
- BuildKit heredocs (``RUN <<EOF``) are read to their terminator.

Anything Docker itself would refuse (binary content, no instruction, an unknown
instruction) is a :class:`~deploykit.errors.SpecError` with the line.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from deploykit.errors import SpecError

# The names `docker build` and `podman build` look for in a build context.
DOCKERFILE_NAMES = ("Dockerfile", "Containerfile", "dockerfile")
# https://docs.docker.com/reference/dockerfile/#overview — every instruction Docker knows.
INSTRUCTIONS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})
# Docker expands variables in these at build time (Dockerfile reference, "Environment
# replacement"); RUN, CMD and ENTRYPOINT are left to the shell at run time.
EXPANDED = frozenset({
    "ADD", "COPY", "ENV", "EXPOSE", "FROM", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    "ARG",
})

# A `# deploykit: platform=eas usage=batch` comment tells the checks what the image is for.
_DIRECTIVE = re.compile(r"^\s*#\s*deploykit:\s*(.*)$", re.IGNORECASE)
_PARSER_DIRECTIVE = re.compile(r"^\s*#\s*(\w+)\s*=\s*(\S+)\s*$")
_HEREDOC = re.compile(r"<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")
_VARIABLE = re.compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))"
)
MAX_BYTES = 1 << 20  # a Dockerfile over 1 MiB is not a Dockerfile a human wrote


@dataclass(frozen=True)
class Instruction:
    """One instruction; ``text`` has continuations joined as Docker joins them."""

    keyword: str
    text: str
    line: int
    physical: tuple[tuple[int, str], ...]  # (line number, text) of every line it spans
    heredocs: tuple[str, ...] = ()

    @property
    def exec_form(self) -> list[str] | None:
        """The JSON-array form of RUN/CMD/ENTRYPOINT, or None for shell form."""
        stripped = self.text.strip()
        if not stripped.startswith("["):
            return None
        try:
            value = json.loads(stripped)
        except ValueError:
            return None  # Docker runs an invalid JSON array as a shell command
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        return None

    def locate(self, needle: str) -> tuple[int, int | None]:
        """The line and 1-based column of ``needle`` in this instruction (else its first line)."""
        for number, text in self.physical:
            index = text.find(needle)
            if needle and index >= 0:
                return number, index + 1
        return self.line, None


@dataclass
class Stage:
    base: str
    name: str | None
    line: int
    instructions: list[Instruction] = field(default_factory=list)


@dataclass
class Dockerfile:
    path: Path
    stages: list[Stage]
    global_args: dict[str, str]
    directives: dict[str, tuple[str, int]]  # from `# deploykit:` comments: key → (value, line)

    @property
    def final(self) -> Stage:
        return self.stages[-1]

    def lineage(self) -> list[Stage]:
        """The final stage and the earlier stages it is built FROM, oldest first."""
        by_name = {s.name.lower(): s for s in self.stages if s.name}
        chain = [self.final]
        while chain[0].base.lower() in by_name and by_name[chain[0].base.lower()] not in chain:
            chain.insert(0, by_name[chain[0].base.lower()])
        return chain


def find_dockerfile(folder: Path) -> Path | None:
    """The Dockerfile a build of ``folder`` would use, if there is one."""
    for name in DOCKERFILE_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def read_dockerfile(path: Path) -> Dockerfile:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise SpecError(
            f"cannot read the Dockerfile: {err.strerror or err}", path=str(path)
        ) from None
    if len(raw) > MAX_BYTES:
        raise SpecError("the Dockerfile is larger than 1 MiB", path=str(path),
                        hint="point deploykit at the Dockerfile, not at a binary or archive")
    if b"\x00" in raw:
        raise SpecError("this is not a Dockerfile: it contains binary data", path=str(path),
                        hint="pass a text Dockerfile, or an image archive ending in .tar/.tar.gz")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise SpecError("the Dockerfile is not UTF-8 text", path=str(path), line=line,
                        hint="save the Dockerfile as UTF-8") from None
    return parse_dockerfile(text, path)


def parse_dockerfile(text: str, path: Path) -> Dockerfile:
    lines = text.splitlines()
    escape = "\\"
    directives: dict[str, tuple[str, int]] = {}
    instructions: list[Instruction] = []
    in_prologue = True  # parser directives are honoured only before anything else
    index = 0
    while index < len(lines):
        number, line = index + 1, lines[index]
        index += 1
        if _is_comment_or_blank(line):
            found = _DIRECTIVE.match(line)
            if found:
                for pair in found.group(1).split():
                    key, _, value = pair.partition("=")
                    directives[key.strip().lower()] = (value.strip().lower(), number)
            parser = _PARSER_DIRECTIVE.match(line) if in_prologue else None
            if parser and parser.group(1).lower() == "escape" and parser.group(2) in "\\`":
                escape = parser.group(2)
            elif line.strip() and not parser:
                in_prologue = False
            continue
        in_prologue = False
        physical = [(number, line)]
        joined = line
        while _continues(joined, escape):
            joined = joined.rstrip()[:-1]
            while index < len(lines) and _is_comment_or_blank(lines[index]):
                index += 1  # dropped inside a continuation, as Docker does
            if index == len(lines):
                break
            index += 1
            physical.append((index, lines[index - 1]))
            joined += lines[index - 1]
        keyword, _, rest = joined.strip().partition(" ")
        keyword = keyword.upper()
        if keyword not in INSTRUCTIONS:
            close = difflib.get_close_matches(keyword, sorted(INSTRUCTIONS), n=1)
            raise SpecError(f"unknown instruction {keyword[:40]!r}", path=str(path), line=number,
                            hint=f"did you mean {close[0]}?" if close else
                            "`docker build` would refuse it too; check the Dockerfile")
        heredocs: list[str] = []
        for terminator in _HEREDOC.findall(rest) if keyword in {"RUN", "COPY", "ADD"} else ():
            body: list[str] = []
            while index < len(lines) and lines[index].strip() != terminator:
                physical.append((index + 1, lines[index]))
                body.append(lines[index])
                index += 1
            index += 1  # the terminator line
            heredocs.append("\n".join(body))
        instructions.append(
            Instruction(keyword, rest.strip(), number, tuple(physical), tuple(heredocs))
        )
    return _stages(instructions, path, directives)


def substitute(text: str, variables: dict[str, str]) -> str:
    """Docker's build-time variable replacement; an unknown variable becomes ''."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        value = variables.get(name)
        if match.group(2) == "-":
            return value if value else match.group(3)
        if match.group(2) == "+":
            return match.group(3) if value else ""
        return value or ""

    return _VARIABLE.sub(replace, text)


def parse_assignments(text: str, keyword: str) -> list[tuple[str, str]]:
    """ENV/ARG/LABEL pairs: ``K=V K2="v 2"``, or the legacy ``ENV K some value``."""
    import shlex

    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    if keyword == "ENV" and words and "=" not in words[0]:
        return [(words[0], text.strip()[len(words[0]):].strip())]
    pairs = []
    for word in words:
        name, eq, value = word.partition("=")
        pairs.append((name, value if eq else ""))
    return pairs


def _stages(
    instructions: list[Instruction], path: Path, directives: dict[str, tuple[str, int]]
) -> Dockerfile:
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            words = substitute(instruction.text, global_args).split()
            words = [w for w in words if not w.startswith("--")]  # --platform=...
            if not words:
                raise SpecError("FROM names no image", path=str(path), line=instruction.line,
                                hint="write `FROM <image>[:tag] [AS name]`")
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            stages.append(Stage(words[0], name, instruction.line))
        elif not stages:
            if instruction.keyword != "ARG":
                raise SpecError(f"{instruction.keyword} before the first FROM", path=str(path),
                                line=instruction.line,
                                hint="a Dockerfile starts with FROM (only ARG may come before it)")
            global_args.update(parse_assignments(instruction.text, "ARG"))
        else:
            stages[-1].instructions.append(instruction)
    if not stages:
        raise SpecError("the Dockerfile has no FROM instruction", path=str(path),
                        hint="a Dockerfile starts with `FROM <image>`")
    return Dockerfile(path, stages, global_args, directives)


def _is_comment_or_blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _continues(line: str, escape: str) -> bool:
    return line.rstrip().endswith(escape)


@dataclass(frozen=True)
class Located:
    """A value and where it was set (line/column are None for an image archive's config)."""

    value: str
    line: int | None = None
    column: int | None = None


@dataclass
class ImageConfig:
    """What the platform will run, from the final stage of a Dockerfile or from an image
    archive's config: the same checks read both."""

    entrypoint: list[str] | None = None
    cmd: list[str] | None = None
    from_line: int | None = None  # the final stage's FROM: where a missing USER/CMD is reported
    start_line: int | None = None  # the CMD (or ENTRYPOINT) line
    user: Located | None = None
    env: dict[str, str] = field(default_factory=dict)
    exposed: list[tuple[int, Located]] = field(default_factory=list)
    workdir: str = "/"
    shell: list[str] = field(default_factory=lambda: ["/bin/sh", "-c"])  # Docker's default
    copies: list[tuple[list[str], str, int]] = field(default_factory=list)  # srcs, dest, line
    runs: list[Instruction] = field(default_factory=list)

    @property
    def argv(self) -> list[str]:
        """The container's start command as Docker combines ENTRYPOINT and CMD."""
        return [*(self.entrypoint or []), *(self.cmd or [])]


def image_config(dockerfile: Dockerfile) -> ImageConfig:
    """The final stage's config, inheriting from the stages it is built FROM."""
    config = ImageConfig(from_line=dockerfile.final.line)
    variables = dict(dockerfile.global_args)
    for stage in dockerfile.lineage():
        cmd_in_stage = False
        for ins in stage.instructions:
            if ins.keyword == "ENTRYPOINT" and not cmd_in_stage:
                config.cmd = None  # Docker: ENTRYPOINT resets a CMD inherited from the base
            cmd_in_stage = cmd_in_stage or ins.keyword == "CMD"
            _apply(config, ins, variables)
    return config


def _apply(config: ImageConfig, ins: Instruction, variables: dict[str, str]) -> None:
    text = substitute(ins.text, variables) if ins.keyword in EXPANDED else ins.text
    if ins.keyword in {"ARG", "ENV"}:
        for name, value in parse_assignments(text, ins.keyword):
            if ins.keyword == "ENV":
                config.env[name] = value
                variables[name] = value
            else:
                variables.setdefault(name, value)
    elif ins.keyword == "USER":
        config.user = Located(text.strip(), *ins.locate(ins.text.strip()))
    elif ins.keyword == "WORKDIR":
        config.workdir = str(Path(config.workdir, text.strip()))
    elif ins.keyword == "EXPOSE":
        for word in text.split():
            port = word.split("/")[0]
            if port.isdigit():
                config.exposed.append((int(port), Located(word, *ins.locate(word))))
    elif ins.keyword in {"COPY", "ADD"}:
        words = [w for w in _exec_or_split(ins, text) if not w.startswith("--")]
        if len(words) >= 2 and "--from" not in text:
            dest = words[-1]
            if not dest.startswith("/"):
                dest = str(Path(config.workdir, dest)) + ("/" if dest.endswith("/") else "")
            config.copies.append((words[:-1], dest, ins.line))
    elif ins.keyword == "RUN":
        config.runs.append(ins)
    elif ins.keyword == "SHELL" and ins.exec_form:
        config.shell = ins.exec_form
    elif ins.keyword in {"CMD", "ENTRYPOINT"}:
        argv = ins.exec_form
        if argv is None:
            argv = [*config.shell, ins.text]  # shell form, run by the SHELL in force
        if ins.keyword == "CMD":
            config.cmd = argv
        else:
            config.entrypoint = argv
        config.start_line = ins.line


def _exec_or_split(ins: Instruction, text: str) -> list[str]:
    try:
        value = json.loads(text)
    except ValueError:
        return text.split()
    return [str(v) for v in value] if isinstance(value, list) else text.split()
