"""``deploykit convert INPUT --to eas|modelarts``: parse options, call
:func:`deploykit.conversion.convert`, print the converted spec and the loss report, exit.

stdout carries the result only (the converted JSON, or with ``--format json`` one document
with the diagnostics and the output), so ``deploykit convert a.json --to eas > b.json`` works;
the loss report goes to stderr.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from deploykit.cli import _console
from deploykit.cli._exit import ExitCode
from deploykit.errors import ConfigError

if TYPE_CHECKING:
    from deploykit.conversion import ConversionResult
    from deploykit.diagnostics import Report

TARGETS = ("eas", "modelarts")
SOURCES = ("auto", "eas", "modelarts")
FORMATS = ("text", "json")

# Typer reads these annotations at runtime on Python 3.10, hence Optional (UP045 ignored).
_Str = Optional[str]  # noqa: UP045
_Int = Optional[int]  # noqa: UP045

HELP = """Convert a ModelArts config.json to an EAS service JSON, or back, and say exactly
what could not be carried over.

The converted JSON goes to stdout (or -o FILE); the loss report goes to stderr (with
--format json, one document on stdout holds both: the diagnostics, as `validate --format
json` prints them, and the converted spec under "output").

Every finding points at the field of INPUT it concerns. Warnings CNV001, CNV002 and CNV009
are losses (a field dropped or a value changed); CNV004, CNV005, CNV008 warn about what you
must change; info lines say which default was written (override it with an option).

To EAS, the start command is --command or --script; without them it is the CMD/ENTRYPOINT
of a Dockerfile beside INPUT (or beside its `model/` directory), and the report says so.

Nothing is ever written when the exit code is 1, so no existing file is replaced by a
conversion you cannot use.

\b
Exit codes:
  0  converted and written (losses, if any, are in the report)
  1  an error-level conflict, or a loss with --fail-on-loss; nothing written.
     CNV003: a ModelArts image listens on 8080, which EAS reserves; make the
     image listen elsewhere and pass --port N.
     CNV007: the target needs what neither INPUT nor an option gives (EAS:
     --image, --command or --script).
     CNV012: the output would fail `deploykit validate` (the error is quoted).
  2  INPUT unreadable, OUTPUT exists without --force, or a bad option

-o writes the whole file or nothing (temporary file, fsync, rename).
"""


def convert_command(
    source: Annotated[
        str,
        typer.Argument(help="The spec to convert (JSON or YAML), or - for stdin.", metavar="INPUT"),
    ],
    to: Annotated[str, typer.Option("--to", help="eas | modelarts", metavar="PLATFORM")],
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", help="Write the converted spec here.", metavar="OUTPUT"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace OUTPUT if it exists.")] = False,
    fail_on_loss: Annotated[
        bool, typer.Option("--fail-on-loss", help="Exit 1 (writing nothing) on any loss.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="text | json", metavar="FORMAT")] = "text",
    from_: Annotated[
        str,
        typer.Option(
            "--from", help="auto | eas | modelarts (INPUT's platform)", metavar="PLATFORM"
        ),
    ] = "auto",
    stdin_filename: Annotated[
        _Str, typer.Option(help="The name to report for input read from -.", metavar="NAME")
    ] = None,
    name: Annotated[_Str, typer.Option(help="EAS metadata.name.", metavar="NAME")] = None,
    instance: Annotated[
        _Int, typer.Option(help="EAS metadata.instance.", min=1, metavar="N")
    ] = None,
    cpu: Annotated[_Int, typer.Option(help="EAS metadata.cpu (cores).", min=1, metavar="N")] = None,
    memory: Annotated[
        _Int, typer.Option(help="EAS metadata.memory (MB).", min=1, metavar="MB")
    ] = None,
    command: Annotated[_Str, typer.Option(help="EAS containers[0].command.", metavar="CMD")] = None,
    script: Annotated[
        _Str, typer.Option(help="EAS containers[0].script.", metavar="SCRIPT")
    ] = None,
    env: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            help="EAS containers[0].env entry NAME=VALUE (repeatable).", metavar="NAME=VALUE"
        ),
    ] = None,
    image: Annotated[
        _Str,
        typer.Option(help="EAS containers[0].image / ModelArts swr_location.", metavar="IMAGE"),
    ] = None,
    port: Annotated[
        _Int,
        typer.Option(help="The port the image listens on (EAS: not 8080/9090).", metavar="PORT"),
    ] = None,
    model_algorithm: Annotated[
        _Str, typer.Option(help="ModelArts model_algorithm.", metavar="NAME")
    ] = None,
) -> None:
    to = _choice("--to", to, TARGETS)
    from_ = _choice("--from", from_, SOURCES)
    fmt = _choice("--format", fmt, FORMATS)

    from deploykit.conversion import Overrides, convert_target
    from deploykit.loading import Target

    overrides = Overrides(
        name=name,
        instance=instance,
        cpu=cpu,
        memory=memory,
        command=command,
        script=script,
        env=_env_pairs(env or []),
        image=image,
        port=port,
        model_algorithm=model_algorithm,
    )
    if output is not None and output.exists() and not force:
        # Refused before any work; write_whole checks again at the last moment.
        raise ConfigError(f"{output} exists; not overwritten", hint="pass --force to replace it")
    if source != "-" and Path(source).is_dir():
        raise ConfigError(f"{source} is a directory", hint="convert one file at a time")
    loaded, result = convert_target(
        Target(source, "spec"), to, overrides, platform=from_, stdin_name=stdin_filename
    )
    raise SystemExit(
        int(_finish(result, _report(loaded.path, result), output, force, fail_on_loss, fmt))
    )


def _finish(
    result: ConversionResult,
    report: Report,
    output: Path | None,
    force: bool,
    fail_on_loss: bool,
    fmt: str,
) -> ExitCode:
    refused = result.blocked or (fail_on_loss and bool(result.losses))
    converted = json.dumps(result.data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "text":
        from deploykit.render import render

        sys.stderr.write(render(report, "text", color=_wants_color()))
    if not refused and output is not None:
        from deploykit.conversion.output import write_whole

        write_whole(output, converted, force=force)
    if fmt == "json":
        document: dict[str, Any] = report.as_dict()
        document["output"] = None if refused else result.data
        _console.out(json.dumps(document, indent=2, ensure_ascii=False))
    elif not refused and output is None:
        sys.stdout.write(converted)
    _console.note(_summary(result, output, refused))
    return ExitCode.FINDINGS if refused else ExitCode.OK


def _report(path: str, result: ConversionResult) -> Report:
    from deploykit.diagnostics import FileReport, Report

    return Report([FileReport(path, result.source_platform, list(result.diagnostics))])


def _summary(result: ConversionResult, output: Path | None, refused: bool) -> str:
    losses = len(result.losses)
    head = (
        f"{result.source_platform} → {result.target_platform}: {losses} loss{'es' * (losses != 1)}"
    )
    if result.blocked:
        return f"{head}; nothing written: fix the error above and convert again"
    if refused:
        return f"{head}; nothing written (--fail-on-loss)"
    return f"{head}; wrote {output}" if output is not None else head


def _env_pairs(entries: list[str]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for entry in entries:
        key, sep, value = entry.partition("=")
        if not sep or not key:
            # The value is not echoed: it may be a secret.
            raise ConfigError(
                "--env takes NAME=VALUE", hint="e.g. --env MODEL_DIR=/home/mind/model"
            )
        pairs.append((key, value))
    return tuple(pairs)


def _choice(option: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConfigError(
            f"{option} {value!r} is not one of {', '.join(allowed)}",
            hint=f"use {option} {allowed[0]}",
        )
    return value


def _wants_color() -> bool:
    # The report goes to stderr; https://no-color.org turns colour off.
    return sys.stderr.isatty() and not os.environ.get("NO_COLOR")


def register(app: typer.Typer) -> None:
    app.command("convert", help=HELP)(convert_command)
