"""What a container runs when it starts: CMD/ENTRYPOINT, followed into ``run.sh``.

The commands come with the file their line numbers refer to (the Dockerfile for an
exec- or shell-form CMD, ``run.sh`` once the CMD hands over to it), so every finding on a
server command line is reported at ``file:line``.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from deploykit import facts
from deploykit.images.dockerfile import (
    ImageConfig,
    find_dockerfile,
    image_config,
    read_dockerfile,
)
from deploykit.images.server import ServerLaunch, apply_gunicorn_config, recognise
from deploykit.images.shell import SHELLS, Command, Script, parse_script


@dataclass
class Start:
    """The start command as the platform runs it, and the script it hands over to."""

    file: Path  # the file ``commands`` are located in
    commands: list[Command] = field(default_factory=list)
    script: Script | None = None  # set when the commands are a run.sh
    missing: str | None = None  # a script the CMD runs that is not in the build context

    def launches(self, variables: dict[str, str], config: ImageConfig,
                 context: Path) -> list[ServerLaunch]:
        """The servers the commands start, with gunicorn's config file read where one is."""
        found = [launch for launch in (recognise(c, variables) for c in self.commands) if launch]
        for launch in found:
            if launch.program != "gunicorn":
                continue
            name = (launch.config_file or "gunicorn.conf.py").removeprefix("file:")
            if name.startswith("python:"):
                continue  # a module on sys.path: not a file we can find
            source = context_file(name, config, context)
            if source is not None:
                apply_gunicorn_config(launch, source, variables)
        return found


@dataclass(frozen=True)
class StartCommand:
    """What a container starts with, as its Dockerfile says (ENTRYPOINT and CMD combined),
    and where: for a converter that must state it where the image's own one is not used."""

    argv: tuple[str, ...]
    dockerfile: Path
    line: int | None

    @property
    def script(self) -> str | None:
        """The shell text of a shell-form command (``/bin/sh -c "<text>"``), else None."""
        return shell_text(list(self.argv))

    def as_shell_line(self) -> str:
        """The command as one line a shell runs the same way."""
        return self.script if self.script is not None else shlex.join(self.argv)


def start_command(dockerfile: Path) -> StartCommand:
    """The start command of ``dockerfile`` (``argv`` is empty when it sets none)."""
    config = image_config(read_dockerfile(dockerfile))
    return StartCommand(tuple(config.argv), dockerfile, config.start_line)


def start_command_beside(spec: Path) -> StartCommand | None:
    """The start command of the Dockerfile beside ``spec``; in a ModelArts model package,
    where config.json sits in ``model/``, also the one beside that directory. None when no
    Dockerfile is there."""
    folders = [spec.parent]
    if spec.parent.name == facts.MODELARTS_MODEL_DIR:
        folders.append(spec.parent.parent)
    for folder in folders:
        dockerfile = find_dockerfile(folder)
        if dockerfile is not None:
            return start_command(dockerfile)
    return None


def shell_text(argv: list[str]) -> str | None:
    """The script ``argv`` hands to a shell (``bash -o pipefail -c "<text>"``), if it does."""
    if len(argv) >= 3 and argv[0] in SHELLS and argv[-2] == "-c":
        return argv[-1]
    return None


def resolve_start(config: ImageConfig, dockerfile: Path, lines: list[str]) -> Start:
    """Follow CMD/ENTRYPOINT: a shell-form command is read as a script; ``sh /home/run.sh``
    (or ``/home/run.sh``) is followed into the run.sh the Dockerfile copies there."""
    start = Start(dockerfile)
    argv = config.argv
    if not argv:
        return start
    line = config.start_line or 1
    text = lines[line - 1] if 0 < line <= len(lines) else " ".join(argv)
    shell_form = shell_text(argv)
    if shell_form is not None:
        start.commands = parse_script(shell_form, first_line=line).commands
        start.commands = [_relocated(c, text) for c in start.commands]
    else:
        start.commands = [Command(tuple(argv), line, text)]
    script = _script_path(start.commands)
    if script is None:
        return start
    local = context_file(script, config, dockerfile.parent)
    if local is None:
        start.missing = script
        return start
    try:
        body = local.read_text(encoding="utf-8", errors="replace")
    except OSError:
        start.missing = script
        return start
    start.file, start.script = local, parse_script(body)
    start.commands = start.script.commands
    return start


def context_file(path: str, config: ImageConfig, context: Path) -> Path | None:
    """The build-context file that COPY/ADD put at ``path`` in the image, if we can tell."""
    wanted = PurePosixPath(path if path.startswith("/") else f"{config.workdir}/{path}")
    for sources, dest, _ in reversed(config.copies):
        for source in sources:
            local = context / source
            target = PurePosixPath(dest)
            into_dir = dest.endswith("/") or len(sources) > 1 or local.is_dir()
            if local.is_dir():
                try:
                    relative = wanted.relative_to(target)
                except ValueError:
                    continue
                found = local / relative
            elif wanted == (target / PurePosixPath(source).name if into_dir else target):
                found = local
            else:
                continue
            if found.is_file():
                return found
    beside = context / wanted.name  # not copied where we can see: the file beside the Dockerfile
    return beside if beside.is_file() else None


def _script_path(commands: list[Command]) -> str | None:
    for command in commands:
        words = command.program
        if words and words[0] in SHELLS:
            words = [w for w in words[1:] if not w.startswith("-")]
        if words and words[0].endswith(".sh"):
            return words[0]
    return None


def _relocated(command: Command, text: str) -> Command:
    """A command from a shell-form CMD, with the Dockerfile line as its text (for columns)."""
    return Command(command.words, command.line, text, command.redirects, command.assignments,
                   command.background, command.function)
