"""ModelArtsClient against the emulator (in-process): deployments, errors, never twice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from modelarts_testkit import (
    ENV,
    IMAGE,
    QUICK,
    config,
    echo_deployment,
    modelarts_client,
    running,
)

from deploykit.clients._wait import Phase, Progress
from deploykit.clients.huawei import modelarts as modelarts_module
from deploykit.clients.huawei.modelarts import ModelArtsClient
from deploykit.emulator import EmulatorSettings, Faults
from deploykit.emulator.modelarts import ModelArtsEmulator
from deploykit.errors import AuthError, ConflictError, DeploymentFailed, NotFoundError


@pytest.fixture
def emulator() -> Iterator[ModelArtsEmulator]:
    yield from running()


@pytest.fixture
def client(emulator: ModelArtsEmulator) -> ModelArtsClient:
    return modelarts_client(emulator)


def models(client: ModelArtsClient) -> list[tuple[str, str]]:
    body = client.send("ListModels", "GET", client.path("models")).body
    return sorted((m["model_name"], m["model_version"]) for m in body["models"])


def test_create_imports_the_model_then_deploys_the_service(emulator: ModelArtsEmulator) -> None:
    steps: list[tuple[str, str]] = []
    client = modelarts_client(emulator, on_progress=lambda what, p: steps.append((what, p.status)))
    created = client.create(echo_deployment(envs={"LOG_LEVEL": "info"}))
    assert created.body["service_id"] and not created.no_service
    assert steps[-1] == ("Model [echo] version [1.0.0]", "published")
    service = client.describe("echo")
    assert service["access_address"].endswith(f"/v1/infers/{service['service_id']}")
    entry = service["config"][0]
    assert (entry["model_name"], entry["model_version"], entry["weight"]) == ("echo", "1.0.0", 100)
    assert (entry["specification"], entry["instance_count"], entry["envs"]) == (
        "modelarts.vm.cpu.2u", 1, {"LOG_LEVEL": "info"})
    assert client.progress(service) == Progress("running", Phase.RUNNING, 1, 0, 1)
    # The model carries config.json as the string ModelArts keeps (reference §3.2).
    assert client.live_spec(service)["model"]["initial_config"] == config()


def test_the_same_model_version_and_config_is_reused_not_imported(client: ModelArtsClient) -> None:
    client.create(echo_deployment("first"))
    spec = echo_deployment("second")
    spec["model"]["model_name"] = "first"  # the same model, under another service
    client.create(spec)
    assert models(client) == [("first", "1.0.0")]
    assert client.describe("second")["config"][0]["model_name"] == "first"


def test_the_same_version_with_another_config_names_model_version(client: ModelArtsClient) -> None:
    client.create(echo_deployment(model_only=True))
    changed = {**config(), "model_algorithm": "echo_v2"}
    with pytest.raises(ConflictError, match="models cannot be changed") as refused:
        client.create(echo_deployment(config=changed))
    assert "--model-version (e.g. 1.0.1)" in str(refused.value.hint)
    assert models(client) == [("echo", "1.0.0")]
    assert client.find("echo") is None


def test_a_taken_service_name_is_refused_before_anything_is_imported(
    client: ModelArtsClient,
) -> None:
    client.create(echo_deployment())
    with pytest.raises(ConflictError, match="exists already"):
        client.create(echo_deployment(model_version="2.0.0"))
    assert models(client) == [("echo", "1.0.0")]


def test_model_only_deploys_no_service(client: ModelArtsClient) -> None:
    reply = client.create(echo_deployment(model_only=True))
    assert reply.no_service and reply.message == "Model [echo] version [1.0.0] is published"
    assert list(client.list_services()) == []
    assert models(client) == [("echo", "1.0.0")]


def test_lost_create_answers_are_resolved_by_listing_by_name() -> None:
    emulator = ModelArtsEmulator(
        EmulatorSettings(faults=Faults(lost_create_response=1.0, seed=1)), timings=QUICK)
    client = modelarts_client(emulator)
    created = client.create(echo_deployment())
    assert created.resolved_by_describe  # the deploy's answer was lost, the service found
    assert models(client) == [("echo", "1.0.0")]
    assert [s["service_name"] for s in client.list_services()] == ["echo"]
    assert emulator.injected_faults["lost_create"] == 2  # the import's and the deploy's
    emulator.close()


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_faults_never_duplicate_a_model_or_a_service(seed: int) -> None:
    faults = Faults(error_5xx=0.15, throttle=0.1, drop=0.05, lost_create_response=0.1,
                    retry_after_ms=0, seed=seed)
    emulator = ModelArtsEmulator(EmulatorSettings(faults=faults), timings=QUICK)
    client = modelarts_client(emulator)
    for i in range(15):
        client.create(echo_deployment(f"svc{i:02d}"))
    assert models(client) == [(f"svc{i:02d}", "1.0.0") for i in range(15)]
    names = sorted(s["service_name"] for s in client.list_services())
    assert names == [f"svc{i:02d}" for i in range(15)]
    assert client.stats.retries > 0
    emulator.close()


def test_a_changed_config_becomes_the_next_model_version(client: ModelArtsClient) -> None:
    client.create(echo_deployment())
    changed = {**config(), "model_algorithm": "echo_v2"}
    reply = client.update("echo", {"model": {"initial_config": changed}})
    assert reply.message == "Service [echo] is updating"
    entry = client.describe("echo")["config"][0]
    assert (entry["model_name"], entry["model_version"]) == ("echo", "1.0.1")
    assert models(client) == [("echo", "1.0.0"), ("echo", "1.0.1")]
    assert client.live_spec(client.describe("echo"))["model"]["initial_config"] == changed


def test_an_update_that_changes_nothing_sends_nothing(emulator: ModelArtsEmulator) -> None:
    sent: list[str] = []
    inner = emulator.mock_transport()

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request.method)
        return inner.handle_request(request)

    client = modelarts_client(emulator)
    client.create(echo_deployment())
    client.http._transport = httpx.MockTransport(record)
    # §3.5 ModelArts.3516: pointing a service at the version it runs is refused.
    assert client.update("echo", {"service": {"instance_count": 1}}).message == (
        "Service [echo] is unchanged")
    assert "PUT" not in sent


def test_scale_stop_start_and_delete_with_its_model(client: ModelArtsClient) -> None:
    client.create(echo_deployment())
    client.scale("echo", 3)
    assert client.describe("echo")["config"][0]["instance_count"] == 3
    client.stop("echo")
    assert client.describe("echo")["status"] == "stopped"
    client.start("echo")
    assert client.progress(client.describe("echo")).running == 3
    reply = client.delete("echo", with_model=True)
    assert reply.message == "Service [echo] deleted, and its model (1 version)"
    assert client.find("echo") is None
    assert models(client) == []


def test_a_failed_model_is_deployment_failed_with_its_reason() -> None:
    only = EmulatorSettings(known_images=["swr.cn-north-4.myhuaweicloud.com/x:1"])
    emulator = ModelArtsEmulator(only, timings=QUICK)
    client = modelarts_client(emulator)
    with pytest.raises(DeploymentFailed) as failed:
        client.create(echo_deployment())
    assert str(failed.value) == (
        f"Model [echo] version [1.0.0] is failed: failed to copy image {IMAGE}: the image does "
        "not exist in SWR")
    assert client.find("echo") is None  # no service is deployed on a failed model
    emulator.close()


def test_a_failed_service_reads_with_its_error_and_abnormal_events(
    client: ModelArtsClient,
) -> None:
    client.create(echo_deployment(specification="modelarts.vm.gpu.none"))
    progress = client.progress(client.describe("echo"))
    assert progress.phase is Phase.FAILED
    assert "no resources of flavor modelarts.vm.gpu.none" in progress.message
    assert progress.message.count("schedule resource failed") == 1  # error_msg = the event


def test_a_wrong_secret_is_an_auth_error_sent_once(emulator: ModelArtsEmulator) -> None:
    sent: list[str] = []
    inner = emulator.mock_transport()

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return inner.handle_request(request)

    client = modelarts_client(emulator, env={**ENV, "HUAWEICLOUD_SDK_SK": "not-the-secret"})
    client.http._transport = httpx.MockTransport(record)
    with pytest.raises(AuthError) as refused:
        client.describe("echo")
    assert refused.value.code == "APIGW.0301" and refused.value.status == 401
    assert "verify aksk signature fail" in str(refused.value)
    assert len(sent) == 1


def test_an_unknown_service_is_not_found(client: ModelArtsClient) -> None:
    with pytest.raises(NotFoundError, match="service 'nothing' does not exist"):
        client.describe("nothing")
    with pytest.raises(NotFoundError):
        client.start("nothing")


def test_lists_are_read_page_by_page(
    client: ModelArtsClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(5):
        client.create(echo_deployment(f"svc{i}"))
    monkeypatch.setattr(modelarts_module, "PAGE_SIZE", 2)
    assert sorted(s["service_name"] for s in client.list_services()) == [
        f"svc{i}" for i in range(5)]


def test_a_name_is_matched_exactly_though_the_list_matches_fuzzily(
    client: ModelArtsClient,
) -> None:
    client.create(echo_deployment("echo_long"))
    assert client.find("echo") is None
    client.create(echo_deployment("echo", model_version="1.0.1"))
    assert client.describe("echo")["service_name"] == "echo"


def test_verbose_log_never_shows_a_secret(emulator: ModelArtsEmulator) -> None:
    lines: list[str] = []
    client = modelarts_client(emulator, log=lines.append)
    client.create(echo_deployment(envs={"HF_TOKEN": "hf_s3cret_value", "LOG_LEVEL": "info"}))
    client.describe("echo")
    log = "\n".join(lines)
    assert "POST" in log and "/services" in log and "LOG_LEVEL" in log
    assert "hf_s3cret_value" not in log
    assert "deploykit-emulator-secret" not in log
    assert "SDK-HMAC-SHA256" not in log  # the Authorization header is redacted


def test_the_live_deployment_is_what_create_takes(client: ModelArtsClient) -> None:
    spec: dict[str, Any] = echo_deployment(instance=2, envs={"A": "1"})
    client.create(spec)
    assert client.live_spec(client.describe("echo")) == spec
