"""``deploykit validate``, ``deploykit rules`` and ``deploykit schema`` (PRODUCT.md).

Each command parses its options into a plain object, calls one library function, renders and
returns an exit code, as check-jsonschema's command does. The library (loading, models, rules,
renderers) is imported inside the commands: this module is imported at every start-up of the
CLI, and a cold ``deploykit validate`` has a budget (issue #12: ≤ 1.3× a process validating
the file with one pydantic model; benchmarks/).

Choices (``--format``, ``--platform``, ``--fail-on``) are checked here rather than by click, so
a wrong value is our one-line cause and fix with exit 2, like every other usage error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from deploykit.cli import _console
from deploykit.cli._exit import ExitCode
from deploykit.errors import ConfigError
from deploykit.render import FORMATS  # the registry only: each renderer loads when used

if TYPE_CHECKING:
    from deploykit.diagnostics import Report, Severity

# PRODUCT.md "Command-line contract"; `image` checks a custom image (Dockerfile, run.sh).
PLATFORMS = ("auto", "eas", "modelarts", "image")
FAIL_ON = ("error", "warning", "never")
RULES_FORMATS = ("text", "json")
SCHEMA_PLATFORMS = ("eas", "modelarts")


def validate_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Spec files, directories (searched for *.json, *.yaml, *.yml) or - for stdin.",
            metavar="PATH",
            show_default=False,
        ),
    ],
    platform: Annotated[
        str, typer.Option(help="auto | eas | modelarts | image", metavar="PLATFORM")
    ] = "auto",
    fmt: Annotated[
        str,
        typer.Option("--format", help="text | json | sarif | junit | github", metavar="FORMAT"),
    ] = "text",
    strict: Annotated[
        bool, typer.Option("--strict", help="Report every warning as an error.")
    ] = False,
    select: Annotated[
        Optional[list[str]],  # noqa: UP045 - typer reads this annotation at runtime on 3.10
        typer.Option(
            help="Only these rule ids or prefixes, comma-separated (EAS1,DK001).", metavar="IDS"
        ),
    ] = None,
    ignore: Annotated[
        Optional[list[str]],  # noqa: UP045 - typer reads this annotation at runtime on 3.10
        typer.Option(help="Skip these rule ids or prefixes, comma-separated.", metavar="IDS"),
    ] = None,
    fail_on: Annotated[
        str,
        typer.Option(
            help="Exit 1 on findings at or above: error | warning | never.", metavar="LEVEL"
        ),
    ] = "error",
    stdin_filename: Annotated[
        Optional[str],  # noqa: UP045 - typer reads this annotation at runtime on 3.10
        typer.Option(help="The name to report for input read from - (stdin).", metavar="NAME"),
    ] = None,
    output: Annotated[
        Optional[Path],  # noqa: UP045 - typer reads this annotation at runtime on 3.10
        typer.Option(
            "--output",
            "-o",
            help="Write the report to this file instead of stdout.",
            metavar="FILE",
        ),
    ] = None,
) -> int:
    """Check EAS service specs, ModelArts config.json files and custom images: every problem
    at once, with file:line:column, a JSON pointer, a rule id and a fix.

    Exit 0 when nothing reaches --fail-on, 1 when something does, 2 when an input cannot be
    read or parsed (the other files are still checked and reported).
    """
    platform = _choice("--platform", platform, PLATFORMS)
    threshold = _fail_on(_choice("--fail-on", fail_on, FAIL_ON))
    fmt = _choice("--format", fmt, FORMATS)

    from deploykit.render import render
    from deploykit.validation import ValidateOptions, validate_paths

    options = ValidateOptions(
        platform=platform, strict=strict, select=_rule_ids(select), ignore=_rule_ids(ignore)
    )
    report = validate_paths(paths, options, stdin_name=stdin_filename)
    if not report.files:
        # Exit 0 like ruff, but said on stderr in every format: a mistyped directory in CI
        # should not pass unnoticed.
        _console.note("warning: no spec files (*.json, *.yaml, *.yml) or Dockerfiles found")
    color = fmt == "text" and output is None and _wants_color()
    _emit(render(report, fmt, color=color), output)
    return int(exit_code(report, threshold))  # app.main returns a command's int as the code


def exit_code(report: Report, fail_on: Severity | None) -> ExitCode:
    """PRODUCT.md "Exit codes": an unreadable input wins over findings."""
    if report.unreadable:
        return ExitCode.USAGE
    if report.fails(fail_on):
        return ExitCode.FINDINGS
    return ExitCode.OK


def rules_command(
    fmt: Annotated[str, typer.Option("--format", help="text | json", metavar="FORMAT")] = "text",
) -> None:
    """List every rule: id, severity, platform and a one-line summary."""
    from deploykit.diagnostics.registry import all_rules

    fmt = _choice("--format", fmt, RULES_FORMATS)
    rules = list(all_rules())
    if fmt == "json":
        import json

        document = {
            "version": 1,
            "rules": [
                {
                    "id": r.id,
                    "severity": r.severity.value,
                    "platform": r.platform,
                    "summary": r.summary,
                    "since": r.since,
                    "source": r.source,
                    "docs": r.docs_url,
                }
                for r in rules
            ],
        }
        _console.out(json.dumps(document, indent=2, ensure_ascii=False))
        return
    header = ("ID", "SEVERITY", "PLATFORM", "SUMMARY")
    rows = [header, *((r.id, r.severity.value, r.platform, r.summary) for r in rules)]
    width = [max(len(row[i]) for row in rows) for i in range(3)]
    for rid, severity, platform, summary in rows:
        _console.out(f"{rid:{width[0]}}  {severity:{width[1]}}  {platform:{width[2]}}  {summary}")


def schema_command(
    platform: Annotated[str, typer.Argument(help="eas | modelarts", metavar="PLATFORM")],
) -> None:
    """Print the JSON Schema of a platform's spec, identical to the file in specs/."""
    from deploykit.schema import render

    # render() is the text written to specs/, so the two are identical by construction.
    _console.out(render(_choice("platform", platform, SCHEMA_PLATFORMS)).removesuffix("\n"))


def register(app: typer.Typer) -> None:
    app.command("validate")(validate_command)
    app.command("rules")(rules_command)
    app.command("schema")(schema_command)


def _choice(option: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConfigError(
            f"{option} {value!r} is not one of {', '.join(allowed)}",
            hint=f"use {option} {allowed[0]}" if option.startswith("-") else None,
        )
    return value


def _rule_ids(values: list[str] | None) -> tuple[str, ...]:
    """``--select EAS1,DK001 --select IMG`` → ``("EAS1", "DK001", "IMG")``; ids are upper case."""
    return tuple(
        part.strip().upper() for value in values or () for part in value.split(",") if part.strip()
    )


def _fail_on(value: str) -> Severity | None:
    from deploykit.diagnostics import Severity

    return None if value == "never" else Severity(value)


def _wants_color() -> bool:
    # https://no-color.org: any non-empty NO_COLOR turns colour off.
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _emit(text: str, output: Path | None) -> None:
    # A path from a non-UTF-8 file system arrives with lone surrogates; show them escaped
    # rather than fail to print the whole report.
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if output is None:
        _console.out(text.removesuffix("\n"))
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as err:
        raise ConfigError(
            f"cannot write the report to {output}: {err.strerror or err}",
            hint="choose a writable path for -o/--output",
        ) from None
