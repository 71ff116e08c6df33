"""The typer application: parse → call the library → render → exit code.

Each command group lives in its own module with a ``register(app)`` function; errors become
exit codes only in :func:`main` (via ``_exit.exit_code_for``), never inside commands.
"""

from __future__ import annotations

import gc
import importlib
import sys

import typer

from deploykit.cli import _console
from deploykit.cli._exit import ExitCode, exit_code_for
from deploykit.errors import DeployKitError

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
    "config": "deploykit.cli.config",
    "emulator": "deploykit.cli.emulator",
    "probe": "deploykit.cli.probe",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))


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


def _group() -> None:
    pass  # the group's help is the app's `help` above


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the app and maps every outcome to a documented exit code."""
    args = sys.argv[1:] if argv is None else argv
    app = build_app(args)
    try:
        # With standalone_mode=False, click *returns* the code of typer.Exit and of Ctrl-C
        # (as 1 for Abort) instead of raising SystemExit; a command's own return value too.
        returned = app(args=args, standalone_mode=False)
    except DeployKitError as err:
        _console.error(err)
        return int(exit_code_for(err))
    except KeyboardInterrupt:
        _console.note("interrupted")
        return int(ExitCode.INTERRUPTED)
    except SystemExit as done:  # typer.Exit and click's own exits
        return done.code if isinstance(done.code, int) else int(ExitCode.USAGE)
    except Exception as err:  # the last line of defence: never a traceback
        return _internal_error(err)
    return returned if isinstance(returned, int) else int(ExitCode.OK)


def _internal_error(err: Exception) -> int:
    # typer vendors its own click: its usage errors derive from the public TyperException.
    if isinstance(err, typer.Exit):
        return int(err.exit_code)
    if isinstance(err, typer.Abort):
        _console.note("aborted")
        return int(ExitCode.INTERRUPTED)
    if isinstance(err, typer.TyperException):
        show = getattr(err, "show", None)
        if callable(show):
            show()
        else:
            _console.error(str(err))
        return int(ExitCode.USAGE)
    _console.note(
        f"error: internal error in deploykit ({type(err).__name__}: {err}); "
        "this is a bug, please report it with the command that caused it"
    )
    return int(ExitCode.INTERNAL)


def run() -> None:
    code = main()
    # The process ends here. Its last act would be a full collection over everything start-up
    # built (typer, pydantic, the models), none of it garbage: frozen objects are skipped.
    # Measured: 5% of a cold `deploykit validate`'s instructions (issue #12, "Speed").
    gc.freeze()
    sys.exit(code)
