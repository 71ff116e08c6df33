"""The EAS service operations, framework-free: a route table and one method per action.

Paths, query parameters and bodies are reference/eas.md §3.2; answers §3.3; update
semantics §3.5; errors §3.6. Each call runs in one store transaction, so two processes on
one SQLite file never interleave halfway through a call.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from deploykit.emulator._cloud_api import Routes
from deploykit.emulator._lifecycle import Operation, Snapshot, Timings
from deploykit.emulator._store import Store
from deploykit.emulator.eas._errors import EasFailure
from deploykit.emulator.eas._limits import (
    check_instance_count,
    check_service_name,
    metadata_instance,
    parse_json_object,
)
from deploykit.emulator.eas._rollout import begin_operation
from deploykit.emulator.eas._service import (
    EAS_LIFECYCLE,
    ServiceRecord,
    Services,
    impossible_because,
    instance_count,
)
from deploykit.emulator.eas._versions import add_version
from deploykit.emulator.eas._view import endpoints, new_event, service_view

Body = dict[str, Any]
_SERVICE = r"/api/v2/services/(?P<cluster>[^/]+)/(?P<name>[^/]+)"
# (method, path pattern, action) — §3.2. ClusterId is the region.
ROUTES = Routes(
    ("POST", "/api/v2/services", "CreateService"),
    ("GET", "/api/v2/services", "ListServices"),
    ("GET", _SERVICE, "DescribeService"),
    ("PUT", _SERVICE, "UpdateService"),
    ("DELETE", _SERVICE, "DeleteService"),
    ("PUT", _SERVICE + "/start", "StartService"),
    ("PUT", _SERVICE + "/stop", "StopService"),
    ("PUT", _SERVICE + "/scale", "ScaleService"),
    ("GET", _SERVICE + "/events", "DescribeServiceEvent"),
    # Served by _ops.ServiceOpsApi.
    ("GET", _SERVICE + "/instances", "ListServiceInstances"),
    ("GET", _SERVICE + "/logs", "DescribeServiceLog"),
    ("GET", _SERVICE + "/versions", "ListServiceVersions"),
    ("PUT", _SERVICE + "/version", "UpdateServiceVersion"),
    ("PUT", _SERVICE + "/restart", "RestartService"),
)
_ID_ALPHABET = string.ascii_lowercase + string.digits


@dataclass(frozen=True)
class Call:
    action: str
    cluster: str
    name: str
    query: Mapping[str, str]
    body: bytes


def route(method: str, path: str, query: Mapping[str, str], body: bytes) -> Call:
    found = ROUTES.find(method, path)
    if found is not None:
        action, params = found
        return Call(action, params.get("cluster", ""), params.get("name", ""), query, body)
    raise EasFailure("InvalidAction.NotFound", f"No API for {method.upper()} {path}")


class ServiceApi:
    """One region of EAS for one account."""

    def __init__(
        self,
        store: Store,
        *,
        region: str,
        uid: str,
        timings: Timings,
        known_images: Collection[str] | None,
    ) -> None:
        self._store = store
        self._region = region
        self._uid = uid
        self._timings = timings
        self._known_images = known_images
        # Where service endpoints point (Emulator.gateway_url); None: EAS's own hosts.
        self.gateway_url: str | None = None

    def call(self, call: Call, now: float) -> Body:
        """The answer to ``call`` (without RequestId); raises :class:`EasFailure`."""
        operation: Callable[[Services, Call, float], Body] = getattr(self, f"_{call.action}")
        if call.action not in ("CreateService", "ListServices") and call.cluster != self._region:
            raise self._not_found(call.name, call.cluster)
        with self._store.transaction() as tx:
            return operation(Services(tx), call, now)

    # -- helpers ---------------------------------------------------------------------------

    def _not_found(self, name: str, region: str | None = None) -> EasFailure:
        return EasFailure(
            "InvalidService.NotFound",
            f"Service [{name}] in region [{region or self._region}] does not exist",
        )

    def _find(
        self, tx: Services, name: str, now: float
    ) -> tuple[ServiceRecord, Snapshot] | None:
        record = tx.get(name)
        snap = None if record is None else self._current(tx, record, now)
        return None if record is None or snap is None else (record, snap)

    def _current(self, tx: Services, record: ServiceRecord, now: float) -> Snapshot | None:
        """The service's status now; None (and purged) once a deleted service is gone."""
        snap = EAS_LIFECYCLE.snapshot(record.operation, now, self._timings)
        if snap.gone:
            tx.delete(record.name)
            return None
        return snap

    def _live(self, tx: Services, name: str, now: float) -> tuple[ServiceRecord, Snapshot]:
        found = self._find(tx, name, now)
        if found is None:
            raise self._not_found(name)
        return found

    def _begin(
        self, tx: Services, record: ServiceRecord, op: Operation, reason: str, now: float
    ) -> None:
        record.operation = begin_operation(record, op, now, self._timings)
        record.update_time = now
        record.events.append(new_event(now, reason, f"Service [{record.name}] {reason.lower()}"))
        tx.put(record)

    def _message(self, name: str, doing: str) -> Body:
        # §3.3: "Service [foo] in region [cn-shanghai] is terminating" (… is starting/scaling).
        return {"Message": f"Service [{name}] in region [{self._region}] is {doing}"}

    def _refuse_while_deleting(self, snap: Snapshot, name: str) -> None:
        if snap.status == "Deleting":
            raise EasFailure("InvalidServiceStatus", f"Service [{name}] is being deleted")

    def _failure_for(self, config: Mapping[str, Any]) -> str | None:
        return impossible_because(config, self._known_images)

    # -- actions ---------------------------------------------------------------------------

    def _CreateService(self, tx: Services, call: Call, now: float) -> Body:
        config = _service_json(call.body)
        name = _service_name(config)
        if not name:
            raise EasFailure("InvalidParameter", "Service name is empty")  # §3.6, verbatim
        check_service_name(name)
        check_instance_count(metadata_instance(config))
        if self._find(tx, name, now) is not None:
            raise EasFailure(
                "ServiceAlreadyExists",
                f"Service [{name}] already exists in region [{self._region}]",
            )
        token = config.get("token")
        record = ServiceRecord(
            name=name,
            service_id="eas-m-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(16)),
            config=config,
            # §1.1: without a token "the system automatically generates a token"
            access_token=token if isinstance(token, str) and token else secrets.token_urlsafe(30),
            create_time=now,
            update_time=now,
            operation=Operation("create", now, 0, 0),
            labels=_labels(call.query.get("Labels")),
            workspace_id=call.query.get("WorkspaceId", ""),
        )
        add_version(record, now)
        target = instance_count(config)
        op = Operation("create", now, 0, max(target, 0), self._failure_for(config))
        self._begin(tx, record, op, "Creating", now)
        return {
            "Region": self._region,
            "ServiceId": record.service_id,
            "ServiceName": name,
            "Status": "Creating",
            **endpoints(self._uid, self._region, name, self.gateway_url),
        }

    def _DescribeService(self, tx: Services, call: Call, now: float) -> Body:
        record, snap = self._live(tx, call.name, now)
        return service_view(record, snap, self._uid, self._region, self.gateway_url)

    def _UpdateService(self, tx: Services, call: Call, now: float) -> Body:
        record, snap = self._live(tx, call.name, now)
        self._refuse_while_deleting(snap, call.name)
        change = _service_json(call.body)
        check_instance_count(metadata_instance(change))
        update_type = call.query.get("UpdateType", "merge")  # §3.5: merge by default
        if update_type == "merge":
            config = _merged(record.config, change)
        elif update_type == "replace":
            config = change
        else:
            raise EasFailure(
                "InvalidParameter", f"UpdateType must be merge or replace, not {update_type!r}"
            )
        renamed = _service_name(config)
        if renamed and renamed != record.name:
            raise EasFailure("InvalidParameter", "The service name cannot be changed by an update")
        if not renamed:
            _set_name(config, record.name)
        record.config = config
        record.version += 1
        add_version(record, now)
        if snap.status in ("Stopped", "Stopping"):
            # GUESS: a stopped service takes the new config and stays stopped until started.
            record.update_time = now
            tx.put(record)
        else:
            target = max(instance_count(config), 0)
            op = Operation("update", now, snap.running, target, self._failure_for(config))
            self._begin(tx, record, op, "Updating", now)
        # §3.3: "Succeed to update service [foo] in region [cn-shanghai]"
        return {"Message": f"Succeed to update service [{record.name}] in region [{self._region}]"}

    def _DeleteService(self, tx: Services, call: Call, now: float) -> Body:
        record, snap = self._live(tx, call.name, now)
        if snap.status != "Deleting":
            self._begin(tx, record, Operation("delete", now, snap.running, 0), "Deleting", now)
        return self._message(record.name, "terminating")

    def _StartService(self, tx: Services, call: Call, now: float) -> Body:
        record, snap = self._live(tx, call.name, now)
        self._refuse_while_deleting(snap, call.name)
        if snap.status in ("Stopped", "Stopping", "Failed"):
            target = max(instance_count(record.config), 0)
            op = Operation("start", now, snap.running, target, self._failure_for(record.config))
            self._begin(tx, record, op, "Starting", now)
        return self._message(record.name, "starting")

    def _StopService(self, tx: Services, call: Call, now: float) -> Body:
        record, snap = self._live(tx, call.name, now)
        self._refuse_while_deleting(snap, call.name)
        if snap.status not in ("Stopped", "Stopping"):
            self._begin(tx, record, Operation("stop", now, snap.running, 0), "Stopping", now)
        return self._message(record.name, "stopping")

    def _ScaleService(self, tx: Services, call: Call, now: float) -> Body:
        record, snap = self._live(tx, call.name, now)
        self._refuse_while_deleting(snap, call.name)
        body = parse_json_object(call.body, "ScaleService body")
        count = body.get("Instance")  # §3.2: {"Instance": <int64, required>}
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise EasFailure("InvalidParameter", "Instance must be an integer >= 0")
        check_instance_count(count)
        metadata = record.config.setdefault("metadata", {})
        if isinstance(metadata, dict):
            metadata["instance"] = count
        if snap.status in ("Stopped", "Stopping"):
            record.update_time = now
            tx.put(record)
        else:
            op = Operation("scale", now, snap.running, count, self._failure_for(record.config))
            self._begin(tx, record, op, "Scaling", now)
        return self._message(record.name, "scaling")

    def _ListServices(self, tx: Services, call: Call, now: float) -> Body:
        q = call.query
        page_number = _positive_int(q, "PageNumber", 1)
        page_size = _positive_int(q, "PageSize", 100)  # §3.2: defaults 1 and 100
        rows = []
        for record in tx.all():
            snap = self._current(tx, record, now)
            if snap is None:
                continue
            if q.get("Filter") and q["Filter"] not in record.name:  # §3.2: fuzzy match on name
                continue
            if q.get("ServiceName") and q["ServiceName"] != record.name:
                continue
            if q.get("ServiceStatus") and q["ServiceStatus"] != snap.status:
                continue
            rows.append((record, snap))
        # §3.2: Order asc|desc, default desc (newest first).
        rows.sort(
            key=lambda row: (row[0].create_time, row[0].name), reverse=q.get("Order") != "asc"
        )
        page = rows[(page_number - 1) * page_size : page_number * page_size]
        return {
            "PageNumber": page_number,
            "PageSize": page_size,
            "TotalCount": len(rows),
            "Services": [
                service_view(r, s, self._uid, self._region, self.gateway_url) for r, s in page
            ],
        }


def _service_json(body: bytes) -> dict[str, Any]:
    return parse_json_object(body, "The service config")  # within _request_limits' bounds


def _service_name(config: Mapping[str, Any]) -> str:
    """``metadata.name``, else top-level ``name`` (both accepted by EAS, §1.10)."""
    metadata = config.get("metadata")
    name = metadata.get("name") if isinstance(metadata, Mapping) else None
    name = name or config.get("name")
    return name if isinstance(name, str) else ""


def _set_name(config: dict[str, Any], name: str) -> None:
    metadata = config.get("metadata")
    if isinstance(metadata, dict):
        metadata["name"] = name
    else:
        config["name"] = name


def _merged(base: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    """§3.5 merge: keys of ``change`` win; nested objects merge key by key (so
    ``modify -Dmetadata.instance=3`` keeps the rest of ``metadata``); lists are replaced."""
    result = dict(base)
    for key, value in change.items():
        old = result.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            result[key] = _merged(old, value)
        else:
            result[key] = value
    return result


def _labels(raw: str | None) -> dict[str, str]:
    """CreateService ``Labels``: a map serialized as a JSON string (§3.2, §5.1)."""
    if not raw:
        return {}
    data = parse_json_object(raw, "Labels")
    return {str(k): str(v) for k, v in data.items()}


def _positive_int(query: Mapping[str, str], key: str, default: int) -> int:
    raw = query.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise EasFailure("InvalidParameter", f"{key} must be a positive integer, not {raw!r}")
    return value
