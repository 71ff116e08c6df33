"""How stored models and services look in ModelArts answers (reference/modelarts.md §3.2–3.3,
OTC ShowModel / ShowService / ListServices / ShowServiceEvents examples). Only fields with a
meaning the emulator can give are filled; times are epoch milliseconds.
"""

from __future__ import annotations

import hashlib
from typing import Any

from deploykit.emulator._lifecycle import Snapshot, Timings
from deploykit.emulator.modelarts._records import (
    DONE_EVENTS,
    ModelRecord,
    ServiceRecord,
    epoch_ms,
    event,
)


def account_id(access_key_ids: list[str], project_id: str) -> str:
    """A stable 32-hex tenant id, the shape of ``tenant``/``owner`` in the examples."""
    return hashlib.sha256(",".join([*sorted(access_key_ids), project_id]).encode()).hexdigest()[:32]


def access_address(region: str, project_id: str, service_id: str) -> str:
    """§3.3 example: ``https://xxxxx.apigw.xxxxx.com/v1/infers/<id>`` (host shape GUESS)."""
    host = hashlib.sha256(project_id.encode()).hexdigest()[:12]
    return f"https://{host}.apig.{region}.huaweicloudapis.com/v1/infers/{service_id}"


def model_view(record: ModelRecord, status: str, failure: str, owner: str) -> dict[str, Any]:
    view: dict[str, Any] = {
        "model_id": record.model_id,
        "model_name": record.model_name,
        "model_version": record.model_version,
        "model_type": record.model_type,
        "model_status": status,
        "model_algorithm": record.model_algorithm,
        "runtime": record.runtime,
        "source_location": record.source_location,
        "config": record.config,
        "description": record.description,
        "create_at": epoch_ms(record.create_at),
        "tenant": owner,
        "owner": owner,
        "workspace_id": "0",
        "install_type": ["real-time", "batch"],  # §3.2: the default
    }
    if failure:
        view["error_msg"] = failure  # GUESS: ShowModel documents no failure field
    return view


def service_view(
    record: ServiceRecord,
    snap: Snapshot,
    *,
    owner: str,
    address: str,
    models: dict[str, ModelRecord],
    detail: bool,
) -> dict[str, Any]:
    """ShowService (``detail``) or a ListServices entry (the same without ``config``)."""
    view: dict[str, Any] = {
        "service_id": record.service_id,
        "service_name": record.service_name,
        "description": record.description,
        "tenant": owner,
        "project": owner,
        "owner": owner,
        "publish_at": epoch_ms(record.publish_at),
        "update_time": epoch_ms(record.update_time),
        "transition_at": epoch_ms(record.operation.started),
        "infer_type": record.infer_type,
        "status": snap.status,
        "progress": 100 if not snap.total else int(100 * snap.running / snap.total),
        "access_address": address,
        "workspace_id": "0",
        "invocation_times": 0,
        "failed_times": 0,
        "is_shared": False,
        "is_free": False,
        "additional_properties": {},
    }
    if snap.status == "failed":
        view["error_msg"] = snap.message
    if detail:
        view["config"] = [_config_entry(entry, snap, models) for entry in record.config]
    return view


def _config_entry(
    entry: dict[str, Any], snap: Snapshot, models: dict[str, ModelRecord]
) -> dict[str, Any]:
    model = models.get(str(entry.get("model_id")))
    return {
        **entry,
        "model_name": model.model_name if model else "",
        "model_version": model.model_version if model else "",
        # §3.3: config-level status, e.g. "notReady" in the ShowService example.
        "status": "ready" if snap.status == "running" else "notReady",
    }


def events_at(record: ServiceRecord, snap: Snapshot, timings: Timings) -> list[dict[str, Any]]:
    """Stored events plus the end of the current operation once the clock has passed it."""
    events = list(record.events)
    op = record.operation
    finished = op.finish_time(timings)
    if op.failure is not None and snap.status == "failed":
        events.append(event(finished, op.failure, abnormal=True))
    elif op.kind in DONE_EVENTS and snap.status in ("running", "stopped"):
        events.append(event(finished, DONE_EVENTS[op.kind]))
    return events
