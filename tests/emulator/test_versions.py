"""Versions, version switches and the rollout lag: what a wait must read to tell the truth."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from emulator_testkit import FakeClock, create, describe, image_service, signed_client

from deploykit.emulator import Emulator, Timings

SERVICE = "/api/v2/services/cn-shanghai/image_test"
LAGGING = Timings(accept=10.0, per_instance=5.0, rollout_lag=30.0)


@pytest.fixture
def lagging(clock: FakeClock) -> Iterator[httpx.Client]:
    emulator = Emulator(clock=clock, timings=LAGGING)
    with signed_client(emulator, clock) as client:
        yield client
    emulator.close()


def versions(client: httpx.Client) -> dict[str, Any]:
    response = client.get(f"{SERVICE}/versions")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def current(client: httpx.Client) -> tuple[str, int, int]:
    service = describe(client)
    return service["Status"], service["CurrentVersion"], service["LatestVersion"]


def running_then_updated(client: httpx.Client, clock: FakeClock, instance: int = 1) -> None:
    """Version 1 running, then an update to version 2 just sent."""
    create(client, image_service(instance=instance))
    clock.advance(60)
    client.put(SERVICE, json={"metadata": {"cpu": 4}})


def test_each_create_and_update_makes_a_version(client: httpx.Client, clock: FakeClock) -> None:
    spec = image_service()
    create(client, spec)
    clock.advance(60)
    client.put(SERVICE, json={"metadata": {"cpu": 4}})
    body = versions(client)
    assert (body["TotalCount"], body["PageNumber"], body["PageSize"]) == (2, 1, 100)
    newest, first = body["Versions"]
    assert (newest["ImageId"], first["ImageId"]) == (2, 1)
    assert json.loads(first["ServiceConfig"]) == spec
    assert json.loads(newest["ServiceConfig"])["metadata"]["cpu"] == 4
    assert first["BuildTime"] == "2026-11-22T03:00:00Z"
    assert (newest["ImageAvailable"], newest["ServiceRunnable"]) == ("true", "true")


def test_current_version_moves_only_once_the_rollout_is_done(
    client: httpx.Client, clock: FakeClock
) -> None:
    running_then_updated(client, clock)
    assert current(client) == ("Updating", 1, 2)
    clock.advance(60)
    assert current(client) == ("Running", 2, 2)


def test_switching_back_serves_the_old_config_and_keeps_the_latest(
    client: httpx.Client, clock: FakeClock
) -> None:
    running_then_updated(client, clock, instance=2)
    clock.advance(60)
    client.put(SERVICE + "/scale", json={"Instance": 3})
    clock.advance(60)
    answer = client.put(SERVICE + "/version", json={"Version": 1})
    assert answer.status_code == 200
    assert current(client) == ("Updating", 2, 2)
    clock.advance(60)
    assert current(client) == ("Running", 1, 2)
    service = describe(client)
    assert service["Cpu"] == 2  # version 1's config…
    assert service["TotalInstance"] == 3  # …at today's scale
    # Asking again for the version already served changes nothing.
    client.put(SERVICE + "/version", json={"Version": 1})
    assert current(client) == ("Running", 1, 2)


@pytest.mark.parametrize("version", [0, 3, "2"])
def test_a_version_that_does_not_exist_is_refused(
    client: httpx.Client, clock: FakeClock, version: object
) -> None:
    running_then_updated(client, clock)
    refused = client.put(SERVICE + "/version", json={"Version": version})
    assert (refused.status_code, refused.json()["Code"]) == (409, "InvalidParameter")


def test_rollout_lag_keeps_reporting_the_old_version_running(
    lagging: httpx.Client, clock: FakeClock
) -> None:
    running_then_updated(lagging, clock, instance=2)
    # The hazard: Running, all instances up — but at the old version.
    service = describe(lagging)
    assert (service["Status"], service["RunningInstance"], service["PendingInstance"]) == (
        "Running", 2, 0,
    )
    assert (service["CurrentVersion"], service["LatestVersion"]) == (1, 2)
    clock.advance(LAGGING.rollout_lag - 1)
    assert current(lagging) == ("Running", 1, 2)
    clock.advance(1)
    assert current(lagging) == ("Updating", 1, 2)
    clock.advance(LAGGING.accept)
    assert current(lagging) == ("Running", 2, 2)


def test_rollout_lag_applies_to_a_version_switch_too(
    lagging: httpx.Client, clock: FakeClock
) -> None:
    running_then_updated(lagging, clock)
    clock.advance(60)
    lagging.put(SERVICE + "/version", json={"Version": 1})
    assert current(lagging) == ("Running", 2, 2)
    clock.advance(LAGGING.rollout_lag + LAGGING.accept)
    assert current(lagging) == ("Running", 1, 2)


def test_rollout_lag_does_not_delay_a_create(lagging: httpx.Client) -> None:
    create(lagging, image_service(instance=1))
    assert describe(lagging)["Status"] == "Creating"


def test_events_filter_by_type_instance_and_time(client: httpx.Client, clock: FakeClock) -> None:
    create(client, image_service(instance=2))
    clock.advance(60)
    instance = client.get(f"{SERVICE}/instances").json()["Instances"][1]["InstanceName"]
    events = f"{SERVICE}/events"
    mine = client.get(events, params={"InstanceName": instance}).json()["Events"]
    assert [(e["Resource"], e["Reason"]) for e in mine] == [("Pod", "Started")]
    assert mine[0]["Time"] == "2026-11-22 03:00:20"
    late = client.get(events, params={"StartTime": "2026-11-22 03:00:16"}).json()["Events"]
    assert [e["Reason"] for e in late] == ["Started", "Running"]
    early = client.get(events, params={"EndTime": "2026-11-22 03:00:00"}).json()["Events"]
    assert [e["Reason"] for e in early] == ["Creating"]
    paged = client.get(events, params={"PageNum": 2, "PageSize": 3}).json()
    assert (paged["TotalCount"], paged["TotalPageNum"], len(paged["Events"])) == (4, 2, 1)
    bad = client.get(events, params={"StartTime": "yesterday"})
    assert (bad.status_code, bad.json()["Code"]) == (409, "InvalidParameter")


def test_old_events_are_kept_up_to_a_bound(clock: FakeClock) -> None:
    from deploykit.emulator._rollout import KEPT_EVENTS

    emulator = Emulator(clock=clock, timings=Timings(accept=1.0, per_instance=0.0))
    with signed_client(emulator, clock) as client:
        create(client, image_service(instance=60))
        for cpu in range(10):  # each update stops and starts 60 instances: 120 events
            clock.advance(5)
            client.put(SERVICE, json={"metadata": {"cpu": cpu + 1}})
        body = client.get(f"{SERVICE}/events", params={"PageSize": 5000}).json()
    emulator.close()
    # The newest are kept: the last update's start is there, the create's is not.
    assert KEPT_EVENTS <= body["TotalCount"] <= KEPT_EVENTS + 1
    reasons = [e["Reason"] for e in body["Events"]]
    assert reasons[-1] == "Updating" and "Creating" not in reasons
