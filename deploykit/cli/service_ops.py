"""What a service is doing, and acting on it: events, instances (w), logs, versions, rollback,
restart, invoke.

Each command parses its options (the shared deploy options come from ``_deploy_options``),
calls one function of ``deploy.operations`` or ``deploy.invoke`` through the ``--platform``'s
client, and renders: eascmd-shaped tables (``deploy.eascmd_text``) or, with ``--format json``,
one JSON document (``rollback`` and ``restart`` print NDJSON events and wait, as ``start``
does). A platform whose client cannot do an operation is refused there (exit 2). httpx is
imported inside the commands only.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from deploykit.cli import _console
from deploykit.cli._deploy_options import CALL_TIMEOUT, Common, WaitOpt, deploy_command
from deploykit.cli._watch import watch
from deploykit.cli.deploy import NameArg, _answered


def register(app: typer.Typer) -> None:
    for command in (events, instances, logs, versions, rollback, restart, invoke):
        app.command(name=command.__name__)(command)
    # eascmd's name for the instance list (reference/eas.md §2.2 "showworkers / w").
    app.command(name="w", hidden=True)(instances)


@deploy_command(document=True, timeout=CALL_TIMEOUT)
def events(
    name: NameArg,
    kind: Annotated[
        str | None,
        typer.Option("--type", metavar="TYPE", help="Only Normal or only Warning events."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DURATION",
                     help="Only events of the last DURATION: 30s, 10m, 2h, 1d."),
    ] = None,
    *,
    common: Common,
) -> None:
    """Show a service's events, oldest first: what happened to it, and why."""
    from deploykit.deploy.eascmd_text import events_table
    from deploykit.deploy.operations import read_events

    found = read_events(common.client(), name, platform=common.deploy_platform.title,
                        kind=kind, since=since)
    _show(common, {"service": name, "events": [e.as_dict() for e in found]},
          lambda: events_table(found))


@deploy_command(document=True, timeout=CALL_TIMEOUT)
def instances(name: NameArg, *, common: Common) -> None:
    """List a service's instances like `eascmd w` (alias: w): status, ready, restarts, how
    each last exited, IP, start time. EAS-only for now."""
    from deploykit.deploy.eascmd_text import instances_table
    from deploykit.deploy.operations import read_instances

    found = read_instances(common.client(), name, platform=common.deploy_platform.title)
    _show(common, {"service": name, "instances": [i.as_dict() for i in found]},
          lambda: instances_table(found))


@deploy_command(document=True, timeout=CALL_TIMEOUT)
def logs(
    name: NameArg,
    instance: Annotated[
        str | None,
        typer.Option("--instance", metavar="I",
                     help="The instance (see `instances`); default: one not ready, else the "
                     "first."),
    ] = None,
    keyword: Annotated[
        str | None,
        typer.Option("--keyword", metavar="K", help="Only lines containing K."),
    ] = None,
    lines: Annotated[
        int, typer.Option("--lines", metavar="N", min=1, help="How many of the last lines.")
    ] = 100,
    previous: Annotated[
        bool,
        typer.Option("--previous",
                     help="The log of the instance's run before its last restart."),
    ] = False,
    *,
    common: Common,
) -> None:
    """Print the last lines of an instance's log. EAS-only for now."""
    from deploykit.deploy.operations import read_log

    found = read_log(common.client(), name, platform=common.deploy_platform.title,
                     instance=instance, keyword=keyword, lines=lines, previous=previous)
    if found.picked:
        _console.note(f"note: the log of instance {found.instance} (of {found.among}; "
                      "choose one with --instance)")
    _show(common, {"service": name, "instance": found.instance, "lines": found.lines},
          lambda: "\n".join(found.lines))


@deploy_command(document=True, timeout=CALL_TIMEOUT)
def versions(name: NameArg, *, common: Common) -> None:
    """List a service's versions, newest first; * marks the one serving. EAS-only for now."""
    from deploykit.deploy.eascmd_text import versions_table
    from deploykit.deploy.operations import read_versions

    found = read_versions(common.client(), name, platform=common.deploy_platform.title)
    _show(common, {"service": name, "versions": [v.as_dict() for v in found]},
          lambda: versions_table(found))


@deploy_command()
def rollback(
    name: NameArg,
    version: Annotated[
        int,
        typer.Argument(metavar="VERSION", min=1,
                       help="The version to serve again (see `deploykit versions NAME`)."),
    ],
    wait: WaitOpt = True,
    *,
    common: Common,
) -> None:
    """Serve an earlier version again (UpdateServiceVersion, like `eascmd version NAME N`),
    then wait until that version is running. EAS-only for now."""
    from deploykit.deploy.operations import rollback as switch

    client = common.client()
    answer, goal = switch(client, name, version, platform=common.deploy_platform.title)
    _answered(common, "updating", answer, name)
    if wait:
        watch(common, client, name, goal)


@deploy_command()
def restart(name: NameArg, wait: WaitOpt = True, *, common: Common) -> None:
    """Restart a service's instances (RestartService), then wait until it is running.
    EAS-only for now."""
    from deploykit.deploy.operations import restart as restart_service

    client = common.client()
    answer, goal = restart_service(client, name, platform=common.deploy_platform.title)
    _answered(common, "restarting", answer, name)
    if wait:
        watch(common, client, name, goal)


@deploy_command(document=True, timeout=CALL_TIMEOUT)
def invoke(
    name: NameArg,
    data: Annotated[
        str | None,
        typer.Option("-d", "--data", metavar="JSON", help="A JSON request body."),
    ] = None,
    file: Annotated[
        str | None,
        typer.Option("-f", "--file", metavar="FILE",
                     help="Send this file as the body (- for standard input)."),
    ] = None,
    path: Annotated[
        str | None,
        typer.Option("--path", metavar="P", help="A path under the endpoint, e.g. /v1/predict."),
    ] = None,
    *,
    common: Common,
) -> None:
    """POST to the service's endpoint with its token and print the answer (exit 3 unless
    2xx). The token is never printed."""
    from deploykit.deploy.invoke import answer_document, answer_text, read_payload
    from deploykit.deploy.invoke import invoke as call

    payload = read_payload(data, file, sys.stdin.buffer)
    answer = call(common.client(), name, payload, platform=common.deploy_platform.title,
                  path=path)
    _show(common, answer_document(name, answer), lambda: answer_text(answer))


def _show(common: Common, document: dict[str, Any], text: Callable[[], str]) -> None:
    """One JSON document, or the text ``text()`` renders (nothing for no text: an empty log,
    an empty answer)."""
    if common.json:
        _console.out(json.dumps(document, ensure_ascii=False))
    elif rendered := text():
        _console.out(rendered)
