"""``deploykit probe URL``: a running custom-image server checked as the platform will.

Parses options into :class:`deploykit.probe.ProbeOptions`, calls ``probe``, renders the
report like ``validate`` and returns 0 (nothing at ``--fail-on``), 1 (findings) or 2 (a bad
URL, ``--data`` that is not JSON, a ``--run`` command that cannot start).
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from deploykit import facts
from deploykit.cli import _console
from deploykit.cli._exit import ExitCode
from deploykit.errors import ConfigError

FORMATS = ("text", "json", "sarif", "junit", "github")  # deploykit.render.FORMATS
PLATFORMS = ("modelarts", "eas")
FAIL_ON = ("error", "warning", "never")


def probe_command(
    url: Annotated[str, typer.Argument(help="The server, e.g. http://127.0.0.1:8080",
                                       show_default=False)],
    platform: Annotated[str, typer.Option(help="modelarts | eas", metavar="PLATFORM")] = (
        "modelarts"
    ),
    timeout: Annotated[float, typer.Option(
        help="Seconds per request, and for a --run server to come up.", metavar="S")] = 10.0,
    health_path: Annotated[
        str, typer.Option(help="The health API.", metavar="PATH")
    ] = facts.MODELARTS_HEALTH_PATH,
    path: Annotated[str, typer.Option(help="The inference API (config.json apis[].url).",
                                      metavar="PATH")] = "/",
    data: Annotated[str, typer.Option(help="JSON body of the sample inference request.",
                                      metavar="JSON")] = "{}",
    run: Annotated[
        Optional[str],  # noqa: UP045 - typer reads this annotation at runtime on 3.10
        typer.Option(help='Start the server with this command (e.g. "sh run.sh"), probe it, '
                     "then SIGTERM it and check it exits gracefully.", metavar="CMD"),
    ] = None,
    sigterm_wait: Annotated[float, typer.Option(
        help="Seconds the server must keep serving after SIGTERM (seeds: 60).", metavar="S")] = 60,
    sigterm_limit: Annotated[float, typer.Option(
        help="Seconds within which it must exit after SIGTERM (seeds: 90).", metavar="S")] = 90,
    fmt: Annotated[str, typer.Option("--format", help="text | json | sarif | junit | github",
                                     metavar="FORMAT")] = "text",
    fail_on: Annotated[str, typer.Option(help="Exit 1 on findings at or above: error | warning "
                                         "| never.", metavar="LEVEL")] = "error",
) -> None:
    """Check a running custom-image server as the platform will: health API, an inference
    request, HTTP keep-alive and (with --run) a graceful exit on SIGTERM."""
    import json

    from deploykit.diagnostics import Severity
    from deploykit.probe import ProbeOptions, Window, probe
    from deploykit.render import render

    for name, value, allowed in (("--platform", platform, PLATFORMS), ("--format", fmt, FORMATS),
                                 ("--fail-on", fail_on, FAIL_ON)):
        if value not in allowed:
            raise ConfigError(f"{name} {value!r} is not one of {', '.join(allowed)}",
                              hint=f"use {name} {allowed[0]}")
    try:
        payload = json.loads(data)
    except json.JSONDecodeError as err:
        raise ConfigError(f"--data is not JSON: {err.msg}",
                          hint="e.g. --data '{\"input\": 1}'") from None
    if sigterm_limit < sigterm_wait:
        raise ConfigError("--sigterm-limit is shorter than --sigterm-wait",
                          hint="the exit ends after the wait: e.g. --sigterm-wait 60 "
                          "--sigterm-limit 90")
    options = ProbeOptions(platform=platform, timeout=timeout, health_path=health_path,
                           inference_path=path, payload=payload, run=run,
                           window=Window(sigterm_wait, sigterm_limit))
    if run:
        _console.note(f"starting: {run.split()[0]} ...")  # arguments may hold a token
    report = probe(url, options)
    _console.out(render(report, fmt).rstrip("\n"))
    threshold = None if fail_on == "never" else Severity(fail_on)
    raise SystemExit(int(ExitCode.FINDINGS if report.fails(threshold) else ExitCode.OK))


def register(app: typer.Typer) -> None:
    app.command("probe")(probe_command)
