"""An EAS service as the emulator keeps it: the stored record and the EAS status table.

Status names are the ListServices ``ServiceStatus`` enum (reference/eas.md §3.4); the engine
that moves a service through them is the shared :class:`~deploykit.emulator._lifecycle.
Lifecycle`. Records are stored as JSON in the shared store under :data:`KIND`.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from deploykit import facts
from deploykit.emulator._lifecycle import Lifecycle, Operation, Phases
from deploykit.emulator._store import Table, Transaction

# The store's kind for EAS services (one table holds every platform's records).
KIND = "eas.service"
# seeds/004 and reference/eas.md §1.5: 8080 and 9090 are reserved by the EAS engine.
RESERVED_PORTS = facts.EAS_RESERVED_PORTS

# One row per operation; the messages are the ones EAS shows in DescribeService.Message
# (§3.3 example "Service start successfully"); the in-between ones are GUESS.
PHASES: dict[str, Phases] = {
    "create": Phases("Creating", "Waiting", "Running", "Service start successfully"),
    "update": Phases("Updating", "Updating", "Running", "Service start successfully"),
    "scale": Phases("Scaling", "Scaling", "Running", "Service start successfully"),
    "start": Phases("Starting", "Waiting", "Running", "Service start successfully"),
    "stop": Phases("Stopping", "Stopping", "Stopped", "Service stopped successfully"),
    "delete": Phases("Deleting", "Deleting", "", "Service deleted"),
    # GUESS: the ServiceStatus enum (§3.4) has no Restarting; a restart is a rolling update.
    "restart": Phases("Updating", "Updating", "Running", "Service start successfully"),
}

BUSY_MESSAGES: dict[str, str] = {
    "Creating": "Service is now creating",
    "Updating": "Service is now updating",
    "Scaling": "Service is now scaling",
    "Starting": "Service is now starting",
    "Stopping": "Service is now stopping",
    "Deleting": "Service is now deleting",
    "Waiting": "Service is waiting for instances to be ready",
}

EAS_LIFECYCLE = Lifecycle(PHASES, BUSY_MESSAGES, failed="Failed")


@dataclass
class ServiceRecord:
    """One service as stored. Its status is not stored: it is computed from ``operation``."""

    name: str
    service_id: str
    config: dict[str, Any]
    access_token: str
    create_time: float
    update_time: float
    operation: Operation
    labels: dict[str, str] = field(default_factory=dict)
    workspace_id: str = ""
    version: int = 1  # bumped by every UpdateService (DescribeService LatestVersion)
    events: list[dict[str, Any]] = field(default_factory=list)
    # _versions.py: every version's config; which version ``config`` is (0: ``version``).
    versions: list[dict[str, Any]] = field(default_factory=list)
    config_version: int = 0
    # _instances.py: the instances as they were when ``operation`` began.
    pods: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ServiceRecord:
        data = json.loads(text)
        data["operation"] = Operation(**data["operation"])
        return cls(**data)


class Services(Table[ServiceRecord]):
    """EAS service records inside one store transaction, by name."""

    def __init__(self, tx: Transaction) -> None:
        super().__init__(tx, KIND, load=ServiceRecord.from_json, dump=ServiceRecord.to_json,
                         key=lambda record: record.name)


def instance_count(config: Mapping[str, Any]) -> int:
    """``metadata.instance`` (§1.2, required by EAS; 1 when absent, as eascmd examples imply)."""
    metadata = config.get("metadata")
    value = metadata.get("instance", 1) if isinstance(metadata, Mapping) else 1
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return 1
    try:
        return int(value)
    except ValueError:
        return 1


def impossible_because(
    config: Mapping[str, Any], known_images: Collection[str] | None
) -> str | None:
    """Why the cloud would end this spec in Failed, or None. These are accepted by the API and
    fail later, as on EAS, so a client sees them through its wait, not as a 4xx."""
    if instance_count(config) < 0:
        return "Invalid instance count: metadata.instance must be >= 0"
    containers = config.get("containers")
    for container in containers if isinstance(containers, list) else []:
        if not isinstance(container, Mapping):
            continue
        port = container.get("port")
        if port in RESERVED_PORTS:
            return (
                f"Container port {port} conflicts with a port reserved by the EAS engine "
                f"({' and '.join(map(str, sorted(RESERVED_PORTS)))}); "
                "listen on another port, e.g. 8000"
            )
        image = container.get("image")
        if known_images is not None and isinstance(image, str) and image not in known_images:
            return (
                f'Failed to pull image "{image}": manifest unknown; check the image address '
                "and that the registry is reachable from the VPC"
            )
    return None
