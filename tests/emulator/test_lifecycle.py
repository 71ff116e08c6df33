"""Services move through the statuses EAS shows, driven by the clock (reference/eas.md §3.4).

Timings here are SLOW (accept 10 s, 5 s per instance) and the clock is fake, so each
assertion lands inside one phase.
"""

from __future__ import annotations

import httpx
import pytest
from emulator_testkit import SLOW, FakeClock, create, describe, image_service, signed_client

from deploykit.emulator import Emulator


def counts(service: dict[str, object]) -> tuple[object, object, object, object]:
    return (
        service["Status"],
        service["TotalInstance"],
        service["PendingInstance"],
        service["RunningInstance"],
    )


def test_create_goes_creating_waiting_running_with_instances_coming_up(
    client: httpx.Client, clock: FakeClock
) -> None:
    assert create(client, image_service(instance=2)).json()["Status"] == "Creating"
    assert counts(describe(client)) == ("Creating", 2, 2, 0)
    clock.advance(SLOW.accept)
    assert counts(describe(client)) == ("Waiting", 2, 2, 0)
    clock.advance(SLOW.per_instance)
    assert counts(describe(client)) == ("Waiting", 2, 1, 1)
    clock.advance(SLOW.per_instance)
    service = describe(client)
    assert counts(service) == ("Running", 2, 0, 2)
    assert service["Message"] == "Service start successfully"


def test_scale_up_then_down(client: httpx.Client, clock: FakeClock) -> None:
    create(client, image_service(instance=1))
    clock.advance(60)
    response = client.put("/api/v2/services/cn-shanghai/image_test/scale", json={"Instance": 3})
    assert response.json()["Message"] == "Service [image_test] in region [cn-shanghai] is scaling"
    assert counts(describe(client)) == ("Scaling", 3, 2, 1)
    clock.advance(SLOW.accept + SLOW.per_instance)
    assert counts(describe(client)) == ("Scaling", 3, 1, 2)
    clock.advance(SLOW.per_instance)
    assert counts(describe(client)) == ("Running", 3, 0, 3)
    assert '"instance": 3' in describe(client)["ServiceConfig"]

    client.put("/api/v2/services/cn-shanghai/image_test/scale", json={"Instance": 1})
    clock.advance(SLOW.accept + SLOW.per_instance)
    assert counts(describe(client)) == ("Scaling", 1, 0, 2)
    clock.advance(SLOW.per_instance)
    assert counts(describe(client)) == ("Running", 1, 0, 1)


def test_stop_then_start(client: httpx.Client, clock: FakeClock) -> None:
    create(client, image_service(instance=2))
    clock.advance(60)
    client.put("/api/v2/services/cn-shanghai/image_test/stop")
    assert describe(client)["Status"] == "Stopping"
    clock.advance(SLOW.accept + 2 * SLOW.per_instance)
    assert counts(describe(client)) == ("Stopped", 0, 0, 0)
    client.put("/api/v2/services/cn-shanghai/image_test/start")
    assert describe(client)["Status"] == "Starting"
    clock.advance(SLOW.accept)
    assert counts(describe(client)) == ("Waiting", 2, 2, 0)
    clock.advance(2 * SLOW.per_instance)
    assert counts(describe(client)) == ("Running", 2, 0, 2)


def test_update_runs_updating_then_running(client: httpx.Client, clock: FakeClock) -> None:
    create(client, image_service(instance=1))
    clock.advance(60)
    client.put("/api/v2/services/cn-shanghai/image_test", json={"metadata": {"cpu": 4}})
    assert describe(client)["Status"] == "Updating"
    clock.advance(SLOW.accept)
    assert describe(client)["Status"] == "Running"
    assert describe(client)["CurrentVersion"] == 2


def test_delete_goes_deleting_then_not_found(client: httpx.Client, clock: FakeClock) -> None:
    create(client, image_service(instance=2))
    clock.advance(60)
    message = client.delete("/api/v2/services/cn-shanghai/image_test").json()["Message"]
    assert message == "Service [image_test] in region [cn-shanghai] is terminating"
    assert describe(client)["Status"] == "Deleting"
    clock.advance(SLOW.accept + 2 * SLOW.per_instance)
    gone = client.get("/api/v2/services/cn-shanghai/image_test")
    assert gone.status_code == 404
    assert gone.json()["Code"] == "InvalidService.NotFound"
    # The name is free again.
    assert create(client, image_service()).status_code == 200


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        (image_service(port=8080), "8080"),  # seeds/004: reserved by the EAS engine
        (image_service(port=9090), "9090"),
        (image_service(instance=-1), "metadata.instance"),
    ],
)
def test_impossible_spec_is_accepted_then_fails(
    client: httpx.Client, clock: FakeClock, spec: dict[str, object], reason: str
) -> None:
    assert create(client, spec).status_code == 200
    assert describe(client)["Status"] == "Creating"
    clock.advance(SLOW.accept)
    service = describe(client)
    assert service["Status"] == "Failed"
    assert reason in service["Message"]
    assert service["RunningInstance"] == 0


def test_unknown_image_fails_only_when_a_list_of_known_images_is_given(clock: FakeClock) -> None:
    known = "registry-vpc.cn-shanghai.aliyuncs.com/eas-demo/image-classify:1.0.2"
    emu = Emulator(clock=clock, timings=SLOW, known_images=[known])
    with signed_client(emu, clock) as client:
        create(client, image_service(name="good"))
        create(client, image_service(name="typo", image=known.replace("1.0.2", "1.0.3")))
        clock.advance(60)
        assert describe(client, "good")["Status"] == "Running"
        failed = describe(client, "typo")
        assert failed["Status"] == "Failed"
        assert "Failed to pull image" in failed["Message"]
        # Starting it again does not make the image exist.
        client.put("/api/v2/services/cn-shanghai/typo/start")
        clock.advance(60)
        assert describe(client, "typo")["Status"] == "Failed"
    emu.close()


def test_events_record_each_operation_and_its_end(client: httpx.Client, clock: FakeClock) -> None:
    create(client, image_service(instance=1))
    clock.advance(60)
    client.put("/api/v2/services/cn-shanghai/image_test/stop")
    clock.advance(60)
    body = client.get("/api/v2/services/cn-shanghai/image_test/events").json()
    reasons = [(e["Resource"], e["Reason"]) for e in body["Events"]]
    # The end of an operation is kept once the next one has begun.
    assert reasons == [
        ("Service", "Creating"),
        ("Pod", "Started"),
        ("Service", "Running"),
        ("Service", "Stopping"),
        ("Pod", "Killing"),
        ("Service", "Stopped"),
    ]
    assert body["TotalCount"] == 6
    assert body["Events"][0]["Time"] == "2026-11-22 03:00:00"  # §3.3: "2006-01-02 15:04:05"


def test_scaling_a_failed_service_does_not_make_it_run(
    client: httpx.Client, clock: FakeClock
) -> None:
    create(client, image_service(port=8080))
    clock.advance(60)
    client.put("/api/v2/services/cn-shanghai/image_test/scale", json={"Instance": 3})
    clock.advance(60)
    assert describe(client)["Status"] == "Failed"
    # Fixing the spec through an update is what brings it up.
    client.put(
        "/api/v2/services/cn-shanghai/image_test",
        json={"containers": [{**image_service()["containers"][0], "port": 8000}]},
    )
    clock.advance(60)
    assert counts(describe(client)) == ("Running", 3, 0, 3)
