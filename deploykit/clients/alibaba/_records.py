"""EAS answers as the cloud-free records of ``clients._capabilities``.

Field names are the official client's models (``alibabacloud_eas20210701``):
``DescribeServiceEventResponseBodyEvents`` (``Time``, ``Type``, ``Reason``, ``Message``,
``Resource``; reference/eas.md §3.3) and ``Instance`` (``InstanceName``, ``Status``,
``Reason``, ``ReadyProcesses``/``TotalProcesses``, ``RestartCount``, ``LastState``).
Answers are read defensively: a field missing or of another type gives an empty value, never
an exception, since what reads them is already explaining a failure.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from deploykit.clients._capabilities import InstanceState, ServiceEvent


def event_record(event: Mapping[str, Any]) -> ServiceEvent:
    return ServiceEvent(
        time=_text(event.get("Time")),
        type=_text(event.get("Type")),
        reason=_text(event.get("Reason")),
        message=_text(event.get("Message")),
        resource=_text(event.get("Resource")),
    )


def instance_record(instance: Mapping[str, Any]) -> InstanceState:
    status = _text(instance.get("Status"))
    ready, total = _int(instance.get("ReadyProcesses")), _int(instance.get("TotalProcesses"))
    code, reason = _last_exit(instance.get("LastState"))
    return InstanceState(
        name=_text(instance.get("InstanceName")),
        status=status,
        # eascmd w's READY column is [ready/total] (reference/eas.md §2.3).
        ready=status == "Running" and (ready is None or total is None or ready >= total),
        reason=_text(instance.get("Reason")),
        restarts=_int(instance.get("RestartCount")) or 0,
        last_exit_code=code,
        last_reason=reason,
    )


def _last_exit(last_state: Any) -> tuple[int | None, str]:
    """(exit code, reason) of the container's last end. reference/eas.md §2.3: eascmd w shows
    LASTSTATE as JSON with ``reason: OOMKilled``. GUESS: the entries are Kubernetes'
    terminated states, flat (``{"reason", "exitCode"}``) or under ``terminated``; the first
    one with an exit code wins."""
    for state in _mappings(last_state):
        terminated = state.get("terminated")
        for candidate in (terminated, state) if isinstance(terminated, Mapping) else (state,):
            code = _int(candidate.get("exitCode"))
            if code is not None:
                return code, _text(candidate.get("reason"))
    return None, ""


def _mappings(value: Any) -> Iterator[Mapping[str, Any]]:
    items = value if isinstance(value, list) else [value]
    yield from (item for item in items if isinstance(item, Mapping))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return None if value in (None, "") else int(value)
    except (TypeError, ValueError):
        return None
