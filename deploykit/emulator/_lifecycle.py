"""The service state machine every emulated cloud shares, as a pure function of (operation, clock).

Nothing ticks in the background: a service stores the last operation started on it (kind,
start time, instances running before, instances wanted) and its status at any moment is
computed from the clock. That is what lets two processes sharing one SQLite file agree, and
lets tests drive every transition with a fake clock.

Timeline of one operation (``Timings``)::

    started ──accept──▶ instances move one by one, every ``per_instance`` s ──▶ done
    busy status         moving status (Pending counts down, Running counts up)   final status

Status names and messages are each cloud's: a :class:`Lifecycle` holds one row of
:class:`Phases` per operation (``emulator/eas/_service.py`` has EAS's).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Timings:
    """How long the emulated cloud takes. The defaults finish a 2-instance create in ~0.7 s,
    so the README demo is quick; real EAS takes minutes."""

    accept: float = 0.3  # seconds in the busy status (Creating, Updating, …) before instances move
    per_instance: float = 0.2  # seconds per instance started or stopped


@dataclass(frozen=True)
class Phases:
    busy: str  # status right after the call
    moving: str  # status while instances come up or go down
    done: str  # status once every instance is where it should be ("" = the service is gone)
    done_message: str


@dataclass(frozen=True)
class Operation:
    kind: str  # a key of the Lifecycle's phases
    started: float  # clock() when the call was accepted
    from_running: int  # instances running when it started
    target: int  # instances wanted at the end
    failure: str | None = None  # why it ends Failed, if the spec asks for the impossible

    def finish_time(self, timings: Timings) -> float:
        if self.failure is not None:
            return self.started + timings.accept
        return (
            self.started
            + timings.accept
            + abs(self.target - self.from_running) * (timings.per_instance)
        )


@dataclass(frozen=True)
class Snapshot:
    status: str  # "" once a deleted service is gone
    total: int
    running: int
    pending: int
    message: str

    @property
    def gone(self) -> bool:
        return self.status == ""


@dataclass(frozen=True)
class Lifecycle:
    """One cloud's statuses: a row of :class:`Phases` per operation kind, the message shown
    while in each busy status, and the status of an operation that failed."""

    phases: Mapping[str, Phases]
    busy_messages: Mapping[str, str]
    failed: str

    def snapshot(self, op: Operation, now: float, timings: Timings) -> Snapshot:
        """The service as a describe call would show it at ``now``."""
        phases = self.phases[op.kind]
        elapsed = now - op.started
        if op.failure is not None and elapsed >= timings.accept:
            running = 0 if op.kind == "create" else op.from_running
            return Snapshot(self.failed, op.target, running, 0, op.failure)
        if elapsed < timings.accept:
            status, moved = phases.busy, 0
        else:
            distance = abs(op.target - op.from_running)
            step = timings.per_instance
            # 1e-9: (elapsed - accept) / step lands a hair below an integer in floating point.
            moved = (
                min(int((elapsed - timings.accept) / step + 1e-9), distance)
                if step > 0
                else distance
            )
            status = phases.done if moved == distance else phases.moving
        direction = 1 if op.target >= op.from_running else -1
        running = op.from_running + direction * moved
        if status == phases.done:
            return Snapshot(status, op.target, running, 0, phases.done_message)
        pending = max(op.target - running, 0)
        return Snapshot(status, op.target, running, pending, self.busy_messages[status])
