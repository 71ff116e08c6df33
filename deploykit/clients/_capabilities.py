"""What a platform's client may do besides :class:`~deploykit.clients._api.ServiceClient`'s
create/describe/update…, each a small protocol, and the cloud-free shapes they answer in.

    EventReader       the service's events (why it is in the state it is in)
    InstanceReader    its instances: status, readiness, restarts, how each last exited
    LogReader         the last lines of one instance's log
    VersionSwitcher   its versions, and serving an older one again (a rollback)
    Restarter         restarting its instances
    Invoker           calling the service's own endpoint with its token

A platform's client implements the ones its API has (PAI-EAS: all of them); a command that
needs one a platform lacks says so (``deploy.operations.require``). Each client turns its own
answers into these shapes, so commands and renderers never read a cloud's field names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol, runtime_checkable

from pydantic import SecretStr

from deploykit.clients._api import Reply


def iso_time(moment: datetime | None) -> str | None:
    """A UTC time as JSON output gives it: RFC 3339, ``2026-11-22T03:00:00Z``."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class ServiceEvent:
    """One event: ``type`` is ``Normal`` or ``Warning``; ``resource`` what it is about
    (``Service``, or ``Pod`` for an instance; empty where the platform does not say)."""

    time: datetime | None
    type: str
    reason: str
    message: str
    resource: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"time": iso_time(self.time), "type": self.type, "reason": self.reason,
                "resource": self.resource, "message": self.message}


@dataclass(frozen=True)
class LastExit:
    """How an instance's container last ended (``OOMKilled`` and 137, ``Error`` and 1, …)."""

    reason: str
    exit_code: int | None = None


@dataclass(frozen=True)
class InstanceState:
    """One instance of a service, as ``eascmd w`` shows it (reference/eas.md §2.3)."""

    name: str
    status: str
    reason: str = ""
    ready: int = 0  # processes (containers) ready, of ``total``
    total: int = 0
    restarts: int = 0
    last_exit: LastExit | None = None
    ip: str = ""
    host_ip: str = ""
    started: datetime | None = None

    @property
    def is_ready(self) -> bool:
        return self.total > 0 and self.ready >= self.total

    def as_dict(self) -> dict[str, Any]:
        last = self.last_exit
        return {
            "name": self.name, "status": self.status, "reason": self.reason,
            "ready": self.ready, "total": self.total, "restarts": self.restarts,
            "last_state": None if last is None else {"reason": last.reason,
                                                     "exit_code": last.exit_code},
            "ip": self.ip, "host_ip": self.host_ip, "started": iso_time(self.started),
        }


@dataclass(frozen=True)
class ServiceVersion:
    """One version of a service; ``serving``: the one its instances run now."""

    number: int
    built: datetime | None = None
    serving: bool = False
    image: str = ""
    runnable: bool | None = None  # None: the platform does not know
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.number, "serving": self.serving, "built": iso_time(self.built),
                "image": self.image, "runnable": self.runnable, "message": self.message}


@dataclass(frozen=True)
class ServiceAccess:
    """Where a service answers, and the credential it wants: the header ``token_header``
    carrying ``token`` (a secret: never printed, never logged)."""

    internet: str | None
    intranet: str | None
    token: SecretStr | None = None
    token_header: str = "Authorization"  # noqa: S105 - a header name


@dataclass(frozen=True)
class ServiceRequest:
    """A request to a service's own endpoint. Credentials stay apart, as secrets, until the
    request is sent."""

    url: str
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    secret_headers: Mapping[str, SecretStr] = field(default_factory=dict)
    method: str = "POST"


@dataclass(frozen=True)
class ServiceAnswer:
    status: int
    reason: str
    content_type: str
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@runtime_checkable
class EventReader(Protocol):
    def service_events(
        self, name: str, *, event_type: str | None = None, since: datetime | None = None
    ) -> list[ServiceEvent]:
        """The service's events, oldest first; only ``event_type`` ones, only since ``since``
        when given (``NotFoundError`` for a service that does not exist)."""
        ...


@runtime_checkable
class InstanceReader(Protocol):
    def service_instances(self, name: str) -> list[InstanceState]: ...


@runtime_checkable
class LogReader(Protocol):
    def instance_log(
        self, name: str, instance: str, *, keyword: str | None = None, lines: int = 100,
        previous: bool = False,
    ) -> list[str]:
        """The last ``lines`` lines of ``instance``'s log (of its run before the last restart
        with ``previous``), oldest first; only those containing ``keyword`` when given."""
        ...


@runtime_checkable
class VersionSwitcher(Protocol):
    def service_versions(self, name: str) -> list[ServiceVersion]:
        """Every version, newest first."""
        ...

    def switch_version(self, name: str, version: int) -> Reply:
        """Serve ``version`` again; sent once even if its answer is lost."""
        ...


@runtime_checkable
class Restarter(Protocol):
    def restart(self, name: str) -> Reply: ...


@runtime_checkable
class Invoker(Protocol):
    def service_access(self, name: str) -> ServiceAccess:
        """The service's endpoints and token (``NotFoundError`` when there is no service)."""
        ...

    def call_service(self, request: ServiceRequest) -> ServiceAnswer:
        """Send ``request`` once (an inference is not known to be safe to repeat), over the
        connection the client was built with, logged like management calls (redacted)."""
        ...
