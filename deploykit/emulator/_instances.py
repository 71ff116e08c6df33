"""The instances of a service at any moment, as ListServiceInstances shows them.

Like the status, the instances are a pure function of (record, clock): the lifecycle's
:func:`stage` says how far the current operation got, ``record.pods`` holds the instances
that were running when it began (in slot order), and each instance *slot* follows. So at
every moment

* the instances whose ``Status`` is ``Running`` number ``RunningInstance``, and
* the others (``Pending``, or ``CrashLoopBackOff`` for a crashing image) number
  ``PendingInstance``.

Names look like real ones, ``<service>-<template hash>-<suffix>`` (the ListServiceInstances
page's example is ``foo-bdc5xxxx-8l7rk``): the template hash follows the version, as a
Kubernetes pod-template hash does; a rollout (create, start, update, version switch) brings
instances with new names; scale keeps the instances it keeps; a restart keeps every name and
counts the restart in ``RestartCount``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from deploykit.emulator._failure_modes import CRASH_STATUS, MODES
from deploykit.emulator._lifecycle import (
    CRASHES_BEFORE_FAILED,
    CRASHING,
    DONE,
    FAILED,
    MOVING,
    Operation,
    Stage,
    Timings,
    snapshot,
    stage,
)
from deploykit.emulator._service_view import rfc3339
from deploykit.emulator._store import ServiceRecord

# Operations that roll a version out on new instances; the others keep the instances they find.
FRESH_INSTANCES = frozenset({"create", "start", "update"})
# Kubernetes' SafeEncodeString alphabet, which pod-template hashes and name suffixes use.
_SAFE = "bcdfghjklmnpqrstvwxz2456789"


@dataclass(frozen=True)
class Exit:
    """How a container last exited (LastState)."""

    reason: str
    code: int
    at: float


@dataclass(frozen=True)
class Instance:
    name: str
    version: int
    status: str  # Running | Pending | CrashLoopBackOff
    reason: str
    restarts: int
    created: float
    started: float | None  # when its container last started; None while it is not running
    last_exit: Exit | None = None  # how its container last exited

    @property
    def ready(self) -> bool:
        return self.status == "Running"

    def to_record(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> Instance:
        last = data.get("last_exit")
        return cls(**{**data, "last_exit": Exit(**last) if last else None})


@dataclass(frozen=True)
class Timeline:
    """One operation's instance moves in time, shared by the instance view and the events."""

    record: ServiceRecord
    op: Operation
    carried: list[Instance]  # the instances running when it began, by slot
    timings: Timings

    @classmethod
    def of(cls, record: ServiceRecord, timings: Timings) -> Timeline:
        carried = [Instance.from_record(i) for i in record.pods.get("instances", [])]
        return cls(record, record.operation, carried, timings)

    @property
    def moves_from(self) -> float:
        """When instances start to move (after the lag and the accept phase)."""
        return self.op.started + self.op.lag + self.timings.accept

    def move_time(self, index: int) -> float:
        """When the ``index``-th move (0-based) of the operation completes."""
        return self.moves_from + (index + 1) * self.timings.per_instance

    @property
    def old_version(self) -> int:
        return self.op.from_version or self.record.version

    @property
    def new_version(self) -> int:
        return self.op.version or self.record.version

    def old(self, slot: int) -> Instance:
        """The instance found in ``slot``, or the one a scale-up adds there."""
        if slot < len(self.carried):
            return self.carried[slot]
        name = pod_name(self.record, self.old_version, self.op.started, slot)
        started = self.move_time(slot - self.op.from_running)
        return Instance(name, self.old_version, "Running", "", 0, self.op.started, started)

    def new(self, slot: int) -> Instance:
        """The instance of the version rolled out, in ``slot``, not yet started."""
        name = pod_name(self.record, self.new_version, self.op.started, slot)
        return Instance(name, self.new_version, "Pending", "ContainerCreating", 0,
                        self.op.started, None)

    def name(self, slot: int) -> str:
        """The name of the instance this operation starts in ``slot``."""
        return self.new(slot).name if self.op.kind in FRESH_INSTANCES else self.old(slot).name

    def instances(self, now: float) -> list[Instance]:
        snap = snapshot(self.op, now, self.timings)
        if snap.gone:
            return []
        at = stage(self.op, now, self.timings)
        listed = range(snap.running + snap.pending)
        if self.op.kind == "restart" and at.phase == MOVING:
            return [self._restarted(slot, at) for slot in listed]
        return [
            self._running(slot, at) if slot < snap.running else self._waiting(slot, at)
            for slot in listed
        ]

    def _running(self, slot: int, at: Stage) -> Instance:
        op = self.op
        fresh = op.kind in FRESH_INSTANCES and at.phase not in (CRASHING, FAILED)
        if fresh and (at.phase == DONE or slot >= op.from_running):
            # New: up once its move completed; those in old instances' places, at the end.
            moved = slot - op.from_running
            up = self.move_time(moved) if moved >= 0 else op.finish_time(self.timings)
            return replace(self.new(slot), status="Running", reason="", started=up)
        if op.kind == "restart" and at.phase == DONE:
            return self._restarted(slot, at)
        return self.old(slot)

    def _restarted(self, slot: int, at: Stage) -> Instance:
        """A restart restarts instances in place, one after another: down a step, then up."""
        found = self.old(slot)
        if at.phase != DONE and slot > at.moved:
            return found
        restarted = replace(found, restarts=found.restarts + 1,
                            last_exit=Exit("Completed", 0, self.move_time(slot - 1)))
        if at.phase != DONE and slot == at.moved:
            return replace(restarted, status="Pending", reason="Restarting", started=None)
        return replace(restarted, started=self.move_time(slot))

    def _waiting(self, slot: int, at: Stage) -> Instance:
        op = self.op
        waiting = self.new(slot) if op.kind in FRESH_INSTANCES else self.old(slot)
        waiting = replace(waiting, status="Pending", reason="ContainerCreating", started=None)
        mode = MODES.get(op.crash)
        if mode is None or at.phase not in (CRASHING, FAILED):
            return waiting
        crashing_for = at.since + (op.crash_window(self.timings) if at.phase == FAILED else 0.0)
        step = self.timings.per_instance
        crashes = 1 + int(crashing_for / step + 1e-9) if step > 0 else CRASHES_BEFORE_FAILED
        last_crash = self.moves_from + (crashes - 1) * step
        return replace(waiting, status=CRASH_STATUS, reason=CRASH_STATUS, restarts=crashes,
                       last_exit=Exit(mode.termination, mode.exit_code, last_crash))


def instances_at(record: ServiceRecord, now: float, timings: Timings) -> list[Instance]:
    return Timeline.of(record, timings).instances(now)


def settled_pods(record: ServiceRecord, now: float, timings: Timings) -> dict[str, Any]:
    """``record.pods`` for the operation that begins at ``now``: the instances running then."""
    running = [i for i in instances_at(record, now, timings) if i.ready]
    return {"instances": [i.to_record() for i in running]}


def pod_name(record: ServiceRecord, version: int, created: float, slot: int) -> str:
    # GUESS: Kubernetes names allow no underscore, which EAS service names use.
    base = record.name.replace("_", "-").lower()
    template = f"{record.service_id}/{version}"
    suffix = f"{template}/{created!r}/{slot}"
    return f"{base}-{_safe_hash(template, 8)}-{_safe_hash(suffix, 5)}"


def instance_view(
    record: ServiceRecord, instance: Instance, latest_version: int
) -> dict[str, Any]:
    """One ``Instance`` as the SDK model reads it (``models/_instance.py`` ``from_map``)."""
    digest = hashlib.sha256(instance.name.encode()).digest()
    containers = record.config.get("containers")
    count = len(containers) if isinstance(containers, list) and containers else 1
    first = containers[0] if isinstance(containers, list) and containers else {}
    port = first.get("port", 8000) if isinstance(first, Mapping) else 8000
    metadata = record.config.get("metadata")
    meta: Mapping[str, Any] = metadata if isinstance(metadata, Mapping) else {}
    cloud = record.config.get("cloud")
    computing = cloud.get("computing") if isinstance(cloud, Mapping) else None
    instance_type = computing.get("instance_type", "") if isinstance(computing, Mapping) else ""
    started = rfc3339(instance.started) if instance.started is not None else ""
    last = instance.last_exit
    return {
        "InstanceName": instance.name,
        "Status": instance.status,
        "Reason": instance.reason,
        # eascmd w's READY column is [ready/total] (reference/eas.md §2.3).
        "ReadyProcesses": count if instance.ready else 0,
        "TotalProcesses": count,
        "RestartCount": instance.restarts,
        # GUESS: one entry per container, with Kubernetes' terminated-state field names;
        # eascmd w shows LASTSTATE as JSON with "reason: OOMKilled" for an OOM (§2.3).
        "LastState": [
            {"reason": last.reason, "exitCode": last.code, "finishedAt": rfc3339(last.at)}
        ] if last else [],
        # ListServiceInstances page examples: instance IPs 10.224.x.x, hosts 10.118.x.x.
        "InnerIP": f"10.224.{digest[0]}.{digest[1] or 1}",
        "HostIP": f"10.118.{digest[2]}.{digest[3] or 1}",
        "InstancePort": port,
        "CreateTime": rfc3339(instance.created),
        "StartTime": started,
        "StartAt": started,  # the SDK model: deprecated, "use StartTime instead"
        "IsLatest": instance.version == latest_version,
        "IsSpot": False,
        "IsReplica": False,
        "Isolated": False,
        "Detached": False,
        "InstanceType": instance_type,
        "ResourceType": "PrivateResource" if meta.get("resource") else "PublicResource",
        "Role": "Standard",
    }


def _safe_hash(text: str, length: int) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return "".join(_SAFE[byte % len(_SAFE)] for byte in digest[:length])
