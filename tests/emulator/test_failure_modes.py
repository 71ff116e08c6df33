"""Services fail as real ones do when their image says so: a crash loop and an OOM kill, with
the Warning events, instance states and logs a user diagnoses them from."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from emulator_testkit import SLOW, FakeClock, create, describe, image_service

from deploykit.emulator._lifecycle import CRASHES_BEFORE_FAILED

SERVICE = "/api/v2/services/cn-shanghai/image_test"
REGISTRY = "registry-vpc.cn-shanghai.aliyuncs.com/eas-demo"


def instances(client: httpx.Client) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get(f"{SERVICE}/instances").json()["Instances"]
    return found


def logs(client: httpx.Client, instance: str, **params: str) -> list[str]:
    response = client.get(f"{SERVICE}/logs", params={"InstanceName": instance, **params})
    assert response.status_code == 200, response.text
    lines: list[str] = response.json()["Logs"]
    return lines


def warnings(client: httpx.Client) -> list[dict[str, Any]]:
    events = client.get(f"{SERVICE}/events", params={"EventType": "Warning"}).json()["Events"]
    assert all(e["Type"] == "Warning" for e in events)
    found: list[dict[str, Any]] = events
    return found


def test_a_crashloop_image_crashes_then_the_service_fails(
    client: httpx.Client, clock: FakeClock
) -> None:
    create(client, image_service(instance=2, image=f"{REGISTRY}/image-classify:crashloop"))
    clock.advance(SLOW.accept)
    # Crash-looping, not yet given up on: the wait sees Waiting with nothing running.
    waiting = describe(client)
    assert (waiting["Status"], waiting["RunningInstance"], waiting["PendingInstance"]) == (
        "Waiting", 0, 2,
    )
    crashing = instances(client)
    assert [(i["Status"], i["ReadyProcesses"]) for i in crashing] == [("CrashLoopBackOff", 0)] * 2
    assert crashing[0]["LastState"][0] | {"finishedAt": ""} == {
        "reason": "Error", "exitCode": 1, "finishedAt": "",
    }
    clock.advance(CRASHES_BEFORE_FAILED * SLOW.per_instance)
    failed = describe(client)
    assert failed["Status"] == "Failed"
    assert "CrashLoopBackOff" in failed["Message"] and "code 1" in failed["Message"]
    assert instances(client)[0]["RestartCount"] == CRASHES_BEFORE_FAILED + 1
    log = logs(client, crashing[0]["InstanceName"])
    assert log[1] == "Traceback (most recent call last):"
    assert '  File "/app/serve.py", line 14, in <module>' in log  # the spec's command
    assert log[-1].startswith("FileNotFoundError:")
    reasons = [(e["Resource"], e["Reason"]) for e in warnings(client)]
    assert reasons == [("Pod", "BackOff"), ("Pod", "BackOff"), ("Service", "Failed")]


def test_an_oomkill_image_is_killed_with_137(client: httpx.Client, clock: FakeClock) -> None:
    create(client, image_service(instance=1, image=f"{REGISTRY}/oomkill-demo:1.0"))
    clock.advance(60)
    failed = describe(client)
    assert failed["Status"] == "Failed"
    assert "OOMKilled" in failed["Message"] and "4000 MB" in failed["Message"]
    (instance,) = instances(client)
    assert instance["LastState"][0]["reason"] == "OOMKilled"
    assert instance["LastState"][0]["exitCode"] == 137
    log = logs(client, instance["InstanceName"])
    assert "Traceback (most recent call last):" not in log  # killed, not raised
    assert log[-1].startswith("loading checkpoint shard")
    assert logs(client, instance["InstanceName"], Previous="True") == log
    pod_warning = warnings(client)[0]
    assert pod_warning["Reason"] == "OOMKilled"
    assert f"[{instance['InstanceName']}]" in pod_warning["Message"]


def test_a_bad_update_leaves_the_old_version_serving(
    client: httpx.Client, clock: FakeClock
) -> None:
    create(client, image_service(instance=2))
    clock.advance(60)
    bad = {**image_service()["containers"][0], "image": f"{REGISTRY}/image-classify:crashloop"}
    client.put(SERVICE, json={"containers": [bad]})
    clock.advance(60)
    service = describe(client)
    assert (service["Status"], service["CurrentVersion"], service["LatestVersion"]) == (
        "Failed", 1, 2,
    )
    listed = instances(client)
    # The two old instances serve on; the one new instance the rollout surged crash-loops.
    assert [(i["Status"], i["IsLatest"]) for i in listed] == [
        ("Running", False), ("Running", False), ("CrashLoopBackOff", True),
    ]
    assert (service["RunningInstance"], service["PendingInstance"]) == (2, 1)


def test_rolling_back_a_failed_update_brings_it_back(
    client: httpx.Client, clock: FakeClock
) -> None:
    create(client, image_service(instance=2))
    clock.advance(60)
    bad = {**image_service()["containers"][0], "image": f"{REGISTRY}/oomkill-demo:2.0"}
    client.put(SERVICE, json={"containers": [bad]})
    clock.advance(60)
    assert client.put(SERVICE + "/version", json={"Version": 1}).status_code == 200
    clock.advance(60)
    service = describe(client)
    assert (service["Status"], service["CurrentVersion"], service["LatestVersion"]) == (
        "Running", 1, 2,
    )
    assert [i["Status"] for i in instances(client)] == ["Running", "Running"]


@pytest.mark.parametrize("missing", [{}, {"InstanceName": "image-test-bbbbbbbb-bbbbb"}])
def test_logs_of_no_or_an_unknown_instance_are_refused(
    client: httpx.Client, missing: dict[str, str]
) -> None:
    create(client, image_service())
    response = client.get(f"{SERVICE}/logs", params=missing)
    code = "InvalidInstance.NotFound" if missing else "MissingParameter"
    assert response.json()["Code"] == code
    assert response.status_code == (404 if missing else 400)


def test_healthy_logs_and_keyword(client: httpx.Client, clock: FakeClock) -> None:
    create(client, image_service(instance=1))
    (pending,) = instances(client)
    assert logs(client, pending["InstanceName"]) == []  # not started: nothing printed yet
    clock.advance(60)
    name = instances(client)[0]["InstanceName"]
    assert logs(client, name) == [
        "2026-11-22 03:00:15 INFO starting: python /app/serve.py",
        "2026-11-22 03:00:15 INFO listening on 0.0.0.0:8000",
    ]
    assert logs(client, name, Keyword="listening") == [logs(client, name)[1]]
    assert logs(client, name, Previous="True") == []  # never restarted
