"""What client, deploy and CLI tests share: a realistic spec, fast retries, emulator clients."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from timing_testkit import FAST

from deploykit.clients._retry import RetryPolicy
from deploykit.clients.alibaba.eas import EasClient
from deploykit.emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator
from deploykit.platforms import Target, connect

REGION = "cn-shanghai"
SPEC_PATH = Path(__file__).parent.parent / "deploy" / "specs" / "echo_service.json"
# The spec's dockerAuth, base64("deploykit:s3cret-password"): must never be printed or logged.
DOCKER_AUTH = "ZGVwbG95a2l0OnMzY3JldC1wYXNzd29yZA=="
ENV = {
    "ALIBABA_CLOUD_ACCESS_KEY_ID": DEFAULT_ACCESS_KEY_ID,
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": DEFAULT_ACCESS_KEY_SECRET,
    "ALIBABA_CLOUD_REGION_ID": REGION,
    "DEPLOYKIT_CONFIG": "/nonexistent/deploykit.ini",
    "ALIBABA_CLOUD_CREDENTIALS_FILE": "/nonexistent/credentials.ini",
}


def echo_spec(name: str = "echo_service", instance: int = 2) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(SPEC_PATH.read_text())
    spec = copy.deepcopy(spec)
    spec["metadata"]["name"] = name
    spec["metadata"]["instance"] = instance
    return spec


def eas_client(emulator: Emulator, *, log: Any = None, policy: RetryPolicy = FAST) -> EasClient:
    client = connect(
        Target(endpoint=f"https://pai-eas.{REGION}.aliyuncs.com"),
        transport=emulator.mock_transport(),
        env=ENV,
        policy=policy,
        log=log,
    )
    assert isinstance(client, EasClient)
    return client
