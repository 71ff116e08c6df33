"""How a stored service looks in API answers: the ``Service`` struct, endpoints, events.

Field names are the SDK's (reference/eas.md §3.3, Go ``client/service_model.go``); endpoints
follow §3.7. Only fields with a meaning the emulator can give are filled.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from deploykit.emulator._lifecycle import Snapshot
from deploykit.emulator._store import ServiceRecord


def account_uid(access_key_ids: Iterable[str]) -> str:
    """A stable 16-digit account id for endpoints (real ones look like 1828488879222746)."""
    digest = hashlib.sha256(",".join(sorted(access_key_ids)).encode()).hexdigest()
    return str(int(digest, 16) % 10**16).zfill(16)


# §3.7: a service's endpoint is <base>/api/predict/<service_name>.
PREDICT_PREFIX = "/api/predict/"


def predict_path(base_url: str, name: str) -> str:
    """A service's endpoint under ``base_url`` (an emulator's own address, or EAS's host)."""
    return f"{base_url.rstrip('/')}{PREDICT_PREFIX}{name}"


def endpoints(uid: str, region: str, name: str, gateway: str | None = None) -> dict[str, str]:
    if gateway:  # an emulator's own address, where _gateway.py answers for the service
        return {"InternetEndpoint": predict_path(gateway, name),
                "IntranetEndpoint": predict_path(gateway, name)}
    # §3.7: public http://<uid>.<region>.pai-eas.aliyuncs.com/api/predict/<name>, VPC adds .vpc.
    return {
        "InternetEndpoint": f"http://{uid}.{region}.pai-eas.aliyuncs.com/api/predict/{name}",
        "IntranetEndpoint": f"http://{uid}.vpc.{region}.pai-eas.aliyuncs.com/api/predict/{name}",
    }


def rfc3339(moment: float) -> str:
    """CreateTime/UpdateTime are RFC 3339 UTC (§3.3)."""
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_time(moment: float) -> str:
    """DescribeServiceEvent times are ``2006-01-02 15:04:05`` UTC (§3.2, §3.3)."""
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def service_view(
    record: ServiceRecord, snap: Snapshot, uid: str, region: str, gateway: str | None = None
) -> dict[str, Any]:
    metadata = record.config.get("metadata")
    meta: Mapping[str, Any] = metadata if isinstance(metadata, Mapping) else {}
    containers = record.config.get("containers")
    first = containers[0] if isinstance(containers, list) and containers else {}
    image = first.get("image", "") if isinstance(first, Mapping) else ""
    return {
        "AccessToken": record.access_token,
        "CallerUid": uid,
        "ParentUid": uid,
        "Cpu": meta.get("cpu", 0),
        "Memory": meta.get("memory", 0),
        "Gpu": meta.get("gpu", 0),
        "GPUMemory": meta.get("gpu_memory", 0),
        "GPUCorePercentage": meta.get("gpu_core_percentage", 0),
        "Image": image,
        "CreateTime": rfc3339(record.create_time),
        "UpdateTime": rfc3339(record.update_time),
        # The SDK's Service model: current_version "of the running model", latest_version.
        "CurrentVersion": snap.version or record.version,
        "LatestVersion": record.version,
        **endpoints(uid, region, record.name, gateway),
        "Labels": [{"LabelKey": k, "LabelValue": v} for k, v in sorted(record.labels.items())],
        "Message": snap.message,
        "Reason": snap.status.upper(),  # §3.3 example: Reason "RUNNING"
        "Region": region,
        "Resource": meta.get("resource", ""),
        "ServiceConfig": json.dumps(record.config, ensure_ascii=False),
        "ServiceId": record.service_id,
        "ServiceUid": record.service_id,  # §3.3: ServiceUid = ServiceId
        "ServiceName": record.name,
        "Status": snap.status,
        "TotalInstance": snap.total,
        "RunningInstance": snap.running,
        "PendingInstance": snap.pending,
        "TrafficState": "standalone",
        "Weight": 0,
        "WorkspaceId": record.workspace_id,
    }


def new_event(moment: float, reason: str, message: str, warning: bool = False) -> dict[str, Any]:
    """One DescribeServiceEvent entry (§3.3)."""
    return {
        "Time": event_time(moment),
        "Type": "Warning" if warning else "Normal",
        "Reason": reason,
        "Message": message,
        "Resource": "Service",
    }

