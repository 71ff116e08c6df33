"""The operations that tell what a service is doing, and change which version it runs:
DescribeServiceEvent, ListServiceInstances, DescribeServiceLog, ListServiceVersions,
UpdateServiceVersion and RestartService.

Paths and queries are the official client's (``alibabacloud_eas20210701/client.py``
``*_with_options``, reference/eas.md §3.2); answers carry the fields its models'
``from_map`` read (``models/_describe_service_event_response_body.py``,
``_list_service_instances_response_body.py`` + ``_instance.py``,
``_describe_service_log_response_body.py``, ``_list_service_versions_response_body.py``,
``_update_service_version_response_body.py``, ``_restart_service_response_body.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from deploykit.emulator._errors import ApiFailure
from deploykit.emulator._instance_logs import instance_log
from deploykit.emulator._instances import instance_view, instances_at
from deploykit.emulator._lifecycle import Operation, instance_count
from deploykit.emulator._request_limits import parse_json_object
from deploykit.emulator._service_api import (
    Answer,
    Call,
    ServiceApi,
    _positive_int,
)
from deploykit.emulator._service_events import events_at, select
from deploykit.emulator._store import Transaction
from deploykit.emulator._versions import switch_version, versions_page

T = TypeVar("T")
# DescribeServiceLog's PageSize defaults to 500 (SDK ``DescribeServiceLogRequest``); the
# other lists default to 100 (§3.2).
LOG_PAGE_SIZE = 500
PAGE_SIZE = 100
# Statuses in which RestartService has nothing to restart, or something else is under way.
# GUESS: EAS refuses them; a restart of a Failed service starts its instances afresh.
_NOT_RESTARTABLE = frozenset({"Stopped", "Stopping", "Deleting"})


class ServiceOpsApi(ServiceApi):
    """:class:`ServiceApi` plus events, instances, logs, versions, version switch, restart."""

    def _DescribeServiceEvent(self, tx: Transaction, call: Call, now: float) -> Answer:
        record, _ = self._live(tx, call.name, now)
        events = select(events_at(record, now, self._timings), call.query, now)
        return _numbered_page("Events", events, call.query, PAGE_SIZE)

    def _ListServiceInstances(self, tx: Transaction, call: Call, now: float) -> Answer:
        record, _ = self._live(tx, call.name, now)
        q = call.query
        views = [
            instance_view(record, instance, record.version)
            for instance in instances_at(record, now, self._timings)
        ]
        for key, field in (("InstanceName", "InstanceName"), ("InstanceStatus", "Status"),
                           ("InstanceIP", "InnerIP"), ("HostIP", "HostIP")):
            if q.get(key):
                views = [v for v in views if v[field] == q[key]]
        if q.get("Filter"):  # name, instance IP, host IP or instance type (SDK request doc)
            keys = ("InstanceName", "InnerIP", "HostIP", "InstanceType")
            views = [v for v in views if any(q["Filter"] in str(v[k]) for k in keys)]
        page_number = _positive_int(q, "PageNumber", 1)
        page_size = _positive_int(q, "PageSize", PAGE_SIZE)
        return {
            "Instances": _page(views, page_number, page_size),
            "PageNumber": page_number,
            "PageSize": page_size,
            "TotalCount": len(views),
        }

    def _DescribeServiceLog(self, tx: Transaction, call: Call, now: float) -> Answer:
        record, _ = self._live(tx, call.name, now)
        q = call.query
        wanted = q.get("InstanceName")
        if not wanted:
            raise ApiFailure("MissingParameter", "InstanceName is required")
        instance = next(
            (i for i in instances_at(record, now, self._timings) if i.name == wanted), None
        )
        if instance is None:
            raise ApiFailure(
                "InvalidInstance.NotFound",
                f"Instance [{wanted}] of service [{record.name}] does not exist",
            )
        # The official client sends booleans as str(True): "True".
        previous = q.get("Previous", "").lower() == "true"
        lines = instance_log(record, instance, previous=previous)
        if q.get("Keyword"):
            lines = [line for line in lines if q["Keyword"] in line]
        return _numbered_page("Logs", lines, q, LOG_PAGE_SIZE)

    def _ListServiceVersions(self, tx: Transaction, call: Call, now: float) -> Answer:
        record, _ = self._live(tx, call.name, now)
        page_number = _positive_int(call.query, "PageNumber", 1)
        page_size = _positive_int(call.query, "PageSize", PAGE_SIZE)
        return versions_page(record, self._known_images, page_number, page_size)

    def _UpdateServiceVersion(self, tx: Transaction, call: Call, now: float) -> Answer:
        record, snap = self._live(tx, call.name, now)
        self._refuse_while_deleting(snap, call.name)
        version = parse_json_object(call.body, "UpdateServiceVersion body").get("Version")
        if isinstance(version, bool) or not isinstance(version, int):
            raise ApiFailure("InvalidParameter", "Version must be an integer")
        already = version == (record.config_version or record.version)
        if not (already and snap.status != "Failed"):
            switch_version(record, version)
            if snap.status in ("Stopped", "Stopping"):
                # As UpdateService: a stopped service serves the version once started.
                record.update_time = now
                tx.put(record)
            else:
                target = max(instance_count(record.config), 0)
                op = Operation("update", now, snap.running, target,
                               self._failure_for(record.config))
                self._begin(tx, record, op, "Updating", now)
        # GUESS: the wording of UpdateService's answer (§3.3); none is documented for this.
        return {"Message": f"Succeed to update service [{record.name}] in region "
                           f"[{self._region}] to version [{version}]"}

    def _RestartService(self, tx: Transaction, call: Call, now: float) -> Answer:
        record, snap = self._live(tx, call.name, now)
        if snap.status in _NOT_RESTARTABLE:
            raise ApiFailure(
                "InvalidServiceStatus",
                f"Service [{record.name}] is {snap.status.lower()}; only a running or failed "
                "service can be restarted",
            )
        target = max(instance_count(record.config), 0)
        failure = self._failure_for(record.config)
        if snap.status == "Running" and snap.running == target:
            op = Operation("restart", now, snap.running, target, failure)
        else:  # failed or mid-operation: its instances are started afresh
            op = Operation("start", now, snap.running, target, failure)
        self._begin(tx, record, op, "Restarting", now)
        return self._message(record.name, "restarting")


def _page(items: Sequence[T], number: int, size: int) -> list[T]:
    return list(items[(number - 1) * size : number * size])


def _numbered_page(
    key: str, items: Sequence[object], query: Mapping[str, str], default_size: int
) -> Answer:
    """A page of the lists paged by ``PageNum`` (§3.2: events and logs, not PageNumber)."""
    number = _positive_int(query, "PageNum", 1)
    size = _positive_int(query, "PageSize", default_size)
    return {
        key: _page(items, number, size),
        "PageNum": number,
        "TotalCount": len(items),
        "TotalPageNum": max(1, -(-len(items) // size)),
    }

