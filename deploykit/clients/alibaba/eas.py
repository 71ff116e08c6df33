"""The PAI-EAS management API (OpenAPI 2021-07-01, ROA style): one method per operation.

Paths, queries and bodies are reference/eas.md §3.2; ``ClusterId`` in every path is the
region (§0.1). Requests are signed by :class:`Acs3Auth` (given to the httpx client), sent and
retried by the :class:`ApiClient` core, and spoken in the :data:`EAS_DIALECT` (headers, error
codes, ``x-acs-retry-after``). This module also says how a DescribeService answer reads as
normalized :class:`Progress`: the EAS status table lives here.

Two calls are not blindly retried because a lost answer hides whether they took effect:

* ``create``: after an unknown outcome the service is described by name before anything is
  sent again, so a service is never created twice; a name that was taken before our first
  request is a ``ConflictError``, never an update of someone else's service.
* ``delete``, ``start``, ``stop``: after an unknown outcome, a service already gone, started
  or stopped (or on its way there) counts as done; resending would be refused as a conflict.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import quote

import httpx

from deploykit.clients._api import ApiClient, Reply
from deploykit.clients._retry import RetryableFailure, RetryPolicy
from deploykit.clients._wait import Phase, Progress
from deploykit.clients.alibaba._dialect import EAS_DIALECT
from deploykit.errors import ConfigError, NotFoundError, SpecError

# reference/eas.md §3.2 (ListServices): PageSize defaults to 100.
LIST_PAGE_SIZE = 100
# Statuses showing that a delete, start or stop already took effect (reference/eas.md §3.4).
DELETING_STATES = frozenset({"Deleting", "Deleted"})
STARTED_STATES = frozenset({"Starting", "Waiting", "Running"})
STOPPED_STATES = frozenset({"Stopping", "Stopped"})
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
    ) -> None:
        super().__init__(http, EAS_DIALECT, policy=policy, on_retry=on_retry)
        self.region = region

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
            lambda: self.send("CreateService", "POST", "/api/v2/services", body=spec),
            settled=created,
        )

    def describe(self, name: str) -> dict[str, Any]:
        """DescribeService; ``NotFoundError`` when there is no such service."""
        return dict(self.call("DescribeService", "GET", self._path(name)).body)

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
        return self.call(
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
            lambda: self.send("DeleteService", "DELETE", self._path(name)),
            settled=lambda: self._settled(name, DELETING_STATES, "is terminating", gone_ok=True),
        )

    def list_services(self, *, name_filter: str | None = None) -> Iterator[dict[str, Any]]:
        """ListServices, every page (PageNumber from 1, reference/eas.md §3.2)."""

        def read(page: int) -> Mapping[str, Any]:
            params = {"PageNumber": str(page), "PageSize": str(LIST_PAGE_SIZE)}
            if name_filter:
                params["Filter"] = name_filter
            return self.call("ListServices", "GET", "/api/v2/services", params=params).body

        return self.pages(read, first=1, items="Services", total="TotalCount",
                          size=LIST_PAGE_SIZE)

    def start(self, name: str) -> Reply:
        """StartService; after an unknown outcome, a service starting or running is started."""
        return self.once_only(
            lambda: self.send("StartService", "PUT", self._path(name, "start")),
            settled=lambda: self._settled(name, STARTED_STATES, "is starting"),
        )

    def stop(self, name: str) -> Reply:
        """StopService; after an unknown outcome, a service stopping or stopped is stopped."""
        return self.once_only(
            lambda: self.send("StopService", "PUT", self._path(name, "stop")),
            settled=lambda: self._settled(name, STOPPED_STATES, "is stopping"),
        )

    def scale(self, name: str, instances: int) -> Reply:
        """ScaleService; the body is ``{"Instance": N}`` (reference/eas.md §3.2)."""
        return self.call("ScaleService", "PUT", self._path(name, "scale"),
                         body={"Instance": instances})

    def events(self, name: str) -> list[dict[str, Any]]:
        """DescribeServiceEvent, first page (the server's default window is the last 7 days)."""
        body = self.call(
            "DescribeServiceEvent", "GET", self._path(name, "events"),
            params={"PageNum": "1", "PageSize": str(LIST_PAGE_SIZE)},
        ).body
        return list(body.get("Events") or [])

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
