"""How EAS answers read as the cloud-free shapes of ``clients._capabilities``.

Field names are the official client's models (``alibabacloud_eas20210701/models``):
``DescribeServiceEventResponseBodyEvents`` (reference/eas.md §3.3), ``Instance``,
``ListServiceVersionsResponseBodyVersions`` and the ``Service`` struct. Times are UTC: events
as ``2006-01-02 15:04:05`` (§3.2), the others RFC 3339 (§3.3).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from pydantic import SecretStr

from deploykit.clients._capabilities import (
    InstanceState,
    LastExit,
    ServiceAccess,
    ServiceEvent,
    ServiceVersion,
)


def event_from(event: Mapping[str, Any]) -> ServiceEvent:
    return ServiceEvent(
        time=parse_time(event.get("Time")),
        type=str(event.get("Type") or ""),
        reason=str(event.get("Reason") or ""),
        message=str(event.get("Message") or ""),
        resource=str(event.get("Resource") or ""),
    )


def instance_from(instance: Mapping[str, Any]) -> InstanceState:
    return InstanceState(
        name=str(instance.get("InstanceName") or ""),
        status=str(instance.get("Status") or ""),
        reason=str(instance.get("Reason") or ""),
        # eascmd w's READY column is [ready/total] processes (reference/eas.md §2.3).
        ready=_int(instance.get("ReadyProcesses")) or 0,
        total=_int(instance.get("TotalProcesses")) or 0,
        restarts=_int(instance.get("RestartCount")) or 0,
        last_exit=last_exit(instance.get("LastState")),
        ip=str(instance.get("InnerIP") or ""),
        host_ip=str(instance.get("HostIP") or ""),
        # The SDK model: StartAt is deprecated, "use StartTime instead".
        started=parse_time(instance.get("StartTime") or instance.get("StartAt")),
    )


def last_exit(state: Any) -> LastExit | None:
    """``LastState``: the SDK types it as a list of objects without naming their fields, and
    ``eascmd w`` shows it as JSON with ``reason: OOMKilled`` (§2.3). GUESS: Kubernetes'
    terminated-state fields (``reason``, ``exitCode``), flat or under ``terminated``, in the
    first entry (the first container)."""
    entry = state[0] if isinstance(state, list) and state else state
    if isinstance(entry, Mapping) and isinstance(entry.get("terminated"), Mapping):
        entry = entry["terminated"]
    if not isinstance(entry, Mapping) or not entry.get("reason"):
        return None
    return LastExit(str(entry["reason"]), _int(entry.get("exitCode")))


def version_from(version: Mapping[str, Any], serving: int | None) -> ServiceVersion:
    # The model has no Version field; ImageId (an integer) is the version number — GUESS,
    # the one integer id it carries, as the emulator answers (emulator/eas/_versions.py).
    number = _int(version.get("ImageId")) or 0
    return ServiceVersion(
        number=number,
        built=parse_time(version.get("BuildTime")),
        serving=number == serving,
        image=config_image(version.get("ServiceConfig")),
        # The SDK documents ServiceRunnable as "true" | "false" | "unknown".
        runnable={"true": True, "false": False}.get(str(version.get("ServiceRunnable"))),
        message=str(version.get("Message") or ""),
    )


def config_image(config: Any) -> str:
    """What a version runs: the first container's image, or the processor (§1.1)."""
    if isinstance(config, str):
        try:
            config = json.loads(config)
        except ValueError:
            return ""
    if not isinstance(config, Mapping):
        return ""
    containers = config.get("containers")
    if isinstance(containers, list) and containers and isinstance(containers[0], Mapping):
        return str(containers[0].get("image") or "")
    return str(config.get("processor") or "")


def access_from(service: Mapping[str, Any]) -> ServiceAccess:
    """reference/eas.md §3.7: the endpoints DescribeService gives, and the service token,
    sent in ``Authorization``."""
    token = service.get("AccessToken")
    return ServiceAccess(
        internet=str(service.get("InternetEndpoint") or "") or None,
        intranet=str(service.get("IntranetEndpoint") or "") or None,
        token=SecretStr(str(token)) if token else None,
        token_header="Authorization",  # noqa: S106 - a header name
    )


def parse_time(value: Any) -> datetime | None:
    """A UTC time in either form; None for anything else (shown as empty, never a crash)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _int(value: Any) -> int | None:
    try:
        return None if value in (None, "") else int(value)
    except (TypeError, ValueError):
        return None
