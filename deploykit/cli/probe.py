"""``deploykit probe URL``: a running custom-image server checked as the platform will.

Parses options into :class:`deploykit.probe.ProbeOptions`, calls ``probe``, renders the
report like ``validate`` and returns 0 (nothing at ``--fail-on``), 1 (findings, or a
``--config``/``--spec`` with error-level findings: nothing is sent then), 2 (a bad URL,
``--data`` that is not JSON, a file that cannot be read, a ``--run`` command that cannot
start) or 5 (a ``--run`` server silent for ``--timeout``). Each request and its answer is
shown on stderr as it happens, so stdout stays the report.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from deploykit.cli import _console
from deploykit.cli._exit import ExitCode
from deploykit.cli.validate import FAIL_ON, _choice, _fail_on
from deploykit.errors import ConfigError
from deploykit.render import FORMATS


def probe_command(
    url: Annotated[str, typer.Argument(help="The server, e.g. http://127.0.0.1:8080",
                                       show_default=False)],
    config: Annotated[
        Optional[str],  # noqa: UP045 - typer reads this annotation at runtime on 3.10
        typer.Option(help="A ModelArts config.json: probe its health API and every apis[] "
                     "entry, requests built from their schemas.", metavar="CONFIG_JSON"),
    ] = None,
    spec: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="An EAS service JSON: probe its containers' health checks on the "
                     "ports it declares.", metavar="SERVICE_JSON"),
    ] = None,
    platform: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="modelarts | eas (default: from --config/--spec, else modelarts)",
                     metavar="PLATFORM"),
    ] = None,
    timeout: Annotated[float, typer.Option(
        help="Seconds per request, and for a --run server to come up.", metavar="S")] = 10.0,
    health_path: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Without --config/--spec: the health API (default /health).",
                     metavar="PATH"),
    ] = None,
    path: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Without --config: the inference API (default /).", metavar="PATH"),
    ] = None,
    data: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Without --config: JSON body of the inference request (default {}).",
                     metavar="JSON"),
    ] = None,
    run: Annotated[
        Optional[str],  # noqa: UP045
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
) -> int:
    """Check a running custom-image server as the platform will: the health API, every
    inference API of a config.json (requests and answers checked against their schemas),
    HTTP keep-alive and (with --run) a graceful exit on SIGTERM."""
    fmt = _choice("--format", fmt, FORMATS)
    threshold = _fail_on(_choice("--fail-on", fail_on, FAIL_ON))
    if sigterm_limit < sigterm_wait:
        raise ConfigError("--sigterm-limit is shorter than --sigterm-wait",
                          hint="the exit ends after the wait: e.g. --sigterm-wait 60 "
                          "--sigterm-limit 90")
    from deploykit.probe import ProbeOptions, Window, probe
    from deploykit.render import render

    options = ProbeOptions(
        platform=platform, config=config, spec=spec, timeout=timeout, health_path=health_path,
        inference_path=path, payload=_payload(data), run=run,
        window=Window(sigterm_wait, sigterm_limit), progress=_console.note,
    )
    if run:
        _console.note(f"starting: {run.split()[0]} ...")  # arguments may hold a token
    report = probe(url, options)
    _console.out(render(report, fmt).rstrip("\n"))
    return int(ExitCode.FINDINGS if report.fails(threshold) else ExitCode.OK)


def _payload(data: str | None) -> object:
    if data is None:
        return None
    import json

    try:
        return json.loads(data)
    except json.JSONDecodeError as err:
        raise ConfigError(f"--data is not JSON: {err.msg}",
                          hint="e.g. --data '{\"input\": 1}'") from None


def register(app: typer.Typer) -> None:
    app.command("probe")(probe_command)
