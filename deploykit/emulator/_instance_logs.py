"""DescribeServiceLog: what an instance's container printed, run by run.

A healthy container prints that it started and where it listens; a restarted one printed,
in its previous run (``Previous=true``), the same and then that SIGTERM stopped it; a
crashing one prints its failure mode's last words (``_failure_modes.crash_log``) in every
run. The lines are the emulator's, in the shape of a small Python server's log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deploykit.emulator._failure_modes import CRASH_STATUS, MODES, crash_log
from deploykit.emulator._instances import Instance
from deploykit.emulator._service_view import event_time
from deploykit.emulator._store import ServiceRecord


def instance_log(record: ServiceRecord, instance: Instance, *, previous: bool = False) -> list[str]:
    """The lines of the instance's current run, or of the one before (empty if none)."""
    mode = MODES.get(record.operation.crash)
    if instance.status == CRASH_STATUS and mode is not None:
        return crash_log(mode, record.config)
    if previous:
        if instance.last_exit is None:
            return []  # the SDK: Previous "is available only if the instance restarts"
        stopped = event_time(instance.last_exit.at)
        return [*_serving(record.config, stopped), f"{stopped} INFO received SIGTERM, "
                "finishing in-flight requests", f"{stopped} INFO shut down"]
    if instance.started is None:
        return []  # not started yet
    return _serving(record.config, event_time(instance.started))


def _serving(config: Mapping[str, Any], at: str) -> list[str]:
    containers = config.get("containers")
    first = containers[0] if isinstance(containers, list) and containers else {}
    first = first if isinstance(first, Mapping) else {}
    command = str(first.get("command") or first.get("script") or "").strip().splitlines()
    port = first.get("port", 8000)
    return [
        f"{at} INFO starting: {command[0] if command else 'the processor'}",
        f"{at} INFO listening on 0.0.0.0:{port}",
    ]
