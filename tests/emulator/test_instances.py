"""ListServiceInstances agrees with DescribeService at every moment, whatever was done.

The lifecycle is a pure function of the clock: with a fake clock each moment can be looked at
twice, from both operations, and the instance list must always add up to the counts a wait
reads (RunningInstance, PendingInstance).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
from emulator_testkit import SLOW, FakeClock, create, describe, image_service, signed_client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deploykit.emulator import Emulator

SERVICE = "/api/v2/services/cn-shanghai/image_test"
# ListServiceInstances page example "foo-bdc5xxxx-8l7rk"; Kubernetes' safe alphabet.
NAME = re.compile(r"^image-test-[bcdfghjklmnpqrstvwxz2456789]{8}-[bcdfghjklmnpqrstvwxz2456789]{5}$")
CRASHING = "registry-vpc.cn-shanghai.aliyuncs.com/eas-demo/image-classify:crashloop"


def instances(client: httpx.Client) -> list[dict[str, Any]]:
    response = client.get(f"{SERVICE}/instances")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["Instances"]
    return found


def assert_consistent(client: httpx.Client) -> None:
    service = describe(client)
    listed = instances(client)
    running = [i for i in listed if i["Status"] == "Running"]
    assert len(running) == service["RunningInstance"], (service["Status"], listed)
    assert len(listed) - len(running) == service["PendingInstance"], (service["Status"], listed)
    assert len({i["InstanceName"] for i in listed}) == len(listed)
    for instance in listed:
        assert NAME.match(instance["InstanceName"]), instance["InstanceName"]
        ready = instance["ReadyProcesses"] == instance["TotalProcesses"]
        assert ready == (instance["Status"] == "Running")
        assert bool(instance["StartTime"]) == (instance["Status"] == "Running")


def test_instances_come_up_one_by_one_and_keep_their_names(
    client: httpx.Client, clock: FakeClock
) -> None:
    create(client, image_service(instance=2))
    pending = instances(client)
    assert [(i["Status"], i["Reason"]) for i in pending] == [("Pending", "ContainerCreating")] * 2
    clock.advance(SLOW.accept + SLOW.per_instance)
    half = instances(client)
    assert [i["Status"] for i in half] == ["Running", "Pending"]
    assert half[0]["StartTime"] == "2026-11-22T03:00:15Z"
    clock.advance(SLOW.per_instance)
    up = instances(client)
    assert [i["InstanceName"] for i in up] == [i["InstanceName"] for i in pending]
    assert all(i["IsLatest"] and i["RestartCount"] == 0 and i["LastState"] == [] for i in up)
    assert up[0]["InstancePort"] == 8000 and up[0]["InnerIP"].startswith("10.224.")


def test_an_update_replaces_the_instances_and_scale_keeps_them(
    client: httpx.Client, clock: FakeClock
) -> None:
    create(client, image_service(instance=2))
    clock.advance(60)
    first = {i["InstanceName"] for i in instances(client)}
    client.put(SERVICE + "/scale", json={"Instance": 3})
    clock.advance(60)
    scaled = {i["InstanceName"] for i in instances(client)}
    assert first < scaled
    client.put(SERVICE, json={"metadata": {"cpu": 4}})
    during = instances(client)
    assert {i["InstanceName"] for i in during} == scaled  # old ones serve while it rolls out
    assert not any(i["IsLatest"] for i in during)
    clock.advance(60)
    after = instances(client)
    assert not scaled & {i["InstanceName"] for i in after}
    assert all(i["IsLatest"] for i in after)


def test_restart_restarts_each_instance_in_place(client: httpx.Client, clock: FakeClock) -> None:
    create(client, image_service(instance=2))
    clock.advance(60)
    names = [i["InstanceName"] for i in instances(client)]
    answer = client.put(SERVICE + "/restart").json()
    assert answer["Message"] == "Service [image_test] in region [cn-shanghai] is restarting"
    assert describe(client)["Status"] == "Updating"
    clock.advance(SLOW.accept)
    first_down = instances(client)
    assert [(i["Status"], i["Reason"]) for i in first_down] == [
        ("Pending", "Restarting"), ("Running", ""),
    ]
    assert (describe(client)["RunningInstance"], describe(client)["PendingInstance"]) == (1, 1)
    clock.advance(2 * SLOW.per_instance)
    done = instances(client)
    assert describe(client)["Status"] == "Running"
    assert [i["InstanceName"] for i in done] == names
    assert [i["RestartCount"] for i in done] == [1, 1]
    assert done[0]["LastState"][0]["reason"] == "Completed"


def test_a_stopped_service_cannot_be_restarted(client: httpx.Client, clock: FakeClock) -> None:
    create(client, image_service(instance=1))
    client.put(SERVICE + "/stop")
    clock.advance(60)
    refused = client.put(SERVICE + "/restart")
    assert refused.status_code == 409
    assert refused.json()["Code"] == "InvalidServiceStatus"


def test_instance_filters_and_pages(client: httpx.Client, clock: FakeClock) -> None:
    create(client, image_service(instance=3))
    clock.advance(SLOW.accept + SLOW.per_instance)
    listed = instances(client)
    only = client.get(f"{SERVICE}/instances", params={"InstanceStatus": "Running"}).json()
    assert [i["InstanceName"] for i in only["Instances"]] == [listed[0]["InstanceName"]]
    page = client.get(f"{SERVICE}/instances", params={"PageNumber": 2, "PageSize": 2}).json()
    assert (page["TotalCount"], len(page["Instances"])) == (3, 1)
    assert page["Instances"][0]["InstanceName"] == listed[2]["InstanceName"]


Step = Callable[[httpx.Client], object]
STEPS: dict[str, Step] = {
    "scale_up": lambda c: c.put(SERVICE + "/scale", json={"Instance": 4}),
    "scale_down": lambda c: c.put(SERVICE + "/scale", json={"Instance": 1}),
    "update": lambda c: c.put(SERVICE, json={"metadata": {"cpu": 8}}),
    "bad_update": lambda c: c.put(
        SERVICE, json={"containers": [{**image_service()["containers"][0], "image": CRASHING}]}
    ),
    "rollback": lambda c: c.put(SERVICE + "/version", json={"Version": 1}),
    "restart": lambda c: c.put(SERVICE + "/restart"),
    "stop": lambda c: c.put(SERVICE + "/stop"),
    "start": lambda c: c.put(SERVICE + "/start"),
}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(sorted(STEPS)), st.integers(min_value=0, max_value=40)),
        max_size=6,
    ),
    lag=st.sampled_from([0.0, 7.0]),
)
def test_instances_add_up_to_the_counts_at_every_moment(
    steps: list[tuple[str, int]], lag: float
) -> None:
    from deploykit.emulator import Timings

    clock = FakeClock()
    emulator = Emulator(clock=clock, timings=Timings(accept=10.0, per_instance=5.0,
                                                     rollout_lag=lag))
    with signed_client(emulator, clock) as client:

        def watch(seconds: int) -> None:
            for _ in range(0, seconds, 3):
                assert_consistent(client)
                clock.advance(3)
            assert_consistent(client)

        create(client, image_service(instance=2))
        watch(30)
        for name, seconds in steps:
            STEPS[name](client)
            watch(seconds)
    emulator.close()
