"""The official ``alibabacloud-eas20210701`` client works, unchanged, against the emulator
served over real HTTP (reference/eas.md §8: 6.17.0 with tea-openapi 0.4.6)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

# The official SDK ships no type information (no py.typed): the oracle is untyped.
from alibabacloud_eas20210701 import models  # type: ignore[import-untyped]
from alibabacloud_eas20210701.client import Client  # type: ignore[import-untyped]
from alibabacloud_tea_openapi.exceptions import ClientException  # type: ignore[import-untyped]
from alibabacloud_tea_openapi.models import Config  # type: ignore[import-untyped]
from emulator_testkit import REGION, ServedEmulator, image_service
from pydantic import SecretStr

from deploykit.clients.alibaba._signer import Acs3Auth
from deploykit.emulator import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_ACCESS_KEY_SECRET,
    Emulator,
    Faults,
    Timings,
)

pytestmark = pytest.mark.slow
FAST = Timings(accept=0.05, per_instance=0.05)


@pytest.fixture
def served() -> Iterator[ServedEmulator]:
    emu = Emulator(timings=FAST)
    with ServedEmulator(emu) as server:
        yield server
    emu.close()


def sdk(port: int, secret: str = DEFAULT_ACCESS_KEY_SECRET) -> Client:
    return Client(
        Config(
            access_key_id=DEFAULT_ACCESS_KEY_ID,
            access_key_secret=secret,
            region_id=REGION,
            endpoint=f"127.0.0.1:{port}",
            protocol="http",
        )
    )


def wait_for(client: Client, name: str, status: str, version: int | None = None) -> Any:
    """DescribeService's body once ``status`` (at ``version``) shows, or after 10 s."""
    deadline = time.monotonic() + 10
    while True:
        body = client.describe_service(REGION, name, models.DescribeServiceRequest()).body
        serving = version is None or body.current_version == version
        if (body.status == status and serving) or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def test_every_core_operation_through_the_official_client(served: ServedEmulator) -> None:
    client = sdk(served.port)
    spec = image_service(instance=2)
    created = client.create_service(
        models.CreateServiceRequest(body=json.dumps(spec), labels={"team": "search ranking"})
    ).body
    assert (created.service_name, created.status, created.region) == (
        "image_test",
        "Creating",
        REGION,
    )
    assert created.request_id

    running = wait_for(client, "image_test", "Running")
    assert (running.status, running.running_instance, running.total_instance) == ("Running", 2, 2)
    assert json.loads(running.service_config) == spec

    listed = client.list_services(models.ListServicesRequest(filter="image", page_size=10)).body
    assert listed.total_count == 1
    assert listed.services[0].service_name == "image_test"

    updated = client.update_service(
        REGION,
        "image_test",
        models.UpdateServiceRequest(body=json.dumps({"metadata": {"cpu": 4}})),
    ).body
    assert updated.message == "Succeed to update service [image_test] in region [cn-shanghai]"
    assert wait_for(client, "image_test", "Running").cpu == 4

    scaled = client.scale_service(REGION, "image_test", models.ScaleServiceRequest(instance=3))
    assert scaled.body.message.endswith("is scaling")
    assert wait_for(client, "image_test", "Running").running_instance == 3

    client.stop_service(REGION, "image_test", models.StopServiceRequest())
    assert wait_for(client, "image_test", "Stopped").status == "Stopped"
    client.start_service(REGION, "image_test", models.StartServiceRequest())
    assert wait_for(client, "image_test", "Running").running_instance == 3

    events = client.describe_service_event(
        REGION, "image_test", models.DescribeServiceEventRequest()
    ).body
    service_events = [e.reason for e in events.events if e.resource == "Service"]
    assert service_events[:3] == ["Creating", "Running", "Updating"]

    deleted = client.delete_service(REGION, "image_test", models.DeleteServiceRequest()).body
    assert deleted.message == "Service [image_test] in region [cn-shanghai] is terminating"
    deadline = time.monotonic() + 10
    with pytest.raises(ClientException) as gone:
        while time.monotonic() < deadline:
            client.describe_service(REGION, "image_test", models.DescribeServiceRequest())
            time.sleep(0.05)
    assert gone.value.code == "InvalidService.NotFound"
    assert gone.value.status_code == 404


def test_the_official_client_with_a_wrong_secret_is_refused(served: ServedEmulator) -> None:
    with pytest.raises(ClientException) as refused:
        sdk(served.port, secret="wrong").list_services(models.ListServicesRequest())
    assert refused.value.code == "SignatureDoesNotMatch"
    assert refused.value.status_code == 400


def test_the_official_client_sees_the_409_for_a_nameless_spec(served: ServedEmulator) -> None:
    spec = image_service()
    del spec["metadata"]["name"]
    with pytest.raises(ClientException) as refused:
        sdk(served.port).create_service(models.CreateServiceRequest(body=json.dumps(spec)))
    assert (refused.value.code, refused.value.status_code) == ("InvalidParameter", 409)
    assert "Service name is empty" in refused.value.message


def signed_http(url: str) -> httpx.Client:
    auth = Acs3Auth(DEFAULT_ACCESS_KEY_ID, SecretStr(DEFAULT_ACCESS_KEY_SECRET))
    return httpx.Client(base_url=url, auth=auth, timeout=10)


def test_a_dropped_connection_is_a_transport_error_over_http() -> None:
    emu = Emulator(faults=Faults(drop=1.0))
    with (
        ServedEmulator(emu) as server,
        signed_http(server.url) as client,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        client.get("/api/v2/services")
    emu.close()


def test_a_lost_create_over_http_creates_the_service() -> None:
    emu = Emulator(faults=Faults(lost_create_response=1.0))
    with ServedEmulator(emu) as server, signed_http(server.url) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/api/v2/services", json=image_service())
        assert client.get(f"/api/v2/services/{REGION}/image_test").status_code == 200
    emu.close()


def test_latency_is_added_per_call_and_calls_overlap() -> None:
    emu = Emulator(latency=0.2)
    with ServedEmulator(emu) as server, signed_http(server.url) as client:
        started = time.monotonic()
        client.get("/api/v2/services")
        single = time.monotonic() - started
        started = time.monotonic()
        with ThreadPoolExecutor(10) as pool:
            codes = list(pool.map(lambda _: client.get("/api/v2/services").status_code, range(10)))
        overlapped = time.monotonic() - started
    emu.close()
    assert codes == [200] * 10
    assert single >= 0.2
    assert overlapped < 1.0  # ten 0.2 s calls served concurrently, not one after another


def test_the_official_client_sees_a_dropped_connection_as_an_error() -> None:
    emu = Emulator(faults=Faults(drop=1.0))
    with ServedEmulator(emu) as server:
        started = time.monotonic()
        # The SDK wraps transport errors in types of its own (requests/urllib3 underneath).
        with pytest.raises(Exception) as dropped:
            sdk(server.port).list_services(models.ListServicesRequest())
        assert time.monotonic() - started < 10  # an error, not a hang
    emu.close()
    assert not isinstance(dropped.value, ClientException)  # no answer, so no API error


def instances_of(client: Client, name: str) -> Any:
    request = models.ListServiceInstancesRequest(page_size=10)
    return client.list_service_instances(REGION, name, request).body


def test_versions_switch_and_restart_through_the_official_client(served: ServedEmulator) -> None:
    client = sdk(served.port)
    client.create_service(models.CreateServiceRequest(body=json.dumps(image_service(instance=2))))
    wait_for(client, "image_test", "Running")
    listed = instances_of(client, "image_test")
    assert listed.total_count == 2 and (listed.page_number, listed.page_size) == (1, 10)
    first = listed.instances[0]
    assert isinstance(first, models.Instance)
    assert (first.status, first.ready_processes, first.total_processes) == ("Running", 1, 1)
    assert first.instance_name.startswith("image-test-") and first.inner_ip.startswith("10.")
    assert (first.restart_count, first.is_latest, first.instance_port) == (0, True, 8000)
    assert first.start_time.endswith("Z") and first.last_state == []

    client.update_service(REGION, "image_test",
                          models.UpdateServiceRequest(body=json.dumps({"metadata": {"cpu": 4}})))
    wait_for(client, "image_test", "Running", version=2)
    versions = client.list_service_versions(
        REGION, "image_test", models.ListServiceVersionsRequest()
    ).body
    assert versions.total_count == 2
    assert [v.image_id for v in versions.versions] == [2, 1]
    assert json.loads(versions.versions[1].service_config) == image_service(instance=2)
    assert versions.versions[0].build_time.endswith("Z")

    switched = client.update_service_version(
        REGION, "image_test", models.UpdateServiceVersionRequest(version=1)
    ).body
    assert switched.request_id and "version [1]" in switched.message
    back = wait_for(client, "image_test", "Running", version=1)
    assert (back.current_version, back.latest_version, back.cpu) == (1, 2, 2)

    restarted = client.restart_service(REGION, "image_test", models.RestartServiceRequest())
    assert restarted.body.message == "Service [image_test] in region [cn-shanghai] is restarting"
    deadline = time.monotonic() + 10
    while [i.restart_count for i in instances_of(client, "image_test").instances] != [1, 1]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert instances_of(client, "image_test").instances[0].last_state[0]["reason"] == "Completed"

    events = client.describe_service_event(
        REGION, "image_test", models.DescribeServiceEventRequest(event_type="Normal", page_size="4")
    ).body
    assert len(events.events) == 4 and events.total_page_num == -(-events.total_count // 4)
    assert {e.type for e in events.events} == {"Normal"}
    assert {e.resource for e in events.events} <= {"Service", "Pod"}


def test_a_crash_loop_through_the_official_client(served: ServedEmulator) -> None:
    client = sdk(served.port)
    image = "registry-vpc.cn-shanghai.aliyuncs.com/eas-demo/image-classify:crashloop"
    spec = image_service(name="broken", instance=1, image=image)
    client.create_service(models.CreateServiceRequest(body=json.dumps(spec)))
    failed = wait_for(client, "broken", "Failed")
    assert "CrashLoopBackOff" in failed.message
    (instance,) = instances_of(client, "broken").instances
    assert (instance.status, instance.ready_processes) == ("CrashLoopBackOff", 0)
    assert instance.last_state[0]["exitCode"] == 1
    logs = client.describe_service_log(
        REGION, "broken",
        models.DescribeServiceLogRequest(instance_name=instance.instance_name, previous=True,
                                         keyword="Error", page_size=50),
    ).body
    assert logs.logs[-1].startswith("FileNotFoundError:")
    assert (logs.page_num, logs.total_count, logs.total_page_num) == (1, len(logs.logs), 1)
    warnings = client.describe_service_event(
        REGION, "broken", models.DescribeServiceEventRequest(event_type="Warning")
    ).body
    assert [(e.resource, e.reason) for e in warnings.events] == [
        ("Pod", "BackOff"), ("Service", "Failed"),
    ]
    with pytest.raises(ClientException) as missing:
        client.describe_service_log(
            REGION, "broken", models.DescribeServiceLogRequest(instance_name="nobody")
        )
    assert (missing.value.code, missing.value.status_code) == ("InvalidInstance.NotFound", 404)


def test_the_endpoint_answers_on_the_served_emulator() -> None:
    emu = Emulator(timings=FAST)
    with ServedEmulator(emu) as server:
        emu.gateway_url = server.url
        client = sdk(server.port)
        spec = {**image_service(instance=1), "token": "s3rvice-t0ken"}
        client.create_service(models.CreateServiceRequest(body=json.dumps(spec)))
        endpoint = wait_for(client, "image_test", "Running").internet_endpoint
        assert endpoint == f"{server.url}/api/predict/image_test"
        with httpx.Client(timeout=10) as plain:
            echoed = plain.post(endpoint + "/predict", json={"x": [1, 2]},
                                headers={"Authorization": "s3rvice-t0ken"})
            refused = plain.post(endpoint, json={}, headers={"Authorization": "wrong"})
    emu.close()
    assert echoed.status_code == 200
    assert echoed.json()["path"] == "/api/predict/image_test/predict"
    assert json.loads(echoed.json()["body"]) == {"x": [1, 2]}
    assert refused.status_code == 401
