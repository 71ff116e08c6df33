"""The official ``alibabacloud-eas20210701`` client works, unchanged, against the emulator
served over real HTTP (reference/eas.md §8: 6.17.0 with tea-openapi 0.4.6)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

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


def wait_for(client: Client, name: str, status: str) -> models.DescribeServiceResponseBody:
    deadline = time.monotonic() + 10
    while True:
        body = client.describe_service(REGION, name, models.DescribeServiceRequest()).body
        if body.status == status or time.monotonic() > deadline:
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
