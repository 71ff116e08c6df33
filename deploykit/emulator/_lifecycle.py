"""The service state machine, as a pure function of (operation, clock).

Nothing ticks in the background: a service stores the last operation started on it (kind,
start time, instances running before, instances wanted) and its status at any moment is
computed from the clock. That is what lets two processes sharing one SQLite file agree, and
lets tests drive every transition with a fake clock.

Timeline of one operation (``Timings``)::

    started ──accept──▶ instances move one by one, every ``per_instance`` s ──▶ done
    busy status         moving status (Pending counts down, Running counts up)   final status

Status names are the ListServices ``ServiceStatus`` enum (reference/eas.md §3.4).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from deploykit import facts

# seeds/004 and reference/eas.md §1.5: 8080 and 9090 are reserved by the EAS engine.
RESERVED_PORTS = facts.EAS_RESERVED_PORTS


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


# One row per operation; the messages are the ones EAS shows in DescribeService.Message
# (§3.3 example "Service start successfully"); the in-between ones are GUESS.
PHASES: dict[str, Phases] = {
    "create": Phases("Creating", "Waiting", "Running", "Service start successfully"),
    "update": Phases("Updating", "Updating", "Running", "Service start successfully"),
    "scale": Phases("Scaling", "Scaling", "Running", "Service start successfully"),
    "start": Phases("Starting", "Waiting", "Running", "Service start successfully"),
    "stop": Phases("Stopping", "Stopping", "Stopped", "Service stopped successfully"),
    "delete": Phases("Deleting", "Deleting", "", "Service deleted"),
}

BUSY_MESSAGES: dict[str, str] = {
    "Creating": "Service is now creating",
    "Updating": "Service is now updating",
    "Scaling": "Service is now scaling",
    "Starting": "Service is now starting",
    "Stopping": "Service is now stopping",
    "Deleting": "Service is now deleting",
    "Waiting": "Service is waiting for instances to be ready",
}


@dataclass(frozen=True)
class Operation:
    kind: str  # a key of PHASES
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


def snapshot(op: Operation, now: float, timings: Timings) -> Snapshot:
    """The service as DescribeService would show it at ``now``."""
    phases = PHASES[op.kind]
    elapsed = now - op.started
    if op.failure is not None and elapsed >= timings.accept:
        running = 0 if op.kind == "create" else op.from_running
        return Snapshot("Failed", op.target, running, 0, op.failure)
    if elapsed < timings.accept:
        status, moved = phases.busy, 0
    else:
        distance = abs(op.target - op.from_running)
        step = timings.per_instance
        # 1e-9: (elapsed - accept) / step lands a hair below an integer in floating point.
        moved = (
            min(int((elapsed - timings.accept) / step + 1e-9), distance) if step > 0 else distance
        )
        status = phases.done if moved == distance else phases.moving
    direction = 1 if op.target >= op.from_running else -1
    running = op.from_running + direction * moved
    if status == phases.done:
        return Snapshot(status, op.target, running, 0, phases.done_message)
    pending = max(op.target - running, 0)
    return Snapshot(status, op.target, running, pending, BUSY_MESSAGES[status])


def instance_count(config: Mapping[str, Any]) -> int:
    """``metadata.instance`` (§1.2, required by EAS; 1 when absent, as eascmd examples imply)."""
    metadata = config.get("metadata")
    value = metadata.get("instance", 1) if isinstance(metadata, Mapping) else 1
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return 1
    try:
        return int(value)
    except ValueError:
        return 1


def impossible_because(
    config: Mapping[str, Any], known_images: Collection[str] | None
) -> str | None:
    """Why the cloud would end this spec in Failed, or None. These are accepted by the API and
    fail later, as on EAS, so a client sees them through its wait, not as a 4xx."""
    if instance_count(config) < 0:
        return "Invalid instance count: metadata.instance must be >= 0"
    containers = config.get("containers")
    for container in containers if isinstance(containers, list) else []:
        if not isinstance(container, Mapping):
            continue
        port = container.get("port")
        if port in RESERVED_PORTS:
            return (
                f"Container port {port} conflicts with a port reserved by the EAS engine "
                f"({' and '.join(map(str, sorted(RESERVED_PORTS)))}); "
                "listen on another port, e.g. 8000"
            )
        image = container.get("image")
        if known_images is not None and isinstance(image, str) and image not in known_images:
            return (
                f'Failed to pull image "{image}": manifest unknown; check the image address '
                "and that the registry is reachable from the VPC"
            )
    return None
