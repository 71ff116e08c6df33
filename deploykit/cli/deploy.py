"""Deploy commands like eascmd's: create, modify, desc, ls, start, stop, delete, scale, apply, plan.

Each command parses its options, calls the library (``deploykit.deploy``, ``deploykit.clients``)
and renders: eascmd's text (reference/eas.md §2.3) or, with ``--format json``, one JSON object
per line (NDJSON events; ``desc``/``ls``/``plan`` print one document). Errors are raised and
become exit codes in ``app.main`` only. httpx and tenacity are imported inside the commands.
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deploykit.cli import _console
from deploykit.cli._exit import ExitCode
from deploykit.clients._wait import Phase
from deploykit.errors import ConfigError

# Light (dataclasses only); evaluated at import: the commands that take it are wrapped.
from deploykit.platforms._contract import CreateOptions

if TYPE_CHECKING:
    from deploykit.clients._api import Reply, ServiceClient
    from deploykit.clients._retry import RetryableFailure
    from deploykit.clients._wait import Progress, WaitPolicy
    from deploykit.deploy.apply import Outcome, SpecToApply
    from deploykit.deploy.specs import LoadedSpecs
    from deploykit.platforms import ConnectOptions, Platform

PlatformOpt = Annotated[str, typer.Option("--platform", help="eas | modelarts")]
ProfileOpt = Annotated[str | None, typer.Option("--profile", help="a `deploykit config` profile")]
RegionOpt = Annotated[str | None, typer.Option("--region", help="region id, e.g. cn-shanghai")]
EndpointOpt = Annotated[
    str | None,
    typer.Option("--endpoint", help="API host or URL, http://127.0.0.1:PORT, or `local`"),
]
FormatOpt = Annotated[str, typer.Option("--format", help="text | json (NDJSON events)")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", help="log requests (secrets redacted)")]
ShowTokenOpt = Annotated[bool, typer.Option("--show-token", help="print the service token")]
WaitOpt = Annotated[bool, typer.Option("--wait/--no-wait", help="wait for the final state")]
# reference/eas.md §3.4: Terraform's create timeout is 30 min; finite by default.
TimeoutOpt = Annotated[float, typer.Option("--timeout", min=1, help="seconds to wait (exit 5)")]
# create's own options (PRODUCT.md), for --platform modelarts; apply and plan take them too
# (all but --model-only). Declared once: ``_with_create_options`` adds them to a command.
CREATE_OPTIONS: tuple[tuple[str, Any, Any], ...] = (
    ("name", str | None,
     typer.Option("--name", help="ModelArts: the service's (and model's) name")),
    ("model_version", str | None,
     typer.Option("--model-version", metavar="V", help="ModelArts: model version, e.g. 1.0.0")),
    ("source_location", str | None,
     typer.Option("--source-location", metavar="L",
                  help="ModelArts: SWR image or OBS path (Image: swr_location if not given)")),
    ("specification", str | None,
     typer.Option("--specification", metavar="S",
                  help="ModelArts: flavor (default modelarts.vm.cpu.2u)")),
    ("instance", int | None,
     typer.Option("--instance", min=1, metavar="N", help="ModelArts: instances")),
    ("env", list[str] | None,
     typer.Option("--env", metavar="K=V", help="ModelArts: service environment (repeatable)")),
    ("model_only", bool,
     typer.Option("--model-only", help="ModelArts: import the model, deploy no service")),
)
ModelVersionOpt = Annotated[str | None, CREATE_OPTIONS[1][2]]
FORMATS = ("text", "json")


@dataclass(frozen=True)
class Common:
    platform: str
    profile: str | None
    region: str | None
    endpoint: str | None
    fmt: str
    verbose: bool
    show_token: bool = False

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise ConfigError(f"--format {self.fmt!r} is not one of: {', '.join(FORMATS)}",
                              hint="use --format text or --format json")

    @property
    def json(self) -> bool:
        return self.fmt == "json"

    @property
    def target(self) -> Platform:
        """The platform deployed to (``ConfigError`` for one that cannot deploy)."""
        from deploykit import platforms

        return platforms.get(self.platform)

    def client(self, *, timeout: float | None = None) -> ServiceClient:
        """``timeout``: a deadline for everything the client does, waits inside an operation
        included (ModelArts: a model publishing before its service can deploy)."""
        from deploykit.platforms import Target

        return self.target.connect(
            Target(self.platform, self.profile, self.region, self.endpoint),
            _connect_options(self.verbose, on_progress=self.step, timeout=timeout),
        )

    def step(self, subject: str, progress: Progress) -> None:
        """Progress of what an operation waits for before it answers (a model publishing)."""
        from deploykit.deploy import eascmd_text as eascmd

        self.emit("progress", eascmd.ok(f"{subject} is {progress.status}"), subject=subject,
                  status=progress.status)

    def emit(self, event: str, text: str | None, **fields: Any) -> None:
        """One result: an eascmd line in text mode, an NDJSON event in json mode."""
        if self.json:
            _console.out(json.dumps({"event": event, **fields}, ensure_ascii=False))
        elif text is not None:
            _console.out(text)


def _with_create_options(
    *, model_only: bool
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a command (``def cmd(..., *, options: CreateOptions)``) the options of
    :data:`CREATE_OPTIONS` (``--model-only`` only where ``model_only``), as one
    :class:`CreateOptions`."""
    rows = [row for row in CREATE_OPTIONS if model_only or row[0] != "model_only"]
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[kind, option],
                          default=False if kind is bool else None)
        for name, kind, option in rows
    ]

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        own = [p for p in inspect.signature(command, eval_str=True).parameters.values()
               if p.name != "options"]

        @functools.wraps(command)
        def run(**given: Any) -> None:
            values = {p.name: given.pop(p.name) for p in added}
            command(**given, options=_create_options(**values))

        parameters = [*own, *added]
        run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in parameters}
        return run

    return decorate


def _create_options(
    name: str | None = None,
    model_version: str | None = None,
    source_location: str | None = None,
    specification: str | None = None,
    instance: int | None = None,
    env: list[str] | None = None,
    model_only: bool = False,
) -> CreateOptions:
    envs: dict[str, str] = {}
    for pair in env or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            # Not echoed: a value given without its name may well be a secret.
            raise ConfigError("an --env value is not KEY=VALUE",
                              hint="write e.g. --env LOG_LEVEL=info (once per variable)")
        envs[key.strip()] = value
    return CreateOptions(name, model_version, source_location, specification, instance, envs,
                         model_only)


def register(app: typer.Typer) -> None:
    for command in (create, modify, desc, ls, start, stop, delete, scale, apply, plan):
        app.command(name=command.__name__)(_interruptible(command))


def _interruptible(command: Callable[..., None]) -> Callable[..., None]:
    """Ctrl-C ends with 130: typer *returns* 130 from ``app()``, which ``app.main`` ignores."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except KeyboardInterrupt:
            _console.note("interrupted")
            raise SystemExit(ExitCode.INTERRUPTED) from None

    return run


@_with_create_options(model_only=True)
def create(
    spec: Annotated[
        str,
        typer.Argument(help="EAS service JSON/YAML (as for `eascmd create`), or a ModelArts "
                       "config.json"),
    ],
    wait: WaitOpt = True,
    timeout: TimeoutOpt = 1800.0,
    platform: PlatformOpt = "eas",
    profile: ProfileOpt = None,
    region: RegionOpt = None,
    endpoint: EndpointOpt = None,
    fmt: FormatOpt = "text",
    verbose: VerboseOpt = False,
    show_token: ShowTokenOpt = False,
    *,
    options: CreateOptions,
) -> None:
    """Create a service (validated first), then wait until it is running."""
    from deploykit.deploy import eascmd_text as eascmd

    common = Common(platform, profile, region, endpoint, fmt, verbose, show_token)
    one = _load_one(common, spec, options)
    client = common.client(timeout=timeout)
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
        _watch(common, client, one.name, Phase.RUNNING, timeout, skip="Creating")


def modify(
    name: Annotated[str, typer.Argument(help="service name")],
    spec: Annotated[str | None, typer.Option("-s", "--spec", help="JSON/YAML of the keys")] = None,
    define: Annotated[
        list[str] | None, typer.Option("-D", help="key=value, e.g. -D metadata.instance=2")
    ] = None,
    replace: Annotated[bool, typer.Option("--replace", help="replace the whole config")] = False,
    model_version: ModelVersionOpt = None,
    wait: WaitOpt = True,
    timeout: TimeoutOpt = 1800.0,
    platform: PlatformOpt = "eas",
    profile: ProfileOpt = None,
    region: RegionOpt = None,
    endpoint: EndpointOpt = None,
    fmt: FormatOpt = "text",
    verbose: VerboseOpt = False,
) -> None:
    """Update a service: merge the given keys (UpdateService), like `eascmd modify`.

    ModelArts: -s takes a config.json (validated first); models are immutable, so it is
    imported as a new version (--model-version, else the next one) and the service moved to it.
    """
    if (spec is not None and define) or not (spec is not None or define or model_version):
        raise ConfigError("give either -s SPEC or -D key=value (one of the two)",
                          hint="e.g. deploykit modify NAME -D metadata.instance=2")
    common = Common(platform, profile, region, endpoint, fmt, verbose)
    change = common.target.load_change(spec, define or [],
                                       CreateOptions(model_version=model_version))
    body = _accepted(common, change)[0].data
    client = common.client()
    _answered(common, "updating", client.update(name, body, replace=replace), name)
    if wait:
        _watch(common, client, name, Phase.RUNNING, timeout)


def desc(
    name: Annotated[str, typer.Argument(help="service name")],
    platform: PlatformOpt = "eas",
    profile: ProfileOpt = None,
    region: RegionOpt = None,
    endpoint: EndpointOpt = None,
    fmt: FormatOpt = "text",
    verbose: VerboseOpt = False,
    show_token: ShowTokenOpt = False,
) -> None:
    """Describe a service, like `eascmd desc`."""
    common = Common(platform, profile, region, endpoint, fmt, verbose, show_token)
    service = common.client().describe(name)
    view = common.target.view
    if common.json:
        _console.out(json.dumps(view.document(service, show_token=True), ensure_ascii=False))
    else:
        _console.out(view.desc_text(service, show_token=show_token))


def ls(
    platform: PlatformOpt = "eas",
    profile: ProfileOpt = None,
    region: RegionOpt = None,
    endpoint: EndpointOpt = None,
    fmt: FormatOpt = "text",
    verbose: VerboseOpt = False,
) -> None:
    """List the services of the region, like `eascmd ls`."""
    common = Common(platform, profile, region, endpoint, fmt, verbose)
    services = list(common.client().list_services())
    view = common.target.view
    if common.json:
        documents = [view.document(s, show_token=True) for s in services]
        _console.out(json.dumps({"services": documents}, ensure_ascii=False))
    else:
        _console.out(view.ls_text(services))


def start(
    name: Annotated[str, typer.Argument(help="service name")],
    wait: WaitOpt = True,
    timeout: TimeoutOpt = 1800.0,
    platform: PlatformOpt = "eas",
    profile: ProfileOpt = None,
    region: RegionOpt = None,
    endpoint: EndpointOpt = None,
    fmt: FormatOpt = "text",
    verbose: VerboseOpt = False,
) -> None:
    """Start a stopped service and wait until it is running."""
    common = Common(platform, profile, region, endpoint, fmt, verbose)
    client = common.client()
    _answered(common, "starting", client.start(name), name)
    if wait:
        _watch(common, client, name, Phase.RUNNING, timeout)


def stop(
    name: Annotated[str, typer.Argument(help="service name")],
    wait: WaitOpt = True,
    timeout: TimeoutOpt = 1800.0,
    platform: PlatformOpt = "eas",
    profile: ProfileOpt = None,
    region: RegionOpt = None,
    endpoint: EndpointOpt = None,
    fmt: FormatOpt = "text",
    verbose: VerboseOpt = False,
) -> None:
    """Stop a service and wait until it is stopped."""
    common = Common(platform, profile, region, endpoint, fmt, verbose)
    client = common.client()
    _answered(common, "stopping", client.stop(name), name)
    if wait:
        _watch(common, client, name, Phase.STOPPED, timeout)


def delete(
    name: Annotated[str, typer.Argument(help="service name")],
    yes: Annotated[bool, typer.Option("-y", "--yes", help="do not ask for confirmation")] = False,
    with_model: Annotated[
        bool,
        typer.Option("--with-model",
                     help="ModelArts: then delete its model too (waits until the service is gone)"),
    ] = False,
    wait: WaitOpt = True,
    timeout: TimeoutOpt = 900.0,
    platform: PlatformOpt = "eas",
    profile: ProfileOpt = None,
    region: RegionOpt = None,
    endpoint: EndpointOpt = None,
    fmt: FormatOpt = "text",
    verbose: VerboseOpt = False,
) -> None:
    """Delete a service (asks first unless -y) and wait until it is gone."""
    common = Common(platform, profile, region, endpoint, fmt, verbose)
    client = common.client()
    if not yes:
        _confirm_delete(name, client.region)
    _answered(common, "deleting", client.delete(name, with_model=with_model), name)
    if wait:
        # Terraform's delete timeout is 15 min (reference/eas.md §3.4): the --timeout default.
        _watch(common, client, name, Phase.GONE, timeout)


def scale(
    name: Annotated[str, typer.Argument(help="service name")],
    instance: Annotated[int, typer.Option("--instance", min=0, help="instances wanted")],
    wait: WaitOpt = True,
    timeout: TimeoutOpt = 1800.0,
    platform: PlatformOpt = "eas",
    profile: ProfileOpt = None,
    region: RegionOpt = None,
    endpoint: EndpointOpt = None,
    fmt: FormatOpt = "text",
    verbose: VerboseOpt = False,
) -> None:
    """Change the number of instances (ScaleService) and wait until they run."""
    common = Common(platform, profile, region, endpoint, fmt, verbose)
    client = common.client()
    _answered(common, "scaling", client.scale(name, instance), name)
    if wait:
        _watch(common, client, name, Phase.RUNNING, timeout)


@_with_create_options(model_only=False)
def apply(
    specs: Annotated[list[str], typer.Argument(help="spec files or directories")],
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64)] = 4,
    wait: WaitOpt = True,
    timeout: TimeoutOpt = 1800.0,
    platform: PlatformOpt = "eas",
    profile: ProfileOpt = None,
    region: RegionOpt = None,
    endpoint: EndpointOpt = None,
    fmt: FormatOpt = "text",
    verbose: VerboseOpt = False,
    *,
    options: CreateOptions,
) -> None:
    """Create or update every service described by SPECS, several at a time."""
    from deploykit.deploy import eascmd_text as eascmd
    from deploykit.deploy.apply import apply_many

    common = Common(platform, profile, region, endpoint, fmt, verbose)
    loaded = _load_or_refuse(common, specs, options)
    client = common.client()
    outcomes = apply_many(
        client, loaded, concurrency=concurrency, wait=_wait_policy(timeout) if wait else None,
        on_outcome=lambda outcome: _print_outcome(common, outcome),
    )
    failed = [o for o in outcomes if not o.ok]
    counts = {a: sum(o.action == a for o in outcomes) for a in ("created", "updated", "unchanged")}
    summary = ", ".join(f"{n} {a}" for a, n in counts.items()) + f", {len(failed)} failed"
    common.emit("summary", eascmd.ok(f"Applied {len(outcomes)} services: {summary}"),
                retries=client.stats.retries, failed=len(failed), **counts)
    first_error = next((o.error for o in failed if o.error is not None), None)
    if first_error is not None:
        raise first_error


@_with_create_options(model_only=False)
def plan(
    spec: Annotated[str, typer.Argument(help="spec file")],
    exit_code: Annotated[bool, typer.Option("--exit-code", help="exit 1 on changes")] = False,
    platform: PlatformOpt = "eas",
    profile: ProfileOpt = None,
    region: RegionOpt = None,
    endpoint: EndpointOpt = None,
    fmt: FormatOpt = "text",
    verbose: VerboseOpt = False,
    *,
    options: CreateOptions,
) -> None:
    """Show what `apply` would change in the live service, field by field."""
    from deploykit.deploy.apply import plan_one
    from deploykit.deploy.changes import changes_only

    common = Common(platform, profile, region, endpoint, fmt, verbose)
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


def _load_one(common: Common, path: str, options: CreateOptions | None = None) -> SpecToApply:
    specs = _load_or_refuse(common, [path], options)
    if len(specs) != 1:
        raise ConfigError(f"{path} holds {len(specs)} specs; this command takes one",
                          hint="name one spec file, or use `deploykit apply` for several")
    return specs[0]


def _load_or_refuse(
    common: Common, paths: list[str], options: CreateOptions | None = None
) -> list[SpecToApply]:
    """Validated specs; a spec with errors is shown with its findings and refused (exit 1)."""
    return _accepted(common, common.target.load_specs(paths, options=options))


def _accepted(common: Common, loaded: LoadedSpecs) -> list[SpecToApply]:
    from deploykit.render import render

    if loaded.refused:
        _console.note(render(loaded.report, common.fmt).rstrip("\n"))
        _console.note("error: the spec has errors; nothing was sent (fix them and run again)")
        raise SystemExit(ExitCode.FINDINGS)
    return list(loaded.specs)


def _announce(
    common: Common, event: str, name: str, request_id: str, service: dict[str, Any]
) -> None:
    from deploykit.deploy.eascmd_text import key_value_table, request_id_line

    view = common.target.view
    if common.json:
        rows = view.created_rows(service, show_token=True)
        common.emit(event, None, service=name, request_id=request_id,
                    **{label.lower().replace(" ", "_"): value for label, value in rows})
        return
    _console.out(request_id_line(request_id))
    table = key_value_table(view.created_rows(service, show_token=common.show_token))
    if table:
        _console.out(table)


def _answered(common: Common, event: str, answer: Reply, name: str) -> None:
    """``[RequestId]`` then the API's own message (reference/eas.md §3.3 examples)."""
    from deploykit.deploy import eascmd_text as eascmd

    request_id = answer.request_id
    message = answer.message or f"Service [{name}] is {event}"
    if common.json:
        common.emit(event, None, service=name, request_id=request_id, message=message)
    else:
        _console.out(eascmd.request_id_line(request_id))
        _console.out(eascmd.ok(message))


# The line eascmd prints when a wait ends (reference/eas.md §2.3 create and delete), and the
# NDJSON event that says the same.
_DONE = {
    "RUNNING": ("Service is running", "running"),
    "STOPPED": ("Service is stopped", "stopped"),
    "GONE": ("Service was deleted successfully", "deleted"),
}


def _watch(
    common: Common, client: ServiceClient, name: str, target: Phase, timeout: float, *,
    skip: str = "",
) -> None:
    """Progress lines on change until ``target``; ``skip`` is a status already announced."""
    from deploykit.clients._wait import wait_for
    from deploykit.deploy import eascmd_text as eascmd

    gone = target is Phase.GONE
    live = _LiveStatus(enabled=not common.json and sys.stderr.isatty())
    try:
        for progress in wait_for(lambda: client.progress(client.find(name)), target,
                                 _wait_policy(timeout, sleep=live.sleep),
                                 desc_command=f"deploykit desc {name}"):
            live.clear()
            live.text = f"{progress.status} [Total: {progress.total}, Running: {progress.running}]"
            # eascmd prints "[OK] Running [Total: …]" before "[OK] Service is running" (§2.3).
            if progress.status == skip or progress.phase is Phase.GONE:
                continue
            line = eascmd.ok("Service is terminating") if gone else eascmd.progress_line(progress)
            common.emit("progress", line, service=name, status=progress.status,
                        total=progress.total, pending=progress.pending, running=progress.running)
    finally:
        live.clear()
    text, event = _DONE[target.name]
    common.emit(event, eascmd.ok(text), service=name)


def _wait_policy(timeout: float, sleep: Callable[[float], None] = time.sleep) -> WaitPolicy:
    from deploykit.clients._wait import WaitPolicy

    return WaitPolicy(timeout=timeout, sleep=sleep)


class _LiveStatus:
    """On a terminal only: one stderr line redrawn between polls (spinner, status, time),
    erased before each ``[OK]`` line. Writes itself: ``_console`` has no in-place line yet."""

    FRAMES = "|/-\\"

    def __init__(self, *, enabled: bool) -> None:
        self.enabled, self.text, self._drawn, self._frame = enabled, "Waiting", False, 0
        self._started = time.monotonic()

    def sleep(self, seconds: float) -> None:
        if not self.enabled:
            time.sleep(seconds)
            return
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._draw()
            time.sleep(min(0.2, left))

    def clear(self) -> None:
        if self._drawn:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self._drawn = False

    def _draw(self) -> None:
        self._frame = (self._frame + 1) % len(self.FRAMES)
        elapsed = time.monotonic() - self._started
        sys.stderr.write(f"\r{self.FRAMES[self._frame]} {self.text} {elapsed:.0f}s\x1b[K")
        sys.stderr.flush()
        self._drawn = True


def _print_outcome(common: Common, outcome: Outcome) -> None:
    from deploykit.deploy import eascmd_text as eascmd

    if common.json:
        _console.out(json.dumps(outcome.as_dict(), ensure_ascii=False))
    else:
        _console.out(eascmd.outcome_line(outcome))


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


def _connect_options(
    verbose: bool,
    *,
    on_progress: Callable[[str, Progress], None] | None = None,
    timeout: float | None = None,
) -> ConnectOptions:
    from deploykit.clients._retry import RetryPolicy
    from deploykit.platforms import ConnectOptions

    return ConnectOptions(
        log=_console.note if verbose else None,
        notice=_console.note,
        # Always: a call that retries for up to two minutes must say why it is slow.
        on_retry=_note_retry,
        policy=None if timeout is None else RetryPolicy(deadline=time.monotonic() + timeout),
        on_progress=on_progress,
    )


def _note_retry(failure: RetryableFailure, seconds: float) -> None:
    _console.note(f"retrying in {seconds:.2f} s after: {failure.error}")
