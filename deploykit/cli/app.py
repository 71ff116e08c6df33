"""The typer application: parse → call the library → render → exit code.

Each command group lives in its own module with a ``register(app)`` function; errors become
exit codes only in :func:`main` (via ``_exit.exit_code_for``), never inside commands.
"""

from __future__ import annotations

import importlib
import sys

import typer

from deploykit.cli import _console
from deploykit.cli._exit import ExitCode, exit_code_for
from deploykit.errors import DeployKitError

# Command modules, each with register(app). Imported at start-up, so they must stay light:
# heavy imports (httpx, tenacity, uvicorn) happen inside the command functions.
COMMAND_MODULES = (
    "deploykit.cli.validate",  # validate, rules, schema
    "deploykit.cli.convert",  # convert
    "deploykit.cli.deploy",  # create, modify, desc, ls, start, stop, delete, scale, apply, plan
    "deploykit.cli.config",  # config
    "deploykit.cli.emulator",  # emulator serve
    "deploykit.cli.probe",  # probe
)


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="deploykit",
        help="Validate, convert, deploy and probe model services on PAI-EAS and ModelArts.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)
    return app


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs the app and maps every outcome to a documented exit code."""
    app = build_app()
    try:
        # With standalone_mode=False, click *returns* the code of typer.Exit and of Ctrl-C
        # (as 1 for Abort) instead of raising SystemExit; a command's own return value too.
        returned = app(args=argv, standalone_mode=False)
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
    sys.exit(main())
