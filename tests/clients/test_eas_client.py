"""EasClient against the emulator (in-process): every operation, errors, and safe retries."""

from __future__ import annotations

import json

import pytest
from eas_testkit import DOCKER_AUTH, eas_client, echo_spec
from timing_testkit import FAST, QUICK

from deploykit.clients.alibaba.eas import EasClient
from deploykit.emulator import Emulator, Faults
from deploykit.errors import AuthError, ConflictError, NotFoundError, TransportError


def test_create_then_describe_shows_the_spec_and_endpoints(client: EasClient) -> None:
    ref = client.create(echo_spec())
    assert ref.request_id and not ref.resolved_by_describe
    service = client.describe("echo_service")
    assert service["ServiceName"] == "echo_service"
    assert service["InternetEndpoint"].endswith("/api/predict/echo_service")
    assert json.loads(service["ServiceConfig"])["metadata"]["instance"] == 2


def test_update_merges_by_default_and_replaces_on_request(client: EasClient) -> None:
    client.create(echo_spec())
    client.update("echo_service", {"metadata": {"instance": 3}})
    merged = json.loads(client.describe("echo_service")["ServiceConfig"])
    assert merged["metadata"]["instance"] == 3
    assert merged["containers"][0]["port"] == 8000  # kept: merge (reference §3.5)
    replacement = echo_spec(instance=1)
    del replacement["dockerAuth"]
    client.update("echo_service", replacement, replace=True)
    replaced = json.loads(client.describe("echo_service")["ServiceConfig"])
    assert "dockerAuth" not in replaced and replaced["metadata"]["instance"] == 1


def test_stop_start_scale_delete_and_events(client: EasClient) -> None:
    client.create(echo_spec())
    assert "stopping" in client.stop("echo_service").message
    assert client.describe("echo_service")["Status"] == "Stopped"
    client.start("echo_service")
    client.scale("echo_service", 4)
    assert client.describe("echo_service")["TotalInstance"] == 4
    assert client.events("echo_service")
    client.delete("echo_service")
    assert client.find("echo_service") is None
    with pytest.raises(NotFoundError) as raised:
        client.describe("echo_service")
    assert raised.value.code == "InvalidService.NotFound" and raised.value.request_id


def test_list_reads_every_page(client: EasClient) -> None:
    for i in range(105):  # PageSize is 100 (reference §3.2): two pages
        client.create(echo_spec(f"svc_{i:03d}", instance=1))
    names = [s["ServiceName"] for s in client.list_services()]
    assert len(names) == 105 and len(set(names)) == 105


def test_wrong_key_is_an_auth_error_sent_once(emulator: Emulator) -> None:
    other = Emulator(credentials={"LTAI5tSomeoneElse": "their-secret"}, timings=QUICK)
    client = eas_client(other)
    with pytest.raises(AuthError) as raised:
        client.describe("echo_service")
    assert raised.value.code == "InvalidAccessKeyId.NotFound"
    assert client.stats.retries == 0
    other.close()


def test_create_of_a_taken_name_is_a_conflict_and_never_an_update(client: EasClient) -> None:
    client.create(echo_spec(instance=2))
    with pytest.raises(ConflictError):
        client.create(echo_spec(instance=5))
    config = json.loads(client.describe("echo_service")["ServiceConfig"])
    assert config["metadata"]["instance"] == 2  # the user's service is untouched


def test_lost_create_response_is_resolved_by_describe() -> None:
    emulator = Emulator(timings=QUICK, faults=Faults(lost_create_response=1.0, seed=1))
    client = eas_client(emulator)
    ref = client.create(echo_spec())
    assert ref.resolved_by_describe
    assert [s["ServiceName"] for s in client.list_services()] == ["echo_service"]
    emulator.close()


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_faults_never_duplicate_a_service(seed: int) -> None:
    faults = Faults(error_5xx=0.2, throttle=0.1, drop=0.05, lost_create_response=0.05,
                    retry_after_ms=1, seed=seed)
    emulator = Emulator(timings=QUICK, faults=faults)
    client = eas_client(emulator)
    for i in range(40):
        client.create(echo_spec(f"svc_{i:02d}", instance=1))
    names = [s["ServiceName"] for s in client.list_services()]
    assert sorted(names) == [f"svc_{i:02d}" for i in range(40)]
    assert client.stats.retries > 0
    emulator.close()


def test_verbose_log_never_shows_a_secret(emulator: Emulator) -> None:
    lines: list[str] = []
    client = eas_client(emulator, log=lines.append)
    client.create(echo_spec())
    client.describe("echo_service")
    log = "\n".join(lines)
    assert "CreateService" in log and "DescribeService" in log
    assert DOCKER_AUTH not in log
    assert "deploykit-emulator-secret" not in log
    access_token = client.describe("echo_service")["AccessToken"]
    assert access_token not in log
    assert "ACS3-HMAC-SHA256" not in log  # the Authorization header is redacted


def test_unreachable_endpoint_is_a_transport_error() -> None:
    import httpx

    from deploykit.platforms import Target, connect

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = connect(Target(endpoint="http://127.0.0.1:9"), transport=httpx.MockTransport(refuse),
                     env={"ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET":
                          "sk", "DEPLOYKIT_CONFIG": "/nonexistent"}, policy=FAST)
    with pytest.raises(TransportError):
        client.list_services().__next__()
    assert client.stats.retries == FAST.max_attempts - 1


def test_lost_answers_to_start_stop_delete_are_resolved_not_resent(emulator: Emulator) -> None:
    import httpx

    from deploykit.platforms import Target, connect

    inner = emulator.mock_transport()
    sent: list[str] = []
    lose = {"StopService", "StartService", "DeleteService"}

    def answer_then_lose(request: httpx.Request) -> httpx.Response:
        response = inner.handle_request(request)  # the emulator did the work...
        action = request.headers["x-acs-action"]
        sent.append(action)
        if action in lose:
            lose.discard(action)
            raise httpx.ReadTimeout("timed out", request=request)  # ...the answer is lost
        return response

    from eas_testkit import ENV

    client = connect(Target(endpoint="https://pai-eas.cn-shanghai.aliyuncs.com"),
                     transport=httpx.MockTransport(answer_then_lose), env=ENV, policy=FAST)
    client.create(echo_spec())
    client.stop("echo_service")
    assert client.describe("echo_service")["Status"] == "Stopped"
    client.start("echo_service")
    assert client.describe("echo_service")["Status"] == "Running"
    client.delete("echo_service")
    assert client.find("echo_service") is None
    for action in ("StopService", "StartService", "DeleteService"):
        assert sent.count(action) == 1, sent
