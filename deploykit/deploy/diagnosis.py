"""Why a wait ended in a failed state or ran out: the service's own account of it.

A failure's cause is scattered across events, instance states and logs (Alibaba's diagnosis
guide needs six API calls; issue #10). :func:`diagnose` gathers, in a few calls:

* the Warning events since the operation began;
* the instances that are not ready, with status, reason, restart count and how each last
  exited;
* the last lines of one failing instance's log (``operations.pick_instance``) that match
  error keywords — a Python traceback whole — or, when none does (an OOM kill leaves no last
  words: the log just stops), its last few lines, said to match nothing.

It reads them through the capabilities the platform's client has (``clients._capabilities``:
``EventReader``, ``InstanceReader``, ``LogReader``; None when it has none of them), within a
deadline it is given, and never raises: what it could not fetch is named in ``unavailable``,
and the failure it explains stands as it was. Text from the cloud (event messages, log lines)
goes through :func:`deploykit.secrets.redact_text`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from deploykit.clients._api import ApiClient
from deploykit.clients._capabilities import (
    EventReader,
    InstanceReader,
    InstanceState,
    LogReader,
    ServiceEvent,
    iso_time,
)
from deploykit.deploy.eascmd_text import clock_time
from deploykit.deploy.operations import pick_instance
from deploykit.errors import DeployKitError
from deploykit.secrets import redact_text

T = TypeVar("T")

# Seconds the explanation may take past the command's --timeout (a wait that ran out has
# none left); each call is still retried as usual within it.
ALLOWANCE = 15.0
# GUESS: how far the machine's clock may be ahead of the cloud's; events are asked for from
# this long before the operation began, so none of its own is missed.
CLOCK_SKEW = timedelta(seconds=5)
# The error keywords, matched without regard to case.
ERROR_KEYWORDS = ("error", "exception", "traceback", "oom", "killed", "exit")
MAX_EVENTS = 10
MAX_INSTANCES = 10
LOG_SCAN = 200  # lines of the failing instance's log that are searched
MAX_LOG_LINES = 12  # lines shown
TAIL_LINES = 3  # lines shown when none matches


@dataclass(frozen=True)
class LogExcerpt:
    instance: str
    lines: tuple[str, ...]
    matched: bool  # the lines match error keywords; False: its last lines, none matching
    previous: bool  # from the run before the instance's last restart

    def as_dict(self) -> dict[str, Any]:
        return {"instance": self.instance, "lines": list(self.lines), "matched": self.matched,
                "previous": self.previous}


@dataclass(frozen=True)
class Diagnosis:
    service: str
    since: datetime
    events: tuple[ServiceEvent, ...] = ()  # Warning events
    instances: tuple[InstanceState, ...] = ()  # those not ready
    log: LogExcerpt | None = None
    unavailable: tuple[str, ...] = ()  # what could not be fetched, and why

    def as_dict(self) -> dict[str, Any]:
        """The fields of the NDJSON ``diagnosis`` event; events and instances as the
        ``events`` and ``instances`` commands print them."""
        return {
            "service": self.service,
            "since": iso_time(self.since),
            "events": [event.as_dict() for event in self.events],
            "instances": [instance.as_dict() for instance in self.instances],
            "log": None if self.log is None else self.log.as_dict(),
            "unavailable": list(self.unavailable),
        }

    def lines(self) -> list[str]:
        """The text shown before a failed or timed-out command's error."""
        since = clock_time(self.since)
        out = [f"[FAIL] Diagnosis of [{self.service}]:"]
        if self.events:
            out.append(f"  Warning events since {since} UTC:")
            out += [f"    {clock_time(e.time)}  {e.reason}: {e.message}" for e in self.events]
        else:
            out.append(f"  No Warning events since {since} UTC")
        if self.instances:
            out.append("  Instances not ready:")
            out += [f"    {_instance_line(instance)}" for instance in self.instances]
        if self.log is not None:
            run = " (its previous run)" if self.log.previous else ""
            what = (", lines matching error keywords" if self.log.matched
                    else ": no line matches error keywords; the last lines")
            out.append(f"  Log of {self.log.instance}{run}{what}:")
            out += [f"    {line}" for line in self.log.lines]
        out += [f"  (could not read {what})" for what in self.unavailable]
        return out


def diagnose(client: object, name: str, *, since: datetime, deadline: float) -> Diagnosis | None:
    """What explains the state of ``name`` (None when the platform cannot tell); every call
    ends by ``deadline`` (``time.monotonic()``)."""
    if not isinstance(client, (EventReader, InstanceReader, LogReader)):
        return None
    source = client.bounded(deadline) if isinstance(client, ApiClient) else client
    missing: list[str] = []
    events: list[ServiceEvent] = []
    if isinstance(source, EventReader):
        read_events = functools.partial(source.service_events, name, event_type="Warning",
                                        since=since - CLOCK_SKEW)
        events = _fetched(read_events, "the events", missing) or []
    not_ready: list[InstanceState] = []
    if isinstance(source, InstanceReader):
        states = _fetched(functools.partial(source.service_instances, name), "the instances",
                          missing) or []
        not_ready = [state for state in states if not state.is_ready]
    failing = pick_instance(not_ready)
    log = None
    if failing is not None and isinstance(source, LogReader):
        log = _log_excerpt(source, name, failing, missing)
    return Diagnosis(
        service=name,
        since=since,
        events=tuple(replace(e, message=redact_text(e.message)) for e in events[-MAX_EVENTS:]),
        instances=tuple(not_ready[:MAX_INSTANCES]),
        log=log,
        unavailable=tuple(missing),
    )


def error_lines(lines: Sequence[str]) -> list[str]:
    """The lines matching an error keyword, and every line of a Python traceback (its
    ``File`` lines are indented; the exception line that ends it is not)."""
    picked: list[str] = []
    in_traceback = False
    for line in lines:
        starts = line.lstrip().startswith("Traceback")
        if in_traceback or starts:
            picked.append(line)
            in_traceback = starts or line[:1].isspace()
        elif any(keyword in line.lower() for keyword in ERROR_KEYWORDS):
            picked.append(line)
    return picked[-MAX_LOG_LINES:]


def began_at(elapsed: float) -> datetime:
    """The wall-clock time ``elapsed`` seconds ago (when a command's operation began)."""
    return datetime.now(timezone.utc) - timedelta(seconds=elapsed)


def _log_excerpt(
    source: LogReader, name: str, instance: InstanceState, missing: list[str]
) -> LogExcerpt | None:
    """Its current run's error lines; else, after a restart, the previous run's (where a
    crash left its traceback); else the last lines of whichever run printed something."""
    what = f"the log of {instance.name}"
    tails: list[tuple[bool, list[str]]] = []
    for previous in [False, True] if instance.restarts > 0 else [False]:
        read = functools.partial(source.instance_log, name, instance.name, lines=LOG_SCAN,
                                 previous=previous)
        lines = _fetched(read, what, missing)
        if lines is None:
            return None
        picked = error_lines(lines)
        if picked:
            return _excerpt(instance, picked, matched=True, previous=previous)
        tails.append((previous, lines))
    previous, lines = next(((p, t) for p, t in tails if t), tails[0])
    if not lines:
        return None
    return _excerpt(instance, lines[-TAIL_LINES:], matched=False, previous=previous)


def _excerpt(
    instance: InstanceState, lines: Sequence[str], *, matched: bool, previous: bool
) -> LogExcerpt:
    return LogExcerpt(instance.name, tuple(map(redact_text, lines)), matched, previous)


def _instance_line(state: InstanceState) -> str:
    parts = [f"{state.name}  {state.status}"]
    if state.reason and state.reason != state.status:
        parts.append(f"reason {state.reason}")
    parts.append(f"restarts {state.restarts}")
    last = state.last_exit
    if last is not None and last.exit_code is not None:
        parts.append(f"last exit code {last.exit_code} ({last.reason})")
    elif last is not None:
        parts.append(f"last exit: {last.reason}")
    return ", ".join(parts)


def _fetched(fetch: Callable[[], T], what: str, missing: list[str]) -> T | None:
    try:
        return fetch()
    except DeployKitError as err:
        missing.append(f"{what}: {err}")
        return None
