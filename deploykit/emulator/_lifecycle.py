"""The service state machine, as a pure function of (operation, clock).

Nothing ticks in the background: a service stores the last operation started on it (kind,
start time, instances running before, instances wanted) and its status at any moment is
computed from the clock. That is what lets two processes sharing one SQLite file agree, and
lets tests drive every transition with a fake clock.

Timeline of one operation (``Timings``)::

    started ──lag──▶ ──accept──▶ instances move one by one, every ``per_instance`` s ──▶ done
    (old self)       busy status  moving status (Pending counts down, Running counts up)  final

``lag`` is ``Timings.rollout_lag`` for an update of a Running service (zero otherwise): the
service goes on reporting Running at its old version, as real ones do for a moment after
UpdateService answered. A failure ends the operation in Failed after ``accept``; a crashing
image (``_failure_modes.py``) first crash-loops for ``CRASHES_BEFORE_FAILED`` restarts.

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
    per_instance: float = 0.2  # seconds per instance started, stopped or restarted
    # seconds an updated Running service keeps reporting Running at its old version before it
    # goes Updating (`emulator serve --rollout-lag`): the hazard a wait must not fall for.
    rollout_lag: float = 0.0


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
    # GUESS: the ServiceStatus enum (§3.4) has no Restarting; a restart is a rolling update.
    "restart": Phases("Updating", "Updating", "Running", "Service start successfully"),
}
# GUESS: how many times a crashing instance restarts before EAS calls the service Failed.
CRASHES_BEFORE_FAILED = 3

# Where an operation is at a moment (``stage``): the status it shows follows from it.
LAG, BUSY, MOVING, DONE, CRASHING, FAILED = "lag", "busy", "moving", "done", "crashing", "failed"

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
    # Set when the operation begins (_rollout.begin_operation); the defaults read records
    # stored before these fields existed.
    lag: float = 0.0  # seconds it keeps showing the service's previous state
    crash: str = ""  # the failure mode its instances crash with (_failure_modes.py), if any
    from_version: int = 0  # the version serving when it started (0: unknown, use the latest)
    version: int = 0  # the version serving once it is done

    @property
    def distance(self) -> int:
        """Instance moves it makes: a restart restarts every instance in turn."""
        if self.kind == "restart":
            return self.target
        return abs(self.target - self.from_running)

    def crash_window(self, timings: Timings) -> float:
        return CRASHES_BEFORE_FAILED * timings.per_instance if self.crash else 0.0

    def finish_time(self, timings: Timings) -> float:
        begin = self.started + self.lag + timings.accept
        if self.failure is not None:
            return begin + self.crash_window(timings)
        return begin + self.distance * timings.per_instance


@dataclass(frozen=True)
class Stage:
    phase: str  # LAG, BUSY, MOVING, DONE, CRASHING or FAILED
    moved: int  # instances moved so far
    since: float  # seconds since the operation entered this phase


@dataclass(frozen=True)
class Snapshot:
    status: str  # "" once a deleted service is gone
    total: int
    running: int
    pending: int
    message: str
    version: int = 0  # the version serving (DescribeService CurrentVersion); 0: unknown

    @property
    def gone(self) -> bool:
        return self.status == ""


def stage(op: Operation, now: float, timings: Timings) -> Stage:
    """Where ``op`` is at ``now``: the one place the timeline above is computed."""
    elapsed = now - op.started
    if elapsed < op.lag:
        return Stage(LAG, 0, elapsed)
    elapsed -= op.lag
    if elapsed < timings.accept:
        return Stage(BUSY, 0, elapsed)
    elapsed -= timings.accept
    if op.failure is not None:
        window = op.crash_window(timings)
        if elapsed < window:
            return Stage(CRASHING, 0, elapsed)
        return Stage(FAILED, 0, elapsed - window)
    step = timings.per_instance
    # 1e-9: elapsed / step lands a hair below an integer in floating point.
    moved = min(int(elapsed / step + 1e-9), op.distance) if step > 0 else op.distance
    if moved == op.distance:
        return Stage(DONE, moved, elapsed - moved * step)
    return Stage(MOVING, moved, elapsed - moved * step)


def failing_instances(op: Operation) -> int:
    """Instances crash-looping in a crashing or failed operation (none for other failures):
    all it starts, or — when instances of the old version go on serving — the one new
    instance a rolling update surges before it stops."""
    if not op.crash or op.target <= 0:
        return 0
    return max(op.target - failed_running(op), 1)


def failed_running(op: Operation) -> int:
    """Instances still running once ``op`` failed: none of a create, the old ones otherwise."""
    return 0 if op.kind == "create" else op.from_running


def snapshot(op: Operation, now: float, timings: Timings) -> Snapshot:
    """The service as DescribeService would show it at ``now``."""
    phases = PHASES[op.kind]
    at = stage(op, now, timings)
    if at.phase == LAG:
        return Snapshot(
            PHASES["create"].done, op.from_running, op.from_running, 0,
            PHASES["create"].done_message, op.from_version,
        )
    if at.phase in (CRASHING, FAILED):
        running, failing = failed_running(op), failing_instances(op)
        status, message = phases.moving, BUSY_MESSAGES[phases.moving]
        if at.phase == FAILED:
            status, message = "Failed", op.failure or ""
        return Snapshot(status, op.target, running, failing, message, op.from_version)
    if at.phase == DONE:
        return Snapshot(phases.done, op.target, op.target, 0, phases.done_message, op.version)
    status = phases.busy if at.phase == BUSY else phases.moving
    if op.kind == "restart" and at.phase == MOVING:
        running = op.target - 1  # one instance at a time is down for its restart
    else:
        direction = 1 if op.target >= op.from_running else -1
        running = op.from_running + direction * at.moved
    pending = max(op.target - running, 0)
    return Snapshot(status, op.target, running, pending, BUSY_MESSAGES[status], op.from_version)


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
