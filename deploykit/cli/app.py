"""The typer application: parse → call the library → render → exit code.

Each command group lives in its own module with a ``register(app)`` function; errors become
exit codes only in :func:`main` (via ``_exit.exit_code_for``), never inside commands.
"""

from __future__ import annotations

import gc
import importlib
import itertools
import sys
from typing import Annotated

import typer

import deploykit
from deploykit.cli import _console
from deploykit.cli._exit import ExitCode, deploykit_error_event, error_event, exit_code_for
from deploykit.errors import ConfigError, DeployKitError

# Each command, and the module whose register(app) adds it, in `--help` order. Only the
# module of the command being run is imported and registered: building all 17 commands costs
# a cold `deploykit validate` ~25 ms of its budget (issue #2, benchmarks/bench_validate.py).
# Modules stay light: heavy imports (httpx, tenacity, uvicorn) happen inside the commands.
COMMANDS = {
    "validate": "deploykit.cli.validate",
    "rules": "deploykit.cli.validate",
    "schema": "deploykit.cli.validate",
    "convert": "deploykit.cli.convert",
    **dict.fromkeys(
        ("create", "modify", "desc", "ls", "start", "stop", "delete", "scale", "apply", "plan"),
        "deploykit.cli.deploy",
    ),
    **dict.fromkeys(
        ("events", "instances", "w", "logs", "versions", "rollback", "restart", "invoke"),
        "deploykit.cli.service_ops",
    ),
    "config": "deploykit.cli.config",
    "emulator": "deploykit.cli.emulator",
    "probe": "deploykit.cli.probe",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))
# The modules of the commands that take the shared deploy options (`cli._deploy_options`).
DEPLOY_MODULES = ("deploykit.cli.deploy", "deploykit.cli.service_ops")


def build_app(args: list[str] | None = None) -> typer.Typer:
    """The app with the commands ``args`` can run: the one it names, or all of them (for
    ``--help``, no command, or a command that does not exist: typer says which exist)."""
    app = typer.Typer(
        name="deploykit",
        help="Validate, convert, deploy and probe model services on PAI-EAS and ModelArts.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    # A callback keeps the app a group even when one module adds a single command (probe):
    # without it, typer would run that command directly and read `probe` as its argument.
    app.callback()(_group)
    named = COMMANDS.get(args[0]) if args else None
    for name in (named,) if named else COMMAND_MODULES:
        importlib.import_module(name).register(app)
    return app


def _version(shown: bool) -> None:
    if shown:
        _console.out(f"deploykit {deploykit.__version__}")
        raise typer.Exit()


def _group(
    version: Annotated[
        bool,
        typer.Option("--version", is_eager=True, callback=_version,
                     help="Print the version and exit."),
    ] = False,
) -> None:
    pass  # the group's help is the app's `help` above


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the app and maps every outcome to a documented exit code."""
    args = sys.argv[1:] if argv is None else argv
    app = build_app(args)
    json_errors = _errors_as_json(args)
    try:
        # With standalone_mode=False, click *returns* the code of typer.Exit and of Ctrl-C
        # (as 1 for Abort) instead of raising SystemExit; a command's own return value too.
        returned = app(args=args, standalone_mode=False)
    except DeployKitError as err:
        return _failed(err, json_errors)
    except UnicodeEncodeError as err:
        # The last line of defence for text no request or terminal can carry: a lone
        # surrogate, from an argument or a file that is not UTF-8 (issue #13).
        culprit = ascii(err.object[err.start : err.end])
        return _failed(ConfigError(
            f"{culprit} is not valid Unicode text (a lone surrogate, e.g. from bytes that are "
            "not UTF-8), so it cannot be sent or printed",
            hint="use names and values that are valid UTF-8 text",
        ), json_errors)
    except KeyboardInterrupt:
        _console.note("interrupted")
        return _interrupted(json_errors)
    except SystemExit as done:  # typer.Exit and click's own exits
        code = done.code if isinstance(done.code, int) else int(ExitCode.USAGE)
        # A command's own Ctrl-C handling (deploy's) has said "interrupted" already.
        return _interrupted(json_errors) if code == ExitCode.INTERRUPTED else code
    except Exception as err:  # the last line of defence: never a traceback
        return _internal_error(err, json_errors)
    return returned if isinstance(returned, int) else int(ExitCode.OK)


def _failed(err: DeployKitError, json_errors: bool) -> int:
    _console.error(err)
    if json_errors:
        _console.out(deploykit_error_event(err))
    return int(exit_code_for(err))


def _errors_as_json(args: list[str]) -> bool:
    """Whether a failure is also reported on stdout as a JSON event: deploy commands with
    ``--format json`` (validate, convert and probe keep their documented documents)."""
    if not args or COMMANDS.get(args[0]) not in DEPLOY_MODULES:
        return False
    return "--format=json" in args or ("--format", "json") in itertools.pairwise(args)


def _interrupted(json_errors: bool) -> int:
    if json_errors:
        _console.out(error_event(ExitCode.INTERRUPTED, "Interrupted", "interrupted"))
    return int(ExitCode.INTERRUPTED)


def _internal_error(err: Exception, json_errors: bool) -> int:
    # typer vendors its own click: its usage errors derive from the public TyperException.
    if isinstance(err, typer.Exit):
        return int(err.exit_code)
    if isinstance(err, typer.Abort):
        _console.note("aborted")
        return _interrupted(json_errors)
    if isinstance(err, typer.TyperException):
        show = getattr(err, "show", None)
        if callable(show):
            show()
        else:
            _console.error(str(err))
        if json_errors:
            message = getattr(err, "format_message", lambda: str(err))()
            _console.out(error_event(ExitCode.USAGE, "UsageError", str(message)))
        return int(ExitCode.USAGE)
    message = (
        f"internal error in deploykit ({type(err).__name__}: {err}); "
        "this is a bug, please report it with the command that caused it"
    )
    _console.note(f"error: {message}")
    if json_errors:
        _console.out(error_event(ExitCode.INTERNAL, "InternalError", message))
    return int(ExitCode.INTERNAL)


def run() -> None:
    code = main()
    # The process ends here. Its last act would be a full collection over everything start-up
    # built (typer, pydantic, the models), none of it garbage: frozen objects are skipped.
    # Measured: 5% of a cold `deploykit validate`'s instructions (issue #12, "Speed").
    gc.freeze()
    sys.exit(code)
