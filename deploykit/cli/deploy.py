"""Deploy commands like eascmd's: create, modify, desc, ls, start, stop, delete, scale, apply, plan.

Each command parses its own options (the shared ones are declared once, in
``_deploy_options``), calls the library through the ``--platform``'s seam
(``deploykit.platforms``) and renders: eascmd's text (reference/eas.md §2.3) or, with
``--format json``, one JSON object per line (NDJSON events; ``desc``/``ls``/``plan`` print
one document). Errors are raised and become exit codes in ``app.main`` only. httpx and
tenacity are imported inside the commands.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deploykit.cli import _console
from deploykit.cli._deploy_options import (
    CALL_TIMEOUT,
    DELETE_TIMEOUT,
    Common,
    ModelVersionOpt,
    WaitOpt,
    deploy_command,
)
from deploykit.cli._exit import ExitCode
from deploykit.cli._watch import print_diagnosis, watch
from deploykit.clients._wait import Goal, Phase
from deploykit.deploy.waiting import after_update, progress_of
from deploykit.errors import ConfigError

# Light (dataclasses only); evaluated at import: deploy_command reads the signatures.
from deploykit.platforms._contract import Change, CreateOptions

if TYPE_CHECKING:
    from deploykit.clients._api import Reply
    from deploykit.deploy.apply import Outcome, SpecToApply

NameArg = Annotated[str, typer.Argument(metavar="NAME", help="The service name.")]


def register(app: typer.Typer) -> None:
    for command in (create, modify, desc, ls, start, stop, delete, scale, apply, plan):
        app.command(name=command.__name__)(command)


@deploy_command(show_token=True, create_options=True, model_only=True)
def create(
    spec: Annotated[
        str,
        typer.Argument(metavar="SPEC",
                       help="The service JSON or YAML (as for `eascmd create`), or a ModelArts "
                       "config.json."),
    ],
    wait: WaitOpt = True,
    *,
    common: Common,
    options: CreateOptions,
) -> None:
    """Create a service (validated first), then wait until it is running."""
    from deploykit.deploy import eascmd_text as eascmd

    one = _load_one(common, spec, options)
    client = common.client()
    created = client.create(one.data)
    if created.no_service:  # ModelArts --model-only: nothing to describe or wait for
        _answered(common, "created", created, one.name)
        return
    if created.resolved_by_describe:
        _console.note("note: the create answer was lost; the service was found by name "
                      "(it was created once, not twice)")
    service = client.find(one.name) or dict(created.body)
    _announce(common, "created", one.name, created.request_id, service)
    common.emit("creating", eascmd.ok("Service is now creating"), service=one.name)
    if wait:
        watch(common, client, one.name, Phase.RUNNING, skip="Creating")


@deploy_command()
def modify(
    name: NameArg,
    spec: Annotated[
        str | None,
        typer.Option("-s", "--spec", metavar="FILE",
                     help="A JSON or YAML file holding only the keys to change."),
    ] = None,
    define: Annotated[
        list[str] | None,
        typer.Option("-D", metavar="KEY=VALUE",
                     help="One key to change, e.g. -D metadata.instance=2 (repeatable)."),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the whole config instead of merging.")
    ] = False,
    model_version: ModelVersionOpt = None,
    wait: WaitOpt = True,
    *,
    common: Common,
) -> None:
    """Update a service: merge the given keys (UpdateService), like `eascmd modify`.

    The change is checked before it is sent (EAS: merged into the live config and validated;
    ModelArts: -s takes a config.json, validated, imported as a new model version —
    --model-version, else the next one — and the service moved to it).
    """
    from deploykit.errors import SpecRefused
    from deploykit.render import render

    if (spec is not None and define) or not (spec is not None or define or model_version):
        raise ConfigError("give either -s SPEC or -D key=value (one of the two)",
                          hint=f"e.g. deploykit modify {name} -D metadata.instance=2")
    client = common.client()
    change = Change(spec, define or [], CreateOptions(model_version=model_version), replace)
    loaded = common.deploy_platform.load_change(client, name, change)
    if loaded.refused:
        _console.note(render(loaded.report, common.fmt).rstrip("\n"))
        raise SpecRefused(f"the change would leave [{name}] with errors; nothing was sent",
                          hint="fix the change and run modify again")
    body = loaded.specs[0].data
    before = progress_of(client, name)
    _answered(common, "updating", client.update(name, body, replace=replace), name)
    if wait:
        watch(common, client, name, after_update(before))


@deploy_command(document=True, timeout=CALL_TIMEOUT, show_token=True)
def desc(name: NameArg, *, common: Common) -> None:
    """Describe a service, like `eascmd desc`."""
    service = common.client().describe(name)
    view = common.deploy_platform.view
    if common.json:
        document = view.document(service, show_token=common.show_token)
        _console.out(json.dumps(document, ensure_ascii=False))
    else:
        _console.out(view.desc_text(service, show_token=common.show_token))


@deploy_command(document=True, timeout=CALL_TIMEOUT, show_token=True)
def ls(*, common: Common) -> None:
    """List the services of the region, like `eascmd ls`."""
    services = list(common.client().list_services())
    view = common.deploy_platform.view
    if common.json:
        documents = [view.document(s, show_token=common.show_token) for s in services]
        _console.out(json.dumps({"services": documents}, ensure_ascii=False))
    else:
        _console.out(view.ls_text(services))


@deploy_command()
def start(name: NameArg, wait: WaitOpt = True, *, common: Common) -> None:
    """Start a stopped service and wait until it is running."""
    client = common.client()
    before = progress_of(client, name)
    _answered(common, "starting", client.start(name), name)
    if wait:
        watch(common, client, name, Goal(Phase.RUNNING, before=before))


@deploy_command()
def stop(name: NameArg, wait: WaitOpt = True, *, common: Common) -> None:
    """Stop a service and wait until it is stopped."""
    client = common.client()
    before = progress_of(client, name)
    _answered(common, "stopping", client.stop(name), name)
    if wait:
        watch(common, client, name, Goal(Phase.STOPPED, before=before))


@deploy_command(timeout=DELETE_TIMEOUT)
def delete(
    name: NameArg,
    yes: Annotated[
        bool, typer.Option("-y", "--yes", help="Delete without asking for confirmation.")
    ] = False,
    with_model: Annotated[
        bool,
        typer.Option("--with-model",
                     help="ModelArts: then delete its model too (waits until the service is "
                     "gone)."),
    ] = False,
    wait: WaitOpt = True,
    *,
    common: Common,
) -> None:
    """Delete a service (asks first unless -y) and wait until it is gone."""
    client = common.client()
    if not yes:
        _confirm_delete(name, client.region)
    before = progress_of(client, name)
    _answered(common, "deleting", client.delete(name, with_model=with_model), name)
    if wait:
        watch(common, client, name, Goal(Phase.GONE, before=before))


@deploy_command()
def scale(
    name: NameArg,
    instance: Annotated[
        int, typer.Option("--instance", metavar="N", min=0, help="How many instances to run.")
    ],
    wait: WaitOpt = True,
    *,
    common: Common,
) -> None:
    """Change the number of instances (ScaleService) and wait until they run."""
    client = common.client()
    before = progress_of(client, name)
    _answered(common, "scaling", client.scale(name, instance), name)
    if wait:
        watch(common, client, name, Goal(Phase.RUNNING, instances=instance, before=before))


@deploy_command(create_options=True)
def apply(
    specs: Annotated[
        list[str],
        typer.Argument(metavar="SPEC...", help="Spec files, or directories holding them."),
    ],
    concurrency: Annotated[
        int,
        typer.Option("--concurrency", metavar="N", min=1, max=64,
                     help="How many services to create or update at once (1-64)."),
    ] = 4,
    rollback_on_failure: Annotated[
        bool,
        typer.Option("--rollback-on-failure",
                     help="Switch a failed update back to the version that served before it "
                     "(still exit 4)."),
    ] = False,
    wait: WaitOpt = True,
    *,
    common: Common,
    options: CreateOptions,
) -> None:
    """Create or update every service described by SPECS, several at a time."""
    from deploykit.deploy import eascmd_text as eascmd
    from deploykit.deploy.apply import apply_many

    if rollback_on_failure and not wait:
        raise ConfigError("--rollback-on-failure needs the wait: without it a failed update "
                          "is never seen", hint="drop --no-wait")
    loaded = _load_or_refuse(common, specs, options)
    client = common.client()
    outcomes = apply_many(
        client, loaded, concurrency=concurrency, wait=common.wait_policy() if wait else None,
        rollback=rollback_on_failure, on_outcome=lambda outcome: _print_outcome(common, outcome),
    )
    failed = [o for o in outcomes if not o.ok]
    counts = {a: sum(o.action == a for o in outcomes) for a in ("created", "updated", "unchanged")}
    summary = ", ".join(f"{n} {a}" for a, n in counts.items()) + f", {len(failed)} failed"
    marker = eascmd.fail if failed else eascmd.ok
    common.emit("summary", marker(f"Applied {len(outcomes)} services: {summary}"),
                retries=client.stats.retries, failed=len(failed), **counts)
    first_error = next((o.error for o in failed if o.error is not None), None)
    if first_error is not None:
        raise first_error


@deploy_command(document=True, timeout=CALL_TIMEOUT, create_options=True)
def plan(
    spec: Annotated[str, typer.Argument(metavar="SPEC", help="The spec file to compare.")],
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when apply would change something.")
    ] = False,
    *,
    common: Common,
    options: CreateOptions,
) -> None:
    """Show what `apply` would change in the live service, field by field."""
    from deploykit.deploy.apply import plan_one
    from deploykit.deploy.changes import changes_only

    one = _load_one(common, spec, options)
    live, found = plan_one(common.client(), one)
    changed = changes_only(found)
    verdict = "create" if live is None else ("update" if changed else "unchanged")
    if common.json:
        _console.out(json.dumps({"service": one.name, "action": verdict,
                                 "changes": [c.as_dict() for c in found]}, ensure_ascii=False))
    else:
        from deploykit.deploy.eascmd_text import plan_lines

        for line in plan_lines(one.name, verdict, found):
            _console.out(line)
    if exit_code and verdict != "unchanged":
        raise SystemExit(ExitCode.FINDINGS)


# -- shared steps ------------------------------------------------------------------------


def _load_one(common: Common, path: str, options: CreateOptions) -> SpecToApply:
    specs = _load_or_refuse(common, [path], options)
    if len(specs) != 1:
        raise ConfigError(f"{path} holds {len(specs)} specs; this command takes one",
                          hint="name one spec file, or use `deploykit apply` for several")
    return specs[0]


def _load_or_refuse(
    common: Common, paths: list[str], options: CreateOptions
) -> list[SpecToApply]:
    """Validated specs; a spec with errors is shown with its findings and refused (exit 1)."""
    from deploykit.render import render

    loaded = common.deploy_platform.load_specs(paths, options=options)
    if loaded.refused:
        _console.note(render(loaded.report, common.fmt).rstrip("\n"))
        _console.note("error: the spec has errors; nothing was sent (fix them and run again)")
        raise SystemExit(ExitCode.FINDINGS)
    return list(loaded.specs)


def _announce(
    common: Common, event: str, name: str, request_id: str, service: dict[str, Any]
) -> None:
    from deploykit.deploy.eascmd_text import key_value_table, request_id_line

    rows = common.deploy_platform.view.created_rows(service, show_token=common.show_token)
    if common.json:
        common.emit(event, None, service=name, request_id=request_id,
                    **{label.lower().replace(" ", "_"): value for label, value in rows})
        return
    _console.out(request_id_line(request_id))
    table = key_value_table(rows)
    if table:
        _console.out(table)


def _answered(common: Common, event: str, answer: Reply, name: str) -> None:
    """``[RequestId]`` then the API's own message (reference/eas.md §3.3 examples)."""
    from deploykit.deploy import eascmd_text as eascmd

    message = answer.message or f"Service [{name}] is {event}"
    if common.json:
        common.emit(event, None, service=name, request_id=answer.request_id, message=message)
    else:
        _console.out(eascmd.request_id_line(answer.request_id))
        _console.out(eascmd.ok(message))


def _print_outcome(common: Common, outcome: Outcome) -> None:
    from deploykit.deploy import eascmd_text as eascmd

    if common.json:
        _console.out(json.dumps(outcome.as_dict(), ensure_ascii=False))
    else:
        _console.out(eascmd.outcome_line(outcome))
    if outcome.diagnosis is not None:
        print_diagnosis(common, outcome.diagnosis)


def _confirm_delete(name: str, region: str) -> None:
    # reference/eas.md §2.2: eascmd asks exactly this; it has no -y, we add one for scripts.
    question = f"Are you sure to delete the service [{name}] in [{region}]? [Y/n]"
    if not sys.stdin.isatty():
        raise ConfigError(
            f"refusing to delete [{name}] without confirmation: no terminal to ask on",
            hint=f"run `deploykit delete {name} -y` to delete without asking",
        )
    _console.note(question)
    answer = sys.stdin.readline().strip().lower()
    if answer not in ("", "y", "yes"):
        raise typer.Abort()  # app.main: "aborted", exit 130, nothing was sent
