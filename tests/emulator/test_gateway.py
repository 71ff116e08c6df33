"""The service endpoint: token checked, 503 until an instance is ready, the request echoed.

In process, the endpoint DescribeService gives is reached through the emulator's own
transport, as ``invoke`` will reach it; over HTTP see test_official_sdk.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from emulator_testkit import SLOW, FakeClock, create, describe, image_service

from deploykit.emulator import Emulator

TOKEN = "M5Mjk0NDZhM2EwYzUzOGE0OGMx"


@pytest.fixture
def caller(emulator: Emulator) -> Iterator[httpx.Client]:
    """An unsigned client on the emulator's transport: the gateway wants a token, no AK."""
    with httpx.Client(transport=emulator.mock_transport()) as plain:
        yield plain


def endpoint(client: httpx.Client) -> str:
    url: str = describe(client)["InternetEndpoint"]
    return url


def test_the_endpoint_echoes_what_was_sent(
    client: httpx.Client, caller: httpx.Client, clock: FakeClock
) -> None:
    create(client, {**image_service(), "token": TOKEN})
    clock.advance(60)
    url = endpoint(client) + "/v1/classify?top=3"
    answer = caller.post(url, content=b'{"image": "cat.jpg"}',
                         headers={"Authorization": TOKEN, "X-Trace": "abc"})
    assert answer.status_code == 200
    echo = answer.json()
    assert echo["method"] == "POST"
    assert echo["path"] == "/api/predict/image_test/v1/classify"
    assert echo["query"] == [["top", "3"]]
    assert echo["body"] == '{"image": "cat.jpg"}'
    assert echo["headers"]["x-trace"] == "abc"
    assert "authorization" not in echo["headers"]  # the token is never echoed
    assert TOKEN not in answer.text
    assert echo["version"] == 1
    assert echo["instance"].startswith("image-test-")


@pytest.mark.parametrize("token", [None, "wrong-token", TOKEN.lower()])
def test_a_missing_or_wrong_token_is_refused(
    client: httpx.Client, caller: httpx.Client, clock: FakeClock, token: str | None
) -> None:
    create(client, {**image_service(), "token": TOKEN})
    clock.advance(60)
    headers = {"Authorization": token} if token else {}
    refused = caller.post(endpoint(client), content=b"{}", headers=headers)
    assert refused.status_code == 401


def test_no_healthy_upstream_until_an_instance_is_running(
    client: httpx.Client, caller: httpx.Client, clock: FakeClock
) -> None:
    create(client, {**image_service(instance=2), "token": TOKEN})
    url = endpoint(client)

    def status() -> int:
        return caller.post(url, content=b"{}", headers={"Authorization": TOKEN}).status_code

    not_yet = caller.post(url, content=b"{}", headers={"Authorization": TOKEN})
    assert (not_yet.status_code, not_yet.text) == (503, "no healthy upstream")
    clock.advance(SLOW.accept + SLOW.per_instance)  # one instance up: it serves
    assert status() == 200
    client.put("/api/v2/services/cn-shanghai/image_test/stop")
    clock.advance(60)
    assert status() == 503


def test_an_unknown_service_is_404_with_an_empty_body(
    emulator: Emulator, caller: httpx.Client
) -> None:
    gone = caller.post("http://127.0.0.1/api/predict/nothing_here", content=b"{}")
    assert (gone.status_code, gone.content) == (404, b"")
    # A raw path no HTTP client sends (not ASCII) is not found either, never a crash.
    assert emulator.handle("POST", b"/api/predict/\xff", [], b"").status == 404


def test_the_echo_tells_which_version_served(
    client: httpx.Client, caller: httpx.Client, clock: FakeClock
) -> None:
    create(client, {**image_service(), "token": TOKEN})
    clock.advance(60)
    client.put("/api/v2/services/cn-shanghai/image_test", json={"metadata": {"cpu": 4}})

    def served_version() -> int:
        answer = caller.post(endpoint(client), content=b"{}", headers={"Authorization": TOKEN})
        version: int = answer.json()["version"]
        return version

    assert served_version() == 1  # old instances serve while the update rolls out
    clock.advance(60)
    assert served_version() == 2


def test_a_served_emulator_gives_endpoints_on_itself(clock: FakeClock) -> None:
    from emulator_testkit import signed_client

    emulator = Emulator(clock=clock, timings=SLOW, gateway_url="http://127.0.0.1:8765")
    with signed_client(emulator, clock) as client:
        created = create(client, image_service()).json()
        assert created["InternetEndpoint"] == "http://127.0.0.1:8765/api/predict/image_test"
        assert describe(client)["IntranetEndpoint"] == created["InternetEndpoint"]
        listed = client.get("/api/v2/services").json()["Services"][0]
        assert listed["InternetEndpoint"] == created["InternetEndpoint"]
    emulator.close()


def test_the_gateway_is_not_the_management_api(caller: httpx.Client) -> None:
    # No signature on a management call: refused, even though the gateway needs none.
    refused = caller.get("http://127.0.0.1/api/v2/services")
    assert refused.status_code == 400
    assert json.loads(refused.content)["Code"] == "MissingParameter"
