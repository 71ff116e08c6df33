"""``probe()``: a running custom-image server checked as the platform will check it.

The health API, an inference request and HTTP keep-alive (:mod:`.http_checks`); with a
command to run, the server is started first and, at the end, stopped with SIGTERM to see
that it exits gracefully (:mod:`.sigterm`). Findings are IMG020-IMG026 diagnostics in one
FileReport named by the URL, so every ``--format`` of ``validate`` renders them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from deploykit.diagnostics import Diagnostic, FileReport, Report
from deploykit.errors import ConfigError
from deploykit.probe.http_checks import (
    Endpoint,
    check_health,
    check_inference,
    check_keepalive,
)
from deploykit.probe.sigterm import Window, check_sigterm, running, wait_until_answering
from deploykit.rules.image import findings as facts

PLATFORMS = ("modelarts", "eas")


@dataclass(frozen=True)
class ProbeOptions:
    platform: str = "modelarts"
    timeout: float = 10.0  # per request; also how long a --run server may take to come up
    health_path: str = facts.HEALTH_PATH
    inference_path: str = "/"  # ModelArts' default API url (reference/modelarts.md §1.4)
    payload: Any = field(default_factory=dict)
    run: str | None = None  # start the server with this command, SIGTERM it at the end
    env: dict[str, str] = field(default_factory=dict)  # extra environment for `run`
    window: Window = field(default_factory=Window)


def probe(url: str, options: ProbeOptions = ProbeOptions()) -> Report:
    if options.platform not in PLATFORMS:
        raise ConfigError(f"unknown platform {options.platform!r}",
                          hint="use --platform modelarts or --platform eas")
    endpoint = Endpoint.parse(url)
    if options.run is None:
        return _report(url, options, _http_checks(endpoint, options))
    with running(options.run, options.env) as process:
        started = wait_until_answering(process, endpoint, options.health_path, options.timeout)
        if started is not None:
            return _report(url, options, [started])
        found = _http_checks(endpoint, options)
        found += check_sigterm(process, endpoint, options.health_path, options.window)
    return _report(url, options, found)


def _http_checks(endpoint: Endpoint, options: ProbeOptions) -> list[Diagnostic]:
    health = check_health(endpoint, options.platform, options.health_path, options.timeout)
    if any(d.rule == facts.NO_ANSWER.id for d in health):
        return health  # nothing else can answer either
    return [
        *health,
        *check_inference(endpoint, options.platform, options.inference_path, options.payload,
                         options.timeout),
        *check_keepalive(endpoint, options.health_path, options.timeout),
    ]


def _report(url: str, options: ProbeOptions, found: list[Diagnostic]) -> Report:
    return Report([FileReport(url, options.platform, found)])
