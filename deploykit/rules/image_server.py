"""Which server a command starts, and what its command line says about the platform's needs.

The options of each server are data (:data:`SERVERS`): adding a framework is one entry.
Defaults are the frameworks' own, from their settings documentation:

- gunicorn (docs.gunicorn.org, settings): bind ``127.0.0.1:8000`` — or ``0.0.0.0:$PORT``
  when ``PORT`` is set; worker class ``sync``, which "does not support persistent
  connections and will ignore" ``--keep-alive``; ``--graceful-timeout`` 30 s; logs to
  stderr unless ``--log-file``/``--error-logfile``/``--access-logfile`` name a file
  (``-`` is standard output/error).
- uvicorn (uvicorn.org, settings): ``--host 127.0.0.1 --port 8000``,
  ``--timeout-keep-alive 5``; ``--timeout-graceful-shutdown`` unset means it waits for
  every connection, without a bound.
- ``flask run`` (flask.palletsprojects.com, CLI): ``--host 127.0.0.1 --port 5000``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from deploykit.rules.image_shell import Command, expand


@dataclass(frozen=True)
class ServerOptions:
    """How one framework's command line names the things the checks look at."""

    bind: tuple[str, ...] = ()  # HOST:PORT options
    host: tuple[str, ...] = ()
    port: tuple[str, ...] = ()
    default_host: str = "127.0.0.1"
    default_port: int = 8000
    keepalive: tuple[str, ...] = ()
    default_keepalive: float | None = None
    worker: tuple[str, ...] = ()
    default_worker: str = ""
    graceful: tuple[str, ...] = ()
    default_graceful: float | None = None  # None: no bound
    log_files: tuple[str, ...] = ()


SERVERS: dict[str, ServerOptions] = {
    "gunicorn": ServerOptions(
        bind=("-b", "--bind"), default_port=8000, keepalive=("--keep-alive",),
        default_keepalive=2, worker=("-k", "--worker-class"), default_worker="sync",
        graceful=("--graceful-timeout",), default_graceful=30,
        log_files=("--log-file", "--error-logfile", "--access-logfile"),
    ),
    "uvicorn": ServerOptions(
        host=("--host",), port=("--port",), default_port=8000,
        keepalive=("--timeout-keep-alive",), default_keepalive=5,
        graceful=("--timeout-graceful-shutdown",),
    ),
    "flask": ServerOptions(host=("-h", "--host"), port=("-p", "--port"), default_port=5000),
}
# gunicorn's sync worker ignores --keep-alive (gunicorn settings, "keepalive").
NO_KEEPALIVE_WORKERS = frozenset({"sync"})
_PYTHON = re.compile(r"^python[0-9.]*$")
ANY_ADDRESS = "0.0.0.0"  # noqa: S104 - an address we read in a command line, not one we bind


@dataclass(frozen=True)
class Listen:
    host: str
    port: int | None  # None: not a number after expansion (e.g. an unset variable)
    word: str  # what to point at in the command line
    from_variable: str | None = None  # the variable the port came from, e.g. "PORT"


@dataclass
class ServerLaunch:
    """A server started by a command, with what its options resolve to."""

    program: str
    command: Command
    listens: list[Listen] = field(default_factory=list)
    keepalive: float | None = None
    worker: str = ""
    graceful: float | None = None
    log_files: list[tuple[str, str]] = field(default_factory=list)  # (option, path)
    script: str | None = None  # `python app.py`: the file that picks the port


def recognise(command: Command, variables: dict[str, str]) -> ServerLaunch | None:
    """The server ``command`` starts (gunicorn, uvicorn, flask run, python x.py), else None."""
    words = list(command.words)
    if words and words[0] in {"exec", "nohup"}:
        words = words[1:]
    if not words:
        return None
    program = words[0].rsplit("/", 1)[-1]
    args = words[1:]
    if _PYTHON.match(program) and args[:1] == ["-m"] and len(args) >= 2:
        program, args = args[1], args[2:]
    elif _PYTHON.match(program):
        script = next((a for a in args if a.endswith(".py")), None)
        if script is None:
            return None
        return ServerLaunch("python", command, script=expand(script, variables))
    if program == "flask" and "run" not in args:
        return None
    options = SERVERS.get(program)
    if options is None:
        return None
    return _launch(program, options, command, args, variables)


def _launch(
    program: str,
    options: ServerOptions,
    command: Command,
    args: list[str],
    variables: dict[str, str],
) -> ServerLaunch:
    values = _option_values(args)
    launch = ServerLaunch(program, command)
    host = _last(values, options.host)
    port = _last(values, options.port)
    for raw in [v for o in options.bind for v in values.get(o, [])]:
        launch.listens.append(_listen(raw, variables, options))
    if options.host or options.port:
        raw = f"{host or options.default_host}:{port or options.default_port}"
        launch.listens.append(_listen(raw, variables, options, word=port or host or program))
    if not launch.listens and program == "gunicorn":
        # gunicorn binds 0.0.0.0:$PORT when PORT is set, else 127.0.0.1:8000.
        default = "0.0.0.0:$PORT" if variables.get("PORT") else "127.0.0.1:8000"
        launch.listens.append(_listen(default, variables, options, word=program))
    keepalive = _last(values, options.keepalive)
    launch.keepalive = _number(expand(keepalive, variables)) if keepalive else (
        options.default_keepalive
    )
    launch.worker = expand(_last(values, options.worker) or options.default_worker, variables)
    graceful = _last(values, options.graceful)
    launch.graceful = _number(expand(graceful, variables)) if graceful else (
        options.default_graceful
    )
    launch.log_files = [
        (o, expand(v, variables)) for o in options.log_files for v in values.get(o, [])
    ]
    return launch


def python_listen(path: Path, variables: dict[str, str]) -> list[tuple[Listen, int]]:
    """Ports a Python server picks in its source, with their line numbers:
    ``app.run(host=..., port=8000)`` (seeds/004 Flask sample),
    ``endpoint='0.0.0.0:8000'`` (seeds/004 allspark sample), and
    ``os.environ.get("PORT", "8080")``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        for match in re.finditer(r"environ\.get\(\s*['\"](\w+)['\"]\s*,\s*['\"]?(\d+)", line):
            name, default = match.groups()
            value = variables.get(name) or default
            port = int(value) if value.isdigit() else None
            found.append((Listen(ANY_ADDRESS, port, match.group(0), name), number))
        for match in re.finditer(r"\.run\(.*?\bport\s*=\s*(\d+)|endpoint\s*=\s*['\"][^'\"]*:(\d+)",
                                 line):
            digits = match.group(1) or match.group(2)
            found.append((Listen(ANY_ADDRESS, int(digits), digits), number))
    return found


def _listen(raw: str, variables: dict[str, str], options: ServerOptions, word: str = "") -> Listen:
    variable = re.search(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", raw)
    value = expand(raw, variables)
    if value.startswith("unix:"):
        return Listen(value, None, word or raw)
    host, sep, port = value.rpartition(":")
    if not sep:
        host, port = value, str(options.default_port)
    number = int(port) if port.isdigit() else None
    return Listen(host.strip("[]") or ANY_ADDRESS, number, word or raw,
                  variable.group(1) if variable else None)


def _option_values(args: list[str]) -> dict[str, list[str]]:
    """``-b x``, ``--bind x`` and ``--bind=x`` → {"-b": ["x"], "--bind": ["x"]}."""
    values: dict[str, list[str]] = {}
    index = 0
    while index < len(args):
        arg = args[index]
        if arg.startswith("--") and "=" in arg:
            name, _, value = arg.partition("=")
            values.setdefault(name, []).append(value)
        elif arg.startswith("-") and index + 1 < len(args) and not args[index + 1].startswith("-"):
            values.setdefault(arg, []).append(args[index + 1])
            index += 1
        index += 1
    return values


def _last(values: dict[str, list[str]], names: tuple[str, ...]) -> str | None:
    found = [v for n in names for v in values.get(n, [])]
    return found[-1] if found else None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
