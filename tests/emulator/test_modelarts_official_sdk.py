"""Huawei's official ``huaweicloudsdkcore`` client, unchanged, against ``deploykit emulator serve
--platform modelarts`` over real HTTP: its signer, its HTTP stack (requests) and its error
parsing, through ``Client.do_http_request`` on the v1 paths (reference/modelarts.md §3.2–3.3;
the SDK itself has no v1 model or service operations, §5.1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from emulator_testkit import first_line

# The official SDK ships no type information: the oracle is untyped.
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # type: ignore[import-untyped]
from huaweicloudsdkcore.client import Client, ClientBuilder  # type: ignore[import-untyped]
from huaweicloudsdkcore.exceptions.exceptions import (  # type: ignore[import-untyped]
    ClientRequestException,
)
from huaweicloudsdkcore.http.http_config import HttpConfig  # type: ignore[import-untyped]
from huaweicloudsdkcore.sdk_response import SdkResponse  # type: ignore[import-untyped]

pytestmark = pytest.mark.slow
AK = "HPUACIRUNNERKEY00001"
SK = "ci-runner-secret-key"
PROJECT = "c0ffee0000c0ffee0000c0ffee000001"
TOKEN = "MIIZ-ci-runner-iam-token"
IMAGE = "swr.cn-north-4.myhuaweicloud.com/deploykit/echo:1.0"
DEPLOYKIT = [sys.executable, "-c", "from deploykit.cli.app import run; run()"]


class Answer(SdkResponse):  # type: ignore[misc]
    """A response type as the SDK's generated models declare one: no typed fields, so the
    JSON stays in ``raw_content``."""

    openapi_types: ClassVar[dict[str, str]] = {}
    attribute_map: ClassVar[dict[str, str]] = {}

    def json(self) -> Any:
        return json.loads(self.raw_content)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, str]]:
    """``deploykit emulator serve --platform modelarts`` in a subprocess; (url, banner)."""
    process = subprocess.Popen(
        [*DEPLOYKIT, "emulator", "serve", "--platform", "modelarts", "--port", "0",
         "--access-key-id", AK, "--access-key-secret", SK, "--project-id", PROJECT,
         "--token", TOKEN],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    try:
        banner = first_line(process.stdout)
        yield banner.split(" on ", 1)[1].split(" ", 1)[0], banner
    finally:
        process.terminate()
        process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()


def sdk(url: str, secret: str = SK) -> Client:
    credentials = BasicCredentials(AK, secret, PROJECT)
    return (ClientBuilder(Client).with_credentials(credentials).with_endpoint(url)
            .with_http_config(HttpConfig.get_default_config()).build())


def call(client: Client, method: str, path: str, body: Any = None, **query: str) -> Any:
    answer = client.do_http_request(method, f"/v1/{{project_id}}{path}", body=body,
                                    query_params=list(query.items()) or None,
                                    response_type=Answer)
    assert answer.status_code == 200
    return answer.json()


def wait_for(client: Client, path: str, field: str, wanted: str) -> Any:
    deadline = time.monotonic() + 20
    while True:
        try:
            body = call(client, "GET", path)
        except ClientRequestException as gone:
            if wanted == "gone" and gone.status_code == 404:
                return gone
            raise
        if body[field] == wanted or time.monotonic() > deadline:
            return body
        time.sleep(0.1)


def test_the_banner_names_the_project_and_key_but_no_secret(served: tuple[str, str]) -> None:
    url, banner = served
    assert url.startswith("http://127.0.0.1:")
    assert f"project {PROJECT}" in banner and f"AK {AK}" in banner
    assert SK not in banner and TOKEN not in banner


def test_the_whole_lifecycle_through_the_official_client(served: tuple[str, str]) -> None:
    client = sdk(served[0])
    config = {"model_algorithm": "echo_service", "model_type": "Image"}
    model_id = call(client, "POST", "/models", {
        "model_name": "sdk_echo", "model_version": "1.0.0", "source_location": IMAGE,
        "model_type": "Image", "initial_config": json.dumps(config)})["model_id"]
    model = wait_for(client, f"/models/{model_id}", "model_status", "published")
    assert model["model_status"] == "published" and json.loads(model["config"]) == config
    listed = call(client, "GET", "/models", model_name="sdk_echo", exact_match="true")
    assert [m["model_id"] for m in listed["models"]] == [model_id]

    service_id = call(client, "POST", "/services", {
        "service_name": "sdk_echo", "infer_type": "real-time",
        "config": [{"model_id": model_id, "specification": "modelarts.vm.cpu.2u",
                    "instance_count": 1, "weight": 100, "envs": {"LOG_LEVEL": "info"}}]},
    )["service_id"]
    running = wait_for(client, f"/services/{service_id}", "status", "running")
    assert running["status"] == "running" and running["access_address"]
    services = call(client, "GET", "/services", service_name="sdk_echo")["services"]
    assert [s["service_id"] for s in services] == [service_id]

    updated = dict(running["config"][0], instance_count=2)
    call(client, "PUT", f"/services/{service_id}", {"config": [
        {k: updated[k] for k in ("model_id", "specification", "instance_count", "weight")}]})
    assert wait_for(client, f"/services/{service_id}", "status", "running")[
        "config"][0]["instance_count"] == 2
    call(client, "PUT", f"/services/{service_id}", {"status": "stopped"})
    assert wait_for(client, f"/services/{service_id}", "status", "stopped")["status"] == "stopped"
    call(client, "PUT", f"/services/{service_id}", {"status": "running"})
    assert wait_for(client, f"/services/{service_id}", "status", "running")["status"] == "running"
    events = call(client, "GET", f"/services/{service_id}/events")["events"]
    assert "start to deploy service" in [e["event_info"] for e in events]

    call(client, "DELETE", f"/services/{service_id}")
    gone = wait_for(client, f"/services/{service_id}", "status", "gone")
    assert isinstance(gone, ClientRequestException)
    assert (gone.status_code, gone.error_code) == (404, "ModelArts.3502")
    call(client, "DELETE", f"/models/{model_id}")


def test_the_official_client_reads_modelarts_errors(served: tuple[str, str]) -> None:
    client = sdk(served[0])
    with pytest.raises(ClientRequestException) as missing:
        call(client, "GET", "/services/no-such-service")
    assert (missing.value.status_code, missing.value.error_code) == (404, "ModelArts.3502")
    assert len(missing.value.request_id) == 32  # from X-Request-Id
    with pytest.raises(ClientRequestException) as duplicate:
        for _ in range(2):
            call(client, "POST", "/models", {
                "model_name": "twice", "model_version": "1.0.0", "source_location": IMAGE,
                "model_type": "Image"})
    assert (duplicate.value.status_code, duplicate.value.error_code) == (409, "ModelArts.3002")


def test_the_official_client_with_a_wrong_secret_is_refused(served: tuple[str, str]) -> None:
    with pytest.raises(ClientRequestException) as refused:
        call(sdk(served[0], secret="wrong"), "GET", "/services")
    assert (refused.value.status_code, refused.value.error_code) == (401, "APIGW.0301")
    assert "verify aksk signature fail" in refused.value.error_msg
