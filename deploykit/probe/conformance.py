"""``probe()``: a running custom-image server checked as the platform will check it.

The contract comes from the file the user is about to deploy (:mod:`.contract`): a ModelArts
``config.json`` (its health probes and every ``apis[]`` entry) or an EAS service spec (its
containers' health checks), else from the command line. A file with error-level findings
is reported as ``validate`` reports it, and nothing is sent. Then: the health checks
(:mod:`.http_checks`), each API called from its schemas (:mod:`.api_checks`), keep-alive,
and, with a command to run, the SIGTERM window at the end (:mod:`.sigterm`). Findings are
IMG0xx diagnostics in one FileReport named by the file (placed at its lines) or the URL, so
every ``--format`` of ``validate`` renders them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from deploykit.diagnostics import Diagnostic, Report
from deploykit.errors import ConfigError
from deploykit.probe import findings
from deploykit.probe.api_checks import Limits, check_api
from deploykit.probe.contract import (
    Contract,
    HandWritten,
    from_command_line,
    from_config,
    from_spec,
    located,
)
from deploykit.probe.http_checks import (
    Endpoint,
    check_health,
    check_keepalive,
    reachable,
)
from deploykit.probe.sigterm import Window, check_sigterm, running, wait_until_answering

PLATFORMS = ("modelarts", "eas")


def _silent(_line: str) -> None:
    pass


@dataclass(frozen=True)
class ProbeOptions:
    platform: str | None = None  # None: eas with a spec, else modelarts
    config: str | None = None  # a ModelArts config.json: its health probes and apis[]
    spec: str | None = None  # an EAS service JSON: its containers' health checks
    timeout: float = 10.0  # per request; also how long a --run server may take to come up
    health_path: str | None = None  # without a file: the health API (default /health)
    inference_path: str | None = None  # without config.json: the inference API (default /)
    payload: Any = None  # without config.json: its JSON body (default {})
    run: str | None = None  # start the server with this command, SIGTERM it at the end
    env: dict[str, str] = field(default_factory=dict)  # extra environment for `run`
    window: Window = field(default_factory=Window)
    sync_seconds: float = findings.SYNC_REQUEST_SECONDS  # ModelArts' synchronous limit
    progress: Callable[[str], None] = _silent  # each request and its answer, as it happens


def probe(url: str, options: ProbeOptions = ProbeOptions()) -> Report:
    endpoint = Endpoint.parse(url)
    contract = read_contract(endpoint, options)
    if contract.refused:
        assert contract.checked is not None  # refused means it was checked
        return Report([contract.checked])  # its diagnostics; nothing was sent
    if options.run is None:
        return Report([located(contract, _http_checks(endpoint, contract, options))])
    if reachable(endpoint, options.timeout) is None:
        # Another server answering there would be probed, and SIGTERMed for nothing.
        raise ConfigError(f"something already listens on {endpoint.url('')}, so --run "
                          "cannot start the server there",
                          hint="stop that server, or give --run a free port")
    watched = _watched_path(contract, endpoint)
    with running(options.run, options.env) as process:
        started = wait_until_answering(process, endpoint, watched, options.timeout)
        if started is not None:
            return Report([located(contract, [started])])
        found = _http_checks(endpoint, contract, options)
        if not any(d.rule == findings.NO_ANSWER.id for d in found):
            options.progress(f"SIGTERM sent; watching the server for up to "
                             f"{options.window.limit:g} s")
            found += check_sigterm(process, endpoint, watched, contract.apis[0], options.window)
    return Report([located(contract, found)])


def read_contract(endpoint: Endpoint, options: ProbeOptions) -> Contract:
    """What to call, from ``--config``, ``--spec`` or the command line (ConfigError on a
    contradiction, SpecError on a file that cannot be read)."""
    if options.config and options.spec:
        raise ConfigError("--config and --spec both given",
                          hint="--config for a ModelArts config.json, --spec for an EAS service")
    implied = "modelarts" if options.config else "eas" if options.spec else None
    platform = options.platform or implied or "modelarts"
    if platform not in PLATFORMS:
        raise ConfigError(f"unknown platform {platform!r}",
                          hint="use --platform modelarts or --platform eas")
    if implied is not None and platform != implied:
        flag = "--config" if options.config else "--spec"
        raise ConfigError(f"{flag} is for {implied}, but --platform says {platform}",
                          hint=f"drop --platform; {flag} implies {implied}")
    given = HandWritten(platform, options.health_path, options.inference_path, options.payload)
    if options.config:
        return from_config(options.config, given)
    if options.spec:
        return from_spec(options.spec, endpoint.port, given)
    return from_command_line(endpoint.url(""), given)  # shown without any user:password@


def _http_checks(endpoint: Endpoint, contract: Contract,
                 options: ProbeOptions) -> list[Diagnostic]:
    unreachable = reachable(endpoint, options.timeout)
    if unreachable is not None:
        return [unreachable]  # nothing else can answer either
    say = options.progress
    found: list[Diagnostic] = []
    for check in contract.health:
        found += check_health(endpoint, check, options.timeout, say)
    # reference/modelarts.md §2.1: the 60 s limit is ModelArts' synchronous mode.
    limits = Limits(options.timeout,
                    options.sync_seconds if contract.platform == "modelarts" else None)
    for api in contract.apis:
        found += check_api(endpoint, api, limits, say)
    found += check_keepalive(endpoint, _watched_path(contract, endpoint), options.timeout,
                             say)
    return found


def _watched_path(contract: Contract, endpoint: Endpoint) -> str:
    """A path on the URL's own port to ask "still there?": the first HTTP health check there."""
    for check in contract.health:
        if check.kind == "http" and check.port in (None, endpoint.port):
            return check.path
    return findings.MODELARTS_HEALTH_PATH if contract.platform == "modelarts" else "/"
