"""The PAI-EAS management API (OpenAPI 2021-07-01, ROA style): one method per operation.

Paths, queries and bodies are reference/eas.md §3.2; ``ClusterId`` in every path is the
region (§0.1). Each call is signed by :class:`Acs3Auth`, retried by the shared
:class:`RetryPolicy`, and its errors are deploykit's typed errors carrying the server's
``Code``, ``Message`` and ``RequestId``.

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
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from deploykit.clients._retry import RetryableFailure, RetryPolicy, RetryStats, transport_failure
from deploykit.clients.alibaba._errors import error_from_response
from deploykit.errors import ApiError, ConflictError, NotFoundError, SpecError

T = TypeVar("T")

API_VERSION = "2021-07-01"  # reference/eas.md §3.1
# reference/eas.md §3.2 (ListServices): PageSize defaults to 100.
LIST_PAGE_SIZE = 100
# reference/eas.md §3.1: the SDK sends JSON bodies with this content type.
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
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


def regional_host(region: str) -> str:
    """reference/eas.md §3.1: the EndpointMap gives ``pai-eas.<region>.aliyuncs.com``."""
    return f"pai-eas.{region}.aliyuncs.com"


@dataclass(frozen=True)
class ServiceRef:
    """What CreateService answers (reference/eas.md §3.3), plus whether a retry resolved it."""

    body: Mapping[str, Any]
    resolved_by_describe: bool = False

    @property
    def request_id(self) -> str:
        return str(self.body.get("RequestId") or "")


class EasClient:
    """The EAS management API of one region, over an httpx client built by ``_http``."""

    def __init__(
        self,
        http: httpx.Client,
        region: str,
        *,
        policy: RetryPolicy | None = None,
        on_retry: Callable[[RetryableFailure, float], None] | None = None,
    ) -> None:
        self.http = http
        self.region = region
        self.policy = policy or RetryPolicy()
        self.stats = RetryStats()
        self._on_retry = on_retry

    # -- operations ---------------------------------------------------------------------

    def create(self, spec: Mapping[str, Any]) -> ServiceRef:
        """CreateService, ``POST /api/v2/services`` with the service JSON as the body.

        A name taken before our first request is a ``ConflictError``: never an update.
        """
        name = service_name(spec)
        body = json.dumps(spec, ensure_ascii=False)

        def created() -> ServiceRef | None:
            found = self.find(name)
            return None if found is None else ServiceRef(found, resolved_by_describe=True)

        return self._once_only(
            lambda: ServiceRef(self._once("CreateService", "POST", "/api/v2/services", body=body)),
            settled=created,
        )

    def describe(self, name: str) -> dict[str, Any]:
        """DescribeService; ``NotFoundError`` when there is no such service."""
        return self._call("DescribeService", "GET", self._path(name))

    def find(self, name: str) -> dict[str, Any] | None:
        """DescribeService, with None for a service that does not exist."""
        try:
            return self.describe(name)
        except NotFoundError:
            return None

    def update(
        self, name: str, spec: Mapping[str, Any], *, replace: bool = False
    ) -> dict[str, Any]:
        """UpdateService: merge by default, ``UpdateType=replace`` replaces (reference §3.5).

        Safe to resend: applying the same configuration twice leaves the same configuration.
        """
        return self._call(
            "UpdateService",
            "PUT",
            self._path(name),
            params={"UpdateType": "replace"} if replace else None,
            body=json.dumps(spec, ensure_ascii=False),
        )

    def delete(self, name: str) -> dict[str, Any]:
        """DeleteService; after an unknown outcome, a service gone or going counts as deleted."""
        return self._once_only(
            lambda: self._once("DeleteService", "DELETE", self._path(name)),
            settled=lambda: self._settled(name, DELETING_STATES, "is terminating", gone_ok=True),
        )

    def list_services(self, *, name_filter: str | None = None) -> Iterator[dict[str, Any]]:
        """ListServices, every page (PageNumber from 1, reference/eas.md §3.2)."""
        params = {"Filter": name_filter} if name_filter else {}
        yield from self._pages("ListServices", "/api/v2/services", "Services", params)

    def start(self, name: str) -> dict[str, Any]:
        """StartService; after an unknown outcome, a service starting or running is started."""
        return self._once_only(
            lambda: self._once("StartService", "PUT", self._path(name, "start")),
            settled=lambda: self._settled(name, STARTED_STATES, "is starting"),
        )

    def stop(self, name: str) -> dict[str, Any]:
        """StopService; after an unknown outcome, a service stopping or stopped is stopped."""
        return self._once_only(
            lambda: self._once("StopService", "PUT", self._path(name, "stop")),
            settled=lambda: self._settled(name, STOPPED_STATES, "is stopping"),
        )

    def scale(self, name: str, instances: int) -> dict[str, Any]:
        """ScaleService; the body is ``{"Instance": N}`` (reference/eas.md §3.2)."""
        body = json.dumps({"Instance": instances})
        return self._call("ScaleService", "PUT", self._path(name, "scale"), body=body)

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

    def switch_version(self, name: str, version: int) -> dict[str, Any]:
        """UpdateServiceVersion, ``PUT …/version`` with ``{"Version": N}`` (§3.2): serve
        version N again (a rollback); LatestVersion stays the newest."""
        body = json.dumps({"Version": version})

        def switched() -> dict[str, Any] | None:
            found = self.find(name)
            if found is None or found.get("CurrentVersion") != version:
                return None
            return {"RequestId": str(found.get("RequestId") or ""),
                    "Message": f"Service [{name}] serves version [{version}]"}

        return self._once_only(
            lambda: self._once("UpdateServiceVersion", "PUT", self._path(name, "version"),
                               body=body),
            settled=switched,
        )

    def restart(self, name: str) -> dict[str, Any]:
        """RestartService, ``PUT …/restart`` (§3.2); safe under a lost answer (above)."""
        before = {
            str(i.get("InstanceName")): int(i.get("RestartCount") or 0)
            for i in self.instances(name)
            if i.get("Status") == "Running"
        }

        def restarted() -> dict[str, Any] | None:
            found = self.find(name)
            if found is None:
                return None
            if found.get("Status") not in RESTARTING_STATES:
                now = {str(i.get("InstanceName")): int(i.get("RestartCount") or 0)
                       for i in self.instances(name)}
                if all(now.get(n, -1) == count for n, count in before.items()):
                    return None
            return {"RequestId": str(found.get("RequestId") or ""),
                    "Message": f"Service [{name}] in region [{self.region}] is restarting"}

        return self._once_only(
            lambda: self._once("RestartService", "PUT", self._path(name, "restart")),
            settled=restarted,
        )

    # -- plumbing -----------------------------------------------------------------------

    def _path(self, name: str, *tail: str) -> str:
        # reference/eas.md §3.1: path segments are percent-encoded by the SDK.
        parts = [quote(self.region, safe=""), quote(name, safe=""), *tail]
        return "/api/v2/services/" + "/".join(parts)

    def _pages(
        self, action: str, path: str, key: str, params: Mapping[str, str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of a list paged by PageNumber/PageSize with a TotalCount (§3.2)."""
        page = 1
        seen = 0
        while True:
            query = {**(params or {}), "PageNumber": str(page), "PageSize": str(LIST_PAGE_SIZE)}
            body = self._call(action, "GET", path, params=query)
            items = body.get(key) or []
            yield from items
            seen += len(items)
            total = body.get("TotalCount")
            # Without a TotalCount, a short page is the last one.
            last = seen >= int(total) if total is not None else len(items) < LIST_PAGE_SIZE
            if not items or last:
                return
            page += 1

    def _page_num(
        self, action: str, path: str, params: Mapping[str, str], number: int
    ) -> dict[str, Any]:
        """One page of a list paged by PageNum (§3.2: events and logs)."""
        return self._call(action, "GET", path, params={**params, "PageNum": str(number)})

    def _once_only(self, send: Callable[[], T], *, settled: Callable[[], T | None]) -> T:
        """Send a request that must not be repeated blindly.

        After an attempt whose outcome is unknown (a lost answer, a 5xx), ``settled()`` asks
        the service whether it already took effect — a result means yes — before anything
        is sent again. A conflict or not-found answer to a resend is checked the same way;
        to a first send it is the truth (e.g. the name was taken before we came).
        """
        unknown = False

        def attempt() -> T:
            nonlocal unknown
            if unknown and (done := settled()) is not None:
                return done
            try:
                return send()
            except RetryableFailure as failure:
                unknown = unknown or failure.maybe_applied
                raise
            except (ConflictError, NotFoundError):
                if unknown and (done := settled()) is not None:
                    return done
                raise

        return self._retrying(attempt)

    def _settled(
        self, name: str, states: frozenset[str], doing: str, *, gone_ok: bool = False
    ) -> dict[str, Any] | None:
        """The answer an operation would have given, if the service shows it took effect."""
        found = self.find(name)
        if (found is None and gone_ok) or (found is not None and found.get("Status") in states):
            return {"RequestId": str((found or {}).get("RequestId") or ""),
                    "Message": f"Service [{name}] in region [{self.region}] {doing}"}
        return None

    def _call(
        self,
        action: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: str | None = None,
    ) -> dict[str, Any]:
        return self._retrying(lambda: self._once(action, method, path, params=params, body=body))

    def _retrying(self, attempt: Callable[[], T]) -> T:
        return self.policy.run(attempt, stats=self.stats, on_retry=self._on_retry)

    def _once(
        self,
        action: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: str | None = None,
    ) -> dict[str, Any]:
        """Send one signed request; the answer's JSON, or a typed error / RetryableFailure."""
        headers = {"x-acs-action": action, "x-acs-version": API_VERSION}
        if body is not None:
            headers["content-type"] = JSON_CONTENT_TYPE
        try:
            response = self.http.request(
                method,
                path,
                params=dict(params) if params else None,
                content=body.encode() if body is not None else None,
                headers=headers,
            )
        except httpx.TransportError as err:
            raise transport_failure(err, action) from None
        if response.status_code >= 400:
            error = error_from_response(response, action)
            raise error
        return _json_body(response, action)


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


def _json_body(response: httpx.Response, action: str) -> dict[str, Any]:
    # reference/eas.md §3.6: ROA may answer 204 with an empty body.
    if not response.content:
        return {"RequestId": response.headers.get("x-acs-request-id", "")}
    try:
        data = json.loads(response.content)
    except ValueError:
        raise ApiError(
            f"{action}: the API answered HTTP {response.status_code} with a body that is not JSON",
            status=response.status_code,
            hint="check --endpoint: it should be the PAI-EAS management API",
        ) from None
    return data if isinstance(data, dict) else {"Data": data}
