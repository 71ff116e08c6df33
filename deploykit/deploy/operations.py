"""What ``events``, ``instances``, ``logs``, ``versions``, ``rollback`` and ``restart`` do,
over the capabilities a platform's client has (``clients._capabilities``), cloud-free.

Each function checks that the client can do what is asked — a platform without the
operation is a ``ConfigError`` (exit 2) naming the command — and decides what the command
needs decided: the window ``--since`` means, which instance's log explains a problem, whether
a version exists before switching to it, and what the wait after a rollback or a restart is
for (a ``clients._wait.Goal``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from deploykit.clients._api import Reply, ServiceClient
from deploykit.clients._capabilities import (
    EventReader,
    InstanceReader,
    InstanceState,
    LogReader,
    Restarter,
    ServiceEvent,
    ServiceVersion,
    VersionSwitcher,
)
from deploykit.clients._wait import Goal, Phase
from deploykit.deploy.waiting import progress_of
from deploykit.errors import ConfigError, NotFoundError
from deploykit.secrets import redact_text

# `--since 10m`: a number and a unit, or several (`1h30m`), as kubectl's --since reads them.
_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_UNIT_SECONDS = (86400, 3600, 60, 1)
# reference/eas.md §3.2: DescribeServiceEvent's EventType is Normal or Warning.
EVENT_TYPES = ("Normal", "Warning")


def unsupported(command: str, platform: str) -> ConfigError:
    return ConfigError(
        f"`deploykit {command}` is EAS-only for now: deploykit cannot do it on {platform} yet",
        hint="use it with --platform eas",
    )


def parse_duration(text: str) -> timedelta:
    """``30s``, ``10m``, ``2h``, ``1d`` or a sum such as ``1h30m``; ``ConfigError`` otherwise."""
    match = _DURATION.fullmatch(text.strip().lower())
    if not text.strip() or match is None:
        raise ConfigError(f"--since {text!r} is not a duration",
                          hint="give a number and a unit: 30s, 10m, 2h, 1d (or e.g. 1h30m)")
    seconds = sum(int(n) * unit for n, unit in zip(match.groups(), _UNIT_SECONDS, strict=True) if n)
    return timedelta(seconds=seconds)


def event_type(text: str) -> str:
    """``--type``, any case, as the API spells it."""
    for known in EVENT_TYPES:
        if text.strip().lower() == known.lower():
            return known
    raise ConfigError(f"--type {text!r} is not one of: {', '.join(EVENT_TYPES)}",
                      hint="e.g. --type Warning")


def read_events(
    client: ServiceClient,
    name: str,
    *,
    platform: str,
    kind: str | None = None,
    since: str | None = None,
    now: datetime | None = None,
) -> list[ServiceEvent]:
    """The service's events, oldest first: of ``kind`` only, of the last ``since`` only."""
    wanted = event_type(kind) if kind else None
    start = None
    if since:
        start = (now or datetime.now(timezone.utc)) - parse_duration(since)
    if not isinstance(client, EventReader):
        raise unsupported("events", platform)
    return client.service_events(name, event_type=wanted, since=start)


def read_instances(client: ServiceClient, name: str, *, platform: str) -> list[InstanceState]:
    if not isinstance(client, InstanceReader):
        raise unsupported("instances", platform)
    return client.service_instances(name)


@dataclass(frozen=True)
class InstanceLog:
    """Lines of one instance's log; ``picked``: deploykit chose the instance, of ``among``."""

    instance: str
    lines: list[str]
    picked: bool = False
    among: int = 1


def read_log(
    client: ServiceClient,
    name: str,
    *,
    platform: str,
    instance: str | None = None,
    keyword: str | None = None,
    lines: int = 100,
    previous: bool = False,
) -> InstanceLog:
    """The last ``lines`` lines of ``instance``'s log, or, when none is named, of the instance
    most likely to explain a problem (:func:`pick_instance`)."""
    if not isinstance(client, LogReader) or not isinstance(client, InstanceReader):
        raise unsupported("logs", platform)
    among = 1
    if instance is None:
        found = client.service_instances(name)
        chosen = pick_instance(found)
        if chosen is None:
            raise NotFoundError(f"service [{name}] has no instance to read a log from",
                                hint=f"start it first: `deploykit start {name}`")
        instance, among = chosen.name, len(found)
    read = client.instance_log(name, instance, keyword=keyword, lines=lines, previous=previous)
    # A log echoes whatever the server printed, `HF_TOKEN=…` included: shown as the diagnosis
    # shows it, through the one secrets predicate.
    shown = [redact_text(line) for line in read]
    return InstanceLog(instance, shown, picked=among > 1, among=among)


def pick_instance(instances: Sequence[InstanceState]) -> InstanceState | None:
    """An instance that is not ready, the one restarted most (a crash loop's log holds the
    cause); when all are ready, the first."""
    failing = [i for i in instances if not i.is_ready]
    if failing:
        return max(failing, key=lambda i: i.restarts)
    return instances[0] if instances else None


def read_versions(client: ServiceClient, name: str, *, platform: str) -> list[ServiceVersion]:
    if not isinstance(client, VersionSwitcher):
        raise unsupported("versions", platform)
    return client.service_versions(name)


def rollback(
    client: ServiceClient, name: str, version: int, *, platform: str
) -> tuple[Reply, Goal]:
    """Serve ``version`` of ``name`` again, and what the wait after it is for: that version
    serving (``deploy.waiting``). A version the service does not have is a
    ``NotFoundError`` naming the ones it has, and nothing is sent."""
    if not isinstance(client, VersionSwitcher):
        raise unsupported("rollback", platform)
    known = sorted(v.number for v in client.service_versions(name))
    if version not in known:
        have = ", ".join(map(str, known)) or "none"
        raise NotFoundError(f"service [{name}] has no version {version} (its versions: {have})",
                            hint=f"choose one listed by `deploykit versions {name}`")
    before = progress_of(client, name)
    return client.switch_version(name, version), Goal(Phase.RUNNING, version=version,
                                                      before=before)


def restart(client: ServiceClient, name: str, *, platform: str) -> tuple[Reply, Goal]:
    """Restart ``name``'s instances, and what the wait after it is for: the service seen
    restarting (a restart moves nothing else a describe shows), then running."""
    if not isinstance(client, Restarter):
        raise unsupported("restart", platform)
    before = progress_of(client, name)
    return client.restart(name), Goal(Phase.RUNNING, before=before, changes=True)
