"""``--verbose`` request/response logs: every secret replaced, everything else kept."""

from __future__ import annotations

import json

import httpx
from pydantic import SecretStr

from deploykit.clients._http import build_client, describe_request
from deploykit.clients.alibaba._signer import Acs3Auth
from deploykit.secrets import REDACTED, is_secret_name, redact_json

SPEC = {
    "metadata": {"name": "image_test", "instance": 1},
    "containers": [{"image": "registry-vpc.cn-shanghai.aliyuncs.com/ml/resnet:1", "port": 8000}],
    "dockerAuth": "dXNlcjpwYXNzd29yZA==",
    "storage": [{"git": {"repo": "https://github.com/x/y.git", "password": "git-pass"}}],
}


def test_sts_request_log_has_no_signature_token_or_docker_auth() -> None:
    lines: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"RequestId": "R1", "AccessToken": "svc-token-123",
                                         "ServiceConfig": json.dumps(SPEC)})

    auth = Acs3Auth("STS.NUx", SecretStr("sts-secret"), security_token=SecretStr("CAIS-token"))
    with build_client("https://pai-eas.cn-shanghai.aliyuncs.com", auth=auth,
                      transport=httpx.MockTransport(answer), log=lines.append) as client:
        client.post("/api/v2/services", content=json.dumps(SPEC).encode(),
                    headers={"x-acs-action": "CreateService"})
    log = "\n".join(lines)
    for secret in ("CAIS-token", "sts-secret", "dXNlcjpwYXNzd29yZA==", "git-pass",
                   "svc-token-123", "Signature="):
        assert secret not in log, secret
    assert "x-acs-action: CreateService" in log and "image_test" in log


def test_redact_json_keeps_switches_and_ids_and_can_keep_the_token() -> None:
    data = {"generate_token": "true", "AccessKeyId": "LTAI5tId", "AccessToken": "t",
            "AccessKeySecret": "s"}
    assert redact_json(data) == {"generate_token": "true", "AccessKeyId": "LTAI5tId",
                                 "AccessToken": REDACTED, "AccessKeySecret": REDACTED}
    assert redact_json(data, keep=frozenset({"AccessToken"}))["AccessToken"] == "t"
    assert is_secret_name("dockerAuth") and not is_secret_name("image")


def test_a_body_that_is_not_json_is_summarised() -> None:
    request = httpx.Request("POST", "https://example.com/", content=b"\x00secret bytes")
    assert "secret bytes" not in describe_request(request)
