"""Service versions: each CreateService and UpdateService makes one; UpdateServiceVersion
serves an older (or newer) one again.

DescribeService shows ``LatestVersion`` (the newest version, ``record.version``) and
``CurrentVersion`` (the version serving, which the lifecycle's snapshot computes: it moves to
a rolled-out version only once its rollout is done). ListServiceVersions answers with the
SDK's ``ListServiceVersionsResponseBodyVersions`` fields (``models/
_list_service_versions_response_body.py``): ``BuildTime``, ``ImageAvailable``, ``ImageId``,
``Message``, ``ServiceConfig``, ``ServiceRunnable``. The model has no ``Version`` field;
``ImageId`` (an int) carries the version number — GUESS, the only integer id it has.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Collection, Mapping
from typing import Any

from deploykit.emulator._errors import ApiFailure
from deploykit.emulator._lifecycle import impossible_because, instance_count
from deploykit.emulator._service_view import rfc3339
from deploykit.emulator._store import ServiceRecord


def add_version(record: ServiceRecord, now: float) -> None:
    """Keep ``record.config`` as version ``record.version``, the one the next rollout serves."""
    record.versions.append(
        {"version": record.version, "built": now, "config": copy.deepcopy(record.config)}
    )
    record.config_version = record.version


def history(record: ServiceRecord) -> list[dict[str, Any]]:
    """Every version, oldest first (a record stored before versions were kept has one)."""
    if record.versions:
        return record.versions
    return [{"version": record.version, "built": record.update_time, "config": record.config}]


def switch_version(record: ServiceRecord, version: int) -> None:
    """Make ``version``'s config the one to roll out, keeping today's instance count: the
    count is scaling, not part of a version (reference/eas.md §1.12)."""
    latest = record.version
    if version < 1 or version > latest:
        raise ApiFailure(
            "InvalidParameter",
            f"Version must be between 1 and the latest version {latest}, not {version}",
        )
    chosen = next(v for v in history(record) if v["version"] == version)
    config = copy.deepcopy(chosen["config"])
    metadata = config.setdefault("metadata", {})
    if isinstance(metadata, dict):
        metadata["instance"] = instance_count(record.config)
    record.config = config
    record.config_version = version


def versions_page(
    record: ServiceRecord,
    known_images: Collection[str] | None,
    page_number: int,
    page_size: int,
) -> dict[str, Any]:
    """ListServiceVersions, newest first (GUESS: the order ListServices defaults to, §3.2)."""
    rows = list(reversed(history(record)))
    page = rows[(page_number - 1) * page_size : page_number * page_size]
    return {
        "PageNumber": page_number,
        "PageSize": page_size,
        "TotalCount": len(rows),
        "Versions": [_version_view(v, known_images) for v in page],
    }


def _version_view(
    version: Mapping[str, Any], known_images: Collection[str] | None
) -> dict[str, Any]:
    config: Mapping[str, Any] = version["config"]
    problem = impossible_because(config, known_images)
    image_ok = problem is None or "pull image" not in problem
    return {
        "ImageId": version["version"],
        "BuildTime": rfc3339(version["built"]),
        # The SDK documents these as the strings "true" | "false" | "unknown".
        "ImageAvailable": "true" if image_ok else "false",
        "ServiceRunnable": "true" if problem is None else "false",
        "Message": problem or "",
        "ServiceConfig": json.dumps(config, ensure_ascii=False),
    }
