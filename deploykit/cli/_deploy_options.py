"""The options every deploy command takes, declared once, and what they become (:class:`Common`).

``@deploy_command(...)`` adds ``--platform``, ``--profile``, ``--region``, ``--endpoint``,
``--format``, ``--verbose`` and ``--timeout`` (and ``--show-token`` where asked) to a command's
own parameters, builds a :class:`Common` from them, and passes it as ``common``; where asked,
it adds ``create``'s own options (:data:`CREATE_OPTIONS`, for ModelArts) too and passes them
as one :class:`~deploykit.platforms.CreateOptions`, ``options``. It also turns Ctrl-C into
exit 130. ``--timeout`` bounds the whole command from its start: retries, the wait (a
ModelArts model publishing included), and every request in between.
"""

from __future__ import annotations

import functools
import inspect
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deploykit.cli import _console
from deploykit.cli._exit import ExitCode
from deploykit.errors import ConfigError

# Light (dataclasses only); evaluated at import: the commands that take it are wrapped.
from deploykit.platforms._contract import CreateOptions

if TYPE_CHECKING:
    from deploykit.clients._api import ServiceClient
    from deploykit.clients._retry import RetryableFailure
    from deploykit.clients._wait import Progress, WaitPolicy
    from deploykit.platforms import Platform

FORMATS = ("text", "json")
# reference/eas.md §3.4: Terraform's create timeout is 30 min, its delete timeout 15 min; a
# command that does not wait is bounded by the retry budget (120 s, clients._retry).
WAIT_TIMEOUT = 1800.0
DELETE_TIMEOUT = 900.0
CALL_TIMEOUT = 120.0

PlatformOpt = Annotated[
    str,
    typer.Option("--platform", metavar="PLATFORM",
                 help="Where to deploy: eas | modelarts."),
]
ProfileOpt = Annotated[
    str | None,
    typer.Option("--profile", metavar="NAME", help="A profile saved by `deploykit config`."),
]
RegionOpt = Annotated[
    str | None, typer.Option("--region", metavar="REGION", help="Region id, e.g. cn-shanghai.")
]
EndpointOpt = Annotated[
    str | None,
    typer.Option("--endpoint", metavar="URL",
                 help="API host or URL, http://127.0.0.1:PORT (an emulator), or `local`."),
]
EventsFormatOpt = Annotated[
    str,
    typer.Option("--format", metavar="FORMAT",
                 help="text | json (one JSON event per line: NDJSON)."),
]
DocumentFormatOpt = Annotated[
    str, typer.Option("--format", metavar="FORMAT", help="text | json (one JSON document).")
]
VerboseOpt = Annotated[
    bool, typer.Option("--verbose", help="Log every request and answer (secrets redacted).")
]
TimeoutOpt = Annotated[
    float,
    typer.Option("--timeout", metavar="SECONDS", min=1,
                 help="Give up after this long, retries and waiting included (exit 5 while "
                 "waiting, 3 while retrying)."),
]
ShowTokenOpt = Annotated[
    bool, typer.Option("--show-token", help="Print the service token (hidden otherwise).")
]
WaitOpt = Annotated[
    bool, typer.Option("--wait/--no-wait", help="Wait until the service reaches its state.")
]
# create's own options (PRODUCT.md), for --platform modelarts; apply and plan take them too
# (all but --model-only), modify takes --model-version. Declared once: ``deploy_command(
# create_options=True)`` adds them to a command.
CREATE_OPTIONS: tuple[tuple[str, Any, Any], ...] = (
    ("name", str | None,
     typer.Option("--name", metavar="NAME",
                  help="ModelArts: the service's (and its model's) name.")),
    ("model_version", str | None,
     typer.Option("--model-version", metavar="V", help="ModelArts: model version, e.g. 1.0.0.")),
    ("source_location", str | None,
     typer.Option("--source-location", metavar="L",
                  help="ModelArts: SWR image or OBS path (Image: swr_location if not given).")),
    ("specification", str | None,
     typer.Option("--specification", metavar="S",
                  help="ModelArts: flavor (default modelarts.vm.cpu.2u).")),
    ("instance", int | None,
     typer.Option("--instance", min=1, metavar="N", help="ModelArts: instances.")),
    ("env", list[str] | None,
     typer.Option("--env", metavar="K=V", help="ModelArts: service environment (repeatable).")),
    ("model_only", bool,
     typer.Option("--model-only", help="ModelArts: import the model, deploy no service.")),
)
ModelVersionOpt = Annotated[str | None, CREATE_OPTIONS[1][2]]


@dataclass(frozen=True)
class Common:
    """The shared options of one deploy command, checked, and what they give access to."""

    platform: str
    profile: str | None
    region: str | None
    endpoint: str | None
    fmt: str
    verbose: bool
    timeout: float
    show_token: bool = False
    started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise ConfigError(f"--format {self.fmt!r} is not one of: {', '.join(FORMATS)}",
                              hint="use --format text or --format json")
        if not math.isfinite(self.timeout):
            raise ConfigError(f"--timeout {self.timeout} is not a finite number of seconds",
                              hint="give a number of seconds, e.g. --timeout 600")

    @property
    def json(self) -> bool:
        return self.fmt == "json"

    @property
    def deadline(self) -> float:
        """When the command must end (``time.monotonic()``)."""
        return self.started + self.timeout

    @cached_property
    def deploy_platform(self) -> Platform:
        """The platform deployed to (``ConfigError`` for one that cannot deploy)."""
        from deploykit import platforms

        return platforms.get(self.platform)

    def client(self) -> ServiceClient:
        from deploykit.clients._retry import RetryPolicy
        from deploykit.platforms import ConnectOptions, Target

        options = ConnectOptions(
            log=_console.note if self.verbose else None,
            notice=_console.note,
            # Always: a call that retries for up to two minutes must say why it is slow.
            on_retry=_note_retry,
            # The deadline bounds waits inside an operation too (a model publishing).
            policy=RetryPolicy(deadline=self.deadline),
            on_progress=self.step,
        )
        target = Target(self.platform, self.profile, self.region, self.endpoint)
        return self.deploy_platform.connect(target, options)

    def wait_policy(self, sleep: Callable[[float], None] = time.sleep) -> WaitPolicy:
        from deploykit.clients._wait import WaitPolicy

        return WaitPolicy(timeout=self.timeout, deadline=self.deadline, sleep=sleep)

    def command_for(self, command: str, name: str) -> str:
        """A command line for the same service, e.g. ``deploykit desc echo --endpoint local``,
        for hints: the options that chose where it lives come along."""
        parts = ["deploykit", command, name]
        for flag, value in (("--platform", None if self.platform == "eas" else self.platform),
                            ("--profile", self.profile), ("--region", self.region),
                            ("--endpoint", self.endpoint)):
            if value:
                parts += [flag, value]
        return " ".join(parts)

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


def deploy_command(
    *,
    document: bool = False,
    timeout: float = WAIT_TIMEOUT,
    show_token: bool = False,
    create_options: bool = False,
    model_only: bool = False,
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a command (``def cmd(own options..., *, common: Common)``) the shared options.

    ``document``: ``--format json`` prints one document, not events; ``timeout``: the
    ``--timeout`` default; ``show_token``: the command prints a service and takes
    ``--show-token``; ``create_options``: it takes :data:`CREATE_OPTIONS` (``--model-only``
    only with ``model_only``) as ``options: CreateOptions``.
    """

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        own = [p for p in inspect.signature(command, eval_str=True).parameters.values()
               if p.name not in ("common", "options")]
        creating = _create_parameters(model_only) if create_options else []
        shared = _shared_parameters(document, timeout, show_token)
        names = [p.name for p in shared]

        @functools.wraps(command)
        def run(**kwargs: Any) -> None:
            common = Common(**{name: kwargs.pop(name) for name in names})
            if create_options:
                kwargs["options"] = _create_options(**{p.name: kwargs.pop(p.name)
                                                       for p in creating})
            try:
                command(common=common, **kwargs)
            except KeyboardInterrupt:
                # typer *returns* 130 from app() on Ctrl-C, which app.main would not read.
                _console.note("interrupted")
                raise SystemExit(ExitCode.INTERRUPTED) from None

        parameters = [*own, *creating, *shared]
        run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in parameters}
        return run

    return decorate


def _shared_parameters(
    document: bool, timeout: float, show_token: bool
) -> list[inspect.Parameter]:
    keyword = inspect.Parameter.KEYWORD_ONLY
    shared = [
        inspect.Parameter("platform", keyword, default="eas", annotation=PlatformOpt),
        inspect.Parameter("profile", keyword, default=None, annotation=ProfileOpt),
        inspect.Parameter("region", keyword, default=None, annotation=RegionOpt),
        inspect.Parameter("endpoint", keyword, default=None, annotation=EndpointOpt),
        inspect.Parameter("fmt", keyword, default="text",
                          annotation=DocumentFormatOpt if document else EventsFormatOpt),
        inspect.Parameter("verbose", keyword, default=False, annotation=VerboseOpt),
        inspect.Parameter("timeout", keyword, default=timeout, annotation=TimeoutOpt),
    ]
    if show_token:
        shared.append(
            inspect.Parameter("show_token", keyword, default=False, annotation=ShowTokenOpt)
        )
    return shared


def _create_parameters(model_only: bool) -> list[inspect.Parameter]:
    return [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY,
                          annotation=Annotated[kind, option],
                          default=False if kind is bool else None)
        for name, kind, option in CREATE_OPTIONS
        if model_only or name != "model_only"
    ]


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


def _note_retry(failure: RetryableFailure, seconds: float) -> None:
    _console.note(f"retrying in {seconds:.2f} s after: {failure.error}")
