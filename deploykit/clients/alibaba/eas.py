"""The PAI-EAS management API (OpenAPI 2021-07-01, ROA style): one method per operation.

Paths, queries and bodies are reference/eas.md §3.2; ``ClusterId`` in every path is the
region (§0.1). Each call is signed by :class:`Acs3Auth`, retried by the shared
:class:`RetryPolicy`, and its errors are deploykit's typed errors carrying the server's
``Code``, ``Message`` and ``RequestId``.

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
from dataclasses import dataclass
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
        page = 1
        seen = 0
        while True:
            params = {"PageNumber": str(page), "PageSize": str(LIST_PAGE_SIZE)}
            if name_filter:
                params["Filter"] = name_filter
            body = self._call("ListServices", "GET", "/api/v2/services", params=params)
            services = body.get("Services") or []
            yield from services
            seen += len(services)
            total = body.get("TotalCount")
            # Without a TotalCount, a short page is the last one.
            last = seen >= int(total) if total is not None else len(services) < LIST_PAGE_SIZE
            if not services or last:
                return
            page += 1

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

    def events(self, name: str) -> list[dict[str, Any]]:
        """DescribeServiceEvent, first page (the server's default window is the last 7 days)."""
        body = self._call(
            "DescribeServiceEvent", "GET", self._path(name, "events"),
            params={"PageNum": "1", "PageSize": str(LIST_PAGE_SIZE)},
        )
        return list(body.get("Events") or [])

    # -- plumbing -----------------------------------------------------------------------

    def _path(self, name: str, *tail: str) -> str:
        # reference/eas.md §3.1: path segments are percent-encoded by the SDK.
        parts = [quote(self.region, safe=""), quote(name, safe=""), *tail]
        return "/api/v2/services/" + "/".join(parts)

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
