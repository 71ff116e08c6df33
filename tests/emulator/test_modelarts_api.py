"""The ModelArts emulator's v1 API (reference/modelarts.md §3.2–3.5): statuses on a fake clock,
errors in ModelArts's shape, signatures and tokens, duplicates, faults, shared state."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from emulator_testkit import FakeClock
from pydantic import SecretStr

from deploykit.clients.huawei._signer import SdkHmacSha256Auth
from deploykit.clients.huawei._token import IamTokenAuth
from deploykit.emulator import EmulatorSettings, Faults, Timings
from deploykit.emulator.modelarts import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_PROJECT_ID,
    DEFAULT_SECRET_ACCESS_KEY,
    ModelArtsEmulator,
)

SLOW = Timings(accept=10.0, per_instance=5.0)
BASE = "https://modelarts.cn-north-4.myhuaweicloud.com"
P = f"/v1/{DEFAULT_PROJECT_ID}"
IMAGE = "swr.cn-north-4.myhuaweicloud.com/deploykit/echo:1.0"
CONFIG = {"model_algorithm": "echo_service", "model_type": "Image"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(clock: FakeClock) -> Iterator[ModelArtsEmulator]:
    emu = ModelArtsEmulator(EmulatorSettings(token="iam-token-for-tests"), clock=clock,
                            timings=SLOW)
    yield emu
    emu.close()


def signed(
    emulator: ModelArtsEmulator, clock: FakeClock, *, secret: str = DEFAULT_SECRET_ACCESS_KEY,
    project: str | None = DEFAULT_PROJECT_ID,
) -> httpx.Client:
    auth = SdkHmacSha256Auth(DEFAULT_ACCESS_KEY_ID, SecretStr(secret), project_id=project,
                             clock=clock.as_datetime)
    return httpx.Client(transport=emulator.mock_transport(), base_url=BASE, auth=auth)


@pytest.fixture
def client(emulator: ModelArtsEmulator, clock: FakeClock) -> Iterator[httpx.Client]:
    with signed(emulator, clock) as c:
        yield c


def import_model(
    client: httpx.Client, name: str = "echo", version: str = "1.0.0"
) -> httpx.Response:
    return client.post(f"{P}/models", json={
        "model_name": name, "model_version": version, "source_location": IMAGE,
        "model_type": "Image", "initial_config": json.dumps(CONFIG)})


def deploy(client: httpx.Client, model_id: str, name: str = "echo", **entry: Any) -> httpx.Response:
    config = {"model_id": model_id, "specification": "modelarts.vm.cpu.2u", "instance_count": 2,
              "weight": 100, **entry}
    return client.post(f"{P}/services", json={"service_name": name, "infer_type": "real-time",
                                                "config": [config]})


def published_model(client: httpx.Client, clock: FakeClock) -> str:
    model_id: str = import_model(client).json()["model_id"]
    clock.advance(10)
    return model_id


def status(client: httpx.Client, service_id: str) -> str:
    answer = client.get(f"{P}/services/{service_id}")
    return str(answer.json()["status"]) if answer.status_code == 200 else str(answer.status_code)


def test_a_model_publishes_and_keeps_its_config_as_a_string(
    client: httpx.Client, clock: FakeClock
) -> None:
    model_id = import_model(client).json()["model_id"]
    shown = client.get(f"{P}/models/{model_id}").json()
    assert shown["model_status"] == "publishing"
    assert json.loads(shown["config"]) == CONFIG
    clock.advance(10)
    assert client.get(f"{P}/models/{model_id}").json()["model_status"] == "published"


def test_a_service_deploys_runs_stops_and_is_deleted(
    client: httpx.Client, clock: FakeClock
) -> None:
    model_id = published_model(client, clock)
    answer = deploy(client, model_id)
    assert answer.status_code == 200 and answer.json()["resource_ids"]
    service_id = answer.json()["service_id"]
    assert status(client, service_id) == "deploying"
    clock.advance(10 + 2 * 5)
    assert status(client, service_id) == "running"
    assert client.put(f"{P}/services/{service_id}", json={"status": "stopped"}).status_code == 200
    assert status(client, service_id) == "stopping"
    clock.advance(20)
    assert status(client, service_id) == "stopped"
    client.put(f"{P}/services/{service_id}", json={"status": "running"})
    clock.advance(20)
    assert status(client, service_id) == "running"
    assert client.delete(f"{P}/services/{service_id}").status_code == 200
    assert status(client, service_id) == "deleting"
    clock.advance(20)
    assert status(client, service_id) == "404"
    assert client.get(f"{P}/services").json()["services"] == []


def test_events_tell_the_story_newest_first(client: httpx.Client, clock: FakeClock) -> None:
    service_id = deploy(client, published_model(client, clock)).json()["service_id"]
    clock.advance(20)
    body = client.get(f"{P}/services/{service_id}/events").json()
    assert [e["event_info"] for e in body["events"]] == ["service is running",
                                                         "start to deploy service"]
    assert {e["event_type"] for e in body["events"]} == {"normal"}
    assert body["total_count"] == 2 and body["service_name"] == "echo"


def test_a_flavor_without_resources_fails_with_an_abnormal_event(
    client: httpx.Client, clock: FakeClock
) -> None:
    service_id = deploy(client, published_model(client, clock),
                        specification="modelarts.vm.gpu.none").json()["service_id"]
    clock.advance(10)
    shown = client.get(f"{P}/services/{service_id}").json()
    assert shown["status"] == "failed" and "modelarts.vm.gpu.none" in shown["error_msg"]
    events = client.get(f"{P}/services/{service_id}/events",
                        params={"event_type": "abnormal"}).json()["events"]
    assert [e["event_info"] for e in events] == [shown["error_msg"]]


@pytest.mark.parametrize(
    ("make", "status_code", "code"),
    [
        (lambda c, m: import_model(c), 409, "ModelArts.3002"),
        (lambda c, m: deploy(c, m), 409, "ModelArts.3503"),
        (lambda c, m: c.get(f"{P}/services/no-such-id"), 404, "ModelArts.3502"),
        (lambda c, m: c.get(f"{P}/models/no-such-id"), 404, "ModelArts.3001"),
        (lambda c, m: c.delete(f"{P}/models/{m}"), 500, "ModelArts.3009"),
        (lambda c, m: c.post(f"{P}/services", json={"infer_type": "real-time"}), 400,
         "ModelArts.3036"),
        (lambda c, m: deploy(c, m, "other", instance_count=0), 400, "ModelArts.3037"),
        (lambda c, m: c.get(f"{P}/nothing-here"), 404, "APIGW.0101"),
    ],
)
def test_errors_are_modelarts_answers_with_a_request_id(
    client: httpx.Client, clock: FakeClock, make: Any, status_code: int, code: str
) -> None:
    model_id = published_model(client, clock)
    deploy(client, model_id)
    answer = make(client, model_id)
    assert (answer.status_code, answer.json()["error_code"]) == (status_code, code)
    assert answer.json()["error_msg"]
    assert len(answer.headers["X-Request-Id"]) == 32


@pytest.mark.parametrize(
    "body",
    [
        b'{"model_name": "\\ud800", "model_version": "1.0.0"}',  # no answer can carry it
        b'{"a": ' * 100 + b"1" + b"}" * 100,  # nested past the core's limit (_request_limits)
        b"{not json",
    ],
)
def test_a_body_outside_the_core_limits_is_a_modelarts_parameter_error(
    client: httpx.Client, body: bytes
) -> None:
    answer = client.post(f"{P}/models", content=body,
                         headers={"Content-Type": "application/json"})
    assert (answer.status_code, answer.json()["error_code"]) == (400, "ModelArts.0104")


def test_deploying_a_model_still_publishing_is_refused(client: httpx.Client) -> None:
    model_id = import_model(client).json()["model_id"]
    answer = deploy(client, model_id)
    assert (answer.status_code, answer.json()["error_code"]) == (400, "ModelArts.3515")


def test_a_wrong_secret_is_refused_by_the_gateway(
    emulator: ModelArtsEmulator, clock: FakeClock
) -> None:
    with signed(emulator, clock, secret="wrong") as client:
        answer = client.get(f"{P}/services")
    assert answer.status_code == 401
    assert answer.json() == {"error_code": "APIGW.0301", "error_msg":
                             "Incorrect IAM authentication information: verify aksk signature fail"}


def test_a_wrong_project_is_refused(emulator: ModelArtsEmulator, clock: FakeClock) -> None:
    with signed(emulator, clock, project=None) as client:
        answer = client.get("/v1/another-project/services")
    assert (answer.status_code, answer.json()["error_code"]) == (403, "ModelArts.0210")
    with signed(emulator, clock, project="another-project") as client:
        answer = client.get(f"{P}/services")  # the signed X-Project-Id disagrees with the path
    assert (answer.status_code, answer.json()["error_code"]) == (403, "ModelArts.0210")


def test_the_iam_token_it_was_given_is_accepted_and_no_other(
    emulator: ModelArtsEmulator,
) -> None:
    with httpx.Client(transport=emulator.mock_transport(), base_url=BASE) as client:
        good = client.get(f"{P}/services", headers={"X-Auth-Token": "iam-token-for-tests"})
        bad = client.get(f"{P}/services", headers={"X-Auth-Token": "another-token"})
        none = client.get(f"{P}/services")
    assert good.status_code == 200
    assert (bad.status_code, bad.json()["error_code"]) == (401, "APIGW.0301")
    assert (none.status_code, none.json()["error_code"]) == (401, "APIGW.0301")


def test_a_client_on_iam_token_auth_is_served(emulator: ModelArtsEmulator) -> None:
    # clients.huawei._token fetches the token from IAM (answered here as IAM does, §4.1) and
    # sends it as X-Auth-Token; the emulator accepts the token it was started with.
    inner = emulator.mock_transport()

    def iam_then_modelarts(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/auth/tokens":
            return httpx.Response(201, headers={"X-Subject-Token": "iam-token-for-tests"},
                                  json={"token": {"expires_at": "2099-01-01T00:00:00.000000Z"}})
        return inner.handle_request(request)

    auth = IamTokenAuth("https://iam.cn-north-4.myhuaweicloud.com", user_name="dev",
                        password=SecretStr("iam-password"), domain_name="account",
                        project_name="cn-north-4")
    with httpx.Client(transport=httpx.MockTransport(iam_then_modelarts), base_url=BASE,
                      auth=auth) as client:
        assert client.get(f"{P}/services").status_code == 200


def test_faults_answer_in_modelarts_words(clock: FakeClock) -> None:
    throttled = ModelArtsEmulator(
        EmulatorSettings(faults=Faults(throttle=1.0, retry_after_ms=1500)), clock=clock)
    with signed(throttled, clock) as client:
        answer = client.get(f"{P}/services")
    assert (answer.status_code, answer.json()["error_code"]) == (429, "ModelArts.6101")
    assert answer.headers["Retry-After"] == "2"  # whole seconds, rounded up (RFC 9110)
    failing = ModelArtsEmulator(EmulatorSettings(faults=Faults(error_5xx=1.0, seed=2)),
                                clock=clock)
    with signed(failing, clock) as client:
        codes = {client.get(f"{P}/services").status_code for _ in range(20)}
    assert codes == {500, 503}
    dropping = ModelArtsEmulator(EmulatorSettings(faults=Faults(drop=1.0)), clock=clock)
    with signed(dropping, clock) as client, pytest.raises(httpx.RemoteProtocolError):
        client.get(f"{P}/services")
    for emu in (throttled, failing, dropping):
        emu.close()


def test_two_emulators_on_one_file_share_models_and_services(
    tmp_path: Path, clock: FakeClock
) -> None:
    state = tmp_path / "state.sqlite3"
    first = ModelArtsEmulator(EmulatorSettings(store=state), clock=clock, timings=SLOW)
    with signed(first, clock) as client:
        deploy(client, published_model(client, clock))
    second = ModelArtsEmulator(EmulatorSettings(store=state), clock=clock, timings=SLOW)
    with signed(second, clock) as client:
        assert [s["service_name"] for s in client.get(f"{P}/services").json()["services"]] == [
            "echo"]
        assert client.get(f"{P}/models").json()["count"] == 1
    first.close()
    second.close()
