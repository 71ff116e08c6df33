"""The ModelArts v1 operations, framework-free: a route table and one method per operation.

Paths, queries and bodies are reference/modelarts.md §3.2 (models) and §3.3 (services and
their events); errors §3.5. Each call runs in one store transaction, so two processes on one
SQLite file never interleave halfway through a call.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from deploykit.emulator._cloud_api import Routes
from deploykit.emulator._lifecycle import Operation, Snapshot, Timings
from deploykit.emulator._request_limits import parse_json_object
from deploykit.emulator._store import Store, Table, Transaction
from deploykit.emulator.modelarts import _records as records
from deploykit.emulator.modelarts._errors import ModelArtsFailure
from deploykit.emulator.modelarts._records import (
    MODEL_LIFECYCLE,
    SERVICE_LIFECYCLE,
    ModelRecord,
    ServiceRecord,
)
from deploykit.emulator.modelarts._view import (
    access_address,
    events_at,
    model_view,
    service_view,
)

Body = dict[str, Any]
_PROJECT = r"/v1/(?P<project>[^/]+)"
_MODEL = _PROJECT + r"/models/(?P<id>[^/]+)"
_SERVICE = _PROJECT + r"/services/(?P<id>[^/]+)"
# §3.2, §3.3; the operations are named as in Huawei's API reference.
ROUTES = Routes(
    ("POST", _PROJECT + "/models", "CreateModel"),
    ("GET", _PROJECT + "/models", "ListModels"),
    ("GET", _MODEL, "ShowModel"),
    ("DELETE", _MODEL, "DeleteModel"),
    ("POST", _PROJECT + "/services", "CreateService"),
    ("GET", _PROJECT + "/services", "ListServices"),
    ("GET", _SERVICE, "ShowService"),
    ("PUT", _SERVICE, "UpdateService"),
    ("DELETE", _SERVICE, "DeleteService"),
    ("GET", _SERVICE + "/events", "ShowServiceEvents"),
)
# §3.2: model_version is Digit.Digit.Digit, 1–2 digits each, no leading 0.
_VERSION = re.compile(r"^(0|[1-9][0-9]?)\.(0|[1-9][0-9]?)\.(0|[1-9][0-9]?)$")
# §3.3: the flavors the deploy docs and Terraform name; GUESS: another flavor fails at
# scheduling (the service ends failed) rather than at the API.
FLAVORS = frozenset({
    "modelarts.vm.cpu.2u", "modelarts.vm.cpu.free", "modelarts.vm.gpu.pnt004",
    "modelarts.vm.gpu.p4u8.container", "modelarts.vm.gpu.t4u8.container",
    "modelarts.vm.ai1.snt3", "custom",
})  # fmt: skip
# §3.3: instance_count "max 128 per 2025 API doc".
MAX_INSTANCES = 128
# §3.3 ModelArts.3519: the statuses in which a service's config can be updated (verbatim).
UPDATABLE = frozenset({"deploying", "running", "stopping", "deleting"})


@dataclass(frozen=True)
class Call:
    operation: str
    project: str
    target: str  # the model or service id in the path ("" for collections)
    query: Mapping[str, str]
    body: bytes


def route(method: str, path: str, query: Mapping[str, str], body: bytes) -> Call:
    found = ROUTES.find(method, path)
    if found is None:
        raise ModelArtsFailure("APIGW.0101")
    operation, params = found
    return Call(operation, params["project"], params.get("id", ""), query, body)


@dataclass(frozen=True)
class ModelArtsOperations:
    """One project of ModelArts in one region. ``owner``: the tenant id answers show;
    ``known_images``: when given, the only images SWR has."""

    store: Store
    region: str
    project_id: str
    owner: str
    timings: Timings
    known_images: Collection[str] | None

    def call(self, call: Call, now: float) -> Body:
        """The answer to ``call``; raises :class:`ModelArtsFailure`."""
        operation: Callable[[Transaction, Call, float], Body] = getattr(self, f"_{call.operation}")
        with self.store.transaction() as tx:
            return operation(tx, call, now)

    # -- models ----------------------------------------------------------------------------

    def _CreateModel(self, tx: Transaction, call: Call, now: float) -> Body:
        body = _json_object(call.body)
        name, version, source, model_type = (
            _required(body, key) for key in ("model_name", "model_version", "source_location",
                                             "model_type")
        )
        if not _VERSION.match(version):
            raise ModelArtsFailure("ModelArts.3037", "model_version", version)
        config = body.get("initial_config", "")
        if not isinstance(config, str) or (config and not _is_json_object(config)):
            raise ModelArtsFailure("ModelArts.3037", "initial_config", "not a JSON string")
        table = records.models(tx)
        if any(m.model_name == name and m.model_version == version for m in table.all()):
            raise ModelArtsFailure("ModelArts.3002", name, version)
        record = ModelRecord(
            model_id=str(uuid.uuid4()), model_name=name, model_version=version,
            model_type=model_type, source_location=source, config=config, create_at=now,
            operation=Operation("import", now, 0, 0, self._copy_failure(model_type, source)),
            model_algorithm=str(body.get("model_algorithm") or ""),
            runtime=str(body.get("runtime") or ""),
            description=str(body.get("description") or ""),
        )
        table.put(record)
        return {"model_id": record.model_id}

    def _ListModels(self, tx: Transaction, call: Call, now: float) -> Body:
        q = call.query
        rows = []
        for record in records.models(tx).all():
            status, failure = self._model_status(record, now)
            if not _name_matches(record.model_name, q.get("model_name"), q.get("exact_match")):
                continue
            if q.get("model_version") not in (None, "", record.model_version):
                continue
            if q.get("model_status") not in (None, "", status):
                continue
            rows.append(model_view(record, status, failure, self.owner))
        rows.sort(key=lambda m: (m["create_at"], m["model_id"]), reverse=q.get("order") != "asc")
        return {"total_count": len(rows), **_page(rows, q, "models")}

    def _ShowModel(self, tx: Transaction, call: Call, now: float) -> Body:
        record = self._model(tx, call.target)
        return model_view(record, *self._model_status(record, now), self.owner)

    def _DeleteModel(self, tx: Transaction, call: Call, now: float) -> Body:
        record = self._model(tx, call.target)
        for service in records.services(tx).all():
            in_use = any(entry.get("model_id") == record.model_id for entry in service.config)
            if in_use and not self._snapshot(tx, service, now).gone:
                raise ModelArtsFailure("ModelArts.3009")
        records.models(tx).delete(record.model_id)
        return {}

    # -- services --------------------------------------------------------------------------

    def _CreateService(self, tx: Transaction, call: Call, now: float) -> Body:
        body = _json_object(call.body)
        name = _required(body, "service_name")
        infer_type = _required(body, "infer_type")
        if infer_type != "real-time":
            raise ModelArtsFailure("ModelArts.3037", "infer_type", infer_type)
        config = self._checked_config(tx, body.get("config"), now)
        if self._named(tx, name, now) is not None:
            raise ModelArtsFailure("ModelArts.3503", name)
        service_id = str(uuid.uuid4())
        record = ServiceRecord(
            service_id=service_id, service_name=name, infer_type=infer_type, config=config,
            publish_at=now, update_time=now, operation=Operation("create", now, 0, 0),
            description=str(body.get("description") or ""),
        )
        self._begin(tx, record, "create", 0, now, "start to deploy service")
        # §3.3 deploy answer: the service id and its billing resource ids.
        return {"service_id": service_id, "resource_ids": [f"INF-{service_id}@{int(now)}"]}

    def _ListServices(self, tx: Transaction, call: Call, now: float) -> Body:
        q = call.query
        rows = []
        for record in records.services(tx).all():
            snap = self._snapshot(tx, record, now)
            if snap.gone or not _name_matches(record.service_name, q.get("service_name"), None):
                continue
            if q.get("status") not in (None, "", snap.status):
                continue
            rows.append(self._view(tx, record, snap, detail=False))
        rows.sort(key=lambda s: (s["publish_at"], s["service_id"]),
                  reverse=q.get("order") != "asc")
        return {"total_count": len(rows), **_page(rows, q, "services")}

    def _ShowService(self, tx: Transaction, call: Call, now: float) -> Body:
        record, snap = self._live(tx, call.target, now)
        return self._view(tx, record, snap, detail=True)

    def _UpdateService(self, tx: Transaction, call: Call, now: float) -> Body:
        record, snap = self._live(tx, call.target, now)
        body = _json_object(call.body)
        # §3.3: "Either status or config can be modified. If both are used, modify status only."
        if "status" in body:
            self._set_status(tx, record, snap, body["status"], now)
        elif "config" in body:
            if snap.status not in UPDATABLE:
                raise ModelArtsFailure("ModelArts.3519")
            record.config = self._checked_config(tx, body["config"], now)
            self._begin(tx, record, "update", snap.running, now, "start to update service")
        else:
            raise ModelArtsFailure("ModelArts.3036", "status or config")
        return {}

    def _DeleteService(self, tx: Transaction, call: Call, now: float) -> Body:
        record, snap = self._live(tx, call.target, now)
        if snap.status != "deleting":
            self._begin(tx, record, "delete", snap.running, now, "start to delete service")
        return {}

    def _ShowServiceEvents(self, tx: Transaction, call: Call, now: float) -> Body:
        record, snap = self._live(tx, call.target, now)
        events = events_at(record, snap, self.timings)
        if call.query.get("event_type"):
            events = [e for e in events if e["event_type"] == call.query["event_type"]]
        # §3.3: sorted by occur_time, desc unless order=asc.
        events.sort(key=lambda e: int(e["occur_time"]), reverse=call.query.get("order") != "asc")
        page = _page(events, call.query, "events")
        return {"service_id": record.service_id, "service_name": record.service_name,
                "total_count": len(events), **page}

    # -- helpers ---------------------------------------------------------------------------

    def _set_status(
        self, tx: Transaction, record: ServiceRecord, snap: Snapshot, wanted: object, now: float
    ) -> None:
        if snap.status == "deleting":
            raise ModelArtsFailure("ModelArts.3519")
        if wanted == "running" and snap.status in ("stopped", "stopping", "failed"):
            self._begin(tx, record, "start", snap.running, now, "start to run service")
        elif wanted == "stopped" and snap.status not in ("stopped", "stopping"):
            self._begin(tx, record, "stop", snap.running, now, "start to stop service")
        elif wanted not in ("running", "stopped"):
            raise ModelArtsFailure("ModelArts.3037", "status", wanted)

    def _begin(
        self, tx: Transaction, record: ServiceRecord, kind: str, running: int, now: float,
        info: str,
    ) -> None:
        target = 0 if kind in ("stop", "delete") else _instances(record.config)
        failure = None if target == 0 else self._deploy_failure(record.config)
        record.operation = Operation(kind, now, running, target, failure)
        record.update_time = now
        record.events.append(records.event(now, info))
        records.services(tx).put(record)

    def _checked_config(self, tx: Transaction, config: object, now: float) -> list[Body]:
        """§3.3 ``config``: one or more models, each published, weights summing to 100."""
        if not isinstance(config, list) or not config:
            raise ModelArtsFailure("ModelArts.3036", "config")
        entries = []
        for entry in config:
            if not isinstance(entry, dict):
                raise ModelArtsFailure("ModelArts.3037", "config", entry)
            model = self._model(tx, str(_required(entry, "model_id")))
            if self._model_status(model, now)[0] != "published":
                raise ModelArtsFailure("ModelArts.3515")
            _required(entry, "specification")
            count = entry.get("instance_count")
            if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= (
                MAX_INSTANCES
            ):
                raise ModelArtsFailure("ModelArts.3037", "instance_count", count)
            entries.append({key: entry[key] for key in (
                "model_id", "specification", "instance_count", "weight", "envs") if key in entry})
        if sum(int(e.get("weight") or 0) for e in entries) != 100:
            raise ModelArtsFailure("ModelArts.3037", "weight", "the weights must sum to 100")
        return entries

    def _deploy_failure(self, config: list[Body]) -> str | None:
        for entry in config:
            flavor = entry.get("specification")
            if flavor not in FLAVORS:
                return (f"schedule resource failed: no resources of flavor {flavor} in "
                        f"{self.region}; choose another --specification")
        return None

    def _copy_failure(self, model_type: str, source: str) -> str | None:
        """§2.1 source_copy (default true): an Image model's image is copied at import, so
        an image SWR does not have fails the model."""
        if model_type == "Image" and self.known_images is not None and (
            source not in self.known_images
        ):
            return f"failed to copy image {source}: the image does not exist in SWR"
        return None

    def _model(self, tx: Transaction, model_id: str) -> ModelRecord:
        record = records.models(tx).get(model_id)
        if record is None:
            raise ModelArtsFailure("ModelArts.3001", model_id)
        return record

    def _model_status(self, record: ModelRecord, now: float) -> tuple[str, str]:
        snap = MODEL_LIFECYCLE.snapshot(record.operation, now, self.timings)
        return snap.status, snap.message if snap.status == "failed" else ""

    def _snapshot(self, tx: Transaction, record: ServiceRecord, now: float) -> Snapshot:
        """The service's status now; a deleted service is purged once gone."""
        snap = SERVICE_LIFECYCLE.snapshot(record.operation, now, self.timings)
        if snap.gone:
            records.services(tx).delete(record.service_id)
        return snap

    def _live(self, tx: Transaction, service_id: str, now: float) -> tuple[ServiceRecord, Snapshot]:
        record = records.services(tx).get(service_id)
        snap = None if record is None else self._snapshot(tx, record, now)
        if record is None or snap is None or snap.gone:
            raise ModelArtsFailure("ModelArts.3502", service_id)
        return record, snap

    def _named(self, tx: Transaction, name: str, now: float) -> ServiceRecord | None:
        for record in records.services(tx).all():
            if record.service_name == name and not self._snapshot(tx, record, now).gone:
                return record
        return None

    def _view(
        self, tx: Transaction, record: ServiceRecord, snap: Snapshot, *, detail: bool
    ) -> Body:
        table: Table[ModelRecord] = records.models(tx)
        found = {str(e.get("model_id")): table.get(str(e.get("model_id"))) for e in record.config}
        return service_view(
            record, snap, owner=self.owner,
            address=access_address(self.region, self.project_id, record.service_id),
            models={k: m for k, m in found.items() if m is not None}, detail=detail,
        )


def _instances(config: list[Body]) -> int:
    return sum(int(entry.get("instance_count") or 0) for entry in config)


def _json_object(body: bytes | str, what: str = "The request body") -> dict[str, Any]:
    """A JSON object within the core's limits (``_request_limits``), or §3.5's 0104."""
    return parse_json_object(body, what, invalid=_invalid)


def _invalid(why: str) -> ModelArtsFailure:
    return ModelArtsFailure("ModelArts.0104", message=why)


def _is_json_object(text: str) -> bool:
    try:
        _json_object(text, "initial_config")
    except ModelArtsFailure:
        return False
    return True


def _required(body: Mapping[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise ModelArtsFailure("ModelArts.3036", key)
    return value


def _name_matches(name: str, wanted: str | None, exact: str | None) -> bool:
    """§3.2/§3.3 name filters match fuzzily (a substring) unless ``exact_match=true``."""
    if not wanted:
        return True
    return name == wanted if exact == "true" else wanted in name


def _page(rows: list[Body], query: Mapping[str, str], key: str) -> Body:
    """``offset`` is the page number from 0, ``limit`` its size (default 1000, §3.2–3.3)."""
    offset = _number(query, "offset", 0)
    limit = _number(query, "limit", 1000) or 1000
    page = rows[offset * limit : (offset + 1) * limit]
    return {"count": len(page), key: page}


def _number(query: Mapping[str, str], key: str, default: int) -> int:
    raw = query.get(key)
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise ModelArtsFailure("ModelArts.3037", key, raw)
    return int(raw)
