"""The PAI-EAS management API (OpenAPI 2021-07-01, ROA style): one method per operation.

Paths, queries and bodies are reference/eas.md §3.2; ``ClusterId`` in every path is the
region (§0.1). Requests are signed by :class:`Acs3Auth` (given to the httpx client), sent and
retried by the :class:`ApiClient` core, and spoken in the :data:`EAS_DIALECT` (headers, error
codes, ``x-acs-retry-after``). This module also says how a DescribeService answer reads as
normalized :class:`Progress`: the EAS status table lives here.

Some calls are not blindly retried because a lost answer hides whether they took effect:

* ``create``: after an unknown outcome the service is described by name before anything is
  sent again, so a service is never created twice; a name that was taken before our first
  request is a ``ConflictError``, never an update of someone else's service.
* ``delete``, ``start``, ``stop``: after an unknown outcome, a service already gone, started
  or stopped (or on its way there) counts as done; resending would be refused as a conflict.
* ``restart``: the instances ready before the request are noted first; after an unknown
  outcome, a service that shows a rollout under way, or one of those instances gone or with
  a higher RestartCount, counts as restarted. Otherwise it is sent again: a restart cannot be
  told from its absence once it is over, and restarting twice loses nothing.
* ``switch_version``: after an unknown outcome, a service whose CurrentVersion is the one
  asked for counts as switched; otherwise it is sent again — switching to one version twice
  rolls out the same configuration, as a repeated ``update`` does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

import httpx

from deploykit.clients._api import ApiClient, Reply
from deploykit.clients._capabilities import (
    InstanceState,
    ServiceAccess,
    ServiceAnswer,
    ServiceEvent,
    ServiceRequest,
    ServiceVersion,
)
from deploykit.clients._http import timeout_within
from deploykit.clients._invoke import ServiceCaller
from deploykit.clients._retry import RetryableFailure, RetryPolicy
from deploykit.clients._wait import Phase, Progress
from deploykit.clients.alibaba._dialect import EAS_DIALECT
from deploykit.clients.alibaba._readings import (
    access_from,
    event_from,
    instance_from,
    version_from,
)
from deploykit.errors import ConfigError, NotFoundError, SpecError

# reference/eas.md §3.2 (ListServices): PageSize defaults to 100.
LIST_PAGE_SIZE = 100
# Statuses showing that a delete, start or stop already took effect (reference/eas.md §3.4).
DELETING_STATES = frozenset({"Deleting", "Deleted"})
STARTED_STATES = frozenset({"Starting", "Waiting", "Running"})
STOPPED_STATES = frozenset({"Stopping", "Stopped"})
# GUESS (§3.4 has no Restarting): statuses of a service whose restart is under way — a
# rolling restart shows as an update, a failed service's instances start afresh.
RESTARTING_STATES = frozenset({"Updating", "Starting", "Waiting"})
# reference/eas.md §3.2: DescribeServiceEvent pages by PageNum, 100 events a page by default;
# one events() call reads at most this many pages (the newest, when there are more).
MAX_EVENT_PAGES = 10
# SDK DescribeServiceLogRequest: PageSize "Default value: 500".
LOG_LINES = 500
# reference/eas.md §3.2: DescribeServiceEvent StartTime/EndTime, UTC.
EVENT_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# reference/eas.md §3.4: what each ServiceStatus means to a wait; every other status of the
# enum (Creating, Waiting, Updating, Scaling, …) is on its way somewhere.
PHASES: Mapping[str, Phase] = {
    "Running": Phase.RUNNING,
    "Stopped": Phase.STOPPED,
    "Failed": Phase.FAILED,
    "DeleteFailed": Phase.DELETE_FAILED,
}


def regional_host(region: str) -> str:
    """reference/eas.md §3.1: the EndpointMap gives ``pai-eas.<region>.aliyuncs.com``."""
    return f"pai-eas.{region}.aliyuncs.com"


class EasClient(ApiClient):
    """The EAS management API of one region, over an httpx client built by ``_http``."""

    def __init__(
        self,
        http: httpx.Client,
        region: str,
        *,
        policy: RetryPolicy | None = None,
        on_retry: Callable[[RetryableFailure, float], None] | None = None,
        caller: ServiceCaller | None = None,
    ) -> None:
        super().__init__(http, EAS_DIALECT, policy=policy, on_retry=on_retry)
        self.region = region
        # Reaches the services' own endpoints (invoke), over the same transport.
        self._caller = caller or ServiceCaller()

    # -- operations ---------------------------------------------------------------------

    def create(self, spec: Mapping[str, Any]) -> Reply:
        """CreateService, ``POST /api/v2/services`` with the service JSON as the body.

        A name taken before our first request is a ``ConflictError``: never an update.
        """
        name = service_name(spec)

        def created() -> Reply | None:
            found = self.find(name)
            if found is None:
                return None
            return Reply(str(found.get("RequestId") or ""), body=found, resolved_by_describe=True)

        return self.once_only(
            lambda: self.send("CreateService", "POST", "/api/v2/services", body=spec,
                              retry=False),
            settled=created,
        )

    def describe(self, name: str) -> dict[str, Any]:
        """DescribeService; ``NotFoundError`` when there is no such service."""
        return dict(self.send("DescribeService", "GET", self._path(name)).body)

    def find(self, name: str) -> dict[str, Any] | None:
        """DescribeService, with None for a service that does not exist."""
        try:
            return self.describe(name)
        except NotFoundError:
            return None

    def update(self, name: str, spec: Mapping[str, Any], *, replace: bool = False) -> Reply:
        """UpdateService: merge by default, ``UpdateType=replace`` replaces (reference §3.5).

        Safe to resend: applying the same configuration twice leaves the same configuration.
        """
        return self.send(
            "UpdateService",
            "PUT",
            self._path(name),
            params={"UpdateType": "replace"} if replace else None,
            body=spec,
        )

    def delete(self, name: str, *, with_model: bool = False) -> Reply:
        """DeleteService; after an unknown outcome, a service gone or going counts as deleted."""
        if with_model:
            raise ConfigError("--with-model is for ModelArts",
                              hint="an EAS service has no separate model: delete it alone")
        return self.once_only(
            lambda: self.send("DeleteService", "DELETE", self._path(name), retry=False),
            settled=lambda: self._settled(name, DELETING_STATES, "is terminating", gone_ok=True),
        )

    def list_services(self, *, name_filter: str | None = None) -> Iterator[dict[str, Any]]:
        """ListServices, every page (PageNumber from 1, reference/eas.md §3.2)."""
        params = {"Filter": name_filter} if name_filter else {}
        yield from self._pages("ListServices", "/api/v2/services", "Services", params)

    def start(self, name: str) -> Reply:
        """StartService; after an unknown outcome, a service starting or running is started."""
        return self.once_only(
            lambda: self.send("StartService", "PUT", self._path(name, "start"), retry=False),
            settled=lambda: self._settled(name, STARTED_STATES, "is starting"),
        )

    def stop(self, name: str) -> Reply:
        """StopService; after an unknown outcome, a service stopping or stopped is stopped."""
        return self.once_only(
            lambda: self.send("StopService", "PUT", self._path(name, "stop"), retry=False),
            settled=lambda: self._settled(name, STOPPED_STATES, "is stopping"),
        )

    def scale(self, name: str, instances: int) -> Reply:
        """ScaleService; the body is ``{"Instance": N}`` (reference/eas.md §3.2)."""
        return self.send("ScaleService", "PUT", self._path(name, "scale"),
                         body={"Instance": instances})

    def events(
        self,
        name: str,
        *,
        event_type: str | None = None,
        instance: str | None = None,
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        page_size: int = LIST_PAGE_SIZE,
    ) -> list[dict[str, Any]]:
        """DescribeServiceEvent (``Time``, ``Type`` Normal|Warning, ``Reason``, ``Message``,
        ``Resource`` Service|Pod; reference/eas.md §3.3), oldest first.

        Every page up to ``MAX_EVENT_PAGES``; past that, the newest pages (the ones that
        explain what is happening now). The server's default window is the last 7 days;
        ``start_time``/``end_time`` narrow it (naive datetimes are local time).
        """
        params = {"PageSize": str(page_size)}
        for key, value in (("EventType", event_type), ("InstanceName", instance),
                           ("StartTime", _event_time(start_time)),
                           ("EndTime", _event_time(end_time))):
            if value:
                params[key] = value

        path = self._path(name, "events")
        first = self._page_num("DescribeServiceEvent", path, params, 1)
        pages = int(first.get("TotalPageNum") or 1)
        events = list(first.get("Events") or []) if pages <= MAX_EVENT_PAGES else []
        for number in range(max(2, pages - MAX_EVENT_PAGES + 1), pages + 1):
            page = self._page_num("DescribeServiceEvent", path, params, number)
            events.extend(page.get("Events") or [])
        return events

    def instances(self, name: str) -> list[dict[str, Any]]:
        """ListServiceInstances, every page: the SDK ``Instance`` fields (``InstanceName``,
        ``Status``, ``Reason``, ``ReadyProcesses``/``TotalProcesses``, ``RestartCount``,
        ``LastState``, ``InnerIP``, ``HostIP``, ``StartTime``, ``IsLatest``, …)."""
        return list(self._pages("ListServiceInstances", self._path(name, "instances"),
                                "Instances"))

    def logs(
        self,
        name: str,
        instance: str,
        *,
        keyword: str | None = None,
        limit: int = LOG_LINES,
        previous: bool = False,
    ) -> list[str]:
        """DescribeServiceLog: the last ``limit`` lines of ``instance``'s log, oldest first;
        ``previous`` reads the run before its last restart (where a crash left its traceback),
        ``keyword`` keeps the lines containing it. Pages are taken to be in time order."""
        if limit < 1:
            raise ValueError("limit must be at least 1")
        params = {"InstanceName": instance, "PageSize": str(limit)}
        if keyword:
            params["Keyword"] = keyword
        if previous:
            params["Previous"] = "true"

        path = self._path(name, "logs")
        first = self._page_num("DescribeServiceLog", path, params, 1)
        pages = int(first.get("TotalPageNum") or 1)
        if pages == 1:
            return list(first.get("Logs") or [])
        # The last `limit` lines straddle at most the last two pages.
        before = first if pages == 2 else self._page_num("DescribeServiceLog", path, params,
                                                           pages - 1)
        last = self._page_num("DescribeServiceLog", path, params, pages)
        lines = [*(before.get("Logs") or []), *(last.get("Logs") or [])]
        return lines[-limit:]

    def versions(self, name: str) -> list[dict[str, Any]]:
        """ListServiceVersions, every page: ``ImageId`` (the version number), ``BuildTime``,
        ``ServiceConfig`` (a JSON string), ``ImageAvailable``, ``ServiceRunnable``,
        ``Message`` (SDK ``ListServiceVersionsResponseBodyVersions``)."""
        return list(self._pages("ListServiceVersions", self._path(name, "versions"),
                                "Versions"))

    def switch_version(self, name: str, version: int) -> Reply:
        """UpdateServiceVersion, ``PUT …/version`` with ``{"Version": N}`` (§3.2): serve
        version N again (a rollback); LatestVersion stays the newest."""

        def switched() -> Reply | None:
            found = self.find(name)
            if found is None or found.get("CurrentVersion") != version:
                return None
            return Reply(str(found.get("RequestId") or ""),
                         f"Service [{name}] serves version [{version}]")

        return self.once_only(
            lambda: self.send("UpdateServiceVersion", "PUT", self._path(name, "version"),
                              body={"Version": version}, retry=False),
            settled=switched,
        )

    def restart(self, name: str) -> Reply:
        """RestartService, ``PUT …/restart`` (§3.2); safe under a lost answer (above)."""
        before = self._restart_counts(name, running_only=True)

        def restarted() -> Reply | None:
            found = self.find(name)
            if found is None:
                return None
            if found.get("Status") not in RESTARTING_STATES:
                now = self._restart_counts(name)
                if all(now.get(n, -1) == count for n, count in before.items()):
                    return None
            return Reply(str(found.get("RequestId") or ""),
                         f"Service [{name}] in region [{self.region}] is restarting")

        return self.once_only(
            lambda: self.send("RestartService", "PUT", self._path(name, "restart"),
                              retry=False),
            settled=restarted,
        )

    # -- capabilities (clients._capabilities): the operations above in deploykit's shapes --

    def service_events(
        self, name: str, *, event_type: str | None = None, since: datetime | None = None
    ) -> list[ServiceEvent]:
        events = self.events(name, event_type=event_type, start_time=since)
        return [event_from(e) for e in events]

    def service_instances(self, name: str) -> list[InstanceState]:
        return [instance_from(i) for i in self.instances(name)]

    def instance_log(
        self, name: str, instance: str, *, keyword: str | None = None, lines: int = 100,
        previous: bool = False,
    ) -> list[str]:
        found = self.logs(name, instance, keyword=keyword, limit=lines, previous=previous)
        return [str(line) for line in found]

    def service_versions(self, name: str) -> list[ServiceVersion]:
        """ListServiceVersions, with the one DescribeService calls CurrentVersion marked."""
        serving = _version(self.describe(name).get("CurrentVersion"))
        return [version_from(v, serving) for v in self.versions(name)]

    def service_access(self, name: str) -> ServiceAccess:
        return access_from(self.describe(name))

    def call_service(self, request: ServiceRequest) -> ServiceAnswer:
        return self._caller.send(request, timeout=timeout_within(self.policy.remaining()))

    # -- reading answers ------------------------------------------------------------------

    @staticmethod
    def progress(service: Mapping[str, Any] | None) -> Progress:
        """A DescribeService answer (reference/eas.md §3.3) as the waiter sees it."""
        if service is None:
            return Progress.gone()
        status = str(service.get("Status") or "Unknown")
        return Progress(
            status=status,
            phase=PHASES.get(status, Phase.PROGRESSING),
            total=_count(service.get("TotalInstance")),
            pending=_count(service.get("PendingInstance")),
            running=_count(service.get("RunningInstance")),
            message=str(service.get("Message") or ""),
            current_version=_version(service.get("CurrentVersion")),
            latest_version=_version(service.get("LatestVersion")),
        )

    @staticmethod
    def live_spec(service: Mapping[str, Any]) -> dict[str, Any]:
        """The live service JSON: DescribeService's ``ServiceConfig`` is a string (§3.3)."""
        raw = service.get("ServiceConfig")
        if isinstance(raw, Mapping):
            return dict(raw)
        if isinstance(raw, str) and raw.strip():
            try:
                parsed = json.loads(raw)
            except ValueError:
                return {}
            return parsed if isinstance(parsed, dict) else {}
        return {}

    # -- plumbing -----------------------------------------------------------------------

    def _path(self, name: str, *tail: str) -> str:
        # reference/eas.md §3.1: path segments are percent-encoded by the SDK.
        parts = [quote(self.region, safe=""), quote(name, safe=""), *tail]
        return "/api/v2/services/" + "/".join(parts)

    def _restart_counts(self, name: str, *, running_only: bool = False) -> dict[str, int]:
        return {
            str(i.get("InstanceName")): int(i.get("RestartCount") or 0)
            for i in self.instances(name)
            if not running_only or i.get("Status") == "Running"
        }

    def _pages(
        self, action: str, path: str, key: str, params: Mapping[str, str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of a list paged by PageNumber/PageSize with a TotalCount (§3.2)."""

        def read(page: int) -> Mapping[str, Any]:
            query = {**(params or {}), "PageNumber": str(page), "PageSize": str(LIST_PAGE_SIZE)}
            return self.send(action, "GET", path, params=query).body

        return self.pages(read, first=1, items=key, total="TotalCount", size=LIST_PAGE_SIZE)

    def _page_num(
        self, action: str, path: str, params: Mapping[str, str], number: int
    ) -> Mapping[str, Any]:
        """One page of a list paged by PageNum (§3.2: events and logs)."""
        return self.send(action, "GET", path, params={**params, "PageNum": str(number)}).body

    def _settled(
        self, name: str, states: frozenset[str], doing: str, *, gone_ok: bool = False
    ) -> Reply | None:
        """The answer an operation would have given, if the service shows it took effect."""
        found = self.find(name)
        if (found is None and gone_ok) or (found is not None and found.get("Status") in states):
            return Reply(str((found or {}).get("RequestId") or ""),
                         f"Service [{name}] in region [{self.region}] {doing}")
        return None


def service_name(spec: Mapping[str, Any]) -> str:
    """``metadata.name`` (or the legacy top-level ``name``, reference/eas.md §1.9)."""
    metadata = spec.get("metadata")
    name = metadata.get("name") if isinstance(metadata, Mapping) else None
    name = name or spec.get("name")
    if not isinstance(name, str) or not name:
        raise SpecError("the spec has no metadata.name", hint="set metadata.name in the spec")
    return name


def _event_time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime(EVENT_TIME_FORMAT)


def _count(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _version(value: Any) -> int | None:
    try:
        return None if value in (None, "") else int(value)
    except (TypeError, ValueError):
        return None
