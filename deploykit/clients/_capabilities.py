"""What a cloud's client may offer beyond :class:`~deploykit.clients._api.ServiceClient`.

    Diagnosable       what a failing service shows: its Warning events, its instances, an
                      instance's log, as the records below (``deploy/diagnosis.py`` reads them
                      to explain a failed or timed-out wait)
    VersionSwitching  serve an earlier version again (``apply --rollback-on-failure``)

Both are optional: deploy code asks ``isinstance(client, Diagnosable)`` and does without when
a platform has no such API. The records are cloud-free; each cloud's client maps its own
answers to them (``clients/alibaba/_records.py`` for EAS).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from deploykit.clients._api import Reply


@dataclass(frozen=True)
class ServiceEvent:
    """One event of a service. ``time`` is the cloud's own text (UTC)."""

    time: str
    type: str  # Normal | Warning
    reason: str
    message: str
    resource: str = ""  # what it is about: the service, or one of its instances

    @property
    def warning(self) -> bool:
        return self.type.lower() == "warning"


@dataclass(frozen=True)
class InstanceState:
    """One instance (a pod) of a service, and how its container last ended."""

    name: str
    status: str
    ready: bool
    reason: str = ""
    restarts: int = 0
    last_exit_code: int | None = None
    last_reason: str = ""  # why it last ended: Error, OOMKilled, Completed, …


@runtime_checkable
class Diagnosable(Protocol):
    """A client that can say what a service is going through."""

    def bounded(self, deadline: float) -> Diagnosable:
        """This client, its calls (retries included) ending by ``deadline`` (a
        ``time.monotonic()`` value)."""
        ...

    def warning_events(self, name: str, *, since: datetime) -> list[ServiceEvent]:
        """The Warning events of ``name`` since ``since``, oldest first (the newest page)."""
        ...

    def instance_states(self, name: str) -> list[InstanceState]: ...

    def log_tail(
        self, name: str, instance: str, *, lines: int, previous: bool = False
    ) -> list[str]:
        """The last ``lines`` lines of ``instance``'s log, oldest first; ``previous``: of the
        run before its last restart."""
        ...


@runtime_checkable
class VersionSwitching(Protocol):
    """A client of a platform that keeps versions of a service and can serve an earlier one."""

    def switch_version(self, name: str, version: int) -> Reply: ...
