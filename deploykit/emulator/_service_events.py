"""DescribeServiceEvent: an event for each transition, computed from the clock like the status.

A service keeps the events of operations already replaced (``record.events``: each
operation's start event, and, frozen when the next one begins, what it did by then). The
current operation's events after its start are computed here at each call:

* Pod events: ``Started`` when an instance comes up, ``Killing`` when one is stopped or
  replaced, ``Restarted`` for each instance a restart restarts, and for a crashing image the
  failure mode's Warning (``BackOff`` or ``OOMKilled``) for each crashing instance;
* Service events: the final status (``Running``, ``Stopped``) or a Warning ``Failed`` with the
  reason.

Shape (reference/eas.md §3.3): ``{Message, Reason, Resource: "Service"|"Pod", Time:
"2006-01-02 15:04:05" (UTC), Type: "Normal"|"Warning"}``. The SDK model calls Message "a
JSON-formatted string"; no sample was found, so messages here are plain text naming the
instance as ``[name]`` — GUESS.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from typing import Any

from deploykit.emulator._errors import ApiFailure
from deploykit.emulator._failure_modes import MODES
from deploykit.emulator._instances import FRESH_INSTANCES, Timeline
from deploykit.emulator._lifecycle import PHASES, Timings, failed_running, failing_instances
from deploykit.emulator._service_view import event_time, new_event
from deploykit.emulator._store import ServiceRecord

# reference/eas.md §3.2: StartTime/EndTime are "2006-01-02 15:04:05" UTC, by default the last
# seven days.
EVENT_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DEFAULT_WINDOW = 7 * 24 * 3600.0
Event = dict[str, Any]


def events_at(record: ServiceRecord, now: float, timings: Timings) -> list[Event]:
    """Every event of the service up to ``now``, oldest first."""
    return [*record.events, *operation_events(Timeline.of(record, timings), now)]


def operation_events(line: Timeline, now: float) -> list[Event]:
    """What the current operation did by ``now``, after its start event."""
    timed = sorted(
        ((moment, order, event) for order, (moment, event) in enumerate(_all_events(line))),
        key=lambda item: (item[0], item[1]),
    )
    return [event for moment, _, event in timed if moment <= now]


def select(events: list[Event], query: Mapping[str, str], now: float) -> list[Event]:
    """The DescribeServiceEvent filters: EventType, InstanceName, StartTime, EndTime (§3.2)."""
    start = _event_time(query, "StartTime") or event_time(now - DEFAULT_WINDOW)
    end = _event_time(query, "EndTime") or event_time(now)
    kind, instance = query.get("EventType"), query.get("InstanceName")
    return [
        e
        for e in events
        # Times in this one format compare as strings.
        if start <= e["Time"] <= end
        and (not kind or e["Type"] == kind)
        and (not instance or f"[{instance}]" in e["Message"])
    ]


def _all_events(line: Timeline) -> Iterator[tuple[float, Event]]:
    op = line.op
    if op.failure is not None:
        yield from _crash_events(line)
        yield op.finish_time(line.timings), new_event(
            op.finish_time(line.timings), "Failed", op.failure, warning=True
        )
        return
    yield from _moves(line)
    phases = PHASES[op.kind]
    if phases.done:  # "" for delete: a deleted service has no event list to show
        finished = op.finish_time(line.timings)
        yield finished, new_event(finished, phases.done, phases.done_message)


def _moves(line: Timeline) -> Iterator[tuple[float, Event]]:
    op = line.op
    if op.kind == "restart":
        for slot in range(op.target):
            moment = line.move_time(slot)
            yield moment, _pod_event(moment, "Restarted", f"Instance [{line.old(slot).name}] "
                                     "restarted")
        return
    for index, slot in enumerate(range(op.from_running, op.target)):
        moment = line.move_time(index)
        yield moment, _pod_event(moment, "Started", f"Instance [{line.name(slot)}] started")
    for index, slot in enumerate(range(op.from_running - 1, op.target - 1, -1)):
        moment = line.move_time(index)
        yield moment, _stopping(moment, line.old(slot).name)
    if op.kind in FRESH_INSTANCES:  # the old instances that remain are replaced at the end
        finished = op.finish_time(line.timings)
        for slot in range(min(op.from_running, op.target)):
            yield finished, _stopping(finished, line.old(slot).name)
            yield finished, _pod_event(finished, "Started", f"Instance [{line.name(slot)}] started")


def _crash_events(line: Timeline) -> Iterator[tuple[float, Event]]:
    op = line.op
    mode = MODES.get(op.crash)
    if mode is None:
        return
    first = failed_running(op)
    crashed = line.moves_from
    for slot in range(first, first + failing_instances(op)):
        message = mode.event_message.format(instance=line.name(slot))
        yield crashed, _pod_event(crashed, mode.event_reason, message, warning=True)


def _stopping(moment: float, name: str) -> Event:
    return _pod_event(moment, "Killing", f"Stopping instance [{name}]")


def _pod_event(moment: float, reason: str, message: str, warning: bool = False) -> Event:
    return {**new_event(moment, reason, message, warning), "Resource": "Pod"}


def _event_time(query: Mapping[str, str], key: str) -> str | None:
    raw = query.get(key)
    if not raw:
        return None
    try:
        moment = datetime.strptime(raw, EVENT_TIME_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        raise ApiFailure(
            "InvalidParameter", f"{key} {raw!r} is not in the format 2006-01-02 15:04:05"
        ) from None
    return event_time(moment.timestamp())
