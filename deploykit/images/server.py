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

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from deploykit.images.shell import Command, expand


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
    config_file: str | None = None  # gunicorn -c FILE (else ./gunicorn.conf.py is read)
    explicit: frozenset[str] = frozenset()  # settings the command line gives: they win


def recognise(command: Command, variables: dict[str, str]) -> ServerLaunch | None:
    """The server ``command`` starts (gunicorn, uvicorn, flask run, python x.py), else None."""
    words = command.program
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
    given = {
        "bind": options.bind + options.host + options.port, "keepalive": options.keepalive,
        "worker": options.worker, "graceful": options.graceful, "logs": options.log_files,
    }
    launch.explicit = frozenset(k for k, names in given.items() if _last(values, names))
    config_file = _last(values, ("-c", "--config"))
    launch.config_file = expand(config_file, variables) if config_file else None
    return launch


def apply_gunicorn_config(launch: ServerLaunch, path: Path, variables: dict[str, str]) -> None:
    """Settings from a gunicorn config file, where the command line does not set them
    (gunicorn docs, "Configuration Overview": the command line wins over the file).
    A setting whose value is not a constant makes what it sets unknown, never guessed."""
    settings = _assignments(path)
    options = SERVERS["gunicorn"]
    if "bind" in settings and "bind" not in launch.explicit:
        value = settings["bind"]
        binds = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        launch.listens = [_listen(b, variables, options, word=b) for b in binds
                          if isinstance(b, str)]
    if "worker_class" in settings and "worker" not in launch.explicit:
        worker = settings["worker_class"]
        launch.worker = worker.rsplit(".", 1)[-1].lower() if isinstance(worker, str) else ""
        launch.worker = "gevent" if "gevent" in launch.worker else launch.worker
    if "keepalive" in settings and "keepalive" not in launch.explicit:
        launch.keepalive = _number(str(settings["keepalive"]))
    if "graceful_timeout" in settings and "graceful" not in launch.explicit:
        launch.graceful = _number(str(settings["graceful_timeout"])) or options.default_graceful
    if "logs" not in launch.explicit:
        launch.log_files += [(f"{key} ({path.name})", str(settings[key]))
                             for key in ("accesslog", "errorlog")
                             if isinstance(settings.get(key), str)]


_UNKNOWN = object()  # a config setting whose value is an expression, not a constant


def _assignments(path: Path) -> dict[str, object]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return {}
    found: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                value = _literal(node.value)
                found[target.id] = _UNKNOWN if value is None else value
    return found


def python_listen(path: Path, variables: dict[str, str]) -> list[tuple[Listen, int]]:
    """Where a Python server listens, read from its source (never run), with line numbers:

    - ``app.run(host="0.0.0.0", port=8000)``: Flask and ``uvicorn.run``, both of which bind
      127.0.0.1 when ``host`` is not given (seeds/004's Flask sample passes 0.0.0.0);
    - ``endpoint="0.0.0.0:8000"``: EAS allspark processors (seeds/004);
    - ``make_server("0.0.0.0", 8080, app)``: wsgiref;
    - ``os.environ.get("PORT", "8080")``: a port taken from the environment, with its default.
    """
    try:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return []
    found: list[tuple[Listen, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found.extend((listen, node.lineno) for listen in _call_listens(node, variables))
    return found


def _call_listens(call: ast.Call, variables: dict[str, str]) -> list[Listen]:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else (
        call.func.id if isinstance(call.func, ast.Name) else "")
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    args = [_literal(a) for a in call.args]
    if name in {"get", "getenv"} and len(args) == 2 and "PORT" in str(args[0]).upper():
        variable, default = str(args[0]), str(args[1])
        value = variables.get(variable) or default
        return [Listen(ANY_ADDRESS, _port(value), variable, variable)]
    if "endpoint" in keywords and isinstance(_literal(keywords["endpoint"]), str):
        endpoint = str(_literal(keywords["endpoint"]))
        host, _, port = endpoint.rpartition(":")
        return [Listen(host or ANY_ADDRESS, _port(port), endpoint)]
    if name == "run" and ("port" in keywords or "host" in keywords):
        given = _literal(keywords["host"]) if "host" in keywords else "127.0.0.1"
        bound = _literal(keywords["port"]) if "port" in keywords else None
        word = "port=" if "port" in keywords else "host="
        return [Listen(given if isinstance(given, str) else ANY_ADDRESS, _port(bound), word)]
    if name == "make_server" and len(args) >= 2 and isinstance(args[0], str):
        return [Listen(args[0] or ANY_ADDRESS, _port(args[1]), repr(args[0])[1:-1])]
    return []


def _literal(node: ast.expr) -> object:
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None  # not a constant: a variable or an expression


def _port(value: object) -> int | None:
    text = str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    return int(text) if text.isdigit() else None


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
