"""ModelArts models and services as the emulator keeps them, and their status tables.

Statuses are reference/modelarts.md §3.2 (``model_status``) and §3.3 (service ``status``);
the shared :class:`~deploykit.emulator._lifecycle.Lifecycle` moves a record through them
from the operation it stores and the clock. Records are JSON in the shared store under
:data:`MODEL_KIND` and :data:`SERVICE_KIND`, keyed by id.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from deploykit.emulator._lifecycle import Lifecycle, Operation, Phases
from deploykit.emulator._store import Table, Transaction, dump_dataclass, load_dataclass

MODEL_KIND = "modelarts.model"
SERVICE_KIND = "modelarts.service"

# §3.2: publishing → published, or failed. One operation: the import.
MODEL_LIFECYCLE = Lifecycle(
    {"import": Phases("publishing", "publishing", "published", "")},
    {"publishing": ""},
    failed="failed",
)
# §3.3: deploying → running, stopping → stopped, deleting → gone; failed when it cannot run.
# The in-between messages are GUESS (the API has none; the events say the same).
SERVICE_LIFECYCLE = Lifecycle(
    {
        "create": Phases("deploying", "deploying", "running", ""),
        "update": Phases("deploying", "deploying", "running", ""),
        "start": Phases("deploying", "deploying", "running", ""),
        "stop": Phases("stopping", "stopping", "stopped", ""),
        "delete": Phases("deleting", "deleting", "", ""),
    },
    {"deploying": "", "stopping": "", "deleting": ""},
    failed="failed",
)
# What ends each service operation, as an event (OTC ShowServiceEvents example wording).
DONE_EVENTS = {
    "create": "service is running",
    "update": "service is running",
    "start": "service is running",
    "stop": "service stopped",
}


@dataclass
class ModelRecord:
    """One model version. ``config`` is the imported config.json as the API returns it: a
    string (§3.2)."""

    model_id: str
    model_name: str
    model_version: str
    model_type: str
    source_location: str
    config: str
    create_at: float
    operation: Operation
    model_algorithm: str = ""
    runtime: str = ""
    description: str = ""


@dataclass
class ServiceRecord:
    """One service; its status is computed from ``operation``, never stored."""

    service_id: str
    service_name: str
    infer_type: str
    config: list[dict[str, Any]]
    publish_at: float
    update_time: float
    operation: Operation
    description: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)


def models(tx: Transaction) -> Table[ModelRecord]:
    return Table(tx, MODEL_KIND, load=functools.partial(load_dataclass, ModelRecord),
                 dump=dump_dataclass, key=lambda record: record.model_id)


def services(tx: Transaction) -> Table[ServiceRecord]:
    return Table(tx, SERVICE_KIND, load=functools.partial(load_dataclass, ServiceRecord),
                 dump=dump_dataclass, key=lambda record: record.service_id)


def event(moment: float, info: str, *, abnormal: bool = False) -> dict[str, Any]:
    """One ShowServiceEvents entry (OTC obtaining_service_event_logs.rst, Table 5)."""
    return {
        "event_type": "abnormal" if abnormal else "normal",
        "event_info": info,
        "occur_time": epoch_ms(moment),
    }


def epoch_ms(moment: float) -> int:
    """§3.2–3.3: times are milliseconds since 1970-01-01 UTC."""
    return int(moment * 1000)
