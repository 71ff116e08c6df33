"""What happens when an operation begins: the one hook ``ServiceApi._begin`` calls.

The operation it replaces is settled first — its events up to now are kept, and the
instances it left become the starting point (``record.pods``) — then the new operation is
given what the lifecycle needs to stay a pure function of the clock: the version serving now
and the one it will serve, the rollout lag, and the failure mode of a crashing image.
"""

from __future__ import annotations

from dataclasses import replace

from deploykit.emulator._failure_modes import failure_message, failure_mode
from deploykit.emulator._instances import FRESH_INSTANCES, Timeline, settled_pods
from deploykit.emulator._lifecycle import Operation, Timings, snapshot
from deploykit.emulator._service_events import operation_events
from deploykit.emulator._store import ServiceRecord

# Operations that run the service's config (a crashing image crashes in each of them).
RUNS_CONFIG = frozenset({"create", "update", "start", "scale", "restart"})
# Events kept of past operations, the newest: a long-lived service's record (read on every
# call) must not grow without end. GUESS: EAS, too, keeps events for a while only (§3.2: the
# default query window is 7 days).
KEPT_EVENTS = 1000


def begin_operation(
    record: ServiceRecord, op: Operation, now: float, timings: Timings
) -> Operation:
    """``op``, completed with what it inherits from the operation it replaces at ``now``."""
    configured = record.config_version or record.version  # the version of record.config
    lag = 0.0
    if record.events:  # a record without events is being created: nothing came before
        before = snapshot(record.operation, now, timings)
        serving = before.version or record.version
        record.events.extend(operation_events(Timeline.of(record, timings), now))
        del record.events[:-KEPT_EVENTS]
        record.pods = settled_pods(record, now, timings)
        if op.kind == "update" and before.status == "Running":
            lag = timings.rollout_lag  # the hazard: the old version goes on reporting Running
    else:
        serving = configured
    op = replace(
        op,
        lag=lag,
        from_version=serving,
        version=configured if op.kind in FRESH_INSTANCES else serving,
    )
    mode = failure_mode(record.config)
    if mode is None or op.failure is not None or op.kind not in RUNS_CONFIG:
        return op
    return replace(op, failure=failure_message(mode, record.config), crash=mode.name)
